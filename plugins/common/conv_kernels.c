/* conv_kernels.c: the plain C kernels of the convolution filters (the
 * reference every SIMD level must match) and the row plumbing they share. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conv_kernels.h"
#include "core/simd_internal.h"

/* Integer finishes promise exactly `acc * scale + bias` in double: no fused
 * multiply-add. GCC in ISO C mode (-std=c11, our build) does not contract;
 * Clang needs telling. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* Vertical and 2D kernels work on blocks of this many samples, so that the
 * accumulator stays in L1 and the tap loop is outside the sample loop
 * (which then vectorises). */
#define BLOCK 256

/* ---- Separable passes ------------------------------------------------------- */

static void sep_v_u8_q6_c(const void *const *rows, const int16_t *coef, int taps,
                          int16_t *dst, size_t n) {
    int32_t acc[BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        const size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        for (size_t i = 0; i < m; i++) acc[i] = 1 << 7;
        for (int t = 0; t < taps; t++) {
            const uint8_t *r = (const uint8_t *)rows[t] + i0;
            const int32_t c = coef[t];
            for (size_t i = 0; i < m; i++) acc[i] += r[i] * c;
        }
        for (size_t i = 0; i < m; i++) dst[i0 + i] = (int16_t)(acc[i] >> 8);
    }
}

static void sep_h_q6_u8_c(const int16_t *src, const int16_t *coef, int taps, size_t step,
                          uint8_t *dst, size_t n) {
    int32_t acc[BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        const size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        for (size_t i = 0; i < m; i++) acc[i] = 1 << 19;
        for (int t = 0; t < taps; t++) {
            const int16_t *s = src + i0 + (size_t)t * step;
            const int32_t c = coef[t];
            for (size_t i = 0; i < m; i++) acc[i] += s[i] * c;
        }
        for (size_t i = 0; i < m; i++) dst[i0 + i] = (uint8_t)(acc[i] >> 20);
    }
}

/* One vertical float pass per input type. */
#define SEP_V_F32(NAME, T)                                                              \
    static void NAME(const void *const *rows, const float *coef, int taps, float *dst,  \
                     size_t n) {                                                        \
        float acc[BLOCK];                                                               \
        for (size_t i0 = 0; i0 < n; i0 += BLOCK) {                                      \
            const size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;                           \
            for (size_t i = 0; i < m; i++) acc[i] = 0.0f;                               \
            for (int t = 0; t < taps; t++) {                                            \
                const T *r = (const T *)rows[t] + i0;                                   \
                const float c = coef[t];                                                \
                for (size_t i = 0; i < m; i++) acc[i] += (float)r[i] * c;               \
            }                                                                           \
            memcpy(dst + i0, acc, m * sizeof(float));                                   \
        }                                                                               \
    }
SEP_V_F32(sep_v_u8_f32_c, uint8_t)
SEP_V_F32(sep_v_u16_f32_c, uint16_t)
SEP_V_F32(sep_v_f32_f32_c, float)

static void sep_h_f32_c(const float *src, const float *coef, int taps, size_t step,
                        float *dst, size_t n) {
    float acc[BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        const size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        for (size_t i = 0; i < m; i++) acc[i] = 0.0f;
        for (int t = 0; t < taps; t++) {
            const float *s = src + i0 + (size_t)t * step;
            const float c = coef[t];
            for (size_t i = 0; i < m; i++) acc[i] += s[i] * c;
        }
        memcpy(dst + i0, acc, m * sizeof(float));
    }
}

/* ---- Conversions ---------------------------------------------------------------- */

/* The clamps of the float kernels (the SIMD levels' tails call these
 * kernels): max then min (NaN gives lo), a form compilers turn into min/max
 * without a branch. */
static inline float clampf(float v, float lo, float hi) {
    v = v > lo ? v : lo;
    return v < hi ? v : hi;
}
static inline double clampd(double v, double lo, double hi) {
    v = v > lo ? v : lo;
    return v < hi ? v : hi;
}

static void f32_to_u8_c(const float *src, uint8_t *dst, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = (uint8_t)(clampf(src[i], 0.0f, 255.0f) + 0.5f);
}
static void f32_to_u16_c(const float *src, uint16_t *dst, size_t n) {
    for (size_t i = 0; i < n; i++)
        dst[i] = (uint16_t)(clampf(src[i], 0.0f, 65535.0f) + 0.5f);
}
static void u8_to_f32_c(const uint8_t *src, float *dst, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = (float)src[i];
}
static void u16_to_f32_c(const uint16_t *src, float *dst, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = (float)src[i];
}

/* ---- Unsharp mask ------------------------------------------------------------------ */

#define UNSHARP_INT(NAME, T, MAX)                                                      \
    static void NAME(const T *in, const float *blur, float amount, float threshold,     \
                     T *dst, size_t n) {                                                \
        for (size_t i = 0; i < n; i++) {                                                \
            const float x = (float)in[i], d = x - blur[i];                              \
            const float v = fabsf(d) >= threshold ? x + amount * d : x;                 \
            dst[i] = (T)(clampf(v, 0.0f, MAX) + 0.5f);                          \
        }                                                                               \
    }
