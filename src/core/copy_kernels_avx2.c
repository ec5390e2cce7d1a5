/* copy_kernels_avx2.c: AVX2 overrides of the copy kernel family: 8 x 8
 * transposes of 3- and 4-byte pixels in ymm registers, 4 x 4 of 6- and
 * 8-byte pixels, and mirrored rows 32 bytes at a time (built with avx2
 * target flags on x86-64 only; see simd_internal.h). Other pixel sizes
 * keep the SSE4.1 kernels. Loads and stores touch exactly the pixels
 * asked for. */
#include <immintrin.h>
#include "core/copy_kernels_tiles.h"

#define LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define LOAD8(p) _mm_loadl_epi64((const __m128i *)(const void *)(p))
#define STORE(p, v) _mm_storeu_si128((__m128i *)(void *)(p), (v))
#define STORE8(p, v) _mm_storel_epi64((__m128i *)(void *)(p), (v))
#define LOAD32(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define STORE32(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), (v))

/* The SSE4.1 entries this level starts from, kept for the sizes it does
 * not handle itself (copied by the fill, which runs once, under the
 * builder's lock, before any kernel of this level can be called). */
static struct zp_copy_kernels below;

/* ---- Transpose ------------------------------------------------------------------ */

/* 8 x 8 dwords, one row per register, in place. */
static inline void transpose8x8_epi32(__m256i r[8]) {
    __m256i t[8], u[8];
    for (int i = 0; i < 4; i++) {
        t[2 * i] = _mm256_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
    }
    for (int h = 0; h < 2; h++) { /* rows 4h..4h+3: columns j, j+4 per register */
        u[4 * h + 0] = _mm256_unpacklo_epi64(t[4 * h], t[4 * h + 2]);
        u[4 * h + 1] = _mm256_unpackhi_epi64(t[4 * h], t[4 * h + 2]);
        u[4 * h + 2] = _mm256_unpacklo_epi64(t[4 * h + 1], t[4 * h + 3]);
        u[4 * h + 3] = _mm256_unpackhi_epi64(t[4 * h + 1], t[4 * h + 3]);
    }
    for (int j = 0; j < 4; j++) {
        r[j] = _mm256_permute2x128_si256(u[j], u[j + 4], 0x20);
        r[j + 4] = _mm256_permute2x128_si256(u[j], u[j + 4], 0x31);
    }
}

/* 3- and 6-byte pixels travel widened to 4 and 8 bytes: 24 bytes of a row
 * (16 + 8, so nothing past them is read) become one register, bytes 0..11
 * in the low lane and 12..23 in the high one, spread by `widen`; `narrow`
 * packs each lane back to 12 bytes, stored as 24. */
static inline __m256i load24_widened(const char *s, __m256i widen) {
    __m128i lo = LOAD(s), hi = LOAD8(s + 16);
    return _mm256_shuffle_epi8(_mm256_set_m128i(_mm_alignr_epi8(hi, lo, 12), lo), widen);
}

static inline void store24_narrowed(char *d, __m256i v, __m256i narrow) {
    __m256i n = _mm256_shuffle_epi8(v, narrow);
    __m128i a = _mm256_castsi256_si128(n), b = _mm256_extracti128_si256(n, 1);
    STORE(d, _mm_or_si128(a, _mm_slli_si128(b, 12)));
    STORE8(d + 16, _mm_srli_si128(b, 4));
}

static void tile4(const char *src, ptrdiff_t ss, char *dst, ptrdiff_t ds) {
    __m256i r[8];
    for (int k = 0; k < 8; k++) r[k] = LOAD32(src + k * ss);
    transpose8x8_epi32(r);
    for (int k = 0; k < 8; k++) STORE32(dst + k * ds, r[k]);
}

/* 3-byte pixels: a row of 8 (24 bytes) widened to 8 dwords, transposed,
 * narrowed back. */
static void tile3(const char *src, ptrdiff_t ss, char *dst, ptrdiff_t ds) {
    const __m256i widen = _mm256_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1,
                                           0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
    const __m256i narrow = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,
                                            0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    __m256i r[8];
    for (int k = 0; k < 8; k++) r[k] = load24_widened(src + k * ss, widen);
    transpose8x8_epi32(r);
    for (int k = 0; k < 8; k++) store24_narrowed(dst + k * ds, r[k], narrow);
}

