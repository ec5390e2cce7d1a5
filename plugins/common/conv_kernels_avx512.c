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
 * Tails call the C kernels, or run the exact integer formulas in scalar
 * code. */
#include <immintrin.h>
#include "conv_kernels.h"

#define INLINE static inline __attribute__((always_inline))

/* ---- Integer primitives for conv_kernels_x86.h ---------------------------------- */
typedef __m512i VI;
#define VN 16
/* 32 samples at byte offset `off` from p (u8 widened, or int16). */
INLINE __m512i vi_load16(const char *p, size_t off, int size) {
    return size == 1 ? _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(p + off)))
                     : _mm512_loadu_si512((const void *)(p + off));
}
INLINE __m512i vi_zero(void) { return _mm512_setzero_si512(); }
INLINE __m512i vi_set1_32(int32_t x) { return _mm512_set1_epi32(x); }
INLINE __m512i vi_set1_16(int16_t x) { return _mm512_set1_epi16(x); }
INLINE __m512i vi_add32(__m512i a, __m512i b) { return _mm512_add_epi32(a, b); }
INLINE __m512i vi_add16(__m512i a, __m512i b) { return _mm512_add_epi16(a, b); }
INLINE __m512i vi_madd16(__m512i a, __m512i b) { return _mm512_madd_epi16(a, b); }
INLINE __m512i vi_unplo16(__m512i a, __m512i b) { return _mm512_unpacklo_epi16(a, b); }
INLINE __m512i vi_unphi16(__m512i a, __m512i b) { return _mm512_unpackhi_epi16(a, b); }
INLINE __m512i vi_loadu8(const uint8_t *p) { return _mm512_loadu_si512((const void *)p); }
INLINE void vi_storeu8(uint8_t *p, __m512i v) { _mm512_storeu_si512((void *)p, v); }
INLINE __m512i vi_maddubs(__m512i a, __m512i b) { return _mm512_maddubs_epi16(a, b); }
INLINE __m512i vi_unplo8(__m512i a, __m512i b) { return _mm512_unpacklo_epi8(a, b); }
INLINE __m512i vi_unphi8(__m512i a, __m512i b) { return _mm512_unpackhi_epi8(a, b); }
INLINE __m512i vi_sra16(__m512i a, __m128i sh) { return _mm512_sra_epi16(a, sh); }
INLINE __m512i vi_packus16(__m512i a, __m512i b) { return _mm512_packus_epi16(a, b); }

/* For the box column sums of conv_kernels_x86.h. */
INLINE __m512i vi_sub16(__m512i a, __m512i b) { return _mm512_sub_epi16(a, b); }
INLINE __m512i vi_mullo32(__m512i a, __m512i b) { return _mm512_mullo_epi32(a, b); }
INLINE __m512i vi_loadu32(const uint32_t *p) { return _mm512_loadu_si512((const void *)p); }
INLINE void vi_storeu32(uint32_t *p, __m512i v) { _mm512_storeu_si512((void *)p, v); }
INLINE __m512i vi_widen_u8_32(const uint8_t *p) {
    return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p));
}
INLINE __m512i vi_lo16to32(__m512i v) { return _mm512_cvtepi16_epi32(_mm512_castsi512_si256(v)); }
INLINE __m512i vi_hi16to32(__m512i v) { return _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(v, 1)); }
#define CONV_X86_BOX_V

/* sum_terms' vectors: a[0] holds samples 0-3, 8-11, 16-19, 24-27 (unpack
 * works per 128-bit lane), a[1] 4-7, 12-15, 20-23, 28-31; a[2], a[3] the
 * same for 32..63. */
INLINE void store_q6(int16_t *dst, const __m512i a[4]) {
    for (int h = 0; h < 2; h++)
        _mm512_storeu_si512((void *)(dst + 32 * h),
                            _mm512_packs_epi32(_mm512_srai_epi32(a[2 * h], 8),
                                               _mm512_srai_epi32(a[2 * h + 1], 8)));
}
INLINE void store_q6_u8(uint8_t *dst, const __m512i a[4]) {
    /* In order again after packs; results are 0..255, so vpmovwb
     * (truncating words to bytes) is exact. */
    for (int h = 0; h < 2; h++) {
        const __m512i w = _mm512_packs_epi32(_mm512_srai_epi32(a[2 * h], 20),
                                             _mm512_srai_epi32(a[2 * h + 1], 20));
        _mm256_storeu_si256((__m256i *)(dst + 32 * h), _mm512_cvtepi16_epi8(w));
    }
}
INLINE void store_i32(int32_t *acc, const __m512i a[4]) {
    /* Interleave the 128-bit lanes of a[0] and a[1] back by qword pairs. */
    const __m512i lo = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
    const __m512i hi = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
    for (int h = 0; h < 2; h++) {
        int32_t *d = acc + 32 * h;
        _mm512_storeu_si512((void *)d, _mm512_permutex2var_epi64(a[2 * h], lo, a[2 * h + 1]));
        _mm512_storeu_si512((void *)(d + 16),
                            _mm512_permutex2var_epi64(a[2 * h], hi, a[2 * h + 1]));
    }
}

#include "conv_kernels_x86.h"

/* ---- Convolution finish: v = acc * scale + bias in double, as the C code,
 * clamped with max/min in the C operand order, + 0.5, truncated. ---------- */

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
    if (i < n) zp_conv_kernels_c()->conv_i32_to_u8(acc + i, scale, bias, dst + i, n - i);
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
    if (i < n) zp_conv_kernels_c()->conv_i32_to_u16(acc + i, scale, bias, dst + i, n - i);
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
INLINE void box_h_level(const uint32_t *acc, int32_t width, const int ch, int32_t r, int32_t x0,
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


void zp_conv_fill_avx512(void *table) {
    struct zp_conv_kernels *t = table;
    conv_x86_fill(t, "avx512");
    t->conv_i32_to_u8 = conv_i32_to_u8_avx512;
    t->conv_i32_to_u16 = conv_i32_to_u16_avx512;
}
