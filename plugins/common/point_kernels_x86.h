/* point_kernels_x86.h: what the x86 point kernels of every level share: the
 * alpha lane pattern, the plain C tails, and the 128-bit grayscale steps.
 * Included only by point_kernels_{sse4,avx2,avx512}.c, so each copy is
 * compiled with that file's target flags; everything here is static inline.
 *
 * Layout: a kernel runs over the flat array of pixels * channels samples in
 * whole vectors from sample 0. With alpha (2 or 4 channels) the channel
 * count divides every vector's sample count, so each vector starts on a
 * pixel and the alpha lanes sit at fixed positions: one constant mask per
 * vector keeps them. The samples after the last whole vector go through
 * the same expressions as the C kernels, one at a time. Each vector is
 * loaded before its store, and a store never reaches samples not yet
 * loaded, so dst == src works. */
#ifndef ZEROPIX_PLUGINS_POINT_KERNELS_X86_H
#define ZEROPIX_PLUGINS_POINT_KERNELS_X86_H

#include <immintrin.h>
#include <string.h>
#include "point_kernels.h"

#define X86_INLINE static inline __attribute__((always_inline))

/* Byte mask of the alpha samples in a 16-byte block: 0xFF on the bytes of
 * sample j when j % channels == channels - 1 (alpha set), else 0. */
X86_INLINE __m128i alpha_bytes(int channels, int alpha, size_t item) {
    unsigned char m[16];
    for (size_t b = 0; b < 16; b++)
        m[b] = alpha && (b / item) % (size_t)channels == (size_t)channels - 1 ? 0xFF : 0;
    __m128i v;
    memcpy(&v, m, 16);
    return v;
}

/* Is sample j of the flat array an alpha sample? */
X86_INLINE int is_alpha(size_t j, int channels, int alpha) {
    return alpha && j % (size_t)channels == (size_t)channels - 1;
}

/* The C kernels' per-sample expressions, for the tails. */
#define TAIL_LOOP(src, dst, i0, n, channels, alpha, OP)                                     \
    for (size_t j_ = (i0); j_ < (n); j_++) {                                                \
        const __typeof__((src)[0]) v = (src)[j_];                                           \
        (dst)[j_] = is_alpha(j_, channels, alpha) ? v : (OP);                               \
    }

/* One vector of W samples at a time from sample 0, then the C tail: x is the
 * vector LOAD gives (of type VT), VOP the one STORE writes, keeping the alpha
 * lanes through a mask from alpha_bytes. The level files name their widths. */
#define VEC_LOOP(VT, LOAD, STORE, W, src, dst, n, channels, alpha, VOP, OP)                   \
    do {                                                                                    \
        size_t i_ = 0;                                                                      \
        for (; i_ + (W) <= (n); i_ += (W)) {                                                \
            const VT x = LOAD((const void *)((src) + i_));                                  \
            STORE((void *)((dst) + i_), (VOP));                                             \
        }                                                                                   \
        TAIL_LOOP(src, dst, i_, n, channels, alpha, OP)                                     \
    } while (0)

/* ---- Grayscale ----------------------------------------------------------------
 * u8: y = (9798 r + 19235 g + 3735 b + 2^14) >> 15 as two pmaddwd: (r, g)
 * pairs with (9798, 19235) and (b, 1) pairs with (3735, 2^14). The shuffles
 * widen bytes to int16 in place (index -1 gives 0); the constant 1 is ORed
 * in. */

/* Shuffles of four pixels of 3 (alpha 0) or 4 (alpha 1) bytes at the start
 * of a register: (r, g) and (b, 0) as int16 pairs. */
X86_INLINE __m128i gray_rg_u8(int alpha) {
    return alpha ? _mm_setr_epi8(0, -1, 1, -1, 4, -1, 5, -1, 8, -1, 9, -1, 12, -1, 13, -1)
                 : _mm_setr_epi8(0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1);
}
X86_INLINE __m128i gray_b_u8(int alpha) {
    return alpha ? _mm_setr_epi8(2, -1, -1, -1, 6, -1, -1, -1, 10, -1, -1, -1, 14, -1, -1, -1)
                 : _mm_setr_epi8(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
}
#define GRAY_W_RG ((int32_t)(ZP_GRAY_Q15_R | ZP_GRAY_Q15_G << 16))
#define GRAY_W_B1 ((int32_t)(ZP_GRAY_Q15_B | 1u << 30)) /* (b, 1) x (3735, 2^14) */
#define GRAY_ONE (1 << 16)                              /* the 1 of (b, 1)        */

/* Four pixels at the start of v to four int32 luma values. */
X86_INLINE __m128i gray4_u8(__m128i v, int alpha) {
    const __m128i s = _mm_add_epi32(
        _mm_madd_epi16(_mm_shuffle_epi8(v, gray_rg_u8(alpha)), _mm_set1_epi32(GRAY_W_RG)),
        _mm_madd_epi16(_mm_or_si128(_mm_shuffle_epi8(v, gray_b_u8(alpha)),
                                    _mm_set1_epi32(GRAY_ONE)),
                       _mm_set1_epi32(GRAY_W_B1)));
    return _mm_srli_epi32(s, 15);
}

/* The pixels from p0 on, after the last whole step: the C kernels. */
X86_INLINE void gray_tail_u8(const uint8_t *src, uint8_t *dst, size_t p0, size_t pixels,
                             int alpha) {
    zp_point_kernels_c()->gray_u8(src + p0 * (alpha ? 4 : 3), dst + p0 * (alpha ? 2 : 1),
                                  pixels - p0, alpha);
}
X86_INLINE void gray_tail_u16(const uint16_t *src, uint16_t *dst, size_t p0, size_t pixels,
                              int alpha) {
    zp_point_kernels_c()->gray_u16(src + p0 * (alpha ? 4 : 3), dst + p0 * (alpha ? 2 : 1),
                                   pixels - p0, alpha);
}

/* u16: y = (19595 r + 38470 g + 7471 b + 2^15) >> 16 in 32-bit lanes (the
 * G weight does not fit a signed 16-bit multiply). Pixels 0 and 1 come from
 * v0, pixels 2 and 3 from v1 (each register starting on its first pixel);
 * the shuffles widen each channel to int32 lanes 0..3. */
X86_INLINE __m128i pick_u16(int k, int o, int high) { /* sample k of two pixels o bytes apart */
    const char a = (char)(2 * k), b = (char)(2 * k + 1), c = (char)(o + 2 * k),
               d = (char)(o + 2 * k + 1);
    return high ? _mm_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, a, b, -1, -1, c, d, -1, -1)
                : _mm_setr_epi8(a, b, -1, -1, c, d, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
}
X86_INLINE __m128i gray4_u16(__m128i v0, __m128i v1, int alpha) {
    const int o = alpha ? 8 : 6;
    __m128i s = _mm_set1_epi32(1 << 15);
    static const uint32_t w[3] = {ZP_GRAY_Q16_R, ZP_GRAY_Q16_G, ZP_GRAY_Q16_B};
    for (int k = 0; k < 3; k++) {
        const __m128i x = _mm_or_si128(_mm_shuffle_epi8(v0, pick_u16(k, o, 0)),
                                       _mm_shuffle_epi8(v1, pick_u16(k, o, 1)));
        s = _mm_add_epi32(s, _mm_mullo_epi32(x, _mm_set1_epi32((int32_t)w[k])));
    }
    return _mm_srli_epi32(s, 16); /* < 2^16: the sum fits 32 bits unsigned */
}

#endif
