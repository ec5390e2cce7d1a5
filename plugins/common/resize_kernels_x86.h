/* resize_kernels_x86.h: the parts of the u8 resize kernels that the x86
 * levels share: the 16-sample vertical step and scalar tail, the 128-bit
 * and (with AVX2) 256-bit horizontal steps, the 4-pixel stores and the
 * horizontal driver each level instantiates with its widest steps.
 * Included only by resize_kernels_{sse4,avx2,avx512}.c, so each copy is
 * compiled with that file's target flags; everything here is static inline.
 *
 * The arithmetic is the plain C one of resize_kernels.c, integer for
 * integer, so the results are the same bits:
 *   vertical:   (2^(S-1) + sum_t w[t] * row_t[i]) >> S,  S = WEIGHT - MID bits
 *   horizontal: clamp((2^(H-1) + sum_t w[t] * mid[...]) >> H, 0, 255), H = WEIGHT + MID
 * Integer sums do not depend on their order, so taps are taken two at a
 * time with pmaddwd on interleaved (tap t, tap t+1) pairs; every partial sum
 * fits in int32 by the bounds in resize_kernels.h. Zero weights (the
 * padding up to wstride, or the missing partner of an odd last tap) meet
 * either real samples or the intermediate row's padding, and add 0. */
#ifndef ZEROPIX_PLUGINS_RESIZE_KERNELS_X86_H
#define ZEROPIX_PLUGINS_RESIZE_KERNELS_X86_H

#include <immintrin.h>
#include <string.h>
#include "resize_kernels.h"

#define X86_INLINE static inline __attribute__((always_inline))

enum {
    V_SHIFT = ZP_RESIZE_WEIGHT_BITS - ZP_RESIZE_MID_BITS,
    H_SHIFT = ZP_RESIZE_WEIGHT_BITS + ZP_RESIZE_MID_BITS
};

/* Two int16 weights as the int32 that pmaddwd multiplies with an
 * (even, odd) pair of int16 samples. */
X86_INLINE int32_t pair16(int16_t even, int16_t odd) {
    return (int32_t)((uint32_t)(uint16_t)even | (uint32_t)(uint16_t)odd << 16);
}

X86_INLINE int32_t load_i32(const void *p) {
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* ---- Vertical ------------------------------------------------------------------
 * Samples i0..n-1 one at a time, exactly as the C kernel. */
X86_INLINE void vertical_u8_scalar(const uint8_t *const *rows, const int16_t *w, int32_t taps,
                                   int16_t *out, size_t i0, size_t n) {
    for (size_t i = i0; i < n; i++) {
        int32_t acc = 1 << (V_SHIFT - 1);
        for (int32_t t = 0; t < taps; t++) acc += w[t] * rows[t][i];
        out[i] = (int16_t)(acc >> V_SHIFT);
    }
}

/* 16 samples from i: each pair of rows is interleaved byte by byte, then
 * widened to (row t, row t+1) int16 pairs for pmaddwd. */
X86_INLINE void vertical_u8_16(const uint8_t *const *rows, const int16_t *w, int32_t taps,
                               int16_t *out, size_t i) {
    const __m128i zero = _mm_setzero_si128();
    __m128i a0 = _mm_set1_epi32(1 << (V_SHIFT - 1)), a1 = a0, a2 = a0, a3 = a0;
    for (int32_t t = 0; t < taps; t += 2) {
        const int odd = t + 1 == taps; /* last tap alone: partner row of zeros */
        const __m128i wp = _mm_set1_epi32(pair16(w[t], odd ? 0 : w[t + 1]));
        const __m128i x = _mm_loadu_si128((const __m128i *)(rows[t] + i));
        const __m128i y = odd ? zero : _mm_loadu_si128((const __m128i *)(rows[t + 1] + i));
        const __m128i lo = _mm_unpacklo_epi8(x, y), hi = _mm_unpackhi_epi8(x, y);
        a0 = _mm_add_epi32(a0, _mm_madd_epi16(_mm_unpacklo_epi8(lo, zero), wp));
        a1 = _mm_add_epi32(a1, _mm_madd_epi16(_mm_unpackhi_epi8(lo, zero), wp));
        a2 = _mm_add_epi32(a2, _mm_madd_epi16(_mm_unpacklo_epi8(hi, zero), wp));
        a3 = _mm_add_epi32(a3, _mm_madd_epi16(_mm_unpackhi_epi8(hi, zero), wp));
    }
    /* |sum >> V_SHIFT| < 2^15 (resize_kernels.h): packs does not saturate */
    _mm_storeu_si128((__m128i *)(out + i), _mm_packs_epi32(_mm_srai_epi32(a0, V_SHIFT),
                                                           _mm_srai_epi32(a1, V_SHIFT)));
    _mm_storeu_si128((__m128i *)(out + i + 8), _mm_packs_epi32(_mm_srai_epi32(a2, V_SHIFT),
                                                               _mm_srai_epi32(a3, V_SHIFT)));
}

/* ---- Horizontal: one step of taps in 128 bits ---------------------------------
 * A pixel's sums are four int32 partial sums whose meaning depends on the
 * channel count (the finish functions below know it):
 *   1 channel:  four partial sums of the one channel;
 *   2 channels: x, y, x, y;
 *   3 channels: c0, c1, c2, 0;   4 channels: c0, c1, c2, c3.
 * A step adds G taps (8, 4, 2, 2 for 1..4 channels; at wider levels G is
 * 8 or 4, always dividing ZP_RESIZE_TAP_ALIGN): p and w point at the
 * step's first tap in the intermediate row and the weight row. A pixel
 * takes ceil(taps / G) steps; the last may run past `taps` into zero
 * weights (wstride) and the row's padding. */

/* 1 channel: 8 taps. */
X86_INLINE __m128i step_c1_128(__m128i acc, const int16_t *p, const int16_t *w) {
    return _mm_add_epi32(acc, _mm_madd_epi16(_mm_loadu_si128((const __m128i *)p),
                                             _mm_loadu_si128((const __m128i *)w)));
}

/* 2 channels: 4 taps, samples reordered to x0 x1 y0 y1 x2 x3 y2 y3. */
X86_INLINE __m128i shuffle_c2_128(void) {
    return _mm_setr_epi8(0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15);
}
X86_INLINE __m128i step_c2_128(__m128i acc, const int16_t *p, const int16_t *w) {
    const __m128i d = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), shuffle_c2_128());
    const __m128i wp = _mm_shuffle_epi32(_mm_loadl_epi64((const __m128i *)w),
                                         _MM_SHUFFLE(1, 1, 0, 0));
    return _mm_add_epi32(acc, _mm_madd_epi16(d, wp));
}

