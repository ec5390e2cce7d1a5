/* resize_kernels_avx512.c: AVX-512 (BW) overrides of the resize kernel
 * family: the u8 vertical pass 64 samples at a time with a masked tail, the
 * u8 horizontal pass for 3 and 4 channels with eight taps per register, and
 * the float vertical passes (built with avx512 target flags on x86-64 only;
 * see src/core/simd_internal.h). 1 and 2 channels keep the AVX2 steps: a
 * 512-bit step would need 16 or 32 taps and run past wstride. */
#include "resize_kernels_x86.h"

#if defined(__clang__)
#  pragma STDC FP_CONTRACT OFF
#endif

/* Mask of the first n lanes, n < 64. */
X86_INLINE __mmask64 first_lanes64(size_t n) { return ((__mmask64)1 << n) - 1; }

/* ---- u8 vertical ----------------------------------------------------------------
 * As vertical_u8_16 (resize_kernels_x86.h) on 64 samples; lane L of
 * accumulator k holds samples 16L+4k..16L+4k+3, which the final two-source
 * permutes put back in order. The last n < 64 samples use masked loads and
 * stores, so nothing outside the rows or `out` is touched. */
X86_INLINE void vertical_u8_64(const uint8_t *const *rows, const int16_t *w, int32_t taps,
                               int16_t *out, size_t i, __mmask64 in_mask) {
    const __m512i zero = _mm512_setzero_si512();
    __m512i a0 = _mm512_set1_epi32(1 << (V_SHIFT - 1)), a1 = a0, a2 = a0, a3 = a0;
    for (int32_t t = 0; t < taps; t += 2) {
        const int odd = t + 1 == taps;
        const __m512i wp = _mm512_set1_epi32(pair16(w[t], odd ? 0 : w[t + 1]));
        const __m512i x = _mm512_maskz_loadu_epi8(in_mask, rows[t] + i);
        const __m512i y = odd ? zero : _mm512_maskz_loadu_epi8(in_mask, rows[t + 1] + i);
        const __m512i lo = _mm512_unpacklo_epi8(x, y), hi = _mm512_unpackhi_epi8(x, y);
        a0 = _mm512_add_epi32(a0, _mm512_madd_epi16(_mm512_unpacklo_epi8(lo, zero), wp));
        a1 = _mm512_add_epi32(a1, _mm512_madd_epi16(_mm512_unpackhi_epi8(lo, zero), wp));
        a2 = _mm512_add_epi32(a2, _mm512_madd_epi16(_mm512_unpacklo_epi8(hi, zero), wp));
        a3 = _mm512_add_epi32(a3, _mm512_madd_epi16(_mm512_unpackhi_epi8(hi, zero), wp));
    }
    const __m512i p = _mm512_packs_epi32(_mm512_srai_epi32(a0, V_SHIFT),
                                         _mm512_srai_epi32(a1, V_SHIFT));
    const __m512i q = _mm512_packs_epi32(_mm512_srai_epi32(a2, V_SHIFT),
                                         _mm512_srai_epi32(a3, V_SHIFT));
    const __m512i lo_idx = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
    const __m512i hi_idx = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    const __mmask32 m0 = (__mmask32)in_mask, m1 = (__mmask32)(in_mask >> 32);
    _mm512_mask_storeu_epi16(out + i, m0, _mm512_permutex2var_epi64(p, lo_idx, q));
    _mm512_mask_storeu_epi16(out + i + 32, m1, _mm512_permutex2var_epi64(p, hi_idx, q));
}

static void vertical_u8_avx512(const uint8_t *const *rows, const int16_t *w, int32_t taps,
                               int16_t *out, size_t samples) {
    size_t i = 0;
    for (; i + 64 <= samples; i += 64) vertical_u8_64(rows, w, taps, out, i, ~(__mmask64)0);
    if (i < samples) vertical_u8_64(rows, w, taps, out, i, first_lanes64(samples - i));
}

/* ---- u8 horizontal ---------------------------------------------------------------
 * 3 and 4 channels: 8 taps per step, one 64-byte load; each 128-bit lane
 * gets two taps as (tap, tap + 1) pairs per channel, then pmaddwd with the
 * matching weight pair. 3 channels gather with vpermw (the fourth pair of
 * each lane meets a zero weight, and the load reads 8 samples past the 8
 * taps: the next pixels or the row's padding). 1 and 2 channels keep the
 * 128- and 256-bit steps: a 512-bit step would take 32 or 16 taps and run
 * past wstride. */

