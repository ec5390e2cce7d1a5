/* png_fast.h: the fast PNG pixel writer (png_fast.c, png_filter.c): rows
 * filtered and deflated in fixed pieces, on several threads, into IDAT
 * chunks, then IEND. png_encode.c writes the header chunks before it. */
#ifndef ZEROPIX_PNG_FAST_H
#define ZEROPIX_PNG_FAST_H

#include <stddef.h>
#include <stdint.h>
#include "codec_internal.h"

/* Filter one row of n bytes: out[0] = the filter type, out[1..n] the
 * filtered bytes. `up` is the row above (zeros above the first row); `bpp`
 * bytes per pixel (1..8). ZP_PNG_FILTER_AUTO means Paeth; ADAPTIVE needs n
 * bytes of `scratch` (may be NULL otherwise). */
void zp__png_filter_row(zp_png_filter filter, const uint8_t *cur, const uint8_t *up, size_t n,
                        size_t bpp, uint8_t *out, uint8_t *scratch);

typedef struct zp__png_fast_params {
    int32_t       width, height;
    int           channels;  /* 1..4                                        */
    int           depth;     /* 8 or 16: rows come as ZP_U8 or native ZP_U16 */
    zp_png_filter filter;
    int           threads;   /* already resolved: >= 1, used as given       */
} zp__png_fast_params;

/* Images with fewer bytes of filtered rows than this are encoded on the
 * calling thread only. */
#define ZP__PNG_FAST_PARALLEL_MIN ((size_t)4 << 20)

/* Pull every row from `rows` in order (ZP_U8 or ZP_U16 as p->depth says)
 * and write the IDAT chunks (one zlib stream) and IEND to `w`. The bytes
 * written depend on the pixels, the depth and the filter, never on the
 * thread count. */
zp_status zp__png_fast_write(zp__rowsource *rows, const zp__png_fast_params *p, zp__writer *w);

#endif
