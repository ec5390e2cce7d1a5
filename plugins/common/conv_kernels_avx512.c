/* conv_kernels_avx512.c: AVX-512 (F, BW, VL, DQ) overrides of the conv
 * kernel family (built with avx512 target flags on x86-64 only; see
 * src/core/simd_internal.h); the AVX2 entries it does not override stay.
 *
 * The integer tap kernels of conv_kernels_avx2.c at twice the width: 16-bit
 * samples times 16-bit coefficients, two terms per vpmaddwd into exact
 * 32-bit sums (zp_conv_terms), 64 samples per iteration, and the double
 * finish of integer convolutions eight lanes wide. Float entries are not
 * overridden: on the AMD EPYC this was tuned on (512-bit operations run as
 * two 256-bit halves) a 512-bit sep_h_f32 ran no faster than the AVX2 one.
 * Tails run the same formulas in scalar code. */
#include <immintrin.h>
#include "conv_kernels.h"

#define INLINE static inline __attribute__((always_inline))

/* 32 samples at byte offset `off` from p (u8 widened, or int16). */
INLINE __m512i load32(const char *p, size_t off, int size) {
    return size == 1 ? _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(p + off)))
                     : _mm512_loadu_si512((const void *)(p + off));
}

#define MADD2(X0, Y0, X1, Y1)                                                                 \
    do {                                                                                      \
        const __m512i c_ = _mm512_set1_epi32(tm->cc[k / 2]);                                  \
        a[0] = _mm512_add_epi32(a[0], _mm512_madd_epi16(_mm512_unpacklo_epi16(X0, Y0), c_)); \
        a[1] = _mm512_add_epi32(a[1], _mm512_madd_epi16(_mm512_unpackhi_epi16(X0, Y0), c_)); \
        a[2] = _mm512_add_epi32(a[2], _mm512_madd_epi16(_mm512_unpacklo_epi16(X1, Y1), c_)); \
        a[3] = _mm512_add_epi32(a[3], _mm512_madd_epi16(_mm512_unpackhi_epi16(X1, Y1), c_)); \
    } while (0)
#define ONE(k, o) load32(tm->p[k], (o), size)
#define TWO(k, o) _mm512_add_epi16(load32(tm->p[k], (o), size), load32(tm->q[k], (o), size))

/* Sum of all terms for samples i .. i+63 into four vectors of sixteen
 * 32-bit sums: a[0] holds samples 0-3, 8-11, 16-19, 24-27 (unpack works per
 * 128-bit lane), a[1] 4-7, 12-15, 20-23, 28-31; a[2], a[3] the same for
 * 32..63. Phases as in the AVX2 file. */
INLINE void sum64(const zp_conv_terms *tm, int size, size_t i, __m512i init, __m512i a[4]) {
    const size_t o0 = i * (size_t)size, o1 = o0 + 32 * (size_t)size;
    const __m512i z = _mm512_setzero_si512();
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

static void sep_v_u8_q6_avx512(const void *const *rows, const int16_t *coef, int taps,
                               int16_t *dst, size_t n) {
    zp_conv_terms tm;
    if (!zp_conv_terms_make(&tm, rows, NULL, 0, coef, NULL, taps, 1)) {
        sep_v_u8_q6_below(rows, coef, taps, dst, n);
        return;
    }
    const __m512i round = _mm512_set1_epi32(1 << 7);
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m512i a[4];
        sum64(&tm, 1, i, round, a);
        for (int h = 0; h < 2; h++)
            _mm512_storeu_si512((void *)(dst + i + 32 * h),
                                _mm512_packs_epi32(_mm512_srai_epi32(a[2 * h], 8),
                                                   _mm512_srai_epi32(a[2 * h + 1], 8)));
    }
    for (; i < n; i++) dst[i] = (int16_t)(zp_conv_terms_sum(&tm, 1, i, 1 << 7) >> 8);
}

