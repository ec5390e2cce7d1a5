/* resize_kernels.c: the separable resampler shared by resize and thumbnail:
 * weight tables, the plain C kernels and their table, and the plan, region,
 * process and done callbacks (see resize_kernels.h for the conventions). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "resize_kernels.h"
#include "core/simd_internal.h"

#if defined(__GNUC__)
#  define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#  define ALWAYS_INLINE inline
#endif

/* Float kernels promise one product and one add per tap (resize_kernels.h):
 * GCC in ISO C mode contracts nothing; clang needs telling. */
#if defined(__clang__)
#  pragma STDC FP_CONTRACT OFF
#endif

static const double pi = 3.14159265358979323846;

/* ---- Kernels K(x) and their support (radius, before widening) ---------------- */

static double kernel_support(zp_resize_filter filter) {
    switch (filter) {
    case ZP_RESIZE_BILINEAR: return 1.0;
    case ZP_RESIZE_BICUBIC: return 2.0;
    case ZP_RESIZE_LANCZOS3: return 3.0;
    case ZP_RESIZE_NEAREST: break;
    }
    return 0.5;
}

static double kernel_eval(zp_resize_filter filter, double x) {
    const double t = fabs(x);
    switch (filter) {
    case ZP_RESIZE_BILINEAR:
        return t < 1.0 ? 1.0 - t : 0.0;
    case ZP_RESIZE_BICUBIC: { /* Keys, a = -0.5 */
        const double a = -0.5;
        if (t < 1.0) return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
        if (t < 2.0) return ((a * t - 5.0 * a) * t + 8.0 * a) * t - 4.0 * a;
        return 0.0;
    }
    case ZP_RESIZE_LANCZOS3: {
        if (t < 1e-12) return 1.0;
        if (t >= 3.0) return 0.0;
        const double px = pi * t;
        return 3.0 * sin(px) * sin(px / 3.0) / (px * px);
    }
    case ZP_RESIZE_NEAREST: break;
    }
    return t <= 0.5 ? 1.0 : 0.0;
}

/* ---- Weight tables --------------------------------------------------------------- */

void zp__resize_axis_free(zp__resize_axis *axis) {
    if (!axis) return;
    free(axis->first);
    free(axis->wq);
    free(axis->wf);
    memset(axis, 0, sizeof *axis);
}

/* Raw tap range of output o: the input indices within the widened support
 * around the centre c (taps exactly on the support's edge weigh 0 for every
 * kernel here, so they may be in or out). */
static void raw_span(double c, double radius, int64_t *lo, int64_t *hi) {
    *lo = (int64_t)ceil(c - radius);
    *hi = (int64_t)floor(c + radius);
    if (*hi < *lo) *hi = *lo; /* cannot happen for radius >= 0.5; be safe */
}

static zp_status axis_alloc(zp__resize_axis *axis, int32_t taps, int fixed) {
    if (taps > INT32_MAX - ZP_RESIZE_TAP_ALIGN) return ZP_ERR_OVERFLOW;
    const int32_t stride = (taps + ZP_RESIZE_TAP_ALIGN - 1) / ZP_RESIZE_TAP_ALIGN *
                           ZP_RESIZE_TAP_ALIGN;
    const size_t n = (size_t)axis->out_size, t = (size_t)stride;
    if (n > SIZE_MAX / t / sizeof(float)) return ZP_ERR_OVERFLOW;
    axis->taps = taps;
    axis->wstride = stride;
    axis->first = malloc(n * sizeof *axis->first);
    if (fixed) axis->wq = calloc(n * t, sizeof *axis->wq);
    else axis->wf = calloc(n * t, sizeof *axis->wf);
    if (!axis->first || (fixed ? !axis->wq : !axis->wf)) return ZP_ERR_NOMEM;
    return ZP_OK;
}

/* One tap of weight one per output: identity (in == out) and nearest. */
static zp_status axis_point(zp__resize_axis *axis, int fixed) {
    zp_status st = axis_alloc(axis, 1, fixed);
    if (st) return st;
    const int64_t in = axis->in_size, out = axis->out_size;
    for (int64_t o = 0; o < out; o++) {
        /* floor((o + 0.5) * in / out), exactly; < in since 2o + 1 < 2 out */
        axis->first[o] = (int32_t)((2 * o + 1) * in / (2 * out));
        const size_t k = (size_t)o * (size_t)axis->wstride;
        if (fixed) axis->wq[k] = ZP_RESIZE_WEIGHT_ONE;
        else axis->wf[k] = 1.0f;
    }
    return ZP_OK;
}

