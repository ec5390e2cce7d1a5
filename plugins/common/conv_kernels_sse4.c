/* conv_kernels_sse4.c: SSE4.1 (and SSSE3) overrides of the conv kernel
 * family (built with sse4 target flags on x86-64 only; see
 * src/core/simd_internal.h).
 *
 * The integer tap kernels of conv_kernels_avx2.c at 128 bits (zp_conv_terms:
 * two terms per pmaddwd into exact 32-bit sums, 16 samples per iteration),
 * the vertical float passes (taps in order, multiply then add, as the C
 * code) and the sample conversions. Entries left out are ones the compiler
 * already vectorises with SSE2 in the C reference. Float-to-integer tails
 * call the C kernels; the others run the same exact formulas in scalar
 * code. */
#include <immintrin.h>
#include <string.h>
#include "conv_kernels.h"

#define INLINE static inline __attribute__((always_inline))

/* ---- Integer primitives for conv_kernels_x86.h ---------------------------------- */
typedef __m128i VI;
#define VN 4
/* 8 samples at byte offset `off` from p (u8 widened, or int16). */
INLINE __m128i vi_load16(const char *p, size_t off, int size) {
    return size == 1 ? _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)(p + off)))
                     : _mm_loadu_si128((const __m128i *)(p + off));
}
INLINE __m128i vi_zero(void) { return _mm_setzero_si128(); }
INLINE __m128i vi_set1_32(int32_t x) { return _mm_set1_epi32(x); }
INLINE __m128i vi_set1_16(int16_t x) { return _mm_set1_epi16(x); }
INLINE __m128i vi_add32(__m128i a, __m128i b) { return _mm_add_epi32(a, b); }
INLINE __m128i vi_add16(__m128i a, __m128i b) { return _mm_add_epi16(a, b); }
INLINE __m128i vi_madd16(__m128i a, __m128i b) { return _mm_madd_epi16(a, b); }
INLINE __m128i vi_unplo16(__m128i a, __m128i b) { return _mm_unpacklo_epi16(a, b); }
INLINE __m128i vi_unphi16(__m128i a, __m128i b) { return _mm_unpackhi_epi16(a, b); }
INLINE __m128i vi_loadu8(const uint8_t *p) { return _mm_loadu_si128((const __m128i *)p); }
INLINE void vi_storeu8(uint8_t *p, __m128i v) { _mm_storeu_si128((__m128i *)p, v); }
INLINE __m128i vi_maddubs(__m128i a, __m128i b) { return _mm_maddubs_epi16(a, b); }
INLINE __m128i vi_unplo8(__m128i a, __m128i b) { return _mm_unpacklo_epi8(a, b); }
INLINE __m128i vi_unphi8(__m128i a, __m128i b) { return _mm_unpackhi_epi8(a, b); }
INLINE __m128i vi_sra16(__m128i a, __m128i sh) { return _mm_sra_epi16(a, sh); }
INLINE __m128i vi_packus16(__m128i a, __m128i b) { return _mm_packus_epi16(a, b); }

/* sum_terms' four vectors are samples 0-3, 4-7, 8-11, 12-15 in order. */
INLINE void store_q6(int16_t *dst, const __m128i a[4]) {
    for (int h = 0; h < 2; h++)
        _mm_storeu_si128((__m128i *)(dst + 8 * h),
                         _mm_packs_epi32(_mm_srai_epi32(a[2 * h], 8),
                                         _mm_srai_epi32(a[2 * h + 1], 8)));
}
INLINE void store_q6_u8(uint8_t *dst, const __m128i a[4]) {
    const __m128i x = _mm_packs_epi32(_mm_srai_epi32(a[0], 20), _mm_srai_epi32(a[1], 20));
    const __m128i y = _mm_packs_epi32(_mm_srai_epi32(a[2], 20), _mm_srai_epi32(a[3], 20));
    _mm_storeu_si128((__m128i *)dst, _mm_packus_epi16(x, y));
}
INLINE void store_i32(int32_t *acc, const __m128i a[4]) {
    for (int j = 0; j < 4; j++) _mm_storeu_si128((__m128i *)(acc + 4 * j), a[j]);
}

/* ---- Float primitives ------------------------------------------------------------ */
#define CONV_X86_VF
typedef __m128 VF;
INLINE __m128 vf_zero(void) { return _mm_setzero_ps(); }
INLINE __m128 vf_set1(float x) { return _mm_set1_ps(x); }
INLINE __m128 vf_add(__m128 a, __m128 b) { return _mm_add_ps(a, b); }
INLINE __m128 vf_mul(__m128 a, __m128 b) { return _mm_mul_ps(a, b); }
INLINE void vf_storeu(float *p, __m128 v) { _mm_storeu_ps(p, v); }

#include "conv_kernels_x86.h"

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

SEP_V_F32(sep_v_u8_f32_sse4, uint8_t, LOAD_U8)
SEP_V_F32(sep_v_u16_f32_sse4, uint16_t, LOAD_U16)
SEP_V_F32(sep_v_f32_f32_sse4, float, LOAD_F32)

/* ---- Conversions: clamp as the C code (max then min: NaN gives 0), + 0.5,
 * truncate. -------------------------------------------------------------------- */
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
    if (i < n) zp_conv_kernels_c()->f32_to_u8(src + i, dst + i, n - i);
}
static void f32_to_u16_sse4(const float *src, uint16_t *dst, size_t n) {
    const __m128 hi = _mm_set1_ps(65535.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(dst + i),
                         _mm_packus_epi32(round4(_mm_loadu_ps(src + i), hi),
                                          round4(_mm_loadu_ps(src + i + 4), hi)));
    if (i < n) zp_conv_kernels_c()->f32_to_u16(src + i, dst + i, n - i);
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

/* No fused pass at this level: with `fused`, the whole slide first. */
static void (*box_v_slide_u8_below)(uint32_t *, const uint8_t *, const uint8_t *, size_t);

INLINE void box_h_level(const uint32_t *acc, int32_t width, const int ch, int32_t r, int32_t x0,
                        int32_t count, void *dst, const int u16, const int direct,
                        const uint8_t *add, const uint8_t *sub, const int fused) {
    if (fused) box_v_slide_u8_below((uint32_t *)(uintptr_t)acc, add, sub, (size_t)width * (size_t)ch);
    const size_t n = (size_t)count * (size_t)ch;
    const uint32_t N = (uint32_t)(2 * r + 1) * (uint32_t)(2 * r + 1);
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

void zp_conv_fill_sse4(void *table) {
    struct zp_conv_kernels *t = table;
    box_v_slide_u8_below = t->box_v_slide_u8;
    conv_x86_fill(t, "sse4");
    t->sep_v_u8_f32 = sep_v_u8_f32_sse4;
    t->sep_v_u16_f32 = sep_v_u16_f32_sse4;
    t->sep_v_f32_f32 = sep_v_f32_f32_sse4;
    t->f32_to_u8 = f32_to_u8_sse4;
    t->f32_to_u16 = f32_to_u16_sse4;
    t->u8_to_f32 = u8_to_f32_sse4;
    t->u16_to_f32 = u16_to_f32_sse4;
}
