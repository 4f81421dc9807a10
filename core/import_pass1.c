/* parvande — the import's pass 1: the header (unknown, repeated or missing
 * columns refused before anything is written), the rows counted, every
 * household key's first and last rows; and the file's SHA-256 for the
 * audit trail, on a thread of its own beside it. */
#include <stdlib.h>
#include <string.h>

#include "import_internal.h"
#include "parvande/audit.h"
#include "parvande/text.h"

static const char *const required_columns[] = {
    "national_id", "first_name", "last_name", "gender", "birth_date",
};

void imp_layout_free(layout *l)
{
    for (size_t i = 0; i < l->ncols; i++)
        free(l->names[i]);
    l->ncols = 0;
}

/* The machine name of a header cell: trimmed, ASCII lowercased. */
static void column_name(const char *in, char *out, size_t size)
{
    while (*in == ' ' || *in == '\t')
        in++;
    size_t n = 0;
    for (; *in && n + 1 < size; in++)
        out[n++] = (*in >= 'A' && *in <= 'Z') ? (char)(*in - 'A' + 'a') : *in;
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
        n--;
    out[n] = '\0';
}

static const char *known_column(const char *name, col_kind *kind)
{
    size_t n;
    const pv_field_info *fi = pv_person_fields(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(fi[i].name, name) == 0) {
            *kind = COL_PERSON;
            return fi[i].name;
        }
    }
    static const char *const casefile[] = {"covered", "file_status"};
    for (size_t i = 0; i < 2; i++) {
        if (strcmp(casefile[i], name) == 0) {
            *kind = COL_CASEFILE;
            return casefile[i];
        }
    }
    if (strcmp(name, "household") == 0) {
        *kind = COL_HOUSEHOLD;
        return "household";
    }
    return NULL;
}

static pv_status header_error(const pv_csv *r, pv_error *err, const char *fmt, const char *col)
{
    char *msg = NULL;
    if (asprintf(&msg, fmt, col) < 0)
        msg = NULL;
    /* TRANSLATORS: "line 1: unknown column "foo"" — where and what. */
    pv_error_set(err, PV_EINVAL, "csv", _("line %ld: %s"), pv_csv_line(r), msg ? msg : col);
    free(msg);
    return PV_EINVAL;
}

static pv_status read_header(pv_csv *r, layout *l, pv_error *err)
{
    int got = pv_csv_next(r, err);
    if (got < 0)
        return err->status;
    if (got == 0)
        return pv_error_set(err, PV_EINVAL, "csv", "%s",
                            _("the file is empty: a header row naming the columns is expected"));
    if (pv_csv_record_error(r))
        return header_error(r, err, "%s", _(pv_csv_record_error(r)));
    l->natid = l->household = -1;
    for (size_t i = 0; i < pv_csv_count(r); i++) {
        char name[64];
        column_name(pv_csv_field(r, i), name, sizeof name);
        col_kind kind;
        const char *known = known_column(name, &kind);
        if (!known)
            return header_error(r, err, _("unknown column \"%s\""), pv_csv_field(r, i));
        for (size_t j = 0; j < i; j++)
            if (l->field[j] == known)
                return header_error(r, err, _("the column \"%s\" appears twice"), known);
        l->field[i] = known;
        l->kind[i] = kind;
        l->names[i] = strdup(pv_csv_field(r, i));
        l->ncols = i + 1;
        if (!l->names[i])
            return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
        if (strcmp(known, "national_id") == 0)
            l->natid = (int)i;
        if (kind == COL_HOUSEHOLD)
            l->household = (int)i;
    }
    for (size_t k = 0; k < sizeof required_columns / sizeof *required_columns; k++) {
        bool found = false;
        for (size_t i = 0; i < l->ncols; i++)
            found |= strcmp(l->field[i], required_columns[k]) == 0;
        if (!found)
            return header_error(r, err, _("the required column \"%s\" is missing"),
                                required_columns[k]);
    }
    return PV_OK;
}

bool imp_is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return false;
    return true;
}

/* The household key of a cell: normalised like any line of text. */
pv_status imp_household_key(const char *cell, char out[KEY_SZ], pv_error *err)
{
    out[0] = '\0';
    if (imp_is_blank(cell))
        return PV_OK;
    return pv_text_normalize(cell, PV_TEXT_LINE, "household", out, KEY_SZ, err);
}

static void *hash_main(void *arg)
{
    file_hash *h = arg;
    h->rc = pv_audit_file_sha256_until(h->path, h->sha, &h->stop, &h->err);
    return NULL;
}

void imp_hash_start(file_hash *h, const char *path)
{
    h->path = path;
    h->err = (pv_error)PV_ERROR_INIT;
    h->started = pthread_create(&h->thread, NULL, hash_main, h) == 0;
}

/* The hash (waiting for it); computed here when the thread could not start. */
pv_status imp_hash_finish(file_hash *h, pv_error *err)
{
    if (h->started)
        pthread_join(h->thread, NULL);
    else
        hash_main(h);
    h->started = false;
    if (h->rc != PV_OK) {
        *err = h->err;
        h->err = (pv_error)PV_ERROR_INIT;
    }
    return h->rc;
}

pv_status imp_first_pass(importer *im, FILE *f, pv_error *err)
{
    pv_csv *r = pv_csv_new(f);
    if (!r)
        return pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
    pv_status rc = read_header(r, &im->lay, err);
    int got;
    uint32_t row = 0;
    while (rc == PV_OK && (got = pv_csv_next(r, err)) > 0) {
        if (im->lay.household >= 0) {
            char key[KEY_SZ];
            if (imp_household_key(pv_csv_field(r, (size_t)im->lay.household), key, NULL) == PV_OK &&
                key[0] && !imp_hh_put(&im->hh, imp_hash_key(key), row))
                rc = pv_error_set(err, PV_EFAIL, NULL, "%s", _("out of memory"));
        }
        row++;
    }
    if (rc == PV_OK && got < 0)
        rc = err->status;
    im->st.total = row;
    pv_csv_free(r);
    return rc;
}
