/* conv_kernels_sse4.c: SSE4.1 (and SSSE3) overrides of the conv kernel
 * family (built with sse4 target flags on x86-64 only; see
 * src/core/simd_internal.h).
 *
 * The integer tap kernels of conv_kernels_avx2.c at 128 bits (zp_conv_terms:
 * two terms per pmaddwd into exact 32-bit sums, 16 samples per iteration),
 * the vertical float passes (taps in order, multiply then add, as the C
 * code) and the sample conversions. Entries left out are ones the compiler
 * already vectorises with SSE2 in the C reference. Tails run the same
 * formulas in scalar code. */
#include <immintrin.h>
#include <string.h>
#include "conv_kernels.h"

#define INLINE static inline __attribute__((always_inline))

/* 8 samples at byte offset `off` from p (u8 widened, or int16). */
INLINE __m128i load8(const char *p, size_t off, int size) {
    return size == 1 ? _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)(p + off)))
                     : _mm_loadu_si128((const __m128i *)(p + off));
}

#define MADD2(X0, Y0, X1, Y1)                                                           \
    do {                                                                                \
        const __m128i c_ = _mm_set1_epi32(tm->cc[k / 2]);                               \
        a[0] = _mm_add_epi32(a[0], _mm_madd_epi16(_mm_unpacklo_epi16(X0, Y0), c_));     \
        a[1] = _mm_add_epi32(a[1], _mm_madd_epi16(_mm_unpackhi_epi16(X0, Y0), c_));     \
        a[2] = _mm_add_epi32(a[2], _mm_madd_epi16(_mm_unpacklo_epi16(X1, Y1), c_));     \
        a[3] = _mm_add_epi32(a[3], _mm_madd_epi16(_mm_unpackhi_epi16(X1, Y1), c_));     \
    } while (0)
#define ONE(k, o) load8(tm->p[k], (o), size)
#define TWO(k, o) _mm_add_epi16(load8(tm->p[k], (o), size), load8(tm->q[k], (o), size))

/* Sum of all terms for samples i .. i+15 into four vectors of four 32-bit
 * sums, in order (a[0] samples 0-3, a[1] 4-7, a[2] 8-11, a[3] 12-15).
 * Phases as in the AVX2 file. */
INLINE void sum16(const zp_conv_terms *tm, int size, size_t i, __m128i init, __m128i a[4]) {
    const size_t o0 = i * (size_t)size, o1 = o0 + 8 * (size_t)size;
    const __m128i z = _mm_setzero_si128();
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

static void sep_v_u8_q6_sse4(const void *const *rows, const int16_t *coef, int taps,
                             int16_t *dst, size_t n) {
    zp_conv_terms tm;
    if (!zp_conv_terms_make(&tm, rows, NULL, 0, coef, NULL, taps, 1)) {
        sep_v_u8_q6_below(rows, coef, taps, dst, n);
        return;
    }
    const __m128i round = _mm_set1_epi32(1 << 7);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i a[4];
        sum16(&tm, 1, i, round, a);
        for (int h = 0; h < 2; h++)
            _mm_storeu_si128((__m128i *)(dst + i + 8 * h),
                             _mm_packs_epi32(_mm_srai_epi32(a[2 * h], 8),
                                             _mm_srai_epi32(a[2 * h + 1], 8)));
    }
    for (; i < n; i++) dst[i] = (int16_t)(zp_conv_terms_sum(&tm, 1, i, 1 << 7) >> 8);
}

