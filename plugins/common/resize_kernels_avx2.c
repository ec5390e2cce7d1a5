/* resize_kernels_avx2.c: AVX2 overrides of the resize kernel family: the u8
 * vertical pass 32 samples at a time, the u8 horizontal pass with two tap
 * groups per register, and the float vertical passes (built with avx2
 * target flags on x86-64 only; see src/core/simd_internal.h). The float
 * horizontal passes stay at SSE4.1: one pixel's channels fill 128 bits. */
#include "resize_kernels_x86.h"

#if defined(__clang__)
#  pragma STDC FP_CONTRACT OFF
#endif

/* ---- u8 vertical ----------------------------------------------------------------
 * As vertical_u8_16 (resize_kernels_x86.h) on 32 samples. The unpacks work
 * within 128-bit lanes, so accumulator k holds samples 4k..4k+3 in the low
 * lane and 16+4k.. in the high one; the final permutes restore the order. */
static void vertical_u8_avx2(const uint8_t *const *rows, const int16_t *w, int32_t taps,
                             int16_t *out, size_t samples) {
    const __m256i zero = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= samples; i += 32) {
        __m256i a0 = _mm256_set1_epi32(1 << (V_SHIFT - 1)), a1 = a0, a2 = a0, a3 = a0;
        for (int32_t t = 0; t < taps; t += 2) {
            const int odd = t + 1 == taps;
            const __m256i wp = _mm256_set1_epi32(pair16(w[t], odd ? 0 : w[t + 1]));
            const __m256i x = _mm256_loadu_si256((const __m256i *)(rows[t] + i));
            const __m256i y = odd ? zero : _mm256_loadu_si256((const __m256i *)(rows[t + 1] + i));
            const __m256i lo = _mm256_unpacklo_epi8(x, y), hi = _mm256_unpackhi_epi8(x, y);
            a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(_mm256_unpacklo_epi8(lo, zero), wp));
            a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(_mm256_unpackhi_epi8(lo, zero), wp));
            a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(_mm256_unpacklo_epi8(hi, zero), wp));
            a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(_mm256_unpackhi_epi8(hi, zero), wp));
        }
        const __m256i p = _mm256_packs_epi32(_mm256_srai_epi32(a0, V_SHIFT),
                                             _mm256_srai_epi32(a1, V_SHIFT)); /* 0-7 | 16-23 */
        const __m256i q = _mm256_packs_epi32(_mm256_srai_epi32(a2, V_SHIFT),
                                             _mm256_srai_epi32(a3, V_SHIFT)); /* 8-15 | 24-31 */
        _mm256_storeu_si256((__m256i *)(out + i), _mm256_permute2x128_si256(p, q, 0x20));
        _mm256_storeu_si256((__m256i *)(out + i + 16), _mm256_permute2x128_si256(p, q, 0x31));
    }
    if (i + 16 <= samples) vertical_u8_16(rows, w, taps, out, i), i += 16;
    vertical_u8_scalar(rows, w, taps, out, i, samples);
}

/* ---- u8 horizontal: the 256-bit steps of resize_kernels_x86.h ------------ */
DEFINE_HORIZONTAL_U8(horizontal_u8_avx2, hsum_256, GROUP_256_T)

/* ---- Float vertical: 32 samples per step, one multiply and add per tap ---- */

X86_INLINE __m256 load8_u16(const uint16_t *p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)));
}
X86_INLINE __m256 load8_f32(const float *p) { return _mm256_loadu_ps(p); }

#define DEFINE_VERTICAL_FLOAT_AVX2(name, type, LOAD8)                                       \
    static void name(const type *const *rows, const float *w, int32_t taps, float *out,     \
                     size_t samples) {                                                      \
        size_t i = 0;                                                                       \
        for (; i + 32 <= samples; i += 32) {                                                \
            __m256 a[4];                                                                    \
            const __m256 w0 = _mm256_set1_ps(w[0]);                                         \
            for (int k = 0; k < 4; k++) a[k] = _mm256_mul_ps(w0, LOAD8(rows[0] + i + 8 * k)); \
            for (int32_t t = 1; t < taps; t++) {                                            \
                const __m256 wt = _mm256_set1_ps(w[t]);                                     \
                for (int k = 0; k < 4; k++)                                                 \
                    a[k] = _mm256_add_ps(a[k], _mm256_mul_ps(wt, LOAD8(rows[t] + i + 8 * k))); \
            }                                                                               \
            for (int k = 0; k < 4; k++) _mm256_storeu_ps(out + i + 8 * k, a[k]);            \
        }                                                                                   \
        for (; i < samples; i++) {                                                          \
            float acc = w[0] * (float)rows[0][i];                                           \
            for (int32_t t = 1; t < taps; t++) acc += w[t] * (float)rows[t][i];             \
            out[i] = acc;                                                                   \
        }                                                                                   \
    }
DEFINE_VERTICAL_FLOAT_AVX2(vertical_u16_avx2, uint16_t, load8_u16)
DEFINE_VERTICAL_FLOAT_AVX2(vertical_f32_avx2, float, load8_f32)

void zp_resize_fill_avx2(void *table) {
    struct zp_resize_kernels *t = table;
    t->name = "avx2";
    t->vertical_u8 = vertical_u8_avx2;
    t->horizontal_u8 = horizontal_u8_avx2;
    t->vertical_u16 = vertical_u16_avx2;
    t->vertical_f32 = vertical_f32_avx2;
}