zp_status zp__resize_axis_init(zp__resize_axis *axis, int32_t in_size, int32_t out_size,
                               zp_resize_filter filter, int fixed) {
    memset(axis, 0, sizeof *axis);
    if (in_size < 1 || out_size < 1) return ZP_ERR_INVALID_ARG;
    axis->in_size = in_size;
    axis->out_size = out_size;
    zp_status st;
    if (in_size == out_size || filter == ZP_RESIZE_NEAREST) {
        /* Every kernel here interpolates (K(0) = 1, K(k) = 0 at other
         * integers), so an unscaled axis is exactly the identity. */
        st = axis_point(axis, fixed);
        if (st) zp__resize_axis_free(axis);
        return st;
    }

    const double scale = (double)in_size / out_size;
    const double widen = scale > 1.0 ? scale : 1.0;
    const double radius = kernel_support(filter) * widen;

    /* Pass 1: the widest folded span gives the tap count. */
    int32_t taps = 1;
    for (int32_t o = 0; o < out_size; o++) {
        int64_t lo, hi;
        raw_span((o + 0.5) * in_size / out_size - 0.5, radius, &lo, &hi);
        if (lo < 0) lo = 0;
        if (hi > in_size - 1) hi = in_size - 1;
        if (hi < lo) hi = lo = hi < 0 ? 0 : hi; /* span entirely past an edge */
        if (hi - lo + 1 > taps) taps = (int32_t)(hi - lo + 1);
    }
    st = axis_alloc(axis, taps, fixed);
    double *w = st ? NULL : malloc((size_t)taps * sizeof *w);
    if (!st && !w) st = ZP_ERR_NOMEM;
    if (st) {
        free(w);
        zp__resize_axis_free(axis);
        return st;
    }

    /* Pass 2: evaluate, fold clamped taps into the edge ones, normalise. */
    for (int32_t o = 0; o < out_size; o++) {
        const double c = (o + 0.5) * in_size / out_size - 0.5;
        int64_t lo, hi;
        raw_span(c, radius, &lo, &hi);
        int64_t first = lo < 0 ? 0 : lo;
        if (first > in_size - taps) first = in_size - taps;
        memset(w, 0, (size_t)taps * sizeof *w);
        double sum = 0.0;
        for (int64_t j = lo; j <= hi; j++) {
            const double k = kernel_eval(filter, (j - c) / widen);
            const int64_t idx = j < 0 ? 0 : j > in_size - 1 ? in_size - 1 : j;
            w[idx - first] += k;
            sum += k;
        }
        if (!(sum > 0.0)) { /* unreachable for these kernels; stay defined */
            int64_t idx = (int64_t)floor(c + 0.5);
            idx = idx < first ? first : idx > first + taps - 1 ? first + taps - 1 : idx;
            memset(w, 0, (size_t)taps * sizeof *w);
            w[idx - first] = sum = 1.0;
        }
        axis->first[o] = (int32_t)first;
        if (fixed) {
            /* Cumulative rounding: q[t] = R(C[t]) - R(C[t-1]) with C the
             * running sum of the normalised weights and R(C[last]) forced to
             * ONE, so the row sums to ONE exactly and each q is within 1 of
             * w * ONE. */
            int16_t *q = axis->wq + (size_t)o * (size_t)axis->wstride;
            double cum = 0.0;
            int32_t prev = 0;
            for (int32_t t = 0; t < taps; t++) {
                cum += w[t] / sum;
                const int32_t r = t == taps - 1 ? ZP_RESIZE_WEIGHT_ONE
                                                : (int32_t)floor(cum * ZP_RESIZE_WEIGHT_ONE + 0.5);
                q[t] = (int16_t)(r - prev);
                prev = r;
            }
        } else {
            float *f = axis->wf + (size_t)o * (size_t)axis->wstride;
            for (int32_t t = 0; t < taps; t++) f[t] = (float)(w[t] / sum);
        }
    }
    free(w);
    return ZP_OK;
}

/* ---- Plain C kernels ----------------------------------------------------------------
 * The vertical pass works on chunks of samples with an accumulator array on
 * the stack, adding one input row at a time: plain loops the compiler
 * vectorises, in tap order. */

#define VCHUNK 512

