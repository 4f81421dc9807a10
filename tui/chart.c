/* parvande — the statistics screen's bars and sparklines (see chart.h). */
#include "chart.h"

#define FULL_BLOCK 0x2588
#define RIGHT_EIGHTH 0x2595
#define RIGHT_HALF 0x2590

int pv_chart_bar(int64_t value, int64_t max, int width, bool rtl, wchar_t *out)
{
    if (width <= 0)
        return 0;
    for (int i = 0; i < width; i++)
        out[i] = L' ';
    if (max <= 0 || value <= 0)
        return 0;
    if (value > max)
        value = max;
    /* eighths, rounded to the nearest; at least one for a non-zero value */
    int64_t eighths = (value * width * 8 + max / 2) / max;
    if (eighths < 1)
        eighths = 1;
    int full = (int)(eighths / 8), part = (int)(eighths % 8);
    wchar_t tip = 0;
    if (part && !rtl)
        tip = (wchar_t)(0x2590 - part); /* ▏ (U+258F) is one eighth ... ▉ (U+2589) seven */
    else if (part)
        tip = part <= 2 ? RIGHT_EIGHTH : part <= 6 ? RIGHT_HALF : FULL_BLOCK;
    int used = full + (tip ? 1 : 0);
    for (int i = 0; i < full; i++)
        out[rtl ? width - 1 - i : i] = FULL_BLOCK;
    if (tip)
        out[rtl ? width - 1 - full : full] = tip;
    return used;
}

void pv_chart_spark(const int64_t *values, size_t n, bool rtl, wchar_t *out)
{
    int64_t max = 0;
    for (size_t i = 0; i < n; i++)
        max = values[i] > max ? values[i] : max;
    for (size_t i = 0; i < n; i++) {
        wchar_t c = L' ';
        if (max > 0 && values[i] > 0) {
            int level = (int)((values[i] * 7 + max / 2) / max); /* 0..7 */
            c = (wchar_t)(0x2581 + level);                        /* ▁ .. █ */
        }
        out[rtl ? n - 1 - i : i] = c;
    }
}
