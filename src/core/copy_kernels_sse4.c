/* copy_kernels_sse4.c: SSSE3 / SSE4.1 overrides of the copy kernel family:
 * tiled transposes built from unpacks, mirrored rows from pshufb (built
 * with sse4 target flags on x86-64 only; see simd_internal.h). Pixels of
 * 3 and 6 bytes are widened to 4 and 8 on load and narrowed on store;
 * 12- and 16-byte pixels are whole 16-byte moves, which the C reference
 * already makes. Loads and stores touch exactly the pixels asked for. */
#include <immintrin.h>
#include "core/copy_kernels_tiles.h"

#define LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define LOAD8(p) _mm_loadl_epi64((const __m128i *)(const void *)(p))
#define STORE(p, v) _mm_storeu_si128((__m128i *)(void *)(p), (v))
#define STORE8(p, v) _mm_storel_epi64((__m128i *)(void *)(p), (v))

/* ---- Transpose ------------------------------------------------------------------ */

/* 16 x 16 bytes: four rounds of unpacks, the element doubling each round.
 * Rows enter in bit-reversed order so that columns leave in order. */
static void tile1(const char *src, ptrdiff_t ss, char *dst, ptrdiff_t ds) {
    static const int bitrev[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
    __m128i a[16], b[16];
    for (int k = 0; k < 16; k++) a[k] = LOAD(src + bitrev[k] * ss);
    for (int i = 0; i < 8; i++) {
        b[2 * i] = _mm_unpacklo_epi8(a[i], a[i + 8]);
        b[2 * i + 1] = _mm_unpackhi_epi8(a[i], a[i + 8]);
    }
    for (int i = 0; i < 8; i++) {
        a[2 * i] = _mm_unpacklo_epi16(b[i], b[i + 8]);
        a[2 * i + 1] = _mm_unpackhi_epi16(b[i], b[i + 8]);
    }
    for (int i = 0; i < 8; i++) {
        b[2 * i] = _mm_unpacklo_epi32(a[i], a[i + 8]);
        b[2 * i + 1] = _mm_unpackhi_epi32(a[i], a[i + 8]);
    }
    for (int i = 0; i < 8; i++) {
        a[2 * i] = _mm_unpacklo_epi64(b[i], b[i + 8]);
        a[2 * i + 1] = _mm_unpackhi_epi64(b[i], b[i + 8]);
    }
    for (int k = 0; k < 16; k++) STORE(dst + k * ds, a[k]);
}

/* 8 x 8 pixels of 2 bytes. */
static void tile2(const char *src, ptrdiff_t ss, char *dst, ptrdiff_t ds) {
    __m128i r[8], a[8], b[8];
    for (int k = 0; k < 8; k++) r[k] = LOAD(src + k * ss);
    for (int i = 0; i < 4; i++) {
        a[2 * i] = _mm_unpacklo_epi16(r[2 * i], r[2 * i + 1]);
        a[2 * i + 1] = _mm_unpackhi_epi16(r[2 * i], r[2 * i + 1]);
    }
    for (int h = 0; h < 2; h++) /* rows 4h..4h+3 */
        for (int j = 0; j < 2; j++) {
            b[4 * h + 2 * j] = _mm_unpacklo_epi32(a[4 * h + j], a[4 * h + j + 2]);
            b[4 * h + 2 * j + 1] = _mm_unpackhi_epi32(a[4 * h + j], a[4 * h + j + 2]);
        }
    for (int c = 0; c < 4; c++) {
        STORE(dst + (2 * c) * ds, _mm_unpacklo_epi64(b[c], b[c + 4]));
        STORE(dst + (2 * c + 1) * ds, _mm_unpackhi_epi64(b[c], b[c + 4]));
    }
}

/* 4 x 4 dwords in place. */
static inline void transpose4x4_epi32(__m128i *r0, __m128i *r1, __m128i *r2, __m128i *r3) {
    __m128i t0 = _mm_unpacklo_epi32(*r0, *r1), t1 = _mm_unpacklo_epi32(*r2, *r3);
    __m128i t2 = _mm_unpackhi_epi32(*r0, *r1), t3 = _mm_unpackhi_epi32(*r2, *r3);
    *r0 = _mm_unpacklo_epi64(t0, t1);
    *r1 = _mm_unpackhi_epi64(t0, t1);
    *r2 = _mm_unpacklo_epi64(t2, t3);
    *r3 = _mm_unpackhi_epi64(t2, t3);
}

/* 8 x 8 dwords: in[r][h] holds pixels 4h..4h+3 of row r; on return
 * in[c][h] holds rows 4h..4h+3 of column c. */
static inline void transpose8x8_epi32(__m128i in[8][2]) {
    for (int hr = 0; hr < 2; hr++)
        for (int hc = 0; hc < 2; hc++)
            transpose4x4_epi32(&in[4 * hr][hc], &in[4 * hr + 1][hc], &in[4 * hr + 2][hc],
                               &in[4 * hr + 3][hc]);
    for (int k = 0; k < 4; k++) { /* swap the off-diagonal 4 x 4 blocks */
        __m128i t = in[k][1];
        in[k][1] = in[4 + k][0];
        in[4 + k][0] = t;
    }
}

static void tile4(const char *src, ptrdiff_t ss, char *dst, ptrdiff_t ds) {
    __m128i m[8][2];
    for (int r = 0; r < 8; r++) {
        m[r][0] = LOAD(src + r * ss);
        m[r][1] = LOAD(src + r * ss + 16);
    }
    transpose8x8_epi32(m);
    for (int c = 0; c < 8; c++) {
        STORE(dst + c * ds, m[c][0]);
        STORE(dst + c * ds + 16, m[c][1]);
    }
}

/* 3-byte pixels: widened to dwords (a zero byte each), transposed, narrowed. */
static void tile3(const char *src, ptrdiff_t ss, char *dst, ptrdiff_t ds) {
    const __m128i widen = _mm_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
    const __m128i narrow = _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
    __m128i m[8][2];
    for (int r = 0; r < 8; r++) { /* 24 bytes: 16 + 8 */
        __m128i lo = LOAD(src + r * ss), hi = LOAD8(src + r * ss + 16);
        m[r][0] = _mm_shuffle_epi8(lo, widen);
        m[r][1] = _mm_shuffle_epi8(_mm_alignr_epi8(hi, lo, 12), widen);
    }
    transpose8x8_epi32(m);
    for (int c = 0; c < 8; c++) {
        __m128i a = _mm_shuffle_epi8(m[c][0], narrow), b = _mm_shuffle_epi8(m[c][1], narrow);
        STORE(dst + c * ds, _mm_or_si128(a, _mm_slli_si128(b, 12)));
        STORE8(dst + c * ds + 16, _mm_srli_si128(b, 4));
    }
}

/* 8 x 8 qwords: in[r][q] holds pixels 2q, 2q+1 of row r; out[c][h] gets
 * rows 2h, 2h+1 of column c. */
static inline void transpose8x8_epi64(__m128i in[8][4], __m128i out[8][4]) {
    for (int c = 0; c < 8; c++)
        for (int h = 0; h < 4; h++)
            out[c][h] = c & 1 ? _mm_unpackhi_epi64(in[2 * h][c / 2], in[2 * h + 1][c / 2])
                              : _mm_unpacklo_epi64(in[2 * h][c / 2], in[2 * h + 1][c / 2]);
}

static void tile8(const char *src, ptrdiff_t ss, char *dst, ptrdiff_t ds) {
    __m128i in[8][4], out[8][4];
    for (int r = 0; r < 8; r++)
        for (int q = 0; q < 4; q++) in[r][q] = LOAD(src + r * ss + 16 * q);
    transpose8x8_epi64(in, out);
    for (int c = 0; c < 8; c++)
        for (int h = 0; h < 4; h++) STORE(dst + c * ds + 16 * h, out[c][h]);
}

/* 6-byte pixels: widened to qwords, transposed, narrowed. */
static void tile6(const char *src, ptrdiff_t ss, char *dst, ptrdiff_t ds) {
    const __m128i widen = _mm_setr_epi8(0, 1, 2, 3, 4, 5, -1, -1, 6, 7, 8, 9, 10, 11, -1, -1);
    const __m128i narrow = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, -1, -1, -1, -1);
    __m128i in[8][4], out[8][4];
    for (int r = 0; r < 8; r++) { /* 48 bytes, pixels 2q, 2q+1 at byte 12q */
        const char *s = src + r * ss;
        __m128i l0 = LOAD(s), l1 = LOAD(s + 16), l2 = LOAD(s + 32);
        in[r][0] = _mm_shuffle_epi8(l0, widen);
        in[r][1] = _mm_shuffle_epi8(_mm_alignr_epi8(l1, l0, 12), widen);
        in[r][2] = _mm_shuffle_epi8(_mm_alignr_epi8(l2, l1, 8), widen);
        in[r][3] = _mm_shuffle_epi8(_mm_srli_si128(l2, 4), widen);
    }
    transpose8x8_epi64(in, out);
    for (int c = 0; c < 8; c++) {
        __m128i p0 = _mm_shuffle_epi8(out[c][0], narrow), p1 = _mm_shuffle_epi8(out[c][1], narrow);
        __m128i p2 = _mm_shuffle_epi8(out[c][2], narrow), p3 = _mm_shuffle_epi8(out[c][3], narrow);
        char *d = dst + c * ds;
        STORE(d, _mm_or_si128(p0, _mm_slli_si128(p1, 12)));
        STORE(d + 16, _mm_or_si128(_mm_srli_si128(p1, 4), _mm_slli_si128(p2, 8)));
        STORE(d + 32, _mm_or_si128(_mm_srli_si128(p2, 8), _mm_slli_si128(p3, 4)));
    }
}

