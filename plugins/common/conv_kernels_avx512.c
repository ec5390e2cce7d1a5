/* conv_kernels_avx512.c: avx512 overrides of the conv kernel family (built with
 * avx512 target flags on x86-64 only; see src/core/simd_internal.h). */
#include "conv_kernels.h"

void zp_conv_fill_avx512(void *table) {
    struct zp_conv_kernels *t = table;
    (void)t; /* no overrides yet */
}
