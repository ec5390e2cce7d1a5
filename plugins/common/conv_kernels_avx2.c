/* conv_kernels_avx2.c: AVX2 overrides of the conv kernel family (built with
 * avx2 target flags on x86-64 only; see src/core/simd_internal.h).
 *
 * Integer taps: 16-bit samples times 16-bit coefficients, two taps per
 * vpmaddwd into 32-bit sums, exact, so any order matches the C reference;
 * symmetric Gaussian taps are folded first (row[t] + row[T-1-t], which fits
 * 16 bits by the Q6 contract). Float taps: one lane per sample, taps added
 * in order, multiply then add, as the C code does. Tails (fewer samples
 * than a vector) run the same formulas in scalar code. */
#include <immintrin.h>
#include <math.h>
#include <string.h>
#include "conv_kernels.h"

#define INLINE static inline __attribute__((always_inline))

/* 16 samples at byte offset `off` from p (u8 widened, or int16). */
INLINE __m256i load16(const char *p, size_t off, int size) {
    return size == 1 ? _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(p + off)))
                     : _mm256_loadu_si256((const __m256i *)(p + off));
}

/* Accumulate one pair of terms, given as 16-bit vectors, for two blocks of
 * 16 samples. */
#define MADD2(X0, Y0, X1, Y1)                                                              do {                                                                                       const __m256i c_ = _mm256_set1_epi32(tm->cc[k / 2]);                                   a[0] = _mm256_add_epi32(a[0], _mm256_madd_epi16(_mm256_unpacklo_epi16(X0, Y0), c_));         a[1] = _mm256_add_epi32(a[1], _mm256_madd_epi16(_mm256_unpackhi_epi16(X0, Y0), c_));         a[2] = _mm256_add_epi32(a[2], _mm256_madd_epi16(_mm256_unpacklo_epi16(X1, Y1), c_));         a[3] = _mm256_add_epi32(a[3], _mm256_madd_epi16(_mm256_unpackhi_epi16(X1, Y1), c_));     } while (0)
#define ONE(k, o) load16(tm->p[k], (o), size)
#define TWO(k, o) _mm256_add_epi16(load16(tm->p[k], (o), size), load16(tm->q[k], (o), size))

/* Sum of all terms for samples i .. i+31 (`size` bytes each) into four
 * vectors of eight 32-bit sums: a[0] holds samples 0-3 and 8-11, a[1] 4-7
 * and 12-15 (the in-lane order of unpack, which packs undoes), a[2] and
 * a[3] the same for 16..31. Terms go in branch-free phases: pairs of
 * folded terms, a folded term with a single one, pairs of single terms,
 * a last term alone. */
INLINE void sum32(const zp_conv_terms *tm, int size, size_t i, __m256i init, __m256i a[4]) {
    const size_t o0 = i * (size_t)size, o1 = o0 + 16 * (size_t)size;
    const __m256i z = _mm256_setzero_si256();
    a[0] = a[1] = a[2] = a[3] = init;
    int k = 0;
    for (; k + 1 < tm->n2; k += 2)
        MADD2(TWO(k, o0), TWO(k + 1, o0), TWO(k, o1), TWO(k + 1, o1));
    if (k < tm->n2) {
        if (k + 1 < tm->n) MADD2(TWO(k, o0), ONE(k + 1, o0), TWO(k, o1), ONE(k + 1, o1));
        else MADD2(TWO(k, o0), z, TWO(k, o1), z);
        k += 2;
    }
    for (; k + 1 < tm->n; k += 2)
        MADD2(ONE(k, o0), ONE(k + 1, o0), ONE(k, o1), ONE(k + 1, o1));
    if (k < tm->n) MADD2(ONE(k, o0), z, ONE(k, o1), z);
}
#undef ONE
#undef TWO
#undef MADD2

/* The level below, for tap lists zp_conv_terms_make refuses. */
static void (*sep_v_u8_q6_below)(const void *const *, const int16_t *, int, int16_t *, size_t);
static void (*sep_h_q6_u8_below)(const int16_t *, const int16_t *, int, size_t, uint8_t *,
                                 size_t);
static void (*conv_u8_i32_below)(const void *const *, const int32_t *, int, size_t, int32_t *,
                                 size_t);

static void sep_v_u8_q6_avx2(const void *const *rows, const int16_t *coef, int taps,
                             int16_t *dst, size_t n) {
    zp_conv_terms tm;
    if (!zp_conv_terms_make(&tm, rows, NULL, 0, coef, NULL, taps, 1)) {
        sep_v_u8_q6_below(rows, coef, taps, dst, n);
        return;
    }
    const __m256i round = _mm256_set1_epi32(1 << 7);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i a[4];
        sum32(&tm, 1, i, round, a);
        for (int h = 0; h < 2; h++)
            _mm256_storeu_si256((__m256i *)(dst + i + 16 * h),
                                _mm256_packs_epi32(_mm256_srai_epi32(a[2 * h], 8),
                                                   _mm256_srai_epi32(a[2 * h + 1], 8)));
    }
    for (; i < n; i++) dst[i] = (int16_t)(zp_conv_terms_sum(&tm, 1, i, 1 << 7) >> 8);
}