static void vertical_u8_c(const uint8_t *const *rows, const int16_t *w, int32_t taps,
                          int16_t *out, size_t samples) {
    enum { SHIFT = ZP_RESIZE_WEIGHT_BITS - ZP_RESIZE_MID_BITS };
    int32_t acc[VCHUNK];
    for (size_t i0 = 0; i0 < samples; i0 += VCHUNK) {
        const size_t n = samples - i0 < VCHUNK ? samples - i0 : VCHUNK;
        for (size_t i = 0; i < n; i++) acc[i] = 1 << (SHIFT - 1);
        for (int32_t t = 0; t < taps; t++) {
            const uint8_t *r = rows[t] + i0;
            const int32_t wt = w[t];
            for (size_t i = 0; i < n; i++) acc[i] += wt * r[i];
        }
        /* >> of a negative int is arithmetic on every compiler zeropix
         * supports (implementation-defined in C11). */
        for (size_t i = 0; i < n; i++) out[i0 + i] = (int16_t)(acc[i] >> SHIFT);
    }
}

#define DEFINE_VERTICAL_FLOAT(name, type)                                                   \
    static void name(const type *const *rows, const float *w, int32_t taps, float *out,     \
                     size_t samples) {                                                      \
        float acc[VCHUNK];                                                                  \
        for (size_t i0 = 0; i0 < samples; i0 += VCHUNK) {                                   \
            const size_t n = samples - i0 < VCHUNK ? samples - i0 : VCHUNK;                 \
            const type *r0 = rows[0] + i0;                                                  \
            for (size_t i = 0; i < n; i++) acc[i] = w[0] * (float)r0[i];                    \
            for (int32_t t = 1; t < taps; t++) {                                            \
                const type *r = rows[t] + i0;                                               \
                const float wt = w[t];                                                      \
                for (size_t i = 0; i < n; i++) acc[i] += wt * (float)r[i];                  \
            }                                                                               \
            memcpy(out + i0, acc, n * sizeof *acc);                                         \
        }                                                                                   \
    }
DEFINE_VERTICAL_FLOAT(vertical_u16_c, uint16_t)
DEFINE_VERTICAL_FLOAT(vertical_f32_c, float)

/* The horizontal bodies take the channel count as a constant so that each
 * of 1..4 channels gets its own unrolled loop (switch outside the loops). */
static ALWAYS_INLINE void
horizontal_u8_body(const int16_t *in, int32_t origin, const int32_t *first, const int16_t *w,
                   int32_t taps, int32_t wstride, const int32_t ch, uint8_t *out, int32_t count) {
    enum { SHIFT = ZP_RESIZE_WEIGHT_BITS + ZP_RESIZE_MID_BITS };
    for (int32_t i = 0; i < count; i++) {
        const int16_t *p = in + (size_t)(first[i] - origin) * (size_t)ch;
        const int16_t *wi = w + (size_t)i * (size_t)wstride;
        for (int32_t c = 0; c < ch; c++) {
            const int16_t *pc = p + c;
            int32_t acc = 1 << (SHIFT - 1);
            for (int32_t t = 0; t < taps; t++) acc += wi[t] * pc[(size_t)t * (size_t)ch];
            int32_t v = acc >> SHIFT;
            v = v < 0 ? 0 : v;
            out[(size_t)i * (size_t)ch + (size_t)c] = (uint8_t)(v > 255 ? 255 : v);
        }
    }
}

static ALWAYS_INLINE void
horizontal_float_body(const float *in, int32_t origin, const int32_t *first, const float *w,
                      int32_t taps, int32_t wstride, const int32_t ch, float *out_f,
                      uint16_t *out_u16, int32_t count) {
    for (int32_t i = 0; i < count; i++) {
        const float *p = in + (size_t)(first[i] - origin) * (size_t)ch;
        const float *wi = w + (size_t)i * (size_t)wstride;
        for (int32_t c = 0; c < ch; c++) {
            const float *pc = p + c;
            float acc = wi[0] * pc[0];
            for (int32_t t = 1; t < taps; t++) acc += wi[t] * pc[(size_t)t * (size_t)ch];
            const size_t k = (size_t)i * (size_t)ch + (size_t)c;
            if (out_u16) { /* a constant once inlined: no branch is left */
                acc = acc > 0.0f ? acc : 0.0f;
                acc = acc < 65535.0f ? acc : 65535.0f;
                out_u16[k] = (uint16_t)(acc + 0.5f);
            } else {
                out_f[k] = acc;
            }
        }
    }
}