static void sep_h_q6_u8_sse4(const int16_t *src, const int16_t *coef, int taps, size_t step,
                             uint8_t *dst, size_t n) {
    zp_conv_terms tm;
    if (!zp_conv_terms_make(&tm, NULL, (const char *)src, (ptrdiff_t)(step * sizeof *src), coef,
                            NULL, taps, 1)) {
        sep_h_q6_u8_below(src, coef, taps, step, dst, n);
        return;
    }
    const __m128i round = _mm_set1_epi32(1 << 19);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i a[4];
        sum16(&tm, 2, i, round, a);
        const __m128i x = _mm_packs_epi32(_mm_srai_epi32(a[0], 20), _mm_srai_epi32(a[1], 20));
        const __m128i y = _mm_packs_epi32(_mm_srai_epi32(a[2], 20), _mm_srai_epi32(a[3], 20));
        _mm_storeu_si128((__m128i *)(dst + i), _mm_packus_epi16(x, y));
    }
    for (; i < n; i++) dst[i] = (uint8_t)(zp_conv_terms_sum(&tm, 2, i, 1 << 19) >> 20);
}

static void conv_u8_i32_sse4(const void *const *rows, const int32_t *k, int side, size_t step,
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
    for (; i + 16 <= n; i += 16) {
        __m128i a[4];
        sum16(&tm, 1, i, _mm_setzero_si128(), a);
        for (int j = 0; j < 4; j++) _mm_storeu_si128((__m128i *)(acc + i + 4 * j), a[j]);
    }
    for (; i < n; i++) acc[i] = zp_conv_terms_sum(&tm, 1, i, 0);
}

/* ---- u8 convolution in 16 bits ------------------------------------------------------
 * Two taps per pmaddubsw: the bytes of two tap rows interleaved times a pair
 * of int8 coefficients, into int16 sums that cannot saturate or wrap (the
 * contract bounds every partial sum by 32767). unpacklo/hi_epi8 split the 16 samples
 * into low and high 8, and packus_epi16 of the two halves puts them back.
 * A coefficient of 128, outside int8, sends the kernel to the level below. */
INLINE __m128i loadu128(const uint8_t *p) { return _mm_loadu_si128((const __m128i *)p); }
INLINE void storeu128(uint8_t *p, __m128i v) { _mm_storeu_si128((__m128i *)p, v); }
static void (*conv_u8_i16_u8_below)(const void *const *, const int16_t *, int, size_t, int32_t,
                                     int, uint8_t *, size_t);