static void sep_h_q6_u8_avx2(const int16_t *src, const int16_t *coef, int taps, size_t step,
                             uint8_t *dst, size_t n) {
    zp_conv_terms tm;
    if (!zp_conv_terms_make(&tm, NULL, (const char *)src, (ptrdiff_t)(step * sizeof *src), coef, NULL,
                    taps, 1)) {
        sep_h_q6_u8_below(src, coef, taps, step, dst, n);
        return;
    }
    const __m256i round = _mm256_set1_epi32(1 << 19);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i a[4];
        sum32(&tm, 2, i, round, a);
        const __m256i x = _mm256_packs_epi32(_mm256_srai_epi32(a[0], 20), _mm256_srai_epi32(a[1], 20));
        const __m256i y = _mm256_packs_epi32(_mm256_srai_epi32(a[2], 20), _mm256_srai_epi32(a[3], 20));
        /* packus works per 128-bit lane: x0-7 y0-7 | x8-15 y8-15 */
        const __m256i v = _mm256_permute4x64_epi64(_mm256_packus_epi16(x, y), 0xd8);
        _mm256_storeu_si256((__m256i *)(dst + i), v);
    }
    for (; i < n; i++) dst[i] = (uint8_t)(zp_conv_terms_sum(&tm, 2, i, 1 << 19) >> 20);
}

/* 2D convolution of u8: every tap a term (kernels are rarely symmetric in
 * the pairing order used here). */
static void conv_u8_i32_avx2(const void *const *rows, const int32_t *k, int side, size_t step,
                             int32_t *acc, size_t n) {
    zp_conv_terms tm;
    const void *base[ZP_CONV_MAX_TERMS];
    int ok = side >= 1 && side * side <= ZP_CONV_MAX_TERMS;
    for (int ky = 0; ok && ky < side; ky++)
        for (int kx = 0; kx < side; kx++)
            base[ky * side + kx] = (const uint8_t *)rows[ky] + (size_t)kx * step;
    if (!ok || !zp_conv_terms_make(&tm, base, NULL, 0, NULL, k, side * side, 0)) {
        conv_u8_i32_below(rows, k, side, step, acc, n);
        return;
    }
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i a[4];
        sum32(&tm, 1, i, _mm256_setzero_si256(), a);
        /* a[0]: 0-3 | 8-11, a[1]: 4-7 | 12-15 */
        for (int h = 0; h < 2; h++) {
            int32_t *d = acc + i + 16 * h;
            _mm256_storeu_si256((__m256i *)d, _mm256_permute2x128_si256(a[2 * h], a[2 * h + 1], 0x20));
            _mm256_storeu_si256((__m256i *)(d + 8),
                                _mm256_permute2x128_si256(a[2 * h], a[2 * h + 1], 0x31));
        }
    }
    for (; i < n; i++) acc[i] = zp_conv_terms_sum(&tm, 1, i, 0);
}

/* ---- u8 convolution in 16 bits ------------------------------------------------------
 * Two taps per pmaddubsw: the bytes of two tap rows interleaved times a pair
 * of int8 coefficients, into int16 sums that cannot saturate or wrap (the
 * contract bounds every partial sum by 32767). unpacklo/hi_epi8 split each
 * 128-bit lane into its low and high 8 samples, and packus_epi16 of the two
 * halves puts them back in order.
 * A coefficient of 128, outside int8, sends the kernel to the level below. */
INLINE __m256i loadu256(const uint8_t *p) { return _mm256_loadu_si256((const __m256i *)p); }
INLINE void storeu256(uint8_t *p, __m256i v) { _mm256_storeu_si256((__m256i *)p, v); }
static void (*conv_u8_i16_u8_below)(const void *const *, const int16_t *, int, size_t, int32_t,
                                     int, uint8_t *, size_t);
