/* test_filters_conv.c: blur, box_blur, sharpen and convolve against naive
 * double-precision references (direct 2D sums over clamped coordinates),
 * plus isolation, band/tile independence, parameter errors and the kernel
 * table. Run as `test_filters_conv PART` (see main); CTest runs each part.
 *
 * What is promised, and checked here (measured maxima are printed by each
 * part; in brackets, from the last run on x86-64, gcc 12: max |out -
 * round(ref)| / max |out - ref| for integer types, max |out - ref| for f32):
 *   box_blur  u8, u16: exact. out = floor((S + N/2) / N), S the integer sum
 *             over the (2r+1)^2 clamped window, N = (2r+1)^2.
 *             f32: |out - S/N| <= 1e-6 * (1 + |S/N|)            [3.0e-8]
 *   convolve  u8, u16 with integer kernel entries: exact.
 *             out = floor(clamp(S * scale + offset * max, 0, max) + 0.5),
 *             S the exact integer sum, scale and offset*max in double.
 *             Non-integer kernels: within 1 of that value, and
 *             |out - value| <= 0.51                               [1 / 0.5]
 *             f32: within 2e-6 of the clamped double value        [5.4e-7]
 *   blur      u8, u16: within 1 of round(double reference), every sigma
 *             (u8 Q14 path: |out - ref| < 0.5 + the bound printed by the
 *             kernels part, < 1 by construction; the float path where
 *             that bound fails: never up to sigma 4.7, always from
 *             13 on). u16 and the u8 float path: |out - ref| <= 0.52.
 *                                             [u8 1 / 0.516, u16 1 / 0.507]
 *             f32: within 1e-5 of the double reference           [3.2e-7]
 *   sharpen   u8, u16: within 1 of round(clamp(reference)), except pixels
 *             whose |in - blur| lies within 1e-3 levels of the threshold
 *             (either side is right there); |out - ref| <= 0.5 +
 *             0.01 * (1 + amount).              [u8 0 / 0.5, u16 1 / 0.512]
 *             f32: within 2e-5 of the double reference.          [4.2e-7]
 */
#include <math.h>
#include <string.h>
#include "filter_harness.h"
#include "plugins/common/conv_kernels.h"

/* References are compared bit for bit with `S * scale + bias`: no FMA. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

/* ---- Test images ------------------------------------------------------------- */

/* Layouts of the input view: packed, and views that are not. */
enum layout {
    L_PACKED,    /* zp_view_alloc                                        */
    L_PADDED,    /* crop of a larger image: packed rows, longer stride_y */
    L_FLIP,      /* flipped on both axes: negative strides              */
    L_TRANSPOSE, /* transposed: stride_x is a row of the parent         */
    L_SUBSET,    /* channels 1..ch of a (ch+1)-channel image            */
    L_REVERSED,  /* channels in reverse order: negative stride_c        */
    L_STEP,      /* every second pixel and row                          */
    L_COUNT
};
static const char *const layout_names[] = {"packed", "padded",   "flip", "transpose",
                                           "subset", "reversed", "step"};

static double full_scale(zp_dtype dt) { return dt == ZP_U8 ? 255 : dt == ZP_U16 ? 65535 : 1; }

static double get(const zp_view *v, int32_t x, int32_t y, int c) {
    switch (v->dtype) {
    case ZP_U8: return *ZP_SAMPLE(uint8_t, v, x, y, c);
    case ZP_U16: return *ZP_SAMPLE(uint16_t, v, x, y, c);
    default: return *ZP_SAMPLE(float, v, x, y, c);
    }
}

static void put(const zp_view *v, int32_t x, int32_t y, int c, double value) {
    switch (v->dtype) {
    case ZP_U8: *ZP_SAMPLE(uint8_t, v, x, y, c) = (uint8_t)value; break;
    case ZP_U16: *ZP_SAMPLE(uint16_t, v, x, y, c) = (uint16_t)value; break;
    default: *ZP_SAMPLE(float, v, x, y, c) = (float)value; break;
    }
}

/* Random content: uniform, or only the extremes 0 / max (worst cases for
 * clamping and rounding), chosen by `pattern`. */
static void fill(const zp_view *v, uint32_t *seed, int pattern) {
    const double max = full_scale(v->dtype);
    for (int32_t y = 0; y < v->height; y++)
        for (int32_t x = 0; x < v->width; x++)
            for (int c = 0; c < v->channels; c++) {
                const uint32_t r = zp_test_rand(seed);
                double value;
                if (pattern == 1) value = (r >> 7) & 1 ? max : 0;
                else if (v->dtype == ZP_F32) value = (double)(r >> 8) / (double)(1u << 24);
                else value = (double)(r % (uint32_t)(max + 1));
                put(v, x, y, c, value);
            }
}

/* A w x h view with `ch` channels in layout `lay`, random content. */
static zp_view make_input(enum layout lay, int32_t w, int32_t h, int ch, zp_dtype dt,
                          uint32_t *seed, int pattern) {
    zp_view parent, v;
    memset(&v, 0, sizeof v);
    switch (lay) {
    case L_PADDED:
        CHECK_OK(zp_view_alloc(w + 3, h + 2, ch, dt, &parent));
        fill(&parent, seed, pattern);
        CHECK_OK(zp_view_crop(&parent, 2, 1, w, h, &v));
        break;
    case L_FLIP:
        CHECK_OK(zp_view_alloc(w, h, ch, dt, &parent));
        fill(&parent, seed, pattern);
        CHECK_OK(zp_view_flip(&parent, ZP_FLIP_X | ZP_FLIP_Y, &v));
        break;
    case L_TRANSPOSE:
        CHECK_OK(zp_view_alloc(h, w, ch, dt, &parent));
        fill(&parent, seed, pattern);
        CHECK_OK(zp_view_transpose(&parent, &v));
        break;
    case L_SUBSET: /* a 4-channel image has no spare channel: reverse instead */
    case L_REVERSED:
        if (lay == L_SUBSET && ch < 4) {
            CHECK_OK(zp_view_alloc(w, h, ch + 1, dt, &parent));
            fill(&parent, seed, pattern);
            CHECK_OK(zp_view_channels(&parent, 1, ch, 1, &v));
            break;
        }
        CHECK_OK(zp_view_alloc(w, h, ch, dt, &parent));
        fill(&parent, seed, pattern);
        CHECK_OK(zp_view_channels(&parent, ch - 1, ch, -1, &v));
        break;
    case L_STEP:
        CHECK_OK(zp_view_alloc(2 * w, 2 * h, ch, dt, &parent));
        fill(&parent, seed, pattern);
        CHECK_OK(zp_view_step(&parent, 2, 2, &v));
        break;
    default:
        CHECK_OK(zp_view_alloc(w, h, ch, dt, &parent));
        fill(&parent, seed, pattern);
        zp_view_share(&parent, &v);
        break;
    }
    zp_view_release(&parent);
    CHECK(v.width == w && v.height == h && v.channels == ch);
    return v;
}

