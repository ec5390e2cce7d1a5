/* copy_kernels.c: plain C reference of the copy family, and its table. */
#include <string.h>
#include "core/copy_kernels.h"
#include "core/simd_internal.h"

/* A constant-size memcpy per pixel, which the compiler turns into a load
 * and a store. */
#define GATHER_PIXELS(K)                                                      \
    for (int32_t x = 0; x < w; x++)                                           \
        for (int32_t r = 0; r < rows; r++)                                    \
            memcpy(out + (size_t)r * row_bytes + (size_t)x * (K), base + r * sy + x * sx, (K))

static void gather_block_c(const char *base, ptrdiff_t sx, ptrdiff_t sy, int32_t w,
                           int32_t rows, size_t pixel, char *out, size_t row_bytes) {
    switch (pixel) {
    case 1: GATHER_PIXELS(1); return;
    case 2: GATHER_PIXELS(2); return;
    case 3: GATHER_PIXELS(3); return;
    case 4: GATHER_PIXELS(4); return;
    case 6: GATHER_PIXELS(6); return;
    case 8: GATHER_PIXELS(8); return;
    case 12: GATHER_PIXELS(12); return;
    case 16: GATHER_PIXELS(16); return;
    default:
        for (int32_t x = 0; x < w; x++)
            for (int32_t r = 0; r < rows; r++)
                memcpy(out + (size_t)r * row_bytes + (size_t)x * pixel,
                       base + r * sy + x * sx, pixel);
    }
}

static const struct zp_copy_kernels copy_kernels_c = {
    .gather_block = gather_block_c,
};

ZP__SIMD_DECLARE_FILLS(zp_copy_fill);
static struct zp_copy_kernels copy_tables[ZP_SIMD_LEVELS];
zp__simd_family zp__copy_family = {
    .name = "copy",
    .size = sizeof(struct zp_copy_kernels),
    .c_table = &copy_kernels_c,
    .fills = ZP__SIMD_FILLS(zp_copy_fill),
    .tables = copy_tables,
};

const struct zp_copy_kernels *zp_copy_kernels(void) { return zp__simd_best(&zp__copy_family); }
const struct zp_copy_kernels *zp_copy_kernels_c(void) { return &copy_kernels_c; }
const struct zp_copy_kernels *zp_copy_kernels_at(zp_simd level) {
    return zp__simd_table(&zp__copy_family, level);
}