static void conv_u8_i16_u8_sse4(const void *const *rows, const int16_t *k, int side, size_t step,
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
    const __m128i addv = _mm_set1_epi16((int16_t)add);
    const __m128i sh = _mm_cvtsi32_si128(shift);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m128i lo = addv, hi = addv;
        for (int q = 0; q < pairs; q++) {
            const __m128i a = loadu128(p[2 * q] + i), b = loadu128(p[2 * q + 1] + i);
            const __m128i c = _mm_set1_epi16(cc[q]);
            lo = _mm_add_epi16(lo, _mm_maddubs_epi16(_mm_unpacklo_epi8(a, b), c));
            hi = _mm_add_epi16(hi, _mm_maddubs_epi16(_mm_unpackhi_epi8(a, b), c));
        }
        storeu128(dst + i, _mm_packus_epi16(_mm_sra_epi16(lo, sh), _mm_sra_epi16(hi, sh)));
    }
    for (; i < n; i++) {
        int32_t v = add;
        for (int t = 0; t < taps; t++) v += p[t][i] * k[t];
        v >>= shift;
        dst[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

/* ---- Vertical float passes: 16 samples, taps in order, acc += x * c ------------ */
/* Four bytes from any address (memcpy: no alignment assumed). */
static inline __m128i load4(const void *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return _mm_cvtsi32_si128(v);
}
#define LOAD_U8(p) _mm_cvtepi32_ps(_mm_cvtepu8_epi32(load4(p)))
#define LOAD_U16(p) _mm_cvtepi32_ps(_mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)(p))))
#define LOAD_F32(p) _mm_loadu_ps(p)

#define SEP_V_F32(NAME, T, LOAD)                                                          \
    static void NAME(const void *const *rows, const float *coef, int taps, float *dst,    \
                     size_t n) {                                                          \
        size_t i = 0;                                                                     \
        for (; i + 16 <= n; i += 16) {                                                    \
            __m128 a0 = _mm_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;                      \
            for (int t = 0; t < taps; t++) {                                              \
                const T *r = (const T *)rows[t] + i;                                      \
                const __m128 c = _mm_set1_ps(coef[t]);                                    \
                a0 = _mm_add_ps(a0, _mm_mul_ps(LOAD(r), c));                              \
                a1 = _mm_add_ps(a1, _mm_mul_ps(LOAD(r + 4), c));                          \
                a2 = _mm_add_ps(a2, _mm_mul_ps(LOAD(r + 8), c));                          \
                a3 = _mm_add_ps(a3, _mm_mul_ps(LOAD(r + 12), c));                         \
            }                                                                             \
            _mm_storeu_ps(dst + i, a0);                                                   \
            _mm_storeu_ps(dst + i + 4, a1);                                               \
            _mm_storeu_ps(dst + i + 8, a2);                                               \
            _mm_storeu_ps(dst + i + 12, a3);                                              \
        }                                                                                 \
        for (; i < n; i++) {                                                              \
            float a = 0.0f;                                                               \
            for (int t = 0; t < taps; t++) a += (float)((const T *)rows[t])[i] * coef[t]; \
            dst[i] = a;                                                                   \
        }                                                                                 \
    }
SEP_V_F32(sep_v_u8_f32_sse4, uint8_t, LOAD_U8)
SEP_V_F32(sep_v_u16_f32_sse4, uint16_t, LOAD_U16)
SEP_V_F32(sep_v_f32_f32_sse4, float, LOAD_F32)

/* ---- Conversions: clamp as the C code (max then min: NaN gives 0), + 0.5,
 * truncate. -------------------------------------------------------------------- */
static inline float clampf(float v, float lo, float hi) {
    v = v > lo ? v : lo;
    return v < hi ? v : hi;
}
static inline __m128i round4(__m128 v, __m128 hi) {
    v = _mm_min_ps(_mm_max_ps(v, _mm_setzero_ps()), hi);
    return _mm_cvttps_epi32(_mm_add_ps(v, _mm_set1_ps(0.5f)));
}

static void f32_to_u8_sse4(const float *src, uint8_t *dst, size_t n) {
    const __m128 hi = _mm_set1_ps(255.0f);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m128i a = _mm_packus_epi32(round4(_mm_loadu_ps(src + i), hi),
                                           round4(_mm_loadu_ps(src + i + 4), hi));
        const __m128i b = _mm_packus_epi32(round4(_mm_loadu_ps(src + i + 8), hi),
                                           round4(_mm_loadu_ps(src + i + 12), hi));
        _mm_storeu_si128((__m128i *)(dst + i), _mm_packus_epi16(a, b));
    }
    for (; i < n; i++) dst[i] = (uint8_t)(clampf(src[i], 0.0f, 255.0f) + 0.5f);
}
static void f32_to_u16_sse4(const float *src, uint16_t *dst, size_t n) {
    const __m128 hi = _mm_set1_ps(65535.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(dst + i),
                         _mm_packus_epi32(round4(_mm_loadu_ps(src + i), hi),
                                          round4(_mm_loadu_ps(src + i + 4), hi)));
    for (; i < n; i++) dst[i] = (uint16_t)(clampf(src[i], 0.0f, 65535.0f) + 0.5f);
}
static void u8_to_f32_sse4(const uint8_t *src, float *dst, size_t n) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) _mm_storeu_ps(dst + i, LOAD_U8(src + i));
    for (; i < n; i++) dst[i] = (float)src[i];
}
static void u16_to_f32_sse4(const uint16_t *src, float *dst, size_t n) {
    size_t i = 0;
    for (; i + 4 <= n; i += 4) _mm_storeu_ps(dst + i, LOAD_U16(src + i));
    for (; i < n; i++) dst[i] = (float)src[i];
}

/* ---- Box horizontal pass ----------------------------------------------------------------
 * box_h_*_avx2 (conv_kernels_avx2.c, which states why the division is
 * exact) at 4 samples: the scan's lane shifts and the carry are pshufb. */
