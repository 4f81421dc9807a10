/* parvande — charts of block characters for the statistics screen: a
 * horizontal bar and a sparkline, computed as terminal cells in VISUAL
 * order (out[0] is the leftmost cell), so a test can read them and the
 * screen can put them on the terminal as they are. Block characters are
 * neutral for the bidi algorithm; laid out as text they would be reordered,
 * which is why they never go through the bidi layer: the mirroring is
 * done here. No curses here. */
#ifndef PARVANDE_TUI_CHART_H
#define PARVANDE_TUI_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

/* A bar for `value` out of `max`, in a box `width` cells wide, measured in
 * eighths of a cell (rounded; a non-zero value shows at least an eighth).
 * Left to right (rtl false) it grows from the left edge: full blocks █ and
 * a tip of ▏▎▍▌▋▊▉. Right to left it grows from the right edge, mirrored;
 * the only partial blocks anchored on the right are ▕ (an eighth) and ▐ (a
 * half), so a tip of one or two eighths is ▕, three to six ▐, seven █.
 * The rest of the box is spaces. Writes width cells into out (no NUL);
 * returns how many are not spaces. value < 0 counts as 0; max <= 0 draws
 * nothing. */
int pv_chart_bar(int64_t value, int64_t max, int width, bool rtl, wchar_t *out);

/* A sparkline of n values, oldest first: one cell each, ▁▂▃▄▅▆▇█ scaled
 * to the largest value, a space for zero. Left to right time runs to the
 * right; right to left (the Persian interface) it runs to the left, the
 * oldest value in the rightmost cell. Writes n cells into out (no NUL). */
void pv_chart_spark(const int64_t *values, size_t n, bool rtl, wchar_t *out);

#endif