static void conv_u8_i16_u8_avx2(const void *const *rows, const int16_t *k, int side, size_t step,
                              int32_t add, int shift, uint8_t *dst, size_t n) {
    const int taps = side * side, pairs = (taps + 1) / 2;
    int ok = taps >= 1 && taps <= ZP_CONV_MAX_TERMS;
    for (int t = 0; ok && t < taps; t++) ok = k[t] >= -128 && k[t] <= 127;
    if (!ok) {
        conv_u8_i16_u8_below(rows, k, side, step, add, shift, dst, n);
        return;
    }
    const uint8_t *p[ZP_CONV_MAX_TERMS + 1];
    int16_t cc[ZP_CONV_MAX_TERMS / 2];
    for (int t = 0; t < taps; t++) p[t] = (const uint8_t *)rows[t / side] + (size_t)(t % side) * step;
    p[taps] = p[0]; /* partner of an odd last tap, with coefficient 0 */
    for (int q = 0; q < pairs; q++) {
        const int c1 = 2 * q + 1 < taps ? k[2 * q + 1] : 0;
        cc[q] = (int16_t)((uint16_t)(uint8_t)(int8_t)k[2 * q] | (uint16_t)((uint8_t)(int8_t)c1 << 8));
    }
    const __m256i addv = _mm256_set1_epi16((int16_t)add);
    const __m128i sh = _mm_cvtsi32_si128(shift);
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i lo = addv, hi = addv;
        for (int q = 0; q < pairs; q++) {
            const __m256i a = loadu256(p[2 * q] + i), b = loadu256(p[2 * q + 1] + i);
            const __m256i c = _mm256_set1_epi16(cc[q]);
            lo = _mm256_add_epi16(lo, _mm256_maddubs_epi16(_mm256_unpacklo_epi8(a, b), c));
            hi = _mm256_add_epi16(hi, _mm256_maddubs_epi16(_mm256_unpackhi_epi8(a, b), c));
        }
        storeu256(dst + i, _mm256_packus_epi16(_mm256_sra_epi16(lo, sh), _mm256_sra_epi16(hi, sh)));
    }
    for (; i < n; i++) {
        int32_t v = add;
        for (int t = 0; t < taps; t++) v += p[t][i] * k[t];
        v >>= shift;
        dst[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

/* ---- Float taps ------------------------------------------------------------------
 * 32 samples at a time in four accumulators, taps in order: acc += x * c. */
#define LOAD_U8(p) _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(p))))
#define LOAD_U16(p) _mm256_cvtepi32_ps(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p))))
#define LOAD_F32(p) _mm256_loadu_ps(p)

#define SEP_V_F32(NAME, T, LOAD)                                                          \
    static void NAME(const void *const *rows, const float *coef, int taps, float *dst,    \
                     size_t n) {                                                          \
        size_t i = 0;                                                                     \
        for (; i + 32 <= n; i += 32) {                                                    \
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;                   \
            for (int t = 0; t < taps; t++) {                                              \
                const T *r = (const T *)rows[t] + i;                                      \
                const __m256 c = _mm256_set1_ps(coef[t]);                                 \
                a0 = _mm256_add_ps(a0, _mm256_mul_ps(LOAD(r), c));                        \
                a1 = _mm256_add_ps(a1, _mm256_mul_ps(LOAD(r + 8), c));                    \
                a2 = _mm256_add_ps(a2, _mm256_mul_ps(LOAD(r + 16), c));                   \
                a3 = _mm256_add_ps(a3, _mm256_mul_ps(LOAD(r + 24), c));                   \
            }                                                                             \
            _mm256_storeu_ps(dst + i, a0);                                                \
            _mm256_storeu_ps(dst + i + 8, a1);                                            \
            _mm256_storeu_ps(dst + i + 16, a2);                                           \
            _mm256_storeu_ps(dst + i + 24, a3);                                           \
        }                                                                                 \
        for (; i < n; i++) {                                                              \
            float a = 0.0f;                                                               \
            for (int t = 0; t < taps; t++) a += (float)((const T *)rows[t])[i] * coef[t]; \
            dst[i] = a;                                                                   \
        }                                                                                 \
    }
SEP_V_F32(sep_v_u8_f32_avx2, uint8_t, LOAD_U8)
SEP_V_F32(sep_v_u16_f32_avx2, uint16_t, LOAD_U16)
SEP_V_F32(sep_v_f32_f32_avx2, float, LOAD_F32)

static void sep_h_f32_avx2(const float *src, const float *coef, int taps, size_t step,
                           float *dst, size_t n) {
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        const float *s = src + i;
        for (int t = 0; t < taps; t++, s += step) {
            const __m256 c = _mm256_set1_ps(coef[t]);
            a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(s), c));
            a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_loadu_ps(s + 8), c));
            a2 = _mm256_add_ps(a2, _mm256_mul_ps(_mm256_loadu_ps(s + 16), c));
            a3 = _mm256_add_ps(a3, _mm256_mul_ps(_mm256_loadu_ps(s + 24), c));
        }
        _mm256_storeu_ps(dst + i, a0);
        _mm256_storeu_ps(dst + i + 8, a1);
        _mm256_storeu_ps(dst + i + 16, a2);
        _mm256_storeu_ps(dst + i + 24, a3);
    }
    for (; i < n; i++) {
        float a = 0.0f;
        for (int t = 0; t < taps; t++) a += src[i + (size_t)t * step] * coef[t];
        dst[i] = a;
    }
}

