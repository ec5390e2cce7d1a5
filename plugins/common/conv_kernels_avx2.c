/* conv_kernels_avx2.c: AVX2 overrides of the conv kernel family (built with
 * avx2 target flags on x86-64 only; see src/core/simd_internal.h).
 *
 * Integer taps: 16-bit samples times 16-bit coefficients, two taps per
 * vpmaddwd into 32-bit sums, exact, so any order matches the C reference;
 * symmetric Gaussian taps are folded first (row[t] + row[T-1-t], which fits
 * 16 bits by the Q6 contract). Float taps: one lane per sample, taps added
 * in order, multiply then add, as the C code does. Tails (fewer samples
 * than a vector) call the C kernels, or run their exact integer formulas
 * (and conv_f32's taps, whose rows cannot be offset) in scalar code. */
#include <immintrin.h>
#include <string.h>
#include "conv_kernels.h"

#define INLINE static inline __attribute__((always_inline))

/* ---- Integer primitives for conv_kernels_x86.h ---------------------------------- */
typedef __m256i VI;
#define VN 8
/* 16 samples at byte offset `off` from p (u8 widened, or int16). */
INLINE __m256i vi_load16(const char *p, size_t off, int size) {
    return size == 1 ? _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(p + off)))
                     : _mm256_loadu_si256((const __m256i *)(p + off));
}
INLINE __m256i vi_zero(void) { return _mm256_setzero_si256(); }
INLINE __m256i vi_set1_32(int32_t x) { return _mm256_set1_epi32(x); }
INLINE __m256i vi_set1_16(int16_t x) { return _mm256_set1_epi16(x); }
INLINE __m256i vi_add32(__m256i a, __m256i b) { return _mm256_add_epi32(a, b); }
INLINE __m256i vi_add16(__m256i a, __m256i b) { return _mm256_add_epi16(a, b); }
INLINE __m256i vi_madd16(__m256i a, __m256i b) { return _mm256_madd_epi16(a, b); }
INLINE __m256i vi_unplo16(__m256i a, __m256i b) { return _mm256_unpacklo_epi16(a, b); }
INLINE __m256i vi_unphi16(__m256i a, __m256i b) { return _mm256_unpackhi_epi16(a, b); }
INLINE __m256i vi_loadu8(const uint8_t *p) { return _mm256_loadu_si256((const __m256i *)p); }
INLINE void vi_storeu8(uint8_t *p, __m256i v) { _mm256_storeu_si256((__m256i *)p, v); }
INLINE __m256i vi_maddubs(__m256i a, __m256i b) { return _mm256_maddubs_epi16(a, b); }
INLINE __m256i vi_unplo8(__m256i a, __m256i b) { return _mm256_unpacklo_epi8(a, b); }
INLINE __m256i vi_unphi8(__m256i a, __m256i b) { return _mm256_unpackhi_epi8(a, b); }
INLINE __m256i vi_sra16(__m256i a, __m128i sh) { return _mm256_sra_epi16(a, sh); }
INLINE __m256i vi_packus16(__m256i a, __m256i b) { return _mm256_packus_epi16(a, b); }

/* For the box column sums of conv_kernels_x86.h. */
INLINE __m256i vi_sub16(__m256i a, __m256i b) { return _mm256_sub_epi16(a, b); }
INLINE __m256i vi_mullo32(__m256i a, __m256i b) { return _mm256_mullo_epi32(a, b); }
INLINE __m256i vi_loadu32(const uint32_t *p) { return _mm256_loadu_si256((const __m256i *)p); }
INLINE void vi_storeu32(uint32_t *p, __m256i v) { _mm256_storeu_si256((__m256i *)p, v); }
INLINE __m256i vi_widen_u8_32(const uint8_t *p) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p));
}
INLINE __m256i vi_lo16to32(__m256i v) { return _mm256_cvtepi16_epi32(_mm256_castsi256_si128(v)); }
INLINE __m256i vi_hi16to32(__m256i v) { return _mm256_cvtepi16_epi32(_mm256_extracti128_si256(v, 1)); }
#define CONV_X86_BOX_V

/* sum_terms' vectors: a[0] holds samples 0-3 and 8-11, a[1] 4-7 and 12-15
 * (the in-lane order of unpack, which packs undoes), a[2] and a[3] the same
 * for 16..31. */