/* 3 channels: 2 taps, a0 b0 a1 b1 a2 b2 0 0 (the load reads two samples past
 * the pair: the next pixel, or the row's padding). */
X86_INLINE __m128i shuffle_c3_128(void) {
    return _mm_setr_epi8(0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11, -1, -1, -1, -1);
}
X86_INLINE __m128i step_c3_128(__m128i acc, const int16_t *p, const int16_t *w) {
    const __m128i d = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), shuffle_c3_128());
    return _mm_add_epi32(acc, _mm_madd_epi16(d, _mm_set1_epi32(load_i32(w))));
}

/* 4 channels: 2 taps, a0 b0 a1 b1 a2 b2 a3 b3. */
X86_INLINE __m128i shuffle_c4_128(void) {
    return _mm_setr_epi8(0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15);
}
X86_INLINE __m128i step_c4_128(__m128i acc, const int16_t *p, const int16_t *w) {
    const __m128i d = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), shuffle_c4_128());
    return _mm_add_epi32(acc, _mm_madd_epi16(d, _mm_set1_epi32(load_i32(w))));
}

/* A pixel's sums with 128-bit steps (G = 8 / 4 / 2 / 2 taps). */
X86_INLINE __m128i hsum_128(int32_t ch, int32_t taps, const int16_t *p, const int16_t *w,
                            int32_t steps) {
    (void)taps; /* the same step whatever the tap count */
    __m128i acc = _mm_setzero_si128();
    for (int32_t s = 0; s < steps; s++)
        switch (ch) {
        case 1: acc = step_c1_128(acc, p + 8 * s, w + 8 * s); break;
        case 2: acc = step_c2_128(acc, p + 8 * s, w + 4 * s); break;
        case 3: acc = step_c3_128(acc, p + 6 * s, w + 2 * s); break;
        default: acc = step_c4_128(acc, p + 8 * s, w + 2 * s); break;
        }
    return acc;
}
#define GROUP_128(ch) ((ch) == 1 ? 8 : (ch) == 2 ? 4 : 2)
#define GROUP_128_T(ch, taps) GROUP_128(ch)