/* 2D float convolution: taps row-major, in order, as conv_f32_c. */
static void conv_f32_avx2(const void *const *rows, const float *k, int side, size_t step,
                          float *acc, size_t n) {
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        for (int ky = 0; ky < side; ky++) {
            const float *s = (const float *)rows[ky] + i;
            for (int kx = 0; kx < side; kx++, s += step) {
                const __m256 c = _mm256_set1_ps(k[ky * side + kx]);
                a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(s), c));
                a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_loadu_ps(s + 8), c));
                a2 = _mm256_add_ps(a2, _mm256_mul_ps(_mm256_loadu_ps(s + 16), c));
                a3 = _mm256_add_ps(a3, _mm256_mul_ps(_mm256_loadu_ps(s + 24), c));
            }
        }
        _mm256_storeu_ps(acc + i, a0);
        _mm256_storeu_ps(acc + i + 8, a1);
        _mm256_storeu_ps(acc + i + 16, a2);
        _mm256_storeu_ps(acc + i + 24, a3);
    }
    for (; i < n; i++) {
        float a = 0.0f;
        for (int ky = 0; ky < side; ky++)
            for (int kx = 0; kx < side; kx++)
                a += ((const float *)rows[ky])[i + (size_t)kx * step] * k[ky * side + kx];
        acc[i] = a;
    }
}

/* ---- Rounding to integer samples ---------------------------------------------------
 * max(v, lo) then min(v, hi) in that operand order is the C clamp (v > lo ?
 * v : lo, so NaN gives lo), then + 0.5 and truncation. */
static inline __m256i round8(__m256 v, __m256 hi) {
    v = _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), hi);
    return _mm256_cvttps_epi32(_mm256_add_ps(v, _mm256_set1_ps(0.5f)));
}
/* Eight 32-bit values 0..255 -> eight bytes; 0..65535 -> eight words. */
static inline void store8_u8(uint8_t *d, __m256i v) {
    const __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64((__m128i *)d, _mm_packus_epi16(w, w));
}
static inline void store8_u16(uint16_t *d, __m256i v) {
    _mm_storeu_si128((__m128i *)d,
                     _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
}

static inline float clampf(float v, float lo, float hi) {
    v = v > lo ? v : lo;
    return v < hi ? v : hi;
}

static void f32_to_u8_avx2(const float *src, uint8_t *dst, size_t n) {
    const __m256 hi = _mm256_set1_ps(255.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) store8_u8(dst + i, round8(_mm256_loadu_ps(src + i), hi));
    for (; i < n; i++) dst[i] = (uint8_t)(clampf(src[i], 0.0f, 255.0f) + 0.5f);
}
static void f32_to_u16_avx2(const float *src, uint16_t *dst, size_t n) {
    const __m256 hi = _mm256_set1_ps(65535.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) store8_u16(dst + i, round8(_mm256_loadu_ps(src + i), hi));
    for (; i < n; i++) dst[i] = (uint16_t)(clampf(src[i], 0.0f, 65535.0f) + 0.5f);
}
static void u8_to_f32_avx2(const uint8_t *src, float *dst, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, LOAD_U8(src + i));
    for (; i < n; i++) dst[i] = (float)src[i];
}
static void u16_to_f32_avx2(const uint16_t *src, float *dst, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, LOAD_U16(src + i));
    for (; i < n; i++) dst[i] = (float)src[i];
}

/* ---- Unsharp mask --------------------------------------------------------------------
 * v = |d| >= threshold ? x + amount * d : x, as unsharp_*_c. */
static inline __m256 unsharp8(__m256 x, __m256 blur, __m256 amount, __m256 threshold,
                              __m256 *sharpened) {
    const __m256 d = _mm256_sub_ps(x, blur);
    const __m256 ad = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), d);
    *sharpened = _mm256_cmp_ps(ad, threshold, _CMP_GE_OQ);
    return _mm256_blendv_ps(x, _mm256_add_ps(x, _mm256_mul_ps(amount, d)), *sharpened);
}

#define UNSHARP_INT(NAME, T, LOAD, STORE, MAX)                                             \
    static void NAME(const T *in, const float *blur, float amount, float threshold, T *dst, \
                     size_t n) {                                                            \
        const __m256 am = _mm256_set1_ps(amount), th = _mm256_set1_ps(threshold),         \
                     hi = _mm256_set1_ps(MAX);                                              \
        size_t i = 0;                                                                       \
        for (; i + 8 <= n; i += 8) {                                                        \
            __m256 m;                                                                       \
            const __m256 v = unsharp8(LOAD(in + i), _mm256_loadu_ps(blur + i), am, th, &m); \
            STORE(dst + i, round8(v, hi));                                                  \
        }                                                                                   \
        for (; i < n; i++) {                                                                \
            const float x = (float)in[i], d = x - blur[i];                                  \
            const float v = fabsf(d) >= threshold ? x + amount * d : x;                     \
            dst[i] = (T)(clampf(v, 0.0f, MAX) + 0.5f);                                      \
        }                                                                                   \
    }
UNSHARP_INT(unsharp_u8_avx2, uint8_t, LOAD_U8, store8_u8, 255.0f)
UNSHARP_INT(unsharp_u16_avx2, uint16_t, LOAD_U16, store8_u16, 65535.0f)

