/* conv_kernels_x86.h: what the x86 conv kernels of every level share: the
 * pointers to the level below and the hand-off to it, the zp_conv_terms
 * setup, the scalar tails, and the kernel shapes that differ between levels
 * only in vector width. Included only by conv_kernels_{sse4,avx2,avx512}.c,
 * so each copy is compiled with that file's target flags; everything here is
 * static.
 *
 * The level file defines, before including this header:
 *   VI, VN        its integer vector type and how many 32-bit lanes it has
 *                 (4, 8, 16); the integer tap kernels take 4 * VN samples
 *                 per iteration;
 *   vi_*          the integer primitives below (add, madd, unpack, ...);
 *   store_q6, store_q6_u8, store_i32
 *                 the stores of sum_terms' four vectors (whose sample order
 *                 within them is the level's unpack order);
 *   VF, vf_*      (optional, with CONV_X86_VF) its float vector primitives,
 *                 for SEP_V_F32;
 *   CONV_X86_BOX_V (optional) to take the box column sums of u8 from here,
 *                 with the vi_* they need;
 * and, after including it, box_h_level (declared here), the box horizontal
 * pass the shared box wrappers call. */
#ifndef ZEROPIX_PLUGINS_CONV_KERNELS_X86_H
#define ZEROPIX_PLUGINS_CONV_KERNELS_X86_H

#include <immintrin.h>
#include <string.h>
#include "conv_kernels.h"

/* ---- The level below ----------------------------------------------------------------
 * For tap lists zp_conv_terms_make refuses, int16 coefficients outside int8
 * and u16 box radii above 127. Set by conv_x86_fill. */
static void (*sep_v_u8_q6_below)(const void *const *, const int16_t *, int, int16_t *, size_t);
static void (*sep_h_q6_u8_below)(const int16_t *, const int16_t *, int, size_t, uint8_t *,
                                 size_t);
static void (*conv_u8_i32_below)(const void *const *, const int32_t *, int, size_t, int32_t *,
                                 size_t);
static void (*conv_u8_i16_u8_below)(const void *const *, const int16_t *, int, size_t, int32_t,
                                     int, uint8_t *, size_t);
static void (*box_h_u16_below)(const uint32_t *, int32_t, int, int32_t, int32_t, int32_t,
                               uint16_t *);

/* ---- Integer taps (zp_conv_terms) ---------------------------------------------------
 * Accumulate one pair of terms, given as 16-bit vectors, for two blocks of
 * 2 * VN samples. */
#define MADD2(X0, Y0, X1, Y1)                                                              \
    do {                                                                                   \
        const VI c_ = vi_set1_32(tm->cc[k / 2]);                                           \
        a[0] = vi_add32(a[0], vi_madd16(vi_unplo16(X0, Y0), c_));                          \
        a[1] = vi_add32(a[1], vi_madd16(vi_unphi16(X0, Y0), c_));                          \
        a[2] = vi_add32(a[2], vi_madd16(vi_unplo16(X1, Y1), c_));                          \
        a[3] = vi_add32(a[3], vi_madd16(vi_unphi16(X1, Y1), c_));                          \
    } while (0)
#define ONE(k, o) vi_load16(tm->p[k], (o), size)
#define TWO(k, o) vi_add16(vi_load16(tm->p[k], (o), size), vi_load16(tm->q[k], (o), size))

/* Sum of all terms for samples i .. i + 4*VN-1 (`size` bytes each) into four
 * vectors of VN 32-bit sums: a[0] and a[1] the first 2*VN samples (low and
 * high halves of each 128-bit lane, in unpack's order, which the stores
 * undo), a[2] and a[3] the next. Terms go in branch-free phases: pairs of
 * folded terms, a folded term with a single one, pairs of single terms, a
 * last term alone. */