#if defined(__AVX2__)
/* ---- Horizontal: 256-bit steps (the AVX2 and AVX-512 files) -----------------
 * Each 128-bit lane does what a 128-bit step does, the high lane on the
 * next group of taps, and the lanes are added at the end: 8 taps per step
 * for 2 channels, 4 for 3 and 4. 1 channel keeps the 8-tap 128-bit step (a
 * 16-tap step could run past wstride). */

X86_INLINE __m128i fold256(__m256i v) {
    return _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}

/* Weight pairs (w[2j], w[2j+1]) spread over the lanes as idx says, from the
 * 8 weights at w or from the 4 at w (all that a 4-tap step may read). */
X86_INLINE __m256i weight_pairs8(const int16_t *w, __m256i idx) {
    return _mm256_permutevar8x32_epi32(
        _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)w)), idx);
}
X86_INLINE __m256i weight_pairs4(const int16_t *w, __m256i idx) {
    return _mm256_permutevar8x32_epi32(
        _mm256_castsi128_si256(_mm_loadl_epi64((const __m128i *)w)), idx);
}

/* 2 channels, 8 taps. */
X86_INLINE __m256i step_c2_256(__m256i acc, const int16_t *p, const int16_t *w) {
    const __m256i d = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)p),
                                          _mm256_broadcastsi128_si256(shuffle_c2_128()));
    const __m256i wp = weight_pairs8(w, _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(d, wp));
}

/* 3 channels, 4 taps: the high lane loads from tap 2, 6 samples on. */
X86_INLINE __m256i step_c3_256(__m256i acc, const int16_t *p, const int16_t *w) {
    const __m256i d = _mm256_shuffle_epi8(
        _mm256_loadu2_m128i((const __m128i *)(p + 6), (const __m128i *)p),
        _mm256_broadcastsi128_si256(shuffle_c3_128()));
    const __m256i wp = weight_pairs4(w, _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(d, wp));
}

/* 4 channels, 4 taps. */
X86_INLINE __m256i step_c4_256(__m256i acc, const int16_t *p, const int16_t *w) {
    const __m256i d = _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)p),
                                          _mm256_broadcastsi128_si256(shuffle_c4_128()));
    const __m256i wp = weight_pairs4(w, _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(d, wp));
}

/* A pixel's sums with 256-bit steps, or with 128-bit ones when one of
 * those covers every tap (enlarging with few taps, nearest). */
X86_INLINE __m128i hsum_256(int32_t ch, int32_t taps, const int16_t *p, const int16_t *w,
                            int32_t steps) {
    if (ch == 1 || taps <= GROUP_128(ch)) return hsum_128(ch, taps, p, w, steps);
    __m256i acc = _mm256_setzero_si256();
    for (int32_t s = 0; s < steps; s++)
        switch (ch) {
        case 2: acc = step_c2_256(acc, p + 16 * s, w + 8 * s); break;
        case 3: acc = step_c3_256(acc, p + 12 * s, w + 4 * s); break;
        default: acc = step_c4_256(acc, p + 16 * s, w + 4 * s); break;
        }
    return fold256(acc);
}
#define GROUP_256(ch) ((ch) <= 2 ? 8 : 4)
#define GROUP_256_T(ch, taps) ((taps) <= GROUP_128(ch) ? GROUP_128(ch) : GROUP_256(ch))
#endif

/* ---- Horizontal: from partial sums to bytes ---------------------------------- */

X86_INLINE __m128i round_shift(__m128i v) {
    return _mm_srai_epi32(_mm_add_epi32(v, _mm_set1_epi32(1 << (H_SHIFT - 1))), H_SHIFT);
}

/* Four pixels' sums a, b, c, d to 4 * ch bytes at out. `room` says that 16
 * bytes may be written (the pixels after these four are written later). */
