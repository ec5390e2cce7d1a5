/* copy_kernels_avx512.c: avx512 overrides of the copy kernel family (built with
 * avx512 target flags on x86-64 only; see simd_internal.h). */
#include "core/copy_kernels.h"

void zp_copy_fill_avx512(void *table) {
    struct zp_copy_kernels *t = table;
    (void)t; /* no overrides yet */
}