static zp_view packed_copy(const zp_view *v) {
    zp_view c;
    CHECK_OK(zp_view_alloc(v->width, v->height, v->channels, v->dtype, &c));
    CHECK_OK(zp_view_copy(v, &c));
    return c;
}

static int views_equal(const zp_view *a, const zp_view *b) {
    if (a->width != b->width || a->height != b->height || a->channels != b->channels ||
        a->dtype != b->dtype)
        return 0;
    for (int32_t y = 0; y < a->height; y++)
        for (int32_t x = 0; x < a->width; x++)
            for (int c = 0; c < a->channels; c++) {
                const double p = get(a, x, y, c), q = get(b, x, y, c);
                if (memcmp(&p, &q, sizeof p)) return 0; /* bit for bit, NaN included */
            }
    return 1;
}

/* ---- Running a filter ---------------------------------------------------------- */

/* Plan, then process on a grid of tw x th output tiles (the harness only
 * cuts bands), each with the default region: the tile grown by the halo,
 * clipped to the image. tw/th <= 0: the whole width/height. */
static zp_status run_tiles(const zp_filter *f, const zp_param_value *values, const zp_view *in,
                           int32_t tw, int32_t th, zp_view *out) {
    zp_plan plan;
    zp_status st = harness_plan(f, values, in, &plan);
    if (st) {
        if (f->done && plan.state) f->done(plan.state);
        return st;
    }
    if (tw <= 0) tw = plan.width;
    if (th <= 0) th = plan.height;
    st = zp_view_alloc(plan.width, plan.height, plan.channels, plan.dtype, out);
    for (int32_t y = 0; !st && y < plan.height; y += th)
        for (int32_t x = 0; !st && x < plan.width; x += tw) {
            zp_rect o = {x, y, tw < plan.width - x ? tw : plan.width - x,
                         th < plan.height - y ? th : plan.height - y};
            int32_t x0 = o.x - plan.halo_x, y0 = o.y - plan.halo_y;
            int32_t x1 = o.x + o.width + plan.halo_x, y1 = o.y + o.height + plan.halo_y;
            x0 = x0 < 0 ? 0 : x0;
            y0 = y0 < 0 ? 0 : y0;
            x1 = x1 > in->width ? in->width : x1;
            y1 = y1 > in->height ? in->height : y1;
            zp_rect i = {x0, y0, x1 - x0, y1 - y0};
            zp_view iv, ov;
            CHECK_OK(zp_view_crop(in, i.x, i.y, i.width, i.height, &iv));
            CHECK_OK(zp_view_crop(out, o.x, o.y, o.width, o.height, &ov));
            iv.flags |= ZP_VIEW_READONLY;
            st = f->process(plan.state, &iv, &i, &ov, &o);
            zp_view_release(&iv);
            zp_view_release(&ov);
        }
    if (st) zp_view_release(out);
    if (f->done) f->done(plan.state);
    return st;
}

static const zp_filter *need_filter(const char *name) {
    const zp_filter *f = harness_find(name);
    if (!f) {
        fprintf(stderr, "filter %s is not built in\n", name);
        exit(1);
    }
    return f;
}

/* ---- Comparing with a reference ------------------------------------------------ */

/* The largest differences seen, per check kind, for the report. */
typedef struct stats {
    const char *label;
    double max_raw;     /* max |out - unrounded reference|               */
    double max_rounded; /* max |out - rounded reference| (integer types) */
    long   samples, skipped;
} stats;

static double round_clamp(double v, double max) {
    v = v > 0 ? v : 0;
    v = v < max ? v : max;
    return floor(v + 0.5);
}

/* Compare out with ref (w*h*ch doubles, unrounded, unclamped; NaN = don't
 * care). Integer types: |out - round_clamp(ref)| <= int_tol (0 = exact, 1 =
 * the documented "within 1"), and, tighter, |out - clamp(ref)| <= raw_tol
 * (0.5 is perfect rounding; the slack above it is what the arithmetic may
 * add, so a kernel that truncates instead of rounding fails).
 * f32: |out - clamp?(ref)| <= f_tol * (1 + |ref|). */
static void compare(const zp_view *out, const double *ref, double int_tol, double raw_tol,
                    double f_tol, int clamp_f32, stats *s, const char *what) {
    const double max = full_scale(out->dtype);
    int reported = 0;
    for (int32_t y = 0; y < out->height; y++)
        for (int32_t x = 0; x < out->width; x++)
            for (int c = 0; c < out->channels; c++) {
                double want = ref[((size_t)y * out->width + x) * out->channels + c];
                if (want != want) {
                    s->skipped++;
                    continue;
                }
                const double got = get(out, x, y, c);
                int bad;
                s->samples++;
                if (out->dtype == ZP_F32) {
                    if (clamp_f32) want = want < 0 ? 0 : want > 1 ? 1 : want;
                    const double d = fabs(got - want);
                    if (d > s->max_raw) s->max_raw = d;
                    bad = !(d <= f_tol * (1 + fabs(want)));
                } else {
                    const double raw = fabs(got - (want < 0 ? 0 : want > max ? max : want));
                    const double d = fabs(got - round_clamp(want, max));
                    if (raw > s->max_raw) s->max_raw = raw;
                    if (d > s->max_rounded) s->max_rounded = d;
                    bad = d > int_tol || raw > raw_tol;
                }
                if (bad) {
                    zp_test_failures += !reported;
                    if (reported++ < 3)
                        fprintf(stderr, "%s: (%d,%d,%d) got %.9g, reference %.9g\n", what,
                                (int)x, (int)y, c, got, want);
                }
            }
}

static void print_stats(const stats *s) {
    printf("  %-22s max |out-ref| %.3g, max |out-round(ref)| %g  (%ld samples, %ld skipped)\n",
           s->label, s->max_raw, s->max_rounded, s->samples, s->skipped);
}

/* ---- References ------------------------------------------------------------------ */

