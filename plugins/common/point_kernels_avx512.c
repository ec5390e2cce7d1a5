/* point_kernels_avx512.c: AVX-512 overrides of the point kernel family:
 * the u8 lookup table (levels) with VBMI byte permutes, when the CPU has
 * VBMI, which the avx512 level does not include, so the fill asks the CPU
 * and the function alone is compiled for it (built with avx512 target flags
 * on x86-64 only; see src/core/simd_internal.h). Without VBMI this level
 * overrides nothing. Invert, threshold and grayscale are memory-bound at
 * AVX2 width and keep the AVX2 kernels. */
#include "point_kernels_x86.h"

/* dst = lut[src], 64 samples per step: vpermi2b looks up 128 entries by the
 * low 7 bits of each byte, once in each half of the table, and the top bit
 * picks the half. Alpha bytes are taken back from src; the last partial
 * vector is masked, so nothing past the segment is read or written. */
__attribute__((target("avx512vbmi"))) static void
lut_u8_vbmi(const uint8_t *src, uint8_t *dst, size_t pixels, int channels, int alpha,
            const uint8_t lut[256]) {
    const __m512i t0 = _mm512_loadu_si512(lut), t1 = _mm512_loadu_si512(lut + 64);
    const __m512i t2 = _mm512_loadu_si512(lut + 128), t3 = _mm512_loadu_si512(lut + 192);
    __mmask64 keep = 0;
    for (int b = 0; b < 64; b++)
        if (alpha && b % channels == channels - 1) keep |= (__mmask64)1 << b;
    const size_t n = pixels * (size_t)channels;
    for (size_t i = 0; i < n; i += 64) {
        const __mmask64 m = n - i >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (n - i)) - 1;
        const __m512i x = _mm512_maskz_loadu_epi8(m, src + i);
        const __m512i lo = _mm512_permutex2var_epi8(t0, x, t1);
        const __m512i hi = _mm512_permutex2var_epi8(t2, x, t3);
        const __m512i r = _mm512_mask_blend_epi8(_mm512_movepi8_mask(x), lo, hi);
        _mm512_mask_storeu_epi8(dst + i, m, _mm512_mask_blend_epi8(keep, r, x));
    }
}

void zp_point_fill_avx512(void *table) {
    struct zp_point_kernels *t = table;
    if (__builtin_cpu_supports("avx512vbmi")) t->lut_u8 = lut_u8_vbmi;
}
