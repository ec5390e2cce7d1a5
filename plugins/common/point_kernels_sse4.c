/* point_kernels_sse4.c: sse4 overrides of the point kernel family (built with
 * sse4 target flags on x86-64 only; see src/core/simd_internal.h). */
#include "point_kernels.h"

void zp_point_fill_sse4(void *table) {
    struct zp_point_kernels *t = table;
    (void)t; /* no overrides yet */
}
