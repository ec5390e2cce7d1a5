/* resize_kernels_avx512.c: avx512 overrides of the resize kernel family (built with
 * avx512 target flags on x86-64 only; see src/core/simd_internal.h). */
#include "resize_kernels.h"

void zp_resize_fill_avx512(void *table) {
    struct zp_resize_kernels *t = table;
    (void)t; /* no overrides yet */
}
