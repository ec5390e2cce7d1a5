/* copy_kernels_tiles.h: the loop the SIMD transposes share: whole tiles
 * through a level's tile function, the ragged edges through the C
 * reference. Included by copy_kernels_<level>.c only. */
#ifndef ZEROPIX_COPY_KERNELS_TILES_H
#define ZEROPIX_COPY_KERNELS_TILES_H

#include "core/copy_kernels.h"

/* Transpose one tile x tile square of pixels (the contract of the table's
 * transpose with rows = cols = tile). */
typedef void (*zp__copy_tile)(const char *src, ptrdiff_t src_stride, char *dst,
                              ptrdiff_t dst_stride);

static inline void zp__copy_transpose_tiled(const char *src, ptrdiff_t src_stride, int32_t rows,
                                            int32_t cols, size_t pixel, char *dst,
                                            ptrdiff_t dst_stride, int32_t tile,
                                            zp__copy_tile fn) {
    const ptrdiff_t p = (ptrdiff_t)pixel;
    const int32_t rt = rows - rows % tile, ct = cols - cols % tile;
    const ptrdiff_t span = ct * p; /* bytes of a row the tiles read */
    for (int32_t r = 0; r < rt; r += tile) {
        /* The source rows of the strip after next lie a buffer row apart:
         * the hardware prefetchers do not follow them, so their lines are
         * asked for now, spread over this strip's tiles. */
        const int32_t ahead = r + 3 * tile <= rt ? tile : 0; /* 0: addresses past the tiles */
        const char *next = ahead ? src + (r + 2 * tile) * src_stride : src;
        ptrdiff_t line = 0;
        for (int32_t c = 0; c < ct; c += tile) {
            for (; ahead && line < span + 63 && line <= (c + tile) * p; line += 64) {
                const ptrdiff_t at = line < span ? line : span - 1; /* the last line too */
                for (int32_t k = 0; k < ahead; k++) __builtin_prefetch(next + k * src_stride + at);
            }
            /* Likewise the destination lines the strip after next starts
             * (a store to a line not in cache waits for it): the last
             * byte of each of its rows. */
            if (ahead)
                for (int32_t k = 0; k < tile; k++)
                    __builtin_prefetch(dst + (c + k) * dst_stride + (r + 3 * tile) * p - 1, 1);
            fn(src + r * src_stride + c * p, src_stride, dst + c * dst_stride + r * p, dst_stride);
        }
    }
    const struct zp_copy_kernels *ref = zp_copy_kernels_c();
    if (ct < cols) ref->transpose(src + ct * p, src_stride, rt, cols - ct, pixel, dst + ct * dst_stride, dst_stride);
    if (rt < rows) ref->transpose(src + rt * src_stride, src_stride, rows - rt, cols, pixel, dst + rt * p, dst_stride);
}

#endif