X86_INLINE void finish4(int32_t ch, __m128i a, __m128i b, __m128i c, __m128i d, uint8_t *out,
                        int room) {
    __m128i bytes;
    switch (ch) {
    case 1: {
        const __m128i s = round_shift(_mm_hadd_epi32(_mm_hadd_epi32(a, b), _mm_hadd_epi32(c, d)));
        const __m128i v = _mm_packus_epi16(_mm_packs_epi32(s, s), s);
        const int32_t four = _mm_cvtsi128_si32(v);
        memcpy(out, &four, 4);
        return;
    }
    case 2: {
        const __m128i ab = _mm_add_epi32(_mm_unpacklo_epi64(a, b), _mm_unpackhi_epi64(a, b));
        const __m128i cd = _mm_add_epi32(_mm_unpacklo_epi64(c, d), _mm_unpackhi_epi64(c, d));
        const __m128i v = _mm_packs_epi32(round_shift(ab), round_shift(cd));
        _mm_storel_epi64((__m128i *)out, _mm_packus_epi16(v, v));
        return;
    }
    default:
        bytes = _mm_packus_epi16(_mm_packs_epi32(round_shift(a), round_shift(b)),
                                 _mm_packs_epi32(round_shift(c), round_shift(d)));
        break;
    }
    if (ch == 4) {
        _mm_storeu_si128((__m128i *)out, bytes);
        return;
    }
    bytes = _mm_shuffle_epi8(bytes, _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1,
                                                  -1, -1, -1));
    if (room) {
        _mm_storeu_si128((__m128i *)out, bytes);
    } else {
        _mm_storel_epi64((__m128i *)out, bytes);
        const int32_t last = _mm_extract_epi32(bytes, 2);
        memcpy(out + 8, &last, 4);
    }
}

/* One pixel's sums to ch bytes at out. */
X86_INLINE void finish1(int32_t ch, __m128i a, uint8_t *out) {
    if (ch == 1) {
        a = _mm_hadd_epi32(a, a);
        a = _mm_hadd_epi32(a, a);
    } else if (ch == 2) {
        a = _mm_add_epi32(a, _mm_unpackhi_epi64(a, a));
    }
    const __m128i s = round_shift(a);
    const int32_t v = _mm_cvtsi128_si32(_mm_packus_epi16(_mm_packs_epi32(s, s), s));
    memcpy(out, &v, (size_t)ch);
}

/* The horizontal driver: HSUM(ch, taps, p, w, steps) gives a pixel's
 * partial sums in `steps` = ceil(taps / GROUP(ch, taps)) steps; four pixels
 * go out together, the last count % 4 one by one. The channel count is a
 * constant in each instantiation, and so is the step count for 1 and 2
 * steps (the usual cases: enlarging, and shrinking a little), so that
 * those loops unroll. */
#define HSUM_AT(CH, HSUM, k, STEPS)                                                           \
    HSUM(CH, taps, in + (size_t)(first[k] - origin) * (CH), w + (size_t)(k) * ws, STEPS)
#define HORIZONTAL_U8_PIXELS(CH, HSUM, STEPS)                                                 \
    do {                                                                                      \
        const size_t ws = (size_t)wstride;                                                    \
        int32_t i = 0;                                                                        \
        for (; i + 4 <= count; i += 4) {                                                      \
            const __m128i a = HSUM_AT(CH, HSUM, i, STEPS);                                    \
            const __m128i b = HSUM_AT(CH, HSUM, i + 1, STEPS);                                \
            const __m128i c = HSUM_AT(CH, HSUM, i + 2, STEPS);                                \
            const __m128i d = HSUM_AT(CH, HSUM, i + 3, STEPS);                                \
            finish4(CH, a, b, c, d, out + (size_t)i * (CH), count - i >= 6);                  \
        }                                                                                     \
        for (; i < count; i++)                                                                \
            finish1(CH, HSUM_AT(CH, HSUM, i, STEPS), out + (size_t)i * (CH));                 \
    } while (0)

#define HORIZONTAL_U8_LOOP(CH, HSUM, GROUP)                                                   \
    do {                                                                                      \
        const int32_t group = GROUP(CH, taps), steps = (taps + group - 1) / group;            \
        if (steps == 1) HORIZONTAL_U8_PIXELS(CH, HSUM, 1);                                    \
        else if (steps == 2) HORIZONTAL_U8_PIXELS(CH, HSUM, 2);                               \
        else HORIZONTAL_U8_PIXELS(CH, HSUM, steps);                                           \
    } while (0)

#define DEFINE_HORIZONTAL_U8(name, HSUM, GROUP)                                               \
    static void name(const int16_t *in, int32_t origin, const int32_t *first,                 \
                     const int16_t *w, int32_t taps, int32_t wstride, int32_t channels,       \
                     uint8_t *out, int32_t count) {                                           \
        switch (channels) {                                                                   \
        case 1: HORIZONTAL_U8_LOOP(1, HSUM, GROUP); break;                                    \
        case 2: HORIZONTAL_U8_LOOP(2, HSUM, GROUP); break;                                    \
        case 3: HORIZONTAL_U8_LOOP(3, HSUM, GROUP); break;                                    \
        default: HORIZONTAL_U8_LOOP(4, HSUM, GROUP); break;                                   \
        }                                                                                     \
    }

#endif