static void sep_h_q6_u8_avx512(const int16_t *src, const int16_t *coef, int taps, size_t step,
                               uint8_t *dst, size_t n) {
    zp_conv_terms tm;
    if (!zp_conv_terms_make(&tm, NULL, (const char *)src, (ptrdiff_t)(step * sizeof *src), coef,
                            NULL, taps, 1)) {
        sep_h_q6_u8_below(src, coef, taps, step, dst, n);
        return;
    }
    const __m512i round = _mm512_set1_epi32(1 << 19);
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m512i a[4];
        sum64(&tm, 2, i, round, a);
        /* In order again after packs; results are 0..255, so vpmovwb
         * (truncating words to bytes) is exact. */
        for (int h = 0; h < 2; h++) {
            const __m512i w = _mm512_packs_epi32(_mm512_srai_epi32(a[2 * h], 20),
                                                 _mm512_srai_epi32(a[2 * h + 1], 20));
            _mm256_storeu_si256((__m256i *)(dst + i + 32 * h), _mm512_cvtepi16_epi8(w));
        }
    }
    for (; i < n; i++) dst[i] = (uint8_t)(zp_conv_terms_sum(&tm, 2, i, 1 << 19) >> 20);
}

static void conv_u8_i32_avx512(const void *const *rows, const int32_t *k, int side, size_t step,
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
    /* 128-bit lanes of a[0] are samples 0-3, 8-11, 16-19, 24-27 and of a[1]
     * 4-7, 12-15, 20-23, 28-31: interleave them back by qword pairs. */
    const __m512i lo = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
    const __m512i hi = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m512i a[4];
        sum64(&tm, 1, i, _mm512_setzero_si512(), a);
        for (int h = 0; h < 2; h++) {
            int32_t *d = acc + i + 32 * h;
            _mm512_storeu_si512((void *)d, _mm512_permutex2var_epi64(a[2 * h], lo, a[2 * h + 1]));
            _mm512_storeu_si512((void *)(d + 16),
                                _mm512_permutex2var_epi64(a[2 * h], hi, a[2 * h + 1]));
        }
    }
    for (; i < n; i++) acc[i] = zp_conv_terms_sum(&tm, 1, i, 0);
}

/* ---- Convolution finish: v = acc * scale + bias in double, as the C code,
 * clamped with max/min in the C operand order, + 0.5, truncated. ---------- */

static inline double clampd(double v, double lo, double hi) {
    v = v > lo ? v : lo;
    return v < hi ? v : hi;
}

static inline __m256i finish8(const int32_t *acc, __m512d scale, __m512d bias, __m512d hi) {
    __m512d v = _mm512_cvtepi32_pd(_mm256_loadu_si256((const __m256i *)acc));
    v = _mm512_add_pd(_mm512_mul_pd(v, scale), bias);
    v = _mm512_min_pd(_mm512_max_pd(v, _mm512_setzero_pd()), hi);
    return _mm512_cvttpd_epi32(_mm512_add_pd(v, _mm512_set1_pd(0.5)));
}

static void conv_i32_to_u8_avx512(const int32_t *acc, double scale, double bias, uint8_t *dst,
                                  size_t n) {
    const __m512d sc = _mm512_set1_pd(scale), bi = _mm512_set1_pd(bias), hi = _mm512_set1_pd(255.0);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512i v = _mm512_inserti64x4(
            _mm512_castsi256_si512(finish8(acc + i, sc, bi, hi)), finish8(acc + i + 8, sc, bi, hi), 1);
        _mm_storeu_si128((__m128i *)(dst + i), _mm512_cvtepi32_epi8(v));
    }
    for (; i < n; i++) dst[i] = (uint8_t)(clampd((double)acc[i] * scale + bias, 0.0, 255.0) + 0.5);
}

static void conv_i32_to_u16_avx512(const int32_t *acc, double scale, double bias, uint16_t *dst,
                                   size_t n) {
    const __m512d sc = _mm512_set1_pd(scale), bi = _mm512_set1_pd(bias),
                  hi = _mm512_set1_pd(65535.0);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512i v = _mm512_inserti64x4(
            _mm512_castsi256_si512(finish8(acc + i, sc, bi, hi)), finish8(acc + i + 8, sc, bi, hi), 1);
        _mm256_storeu_si256((__m256i *)(dst + i), _mm512_cvtepi32_epi16(v));
    }
    for (; i < n; i++)
        dst[i] = (uint16_t)(clampd((double)acc[i] * scale + bias, 0.0, 65535.0) + 0.5);
}

/* ---- u8 convolution in 16 bits ------------------------------------------------------
 * Two taps per pmaddubsw: the bytes of two tap rows interleaved times a pair
 * of int8 coefficients, into int16 sums that cannot saturate or wrap (the
 * contract bounds every partial sum by 32767). unpacklo/hi_epi8 split each
 * 128-bit lane (as in the AVX2 file) into its low and high 8 samples, and packus_epi16 of the two
 * halves puts them back in order.
 * A coefficient of 128, outside int8, sends the kernel to the level below. */
