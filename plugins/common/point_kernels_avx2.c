/* point_kernels_avx2.c: avx2 overrides of the point kernel family (built with
 * avx2 target flags on x86-64 only; see src/core/simd_internal.h). */
#include "point_kernels.h"

void zp_point_fill_avx2(void *table) {
    struct zp_point_kernels *t = table;
    (void)t; /* no overrides yet */
}
