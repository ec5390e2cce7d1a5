/* resize_kernels_sse4.c: SSE4.1 overrides of the resize kernel family: u8
 * vertical and horizontal passes in 128 bits, the float vertical passes,
 * and the float horizontal passes, vectorised for 3 and 4 channels (built with sse4
 * target flags on x86-64 only; see src/core/simd_internal.h). The float
 * kernels vectorise across samples or channels, never across taps: one
 * multiply and one add per tap in tap order, as the C ones, so the bits
 * are the same. */
#include "resize_kernels_x86.h"

#if defined(__clang__)
#  pragma STDC FP_CONTRACT OFF
#endif

static void vertical_u8_sse4(const uint8_t *const *rows, const int16_t *w, int32_t taps,
                             int16_t *out, size_t samples) {
    size_t i = 0;
    for (; i + 16 <= samples; i += 16) vertical_u8_16(rows, w, taps, out, i);
    vertical_u8_scalar(rows, w, taps, out, i, samples);
}

DEFINE_HORIZONTAL_U8(horizontal_u8_sse4, hsum_128, GROUP_128_T)

/* ---- Float vertical: 16 samples per step, the tail as in C ---------------- */

X86_INLINE __m128 load4_u16(const uint16_t *p) {
    return _mm_cvtepi32_ps(_mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)p)));
}
X86_INLINE __m128 load4_f32(const float *p) { return _mm_loadu_ps(p); }

#define DEFINE_VERTICAL_FLOAT_SSE4(name, type, LOAD4)                                       \
    static void name(const type *const *rows, const float *w, int32_t taps, float *out,     \
                     size_t samples) {                                                      \
        size_t i = 0;                                                                       \
        for (; i + 16 <= samples; i += 16) {                                                \
            __m128 a[4];                                                                    \
            const __m128 w0 = _mm_set1_ps(w[0]);                                            \
            for (int k = 0; k < 4; k++) a[k] = _mm_mul_ps(w0, LOAD4(rows[0] + i + 4 * k));  \
            for (int32_t t = 1; t < taps; t++) {                                            \
                const __m128 wt = _mm_set1_ps(w[t]);                                        \
                for (int k = 0; k < 4; k++)                                                 \
                    a[k] = _mm_add_ps(a[k], _mm_mul_ps(wt, LOAD4(rows[t] + i + 4 * k)));    \
            }                                                                               \
            for (int k = 0; k < 4; k++) _mm_storeu_ps(out + i + 4 * k, a[k]);               \
        }                                                                                   \
        for (; i < samples; i++) {                                                          \
            float acc = w[0] * (float)rows[0][i];                                           \
            for (int32_t t = 1; t < taps; t++) acc += w[t] * (float)rows[t][i];             \
            out[i] = acc;                                                                   \
        }                                                                                   \
    }
DEFINE_VERTICAL_FLOAT_SSE4(vertical_u16_sse4, uint16_t, load4_u16)
DEFINE_VERTICAL_FLOAT_SSE4(vertical_f32_sse4, float, load4_f32)

/* ---- Float horizontal --------------------------------------------------------
 * 3 and 4 channels: one pixel's channels in one register (3 channels load a
 * fourth sample, the next pixel's or the row's padding, and drop it). 1 and
 * 2 channels run the C kernels (vectorising across pixels would need a
 * gather per tap and gains little). */

X86_INLINE __m128 hsum_float(const float *p, const float *w, int32_t taps, int32_t ch) {
    __m128 acc = _mm_mul_ps(_mm_set1_ps(w[0]), _mm_loadu_ps(p));
    for (int32_t t = 1; t < taps; t++)
        acc = _mm_add_ps(acc, _mm_mul_ps(_mm_set1_ps(w[t]), _mm_loadu_ps(p + (size_t)t * ch)));
    return acc;
}

/* C's clamp and rounding: acc > 0 ? acc : 0 (so NaN gives 0), then
 * acc < 65535 ? acc : 65535, then truncate acc + 0.5. maxps and minps
 * return their second operand when the comparison fails, NaN included. */
X86_INLINE __m128i to_u16(__m128 acc) {
    acc = _mm_max_ps(acc, _mm_setzero_ps());
    acc = _mm_min_ps(acc, _mm_set1_ps(65535.0f));
    const __m128i v = _mm_cvttps_epi32(_mm_add_ps(acc, _mm_set1_ps(0.5f)));
    return _mm_packus_epi32(v, v);
}

static void horizontal_f32_sse4(const float *in, int32_t origin, const int32_t *first,
                                const float *w, int32_t taps, int32_t wstride, int32_t channels,
                                float *out, int32_t count) {
    if (channels < 3) {
        zp_resize_kernels_c()->horizontal_f32(in, origin, first, w, taps, wstride, channels, out,
                                              count);
        return;
    }
    const size_t ch = (size_t)channels;
    for (int32_t i = 0; i < count; i++) {
        const __m128 acc = hsum_float(in + (size_t)(first[i] - origin) * ch,
                                      w + (size_t)i * (size_t)wstride, taps, channels);
        float *o = out + (size_t)i * ch;
        if (ch == 4 || i + 1 < count) { /* 3 channels: the 4th lands on the next pixel */
            _mm_storeu_ps(o, acc);
        } else {
            _mm_storel_pi((__m64 *)o, acc);
            _mm_store_ss(o + 2, _mm_movehl_ps(acc, acc));
        }
    }
}

static void horizontal_u16_sse4(const float *in, int32_t origin, const int32_t *first,
                                const float *w, int32_t taps, int32_t wstride, int32_t channels,
                                uint16_t *out, int32_t count) {
    if (channels < 3) {
        zp_resize_kernels_c()->horizontal_u16(in, origin, first, w, taps, wstride, channels, out,
                                              count);
        return;
    }
    const size_t ch = (size_t)channels;
    for (int32_t i = 0; i < count; i++) {
        const __m128i v = to_u16(hsum_float(in + (size_t)(first[i] - origin) * ch,
                                            w + (size_t)i * (size_t)wstride, taps, channels));
        uint16_t *o = out + (size_t)i * ch;
        if (ch == 4 || i + 1 < count) {
            _mm_storel_epi64((__m128i *)o, v);
        } else {
            const int32_t two = _mm_cvtsi128_si32(v);
            memcpy(o, &two, 4);
            o[2] = (uint16_t)_mm_extract_epi16(v, 2);
        }
    }
}

void zp_resize_fill_sse4(void *table) {
    struct zp_resize_kernels *t = table;
    t->name = "sse4";
    t->vertical_u8 = vertical_u8_sse4;
    t->horizontal_u8 = horizontal_u8_sse4;
    t->vertical_u16 = vertical_u16_sse4;
    t->vertical_f32 = vertical_f32_sse4;
    t->horizontal_u16 = horizontal_u16_sse4;
    t->horizontal_f32 = horizontal_f32_sse4;
}
