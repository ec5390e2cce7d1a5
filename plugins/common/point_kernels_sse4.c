/* point_kernels_sse4.c: SSE4.1 overrides of the point kernel family: invert
 * and threshold for every dtype, grayscale for u8 and u16, 16 bytes at a
 * time (built with sse4 target flags on x86-64 only; see
 * src/core/simd_internal.h). Lookup tables stay plain C below AVX-512 VBMI:
 * a 256-entry byte table needs 16 pshufb per vector, no faster than loads. */
#include "point_kernels_x86.h"

/* VEC_LOOP (point_kernels_x86.h) on 16 bytes: integer and float vectors. */
#define LOOP_I(...) VEC_LOOP(__m128i, _mm_loadu_si128, _mm_storeu_si128, __VA_ARGS__)
#define LOOP_F(...) VEC_LOOP(__m128, _mm_loadu_ps, _mm_storeu_ps, 4, __VA_ARGS__)

static void invert_u8_sse4(const uint8_t *src, uint8_t *dst, size_t pixels, int channels,
                           int alpha) {
    const __m128i flip = _mm_andnot_si128(alpha_bytes(channels, alpha, 1), _mm_set1_epi8(-1));
    LOOP_I(16, src, dst, pixels * (size_t)channels, channels, alpha,
           _mm_xor_si128(x, flip), (uint8_t)(255u - v));
}

static void invert_u16_sse4(const uint16_t *src, uint16_t *dst, size_t pixels, int channels,
                            int alpha) {
    const __m128i flip = _mm_andnot_si128(alpha_bytes(channels, alpha, 2), _mm_set1_epi8(-1));
    LOOP_I(8, src, dst, pixels * (size_t)channels, channels, alpha,
           _mm_xor_si128(x, flip), (uint16_t)(65535u - v));
}

static void invert_f32_sse4(const float *src, float *dst, size_t pixels, int channels,
                            int alpha) {
    const __m128 keep = _mm_castsi128_ps(alpha_bytes(channels, alpha, 4));
    const __m128 one = _mm_set1_ps(1.0f);
    LOOP_F(src, dst, pixels * (size_t)channels, channels, alpha,
           _mm_blendv_ps(_mm_sub_ps(one, x), x, keep), 1.0f - v);
}

/* v >= level exactly when max(v, level) == v (unsigned). */
static void threshold_u8_sse4(const uint8_t *src, uint8_t *dst, size_t pixels, int channels,
                              int alpha, uint8_t level) {
    const __m128i keep = alpha_bytes(channels, alpha, 1), l = _mm_set1_epi8((char)level);
    LOOP_I(16, src, dst, pixels * (size_t)channels, channels, alpha,
           _mm_blendv_epi8(_mm_cmpeq_epi8(_mm_max_epu8(x, l), x), x, keep),
           (uint8_t)-(v >= level));
}

static void threshold_u16_sse4(const uint16_t *src, uint16_t *dst, size_t pixels, int channels,
                               int alpha, uint16_t level) {
    const __m128i keep = alpha_bytes(channels, alpha, 2), l = _mm_set1_epi16((short)level);
    LOOP_I(8, src, dst, pixels * (size_t)channels, channels, alpha,
           _mm_blendv_epi8(_mm_cmpeq_epi16(_mm_max_epu16(x, l), x), x, keep),
           (uint16_t)-(v >= level));
}

/* cmpge is false for NaN, as v >= level is: 0. */
static void threshold_f32_sse4(const float *src, float *dst, size_t pixels, int channels,
                               int alpha, float level) {
    const __m128 keep = _mm_castsi128_ps(alpha_bytes(channels, alpha, 4));
    const __m128 l = _mm_set1_ps(level), one = _mm_set1_ps(1.0f);
    LOOP_F(src, dst, pixels * (size_t)channels, channels, alpha,
           _mm_blendv_ps(_mm_and_ps(_mm_cmpge_ps(x, l), one), x, keep), (float)(v >= level));
}

/* 16 pixels per step: four 16-byte loads, each starting on a pixel (the
 * last one reads up to 4 bytes past the 16th pixel, hence the bound). */
static void gray_u8_sse4(const uint8_t *src, uint8_t *dst, size_t pixels, int alpha) {
    const size_t in = alpha ? 4 : 3;
    size_t p = 0;
    for (; (p + 16) * in + (alpha ? 0 : 4) <= pixels * in; p += 16) {
        const uint8_t *s = src + p * in;
        __m128i y[4];
        for (int k = 0; k < 4; k++)
            y[k] = gray4_u8(_mm_loadu_si128((const __m128i *)(s + 4 * k * in)), alpha);
        const __m128i g = _mm_packus_epi16(_mm_packs_epi32(y[0], y[1]),
                                           _mm_packs_epi32(y[2], y[3]));
        if (!alpha) {
            _mm_storeu_si128((__m128i *)(dst + p), g);
        } else { /* gray, alpha pairs: alpha bytes from the four loads */
            const __m128i pick_a = _mm_setr_epi8(3, 7, 11, 15, -1, -1, -1, -1, -1, -1, -1, -1,
                                                 -1, -1, -1, -1);
            __m128i a[4];
            for (int k = 0; k < 4; k++)
                a[k] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + 16 * k)), pick_a);
            const __m128i al = _mm_unpacklo_epi64(_mm_unpacklo_epi32(a[0], a[1]),
                                                  _mm_unpacklo_epi32(a[2], a[3]));
            _mm_storeu_si128((__m128i *)(dst + 2 * p), _mm_unpacklo_epi8(g, al));
            _mm_storeu_si128((__m128i *)(dst + 2 * p + 16), _mm_unpackhi_epi8(g, al));
        }
    }
    gray_tail_u8(src, dst, p, pixels, alpha);
}

/* 4 pixels per step from two loads (the second one reads up to 4 bytes past
 * the 4th pixel of 3 samples, hence the bound). */
static void gray_u16_sse4(const uint16_t *src, uint16_t *dst, size_t pixels, int alpha) {
    const size_t in = alpha ? 4 : 3;
    size_t p = 0;
    for (; (p + 4) * in + (alpha ? 0 : 2) <= pixels * in; p += 4) {
        const uint16_t *s = src + p * in;
        const __m128i y = gray4_u16(_mm_loadu_si128((const __m128i *)s),
                                    _mm_loadu_si128((const __m128i *)(s + 2 * in)), alpha);
        const __m128i g = _mm_packus_epi32(y, y);
        if (!alpha) {
            _mm_storel_epi64((__m128i *)(dst + p), g);
        } else {
            const __m128i pick_a = _mm_setr_epi8(6, 7, 14, 15, -1, -1, -1, -1, -1, -1, -1, -1,
                                                 -1, -1, -1, -1);
            const __m128i a = _mm_unpacklo_epi32(
                _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)s), pick_a),
                _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + 8)), pick_a));
            _mm_storeu_si128((__m128i *)(dst + 2 * p), _mm_unpacklo_epi16(g, a));
        }
    }
    gray_tail_u16(src, dst, p, pixels, alpha);
}

void zp_point_fill_sse4(void *table) {
    struct zp_point_kernels *t = table;
    t->invert_u8 = invert_u8_sse4;
    t->invert_u16 = invert_u16_sse4;
    t->invert_f32 = invert_f32_sse4;
    t->threshold_u8 = threshold_u8_sse4;
    t->threshold_u16 = threshold_u16_sse4;
    t->threshold_f32 = threshold_f32_sse4;
    t->gray_u8 = gray_u8_sse4;
    t->gray_u16 = gray_u16_sse4;
}
