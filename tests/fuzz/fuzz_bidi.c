/* parvande — fuzz target: the bidi layout of a line (tui/bidi.c). The first
 * byte picks the direction and the width; the rest is the text. A layout
 * must keep every line within the width asked for, hold no control
 * character in a cell, and map every logical position to a cell. */
#include <wchar.h>

#include "bidi.h"
#include "fuzz.h"
#include "parvande/text.h"

static void check_layout(const pv_layout *l, int width)
{
    for (size_t i = 0; i < l->n_lines; i++) {
        const pv_line *ln = &l->lines[i];
        if (width > 0 && ln->width > width && ln->n_cells > 1)
            abort(); /* a line wider than its box */
        for (size_t c = 0; c < ln->n_cells; c++) {
            wchar_t wc = ln->cells[c].wc[0];
            if ((wc >= 0 && wc < 0x20) || (wc >= 0x7f && wc < 0xa0))
                abort(); /* a control character would reach the terminal */
        }
    }
    for (size_t pos = 0; pos <= l->length; pos++) {
        int line, col;
        pv_layout_cursor(l, pos, &line, &col);
        if (line < 0 || (size_t)line >= l->n_lines)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The interface lays out at most a note (a few KB); past 64 KB the
     * target only spends its time, it finds nothing new. */
    if (size == 0 || size > 65536)
        return 0;
    pv_dir dir = (pv_dir)(data[0] % 3);
    int width = (data[0] >> 2) % 48 - 4; /* -4..43: unwrapped and wrapped */
    char *s = fuzz_cstr(data + 1, size - 1);
    if (!s)
        return 0;
    pv_layout *l = pv_layout_text(s, dir, width);
    if (l) {
        check_layout(l, width);
        pv_layout_free(l);
    }
    l = pv_layout_fit(s, dir, width);
    if (l) {
        check_layout(l, width);
        pv_layout_free(l);
    }
    /* The editor's cursor steps: one call a keystroke, each over the whole
     * text, so a few positions (not every one: that is quadratic). */
    long cps = pv_utf8_length(s);
    size_t len = cps > 0 ? (size_t)cps : 0; /* positions count code points */
    size_t at[] = {0, len / 3, len / 2, len};
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
        size_t next = pv_grapheme_next(s, at[i]), prev = pv_grapheme_prev(s, at[i]);
        if (prev > at[i] || (at[i] < len && next <= at[i]))
            abort(); /* a step that does not move the right way */
    }
    free(s);
    return 0;
}