X86_INLINE __m128i fold512(__m512i v) {
    const __m256i h = _mm256_add_epi32(_mm512_castsi512_si256(v),
                                       _mm512_extracti64x4_epi64(v, 1));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

/* Lane j of a 3-channel step: taps a = 2j and b = 2j + 1 as a0 b0 a1 b1 a2
 * b2, then two samples that meet zero weights. */
static const int16_t c3_perm[32] = {0,  3,  1,  4,  2,  5,  0, 0, 6,  9,  7,  10, 8,  11, 0, 0,
                                    12, 15, 13, 16, 14, 17, 0, 0, 18, 21, 19, 22, 20, 23, 0, 0};

X86_INLINE __m512i pairs512(const int16_t *w, __mmask16 lanes) {
    const __m512i idx = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    return _mm512_maskz_permutexvar_epi32(
        lanes, idx, _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)w)));
}

X86_INLINE __m512i step_c3_512(__m512i acc, const int16_t *p, const int16_t *w) {
    const __m512i d = _mm512_permutexvar_epi16(_mm512_loadu_si512(c3_perm),
                                               _mm512_loadu_si512(p));
    return _mm512_add_epi32(acc, _mm512_madd_epi16(d, pairs512(w, 0x7777)));
}

X86_INLINE __m512i step_c4_512(__m512i acc, const int16_t *p, const int16_t *w) {
    const __m512i d = _mm512_shuffle_epi8(_mm512_loadu_si512(p),
                                          _mm512_broadcast_i32x4(shuffle_c4_128()));
    return _mm512_add_epi32(acc, _mm512_madd_epi16(d, pairs512(w, 0xFFFF)));
}

/* 512-bit steps for 3 and 4 channels when more than 4 taps are needed, else
 * the narrower steps (hsum_256 picks). */
X86_INLINE __m128i hsum_512(int32_t ch, int32_t taps, const int16_t *p, const int16_t *w,
                            int32_t steps) {
    if (ch <= 2 || taps <= GROUP_256(ch)) return hsum_256(ch, taps, p, w, steps);
    __m512i acc = _mm512_setzero_si512();
    for (int32_t s = 0; s < steps; s++)
        acc = ch == 3 ? step_c3_512(acc, p + 24 * s, w + 8 * s)
                      : step_c4_512(acc, p + 32 * s, w + 8 * s);
    return fold512(acc);
}
#define GROUP_512_T(ch, taps) \
    ((ch) <= 2 || (taps) <= GROUP_256(ch) ? GROUP_256_T(ch, taps) : 8)
DEFINE_HORIZONTAL_U8(horizontal_u8_avx512, hsum_512, GROUP_512_T)

/* ---- Float vertical: 64 samples per step, masked tail ---------------------------- */

X86_INLINE __m512 load16_u16(const uint16_t *p, __mmask16 m) {
    return _mm512_cvtepi32_ps(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, p)));
}
X86_INLINE __m512 load16_f32(const float *p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }

/* Lanes of 16-sample block k (0..3) below n samples. */
X86_INLINE __mmask16 block_mask(size_t n, int k) {
    const size_t lo = (size_t)k * 16;
    return n >= lo + 16 ? (__mmask16)0xFFFF : n <= lo ? 0 : (__mmask16)((1u << (n - lo)) - 1);
}

#define DEFINE_VERTICAL_FLOAT_AVX512(name, type, LOAD16)                                    \
    static void name(const type *const *rows, const float *w, int32_t taps, float *out,     \
                     size_t samples) {                                                      \
        for (size_t i = 0; i < samples; i += 64) {                                          \
            const size_t n = samples - i;                                                   \
            __mmask16 m[4];                                                                 \
            __m512 a[4];                                                                    \
            const __m512 w0 = _mm512_set1_ps(w[0]);                                         \
            for (int k = 0; k < 4; k++) {                                                   \
                m[k] = block_mask(n, k);                                                    \
                a[k] = _mm512_mul_ps(w0, LOAD16(rows[0] + i + 16 * k, m[k]));               \
            }                                                                               \
            for (int32_t t = 1; t < taps; t++) {                                            \
                const __m512 wt = _mm512_set1_ps(w[t]);                                     \
                for (int k = 0; k < 4; k++)                                                 \
                    a[k] = _mm512_add_ps(a[k],                                              \
                                         _mm512_mul_ps(wt, LOAD16(rows[t] + i + 16 * k, m[k]))); \
            }                                                                               \
            for (int k = 0; k < 4; k++) _mm512_mask_storeu_ps(out + i + 16 * k, m[k], a[k]); \
        }                                                                                   \
    }
DEFINE_VERTICAL_FLOAT_AVX512(vertical_u16_avx512, uint16_t, load16_u16)
DEFINE_VERTICAL_FLOAT_AVX512(vertical_f32_avx512, float, load16_f32)

void zp_resize_fill_avx512(void *table) {
    struct zp_resize_kernels *t = table;
    t->name = "avx512";
    t->vertical_u8 = vertical_u8_avx512;
    t->horizontal_u8 = horizontal_u8_avx512;
    t->vertical_u16 = vertical_u16_avx512;
    t->vertical_f32 = vertical_f32_avx512;
}