static int32_t clampi(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/* The normalised Gaussian weights, computed as the filter documents. */
static int32_t gauss_weights(double sigma, double *w) {
    int32_t r = (int32_t)ceil(3.0 * sigma);
    if (r < 1) r = 1;
    double sum = 0;
    for (int32_t i = 0; i < 2 * r + 1; i++) {
        const double d = i - r;
        w[i] = exp(-d * d / (2.0 * sigma * sigma));
        sum += w[i];
    }
    for (int32_t i = 0; i < 2 * r + 1; i++) w[i] /= sum;
    return r;
}

/* out[(y*w+x)*ch+c] = sum over j, i of w[j] w[i] in(clamp(x+i), clamp(y+j)). */
static double *ref_gauss(const zp_view *in, double sigma) {
    static double w[6100];
    const int32_t r = gauss_weights(sigma, w), W = in->width, H = in->height;
    const int ch = in->channels;
    double *out = calloc((size_t)W * H * ch, sizeof *out);
    for (int32_t y = 0; y < H; y++)
        for (int32_t x = 0; x < W; x++)
            for (int c = 0; c < ch; c++) {
                double s = 0;
                for (int32_t j = -r; j <= r; j++)
                    for (int32_t i = -r; i <= r; i++)
                        s += w[j + r] * w[i + r] *
                             get(in, clampi(x + i, 0, W - 1), clampi(y + j, 0, H - 1), c);
                out[((size_t)y * W + x) * ch + c] = s;
            }
    return out;
}

/* Box: the exact integer (or double) sum; integer types get the rounded
 * mean floor((S + N/2) / N) itself, so comparing is exact. */
static double *ref_box(const zp_view *in, int32_t r) {
    const int32_t W = in->width, H = in->height;
    const int ch = in->channels;
    const double N = (double)(2 * r + 1) * (2 * r + 1);
    double *out = calloc((size_t)W * H * ch, sizeof *out);
    for (int32_t y = 0; y < H; y++)
        for (int32_t x = 0; x < W; x++)
            for (int c = 0; c < ch; c++) {
                double s = 0;
                for (int32_t j = -r; j <= r; j++)
                    for (int32_t i = -r; i <= r; i++)
                        s += get(in, clampi(x + i, 0, W - 1), clampi(y + j, 0, H - 1), c);
                out[((size_t)y * W + x) * ch + c] =
                    in->dtype == ZP_F32 ? s / N : floor((s + floor(N / 2)) / N);
            }
    return out;
}

/* Convolve: S in double (exact for integer kernels on integer samples),
 * then S * scale + offset * max, the scale chosen as documented. */
static double effective_scale(const double *k, int count, double scale) {
    double sum = 0, abs_sum = 0;
    for (int i = 0; i < count; i++) {
        sum += k[i];
        abs_sum += fabs(k[i]);
    }
    if (scale != 0) return scale;
    return fabs(sum) <= 1e-9 * abs_sum ? 1.0 : 1.0 / sum;
}

static double *ref_convolve(const zp_view *in, const double *k, int count, double scale,
                            double offset) {
    const int side = (int)lround(sqrt(count)), h = side / 2;
    const int32_t W = in->width, H = in->height;
    const int ch = in->channels;
    const double sc = effective_scale(k, count, scale), bias = offset * full_scale(in->dtype);
    double *out = calloc((size_t)W * H * ch, sizeof *out);
    for (int32_t y = 0; y < H; y++)
        for (int32_t x = 0; x < W; x++)
            for (int c = 0; c < ch; c++) {
                double s = 0;
                for (int j = 0; j < side; j++)
                    for (int i = 0; i < side; i++)
                        s += k[j * side + i] *
                             get(in, clampi(x + i - h, 0, W - 1), clampi(y + j - h, 0, H - 1), c);
                out[((size_t)y * W + x) * ch + c] = s * sc + bias;
            }
    return out;
}

/* Sharpen from the blur reference; NaN where |in - blur| is so close to the
 * threshold that either decision is right. */
static double *ref_sharpen(const zp_view *in, double sigma, double amount, double threshold) {
    double *b = ref_gauss(in, sigma);
    const double max = full_scale(in->dtype), thr = threshold * max;
    const double margin = in->dtype == ZP_F32 ? 1e-6 : 1e-3;
    const int32_t W = in->width, H = in->height;
    const int ch = in->channels;
    for (int32_t y = 0; y < H; y++)
        for (int32_t x = 0; x < W; x++)
            for (int c = 0; c < ch; c++) {
                double *o = &b[((size_t)y * W + x) * ch + c];
                const double v = get(in, x, y, c), d = v - *o;
                if (threshold > 0 && fabs(fabs(d) - thr) < margin) *o = NAN;
                else *o = fabs(d) >= thr ? v + amount * d : v;
            }
    return b;
}

/* ---- Shared loops ----------------------------------------------------------------- */

typedef struct size2 {
    int32_t w, h;
} size2;
/* Odd sizes, single rows and columns, and sizes smaller than the halo. */
static const size2 sizes[] = {{1, 1}, {1, 9}, {9, 1}, {67, 13}, {13, 67}, {3, 2}, {30, 17}};
#define NSIZES (int)(sizeof sizes / sizeof sizes[0])
static const zp_dtype dtypes[] = {ZP_U8, ZP_U16, ZP_F32};

/* ---- Parts ---------------------------------------------------------------------- */

static void part_blur(void) {
    const zp_filter *f = need_filter("blur");
    zp_param_value v[4];
    stats st[3] = {{.label = "blur u8 (Q14 path)"}, {.label = "blur u16"}, {.label = "blur f32"}};
    stats big = {.label = "blur u8 (float path)"};
    const double sigmas[] = {0.1, 0.5, 1.0, 2.5, 6.0, 20.0};
    uint32_t seed = 11;
    int k = 0;
    for (int d = 0; d < 3; d++)
        for (int si = 0; si < (int)(sizeof sigmas / sizeof sigmas[0]); si++)
            for (int zi = 0; zi < NSIZES; zi++, k++) {
                const double sigma = sigmas[si];
                size2 sz = sizes[zi];
                if (sigma >= 6 && sz.w * sz.h > 100) sz = (size2){sz.w / 3 + 1, sz.h / 3 + 1};
                const int ch = 1 + k % 4;
                const enum layout lay = (enum layout)(k % L_COUNT);
                zp_view in = make_input(lay, sz.w, sz.h, ch, dtypes[d], &seed, k % 5 == 4), out;
                harness_defaults(f, v);
                v[harness_param(f, "sigma")].number = sigma;
                char what[128];
                snprintf(what, sizeof what, "blur sigma %g %dx%dx%d %s %s", sigma, (int)sz.w,
                         (int)sz.h, ch, zp_dtype_name(dtypes[d]), layout_names[lay]);
                CHECK_OK(harness_run(f, v, &in, seed, &out));
                double *ref = ref_gauss(&in, sigma);
                zp_conv_gauss g; /* which u8 path the filter takes */
                CHECK_OK(zp_conv_gauss_init(&g, sigma));
                const int q14 = dtypes[d] == ZP_U8 && g.q14_ok;
                stats *s = dtypes[d] == ZP_U8 && !q14 ? &big : &st[d];
                /* Q14: its computed worst-case bound; float: float rounding. */
                const double raw_tol = 0.5 + (q14 ? g.q14_error : 0.02);
                zp_conv_gauss_free(&g);
                compare(&out, ref, 1, raw_tol, 1e-5, 0, s, what);
                free(ref);
                zp_view_release(&out);
                zp_view_release(&in);
            }
    printf("blur, tolerances (u8/u16 within 1 of the rounded reference):\n");
    for (int d = 0; d < 3; d++) print_stats(&st[d]);
    print_stats(&big);
}

static void part_box(void) {
    const zp_filter *f = need_filter("box_blur");
    zp_param_value v[4];
    stats st[3] = {{.label = "box_blur u8"}, {.label = "box_blur u16"}, {.label = "box_blur f32"}};
    const int32_t radii[] = {1, 2, 5, 12};
    uint32_t seed = 22;
    int k = 0;
    for (int d = 0; d < 3; d++)
        for (int ri = 0; ri < 4; ri++)
            for (int zi = 0; zi < NSIZES; zi++, k++) {
                const size2 sz = sizes[zi];
                const int ch = 1 + k % 4;
                const enum layout lay = (enum layout)(k % L_COUNT);
                zp_view in = make_input(lay, sz.w, sz.h, ch, dtypes[d], &seed, k % 5 == 4), out;
                harness_defaults(f, v);
                v[harness_param(f, "radius")].number = radii[ri];
                char what[128];
                snprintf(what, sizeof what, "box_blur r %d %dx%dx%d %s %s", (int)radii[ri],
                         (int)sz.w, (int)sz.h, ch, zp_dtype_name(dtypes[d]), layout_names[lay]);
                CHECK_OK(harness_run(f, v, &in, seed, &out));
                double *ref = ref_box(&in, radii[ri]);
                compare(&out, ref, 0, 0.5, 1e-6, 0, &st[d], what);
                free(ref);
                zp_view_release(&out);
                zp_view_release(&in);
            }
    /* Radii far beyond the image, up to the maximum: the whole image
     * replicated many times over; u8 sums reach 255 * 4001^2, near 2^32. */
    const int32_t huge[] = {40, 2000};
    for (int d = 0; d < 3; d++)
        for (int hi = 0; hi < 2; hi++, k++) {
            const int32_t r = huge[hi];
            const int32_t w = hi ? 1 : 3, h = hi ? 2 : 4;
            zp_view in = make_input((enum layout)(k % L_COUNT), w, h, 1 + k % 4, dtypes[d],
                                    &seed, 1), out;
            harness_defaults(f, v);
            v[0].number = r;
            CHECK_OK(harness_run(f, v, &in, seed, &out));
            double *ref = ref_box(&in, r);
            compare(&out, ref, 0, 0.5, 1e-6, 0, &st[d], "box_blur huge radius");
            free(ref);
            zp_view_release(&out);
            zp_view_release(&in);
        }
    printf("box_blur, tolerances (u8/u16 exact):\n");
    for (int d = 0; d < 3; d++) print_stats(&st[d]);
}

static void part_sharpen(void) {
    const zp_filter *f = need_filter("sharpen");
    zp_param_value v[4];
    stats st[3] = {{.label = "sharpen u8"}, {.label = "sharpen u16"}, {.label = "sharpen f32"}};
    const struct {
        double sigma, amount, threshold;
    } cases[] = {{1.0, 1.0, 0.0}, {0.5, 3.0, 0.0}, {2.0, 0.7, 0.05}, {1.5, 10.0, 0.2},
                 {3.0, 0.0, 0.0}, {0.8, 2.0, 1.0}};
    uint32_t seed = 33;
    int k = 0;
    for (int d = 0; d < 3; d++)
        for (int ci = 0; ci < (int)(sizeof cases / sizeof cases[0]); ci++)
            for (int zi = 0; zi < NSIZES; zi++, k++) {
                const size2 sz = sizes[zi];
                const int ch = 1 + k % 4;
                const enum layout lay = (enum layout)(k % L_COUNT);
                zp_view in = make_input(lay, sz.w, sz.h, ch, dtypes[d], &seed, k % 5 == 4), out;
                harness_defaults(f, v);
                v[harness_param(f, "sigma")].number = cases[ci].sigma;
                v[harness_param(f, "amount")].number = cases[ci].amount;
                v[harness_param(f, "threshold")].number = cases[ci].threshold;
                char what[160];
                snprintf(what, sizeof what, "sharpen %g/%g/%g %dx%dx%d %s %s", cases[ci].sigma,
                         cases[ci].amount, cases[ci].threshold, (int)sz.w, (int)sz.h, ch,
                         zp_dtype_name(dtypes[d]), layout_names[lay]);
                CHECK_OK(harness_run(f, v, &in, seed, &out));
                double *ref = ref_sharpen(&in, cases[ci].sigma, cases[ci].amount,
                                          cases[ci].threshold);
                /* amount 0 and threshold 1 must give the input back exactly. */
                const int identity = cases[ci].amount == 0 || cases[ci].threshold == 1.0;
                if (identity) CHECK(views_equal(&in, &out));
                /* f32: pixels that were sharpened are clamped to 0..1; the test
                 * data is in 0..1 so clamping the reference is right. */
                compare(&out, ref, identity ? 0 : 1, 0.5 + 0.01 * (1 + cases[ci].amount), 2e-5,
                        1, &st[d], what);
                free(ref);
                zp_view_release(&out);
                zp_view_release(&in);
            }
    printf("sharpen, tolerances (u8/u16 within 1 of the rounded reference):\n");
    for (int d = 0; d < 3; d++) print_stats(&st[d]);
}

/* zp_conv_i16_plan: where it accepts, the 16-bit path's finish
 * clamp((acc * mul + add) >> shift, 0, 255) equals conv_i32_to_u8 of the C
 * table (acc * scale + bias in double) for every acc the kernel can reach,
 * -sum|k| * 255 .. sum|k| * 255. */
static void check_i16_plan(void) {
    static const int32_t sharp[9] = {-1, -1, -1, -1, 16, -1, -1, -1, -1};
    static const int32_t gauss[9] = {1, 2, 1, 2, 4, 2, 1, 2, 1};
    static const int32_t lap[9] = {0, -1, 0, -1, 4, -1, 0, -1, 0};
    static const int32_t big[9] = {0, 0, 0, 0, 127, 0, 0, 0, 1};
    static const int32_t neg[9] = {-128, 0, 0, 0, 0, 0, 0, 0, 0};
    const int32_t *kernels[] = {sharp, gauss, lap, big, neg};
    const double scales[] = {0.125, 1.0 / 16, 1.0 / 256, 0.5,  1,           3,
                             -0.25, 1.0 / 3, 0.1,      0.75, 1.0 / 16384, 1.0 / 32768};
    const double offsets[] = {0, 0.5, -0.25, 0.1, 1, -1, 1.0 / 255};
    const struct zp_conv_kernels *kc = zp_conv_kernels_c();
    int accepted = 0, tried = 0;
    for (size_t ki = 0; ki < sizeof kernels / sizeof kernels[0]; ki++)
        for (size_t si = 0; si < sizeof scales / sizeof scales[0]; si++)
            for (size_t oi = 0; oi < sizeof offsets / sizeof offsets[0]; oi++) {
                const double scale = scales[si], bias = offsets[oi] * 255.0;
                int16_t k16[9];
                int32_t mul, add, sum = 0;
                int shift;
                tried++;
                if (!zp_conv_i16_plan(kernels[ki], 9, scale, bias, k16, &mul, &add, &shift))
                    continue;
                accepted++;
                for (int t = 0; t < 9; t++) {
                    sum += abs(kernels[ki][t]) * 255;
                    CHECK(k16[t] == kernels[ki][t] * mul);
                }
                CHECK(shift >= 0 && shift <= 14);
                int bad = 0;
                for (int32_t a = -sum; a <= sum && !bad; a++) {
                    uint8_t ref;
                    kc->conv_i32_to_u8(&a, scale, bias, &ref, 1);
                    const int32_t v = (a * mul + add) >> shift;
                    bad = ref != (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
                    if (bad)
                        fprintf(stderr, "i16 plan: acc %d scale %g bias %g: %d, not %d\n",
                                (int)a, scale, bias, v, ref);
                }
                CHECK(!bad);
            }
    /* The benchmark's sharpen kernel takes the 16-bit path; 1/3 never does. */
    int16_t k16[9];
    int32_t mul, add;
    int shift;
    CHECK(zp_conv_i16_plan(sharp, 9, 0.125, 0, k16, &mul, &add, &shift) && shift == 3);
    CHECK(!zp_conv_i16_plan(gauss, 9, 1.0 / 3, 0, k16, &mul, &add, &shift));
    CHECK(!zp_conv_i16_plan(sharp, 9, 32, 0, k16, &mul, &add, &shift)); /* 24*32*255 */
    printf("convolve: 16-bit plan exact on every reachable sum (%d of %d settings taken)\n",
           accepted, tried);
}

static void part_convolve(void) {
    check_i16_plan();
    const zp_filter *f = need_filter("convolve");
    zp_param_value v[4];
    stats st_int[2] = {{.label = "convolve u8 integer"}, {.label = "convolve u16 integer"}};
    stats st_flt[3] = {{.label = "convolve u8 float"}, {.label = "convolve u16 float"},
                       {.label = "convolve f32"}};
    static double k5[25], k7[49], k15[225], kf[9];
    uint32_t seed = 44;
    for (int i = 0; i < 25; i++) k5[i] = (double)(int)(zp_test_rand(&seed) % 11) - 3;
    for (int i = 0; i < 49; i++) k7[i] = (double)(int)(zp_test_rand(&seed) % 7);
    for (int i = 0; i < 225; i++) k15[i] = (double)(int)(zp_test_rand(&seed) % 5) - 1;
    for (int i = 0; i < 9; i++) kf[i] = 0.1 + 0.05 * i;
    static const double gauss3[9] = {1, 2, 1, 2, 4, 2, 1, 2, 1};
    static const double laplace[9] = {0, -1, 0, -1, 4, -1, 0, -1, 0}; /* sums to 0 */
    static const double shift[9] = {0, 0, 0, 0, 0, 1, 0, 0, 0};      /* out(x) = in(x+1) */
    static const double sharp3[9] = {-1, -1, -1, -1, 16, -1, -1, -1, -1}; /* 16-bit path */
    const struct {
        const double *k;
        int count;
        double scale, offset;
        int integer;
    } cases[] = {
        {gauss3, 9, 0, 0, 1},   {laplace, 9, 0, 0.5, 1}, {laplace, 9, 3, 0, 1},
        {shift, 9, 0, 0, 1},    {k5, 25, 0, 0, 1},       {k5, 25, 0.01, 0.25, 1},
        {k7, 49, 0, -0.1, 1},   {k15, 225, 0, 0, 1},     {kf, 9, 0, 0, 0},
        {kf, 9, -0.5, 1, 0},    {sharp3, 9, 0.125, 0, 1}, {sharp3, 9, 0.25, -0.5, 1},
    };
    int k = 0;
    for (int d = 0; d < 3; d++)
        for (int ci = 0; ci < (int)(sizeof cases / sizeof cases[0]); ci++)
            for (int zi = 0; zi < NSIZES; zi++, k++) {
                const size2 sz = sizes[zi];
                const int ch = 1 + k % 4;
                const enum layout lay = (enum layout)(k % L_COUNT);
                zp_view in = make_input(lay, sz.w, sz.h, ch, dtypes[d], &seed, k % 5 == 4), out;
                harness_defaults(f, v);
                const int ik = harness_param(f, "kernel");
                v[ik].numbers = cases[ci].k;
                v[ik].count = cases[ci].count;
                v[ik].is_set = 1;
                v[harness_param(f, "scale")].number = cases[ci].scale;
                v[harness_param(f, "offset")].number = cases[ci].offset;
                char what[160];
                snprintf(what, sizeof what, "convolve case %d %dx%dx%d %s %s", ci, (int)sz.w,
                         (int)sz.h, ch, zp_dtype_name(dtypes[d]), layout_names[lay]);
                CHECK_OK(harness_run(f, v, &in, seed, &out));
                double *ref = ref_convolve(&in, cases[ci].k, cases[ci].count, cases[ci].scale,
                                           cases[ci].offset);
                const int exact = cases[ci].integer && dtypes[d] != ZP_F32;
                compare(&out, ref, exact ? 0 : 1, exact ? 0.5 : 0.51, 2e-6, 1,
                        exact ? &st_int[d] : &st_flt[d], what);
                free(ref);
                zp_view_release(&out);
                zp_view_release(&in);
            }
    printf("convolve, tolerances (integer kernels on u8/u16 exact):\n");
    for (int d = 0; d < 2; d++) print_stats(&st_int[d]);
    for (int d = 0; d < 3; d++) print_stats(&st_flt[d]);
}

/* One configuration per filter for the layout-independent checks. */
typedef struct config {
    const char *filter;
    double a, b, c;        /* first three number parameters               */
    const double *numbers; /* convolve's kernel                           */
    int count;
} config;
static const double sobel[9] = {-1, 0, 1, -2, 0, 2, -1, 0, 1};
static const config configs[] = {
    {"blur", 1.3, 0, 0, NULL, 0},     {"blur", 11.0, 0, 0, NULL, 0},
    {"box_blur", 3, 0, 0, NULL, 0},   {"sharpen", 1.0, 2.0, 0.02, NULL, 0},
    {"convolve", 0, 0, 0.5, sobel, 9}, {"convolve", 0.1, 0, 0, sobel, 9},
};
#define NCONFIGS (int)(sizeof configs / sizeof configs[0])

static const zp_filter *config_values(const config *cf, zp_param_value *v) {
    const zp_filter *f = need_filter(cf->filter);
    harness_defaults(f, v);
    if (cf->numbers) { /* convolve: kernel, scale = a, offset = c */
        v[0].numbers = cf->numbers;
        v[0].count = cf->count;
        v[0].is_set = 1;
        v[1].number = cf->a;
        v[2].number = cf->c;
    } else {
        const double nums[3] = {cf->a, cf->b, cf->c};
        for (uint32_t i = 0; i < f->param_count && i < 3; i++)
            if (nums[i] != 0) v[i].number = nums[i];
    }
    return f;
}

/* A filter applied to a crop of a larger image whose outside holds
 * extremes (max / 0 alternating) equals the filter on a packed copy of the
 * crop, bit for bit: nothing outside the view is read. */
static void part_isolation(void) {
    uint32_t seed = 55;
    zp_param_value v[4];
    for (int ci = 0; ci < NCONFIGS; ci++)
        for (int d = 0; d < 3; d++) {
            const config *cf = &configs[ci];
            const zp_filter *f = config_values(cf, v);
            const int ch = 1 + (ci + d) % 4;
            const int32_t W = 40, H = 30, cw = 17, chh = 11, cx = 9, cy = 7;
            zp_view big, crop, copy, out_crop, out_copy;
            CHECK_OK(zp_view_alloc(W, H, ch, dtypes[d], &big));
            const double max = full_scale(dtypes[d]);
            for (int32_t y = 0; y < H; y++)
                for (int32_t x = 0; x < W; x++)
                    for (int c = 0; c < ch; c++) put(&big, x, y, c, (x + y) & 1 ? max : 0);
            CHECK_OK(zp_view_crop(&big, cx, cy, cw, chh, &crop));
            fill(&crop, &seed, 0);
            copy = packed_copy(&crop);
            CHECK_OK(harness_run(f, v, &crop, seed, &out_crop));
            CHECK_OK(harness_run(f, v, &copy, seed + 1, &out_copy));
            if (!views_equal(&out_crop, &out_copy)) {
                fprintf(stderr, "isolation: %s (config %d) %s differs on a crop\n", cf->filter,
                        ci, zp_dtype_name(dtypes[d]));
                zp_test_failures++;
            }
            /* A flipped crop: the view's first pixel is the crop's far corner. */
            zp_view flipped, out_flip, flip_copy, out_flip_copy;
            CHECK_OK(zp_view_flip(&crop, ZP_FLIP_X | ZP_FLIP_Y, &flipped));
            flip_copy = packed_copy(&flipped);
            CHECK_OK(harness_run(f, v, &flipped, seed + 2, &out_flip));
            CHECK_OK(harness_run(f, v, &flip_copy, seed + 3, &out_flip_copy));
            CHECK(views_equal(&out_flip, &out_flip_copy));
            zp_view_release(&out_flip);
            zp_view_release(&out_flip_copy);
            zp_view_release(&flip_copy);
            zp_view_release(&flipped);
            zp_view_release(&out_crop);
            zp_view_release(&out_copy);
            zp_view_release(&copy);
            zp_view_release(&crop);
            zp_view_release(&big);
        }
    printf("isolation: %d configurations x 3 dtypes, crop == packed copy\n", NCONFIGS);
}

/* One full-image call == random bands (several seeds) == tiles of various
 * shapes (the ABI allows any rectangles), bit for bit. */
static void part_bands(void) {
    uint32_t seed = 66;
    zp_param_value v[4];
    const int32_t tiles[][2] = {{0, 1}, {0, 2}, {7, 5}, {1, 0}, {3, 3}, {16, 0}};
    int k = 0;
    for (int ci = 0; ci < NCONFIGS; ci++)
        for (int d = 0; d < 3; d++, k++) {
            const config *cf = &configs[ci];
            const zp_filter *f = config_values(cf, v);
            zp_view in = make_input((enum layout)(k % L_COUNT), 37, 23, 1 + k % 4, dtypes[d],
                                    &seed, k % 3 == 2), whole, part;
            CHECK_OK(run_tiles(f, v, &in, 0, 0, &whole));
            for (uint32_t s = 1; s <= 4; s++) {
                CHECK_OK(harness_run(f, v, &in, seed + s * 7919, &part));
                if (!views_equal(&whole, &part)) {
                    fprintf(stderr, "bands: %s (config %d) %s: random bands differ\n",
                            cf->filter, ci, zp_dtype_name(dtypes[d]));
                    zp_test_failures++;
                }
                zp_view_release(&part);
            }
            for (size_t t = 0; t < sizeof tiles / sizeof tiles[0]; t++) {
                CHECK_OK(run_tiles(f, v, &in, tiles[t][0], tiles[t][1], &part));
                if (!views_equal(&whole, &part)) {
                    fprintf(stderr, "bands: %s (config %d) %s: tiles %dx%d differ\n", cf->filter,
                            ci, zp_dtype_name(dtypes[d]), (int)tiles[t][0], (int)tiles[t][1]);
                    zp_test_failures++;
                }
                zp_view_release(&part);
            }
            zp_view_release(&whole);
            zp_view_release(&in);
        }
    printf("bands: %d configurations x 3 dtypes, whole == bands == tiles\n", NCONFIGS);
}

/* Bad parameters and inputs: the documented status, and a message naming
 * the parameter. */
static void expect_error(const char *filter, const char *param, double value,
                         const double *numbers, int count, zp_dtype dtype, int channels,
                         zp_status want, const char *needle) {
    const zp_filter *f = need_filter(filter);
    zp_param_value v[4];
    harness_defaults(f, v);
    if (param) {
        const int i = harness_param(f, param);
        v[i].number = value;
        v[i].is_set = 1;
        if (numbers || count) {
            v[i].numbers = numbers;
            v[i].count = count;
        }
    }
    if (!strcmp(filter, "convolve") && (!param || strcmp(param, "kernel"))) {
        static const double ok[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        v[0].numbers = ok;
        v[0].count = 9;
        v[0].is_set = 1;
    }
    zp_view fake;
    memset(&fake, 0, sizeof fake);
    fake.width = 8;
    fake.height = 8;
    fake.channels = channels;
    fake.dtype = dtype;
    char msg[256];
    const zp_status st = harness_plan_message(f, v, &fake, msg, sizeof msg);
    if (st != want || !strstr(msg, needle)) {
        fprintf(stderr, "%s %s=%g: got %s \"%s\", expected %s with \"%s\"\n", filter,
                param ? param : "-", value, zp_status_str(st), msg, zp_status_str(want), needle);
        zp_test_failures++;
    }
}

static void part_errors(void) {
    const zp_status E = ZP_ERR_INVALID_ARG, U = ZP_ERR_UNSUPPORTED;
    expect_error("blur", "sigma", 0, NULL, 0, ZP_U8, 3, E, "sigma");
    expect_error("blur", "sigma", -2, NULL, 0, ZP_U8, 3, E, "sigma");
    expect_error("blur", "sigma", 0.05, NULL, 0, ZP_U8, 3, E, "0.1 and 1000");
    expect_error("blur", "sigma", 1000.5, NULL, 0, ZP_U8, 3, E, "sigma");
    expect_error("blur", "sigma", NAN, NULL, 0, ZP_U8, 3, E, "sigma");
    expect_error("box_blur", "radius", 0, NULL, 0, ZP_U8, 3, E, "radius");
    expect_error("box_blur", "radius", 2001, NULL, 0, ZP_U16, 3, E, "1 to 2000");
    expect_error("box_blur", "radius", 1.5, NULL, 0, ZP_U8, 3, E, "whole number");
    expect_error("sharpen", "sigma", 0, NULL, 0, ZP_U8, 3, E, "sigma");
    expect_error("sharpen", "amount", -0.1, NULL, 0, ZP_U8, 3, E, "amount");
    expect_error("sharpen", "amount", 10.5, NULL, 0, ZP_U8, 3, E, "between 0 and 10");
    expect_error("sharpen", "threshold", 1.5, NULL, 0, ZP_U8, 3, E, "threshold");
    expect_error("sharpen", "threshold", -1, NULL, 0, ZP_F32, 3, E, "fraction of full scale");
    static const double k8[8] = {0}, k16[16] = {0}, k4[4] = {0}, k289[289] = {0};
    static const double kbad[9] = {1, 1, 1, 1, INFINITY, 1, 1, 1, 1};
    static const double kbig[9] = {1, 1, 1, 1, 2e6, 1, 1, 1, 1};
    expect_error("convolve", "kernel", 0, NULL, 0, ZP_U8, 3, E, "kernel is required");
    expect_error("convolve", "kernel", 0, k8, 8, ZP_U8, 3, E, "not 8");
    expect_error("convolve", "kernel", 0, k16, 16, ZP_U8, 3, E, "odd side");
    expect_error("convolve", "kernel", 0, k4, 4, ZP_U8, 3, E, "9, 25");
    expect_error("convolve", "kernel", 0, k289, 289, ZP_U8, 3, E, "not 289");
    expect_error("convolve", "kernel", 0, kbad, 9, ZP_U8, 3, E, "kernel entry 5");
    expect_error("convolve", "kernel", 0, kbig, 9, ZP_U8, 3, E, "kernel entry 5");
    expect_error("convolve", "scale", NAN, NULL, 0, ZP_U8, 3, E, "scale");
    expect_error("convolve", "scale", 2e6, NULL, 0, ZP_U8, 3, E, "scale");
    expect_error("convolve", "offset", 1.5, NULL, 0, ZP_U8, 3, E, "offset");
    const char *names[] = {"blur", "box_blur", "sharpen", "convolve"};
    for (int i = 0; i < 4; i++) {
        expect_error(names[i], NULL, 0, NULL, 0, (zp_dtype)9, 3, U, "u8, u16 or f32");
        expect_error(names[i], NULL, 0, NULL, 0, ZP_U8, 5, U, "1 to 4 channels");
        expect_error(names[i], NULL, 0, NULL, 0, ZP_U8, 0, U, "1 to 4 channels");
    }
    /* The user's pixel limit, and a host from before max_pixels existed
     * (struct_size stops short of it: the field must not be read). */
    for (int i = 0; i < 4; i++) {
        const zp_filter *g = need_filter(names[i]);
        zp_param_value pv[4];
        harness_defaults(g, pv);
        static const double ones[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
        if (i == 3) {
            pv[0].numbers = ones;
            pv[0].count = 9;
        }
        zp_plan_args args = {sizeof args, zp__host(), pv, 100, 50, 3, ZP_U8, 4999};
        zp_plan plan;
        memset(&plan, 0, sizeof plan);
        plan.struct_size = sizeof plan;
        CHECK(g->plan(&args, &plan) == ZP_ERR_LIMIT && strstr(plan.message, "max_pixels"));
        g->done(plan.state);
        args.struct_size = (uint32_t)offsetof(zp_plan_args, max_pixels);
        memset(&plan, 0, sizeof plan);
        plan.struct_size = sizeof plan;
        CHECK_OK(g->plan(&args, &plan));
        g->done(plan.state);
    }
    /* Accepted edge cases: a zero-sum kernel with scale 0 (edge detection),
     * an all-zero kernel, the extreme parameter values. */
    static const double zero[9] = {0};
    const zp_filter *f = need_filter("convolve");
    zp_param_value v[4];
    zp_view in = make_input(L_PACKED, 5, 4, 1, ZP_U8, &(uint32_t){1}, 0), out;
    harness_defaults(f, v);
    v[0].numbers = zero;
    v[0].count = 9;
    v[0].is_set = 1;
    v[2].number = 0.5;
    CHECK_OK(harness_run(f, v, &in, 1, &out));
    CHECK(get(&out, 2, 2, 0) == 128); /* 0.5 * 255 = 127.5, rounded up */
    zp_view_release(&out);
    const struct {
        const char *filter;
        double value;
    } edges[] = {{"blur", 0.1}, {"blur", 1000}, {"box_blur", 1}, {"box_blur", 2000},
                 {"sharpen", 0.1}};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        const zp_filter *g = need_filter(edges[i].filter);
        harness_defaults(g, v);
        v[0].number = edges[i].value;
        CHECK_OK(harness_run(g, v, &in, 2, &out));
        zp_view_release(&out);
    }
    zp_view_release(&in);
    /* The parameter tables: first parameter (for "blur:2"), defaults in range. */
    const char *first[] = {"sigma", "radius", "sigma", "kernel"};
    for (int i = 0; i < 4; i++) {
        const zp_filter *g = need_filter(names[i]);
        CHECK(g->param_count >= 1 && !strcmp(g->params[0].name, first[i]));
        CHECK(g->map == NULL && g->process != NULL && g->done != NULL);
        for (uint32_t p = 0; p < g->param_count; p++) {
            const zp_param_def *d = &g->params[p];
            CHECK(d->help && strlen(d->help) > 20);
            if (!d->required) CHECK(d->def >= d->min && d->def <= d->max);
        }
    }
    printf("errors: messages and statuses as documented\n");
}

/* The kernel table and the pieces the filters rely on. */
static void part_kernels(void) {
    const struct zp_conv_kernels *k = zp_conv_kernels();
    CHECK(k && !strcmp(zp_conv_kernels_c()->level, "c"));
    /* Every entry is filled: the table is all function pointers after `level`. */
    const size_t nfn = (sizeof *k - offsetof(struct zp_conv_kernels, sep_v_u8_q6)) /
                       sizeof(void (*)(void));
    const unsigned char *p =
        (const unsigned char *)k + offsetof(struct zp_conv_kernels, sep_v_u8_q6);
    for (size_t i = 0; i < nfn; i++) {
        void (*fn)(void);
        memcpy(&fn, p + i * sizeof fn, sizeof fn);
        CHECK(fn != NULL);
    }
    /* Q14 Gaussian weights sum exactly to 1 << 14 and are >= 0 whenever the
     * Q14 path is taken; that path is taken for every sigma up to 4.7 (the
     * worst-case bound, with the 1/128 of the Q6 intermediate, first crosses
     * half a level at 4.704, then is ragged: 98% of sigmas up to 7.6 and
     * some up to 12.455 pass; none from 13 on,
     * where u8 runs in float). Steps of 0.001 up to 13, then 0.1 to 40. */
    double worst = 0, last_ok = 0;
    for (int step = 100; step <= 40000; step++) {
        const double sigma = step / 1000.0;
        if (step > 13000 && step % 100) continue;
        zp_conv_gauss g;
        CHECK_OK(zp_conv_gauss_init(&g, sigma));
        int64_t sum = 0;
        int nonneg = 1;
        for (int32_t i = 0; i < g.taps; i++) {
            sum += g.q14[i];
            nonneg &= g.q14[i] >= 0;
        }
        CHECK(g.radius == (int32_t)ceil(3 * sigma) && g.taps == 2 * g.radius + 1);
        if (g.q14_ok) {
            CHECK(sum == 1 << ZP_CONV_Q);
            CHECK(nonneg);
            CHECK(g.q14_error < 0.5);
            last_ok = sigma;
            if (g.q14_error > worst) worst = g.q14_error;
        }
        if (sigma >= 13 && g.q14_ok) {
            fprintf(stderr, "sigma %g: Q14 path beyond 13\n", sigma);
            zp_test_failures++;
        }
        if (sigma <= 4.7 && !g.q14_ok) {
            fprintf(stderr, "sigma %g: Q14 bound %g\n", sigma, g.q14_error);
            zp_test_failures++;
        }
        zp_conv_gauss_free(&g);
    }
    printf("kernels: u8 Q14 Gaussian for every sigma <= 4.7, last at %.3f; worst-case error "
           "bound %.3f levels before rounding\n", last_ok, worst);
    /* box_h against a naive clamped window, every radius / offset / count
     * combination on small widths (the three-segment logic). */
    uint32_t seed = 77;
    for (int32_t width = 1; width <= 9; width++)
        for (int32_t r = 1; r <= 11; r++)
            for (int ch = 1; ch <= 4; ch += 3)
                for (int32_t x0 = 0; x0 < width; x0++)
                    for (int32_t count = 1; x0 + count <= width; count++) {
                        uint32_t acc[9 * 4];
                        uint8_t got[9 * 4];
                        for (int i = 0; i < width * ch; i++)
                            acc[i] = zp_test_rand(&seed) % (256u * (2u * (uint32_t)r + 1u));
                        k->box_h_u8(acc, width, ch, r, x0, count, got);
                        const uint32_t N = (uint32_t)((2 * r + 1) * (2 * r + 1));
                        for (int32_t j = 0; j < count; j++)
                            for (int c = 0; c < ch; c++) {
                                uint32_t s = 0;
                                for (int32_t d = -r; d <= r; d++)
                                    s += acc[clampi(x0 + j + d, 0, width - 1) * ch + c];
                                if (got[j * ch + c] != (s + N / 2) / N) {
                                    fprintf(stderr, "box_h_u8 w %d r %d ch %d x0 %d count %d\n",
                                            (int)width, (int)r, ch, (int)x0, (int)count);
                                    zp_test_failures++;
                                    goto next;
                                }
                            }
                    next:;
                    }
    /* Integer kernels bit for bit against the formulas in conv_kernels.h,
     * on random data: what every SIMD level will be held to. */
    enum { MAXN = 300, MAXT = 15, ROW = MAXN + MAXT * 4 };
    static uint8_t r8[MAXT][ROW], o8[MAXN];
    static uint16_t r16[MAXT][ROW], o16[MAXN];
    static int16_t q6[ROW], m16[MAXN];
    static int32_t acc[MAXN];
    const void *rows8[MAXT], *rows16[MAXT];
    for (int t = 0; t < MAXT; t++) {
        rows8[t] = r8[t];
        rows16[t] = r16[t];
    }
    for (int trial = 0; trial < 200; trial++) {
        const int taps = 1 + (int)(zp_test_rand(&seed) % MAXT);
        const size_t n = 1 + zp_test_rand(&seed) % MAXN, step = 1 + zp_test_rand(&seed) % 4;
        int16_t coef[MAXT];
        int32_t left = 1 << ZP_CONV_Q, kint[MAXT * MAXT];
        for (int t = 0; t < taps; t++) { /* >= 0, summing to 1 << 14 */
            const int32_t c = (int32_t)(zp_test_rand(&seed) % (uint32_t)(left + 1));
            coef[t] = (int16_t)(t == taps - 1 ? left : c);
            left -= coef[t];
        }
        for (int t = 0; t < MAXT; t++)
            for (size_t i = 0; i < ROW; i++) {
                r8[t][i] = (uint8_t)zp_test_rand(&seed);
                r16[t][i] = (uint16_t)zp_test_rand(&seed);
            }
        for (size_t i = 0; i < ROW; i++) q6[i] = (int16_t)(zp_test_rand(&seed) % 16321);
        int bad = 0;
        k->sep_v_u8_q6(rows8, coef, taps, m16, n);
        for (size_t i = 0; i < n; i++) {
            int32_t e = 128;
            for (int t = 0; t < taps; t++) e += r8[t][i] * coef[t];
            bad |= m16[i] != (int16_t)(e >> 8);
        }
        CHECK(!bad);
        k->sep_h_q6_u8(q6, coef, taps, step, o8, n);
        for (size_t i = 0; i < n; i++) {
            int32_t e = 1 << 19;
            for (int t = 0; t < taps; t++) e += q6[i + (size_t)t * step] * coef[t];
            bad |= o8[i] != (uint8_t)(e >> 20);
        }
        CHECK(!bad);
        /* 2D: side = taps made odd (<= 15), weights -4..4. */
        const int side = taps | 1;
        for (int i = 0; i < side * side; i++) kint[i] = (int32_t)(zp_test_rand(&seed) % 9) - 4;
        for (int w16 = 0; w16 < 2; w16++) {
            if (w16) k->conv_u16_i32(rows16, kint, side, step, acc, n);
            else k->conv_u8_i32(rows8, kint, side, step, acc, n);
            for (size_t i = 0; i < n; i++) {
                int64_t e = 0;
                for (int ky = 0; ky < side; ky++)
                    for (int kx = 0; kx < side; kx++) {
                        const size_t at = i + (size_t)kx * step;
                        e += (int64_t)kint[ky * side + kx] * (w16 ? r16[ky][at] : r8[ky][at]);
                    }
                bad |= acc[i] != e;
            }
            CHECK(!bad);
            const double scale = ((double)(zp_test_rand(&seed) % 2001) - 1000) / 997.0;
            const double bias = (double)(zp_test_rand(&seed) % 1000) / 3.0;
            if (w16) k->conv_i32_to_u16(acc, scale, bias, o16, n);
            else k->conv_i32_to_u8(acc, scale, bias, o8, n);
            for (size_t i = 0; i < n; i++)
                bad |= (w16 ? o16[i] : o8[i]) !=
                       round_clamp((double)acc[i] * scale + bias, w16 ? 65535 : 255);
            CHECK(!bad);
        }
        if (bad) fprintf(stderr, "integer kernels: trial %d (taps %d, n %zu, step %zu)\n", trial,
                         taps, n, step);
    }
    /* Scratch sizes that cannot be represented are refused, not wrapped. */
    zp_conv_scratch s = {0};
    (void)zp_conv_reserve(&s, SIZE_MAX / 2, 4);
    CHECK(zp_conv_scratch_alloc(&s) == ZP_ERR_OVERFLOW);
    printf("kernels: table complete, box_h segments exact\n");
}

int main(int argc, char **argv) {
    const char *part = argc > 1 ? argv[1] : "all";
    const struct {
        const char *name;
        void (*run)(void);
    } parts[] = {{"blur", part_blur},           {"box_blur", part_box},
                 {"sharpen", part_sharpen},     {"convolve", part_convolve},
                 {"isolation", part_isolation}, {"bands", part_bands},
                 {"errors", part_errors},       {"kernels", part_kernels}};
    int ran = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (!strcmp(part, "all") || !strcmp(part, parts[i].name)) {
            parts[i].run();
            ran++;
        }
    if (!ran) {
        fprintf(stderr, "unknown part %s\n", part);
        return 2;
    }
    return zp_test_finish(part);
}