INLINE void store_q6(int16_t *dst, const __m256i a[4]) {
    for (int h = 0; h < 2; h++)
        _mm256_storeu_si256((__m256i *)(dst + 16 * h),
                            _mm256_packs_epi32(_mm256_srai_epi32(a[2 * h], 8),
                                               _mm256_srai_epi32(a[2 * h + 1], 8)));
}
INLINE void store_q6_u8(uint8_t *dst, const __m256i a[4]) {
    const __m256i x = _mm256_packs_epi32(_mm256_srai_epi32(a[0], 20), _mm256_srai_epi32(a[1], 20));
    const __m256i y = _mm256_packs_epi32(_mm256_srai_epi32(a[2], 20), _mm256_srai_epi32(a[3], 20));
    /* packus works per 128-bit lane: x0-7 y0-7 | x8-15 y8-15 */
    _mm256_storeu_si256((__m256i *)dst, _mm256_permute4x64_epi64(_mm256_packus_epi16(x, y), 0xd8));
}
INLINE void store_i32(int32_t *acc, const __m256i a[4]) {
    /* a[0]: 0-3 | 8-11, a[1]: 4-7 | 12-15 */
    for (int h = 0; h < 2; h++) {
        int32_t *d = acc + 16 * h;
        _mm256_storeu_si256((__m256i *)d, _mm256_permute2x128_si256(a[2 * h], a[2 * h + 1], 0x20));
        _mm256_storeu_si256((__m256i *)(d + 8),
                            _mm256_permute2x128_si256(a[2 * h], a[2 * h + 1], 0x31));
    }
}

/* ---- Float primitives ------------------------------------------------------------ */
#define CONV_X86_VF
typedef __m256 VF;
INLINE __m256 vf_zero(void) { return _mm256_setzero_ps(); }
INLINE __m256 vf_set1(float x) { return _mm256_set1_ps(x); }
INLINE __m256 vf_add(__m256 a, __m256 b) { return _mm256_add_ps(a, b); }
INLINE __m256 vf_mul(__m256 a, __m256 b) { return _mm256_mul_ps(a, b); }
INLINE void vf_storeu(float *p, __m256 v) { _mm256_storeu_ps(p, v); }

#include "conv_kernels_x86.h"

/* ---- Float taps ------------------------------------------------------------------
 * 32 samples at a time in four accumulators, taps in order: acc += x * c. */
#define LOAD_U8(p) _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(p))))
#define LOAD_U16(p) _mm256_cvtepi32_ps(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p))))
#define LOAD_F32(p) _mm256_loadu_ps(p)

SEP_V_F32(sep_v_u8_f32_avx2, uint8_t, LOAD_U8)
SEP_V_F32(sep_v_u16_f32_avx2, uint16_t, LOAD_U16)
SEP_V_F32(sep_v_f32_f32_avx2, float, LOAD_F32)

/* a[0..3] += the 32 floats at s times c. */
INLINE void tap32(__m256 a[4], const float *s, __m256 c) {
    for (int j = 0; j < 4; j++) a[j] = _mm256_add_ps(a[j], _mm256_mul_ps(_mm256_loadu_ps(s + 8 * j), c));
}
INLINE void store32(float *d, const __m256 a[4]) {
    for (int j = 0; j < 4; j++) _mm256_storeu_ps(d + 8 * j, a[j]);
}

static void sep_h_f32_avx2(const float *src, const float *coef, int taps, size_t step,
                           float *dst, size_t n) {
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 a[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                       _mm256_setzero_ps()};
        const float *s = src + i;
        for (int t = 0; t < taps; t++, s += step) tap32(a, s, _mm256_set1_ps(coef[t]));
        store32(dst + i, a);
    }
    if (i < n) zp_conv_kernels_c()->sep_h_f32(src + i, coef, taps, step, dst + i, n - i);
}

/* 2D float convolution: taps row-major, in order, as conv_f32_c. */
static void conv_f32_avx2(const void *const *rows, const float *k, int side, size_t step,
                          float *acc, size_t n) {
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256 a[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                       _mm256_setzero_ps()};
        for (int ky = 0; ky < side; ky++) {
            const float *s = (const float *)rows[ky] + i;
            for (int kx = 0; kx < side; kx++, s += step)
                tap32(a, s, _mm256_set1_ps(k[ky * side + kx]));
        }
        store32(acc + i, a);
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

static void f32_to_u8_avx2(const float *src, uint8_t *dst, size_t n) {
    const __m256 hi = _mm256_set1_ps(255.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) store8_u8(dst + i, round8(_mm256_loadu_ps(src + i), hi));
    if (i < n) zp_conv_kernels_c()->f32_to_u8(src + i, dst + i, n - i);
}
static void f32_to_u16_avx2(const float *src, uint16_t *dst, size_t n) {
    const __m256 hi = _mm256_set1_ps(65535.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) store8_u16(dst + i, round8(_mm256_loadu_ps(src + i), hi));
    if (i < n) zp_conv_kernels_c()->f32_to_u16(src + i, dst + i, n - i);
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

#define UNSHARP_INT(NAME, C, T, LOAD, STORE, MAX)                                           \
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
        if (i < n) zp_conv_kernels_c()->C(in + i, blur + i, amount, threshold, dst + i, n - i); \
    }
UNSHARP_INT(unsharp_u8_avx2, unsharp_u8, uint8_t, LOAD_U8, store8_u8, 255.0f)
UNSHARP_INT(unsharp_u16_avx2, unsharp_u16, uint16_t, LOAD_U16, store8_u16, 65535.0f)

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
    if (i < n) zp_conv_kernels_c()->unsharp_f32(in + i, blur + i, amount, threshold, dst + i, n - i);
}