static void horizontal_u8_c(const int16_t *in, int32_t origin, const int32_t *first,
                            const int16_t *w, int32_t taps, int32_t wstride, int32_t channels,
                            uint8_t *out, int32_t count) {
    switch (channels) {
    case 1: horizontal_u8_body(in, origin, first, w, taps, wstride, 1, out, count); break;
    case 2: horizontal_u8_body(in, origin, first, w, taps, wstride, 2, out, count); break;
    case 3: horizontal_u8_body(in, origin, first, w, taps, wstride, 3, out, count); break;
    default: horizontal_u8_body(in, origin, first, w, taps, wstride, 4, out, count); break;
    }
}

static void horizontal_u16_c(const float *in, int32_t origin, const int32_t *first,
                             const float *w, int32_t taps, int32_t wstride, int32_t channels,
                             uint16_t *out, int32_t count) {
    switch (channels) {
    case 1: horizontal_float_body(in, origin, first, w, taps, wstride, 1, NULL, out, count); break;
    case 2: horizontal_float_body(in, origin, first, w, taps, wstride, 2, NULL, out, count); break;
    case 3: horizontal_float_body(in, origin, first, w, taps, wstride, 3, NULL, out, count); break;
    default: horizontal_float_body(in, origin, first, w, taps, wstride, 4, NULL, out, count); break;
    }
}

static void horizontal_f32_c(const float *in, int32_t origin, const int32_t *first,
                             const float *w, int32_t taps, int32_t wstride, int32_t channels,
                             float *out, int32_t count) {
    switch (channels) {
    case 1: horizontal_float_body(in, origin, first, w, taps, wstride, 1, out, NULL, count); break;
    case 2: horizontal_float_body(in, origin, first, w, taps, wstride, 2, out, NULL, count); break;
    case 3: horizontal_float_body(in, origin, first, w, taps, wstride, 3, out, NULL, count); break;
    default: horizontal_float_body(in, origin, first, w, taps, wstride, 4, out, NULL, count); break;
    }
}

static const struct zp_resize_kernels kernels_c = {
    .name = "c",
    .vertical_u8 = vertical_u8_c,
    .horizontal_u8 = horizontal_u8_c,
    .vertical_u16 = vertical_u16_c,
    .horizontal_u16 = horizontal_u16_c,
    .vertical_f32 = vertical_f32_c,
    .horizontal_f32 = horizontal_f32_c,
};

ZP__SIMD_FAMILY(resize, kernels_c);

/* ---- The filter machinery -------------------------------------------------------- */

typedef struct resize_state {
    const struct zp_resize_kernels *k; /* chosen in plan() */
    int32_t channels;
    zp_dtype dtype;
    zp__resize_axis x, y;
} resize_state;

static size_t item_size(zp_dtype dtype) {
    return dtype == ZP_U8 ? 1 : dtype == ZP_U16 ? 2 : dtype == ZP_F32 ? 4 : 0;
}

void zp__resize_done(void *state) {
    resize_state *s = state;
    if (!s) return;
    zp__resize_axis_free(&s->x);
    zp__resize_axis_free(&s->y);
    free(s);
}

zp_status zp__resize_side_param(const zp_param_value *value, const char *name, zp_plan *plan,
                                int32_t *side) {
    const double v = value->number;
    if (!(v >= 0 && v <= ZP_RESIZE_MAX_SIDE) || v != floor(v)) {
        snprintf(plan->message, sizeof plan->message,
                 "%s must be a whole number of pixels in 0..%d (got %g)", name,
                 ZP_RESIZE_MAX_SIDE, v);
        return ZP_ERR_INVALID_ARG;
    }
    *side = (int32_t)v;
    return ZP_OK;
}

zp_status zp__resize_filter_param(const zp_param_value *value, const char *name, zp_plan *plan,
                                  zp_resize_filter *filter) {
    const double v = value->number;
    if (!(v >= 0 && v <= ZP_RESIZE_LANCZOS3) || v != floor(v)) {
        snprintf(plan->message, sizeof plan->message, "%s must be one of %s (got index %g)",
                 name, ZP_RESIZE_FILTER_CHOICES, v);
        return ZP_ERR_INVALID_ARG;
    }
    *filter = (zp_resize_filter)(int)v;
    return ZP_OK;
}