static inline __attribute__((always_inline)) void sum_terms(const zp_conv_terms *tm, int size,
                                                            size_t i, VI init, VI a[4]) {
    const size_t o0 = i * (size_t)size, o1 = o0 + 2 * VN * (size_t)size;
    const VI z = vi_zero();
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

static void sep_v_u8_q6_x86(const void *const *rows, const int16_t *coef, int taps,
                            int16_t *dst, size_t n) {
    zp_conv_terms tm;
    if (!zp_conv_terms_make(&tm, rows, NULL, 0, coef, NULL, taps, 1)) {
        sep_v_u8_q6_below(rows, coef, taps, dst, n);
        return;
    }
    const VI round = vi_set1_32(1 << 7);
    size_t i = 0;
    for (; i + 4 * VN <= n; i += 4 * VN) {
        VI a[4];
        sum_terms(&tm, 1, i, round, a);
        store_q6(dst + i, a);
    }
    for (; i < n; i++) dst[i] = (int16_t)(zp_conv_terms_sum(&tm, 1, i, 1 << 7) >> 8);
}

static void sep_h_q6_u8_x86(const int16_t *src, const int16_t *coef, int taps, size_t step,
                            uint8_t *dst, size_t n) {
    zp_conv_terms tm;
    if (!zp_conv_terms_make(&tm, NULL, (const char *)src, (ptrdiff_t)(step * sizeof *src), coef,
                            NULL, taps, 1)) {
        sep_h_q6_u8_below(src, coef, taps, step, dst, n);
        return;
    }
    const VI round = vi_set1_32(1 << 19);
    size_t i = 0;
    for (; i + 4 * VN <= n; i += 4 * VN) {
        VI a[4];
        sum_terms(&tm, 2, i, round, a);
        store_q6_u8(dst + i, a);
    }
    for (; i < n; i++) dst[i] = (uint8_t)(zp_conv_terms_sum(&tm, 2, i, 1 << 19) >> 20);
}

/* 2D convolution of u8: every tap a term (kernels are rarely symmetric in
 * the pairing order used here). */
static void conv_u8_i32_x86(const void *const *rows, const int32_t *k, int side, size_t step,
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
    for (; i + 4 * VN <= n; i += 4 * VN) {
        VI a[4];
        sum_terms(&tm, 1, i, vi_zero(), a);
        store_i32(acc + i, a);
    }
    for (; i < n; i++) acc[i] = zp_conv_terms_sum(&tm, 1, i, 0);
}

/* ---- u8 convolution in 16 bits ------------------------------------------------------
 * Two taps per pmaddubsw: the bytes of two tap rows interleaved times a pair
 * of int8 coefficients, into int16 sums that cannot saturate or wrap (the
 * contract bounds every partial sum by 32767). unpacklo/hi_epi8 split each
 * 128-bit lane into its low and high 8 samples, and packus_epi16 of the two
 * halves puts them back in order; 4 * VN samples per iteration.
 * A coefficient of 128, outside int8, sends the kernel to the level below. */
static void conv_u8_i16_u8_x86(const void *const *rows, const int16_t *k, int side, size_t step,
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
    const VI addv = vi_set1_16((int16_t)add);
    const __m128i sh = _mm_cvtsi32_si128(shift);
    size_t i = 0;
    for (; i + 4 * VN <= n; i += 4 * VN) {
        VI lo = addv, hi = addv;
        for (int q = 0; q < pairs; q++) {
            const VI a = vi_loadu8(p[2 * q] + i), b = vi_loadu8(p[2 * q + 1] + i);
            const VI c = vi_set1_16(cc[q]);
            lo = vi_add16(lo, vi_maddubs(vi_unplo8(a, b), c));
            hi = vi_add16(hi, vi_maddubs(vi_unphi8(a, b), c));
        }
        vi_storeu8(dst + i, vi_packus16(vi_sra16(lo, sh), vi_sra16(hi, sh)));
    }
    for (; i < n; i++) {
        int32_t v = add;
        for (int t = 0; t < taps; t++) v += p[t][i] * k[t];
        v >>= shift;
        dst[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

/* ---- Vertical float passes ----------------------------------------------------------
 * 4 * VN samples at a time in four accumulators, taps in order: acc += x * c,
 * multiply then add, as the C code; the tail in scalar code. LOAD gives VN
 * samples as floats. */
#ifdef CONV_X86_VF
#define SEP_V_F32(NAME, T, LOAD)                                                          \
    static void NAME(const void *const *rows, const float *coef, int taps, float *dst,    \
                     size_t n) {                                                          \
        size_t i = 0;                                                                     \
        for (; i + 4 * VN <= n; i += 4 * VN) {                                            \
            VF a0 = vf_zero(), a1 = a0, a2 = a0, a3 = a0;                                 \
            for (int t = 0; t < taps; t++) {                                              \
                const T *r = (const T *)rows[t] + i;                                      \
                const VF c = vf_set1(coef[t]);                                            \
                a0 = vf_add(a0, vf_mul(LOAD(r), c));                                      \
                a1 = vf_add(a1, vf_mul(LOAD(r + VN), c));                                 \
                a2 = vf_add(a2, vf_mul(LOAD(r + 2 * VN), c));                             \
                a3 = vf_add(a3, vf_mul(LOAD(r + 3 * VN), c));                             \
            }                                                                             \
            vf_storeu(dst + i, a0);                                                       \
            vf_storeu(dst + i + VN, a1);                                                  \
            vf_storeu(dst + i + 2 * VN, a2);                                              \
            vf_storeu(dst + i + 3 * VN, a3);                                              \
        }                                                                                 \
        for (; i < n; i++) {                                                              \
            float a = 0.0f;                                                               \
            for (int t = 0; t < taps; t++) a += (float)((const T *)rows[t])[i] * coef[t]; \
            dst[i] = a;                                                                   \
        }                                                                                 \
    }
#endif

/* ---- Box column sums (with CONV_X86_BOX_V) -----------------------------------------
 * VN samples per iteration; the level defines vi_loadu32, vi_storeu32,
 * vi_mullo32, vi_widen_u8_32 (VN bytes to 32 bits), vi_sub16 and
 * vi_lo16to32 / vi_hi16to32 (sign-extend each half of a VI of int16). */
#ifdef CONV_X86_BOX_V
static void box_v_add_u8_x86(uint32_t *acc, const uint8_t *row, uint32_t weight, size_t n) {
    const VI w = vi_set1_32((int32_t)weight);
    size_t i = 0;
    for (; i + VN <= n; i += VN)
        vi_storeu32(acc + i, vi_add32(vi_loadu32(acc + i), vi_mullo32(vi_widen_u8_32(row + i), w)));
    for (; i < n; i++) acc[i] += row[i] * weight;
}
static inline __attribute__((always_inline)) void box_slide_u8(uint32_t *acc, const uint8_t *add,
                                                               const uint8_t *sub, size_t n) {
    size_t i = 0;
    for (; i + 2 * VN <= n; i += 2 * VN) {
        /* add - sub in 16 bits (wrapping when negative), sign-extended: the
         * same 32-bit value as (uint32_t)add - sub. */
        const VI dd = vi_sub16(vi_load16((const char *)add, i, 1), vi_load16((const char *)sub, i, 1));
        vi_storeu32(acc + i, vi_add32(vi_loadu32(acc + i), vi_lo16to32(dd)));
        vi_storeu32(acc + i + VN, vi_add32(vi_loadu32(acc + i + VN), vi_hi16to32(dd)));
    }
    for (; i < n; i++) acc[i] += (uint32_t)add[i] - (uint32_t)sub[i];
}
static void box_v_slide_u8_x86(uint32_t *acc, const uint8_t *add, const uint8_t *sub, size_t n) {
    box_slide_u8(acc, add, sub, n);
}

/* box_vh_u8: slide acc samples done .. up to at least `need` (at most ns),
 * 512 at a time, so that the stretch the horizontal pass reads next is
 * fresh in L1. The incoming row is new to the caches: it is prefetched
 * 2048 samples ahead, which measured faster than the hardware prefetch
 * alone. */
static inline __attribute__((always_inline)) void box_lead(uint32_t *acc, const uint8_t *add,
                                                           const uint8_t *sub, size_t *done,
                                                           size_t need, size_t ns) {
    if (need <= *done || *done >= ns) return;
    size_t to = need > *done + 512 ? need : *done + 512;
    if (to > ns) to = ns;
    for (size_t p = to + 2048; p < to + 2048 + 512 && p < ns; p += 64)
        _mm_prefetch((const char *)(add + p), _MM_HINT_T0);
    box_slide_u8(acc + *done, add + *done, sub + *done, to - *done);
    *done = to;
}
#endif

/* ---- Box horizontal pass ------------------------------------------------------------
 * box_h_level(acc, width, ch, r, x0, count, dst, u16, direct, add, sub,
 * fused), defined by the level: box_h_*_c for `ch` channels (a constant in
 * each copy, so that the scan's shifts are constants), u16 or u8 output;
 * direct: u8 with r <= 63, no division fix-up needed (conv_kernels_avx2.c
 * says why); fused: slide acc by add - sub first, as box_vh_u8. */
static inline __attribute__((always_inline)) void
box_h_level(const uint32_t *acc, int32_t width, const int ch, int32_t r, int32_t x0,
            int32_t count, void *dst, const int u16, const int direct, const uint8_t *add,
            const uint8_t *sub, const int fused);

#define BOX_H_CH(U16, DIRECT, ADD, SUB, FUSED)                                               \
    switch (ch) {                                                                            \
    case 1: box_h_level(acc, width, 1, r, x0, count, dst, U16, DIRECT, ADD, SUB, FUSED); break; \
    case 2: box_h_level(acc, width, 2, r, x0, count, dst, U16, DIRECT, ADD, SUB, FUSED); break; \
    case 3: box_h_level(acc, width, 3, r, x0, count, dst, U16, DIRECT, ADD, SUB, FUSED); break; \
    default: box_h_level(acc, width, 4, r, x0, count, dst, U16, DIRECT, ADD, SUB, FUSED); break; \
    }
static void box_h_u8_x86(const uint32_t *acc, int32_t width, int ch, int32_t r, int32_t x0,
                         int32_t count, uint8_t *dst) {
    if (r <= 63) BOX_H_CH(0, 1, NULL, NULL, 0)
    else BOX_H_CH(0, 0, NULL, NULL, 0)
}
static void box_vh_u8_x86(uint32_t *acc, const uint8_t *add, const uint8_t *sub, int32_t width,
                          int ch, int32_t r, int32_t x0, int32_t count, uint8_t *dst) {
    if (r <= 63) BOX_H_CH(0, 1, add, sub, 1)
    else BOX_H_CH(0, 0, add, sub, 1)
}
/* u16 sums fit 32 bits only up to radius 127: (2r+1)^2 * 65535 < 2^32. */
static void box_h_u16_x86(const uint32_t *acc, int32_t width, int ch, int32_t r, int32_t x0,
                          int32_t count, uint16_t *dst) {
    if (r > 127) {
        box_h_u16_below(acc, width, ch, r, x0, count, dst);
        return;
    }
    BOX_H_CH(1, 0, NULL, NULL, 0)
}
#undef BOX_H_CH

/* What every level overrides alike: records the level below, then sets the
 * shared entries. The level's fill function calls it, then sets its own. */
static void conv_x86_fill(struct zp_conv_kernels *t, const char *level) {
    t->level = level;
    sep_v_u8_q6_below = t->sep_v_u8_q6;
    sep_h_q6_u8_below = t->sep_h_q6_u8;
    conv_u8_i32_below = t->conv_u8_i32;
    conv_u8_i16_u8_below = t->conv_u8_i16_u8;
    box_h_u16_below = t->box_h_u16;
    t->sep_v_u8_q6 = sep_v_u8_q6_x86;
    t->sep_h_q6_u8 = sep_h_q6_u8_x86;
    t->conv_u8_i32 = conv_u8_i32_x86;
    t->conv_u8_i16_u8 = conv_u8_i16_u8_x86;
    t->box_h_u8 = box_h_u8_x86;
    t->box_vh_u8 = box_vh_u8_x86;
    t->box_h_u16 = box_h_u16_x86;
#ifdef CONV_X86_BOX_V
    t->box_v_add_u8 = box_v_add_u8_x86;
    t->box_v_slide_u8 = box_v_slide_u8_x86;
#endif
}

#endif