/* ---- Box column sums ------------------------------------------------------------------
 * u16 (the u8 ones, and box_lead, are in conv_kernels_x86.h). */

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
INLINE void box_h_level(const uint32_t *acc, int32_t width, const int ch, int32_t r, int32_t x0,
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


/* ---- Convolution finish ----------------------------------------------------------------
 * Integer sums: v = acc * scale + bias in double, as conv_i32_to_*_c. */
static inline __m128i finish4(const int32_t *acc, __m256d scale, __m256d bias, __m256d hi) {
    __m256d v = _mm256_cvtepi32_pd(_mm_loadu_si128((const __m128i *)acc));
    v = _mm256_add_pd(_mm256_mul_pd(v, scale), bias);
    v = _mm256_min_pd(_mm256_max_pd(v, _mm256_setzero_pd()), hi);
    return _mm256_cvttpd_epi32(_mm256_add_pd(v, _mm256_set1_pd(0.5)));
}

#define CONV_I32(NAME, C, T, MAX, STORE)                                                         \
    static void NAME(const int32_t *acc, double scale, double bias, T *dst, size_t n) {       \
        const __m256d sc = _mm256_set1_pd(scale), bi = _mm256_set1_pd(bias),                  \
                      hi = _mm256_set1_pd(MAX);                                               \
        size_t i = 0;                                                                         \
        for (; i + 8 <= n; i += 8) {                                                          \
            const __m128i a = finish4(acc + i, sc, bi, hi), b = finish4(acc + i + 4, sc, bi, hi); \
            STORE(dst + i, _mm256_setr_m128i(a, b));                                          \
        }                                                                                     \
        if (i < n) zp_conv_kernels_c()->C(acc + i, scale, bias, dst + i, n - i);            \
    }
CONV_I32(conv_i32_to_u8_avx2, conv_i32_to_u8, uint8_t, 255.0, store8_u8)
CONV_I32(conv_i32_to_u16_avx2, conv_i32_to_u16, uint16_t, 65535.0, store8_u16)

#define CONV_F32(NAME, C, T, MAX, STORE)                                                         \
    static void NAME(const float *acc, float scale, float bias, T *dst, size_t n) {           \
        const __m256 sc = _mm256_set1_ps(scale), bi = _mm256_set1_ps(bias),                   \
                     hi = _mm256_set1_ps(MAX);                                                \
        size_t i = 0;                                                                         \
        for (; i + 8 <= n; i += 8) {                                                          \
            const __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(acc + i), sc), bi);  \
            STORE(dst + i, round8(v, hi));                                                    \
        }                                                                                     \
        if (i < n) zp_conv_kernels_c()->C(acc + i, scale, bias, dst + i, n - i);            \
    }
CONV_F32(conv_f32_to_u8_avx2, conv_f32_to_u8, uint8_t, 255.0f, store8_u8)
CONV_F32(conv_f32_to_u16_avx2, conv_f32_to_u16, uint16_t, 65535.0f, store8_u16)

static void conv_f32_to_f32_avx2(const float *acc, float scale, float bias, float *dst,
                                 size_t n) {
    const __m256 sc = _mm256_set1_ps(scale), bi = _mm256_set1_ps(bias), one = _mm256_set1_ps(1.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(acc + i), sc), bi);
        _mm256_storeu_ps(dst + i, _mm256_min_ps(_mm256_max_ps(v, _mm256_setzero_ps()), one));
    }
    if (i < n) zp_conv_kernels_c()->conv_f32_to_f32(acc + i, scale, bias, dst + i, n - i);
}

void zp_conv_fill_avx2(void *table) {
    struct zp_conv_kernels *t = table;
    conv_x86_fill(t, "avx2");
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
    t->box_v_add_u16 = box_v_add_u16_avx2;
    t->box_v_slide_u16 = box_v_slide_u16_avx2;
    t->conv_f32 = conv_f32_avx2;
    t->conv_i32_to_u8 = conv_i32_to_u8_avx2;
    t->conv_i32_to_u16 = conv_i32_to_u16_avx2;
    t->conv_f32_to_u8 = conv_f32_to_u8_avx2;
    t->conv_f32_to_u16 = conv_f32_to_u16_avx2;
    t->conv_f32_to_f32 = conv_f32_to_f32_avx2;
}
