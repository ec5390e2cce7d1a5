/* conv_kernels_sse4.c: sse4 overrides of the conv kernel family (built with
 * sse4 target flags on x86-64 only; see src/core/simd_internal.h). */
#include "conv_kernels.h"

void zp_conv_fill_sse4(void *table) {
    struct zp_conv_kernels *t = table;
    (void)t; /* no overrides yet */
}
