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
    for (int32_t r = 0; r < rt; r += tile)
        for (int32_t c = 0; c < ct; c += tile)
            fn(src + r * src_stride + c * p, src_stride, dst + c * dst_stride + r * p, dst_stride);
    const struct zp_copy_kernels *ref = zp_copy_kernels_c();
    if (ct < cols) ref->transpose(src + ct * p, src_stride, rt, cols - ct, pixel, dst + ct * dst_stride, dst_stride);
    if (rt < rows) ref->transpose(src + rt * src_stride, src_stride, rows - rt, cols, pixel, dst + rt * p, dst_stride);
}

#endif