static void unsharp_f32_avx2(const float *in, const float *blur, float amount, float threshold,
                             float *dst, size_t n) {
    const __m256 am = _mm256_set1_ps(amount), th = _mm256_set1_ps(threshold),
                 one = _mm256_set1_ps(1.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 m;
        const __m256 x = _mm256_loadu_ps(in + i);
        const __m256 v = unsharp8(x, _mm256_loadu_ps(blur + i), am, th, &m);
        const __m256 c = _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), one);
        _mm256_storeu_ps(dst + i, _mm256_blendv_ps(x, c, m));
    }
    for (; i < n; i++) {
        const float x = in[i], d = x - blur[i];
        dst[i] = fabsf(d) >= threshold ? clampf(x + amount * d, 0.0f, 1.0f) : x;
    }
}

/* ---- Box column sums ------------------------------------------------------------------ */

static void box_v_add_u8_avx2(uint32_t *acc, const uint8_t *row, uint32_t weight, size_t n) {
    const __m256i w = _mm256_set1_epi32((int32_t)weight);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i x = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(row + i)));
        const __m256i a = _mm256_loadu_si256((const __m256i *)(acc + i));
        _mm256_storeu_si256((__m256i *)(acc + i), _mm256_add_epi32(a, _mm256_mullo_epi32(x, w)));
    }
    for (; i < n; i++) acc[i] += row[i] * weight;
}
INLINE void box_slide_u8(uint32_t *acc, const uint8_t *add, const uint8_t *sub, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        /* add - sub in 16 bits (wrapping when negative), sign-extended: the
         * same 32-bit value as (uint32_t)add - sub. */
        const __m256i x = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(add + i)));
        const __m256i y = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(sub + i)));
        const __m256i dd = _mm256_sub_epi16(x, y);
        const __m256i d0 = _mm256_cvtepi16_epi32(_mm256_castsi256_si128(dd));
        const __m256i d1 = _mm256_cvtepi16_epi32(_mm256_extracti128_si256(dd, 1));
        const __m256i a0 = _mm256_loadu_si256((const __m256i *)(acc + i));
        const __m256i a1 = _mm256_loadu_si256((const __m256i *)(acc + i + 8));
        _mm256_storeu_si256((__m256i *)(acc + i), _mm256_add_epi32(a0, d0));
        _mm256_storeu_si256((__m256i *)(acc + i + 8), _mm256_add_epi32(a1, d1));
    }
    for (; i < n; i++) acc[i] += (uint32_t)add[i] - (uint32_t)sub[i];
}
static void box_v_slide_u8_avx2(uint32_t *acc, const uint8_t *add, const uint8_t *sub,
                                size_t n) {
    box_slide_u8(acc, add, sub, n);
}

/* box_vh_u8: slide acc samples done .. up to at least `need` (at most ns),
 * 512 at a time, so that the stretch the horizontal pass reads next is
 * fresh in L1. The incoming row is new to the caches: it is prefetched
 * 2048 samples ahead, which measured faster than the hardware prefetch
 * alone. */
INLINE void box_lead(uint32_t *acc, const uint8_t *add, const uint8_t *sub, size_t *done,
                     size_t need, size_t ns) {
    if (need <= *done || *done >= ns) return;
    size_t to = need > *done + 512 ? need : *done + 512;
    if (to > ns) to = ns;
    for (size_t p = to + 2048; p < to + 2048 + 512 && p < ns; p += 64)
        _mm_prefetch((const char *)(add + p), _MM_HINT_T0);
    box_slide_u8(acc + *done, add + *done, sub + *done, to - *done);
    *done = to;
}
static void box_v_add_u16_avx2(uint32_t *acc, const uint16_t *row, uint32_t weight, size_t n) {
    const __m256i w = _mm256_set1_epi32((int32_t)weight);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i x = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(row + i)));
        const __m256i a = _mm256_loadu_si256((const __m256i *)(acc + i));
        _mm256_storeu_si256((__m256i *)(acc + i), _mm256_add_epi32(a, _mm256_mullo_epi32(x, w)));
    }
    for (; i < n; i++) acc[i] += row[i] * weight;
}
static void box_v_slide_u16_avx2(uint32_t *acc, const uint16_t *add, const uint16_t *sub,
                                 size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i x = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(add + i)));
        const __m256i y = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(sub + i)));
        const __m256i a = _mm256_loadu_si256((const __m256i *)(acc + i));
        _mm256_storeu_si256((__m256i *)(acc + i), _mm256_add_epi32(a, _mm256_sub_epi32(x, y)));
    }
    for (; i < n; i++) acc[i] += (uint32_t)add[i] - (uint32_t)sub[i];
}

/* ---- Box horizontal pass ----------------------------------------------------------------
 * The running sum of box_h_*_c as a scan of differences (see
 * zp_conv_box_deltas), 8 samples at a time: d = acc[c + r] - acc[c - r - 1]
 * where both columns are inside the row (else the scalar helper), a
 * log-step prefix sum within the vector over steps of `ch` lanes, plus the
 * last sum of each channel from the previous vector.
 *
 * Division by N = (2r+1)^2, exactly: x = S + N/2 < 256 N (u8) or 65536 N
 * (u16), q = floor(x / N) <= 65535. The estimate q0 = trunc(f(x >> 1) *
 * f(2 / N)) in float has an error below 1/N (the dropped bit) plus three
 * float roundings, 65536 * 3 * 2^-24 < 0.012: under 1 in all, so q0 is q-1,
 * q or q+1, and one remainder test each way makes it q.
 *
 * u8 with r <= 63 (N < 16384) needs no fix-up: q = floor((2S + N) / 2N),
 * where 2S + N < 2^24 is exact in float and odd, so the quotient is at
 * least 1/2N away from any integer, while f(2S + N) * f(1 / 2N) is off by
 * at most two roundings, 256 * 2 * 2^-24 < 1/32768 < 1/2N: truncation
 * gives q. tests/test_kernels_conv.c checks every S for r up to 63. */