UNSHARP_INT(unsharp_u8_c, uint8_t, 255.0f)
UNSHARP_INT(unsharp_u16_c, uint16_t, 65535.0f)

static void unsharp_f32_c(const float *in, const float *blur, float amount, float threshold,
                          float *dst, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const float x = in[i], d = x - blur[i];
        dst[i] = fabsf(d) >= threshold ? clampf(x + amount * d, 0.0f, 1.0f) : x;
    }
}

/* ---- Box running sums --------------------------------------------------------------- */

/* f32 sample -> exact integer on the 2^-28 grid, clamped to +-1024 (NaN -> 0). */
static inline int64_t box_q(float v) {
    double d = v;
    d = d == d ? clampd(d, -ZP_CONV_BOX_F32_LIMIT, ZP_CONV_BOX_F32_LIMIT) : 0.0;
    d *= (double)(1 << ZP_CONV_BOX_F32_FRAC); /* exact: a power of two */
    return (int64_t)(d + (d >= 0 ? 0.5 : -0.5));
}

static void box_v_add_u8_c(uint32_t *acc, const uint8_t *row, uint32_t weight, size_t n) {
    for (size_t i = 0; i < n; i++) acc[i] += row[i] * weight;
}
static void box_v_slide_u8_c(uint32_t *acc, const uint8_t *add, const uint8_t *sub, size_t n) {
    for (size_t i = 0; i < n; i++) acc[i] += (uint32_t)add[i] - (uint32_t)sub[i];
}
static void box_v_add_u16_c(uint32_t *acc, const uint16_t *row, uint32_t weight, size_t n) {
    for (size_t i = 0; i < n; i++) acc[i] += row[i] * weight;
}
static void box_v_slide_u16_c(uint32_t *acc, const uint16_t *add, const uint16_t *sub,
                              size_t n) {
    for (size_t i = 0; i < n; i++) acc[i] += (uint32_t)add[i] - (uint32_t)sub[i];
}
static void box_v_add_f32_c(int64_t *acc, const float *row, uint32_t weight, size_t n) {
    for (size_t i = 0; i < n; i++) acc[i] += box_q(row[i]) * (int64_t)weight;
}
static void box_v_slide_f32_c(int64_t *acc, const float *add, const float *sub, size_t n) {
    for (size_t i = 0; i < n; i++) acc[i] += box_q(add[i]) - box_q(sub[i]);
}

/* The horizontal running sum. Output j reads acc pixels clamp(x0+j+d), d in
 * -r..r. After the first output, each step adds pixel min(c+r, width-1) and
 * removes max(c-r-1, 0) (c = x0+j): on each side the index either moves with
 * c or sits on the edge, so the row splits into at most three segments with
 * a fixed pointer step each, and the inner loop has no clamp. */
#define BOX_H(NAME, ACC, SUM, OUT, FINISH)                                               \
    static void NAME(const ACC *acc, int32_t width, int ch, int32_t r, int32_t x0,       \
                     int32_t count, OUT *dst) {                                          \
        const SUM N = (SUM)(2 * r + 1) * (SUM)(2 * r + 1);                               \
        SUM h[4] = {0, 0, 0, 0};                                                         \
        const int32_t lo = x0 - r, hi = x0 + r;                                          \
        const int32_t a = lo < 0 ? 0 : lo, b = hi > width - 1 ? width - 1 : hi;          \
        const SUM left = (SUM)(a - lo), right = (SUM)(hi - b);                           \
        const ACC *last = acc + (size_t)(width - 1) * (size_t)ch;                        \
        for (int k = 0; k < ch; k++) h[k] = left * (SUM)acc[k] + right * (SUM)last[k];   \
        for (int32_t x = a; x <= b; x++)                                                 \
            for (int k = 0; k < ch; k++) h[k] += (SUM)acc[(size_t)x * (size_t)ch + k];   \
        for (int k = 0; k < ch; k++) dst[k] = FINISH(h[k]);                              \
        const int32_t end = x0 + count;                                                  \
        for (int32_t c = x0 + 1; c < end;) {                                             \
            int32_t stop = end;                                                          \
            const int in_moves = c <= width - 1 - r, out_moves = c >= r + 1;             \
            if (in_moves && stop > width - r) stop = width - r;                          \
            if (!out_moves && stop > r + 1) stop = r + 1;                                \
            const ACC *pin = acc + (size_t)(in_moves ? c + r : width - 1) * (size_t)ch;  \
            const ACC *pout = acc + (size_t)(out_moves ? c - r - 1 : 0) * (size_t)ch;    \
            const ptrdiff_t sin = in_moves ? ch : 0, sout = out_moves ? ch : 0;          \
            OUT *d = dst + (size_t)(c - x0) * (size_t)ch;                                \
            for (; c < stop; c++, pin += sin, pout += sout, d += ch)                     \
                for (int k = 0; k < ch; k++) {                                           \
                    h[k] = h[k] + (SUM)pin[k] - (SUM)pout[k];                            \
                    d[k] = FINISH(h[k]);                                                 \
                }                                                                        \
        }                                                                                \
    }