INLINE __m512i loadu512(const uint8_t *p) { return _mm512_loadu_si512((const void *)p); }
INLINE void storeu512(uint8_t *p, __m512i v) { _mm512_storeu_si512((void *)p, v); }
static void (*conv_u8_i16_u8_below)(const void *const *, const int16_t *, int, size_t, int32_t,
                                     int, uint8_t *, size_t);
static void conv_u8_i16_u8_avx512(const void *const *rows, const int16_t *k, int side, size_t step,
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
    const __m512i addv = _mm512_set1_epi16((int16_t)add);
    const __m128i sh = _mm_cvtsi32_si128(shift);
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m512i lo = addv, hi = addv;
        for (int q = 0; q < pairs; q++) {
            const __m512i a = loadu512(p[2 * q] + i), b = loadu512(p[2 * q + 1] + i);
            const __m512i c = _mm512_set1_epi16(cc[q]);
            lo = _mm512_add_epi16(lo, _mm512_maddubs_epi16(_mm512_unpacklo_epi8(a, b), c));
            hi = _mm512_add_epi16(hi, _mm512_maddubs_epi16(_mm512_unpackhi_epi8(a, b), c));
        }
        storeu512(dst + i, _mm512_packus_epi16(_mm512_sra_epi16(lo, sh), _mm512_sra_epi16(hi, sh)));
    }
    for (; i < n; i++) {
        int32_t v = add;
        for (int t = 0; t < taps; t++) v += p[t][i] * k[t];
        v >>= shift;
        dst[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

/* ---- Box column sums ------------------------------------------------------------------
 * box_v_*_u8_avx2 at 16 lanes, two blocks per iteration. */
static void box_v_add_u8_avx512(uint32_t *acc, const uint8_t *row, uint32_t weight, size_t n) {
    const __m512i w = _mm512_set1_epi32((int32_t)weight);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512i x = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(row + i)));
        const __m512i a = _mm512_loadu_si512((const void *)(acc + i));
        _mm512_storeu_si512((void *)(acc + i), _mm512_add_epi32(a, _mm512_mullo_epi32(x, w)));
    }
    for (; i < n; i++) acc[i] += row[i] * weight;
}
INLINE void box_slide_u8(uint32_t *acc, const uint8_t *add, const uint8_t *sub, size_t n) {
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        /* add - sub in 16 bits (wraps for negative differences), then
         * sign-extended: the same 32-bit value as (uint32_t)add - sub. */
        const __m512i x = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(add + i)));
        const __m512i y = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(sub + i)));
        const __m512i dd = _mm512_sub_epi16(x, y);
        const __m512i d0 = _mm512_cvtepi16_epi32(_mm512_castsi512_si256(dd));
        const __m512i d1 = _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(dd, 1));
        const __m512i a0 = _mm512_loadu_si512((const void *)(acc + i));
        const __m512i a1 = _mm512_loadu_si512((const void *)(acc + i + 16));
        _mm512_storeu_si512((void *)(acc + i), _mm512_add_epi32(a0, d0));
        _mm512_storeu_si512((void *)(acc + i + 16), _mm512_add_epi32(a1, d1));
    }
    for (; i < n; i++) acc[i] += (uint32_t)add[i] - (uint32_t)sub[i];
}
static void box_v_slide_u8_avx512(uint32_t *acc, const uint8_t *add, const uint8_t *sub,
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

/* ---- Box horizontal pass ----------------------------------------------------------------
 * box_h_*_avx2 (conv_kernels_avx2.c, which states why the division is
 * exact) at 16 samples: the scan's lane shifts are masked permutes, tails
 * masked stores. */
INLINE __m512i box_div16(__m512i x, __m512 rcp2, __m512i nv, __m512i nm1) {
    const __m512i q0 =
        _mm512_cvttps_epi32(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(x, 1)), rcp2));
    const __m512i rem = _mm512_sub_epi32(x, _mm512_mullo_epi32(q0, nv));
    const __m512i one = _mm512_set1_epi32(1);
    const __m512i q = _mm512_mask_add_epi32(q0, _mm512_cmpgt_epi32_mask(rem, nm1), q0, one);
    return _mm512_mask_sub_epi32(q, _mm512_cmplt_epi32_mask(rem, _mm512_setzero_si512()), q, one);
}