/* 4 x 4 qwords, one row per register, in place. */
static inline void transpose4x4_epi64(__m256i r[4]) {
    __m256i t0 = _mm256_unpacklo_epi64(r[0], r[1]), t1 = _mm256_unpackhi_epi64(r[0], r[1]);
    __m256i t2 = _mm256_unpacklo_epi64(r[2], r[3]), t3 = _mm256_unpackhi_epi64(r[2], r[3]);
    r[0] = _mm256_permute2x128_si256(t0, t2, 0x20);
    r[1] = _mm256_permute2x128_si256(t1, t3, 0x20);
    r[2] = _mm256_permute2x128_si256(t0, t2, 0x31);
    r[3] = _mm256_permute2x128_si256(t1, t3, 0x31);
}

static void tile8(const char *src, ptrdiff_t ss, char *dst, ptrdiff_t ds) {
    __m256i r[4];
    for (int k = 0; k < 4; k++) r[k] = LOAD32(src + k * ss);
    transpose4x4_epi64(r);
    for (int k = 0; k < 4; k++) STORE32(dst + k * ds, r[k]);
}

/* 6-byte pixels: a row of 4 (24 bytes) widened to 4 qwords. */
static void tile6(const char *src, ptrdiff_t ss, char *dst, ptrdiff_t ds) {
    const __m256i widen = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, -1, -1, 6, 7, 8, 9, 10, 11, -1, -1,
                                           0, 1, 2, 3, 4, 5, -1, -1, 6, 7, 8, 9, 10, 11, -1, -1);
    const __m256i narrow = _mm256_setr_epi8(0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, -1, -1, -1, -1,
                                            0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, -1, -1, -1, -1);
    __m256i r[4];
    for (int k = 0; k < 4; k++) r[k] = load24_widened(src + k * ss, widen);
    transpose4x4_epi64(r);
    for (int k = 0; k < 4; k++) store24_narrowed(dst + k * ds, r[k], narrow);
}

static void transpose_avx2(const char *src, ptrdiff_t src_stride, int32_t rows, int32_t cols,
                           size_t pixel, char *dst, ptrdiff_t dst_stride) {
    switch (pixel) {
    case 3: zp__copy_transpose_tiled(src, src_stride, rows, cols, 3, dst, dst_stride, 8, tile3); return;
    case 4: zp__copy_transpose_tiled(src, src_stride, rows, cols, 4, dst, dst_stride, 8, tile4); return;
    case 6: zp__copy_transpose_tiled(src, src_stride, rows, cols, 6, dst, dst_stride, 4, tile6); return;
    case 8: zp__copy_transpose_tiled(src, src_stride, rows, cols, 8, dst, dst_stride, 4, tile8); return;
    default: below.transpose(src, src_stride, rows, cols, pixel, dst, dst_stride); return;
    }
}

/* ---- Reverse -------------------------------------------------------------------- */

/* Powers of two: reverse the pixels inside each 128-bit lane, then swap
 * the lanes (vpermq); 32 / pixel pixels a step. Shuffles made by the fill. */
static char reverse_masks[9][32];

static void make_reverse_masks(void) {
    for (int p = 1; p <= 8; p *= 2)
        for (int j = 0; j < 32; j++) reverse_masks[p][j] = (char)((15 - j % 16) / p * p + j % p);
}

static void reverse_avx2(const char *src, int32_t n, size_t pixel, char *dst) {
    if (pixel != 1 && pixel != 2 && pixel != 4 && pixel != 8) {
        below.reverse(src, n, pixel, dst);
        return;
    }
    const ptrdiff_t p = (ptrdiff_t)pixel;
    const int32_t m = (int32_t)(32 / p);
    const __m256i shuffle = LOAD32(reverse_masks[pixel]);
    int32_t i = 0;
    for (; n - i >= m; i += m) {
        __m256i v = _mm256_shuffle_epi8(LOAD32(src + (n - i - m) * p), shuffle);
        STORE32(dst + i * p, _mm256_permute4x64_epi64(v, 0x4e));
    }
    below.reverse(src, n - i, pixel, dst + i * p);
}

void zp_copy_fill_avx2(void *table) {
    struct zp_copy_kernels *t = table;
    below = *t;
    make_reverse_masks();
    t->transpose = transpose_avx2;
    t->reverse = reverse_avx2;
}