static void transpose_sse4(const char *src, ptrdiff_t src_stride, int32_t rows, int32_t cols,
                           size_t pixel, char *dst, ptrdiff_t dst_stride) {
    zp__copy_tile fn = NULL;
    int32_t tile = 8;
    switch (pixel) {
    case 1: fn = tile1, tile = 16; break;
    case 2: fn = tile2; break;
    case 3: fn = tile3; break;
    case 4: fn = tile4; break;
    case 6: fn = tile6; break;
    case 8: fn = tile8; break;
    default:
        zp_copy_kernels_c()->transpose(src, src_stride, rows, cols, pixel, dst, dst_stride);
        return;
    }
    zp__copy_transpose_tiled(src, src_stride, rows, cols, pixel, dst, dst_stride, tile, fn);
}

/* ---- Reverse -------------------------------------------------------------------- */

/* Mirror a row 16 / pixel pixels at a time: load the 16 bytes that end
 * where the chunk ends, put its pixels in reverse order at the bottom of
 * the register, store 16 bytes (the bytes past the chunk belong to the
 * next chunk or to the C tail, which rewrite them). The shuffles, per
 * pixel size, are made once by the fill. */
static char reverse_masks[9][16];

static void make_reverse_masks(void) {
    for (int p = 1; p <= 8; p++) {
        const int m = 16 / p, lead = 16 - m * p;
        for (int j = 0; j < 16; j++)
            reverse_masks[p][j] = (char)(j < m * p ? lead + (m - 1 - j / p) * p + j % p : -1);
    }
}

static void reverse_sse4(const char *src, int32_t n, size_t pixel, char *dst) {
    if (pixel > 8 || pixel == 5 || pixel == 7) {
        zp_copy_kernels_c()->reverse(src, n, pixel, dst);
        return;
    }
    const ptrdiff_t p = (ptrdiff_t)pixel, m = 16 / p;
    const __m128i shuffle = LOAD(reverse_masks[pixel]);
    int32_t i = 0;
    for (; (n - i) * p >= 16; i += (int32_t)m)
        STORE(dst + i * p, _mm_shuffle_epi8(LOAD(src + (n - i) * p - 16), shuffle));
    zp_copy_kernels_c()->reverse(src, n - i, pixel, dst + i * p);
}

void zp_copy_fill_sse4(void *table) {
    struct zp_copy_kernels *t = table;
    make_reverse_masks();
    t->transpose = transpose_sse4;
    t->reverse = reverse_sse4;
}
