/* copy_kernels_sse4.c: sse4 overrides of the copy kernel family (built with
 * sse4 target flags on x86-64 only; see simd_internal.h). */
#include "core/copy_kernels.h"

void zp_copy_fill_sse4(void *table) {
    struct zp_copy_kernels *t = table;
    (void)t; /* no overrides yet */
}