/* Scan, divide and store one block of up to 16 samples at i0 (m of them). */
INLINE __m512i box_block16(__m512i d, __m512i sum, const __m512i *sidx, const __mmask16 *smask,
                           int steps, __m512i cidx, void *dst, size_t i0, size_t m,
                           const int u16, const int direct, __m512 rcp2, __m512 rcp_2n,
                           __m512i nv, __m512i nm1, __m512i half) {
    for (int k = 0; k < steps; k++)
        d = _mm512_add_epi32(d, _mm512_maskz_permutexvar_epi32(smask[k], sidx[k], d));
    sum = _mm512_add_epi32(d, _mm512_permutexvar_epi32(cidx, sum));
    const __m512i q =
        direct ? _mm512_cvttps_epi32(_mm512_mul_ps(
                     _mm512_cvtepi32_ps(_mm512_add_epi32(_mm512_add_epi32(sum, sum), nv)), rcp_2n))
               : box_div16(_mm512_add_epi32(sum, half), rcp2, nv, nm1);
    /* Narrow in registers, then store: vpmov* with a memory operand is slow
     * on AMD. */
    if (u16) {
        const __m256i w = _mm512_cvtusepi32_epi16(q);
        if (m == 16) _mm256_storeu_si256((__m256i *)((uint16_t *)dst + i0), w);
        else _mm256_mask_storeu_epi16((uint16_t *)dst + i0, (__mmask16)((1u << m) - 1u), w);
    } else {
        const __m128i b = _mm512_cvtusepi32_epi8(q);
        if (m == 16) _mm_storeu_si128((__m128i *)((uint8_t *)dst + i0), b);
        else _mm_mask_storeu_epi8((uint8_t *)dst + i0, (__mmask16)((1u << m) - 1u), b);
    }
    return sum;
}

/* add / sub: for box_vh_u8 (fused), the rows to slide acc by first. */
INLINE void box_h_avx512(const uint32_t *acc, int32_t width, const int ch, int32_t r, int32_t x0,
                         int32_t count, void *dst, const int u16, const int direct,
                         const uint8_t *add, const uint8_t *sub, const int fused) {
    const size_t n = (size_t)count * (size_t)ch, ns = (size_t)width * (size_t)ch;
    uint32_t *accw = (uint32_t *)(uintptr_t)acc; /* written only when fused */
    size_t done = 0;
    const uint32_t N = (uint32_t)(2 * r + 1) * (uint32_t)(2 * r + 1);
    const __m512 rcp2 = _mm512_set1_ps((float)(2.0 / (double)N));
    const __m512 rcp_2n = _mm512_set1_ps((float)(0.5 / (double)N));
    const __m512i nv = _mm512_set1_epi32((int32_t)N), nm1 = _mm512_set1_epi32((int32_t)N - 1);
    const __m512i half = _mm512_set1_epi32((int32_t)(N / 2));
    const int64_t jlo = r + 1 - x0 > 1 ? r + 1 - x0 : 1, jhi = (int64_t)width - 1 - r - x0;
    const size_t fast_lo = (size_t)jlo * (size_t)ch,
                 fast_hi = jhi >= jlo ? (size_t)(jhi + 1) * (size_t)ch : 0;
    const ptrdiff_t oin = (ptrdiff_t)(x0 + r) * ch, oout = (ptrdiff_t)(x0 - r - 1) * ch;
    const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m512i sidx[4];
    __mmask16 smask[4];
    int steps = 0;
    for (int sh = ch; sh < 16; sh *= 2, steps++) {
        sidx[steps] = _mm512_sub_epi32(lane, _mm512_set1_epi32(sh));
        smask[steps] = (__mmask16)(0xffffu << sh);
    }
    int32_t c[16];
    for (int l = 0; l < 16; l++) c[l] = 16 - ch + l % ch;
    const __m512i cidx = _mm512_loadu_si512((const void *)c);
    __m512i sum = _mm512_setzero_si512();
    /* Blocks before fast_lo and from the last full block inside fast_hi on
     * take their differences from the scalar helper; the run between loads
     * both columns directly. */
    const size_t fast_end = fast_hi < n ? fast_hi : n;
    size_t i0 = 0;
    for (int phase = 0; phase < 2; phase++) {
        const size_t stop = phase == 0 ? (fast_lo < n ? fast_lo : n) : n;
        for (; i0 < stop; i0 += 16) {
            const size_t m = n - i0 < 16 ? n - i0 : 16;
            uint32_t t[16];
            /* reads acc pixels up to clamp(x0 + j + r), j <= (i0 + 15) / ch */
            if (fused) box_lead(accw, add, sub, &done, (size_t)oin + i0 + 16 + (size_t)ch, ns);
            zp_conv_box_deltas(acc, width, ch, r, x0, i0, m, t);
            const __m512i d = _mm512_maskz_loadu_epi32((__mmask16)((1u << m) - 1u), t);
            sum = box_block16(d, sum, sidx, smask, steps, cidx, dst, i0, m, u16, direct, rcp2,
                              rcp_2n, nv, nm1, half);
        }
        if (phase == 0)
            for (; i0 + 16 <= fast_end; i0 += 16) {
                if (fused)
                    box_lead(accw, add, sub, &done, (size_t)oin + i0 + 16 + (size_t)ch, ns);
                const __m512i d = _mm512_sub_epi32(
                    _mm512_loadu_si512((const void *)(acc + (oin + (ptrdiff_t)i0))),
                    _mm512_loadu_si512((const void *)(acc + (oout + (ptrdiff_t)i0))));
                sum = box_block16(d, sum, sidx, smask, steps, cidx, dst, i0, 16, u16, direct,
                                  rcp2, rcp_2n, nv, nm1, half);
            }
    }
    if (fused) box_lead(accw, add, sub, &done, ns, ns); /* the rest of the row */
}

