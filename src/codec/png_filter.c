/* png_filter.c: PNG row filters (RFC 2083 section 6) for the fast encoder:
 * None, Sub, Up, Average, Paeth, and the adaptive choice among them. */
#include <stdlib.h>
#include <string.h>
#include "png_fast.h"

/* Each filter writes out[0..n) from row `cur` and the row above `up` (all
 * zeros above the first row); `bpp` is bytes per pixel, at least 1. The
 * loops have no dependency from one output byte to the next, so compilers
 * vectorise them. */

static void filter_sub(const uint8_t *cur, const uint8_t *up, size_t n, size_t bpp, uint8_t *out) {
    (void)up;
    memcpy(out, cur, bpp < n ? bpp : n);
    for (size_t i = bpp; i < n; i++) out[i] = (uint8_t)(cur[i] - cur[i - bpp]);
}

static void filter_up(const uint8_t *cur, const uint8_t *up, size_t n, size_t bpp, uint8_t *out) {
    (void)bpp;
    for (size_t i = 0; i < n; i++) out[i] = (uint8_t)(cur[i] - up[i]);
}

static void filter_avg(const uint8_t *cur, const uint8_t *up, size_t n, size_t bpp, uint8_t *out) {
    size_t i = 0;
    for (; i < bpp && i < n; i++) out[i] = (uint8_t)(cur[i] - (up[i] >> 1));
    for (; i < n; i++) out[i] = (uint8_t)(cur[i] - ((cur[i - bpp] + up[i]) >> 1));
}

static void filter_paeth(const uint8_t *cur, const uint8_t *up, size_t n, size_t bpp,
                         uint8_t *out) {
    size_t i = 0;
    for (; i < bpp && i < n; i++) out[i] = (uint8_t)(cur[i] - up[i]); /* a = c = 0: predicts b */
    /* 16-bit lanes and selects without branches: vectorisable. */
    for (; i < n; i++) {
        int16_t a = cur[i - bpp], b = up[i], c = up[i - bpp];
        int16_t p = (int16_t)(b - c), q = (int16_t)(a - c), r = (int16_t)(p + q);
        int16_t pa = p < 0 ? (int16_t)-p : p, pb = q < 0 ? (int16_t)-q : q;
        int16_t pc = r < 0 ? (int16_t)-r : r;
        int16_t bc = pb <= pc ? b : c;
        int16_t pred = (pa <= pb && pa <= pc) ? a : bc;
        out[i] = (uint8_t)(cur[i] - pred);
    }
}

/* libpng's heuristic: the filter whose output has the smallest sum of
 * |signed byte|. */
static size_t cost(const uint8_t *p, size_t n) {
    size_t s = 0;
    for (size_t i = 0; i < n; i++) s += (size_t)abs((int)(int8_t)p[i]);
    return s;
}

void zp__png_filter_row(zp_png_filter filter, const uint8_t *cur, const uint8_t *up, size_t n,
                        size_t bpp, uint8_t *out, uint8_t *scratch) {
    switch (filter) {
    case ZP_PNG_FILTER_NONE:
        out[0] = 0;
        memcpy(out + 1, cur, n);
        return;
    case ZP_PNG_FILTER_SUB:
        out[0] = 1;
        filter_sub(cur, up, n, bpp, out + 1);
        return;
    case ZP_PNG_FILTER_UP:
        out[0] = 2;
        filter_up(cur, up, n, bpp, out + 1);
        return;
    case ZP_PNG_FILTER_AVERAGE:
        out[0] = 3;
        filter_avg(cur, up, n, bpp, out + 1);
        return;
    case ZP_PNG_FILTER_ADAPTIVE: {
        /* Try each into `scratch` (n bytes), keep the best in `out`. */
        size_t best = cost(cur, n);
        out[0] = 0;
        memcpy(out + 1, cur, n);
        static void (*const fns[4])(const uint8_t *, const uint8_t *, size_t, size_t, uint8_t *) = {
            filter_sub, filter_up, filter_avg, filter_paeth};
        for (int f = 0; f < 4; f++) {
            fns[f](cur, up, n, bpp, scratch);
            size_t c = cost(scratch, n);
            if (c < best) {
                best = c;
                out[0] = (uint8_t)(f + 1);
                memcpy(out + 1, scratch, n);
            }
        }
        return;
    }
    case ZP_PNG_FILTER_PAETH:
    default:
        out[0] = 4;
        filter_paeth(cur, up, n, bpp, out + 1);
        return;
    }
}
