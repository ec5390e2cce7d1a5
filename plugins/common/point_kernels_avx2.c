/* point_kernels_avx2.c: AVX2 overrides of the point kernel family: invert
 * and threshold for every dtype and grayscale for u8, 32 bytes at a time
 * (built with avx2 target flags on x86-64 only; see
 * src/core/simd_internal.h). u16 grayscale keeps the SSE4.1 kernel. */
#include "point_kernels_x86.h"

X86_INLINE __m256i alpha_bytes256(int channels, int alpha, size_t item) {
    return _mm256_broadcastsi128_si256(alpha_bytes(channels, alpha, item));
}

/* VEC_LOOP (point_kernels_x86.h) on 32 bytes: integer and float vectors. */
#define LOOP_I(...) VEC_LOOP(__m256i, _mm256_loadu_si256, _mm256_storeu_si256, __VA_ARGS__)
#define LOOP_F(...) VEC_LOOP(__m256, _mm256_loadu_ps, _mm256_storeu_ps, 8, __VA_ARGS__)

static void invert_u8_avx2(const uint8_t *src, uint8_t *dst, size_t pixels, int channels,
                           int alpha) {
    const __m256i flip = _mm256_andnot_si256(alpha_bytes256(channels, alpha, 1),
                                             _mm256_set1_epi8(-1));
    LOOP_I(32, src, dst, pixels * (size_t)channels, channels, alpha,
           _mm256_xor_si256(x, flip), (uint8_t)(255u - v));
}

static void invert_u16_avx2(const uint16_t *src, uint16_t *dst, size_t pixels, int channels,
                            int alpha) {
    const __m256i flip = _mm256_andnot_si256(alpha_bytes256(channels, alpha, 2),
                                             _mm256_set1_epi8(-1));
    LOOP_I(16, src, dst, pixels * (size_t)channels, channels, alpha,
           _mm256_xor_si256(x, flip), (uint16_t)(65535u - v));
}

static void invert_f32_avx2(const float *src, float *dst, size_t pixels, int channels,
                            int alpha) {
    const __m256 keep = _mm256_castsi256_ps(alpha_bytes256(channels, alpha, 4));
    const __m256 one = _mm256_set1_ps(1.0f);
    LOOP_F(src, dst, pixels * (size_t)channels, channels, alpha,
           _mm256_blendv_ps(_mm256_sub_ps(one, x), x, keep), 1.0f - v);
}

static void threshold_u8_avx2(const uint8_t *src, uint8_t *dst, size_t pixels, int channels,
                              int alpha, uint8_t level) {
    const __m256i keep = alpha_bytes256(channels, alpha, 1), l = _mm256_set1_epi8((char)level);
    LOOP_I(32, src, dst, pixels * (size_t)channels, channels, alpha,
           _mm256_blendv_epi8(_mm256_cmpeq_epi8(_mm256_max_epu8(x, l), x), x, keep),
           (uint8_t)-(v >= level));
}

static void threshold_u16_avx2(const uint16_t *src, uint16_t *dst, size_t pixels, int channels,
                               int alpha, uint16_t level) {
    const __m256i keep = alpha_bytes256(channels, alpha, 2);
    const __m256i l = _mm256_set1_epi16((short)level);
    LOOP_I(16, src, dst, pixels * (size_t)channels, channels, alpha,
           _mm256_blendv_epi8(_mm256_cmpeq_epi16(_mm256_max_epu16(x, l), x), x, keep),
           (uint16_t)-(v >= level));
}

/* _CMP_GE_OQ is false for NaN, as v >= level is. */
static void threshold_f32_avx2(const float *src, float *dst, size_t pixels, int channels,
                               int alpha, float level) {
    const __m256 keep = _mm256_castsi256_ps(alpha_bytes256(channels, alpha, 4));
    const __m256 l = _mm256_set1_ps(level), one = _mm256_set1_ps(1.0f);
    LOOP_F(src, dst, pixels * (size_t)channels, channels, alpha,
           _mm256_blendv_ps(_mm256_and_ps(_mm256_cmp_ps(x, l, _CMP_GE_OQ), one), x, keep),
           (float)(v >= level));
}

