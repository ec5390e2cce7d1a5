/* copy_kernels.h: the inner loops of zp_view_copy as a kernel family (see
 * simd_internal.h): plain C reference in copy_kernels.c, SIMD overrides in
 * copy_kernels_<level>.c.
 *
 * A pixel here is `pixel` bytes moved as a unit: 1, 2, 3, 4, 6, 8, 12 or 16
 * (1..4 channels of u8, u16 or f32 whose channels are adjacent). Source and
 * destination never overlap. Every level gives the same bytes. */
#ifndef ZEROPIX_COPY_KERNELS_H
#define ZEROPIX_COPY_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include "zeropix/simd.h"

/* Expand LOOP(K) once per pixel size above with K a constant, so that each
 * loop's memcpy(..., K) becomes plain loads and stores instead of a call
 * per pixel; any other size gets the loop with the run-time size. For the
 * C kernels and view_copy.c's pixel-by-pixel paths. */
#define ZP__FOR_EACH_PIXEL_SIZE(LOOP, pixel)                                  \
    switch (pixel) {                                                          \
    case 1: LOOP(1); break;                                                   \
    case 2: LOOP(2); break;                                                   \
    case 3: LOOP(3); break;                                                   \
    case 4: LOOP(4); break;                                                   \
    case 6: LOOP(6); break;                                                   \
    case 8: LOOP(8); break;                                                   \
    case 12: LOOP(12); break;                                                 \
    case 16: LOOP(16); break;                                                 \
    default: LOOP(pixel); break;                                              \
    }

struct zp_copy_kernels {
    /* Blocked transpose: src holds `rows` rows of `cols` contiguous pixels,
     * row r at src + r*src_stride; dst gets `cols` rows of `rows`
     * contiguous pixels, row c at dst + c*dst_stride, with pixel r of dst
     * row c = pixel c of src row r. Strides are in bytes, of either sign
     * (a negative one walks the rows upwards: rotations are transposes
     * with a flip). This is the copy of a transposed view. */
    void (*transpose)(const char *src, ptrdiff_t src_stride, int32_t rows, int32_t cols,
                      size_t pixel, char *dst, ptrdiff_t dst_stride);
    /* Mirror a row: pixel i of dst = pixel n-1-i of src, both packed. This
     * is the copy of a row of a view flipped left-right. */
    void (*reverse)(const char *src, int32_t n, size_t pixel, char *dst);
};

/* The table at zp_simd_active(); never NULL. */
const struct zp_copy_kernels *zp_copy_kernels(void);
/* The plain C reference. */
const struct zp_copy_kernels *zp_copy_kernels_c(void);
/* The table of exactly `level`, or NULL when the CPU lacks it. */
const struct zp_copy_kernels *zp_copy_kernels_at(zp_simd level);

#endif