int64_t zp__resize_scaled_side(int64_t other_in, int64_t side, int64_t side_in) {
    const int64_t v = (2 * other_in * side + side_in) / (2 * side_in);
    return v < 1 ? 1 : v;
}

zp_status zp__resize_plan(const zp_plan_args *args, int64_t out_w, int64_t out_h,
                          zp_resize_filter filter, const char *what, zp_plan *plan) {
    if (!item_size(args->dtype) || args->channels < 1 || args->channels > 4) {
        const char *dt = args->dtype == ZP_U8 ? "u8" : args->dtype == ZP_U16 ? "u16"
                       : args->dtype == ZP_F32 ? "f32" : "unknown";
        snprintf(plan->message, sizeof plan->message,
                 "input has %d channels of dtype %s (%d); resizing takes 1..4 channels of "
                 "u8, u16 or f32",
                 (int)args->channels, dt, (int)args->dtype);
        return ZP_ERR_UNSUPPORTED;
    }
    if (args->width < 1 || args->height < 1) {
        snprintf(plan->message, sizeof plan->message, "input is %d x %d pixels",
                 (int)args->width, (int)args->height);
        return ZP_ERR_INVALID_ARG;
    }
    if (out_w < 1 || out_h < 1 || out_w > ZP_RESIZE_MAX_SIDE || out_h > ZP_RESIZE_MAX_SIDE) {
        snprintf(plan->message, sizeof plan->message,
                 "%s: the output would be %lld x %lld pixels; each side must be 1..%d",
                 what, (long long)out_w, (long long)out_h, ZP_RESIZE_MAX_SIDE);
        return ZP_ERR_LIMIT;
    }
    /* The user's pixel limit (max_pixels; 0 = none), when the host is new
     * enough to pass it. */
    uint64_t limit = args->struct_size >= offsetof(zp_plan_args, max_pixels) + sizeof(uint64_t)
                         ? args->max_pixels : 0;
    if (limit && (uint64_t)(out_w * out_h) > limit) {
        snprintf(plan->message, sizeof plan->message,
                 "%s: the output would be %lld x %lld = %.1f MP, over the limit of %.1f MP "
                 "(max_pixels)",
                 what, (long long)out_w, (long long)out_h, (double)(out_w * out_h) / 1e6,
                 (double)limit / 1e6);
        return ZP_ERR_LIMIT;
    }
    resize_state *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(plan->message, sizeof plan->message, "out of memory");
        return ZP_ERR_NOMEM;
    }
    s->k = zp_resize_kernels();
    s->channels = args->channels;
    s->dtype = args->dtype;
    const int fixed = args->dtype == ZP_U8;
    zp_status st = zp__resize_axis_init(&s->x, args->width, (int32_t)out_w, filter, fixed);
    if (!st) st = zp__resize_axis_init(&s->y, args->height, (int32_t)out_h, filter, fixed);
    if (st) {
        snprintf(plan->message, sizeof plan->message,
                 "%s: cannot build the weight tables for %d x %d -> %lld x %lld (%s)", what,
                 (int)args->width, (int)args->height, (long long)out_w, (long long)out_h,
                 st == ZP_ERR_NOMEM ? "out of memory" : "too large");
        zp__resize_done(s);
        return st;
    }
    plan->width = (int32_t)out_w;
    plan->height = (int32_t)out_h;
    plan->channels = args->channels;
    plan->dtype = args->dtype;
    plan->halo_x = plan->halo_y = 0; /* region() says exactly what is read */
    plan->state = s;
    return ZP_OK;
}

/* Input span [lo, hi) of output positions [o0, o1) on one axis. */
static void axis_span(const zp__resize_axis *a, int32_t o0, int32_t o1, int32_t *lo,
                      int32_t *hi) {
    *lo = a->first[o0];
    *hi = a->first[o1 - 1] + a->taps;
}

void zp__resize_region(void *state, const zp_rect *out_rect, zp_rect *in_rect) {
    const resize_state *s = state;
    int32_t x0 = zp_clamp_i32(out_rect->x, 0, s->x.out_size - 1);
    int32_t y0 = zp_clamp_i32(out_rect->y, 0, s->y.out_size - 1);
    int32_t x1 = zp_clamp_i32(out_rect->x + out_rect->width, x0 + 1, s->x.out_size);
    int32_t y1 = zp_clamp_i32(out_rect->y + out_rect->height, y0 + 1, s->y.out_size);
    int32_t lx, hx, ly, hy;
    axis_span(&s->x, x0, x1, &lx, &hx);
    axis_span(&s->y, y0, y1, &ly, &hy);
    *in_rect = (zp_rect){lx, ly, hx - lx, hy - ly};
}