/* u8: S <= 255 * 4001^2 < 2^32, and so is S + N/2. */
#define BOX_FINISH_INT(v) (((v) + N / 2) / N)
#define BOX_FINISH_F32(v) ((float)((double)(v) / ((double)N * (double)(1 << ZP_CONV_BOX_F32_FRAC))))
BOX_H(box_h_u8_c, uint32_t, uint32_t, uint8_t, (uint8_t)BOX_FINISH_INT)
BOX_H(box_h_u16_c, uint32_t, uint64_t, uint16_t, (uint16_t)BOX_FINISH_INT)
BOX_H(box_h_f32_c, int64_t, int64_t, float, BOX_FINISH_F32)

static void box_vh_u8_c(uint32_t *acc, const uint8_t *add, const uint8_t *sub, int32_t width,
                        int ch, int32_t r, int32_t x0, int32_t count, uint8_t *dst) {
    box_v_slide_u8_c(acc, add, sub, (size_t)width * (size_t)ch);
    box_h_u8_c(acc, width, ch, r, x0, count, dst);
}

/* ---- 2D convolution -------------------------------------------------------------------- */

#define CONV_2D(NAME, T, K, A)                                                           \
    static void NAME(const void *const *rows, const K *k, int side, size_t step, A *acc, \
                     size_t n) {                                                         \
        A blk[BLOCK];                                                                    \
        for (size_t i0 = 0; i0 < n; i0 += BLOCK) {                                       \
            const size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;                            \
            for (size_t i = 0; i < m; i++) blk[i] = 0;                                   \
            for (int ky = 0; ky < side; ky++)                                            \
                for (int kx = 0; kx < side; kx++) {                                      \
                    const T *r = (const T *)rows[ky] + i0 + (size_t)kx * step;           \
                    const A c = (A)k[ky * side + kx];                                    \
                    for (size_t i = 0; i < m; i++) blk[i] += (A)r[i] * c;                \
                }                                                                        \
            memcpy(acc + i0, blk, m * sizeof(A));                                        \
        }                                                                                \
    }
CONV_2D(conv_u8_i32_c, uint8_t, int32_t, int32_t)
CONV_2D(conv_u16_i32_c, uint16_t, int32_t, int32_t)
CONV_2D(conv_f32_c, float, float, float)