static inline __m128i lanes_ctl(const int *src) { /* lane l takes lane src[l], or 0 if < 0 */
    int8_t b[16];
    for (int l = 0; l < 4; l++)
        for (int k = 0; k < 4; k++) b[4 * l + k] = (int8_t)(src[l] < 0 ? -128 : 4 * src[l] + k);
    return _mm_loadu_si128((const __m128i *)b);
}

INLINE __m128i box_div4(__m128i x, __m128 rcp2, __m128i nv, __m128i nm1) {
    const __m128i q0 = _mm_cvttps_epi32(_mm_mul_ps(_mm_cvtepi32_ps(_mm_srli_epi32(x, 1)), rcp2));
    const __m128i rem = _mm_sub_epi32(x, _mm_mullo_epi32(q0, nv));
    const __m128i up = _mm_cmpgt_epi32(rem, nm1);
    const __m128i down = _mm_cmpgt_epi32(_mm_setzero_si128(), rem);
    return _mm_add_epi32(_mm_sub_epi32(q0, up), down);
}

INLINE void box_h_sse4(const uint32_t *acc, int32_t width, const int ch, int32_t r, int32_t x0,
                       int32_t count, void *dst, const int u16) {
    const size_t n = (size_t)count * (size_t)ch;
    const uint32_t N = (uint32_t)(2 * r + 1) * (uint32_t)(2 * r + 1);
    const int direct = !u16 && r <= 63;
    const __m128 rcp2 = _mm_set1_ps((float)(2.0 / (double)N));
    const __m128 rcp_2n = _mm_set1_ps((float)(0.5 / (double)N));
    const __m128i nv = _mm_set1_epi32((int32_t)N), nm1 = _mm_set1_epi32((int32_t)N - 1);
    const __m128i half = _mm_set1_epi32((int32_t)(N / 2));
    const int64_t jlo = r + 1 - x0 > 1 ? r + 1 - x0 : 1, jhi = (int64_t)width - 1 - r - x0;
    const size_t fast_lo = (size_t)jlo * (size_t)ch,
                 fast_hi = jhi >= jlo ? (size_t)(jhi + 1) * (size_t)ch : 0;
    const ptrdiff_t oin = (ptrdiff_t)(x0 + r) * ch, oout = (ptrdiff_t)(x0 - r - 1) * ch;
    __m128i sctl[2], cctl;
    int steps = 0, src[4];
    for (int sh = ch; sh < 4; sh *= 2, steps++) {
        for (int l = 0; l < 4; l++) src[l] = l - sh;
        sctl[steps] = lanes_ctl(src);
    }
    for (int l = 0; l < 4; l++) src[l] = 4 - ch + l % ch;
    cctl = lanes_ctl(src);
    __m128i sum = _mm_setzero_si128();
    for (size_t i0 = 0; i0 < n; i0 += 4) {
        const size_t m = n - i0 < 4 ? n - i0 : 4;
        __m128i d;
        if (m == 4 && i0 >= fast_lo && i0 + 4 <= fast_hi) {
            d = _mm_sub_epi32(_mm_loadu_si128((const __m128i *)(acc + (oin + (ptrdiff_t)i0))),
                              _mm_loadu_si128((const __m128i *)(acc + (oout + (ptrdiff_t)i0))));
        } else {
            uint32_t t[4] = {0};
            zp_conv_box_deltas(acc, width, ch, r, x0, i0, m, t);
            d = _mm_loadu_si128((const __m128i *)t);
        }
        for (int k = 0; k < steps; k++) d = _mm_add_epi32(d, _mm_shuffle_epi8(d, sctl[k]));
        sum = _mm_add_epi32(d, _mm_shuffle_epi8(sum, cctl));
        const __m128i q =
            direct ? _mm_cvttps_epi32(_mm_mul_ps(
                         _mm_cvtepi32_ps(_mm_add_epi32(_mm_add_epi32(sum, sum), nv)), rcp_2n))
                   : box_div4(_mm_add_epi32(sum, half), rcp2, nv, nm1);
        const __m128i w = _mm_packus_epi32(q, q);
        if (u16) {
            uint16_t t[8];
            _mm_storeu_si128((__m128i *)t, w);
            memcpy((uint16_t *)dst + i0, t, m * sizeof *t);
        } else {
            uint8_t t[16];
            _mm_storeu_si128((__m128i *)t, _mm_packus_epi16(w, w));
            memcpy((uint8_t *)dst + i0, t, m);
        }
    }
}

