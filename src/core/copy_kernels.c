/* copy_kernels.c: plain C reference of the copy family, and its table. */
#include <string.h>
#include "core/copy_kernels.h"
#include "core/simd_internal.h"

/* Tiles of TILE x TILE pixels, so that the TILE destination rows a tile
 * writes stay in the L1 cache while the source is read row by row. */
#define TILE 16
#define TRANSPOSE_PIXELS(K)                                                   \
    for (int32_t r0 = 0; r0 < rows; r0 += TILE)                               \
        for (int32_t c0 = 0; c0 < cols; c0 += TILE) {                         \
            const int32_t r1 = r0 + TILE < rows ? r0 + TILE : rows;           \
            const int32_t c1 = c0 + TILE < cols ? c0 + TILE : cols;           \
            for (int32_t r = r0; r < r1; r++)                                 \
                for (int32_t c = c0; c < c1; c++)                             \
                    memcpy(dst + c * dst_stride + (ptrdiff_t)r * (K),         \
                           src + r * src_stride + (ptrdiff_t)c * (K), (K));   \
        }

static void transpose_c(const char *src, ptrdiff_t src_stride, int32_t rows, int32_t cols,
                        size_t pixel, char *dst, ptrdiff_t dst_stride) {
    ZP__FOR_EACH_PIXEL_SIZE(TRANSPOSE_PIXELS, pixel)
}

#define REVERSE_PIXELS(K)                                                     \
    for (int32_t i = 0; i < n; i++)                                           \
        memcpy(dst + (ptrdiff_t)i * (K), src + (ptrdiff_t)(n - 1 - i) * (K), (K))

static void reverse_c(const char *src, int32_t n, size_t pixel, char *dst) {
    ZP__FOR_EACH_PIXEL_SIZE(REVERSE_PIXELS, pixel)
}

static const struct zp_copy_kernels copy_kernels_c = {
    .transpose = transpose_c,
    .reverse = reverse_c,
};

ZP__SIMD_FAMILY(copy, copy_kernels_c);