static void conv_u8_i16_u8_c(const void *const *rows, const int16_t *k, int side, size_t step,
                             int32_t add, int shift, uint8_t *dst, size_t n) {
    int32_t blk[BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        const size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        for (size_t i = 0; i < m; i++) blk[i] = add;
        for (int ky = 0; ky < side; ky++)
            for (int kx = 0; kx < side; kx++) {
                const uint8_t *r = (const uint8_t *)rows[ky] + i0 + (size_t)kx * step;
                const int32_t c = k[ky * side + kx];
                for (size_t i = 0; i < m; i++) blk[i] += r[i] * c;
            }
        for (size_t i = 0; i < m; i++) { /* >> of a negative int: arithmetic in GCC, Clang */
            const int32_t v = blk[i] >> shift;
            dst[i0 + i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
}

int zp_conv_i16_plan(const int32_t *k, int taps, double scale, double bias, int16_t *k16,
                     int32_t *mul, int32_t *add, int *shift) {
    int sh = 0;
    while (sh < 14 && (ldexp(scale, sh) != floor(ldexp(scale, sh)) ||
                       ldexp(bias, sh) != floor(ldexp(bias, sh))))
        sh++;
    const double m = ldexp(scale, sh), b = ldexp(bias, sh);
    if (m != floor(m) || fabs(m) > 32767.0 || b != floor(b) || fabs(b) > 32767.0) return 0;
    const int32_t half = sh ? 1 << (sh - 1) : 0;
    int64_t bound = llabs((int64_t)b + half);
    for (int t = 0; t < taps; t++) bound += 255 * llabs((int64_t)k[t] * (int64_t)m);
    if (bound > 32767) return 0;
    for (int t = 0; t < taps; t++) k16[t] = (int16_t)(k[t] * (int32_t)m);
    *mul = (int32_t)m;
    *add = (int32_t)b + half;
    *shift = sh;
    return 1;
}

#define CONV_FINISH(NAME, A, S, T, MAX, CLAMP)                                           \
    static void NAME(const A *acc, S scale, S bias, T *dst, size_t n) {                  \
        for (size_t i = 0; i < n; i++) {                                                 \
            const S v = (S)acc[i] * scale + bias;                                        \
            dst[i] = (T)(CLAMP(v, (S)0, (S)MAX) + (S)0.5);                               \
        }                                                                                \
    }
CONV_FINISH(conv_i32_to_u8_c, int32_t, double, uint8_t, 255, clampd)
CONV_FINISH(conv_i32_to_u16_c, int32_t, double, uint16_t, 65535, clampd)
CONV_FINISH(conv_f32_to_u8_c, float, float, uint8_t, 255, clampf)
CONV_FINISH(conv_f32_to_u16_c, float, float, uint16_t, 65535, clampf)

static void conv_f32_to_f32_c(const float *acc, float scale, float bias, float *dst, size_t n) {
    for (size_t i = 0; i < n; i++) dst[i] = clampf(acc[i] * scale + bias, 0.0f, 1.0f);
}

/* ---- The table -------------------------------------------------------------------- */

static const struct zp_conv_kernels kernels_c = {
    .level = "c",
    .sep_v_u8_q6 = sep_v_u8_q6_c,
    .sep_h_q6_u8 = sep_h_q6_u8_c,
    .sep_v_u8_f32 = sep_v_u8_f32_c,
    .sep_v_u16_f32 = sep_v_u16_f32_c,
    .sep_v_f32_f32 = sep_v_f32_f32_c,
    .sep_h_f32 = sep_h_f32_c,
    .f32_to_u8 = f32_to_u8_c,
    .f32_to_u16 = f32_to_u16_c,
    .u8_to_f32 = u8_to_f32_c,
    .u16_to_f32 = u16_to_f32_c,
    .unsharp_u8 = unsharp_u8_c,
    .unsharp_u16 = unsharp_u16_c,
    .unsharp_f32 = unsharp_f32_c,
    .box_v_add_u8 = box_v_add_u8_c,
    .box_v_slide_u8 = box_v_slide_u8_c,
    .box_h_u8 = box_h_u8_c,
    .box_v_add_u16 = box_v_add_u16_c,
    .box_v_slide_u16 = box_v_slide_u16_c,
    .box_h_u16 = box_h_u16_c,
    .box_v_add_f32 = box_v_add_f32_c,
    .box_v_slide_f32 = box_v_slide_f32_c,
    .box_h_f32 = box_h_f32_c,
    .box_vh_u8 = box_vh_u8_c,
    .conv_u8_i32 = conv_u8_i32_c,
    .conv_u16_i32 = conv_u16_i32_c,
    .conv_f32 = conv_f32_c,
    .conv_u8_i16_u8 = conv_u8_i16_u8_c,
    .conv_i32_to_u8 = conv_i32_to_u8_c,
    .conv_i32_to_u16 = conv_i32_to_u16_c,
    .conv_f32_to_u8 = conv_f32_to_u8_c,
    .conv_f32_to_u16 = conv_f32_to_u16_c,
    .conv_f32_to_f32 = conv_f32_to_f32_c,
};

ZP__SIMD_FAMILY(conv, kernels_c);


/* ---- Integer taps for the SIMD levels ---------------------------------------------- */

int zp_conv_terms_make(zp_conv_terms *tm, const void *const *base, const char *base1,
                       ptrdiff_t stride, const int16_t *c16, const int32_t *c32, int taps,
                       int fold) {
    if (taps < 1 || taps > ZP_CONV_MAX_TERMS) return 0;
    int16_t c[ZP_CONV_MAX_TERMS], cterm[ZP_CONV_MAX_TERMS];
    for (int t = 0; t < taps; t++) {
        const int32_t v = c16 ? c16[t] : c32[t];
        if (v < INT16_MIN || v > INT16_MAX) return 0;
        c[t] = (int16_t)v;
    }
#define TAP(t) (base ? (const char *)base[t] : base1 + (ptrdiff_t)(t) * stride)
    for (int t = 0; fold && t < taps / 2; t++) fold = c[t] == c[taps - 1 - t];
    tm->n = tm->n2 = 0;
    if (fold) {
        for (int t = 0; t < taps / 2; t++) {
            tm->p[tm->n] = TAP(t);
            tm->q[tm->n] = TAP(taps - 1 - t);
            cterm[tm->n++] = c[t];
        }
        tm->n2 = tm->n;
        if (taps & 1) {
            tm->p[tm->n] = TAP(taps / 2);
            cterm[tm->n++] = c[taps / 2];
        }
    } else {
        for (int t = 0; t < taps; t++) {
            tm->p[tm->n] = TAP(t);
            cterm[tm->n++] = c[t];
        }
    }
#undef TAP
    for (int k = 0; k < tm->n; k += 2) {
        const uint16_t b = k + 1 < tm->n ? (uint16_t)cterm[k + 1] : 0;
        tm->cc[k / 2] = (int32_t)((uint32_t)(uint16_t)cterm[k] | (uint32_t)b << 16);
    }
    return 1;
}

int32_t zp_conv_terms_sum(const zp_conv_terms *tm, int size, size_t i, int32_t init) {
    int32_t s = init;
    for (int k = 0; k < tm->n; k++) {
        const uint32_t pair = (uint32_t)tm->cc[k / 2];
        const int32_t c = (int16_t)(uint16_t)(k & 1 ? pair >> 16 : pair);
        int32_t v = size == 1 ? ((const uint8_t *)tm->p[k])[i] : ((const int16_t *)tm->p[k])[i];
        if (k < tm->n2)
            v += size == 1 ? ((const uint8_t *)tm->q[k])[i] : ((const int16_t *)tm->q[k])[i];
        s += v * c;
    }
    return s;
}

/* ---- Box sums for the SIMD levels ---------------------------------------------------- */

void zp_conv_box_deltas(const uint32_t *acc, int32_t width, int channels, int32_t radius,
                        int32_t x0, size_t i0, size_t m, uint32_t *d) {
    const size_t ch = (size_t)channels;
    size_t j = i0 / ch, c = i0 % ch;
    for (size_t i = 0; i < m; i++) {
        if (j == 0) { /* S_0: the clamped window of pixel x0, as box_h_*_c */
            const int32_t lo = x0 - radius, hi = x0 + radius;
            const int32_t a = lo < 0 ? 0 : lo, b = hi > width - 1 ? width - 1 : hi;
            uint32_t s = (uint32_t)(a - lo) * acc[c] +
                         (uint32_t)(hi - b) * acc[(size_t)(width - 1) * ch + c];
            for (int32_t x = a; x <= b; x++) s += acc[(size_t)x * ch + c];
            d[i] = s;
        } else {
            const int32_t xi = zp_clamp_i32(x0 + (int32_t)j + radius, 0, width - 1);
            const int32_t xo = zp_clamp_i32(x0 + (int32_t)j - radius - 1, 0, width - 1);
            d[i] = acc[(size_t)xi * ch + c] - acc[(size_t)xo * ch + c];
        }
        if (++c == ch) c = 0, j++;
    }
}

/* ---- Planning helpers ---------------------------------------------------------------- */

void zp_conv_message(zp_plan *plan, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(plan->message, sizeof plan->message, fmt, ap);
    va_end(ap);
}

zp_status zp_conv_check_input(const zp_plan_args *args, zp_plan *plan, const char *filter) {
    if (args->dtype != ZP_U8 && args->dtype != ZP_U16 && args->dtype != ZP_F32) {
        zp_conv_message(plan, "%s takes u8, u16 or f32 samples, not dtype %d", filter,
                        (int)args->dtype);
        return ZP_ERR_UNSUPPORTED;
    }
    if (args->channels < 1 || args->channels > 4) {
        zp_conv_message(plan, "%s takes 1 to 4 channels, not %d", filter, (int)args->channels);
        return ZP_ERR_UNSUPPORTED;
    }
    if (args->width < 1 || args->height < 1) {
        zp_conv_message(plan, "%s: empty input (%d x %d)", filter, (int)args->width,
                        (int)args->height);
        return ZP_ERR_INVALID_ARG;
    }
    /* The output is the input's size; the user's pixel limit (ABI 1.0 hosts
     * may not pass one: read it only when struct_size covers it). */
    const uint64_t limit =
        args->struct_size >= offsetof(zp_plan_args, max_pixels) + sizeof args->max_pixels
            ? args->max_pixels : 0;
    const uint64_t pixels = (uint64_t)args->width * (uint64_t)args->height;
    if (limit && pixels > limit) {
        zp_conv_message(plan, "%s: output of %d x %d = %llu pixels is over the limit of %llu "
                        "(max_pixels)", filter, (int)args->width, (int)args->height,
                        (unsigned long long)pixels, (unsigned long long)limit);
        return ZP_ERR_LIMIT;
    }
    return ZP_OK;
}

double zp_conv_full_scale(zp_dtype dtype) {
    return dtype == ZP_U8 ? 255.0 : dtype == ZP_U16 ? 65535.0 : 1.0;
}

void zp_conv_gauss_free(zp_conv_gauss *g) {
    if (!g) return;
    free(g->w);
    free(g->f);
    free(g->q14);
    memset(g, 0, sizeof *g);
}

zp_status zp_conv_gauss_init(zp_conv_gauss *g, double sigma) {
    memset(g, 0, sizeof *g);
    if (!(sigma > 0.0) || !(sigma <= 1e5)) return ZP_ERR_INVALID_ARG;
    const int32_t r = (int32_t)ceil(3.0 * sigma);
    g->radius = r < 1 ? 1 : r;
    g->taps = 2 * g->radius + 1;
    g->w = malloc((size_t)g->taps * sizeof *g->w);
    g->f = malloc((size_t)g->taps * sizeof *g->f);
    g->q14 = malloc((size_t)g->taps * sizeof *g->q14);
    if (!g->w || !g->f || !g->q14) {
        zp_conv_gauss_free(g);
        return ZP_ERR_NOMEM;
    }
    double sum = 0.0;
    for (int32_t i = 0; i < g->taps; i++) {
        const double d = (double)(i - g->radius);
        g->w[i] = exp(-d * d / (2.0 * sigma * sigma));
        sum += g->w[i];
    }
    const double one = (double)(1 << ZP_CONV_Q);
    int64_t qsum = 0;
    for (int32_t i = 0; i < g->taps; i++) {
        g->w[i] /= sum;
        g->f[i] = (float)g->w[i];
        qsum += (int64_t)floor(g->w[i] * one + 0.5);
    }
    /* Q14: round each tap, give the remainder to the centre so the sum is
     * exactly 1 << 14, and bound the error that costs: 255 * L1 distance
     * of the weights per pass, plus the 1/128 (half of 2^-6) of rounding
     * the vertical result to 6 fraction bits. */
    int ok = 1;
    double l1 = 0.0;
    for (int32_t i = 0; i < g->taps; i++) {
        int64_t q = (int64_t)floor(g->w[i] * one + 0.5);
        if (i == g->radius) q += (1 << ZP_CONV_Q) - qsum;
        if (q < 0 || q > (1 << ZP_CONV_Q)) ok = 0;
        g->q14[i] = (int16_t)(q < 0 ? 0 : q > (1 << ZP_CONV_Q) ? (1 << ZP_CONV_Q) : q);
        l1 += fabs((double)q / one - g->w[i]);
    }
    g->q14_error = 2.0 * 255.0 * l1 + 0.5 / (double)(1 << ZP_CONV_MID_FRAC);
    g->q14_ok = ok && g->q14_error < 0.5;
    return ZP_OK;
}

/* ---- Processing helpers ------------------------------------------------------------ */

zp_status zp_conv_check_call(const zp_view *in, const zp_rect *in_rect, const zp_view *out,
                             const zp_rect *out_rect, int32_t img_w, int32_t img_h,
                             int32_t halo_x, int32_t halo_y, int32_t channels, zp_dtype dtype) {
    if (!in || !in_rect || !out || !out_rect) return ZP_ERR_INVALID_ARG;
    if (in->dtype != dtype || out->dtype != dtype || in->channels != channels ||
        out->channels != channels)
        return ZP_ERR_MISMATCH;
    if (out->width != out_rect->width || out->height != out_rect->height ||
        in->width != in_rect->width || in->height != in_rect->height || out->width < 1 ||
        out->height < 1 || in->width < 1 || in->height < 1)
        return ZP_ERR_MISMATCH;
    const int64_t ox = out_rect->x, oy = out_rect->y, ow = out_rect->width,
                  oh = out_rect->height, ix = in_rect->x, iy = in_rect->y,
                  iw = in_rect->width, ih = in_rect->height;
    if (ox < 0 || oy < 0 || ox + ow > img_w || oy + oh > img_h || ix < 0 || iy < 0 ||
        ix + iw > img_w || iy + ih > img_h)
        return ZP_ERR_INVALID_ARG;
    const int64_t nx0 = ox - halo_x < 0 ? 0 : ox - halo_x,
                  ny0 = oy - halo_y < 0 ? 0 : oy - halo_y,
                  nx1 = ox + ow + halo_x > img_w ? img_w : ox + ow + halo_x,
                  ny1 = oy + oh + halo_y > img_h ? img_h : oy + oh + halo_y;
    if (ix > nx0 || iy > ny0 || ix + iw < nx1 || iy + ih < ny1) return ZP_ERR_INVALID_ARG;
    return ZP_OK;
}

void zp_conv_columns(const zp_view *in, const zp_rect *in_rect, const zp_rect *out_rect,
                     int32_t halo, int32_t *x0, int32_t *n, int32_t *pad_l, int32_t *pad_r) {
    const int64_t ox0 = (int64_t)out_rect->x - in_rect->x;
    const int64_t lo = ox0 - halo, hi = ox0 + out_rect->width + halo; /* [lo, hi) */
    const int64_t a = lo < 0 ? 0 : lo, b = hi > in->width ? in->width : hi;
    *x0 = (int32_t)a;
    *n = (int32_t)(b - a);
    *pad_l = (int32_t)(a - lo);
    *pad_r = (int32_t)(hi - b);
}

size_t zp_conv_reserve(zp_conv_scratch *s, size_t count, size_t item) {
    const size_t off = s->size;
    if (item && count > SIZE_MAX / item) {
        s->overflow = 1;
        return 0;
    }
    size_t bytes = count * item;
    if (bytes > SIZE_MAX - 63 - s->size) {
        s->overflow = 1;
        return 0;
    }
    bytes = (bytes + 63) & ~(size_t)63;
    s->size += bytes;
    return off;
}

zp_status zp_conv_scratch_alloc(zp_conv_scratch *s) {
    if (s->overflow) return ZP_ERR_OVERFLOW;
    s->base = aligned_alloc(64, s->size ? s->size : 64);
    return s->base ? ZP_OK : ZP_ERR_NOMEM;
}

void *zp_conv_at(const zp_conv_scratch *s, size_t offset) { return s->base + offset; }

void zp_conv_scratch_free(zp_conv_scratch *s) {
    free(s->base);
    s->base = NULL;
}

void zp_conv_pad(void *row, int32_t pad_l, int32_t n, int32_t pad_r, size_t pixel_bytes) {
    unsigned char *p = row;
    const unsigned char *first = p + (size_t)pad_l * pixel_bytes;
    const unsigned char *last = p + (size_t)(pad_l + n - 1) * pixel_bytes;
    for (int32_t i = 0; i < pad_l; i++) memcpy(p + (size_t)i * pixel_bytes, first, pixel_bytes);
    unsigned char *r = p + (size_t)(pad_l + n) * pixel_bytes;
    for (int32_t i = 0; i < pad_r; i++) memcpy(r + (size_t)i * pixel_bytes, last, pixel_bytes);
}

/* Gather n pixels of row y, from column x0, into packed samples. */
static void gather(const zp_view *v, int32_t x0, int32_t n, int32_t y, void *packed) {
    const char *row = zp_view_pixel(v, x0, y);
    const int32_t ch = v->channels;
    const ptrdiff_t sx = v->stride_x, sc = v->stride_c;
    switch (zp_sample_bytes(v->dtype)) {
    case 1: {
        uint8_t *d = packed;
        for (int32_t x = 0; x < n; x++, row += sx)
            for (int32_t c = 0; c < ch; c++) *d++ = *(const uint8_t *)(row + c * sc);
        break;
    }
    case 2: {
        uint16_t *d = packed;
        for (int32_t x = 0; x < n; x++, row += sx)
            for (int32_t c = 0; c < ch; c++) memcpy(d++, row + c * sc, 2);
        break;
    }
    default: {
        uint32_t *d = packed;
        for (int32_t x = 0; x < n; x++, row += sx)
            for (int32_t c = 0; c < ch; c++) memcpy(d++, row + c * sc, 4);
        break;
    }
    }
}

static void scatter(const zp_view *v, int32_t y, const void *packed) {
    char *row = zp_view_pixel(v, 0, y);
    const int32_t w = v->width, ch = v->channels;
    const ptrdiff_t sx = v->stride_x, sc = v->stride_c;
    switch (zp_sample_bytes(v->dtype)) {
    case 1: {
        const uint8_t *s = packed;
        for (int32_t x = 0; x < w; x++, row += sx)
            for (int32_t c = 0; c < ch; c++) *(uint8_t *)(row + c * sc) = *s++;
        break;
    }
    case 2: {
        const uint16_t *s = packed;
        for (int32_t x = 0; x < w; x++, row += sx)
            for (int32_t c = 0; c < ch; c++) memcpy(row + c * sc, s++, 2);
        break;
    }
    default: {
        const uint32_t *s = packed;
        for (int32_t x = 0; x < w; x++, row += sx)
            for (int32_t c = 0; c < ch; c++) memcpy(row + c * sc, s++, 4);
        break;
    }
    }
}

void zp_conv_rows_reserve(zp_conv_rows *r, const struct zp_conv_kernels *k, const zp_view *in,
                          int32_t x0, int32_t n, int32_t pad_l, int32_t pad_r, int to_f32,
                          int32_t window, zp_conv_scratch *s) {
    memset(r, 0, sizeof *r);
    r->in = in;
    r->k = k;
    r->x0 = x0;
    r->n = n;
    r->pad_l = pad_l;
    r->pad_r = pad_r;
    r->to_f32 = to_f32 && in->dtype != ZP_F32; /* f32 rows are float already */
    r->item = r->to_f32 ? sizeof(float) : zp_sample_bytes(in->dtype);
    const int packed = zp_row_is_packed(in);
    r->direct = packed && pad_l == 0 && pad_r == 0 && !r->to_f32;
    if (r->direct) return;
    r->slots = window < in->height ? window : in->height;
    if (r->slots < 1) r->slots = 1;
    const size_t pixels = (size_t)pad_l + (size_t)n + (size_t)pad_r;
    const size_t pixel = (size_t)in->channels * r->item;
    if (pixels > SIZE_MAX / pixel - 64) {
        s->overflow = 1;
        return;
    }
    r->slot_bytes = (pixels * pixel + 63) & ~(size_t)63;
    r->off_buf = zp_conv_reserve(s, (size_t)r->slots, r->slot_bytes);
    r->off_held = zp_conv_reserve(s, (size_t)r->slots, sizeof(int32_t));
    if (r->to_f32 && !packed)
        r->off_tmp = zp_conv_reserve(s, (size_t)n * (size_t)in->channels,
                                     zp_sample_bytes(in->dtype)) + 1; /* 0 = none */
}

void zp_conv_rows_bind(zp_conv_rows *r, const zp_conv_scratch *s) {
    if (r->direct) return;
    r->buf = zp_conv_at(s, r->off_buf);
    r->held = zp_conv_at(s, r->off_held);
    r->tmp = r->off_tmp ? (unsigned char *)zp_conv_at(s, r->off_tmp - 1) : NULL;
    for (int32_t i = 0; i < r->slots; i++) r->held[i] = -1;
}

const void *zp_conv_rows_get(zp_conv_rows *r, int32_t y) {
    if (r->direct) return zp_view_pixel(r->in, r->x0, y);
    const int32_t slot = y % r->slots;
    unsigned char *row = r->buf + (size_t)slot * r->slot_bytes;
    if (r->held[slot] == y) return row;
    const zp_view *in = r->in;
    const size_t pixel = (size_t)in->channels * r->item;
    const size_t samples = (size_t)r->n * (size_t)in->channels;
    unsigned char *dst = row + (size_t)r->pad_l * pixel;
    if (!r->to_f32) {
        if (zp_row_is_packed(in))
            memcpy(dst, zp_view_pixel(in, r->x0, y), samples * r->item);
        else
            gather(in, r->x0, r->n, y, dst);
    } else {
        const void *src = zp_view_pixel(in, r->x0, y);
        if (r->tmp) {
            gather(in, r->x0, r->n, y, r->tmp);
            src = r->tmp;
        }
        if (in->dtype == ZP_U8) r->k->u8_to_f32(src, (float *)dst, samples);
        else r->k->u16_to_f32(src, (float *)dst, samples);
    }
    zp_conv_pad(row, r->pad_l, r->n, r->pad_r, pixel);
    r->held[slot] = y;
    return row;
}

void zp_conv_out_reserve(zp_conv_out *o, const zp_view *out, zp_conv_scratch *s) {
    memset(o, 0, sizeof *o);
    o->out = out;
    o->packed = zp_row_is_packed(out);
    if (!o->packed)
        o->off = zp_conv_reserve(s, (size_t)out->width * (size_t)out->channels,
                                 zp_sample_bytes(out->dtype));
}

void zp_conv_out_bind(zp_conv_out *o, const zp_conv_scratch *s) {
    o->buf = o->packed ? NULL : zp_conv_at(s, o->off);
}

void *zp_conv_out_row(const zp_conv_out *o, int32_t y) {
    return o->packed ? zp_view_pixel(o->out, 0, y) : o->buf;
}

void zp_conv_out_put(const zp_conv_out *o, int32_t y) {
    if (!o->packed) scatter(o->out, y, o->buf);
}

/* ---- The separable Gaussian engine --------------------------------------------------- */

void zp_conv_sep_reserve(zp_conv_sep *sp, const struct zp_conv_kernels *k,
                         const zp_conv_gauss *g, int q14, const zp_view *in,
                         const zp_rect *in_rect, const zp_rect *out_rect, zp_conv_scratch *s) {
    memset(sp, 0, sizeof *sp);
    sp->k = k;
    sp->g = g;
    sp->dtype = in->dtype;
    sp->channels = in->channels;
    sp->q14 = q14 && in->dtype == ZP_U8;
    sp->in_h = in->height;
    sp->oy0 = out_rect->y - in_rect->y;
    sp->ox0 = out_rect->x - in_rect->x;
    sp->width = out_rect->width;
    zp_conv_columns(in, in_rect, out_rect, g->radius, &sp->x0, &sp->n, &sp->pad_l, &sp->pad_r);
    zp_conv_rows_reserve(&sp->rows, k, in, sp->x0, sp->n, 0, 0, 0, g->taps, s);
    const size_t taps = (size_t)g->taps, ch = (size_t)sp->channels;
    sp->off_ptr = zp_conv_reserve(s, taps, sizeof(void *));
    sp->off_cq = zp_conv_reserve(s, taps, sizeof(int16_t));
    sp->off_cf = zp_conv_reserve(s, taps, sizeof(float));
    const size_t padded = (size_t)sp->pad_l + (size_t)sp->n + (size_t)sp->pad_r;
    sp->off_mid = zp_conv_reserve(s, padded, ch * (sp->q14 ? sizeof(int16_t) : sizeof(float)));
    sp->off_hf = zp_conv_reserve(s, (size_t)sp->width * ch, sizeof(float));
}

void zp_conv_sep_bind(zp_conv_sep *sp, const zp_conv_scratch *s) {
    zp_conv_rows_bind(&sp->rows, s);
    sp->ptr = zp_conv_at(s, sp->off_ptr);
    sp->cq = zp_conv_at(s, sp->off_cq);
    sp->cf = zp_conv_at(s, sp->off_cf);
    sp->mid = zp_conv_at(s, sp->off_mid);
    sp->hf = zp_conv_at(s, sp->off_hf);
}

void zp_conv_sep_row(zp_conv_sep *sp, int32_t y, void *dst, int as_float) {
    const struct zp_conv_kernels *k = sp->k;
    const zp_conv_gauss *g = sp->g;
    const int32_t r = g->radius, last = sp->in_h - 1;
    /* Taps that clamp onto the same edge row become one tap. */
    int m = 0;
    int32_t prev = -1;
    for (int32_t t = 0; t < g->taps; t++) {
        const int32_t yy = zp_clamp_i32(sp->oy0 + y + t - r, 0, last);
        if (yy == prev) {
            sp->cq[m - 1] = (int16_t)(sp->cq[m - 1] + g->q14[t]);
            sp->cf[m - 1] += g->f[t];
            continue;
        }
        sp->ptr[m] = zp_conv_rows_get(&sp->rows, yy);
        sp->cq[m] = g->q14[t];
        sp->cf[m] = g->f[t];
        prev = yy;
        m++;
    }
    const size_t ch = (size_t)sp->channels, ns = (size_t)sp->n * ch;
    const size_t pixel = ch * (sp->q14 ? sizeof(int16_t) : sizeof(float));
    void *v = (char *)sp->mid + (size_t)sp->pad_l * pixel;
    switch (sp->dtype) {
    case ZP_U8:
        if (sp->q14) k->sep_v_u8_q6(sp->ptr, sp->cq, m, v, ns);
        else k->sep_v_u8_f32(sp->ptr, sp->cf, m, v, ns);
        break;
    case ZP_U16: k->sep_v_u16_f32(sp->ptr, sp->cf, m, v, ns); break;
    default: k->sep_v_f32_f32(sp->ptr, sp->cf, m, v, ns); break;
    }
    zp_conv_pad(sp->mid, sp->pad_l, sp->n, sp->pad_r, pixel);
    const size_t nw = (size_t)sp->width * ch;
    if (sp->q14) {
        k->sep_h_q6_u8(sp->mid, g->q14, g->taps, ch, dst, nw);
        return;
    }
    float *h = (as_float || sp->dtype == ZP_F32) ? dst : sp->hf;
    k->sep_h_f32(sp->mid, g->f, g->taps, ch, h, nw);
    if (h != dst) {
        if (sp->dtype == ZP_U8) k->f32_to_u8(h, dst, nw);
        else k->f32_to_u16(h, dst, nw);
    }
}