#define BOX_H_CH(U16, DIRECT, ADD, SUB, FUSED)                                            \
    switch (ch) {                                                                         \
    case 1: box_h_avx512(acc, width, 1, r, x0, count, dst, U16, DIRECT, ADD, SUB, FUSED); break; \
    case 2: box_h_avx512(acc, width, 2, r, x0, count, dst, U16, DIRECT, ADD, SUB, FUSED); break; \
    case 3: box_h_avx512(acc, width, 3, r, x0, count, dst, U16, DIRECT, ADD, SUB, FUSED); break; \
    default: box_h_avx512(acc, width, 4, r, x0, count, dst, U16, DIRECT, ADD, SUB, FUSED); break; \
    }
static void box_h_u8_avx512(const uint32_t *acc, int32_t width, int ch, int32_t r, int32_t x0,
                            int32_t count, uint8_t *dst) {
    if (r <= 63) BOX_H_CH(0, 1, NULL, NULL, 0) /* no fix-up needed: see box_h_*_avx2 */
    else BOX_H_CH(0, 0, NULL, NULL, 0)
}
static void box_vh_u8_avx512(uint32_t *acc, const uint8_t *add, const uint8_t *sub,
                             int32_t width, int ch, int32_t r, int32_t x0, int32_t count,
                             uint8_t *dst) {
    if (r <= 63) BOX_H_CH(0, 1, add, sub, 1)
    else BOX_H_CH(0, 0, add, sub, 1)
}
static void (*box_h_u16_below)(const uint32_t *, int32_t, int, int32_t, int32_t, int32_t,
                               uint16_t *);
static void box_h_u16_avx512(const uint32_t *acc, int32_t width, int ch, int32_t r, int32_t x0,
                             int32_t count, uint16_t *dst) {
    if (r > 127) { /* (2r+1)^2 * 65535 must fit 32 bits */
        box_h_u16_below(acc, width, ch, r, x0, count, dst);
        return;
    }
    BOX_H_CH(1, 0, NULL, NULL, 0)
}
#undef BOX_H_CH

void zp_conv_fill_avx512(void *table) {
    struct zp_conv_kernels *t = table;
    t->level = "avx512";
    sep_v_u8_q6_below = t->sep_v_u8_q6;
    sep_h_q6_u8_below = t->sep_h_q6_u8;
    conv_u8_i32_below = t->conv_u8_i32;
    conv_u8_i16_u8_below = t->conv_u8_i16_u8;
    t->conv_u8_i16_u8 = conv_u8_i16_u8_avx512;
    t->sep_v_u8_q6 = sep_v_u8_q6_avx512;
    t->sep_h_q6_u8 = sep_h_q6_u8_avx512;
    t->conv_u8_i32 = conv_u8_i32_avx512;
    t->conv_i32_to_u8 = conv_i32_to_u8_avx512;
    t->conv_i32_to_u16 = conv_i32_to_u16_avx512;
    box_h_u16_below = t->box_h_u16;
    t->box_v_add_u8 = box_v_add_u8_avx512;
    t->box_v_slide_u8 = box_v_slide_u8_avx512;
    t->box_h_u8 = box_h_u8_avx512;
    t->box_vh_u8 = box_vh_u8_avx512;
    t->box_h_u16 = box_h_u16_avx512;
}