/* Grayscale u8, 32 pixels per step: register k holds pixels 8k..8k+3 in
 * its low lane and 8k+4..8k+7 in the high one (3-byte pixels: two 16-byte
 * loads, the second reading up to 4 bytes past the group, hence the
 * bound). The packs interleave the lanes; one dword permute restores the
 * pixel order. */
X86_INLINE __m256i gray8_u8(__m256i v, int alpha) {
    const __m256i rg = _mm256_broadcastsi128_si256(gray_rg_u8(alpha));
    const __m256i b = _mm256_broadcastsi128_si256(gray_b_u8(alpha));
    const __m256i s = _mm256_add_epi32(
        _mm256_madd_epi16(_mm256_shuffle_epi8(v, rg), _mm256_set1_epi32(GRAY_W_RG)),
        _mm256_madd_epi16(_mm256_or_si256(_mm256_shuffle_epi8(v, b), _mm256_set1_epi32(GRAY_ONE)),
                          _mm256_set1_epi32(GRAY_W_B1)));
    return _mm256_srli_epi32(s, 15);
}

static void gray_u8_avx2(const uint8_t *src, uint8_t *dst, size_t pixels, int alpha) {
    const size_t in = alpha ? 4 : 3;
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    size_t p = 0;
    for (; (p + 32) * in + (alpha ? 0 : 4) <= pixels * in; p += 32) {
        const uint8_t *s = src + p * in;
        __m256i v[4], y[4];
        for (int k = 0; k < 4; k++) {
            const uint8_t *q = s + 8 * (size_t)k * in;
            v[k] = alpha ? _mm256_loadu_si256((const __m256i *)q)
                         : _mm256_loadu2_m128i((const __m128i *)(q + 12), (const __m128i *)q);
            y[k] = gray8_u8(v[k], alpha);
        }
        const __m256i g = _mm256_permutevar8x32_epi32(
            _mm256_packus_epi16(_mm256_packs_epi32(y[0], y[1]), _mm256_packs_epi32(y[2], y[3])),
            order);
        if (!alpha) {
            _mm256_storeu_si256((__m256i *)(dst + p), g);
            continue;
        }
        const __m256i pick_a = _mm256_broadcastsi128_si256(_mm_setr_epi8(
            3, 7, 11, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1));
        __m256i a[4];
        for (int k = 0; k < 4; k++) a[k] = _mm256_shuffle_epi8(v[k], pick_a);
        const __m256i al = _mm256_permutevar8x32_epi32(
            _mm256_unpacklo_epi64(_mm256_unpacklo_epi32(a[0], a[1]),
                                  _mm256_unpacklo_epi32(a[2], a[3])),
            order);
        const __m256i lo = _mm256_unpacklo_epi8(g, al), hi = _mm256_unpackhi_epi8(g, al);
        _mm256_storeu_si256((__m256i *)(dst + 2 * p), _mm256_permute2x128_si256(lo, hi, 0x20));
        _mm256_storeu_si256((__m256i *)(dst + 2 * p + 32), _mm256_permute2x128_si256(lo, hi, 0x31));
    }
    gray_tail_u8(src, dst, p, pixels, alpha);
}

void zp_point_fill_avx2(void *table) {
    struct zp_point_kernels *t = table;
    t->invert_u8 = invert_u8_avx2;
    t->invert_u16 = invert_u16_avx2;
    t->invert_f32 = invert_f32_avx2;
    t->threshold_u8 = threshold_u8_avx2;
    t->threshold_u16 = threshold_u16_avx2;
    t->threshold_f32 = threshold_f32_avx2;
    t->gray_u8 = gray_u8_avx2;
}
