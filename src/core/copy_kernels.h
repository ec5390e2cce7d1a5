/* copy_kernels.h: the inner loops of zp_view_copy as a kernel family (see
 * simd_internal.h): plain C reference here, SIMD overrides in
 * copy_kernels_<level>.c. */
#ifndef ZEROPIX_COPY_KERNELS_H
#define ZEROPIX_COPY_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include "zeropix/simd.h"

struct zp_copy_kernels {
    /* Pixel x of row r (r < rows, x < w) is `pixel` bytes (1, 2, 3, 4, 6,
     * 8, 12 or 16) at base + r*sy + x*sx; store it at out + r*row_bytes +
     * x*pixel. For column-major sources (|sx| > |sy|: transposed views) a
     * block of rows is a block of the buffer's columns. */
    void (*gather_block)(const char *base, ptrdiff_t sx, ptrdiff_t sy, int32_t w,
                         int32_t rows, size_t pixel, char *out, size_t row_bytes);
};

const struct zp_copy_kernels *zp_copy_kernels(void);
const struct zp_copy_kernels *zp_copy_kernels_c(void);
const struct zp_copy_kernels *zp_copy_kernels_at(zp_simd level);

#endif
