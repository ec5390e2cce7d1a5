/* resize_kernels_avx2.c: avx2 overrides of the resize kernel family (built with
 * avx2 target flags on x86-64 only; see src/core/simd_internal.h). */
#include "resize_kernels.h"

void zp_resize_fill_avx2(void *table) {
    struct zp_resize_kernels *t = table;
    (void)t; /* no overrides yet */
}