INLINE __m256i box_div8(__m256i x, __m256 rcp2, __m256i nv, __m256i nm1) {
    const __m256i q0 =
        _mm256_cvttps_epi32(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(x, 1)), rcp2));
    const __m256i rem = _mm256_sub_epi32(x, _mm256_mullo_epi32(q0, nv));
    const __m256i up = _mm256_cmpgt_epi32(rem, nm1);                        /* rem >= N */
    const __m256i down = _mm256_cmpgt_epi32(_mm256_setzero_si256(), rem);  /* rem < 0  */
    return _mm256_add_epi32(_mm256_sub_epi32(q0, up), down);
}

/* Scan, divide and store one block of up to 8 samples at i0 (m of them). */
INLINE __m256i box_block8(__m256i d, __m256i sum, const __m256i *sidx, const __m256i *smask,
                          int steps, __m256i cidx, void *dst, size_t i0, size_t m,
                          const int u16, const int direct, __m256 rcp2, __m256 rcp_2n,
                          __m256i nv, __m256i nm1, __m256i half) {
    for (int k = 0; k < steps; k++)
        d = _mm256_add_epi32(d, _mm256_and_si256(_mm256_permutevar8x32_epi32(d, sidx[k]),
                                                 smask[k]));
    sum = _mm256_add_epi32(d, _mm256_permutevar8x32_epi32(sum, cidx));
    const __m256i q =
        direct ? _mm256_cvttps_epi32(_mm256_mul_ps(
                     _mm256_cvtepi32_ps(_mm256_add_epi32(_mm256_add_epi32(sum, sum), nv)), rcp_2n))
               : box_div8(_mm256_add_epi32(sum, half), rcp2, nv, nm1);
    const __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    if (u16) {
        if (m == 8) _mm_storeu_si128((__m128i *)((uint16_t *)dst + i0), w);
        else {
            uint16_t t[8];
            _mm_storeu_si128((__m128i *)t, w);
            memcpy((uint16_t *)dst + i0, t, m * sizeof *t);
        }
    } else {
        const __m128i b = _mm_packus_epi16(w, w);
        if (m == 8) _mm_storel_epi64((__m128i *)((uint8_t *)dst + i0), b);
        else {
            uint8_t t[16];
            _mm_storeu_si128((__m128i *)t, b);
            memcpy((uint8_t *)dst + i0, t, m);
        }
    }
    return sum;
}