#define BOX_H_CH(U16)                                                                     \
    switch (ch) {                                                                         \
    case 1: box_h_sse4(acc, width, 1, r, x0, count, dst, U16); break;                     \
    case 2: box_h_sse4(acc, width, 2, r, x0, count, dst, U16); break;                     \
    case 3: box_h_sse4(acc, width, 3, r, x0, count, dst, U16); break;                     \
    default: box_h_sse4(acc, width, 4, r, x0, count, dst, U16); break;                    \
    }
static void box_h_u8_sse4(const uint32_t *acc, int32_t width, int ch, int32_t r, int32_t x0,
                          int32_t count, uint8_t *dst) {
    BOX_H_CH(0)
}
static void (*box_h_u16_below)(const uint32_t *, int32_t, int, int32_t, int32_t, int32_t,
                               uint16_t *);
static void box_h_u16_sse4(const uint32_t *acc, int32_t width, int ch, int32_t r, int32_t x0,
                           int32_t count, uint16_t *dst) {
    if (r > 127) { /* (2r+1)^2 * 65535 must fit 32 bits */
        box_h_u16_below(acc, width, ch, r, x0, count, dst);
        return;
    }
    BOX_H_CH(1)
}
#undef BOX_H_CH

/* No fused pass at this level: the two passes, as separate calls. */
static void (*box_v_slide_u8_below)(uint32_t *, const uint8_t *, const uint8_t *, size_t);
static void box_vh_u8_sse4(uint32_t *acc, const uint8_t *add, const uint8_t *sub, int32_t width,
                           int ch, int32_t r, int32_t x0, int32_t count, uint8_t *dst) {
    box_v_slide_u8_below(acc, add, sub, (size_t)width * (size_t)ch);
    box_h_u8_sse4(acc, width, ch, r, x0, count, dst);
}

void zp_conv_fill_sse4(void *table) {
    struct zp_conv_kernels *t = table;
    t->level = "sse4";
    sep_v_u8_q6_below = t->sep_v_u8_q6;
    sep_h_q6_u8_below = t->sep_h_q6_u8;
    conv_u8_i32_below = t->conv_u8_i32;
    conv_u8_i16_u8_below = t->conv_u8_i16_u8;
    t->conv_u8_i16_u8 = conv_u8_i16_u8_sse4;
    t->sep_v_u8_q6 = sep_v_u8_q6_sse4;
    t->sep_h_q6_u8 = sep_h_q6_u8_sse4;
    t->conv_u8_i32 = conv_u8_i32_sse4;
    t->sep_v_u8_f32 = sep_v_u8_f32_sse4;
    t->sep_v_u16_f32 = sep_v_u16_f32_sse4;
    t->sep_v_f32_f32 = sep_v_f32_f32_sse4;
    t->f32_to_u8 = f32_to_u8_sse4;
    t->f32_to_u16 = f32_to_u16_sse4;
    t->u8_to_f32 = u8_to_f32_sse4;
    t->u16_to_f32 = u16_to_f32_sse4;
    box_h_u16_below = t->box_h_u16;
    t->box_h_u8 = box_h_u8_sse4;
    box_v_slide_u8_below = t->box_v_slide_u8;
    t->box_vh_u8 = box_vh_u8_sse4;
    t->box_h_u16 = box_h_u16_sse4;
}