/* Gather `w` pixels of row y from x0 of a strided view into a flat row
 * (pack), or scatter a flat row into row y of a view from x = 0 (unpack):
 * one loop per sample type, the switch outside it. */
#define ROW_LOOP(assign)                                                              \
    for (int32_t x = 0; x < w; x++)                                                     \
        for (int32_t c = 0; c < ch; c++) {                                              \
            const size_t k_ = (size_t)x * (size_t)ch + (size_t)c;                       \
            const ptrdiff_t b_ = x * sx + c * sc;                                       \
            assign;                                                                     \
        }

static void pack_row(const zp_view *v, int32_t x0, int32_t y, int32_t w, size_t item,
                     void *flat) {
    const char *row = zp_view_pixel(v, x0, y);
    const ptrdiff_t sx = v->stride_x, sc = v->stride_c;
    const int32_t ch = v->channels;
    switch (item) {
    case 1: ROW_LOOP(((uint8_t *)flat)[k_] = *(const uint8_t *)(row + b_)) break;
    case 2: ROW_LOOP(((uint16_t *)flat)[k_] = *(const uint16_t *)(row + b_)) break;
    default: ROW_LOOP(((float *)flat)[k_] = *(const float *)(row + b_)) break;
    }
}

static void unpack_row(const void *flat, int32_t w, size_t item, const zp_view *v, int32_t y) {
    char *row = zp_view_pixel(v, 0, y);
    const ptrdiff_t sx = v->stride_x, sc = v->stride_c;
    const int32_t ch = v->channels;
    switch (item) {
    case 1: ROW_LOOP(*(uint8_t *)(row + b_) = ((const uint8_t *)flat)[k_]) break;
    case 2: ROW_LOOP(*(uint16_t *)(row + b_) = ((const uint16_t *)flat)[k_]) break;
    default: ROW_LOOP(*(float *)(row + b_) = ((const float *)flat)[k_]) break;
    }
}

#define ALIGN64(n) (((n) + (size_t)63) & ~(size_t)63)

static int size_mul(size_t a, size_t b, size_t *out) {
    if (b && a > SIZE_MAX / b) return 1;
    *out = a * b;
    return 0;
}