/* add / sub: for box_vh_u8 (fused), the rows to slide acc by first. */
INLINE void box_h_avx2(const uint32_t *acc, int32_t width, const int ch, int32_t r, int32_t x0,
                       int32_t count, void *dst, const int u16, const int direct,
                       const uint8_t *add, const uint8_t *sub, const int fused) {
    const size_t n = (size_t)count * (size_t)ch, ns = (size_t)width * (size_t)ch;
    uint32_t *accw = (uint32_t *)(uintptr_t)acc; /* written only when fused */
    size_t done = 0;
    const uint32_t N = (uint32_t)(2 * r + 1) * (uint32_t)(2 * r + 1);
    const __m256 rcp2 = _mm256_set1_ps((float)(2.0 / (double)N));
    const __m256 rcp_2n = _mm256_set1_ps((float)(0.5 / (double)N));
    const __m256i nv = _mm256_set1_epi32((int32_t)N), nm1 = _mm256_set1_epi32((int32_t)N - 1);
    const __m256i half = _mm256_set1_epi32((int32_t)(N / 2));
    /* Pixels j whose two columns x0+j+r and x0+j-r-1 are both inside. */
    const int64_t jlo = r + 1 - x0 > 1 ? r + 1 - x0 : 1, jhi = (int64_t)width - 1 - r - x0;
    const size_t fast_lo = (size_t)jlo * (size_t)ch,
                 fast_hi = jhi >= jlo ? (size_t)(jhi + 1) * (size_t)ch : 0;
    const size_t fast_end = fast_hi < n ? fast_hi : n;
    const ptrdiff_t oin = (ptrdiff_t)(x0 + r) * ch, oout = (ptrdiff_t)(x0 - r - 1) * ch;
    /* Lane l takes lane l - s (s = ch, 2ch, 4ch < 8), or 0; the carry takes
     * the last lane of the previous vector in the same channel. */
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i sidx[3], smask[3], cidx;
    int steps = 0;
    for (int sh = ch; sh < 8; sh *= 2, steps++) {
        sidx[steps] = _mm256_sub_epi32(lane, _mm256_set1_epi32(sh));
        smask[steps] = _mm256_cmpgt_epi32(lane, _mm256_set1_epi32(sh - 1));
    }
    {
        int32_t c[8];
        for (int l = 0; l < 8; l++) c[l] = 8 - ch + l % ch;
        cidx = _mm256_loadu_si256((const __m256i *)c);
    }
    __m256i sum = _mm256_setzero_si256();
    /* Blocks before fast_lo, and those after the last full block inside
     * fast_end, take their differences from the scalar helper; the run
     * between loads both columns directly, with no per-block tests. */
    size_t i0 = 0;
    for (int phase = 0; phase < 2; phase++) {
        const size_t stop = phase == 0 ? (fast_lo < n ? fast_lo : n) : n;
        for (; i0 < stop; i0 += 8) {
            const size_t m = n - i0 < 8 ? n - i0 : 8;
            uint32_t t[8] = {0};
            /* reads acc pixels up to clamp(x0 + j + r), j <= (i0 + 7) / ch */
            if (fused) box_lead(accw, add, sub, &done, (size_t)oin + i0 + 8 + (size_t)ch, ns);
            zp_conv_box_deltas(acc, width, ch, r, x0, i0, m, t);
            sum = box_block8(_mm256_loadu_si256((const __m256i *)t), sum, sidx, smask, steps,
                             cidx, dst, i0, m, u16, direct, rcp2, rcp_2n, nv, nm1, half);
        }
        if (phase == 0)
            for (; i0 + 8 <= fast_end; i0 += 8) {
                if (fused)
                    box_lead(accw, add, sub, &done, (size_t)oin + i0 + 8 + (size_t)ch, ns);
                const __m256i d = _mm256_sub_epi32(
                    _mm256_loadu_si256((const __m256i *)(acc + (oin + (ptrdiff_t)i0))),
                    _mm256_loadu_si256((const __m256i *)(acc + (oout + (ptrdiff_t)i0))));
                sum = box_block8(d, sum, sidx, smask, steps, cidx, dst, i0, 8, u16, direct, rcp2,
                                 rcp_2n, nv, nm1, half);
            }
    }
    if (fused) box_lead(accw, add, sub, &done, ns, ns); /* the rest of the row */
}

/* One copy per channel count, so that the scan's shifts are constants. */
#define BOX_H_CH(U16, DIRECT, ADD, SUB, FUSED)                                            \
    switch (ch) {                                                                         \
    case 1: box_h_avx2(acc, width, 1, r, x0, count, dst, U16, DIRECT, ADD, SUB, FUSED); break; \
    case 2: box_h_avx2(acc, width, 2, r, x0, count, dst, U16, DIRECT, ADD, SUB, FUSED); break; \
    case 3: box_h_avx2(acc, width, 3, r, x0, count, dst, U16, DIRECT, ADD, SUB, FUSED); break; \
    default: box_h_avx2(acc, width, 4, r, x0, count, dst, U16, DIRECT, ADD, SUB, FUSED); break; \
    }
static void box_h_u8_avx2(const uint32_t *acc, int32_t width, int ch, int32_t r, int32_t x0,
                          int32_t count, uint8_t *dst) {
    if (r <= 63) BOX_H_CH(0, 1, NULL, NULL, 0) /* no fix-up needed, see above */
    else BOX_H_CH(0, 0, NULL, NULL, 0)
}
static void box_vh_u8_avx2(uint32_t *acc, const uint8_t *add, const uint8_t *sub, int32_t width,
                           int ch, int32_t r, int32_t x0, int32_t count, uint8_t *dst) {
    if (r <= 63) BOX_H_CH(0, 1, add, sub, 1)
    else BOX_H_CH(0, 0, add, sub, 1)
}
/* u16 sums fit 32 bits only up to radius 127: (2r+1)^2 * 65535 < 2^32. */
static void (*box_h_u16_below)(const uint32_t *, int32_t, int, int32_t, int32_t, int32_t,
                               uint16_t *);
static void box_h_u16_avx2(const uint32_t *acc, int32_t width, int ch, int32_t r, int32_t x0,
                           int32_t count, uint16_t *dst) {
    if (r > 127) {
        box_h_u16_below(acc, width, ch, r, x0, count, dst);
        return;
    }
    BOX_H_CH(1, 0, NULL, NULL, 0)
}
#undef BOX_H_CH

/* ---- Convolution finish ----------------------------------------------------------------
 * Integer sums: v = acc * scale + bias in double, as conv_i32_to_*_c. */
static inline __m128i finish4(const int32_t *acc, __m256d scale, __m256d bias, __m256d hi) {
    __m256d v = _mm256_cvtepi32_pd(_mm_loadu_si128((const __m128i *)acc));
    v = _mm256_add_pd(_mm256_mul_pd(v, scale), bias);
    v = _mm256_min_pd(_mm256_max_pd(v, _mm256_setzero_pd()), hi);
    return _mm256_cvttpd_epi32(_mm256_add_pd(v, _mm256_set1_pd(0.5)));
}

