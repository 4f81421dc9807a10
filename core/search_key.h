/* parvande — the Persian alphabetical sort key of a folded name, in SQL
 * and in C alike, so that an index on it lists names in the order search
 * ranks ties (core/search.c).
 *
 * Folded names (pv_text_fold) hold the letters in Unicode order, which is
 * the Persian alphabet's but for six letters: پ چ ژ ک گ sit after the
 * Arabic ones, and ه comes before و. The key moves each of these right
 * after the letter it follows in the alphabet by writing that letter and
 * U+10FFFF (which sorts after any character): پ → ب U+10FFFF, چ → ج
 * U+10FFFF, ژ → ز U+10FFFF, ک → ق U+10FFFF, گ → ق U+10FFFF U+10FFFF,
 * ه → و U+10FFFF. Every other character keeps its place by code point.
 * Plain built-in SQL (replace, char), so other tools can read and write
 * the table. A prefix P of a name has its key range [key(P), key(P) U+10FFFF). */
#ifndef PV_SEARCH_KEY_H
#define PV_SEARCH_KEY_H

#define PV_KEY_END "char(1114111)"
#define PV_SORT_KEY(x)                                                              \
    "replace(replace(replace(replace(replace(replace(" x ",'ک','ق'||" PV_KEY_END    \
    "),'گ','ق'||" PV_KEY_END "||" PV_KEY_END "),'پ','ب'||" PV_KEY_END "),'چ','ج'||" \
    PV_KEY_END "),'ژ','ز'||" PV_KEY_END "),'ه','و'||" PV_KEY_END ")"

/* The index that lists persons by (last name, first name, id) in that
 * order; a large import should drop and rebuild it like the name indexes. */
#define PV_SORT_INDEX_NAME "person_sort"
extern const char pv_sql_sort_index[];

#endif