zp_status zp__resize_process(void *state, const zp_view *in, const zp_rect *in_rect,
                             const zp_view *out, const zp_rect *out_rect) {
    const resize_state *s = state;
    const struct zp_resize_kernels *k = s->k;
    const int32_t ch = s->channels;
    const size_t item = item_size(s->dtype);

    /* The geometry the host promised (cheap, once per call). */
    const int32_t ox0 = out_rect->x, oy0 = out_rect->y;
    const int32_t ow = out_rect->width, oh = out_rect->height;
    if (ow < 1 || oh < 1 || ox0 < 0 || oy0 < 0 || ox0 > s->x.out_size - ow ||
        oy0 > s->y.out_size - oh || out->width != ow || out->height != oh ||
        out->channels != ch || out->dtype != s->dtype || in->channels != ch ||
        in->dtype != s->dtype || in->width != in_rect->width || in->height != in_rect->height)
        return ZP_ERR_INVALID_ARG;
    if (out->flags & ZP_VIEW_READONLY) return ZP_ERR_READONLY;
    int32_t sx0, sx1, sy0, sy1;
    axis_span(&s->x, ox0, ox0 + ow, &sx0, &sx1);
    axis_span(&s->y, oy0, oy0 + oh, &sy0, &sy1);
    if (in_rect->x > sx0 || in_rect->y > sy0 || in_rect->x + in_rect->width < sx1 ||
        in_rect->y + in_rect->height < sy1)
        return ZP_ERR_INVALID_ARG; /* not what region() asked for */

    /* One scratch block: intermediate row (+ the padding the horizontal
     * kernels may read, zeroed) | packed input rows (ring) | their row
     * numbers | row pointers | packed output row. */
    const int32_t span = sx1 - sx0, ty = s->y.taps;
    const int in_packed = zp_row_is_packed(in), out_packed = zp_row_is_packed(out);
    const size_t samples = (size_t)span * (size_t)ch;
    const size_t mid_item = s->dtype == ZP_U8 ? sizeof(int16_t) : sizeof(float);
    size_t mid_bytes, row_bytes, ring_bytes = 0, out_bytes = 0;
    if (size_mul(samples, mid_item, &mid_bytes) || mid_bytes > SIZE_MAX - ZP_RESIZE_MID_PAD ||
        size_mul(samples, item, &row_bytes) ||
        (!in_packed && size_mul(ALIGN64(row_bytes), (size_t)ty, &ring_bytes)))
        return ZP_ERR_OVERFLOW;
    if (!out_packed) out_bytes = (size_t)ow * (size_t)ch * item;
    const size_t tags_bytes = in_packed ? 0 : (size_t)ty * sizeof(int32_t);
    const size_t ptr_bytes = (size_t)ty * sizeof(void *);
    const size_t off_ring = ALIGN64(mid_bytes + ZP_RESIZE_MID_PAD);
    const size_t off_tags = off_ring + ALIGN64(ring_bytes);
    const size_t off_ptrs = off_tags + ALIGN64(tags_bytes);
    const size_t off_out = off_ptrs + ALIGN64(ptr_bytes);
    const size_t total = off_out + ALIGN64(out_bytes);
    if (total < ring_bytes || total < mid_bytes) return ZP_ERR_OVERFLOW;
    char *scratch = aligned_alloc(64, total);
    if (!scratch) return ZP_ERR_NOMEM;
    void *mid = scratch;
    char *ring = scratch + off_ring;
    int32_t *tags = (int32_t *)(scratch + off_tags);
    void *rows = scratch + off_ptrs;
    void *out_row = scratch + off_out;
    memset((char *)mid + mid_bytes, 0, ZP_RESIZE_MID_PAD);
    for (int32_t t = 0; !in_packed && t < ty; t++) tags[t] = -1;

    const int32_t vx = sx0 - in_rect->x; /* first needed column, in `in` */
    for (int32_t oy = oy0; oy < oy0 + oh; oy++) {
        const int32_t fy = s->y.first[oy];
        /* Input rows fy .. fy+ty-1 as flat sample arrays: straight into the
         * view when its rows are packed, else packed once into a ring slot
         * (consecutive rows never share a slot, and fy never decreases). */
        const void **r = rows;
        for (int32_t t = 0; t < ty; t++) {
            const int32_t iy = fy + t - in_rect->y;
            if (in_packed) {
                r[t] = zp_view_pixel(in, vx, iy);
            } else {
                const int32_t slot = (fy + t) % ty;
                char *dst = ring + (size_t)slot * ALIGN64(row_bytes);
                if (tags[slot] != fy + t) {
                    pack_row(in, vx, iy, span, item, dst);
                    tags[slot] = fy + t;
                }
                r[t] = dst;
            }
        }
        void *dst = out_packed ? zp_view_pixel(out, 0, oy - oy0) : out_row;
        const int32_t *fx = s->x.first + ox0;
        const int32_t xs = s->x.wstride;
        const size_t wo = (size_t)ox0 * (size_t)xs, wv = (size_t)oy * (size_t)s->y.wstride;
        switch (s->dtype) {
        case ZP_U8: {
            const uint8_t **r8 = rows; /* same pointers, typed for the kernel */
            for (int32_t t = 0; t < ty; t++) r8[t] = (const uint8_t *)r[t];
            k->vertical_u8(r8, s->y.wq + wv, ty, mid, samples);
            k->horizontal_u8(mid, sx0, fx, s->x.wq + wo, s->x.taps, xs, ch, dst, ow);
            break;
        }
        case ZP_U16: {
            const uint16_t **r16 = rows;
            for (int32_t t = 0; t < ty; t++) r16[t] = (const uint16_t *)r[t];
            k->vertical_u16(r16, s->y.wf + wv, ty, mid, samples);
            k->horizontal_u16(mid, sx0, fx, s->x.wf + wo, s->x.taps, xs, ch, dst, ow);
            break;
        }
        default: {
            const float **rf = rows;
            for (int32_t t = 0; t < ty; t++) rf[t] = (const float *)r[t];
            k->vertical_f32(rf, s->y.wf + wv, ty, mid, samples);
            k->horizontal_f32(mid, sx0, fx, s->x.wf + wo, s->x.taps, xs, ch, dst, ow);
            break;
        }
        }
        if (!out_packed) unpack_row(out_row, ow, item, out, oy - oy0);
    }
    free(scratch);
    return ZP_OK;
}