static inline double clampd(double v, double lo, double hi) {
    v = v > lo ? v : lo;
    return v < hi ? v : hi;
}

#define CONV_I32(NAME, T, MAX, STORE)                                                         \
    static void NAME(const int32_t *acc, double scale, double bias, T *dst, size_t n) {       \
        const __m256d sc = _mm256_set1_pd(scale), bi = _mm256_set1_pd(bias),                  \
                      hi = _mm256_set1_pd(MAX);                                               \
        size_t i = 0;                                                                         \
        for (; i + 8 <= n; i += 8) {                                                          \
            const __m128i a = finish4(acc + i, sc, bi, hi), b = finish4(acc + i + 4, sc, bi, hi); \
            STORE(dst + i, _mm256_setr_m128i(a, b));                                          \
        }                                                                                     \
        for (; i < n; i++) dst[i] = (T)(clampd((double)acc[i] * scale + bias, 0.0, MAX) + 0.5); \
    }
CONV_I32(conv_i32_to_u8_avx2, uint8_t, 255.0, store8_u8)
CONV_I32(conv_i32_to_u16_avx2, uint16_t, 65535.0, store8_u16)

#define CONV_F32(NAME, T, MAX, STORE)                                                         \
    static void NAME(const float *acc, float scale, float bias, T *dst, size_t n) {           \
        const __m256 sc = _mm256_set1_ps(scale), bi = _mm256_set1_ps(bias),                   \
                     hi = _mm256_set1_ps(MAX);                                                \
        size_t i = 0;                                                                         \
        for (; i + 8 <= n; i += 8) {                                                          \
            const __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(acc + i), sc), bi);  \
            STORE(dst + i, round8(v, hi));                                                    \
        }                                                                                     \
        for (; i < n; i++) dst[i] = (T)(clampf(acc[i] * scale + bias, 0.0f, MAX) + 0.5f);     \
    }
CONV_F32(conv_f32_to_u8_avx2, uint8_t, 255.0f, store8_u8)
CONV_F32(conv_f32_to_u16_avx2, uint16_t, 65535.0f, store8_u16)

static void conv_f32_to_f32_avx2(const float *acc, float scale, float bias, float *dst,
                                 size_t n) {
    const __m256 sc = _mm256_set1_ps(scale), bi = _mm256_set1_ps(bias), one = _mm256_set1_ps(1.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(acc + i), sc), bi);
        _mm256_storeu_ps(dst + i, _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), one));
    }
    for (; i < n; i++) dst[i] = clampf(acc[i] * scale + bias, 0.0f, 1.0f);
}

void zp_conv_fill_avx2(void *table) {
    struct zp_conv_kernels *t = table;
    t->level = "avx2";
    sep_v_u8_q6_below = t->sep_v_u8_q6;
    sep_h_q6_u8_below = t->sep_h_q6_u8;
    conv_u8_i32_below = t->conv_u8_i32;
    conv_u8_i16_u8_below = t->conv_u8_i16_u8;
    t->conv_u8_i16_u8 = conv_u8_i16_u8_avx2;
    t->sep_v_u8_q6 = sep_v_u8_q6_avx2;
    t->sep_h_q6_u8 = sep_h_q6_u8_avx2;
    t->sep_v_u8_f32 = sep_v_u8_f32_avx2;
    t->sep_v_u16_f32 = sep_v_u16_f32_avx2;
    t->sep_v_f32_f32 = sep_v_f32_f32_avx2;
    t->sep_h_f32 = sep_h_f32_avx2;
    t->f32_to_u8 = f32_to_u8_avx2;
    t->f32_to_u16 = f32_to_u16_avx2;
    t->u8_to_f32 = u8_to_f32_avx2;
    t->u16_to_f32 = u16_to_f32_avx2;
    t->unsharp_u8 = unsharp_u8_avx2;
    t->unsharp_u16 = unsharp_u16_avx2;
    t->unsharp_f32 = unsharp_f32_avx2;
    t->box_v_add_u8 = box_v_add_u8_avx2;
    t->box_v_slide_u8 = box_v_slide_u8_avx2;
    t->box_v_add_u16 = box_v_add_u16_avx2;
    t->box_v_slide_u16 = box_v_slide_u16_avx2;
    box_h_u16_below = t->box_h_u16;
    t->box_h_u8 = box_h_u8_avx2;
    t->box_vh_u8 = box_vh_u8_avx2;
    t->box_h_u16 = box_h_u16_avx2;
    t->conv_u8_i32 = conv_u8_i32_avx2;
    t->conv_f32 = conv_f32_avx2;
    t->conv_i32_to_u8 = conv_i32_to_u8_avx2;
    t->conv_i32_to_u16 = conv_i32_to_u16_avx2;
    t->conv_f32_to_u8 = conv_f32_to_u8_avx2;
    t->conv_f32_to_u16 = conv_f32_to_u16_avx2;
    t->conv_f32_to_f32 = conv_f32_to_f32_avx2;
}
