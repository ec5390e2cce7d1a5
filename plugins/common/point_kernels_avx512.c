/* point_kernels_avx512.c: avx512 overrides of the point kernel family (built with
 * avx512 target flags on x86-64 only; see src/core/simd_internal.h). */
#include "point_kernels.h"

void zp_point_fill_avx512(void *table) {
    struct zp_point_kernels *t = table;
    (void)t; /* no overrides yet */
}
