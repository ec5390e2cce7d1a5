/* test_filters_resize.c: the resize and thumbnail filters against a naive
 * double-precision reference, over strides, crops, bands and tiles, plus
 * their weight tables, sizes and error messages.
 *
 * Usage: test_filters_resize GROUP, GROUP one of: reference strides
 * isolation bands weights thumbnail params (one CTest each).
 *
 * Tolerances against the reference, which evaluates the 2-D sum
 * sum_ij Kx(i) Ky(j) in(clamp(i), clamp(j)) / (sum Kx * sum Ky) in double
 * per output pixel, with the centre convention and support widening of
 * resize_kernels.h, written again here from the formulas. u8/u16 reference
 * values are clamped to the dtype's range first. Measured on uniform noise
 * (the worst case for rounding) over every case below and 20 seeds:
 *   nearest, every dtype   exact                       (measured 0)
 *   u8   |out - ref| <= 0.75  rounding 0.5 + fixed point (measured 0.546)
 *   u16  |out - ref| <= 0.6   rounding 0.5 + float sums  (measured 0.525)
 *   f32  |out - ref| <= 1e-5  float sums, no rounding    (measured 8.7e-7)
 * So an integer output is always the nearest integer to the exact value or,
 * when that value is within 0.25 (u8) / 0.1 (u16) of a half, its neighbour.
 * The `reference` group prints the maxima of the run. */
#include <math.h>
#include <pthread.h>
#include <string.h>
#include "filter_harness.h"
#include "plugins/common/resize_kernels.h"

#define TOL_U8 0.75
#define TOL_U16 0.6
#define TOL_F32 1e-5

static const zp_dtype dtypes[] = {ZP_U8, ZP_U16, ZP_F32};
static const char *const kernel_names[] = {"nearest", "bilinear", "bicubic", "lanczos3"};

/* ---- Images ------------------------------------------------------------------------ */

static double sample_get(const zp_view *v, int32_t x, int32_t y, int32_t c) {
    const char *p = (const char *)zp_view_pixel(v, x, y) + (ptrdiff_t)c * v->stride_c;
    switch (v->dtype) {
    case ZP_U8: return *(const uint8_t *)p;
    case ZP_U16: return *(const uint16_t *)p;
    default: return *(const float *)p;
    }
}

static void sample_set(const zp_view *v, int32_t x, int32_t y, int32_t c, double value) {
    char *p = (char *)zp_view_pixel(v, x, y) + (ptrdiff_t)c * v->stride_c;
    switch (v->dtype) {
    case ZP_U8: *(uint8_t *)p = (uint8_t)value; break;
    case ZP_U16: *(uint16_t *)p = (uint16_t)value; break;
    default: *(float *)p = (float)value; break;
    }
}

/* Uniform noise over the dtype's full range (the worst case for rounding). */
static void fill_random(const zp_view *v, uint32_t *seed) {
    for (int32_t y = 0; y < v->height; y++)
        for (int32_t x = 0; x < v->width; x++)
            for (int32_t c = 0; c < v->channels; c++) {
                uint32_t r = zp_test_rand(seed);
                double value = v->dtype == ZP_U8    ? (double)(r & 0xff)
                               : v->dtype == ZP_U16 ? (double)(r & 0xffff)
                                                    : (double)(r & 0xffffff) / 0xffffff;
                sample_set(v, x, y, c, value);
            }
}

static zp_view random_image(int32_t w, int32_t h, int32_t ch, zp_dtype dt, uint32_t seed) {
    zp_view v;
    CHECK_OK(zp_view_alloc(w, h, ch, dt, &v));
    fill_random(&v, &seed);
    return v;
}

static zp_view packed_copy(const zp_view *src) {
    zp_view v;
    CHECK_OK(zp_view_alloc(src->width, src->height, src->channels, src->dtype, &v));
    CHECK_OK(zp_view_copy(src, &v));
    return v;
}

/* Same size, channels and dtype, and every sample bit for bit equal. */
static int same_pixels(const zp_view *a, const zp_view *b) {
    if (a->width != b->width || a->height != b->height || a->channels != b->channels ||
        a->dtype != b->dtype)
        return 0;
    const size_t item = zp_dtype_size(a->dtype);
    for (int32_t y = 0; y < a->height; y++)
        for (int32_t x = 0; x < a->width; x++)
            for (int32_t c = 0; c < a->channels; c++) {
                const char *p = (const char *)zp_view_pixel(a, x, y) + c * a->stride_c;
                const char *q = (const char *)zp_view_pixel(b, x, y) + c * b->stride_c;
                if (memcmp(p, q, item)) return 0;
            }
    return 1;
}

/* ---- The naive reference ---------------------------------------------------------- */

static double ref_kernel(int k, double x) {
    const double t = fabs(x);
    switch (k) {
    case ZP_RESIZE_BILINEAR: return t < 1 ? 1 - t : 0;
    case ZP_RESIZE_BICUBIC: /* Keys a = -0.5, expanded polynomial form */
        if (t < 1) return 1.5 * t * t * t - 2.5 * t * t + 1;
        if (t < 2) return -0.5 * t * t * t + 2.5 * t * t - 4 * t + 2;
        return 0;
    case ZP_RESIZE_LANCZOS3: {
        if (t == 0) return 1;
        if (t >= 3) return 0;
        const double pi = acos(-1.0);
        return sin(pi * t) / (pi * t) * sin(pi * t / 3) / (pi * t / 3);
    }
    }
    return 0;
}

static double ref_support(int k) {
    return k == ZP_RESIZE_BILINEAR ? 1 : k == ZP_RESIZE_BICUBIC ? 2 : 3;
}

/* Taps of output o along one axis: indices (clamped into 0..in-1) and
 * unnormalised weights; returns the count. */
static int ref_taps(int k, int32_t in, int32_t out, int32_t o, int32_t *idx, double *w,
                    double *sum) {
    /* (o + 0.5) * in is exact, and so is its quotient when that is a whole
     * number: ties land where the integer formula puts them */
    const double scale = (double)in / out, pos = (o + 0.5) * in / out, c = pos - 0.5;
    if (k == ZP_RESIZE_NEAREST) {
        idx[0] = (int32_t)floor(pos);
        w[0] = *sum = 1;
        return 1;
    }
    const double widen = scale > 1 ? scale : 1, r = ref_support(k) * widen;
    int n = 0;
    *sum = 0;
    for (int64_t j = (int64_t)floor(c - r) - 1; j <= (int64_t)ceil(c + r) + 1; j++) {
        idx[n] = (int32_t)(j < 0 ? 0 : j >= in ? in - 1 : j);
        w[n] = ref_kernel(k, (j - c) / widen);
        *sum += w[n++];
    }
    return n;
}

/* Reference value of every output sample, in double (out_w*out_h*ch). */
static double *ref_resize(const zp_view *in, int32_t out_w, int32_t out_h, int k) {
    const int32_t ch = in->channels;
    double *res = calloc((size_t)out_w * out_h * ch, sizeof *res);
    const size_t cap = 8 * (size_t)(in->width > in->height ? in->width : in->height) + 64;
    int32_t *ix = malloc(cap * sizeof *ix), *iy = malloc(cap * sizeof *iy);
    double *wx = malloc(cap * sizeof *wx), *wy = malloc(cap * sizeof *wy);
    for (int32_t oy = 0; oy < out_h; oy++)
        for (int32_t ox = 0; ox < out_w; ox++) {
            double sx, sy;
            const int nx = ref_taps(k, in->width, out_w, ox, ix, wx, &sx);
            const int ny = ref_taps(k, in->height, out_h, oy, iy, wy, &sy);
            for (int32_t c = 0; c < ch; c++) {
                double acc = 0;
                for (int j = 0; j < ny; j++)
                    for (int i = 0; i < nx; i++)
                        acc += wx[i] * wy[j] * sample_get(in, ix[i], iy[j], c);
                res[((size_t)oy * out_w + ox) * ch + c] = acc / (sx * sy);
            }
        }
    free(ix), free(iy), free(wx), free(wy);
    return res;
}

/* Largest |out - ref| (ref clamped to the integer range); -1 on a size
 * mismatch. */
static double max_error(const zp_view *out, const double *ref) {
    const double hi = out->dtype == ZP_U8 ? 255 : out->dtype == ZP_U16 ? 65535 : INFINITY;
    const double lo = out->dtype == ZP_F32 ? -INFINITY : 0;
    double worst = 0;
    for (int32_t y = 0; y < out->height; y++)
        for (int32_t x = 0; x < out->width; x++)
            for (int32_t c = 0; c < out->channels; c++) {
                double r = ref[((size_t)y * out->width + x) * out->channels + c];
                r = r < lo ? lo : r > hi ? hi : r;
                const double e = fabs(sample_get(out, x, y, c) - r);
                if (!(e <= worst)) worst = e; /* NaN counts as worst */
            }
    return worst;
}

static double tolerance(zp_dtype dt, int k) {
    if (k == ZP_RESIZE_NEAREST) return 0;
    return dt == ZP_U8 ? TOL_U8 : dt == ZP_U16 ? TOL_U16 : TOL_F32;
}

/* ---- Running the filters -------------------------------------------------------------- */

static const zp_filter *resize_f, *thumb_f;

/* resize parameters: width, height, scale (0 = unset), kernel. */
static void resize_values(zp_param_value *v, double w, double h, double scale, int k) {
    harness_defaults(resize_f, v);
    v[harness_param(resize_f, "width")].number = w;
    v[harness_param(resize_f, "height")].number = h;
    v[harness_param(resize_f, "scale")].number = scale;
    v[harness_param(resize_f, "kernel")].number = k;
}

/* Run f the way an executor might, over tiles of the output: tile_w x
 * tile_h (0 = the whole side), or random sizes when `seed` is non-zero.
 * `out` is either allocated here (out->data == NULL on entry) or a view the
 * caller provides with the planned geometry (any strides). */
static zp_status run_tiles(const zp_filter *f, const zp_param_value *values, const zp_view *in,
                           int32_t tile_w, int32_t tile_h, uint32_t seed, zp_view *out) {
    zp_plan_args args = {sizeof args, zp__host(), values, in->width, in->height, in->channels,
                         in->dtype, ZP_DEFAULT_MAX_PIXELS};
    zp_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.struct_size = sizeof plan;
    plan.width = in->width, plan.height = in->height;
    plan.channels = in->channels, plan.dtype = in->dtype;
    zp_status st = f->plan(&args, &plan);
    if (st) {
        fprintf(stderr, "[%s plan: %s]\n", f->name, plan.message);
        return st;
    }
    const int own = out->data == NULL;
    if (own) st = zp_view_alloc(plan.width, plan.height, plan.channels, plan.dtype, out);
    else if (out->width != plan.width || out->height != plan.height) st = ZP_ERR_MISMATCH;
    for (int32_t y = 0; !st && y < plan.height;) {
        int32_t h = seed     ? 1 + (int32_t)(zp_test_rand(&seed) % 9)
                    : tile_h ? tile_h
                             : plan.height;
        if (h > plan.height - y) h = plan.height - y;
        for (int32_t x = 0; !st && x < plan.width;) {
            int32_t w = seed     ? 1 + (int32_t)(zp_test_rand(&seed) % 11)
                        : tile_w ? tile_w
                                 : plan.width;
            if (w > plan.width - x) w = plan.width - x;
            zp_rect orect = {x, y, w, h}, irect;
            f->region(plan.state, &orect, &irect);
            /* region() must already lie inside the input: no clipping here */
            CHECK(irect.x >= 0 && irect.y >= 0 && irect.width >= 1 && irect.height >= 1 &&
                  irect.x + irect.width <= in->width && irect.y + irect.height <= in->height);
            zp_view iv, ov;
            st = zp_view_crop(in, irect.x, irect.y, irect.width, irect.height, &iv);
            if (!st) {
                iv.flags |= ZP_VIEW_READONLY;
                st = zp_view_crop(out, x, y, w, h, &ov);
                if (!st) st = f->process(plan.state, &iv, &irect, &ov, &orect);
                zp_view_release(&ov);
            }
            zp_view_release(&iv);
            x += w;
        }
        y += h;
    }
    if (st && own) zp_view_release(out);
    if (f->done) f->done(plan.state);
    return st;
}

static zp_status run_whole(const zp_filter *f, const zp_param_value *values, const zp_view *in,
                           zp_view *out) {
    memset(out, 0, sizeof *out);
    return run_tiles(f, values, in, 0, 0, 0, out);
}

/* ---- Groups ---------------------------------------------------------------------------- */

typedef struct { int32_t iw, ih, ow, oh; } size_case;

static const size_case sizes[] = {
    {1, 1, 7, 3},     {67, 13, 5, 40},  {67, 13, 1, 1},  {5, 7, 1, 1},   {13, 11, 29, 31},
    {40, 30, 17, 11}, {16, 16, 8, 8},   {8, 8, 16, 16},  {9, 9, 9, 9},   {50, 3, 7, 9},
    {3, 50, 9, 7},    {31, 17, 31, 5},  {200, 150, 13, 11}, {2, 2, 3, 3}, {7, 5, 6, 4},
    {400, 300, 7, 5}, /* ratio 57: hundreds of taps, the fixed-point worst case */
    {3, 2, 67, 41},   /* ratio 1/20 */
};

static void group_reference(void) {
    double worst[4][4] = {{0}}; /* [dtype][kernel] */
    uint32_t seed = 1;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int d = 0; d < 3; d++)
            for (int32_t ch = 1; ch <= 4; ch++) {
                const size_case sc = sizes[s];
                zp_view in = random_image(sc.iw, sc.ih, ch, dtypes[d], seed++);
                for (int k = 0; k < 4; k++) {
                    zp_param_value v[8];
                    resize_values(v, sc.ow, sc.oh, 0, k);
                    zp_view out;
                    zp_status st = harness_run(resize_f, v, &in, seed, &out);
                    CHECK_OK(st);
                    if (st) continue;
                    CHECK(out.width == sc.ow && out.height == sc.oh && out.channels == ch);
                    double *ref = ref_resize(&in, sc.ow, sc.oh, k);
                    const double e = max_error(&out, ref);
                    if (e > worst[d][k]) worst[d][k] = e;
                    if (!(e <= tolerance(dtypes[d], k))) {
                        fprintf(stderr, "  %s %s %dx%dx%d -> %dx%d: max error %g\n",
                                zp_dtype_name(dtypes[d]), kernel_names[k], sc.iw, sc.ih, ch,
                                sc.ow, sc.oh, e);
                        CHECK(e <= tolerance(dtypes[d], k));
                    }
                    free(ref);
                    zp_view_release(&out);
                }
                zp_view_release(&in);
            }
    printf("max |out - reference| (tolerance u8 %g, u16 %g, f32 %g; nearest 0):\n", TOL_U8,
           TOL_U16, TOL_F32);
    for (int d = 0; d < 3; d++)
        printf("  %-4s nearest %-9.3g bilinear %-9.3g bicubic %-9.3g lanczos3 %-9.3g\n",
               zp_dtype_name(dtypes[d]), worst[d][0], worst[d][1], worst[d][2], worst[d][3]);

    /* Same size is the identity for every kernel, bit for bit. */
    for (int d = 0; d < 3; d++) {
        zp_view in = random_image(23, 9, 3, dtypes[d], 99);
        for (int k = 0; k < 4; k++) {
            zp_param_value v[8];
            resize_values(v, 23, 9, 0, k);
            zp_view out;
            CHECK_OK(harness_run(resize_f, v, &in, 5, &out));
            CHECK(same_pixels(&in, &out));
            zp_view_release(&out);
        }
        zp_view_release(&in);
    }

    /* A constant image stays constant (weights sum to one exactly). */
    zp_view flat;
    CHECK_OK(zp_view_alloc(37, 23, 2, ZP_U8, &flat));
    for (int32_t y = 0; y < 23; y++)
        for (int32_t x = 0; x < 37; x++) {
            sample_set(&flat, x, y, 0, 200);
            sample_set(&flat, x, y, 1, 7);
        }
    for (int k = 0; k < 4; k++) {
        const int32_t ow[] = {5, 80, 37, 1}, oh[] = {41, 3, 11, 1};
        for (int t = 0; t < 4; t++) {
            zp_param_value v[8];
            resize_values(v, ow[t], oh[t], 0, k);
            zp_view out;
            CHECK_OK(harness_run(resize_f, v, &flat, 3, &out));
            int ok = 1;
            for (int32_t y = 0; y < out.height; y++)
                for (int32_t x = 0; x < out.width; x++)
                    ok &= sample_get(&out, x, y, 0) == 200 && sample_get(&out, x, y, 1) == 7;
            CHECK(ok);
            zp_view_release(&out);
        }
    }
    zp_view_release(&flat);
}

/* Non-packed inputs and outputs give the same bytes as packed ones, and
 * still match the reference. */
static void group_strides(void) {
    for (int d = 0; d < 3; d++)
        for (int k = 0; k < 4; k++) {
            const zp_dtype dt = dtypes[d];
            zp_view base = random_image(29, 19, 4, dt, 7 + (uint32_t)k);
            zp_view views[6];
            const char *names[6] = {"flip x", "flip y", "flip xy", "transpose",
                                    "channels 0,1,2 of 4", "channels 3,2,1 of 4"};
            CHECK_OK(zp_view_flip(&base, ZP_FLIP_X, &views[0]));
            CHECK_OK(zp_view_flip(&base, ZP_FLIP_Y, &views[1]));
            CHECK_OK(zp_view_flip(&base, ZP_FLIP_X | ZP_FLIP_Y, &views[2]));
            CHECK_OK(zp_view_transpose(&base, &views[3]));
            CHECK_OK(zp_view_channels(&base, 0, 3, 1, &views[4]));
            CHECK_OK(zp_view_channels(&base, 3, 3, -1, &views[5]));
            for (int i = 0; i < 6; i++) {
                zp_view packed = packed_copy(&views[i]);
                const int32_t ow = 11 + i, oh = 23 - 2 * i; /* down in x, mixed in y */
                zp_param_value v[8];
                resize_values(v, ow, oh, 0, k);
                zp_view a, b;
                CHECK_OK(harness_run(resize_f, v, &views[i], 17, &a));
                CHECK_OK(harness_run(resize_f, v, &packed, 17, &b));
                if (!same_pixels(&a, &b)) {
                    fprintf(stderr, "  %s %s %s: strided input differs from packed\n",
                            zp_dtype_name(dt), kernel_names[k], names[i]);
                    CHECK(0);
                }
                double *ref = ref_resize(&packed, ow, oh, k);
                CHECK(max_error(&a, ref) <= tolerance(dt, k));
                free(ref);

                /* Strided output: a flipped, channel-reversed view of a buffer. */
                zp_view buf, ov;
                CHECK_OK(zp_view_alloc(ow, oh, views[i].channels, dt, &buf));
                CHECK_OK(zp_view_flip(&buf, ZP_FLIP_X | ZP_FLIP_Y, &ov));
                CHECK_OK(zp_view_channels(&ov, views[i].channels - 1, views[i].channels, -1, &ov));
                CHECK_OK(run_tiles(resize_f, v, &views[i], 0, 0, 99, &ov));
                CHECK(same_pixels(&ov, &b));
                zp_view_release(&ov), zp_view_release(&buf);
                zp_view_release(&a), zp_view_release(&b), zp_view_release(&packed);
                zp_view_release(&views[i]);
            }
            zp_view_release(&base);
        }
}

/* A crop of a larger image with sentinels around it resizes exactly like a
 * packed copy of the crop: nothing outside the view is read. */
static void group_isolation(void) {
    for (int d = 0; d < 3; d++)
        for (int k = 0; k < 4; k++)
            for (int32_t ch = 1; ch <= 4; ch += 3) {
                const zp_dtype dt = dtypes[d];
                zp_view parent;
                CHECK_OK(zp_view_alloc(64, 48, ch, dt, &parent));
                const double sentinel = dt == ZP_U8 ? 255 : dt == ZP_U16 ? 65535 : 1e30;
                for (int32_t y = 0; y < 48; y++)
                    for (int32_t x = 0; x < 64; x++)
                        for (int32_t c = 0; c < ch; c++) sample_set(&parent, x, y, c, sentinel);
                zp_view crop;
                CHECK_OK(zp_view_crop(&parent, 9, 7, 31, 21, &crop));
                uint32_t seed = 1234 + (uint32_t)k;
                fill_random(&crop, &seed);
                zp_view packed = packed_copy(&crop);
                const int32_t outs[][2] = {{13, 9}, {50, 33}, {31, 5}, {1, 1}};
                for (int t = 0; t < 4; t++) {
                    zp_param_value v[8];
                    resize_values(v, outs[t][0], outs[t][1], 0, k);
                    zp_view a, b;
                    CHECK_OK(harness_run(resize_f, v, &crop, 3 + (uint32_t)t, &a));
                    CHECK_OK(harness_run(resize_f, v, &packed, 8 + (uint32_t)t, &b));
                    if (!same_pixels(&a, &b)) {
                        fprintf(stderr, "  %s %s %d ch -> %dx%d: crop differs from copy\n",
                                zp_dtype_name(dt), kernel_names[k], ch, outs[t][0], outs[t][1]);
                        CHECK(0);
                    }
                    zp_view_release(&a), zp_view_release(&b);
                }
                zp_view_release(&packed), zp_view_release(&crop), zp_view_release(&parent);
            }
}

typedef struct {
    const zp_filter *f;
    void *state;
    const zp_view *in, *out;
    int index, count;
    zp_status st;
} worker;

/* Bands of 3 rows, band b done by thread b % count. */
static void *worker_run(void *arg) {
    worker *w = arg;
    for (int32_t y = 3 * w->index; !w->st && y < w->out->height; y += 3 * w->count) {
        const int32_t h = w->out->height - y < 3 ? w->out->height - y : 3;
        zp_rect orect = {0, y, w->out->width, h}, irect;
        w->f->region(w->state, &orect, &irect);
        zp_view iv, ov;
        w->st = zp_view_crop(w->in, irect.x, irect.y, irect.width, irect.height, &iv);
        if (!w->st) w->st = zp_view_crop(w->out, 0, y, orect.width, h, &ov);
        if (!w->st) w->st = w->f->process(w->state, &iv, &irect, &ov, &orect);
        zp_view_release(&iv), zp_view_release(&ov);
    }
    return NULL;
}

static int concurrent_matches(const zp_param_value *v, const zp_view *in, const zp_view *want) {
    zp_plan_args args = {sizeof args, zp__host(), v, in->width, in->height, in->channels,
                         in->dtype, ZP_DEFAULT_MAX_PIXELS};
    zp_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.struct_size = sizeof plan;
    if (resize_f->plan(&args, &plan)) return 0;
    zp_view out;
    CHECK_OK(zp_view_alloc(plan.width, plan.height, plan.channels, plan.dtype, &out));
    enum { N = 4 };
    worker w[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        w[i] = (worker){resize_f, plan.state, in, &out, i, N, ZP_OK};
        CHECK(pthread_create(&th[i], NULL, worker_run, &w[i]) == 0);
    }
    int ok = 1;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        ok &= w[i].st == ZP_OK;
    }
    ok &= same_pixels(&out, want);
    resize_f->done(plan.state);
    zp_view_release(&out);
    return ok;
}

/* One band, random bands (the harness) and random tiles give the same bytes. */
static void group_bands(void) {
    const size_case cases[] = {{67, 13, 5, 40}, {40, 30, 17, 11}, {13, 11, 29, 31},
                               {120, 90, 37, 61}, {5, 200, 3, 9}};
    for (size_t s = 0; s < sizeof cases / sizeof cases[0]; s++)
        for (int d = 0; d < 3; d++)
            for (int k = 0; k < 4; k++) {
                const size_case sc = cases[s];
                zp_view in = random_image(sc.iw, sc.ih, 3, dtypes[d], 77 + (uint32_t)s);
                zp_param_value v[8];
                resize_values(v, sc.ow, sc.oh, 0, k);
                zp_view whole, rows1, other;
                CHECK_OK(run_whole(resize_f, v, &in, &whole));
                memset(&rows1, 0, sizeof rows1);
                CHECK_OK(run_tiles(resize_f, v, &in, 0, 1, 0, &rows1)); /* one row at a time */
                CHECK(same_pixels(&whole, &rows1));
                for (uint32_t seed = 1; seed <= 4; seed++) {
                    CHECK_OK(harness_run(resize_f, v, &in, seed * 31, &other));
                    CHECK(same_pixels(&whole, &other));
                    zp_view_release(&other);
                    memset(&other, 0, sizeof other);
                    CHECK_OK(run_tiles(resize_f, v, &in, 0, 0, seed * 57, &other));
                    CHECK(same_pixels(&whole, &other));
                    zp_view_release(&other);
                }
                zp_view_release(&rows1), zp_view_release(&whole), zp_view_release(&in);
            }

    /* Concurrent process() calls on one plan (the state is shared and
     * read-only): four threads, interleaved bands, same bytes. */
    for (int d = 0; d < 3; d++) {
        zp_view in = random_image(150, 97, 4, dtypes[d], 4242);
        zp_param_value v[8];
        resize_values(v, 61, 203, 0, ZP_RESIZE_LANCZOS3);
        zp_view whole;
        CHECK_OK(run_whole(resize_f, v, &in, &whole));
        CHECK(concurrent_matches(v, &in, &whole));
        zp_view_release(&whole), zp_view_release(&in);
    }

    /* process() refuses an input rectangle smaller than region() asked. */
    zp_view in = random_image(40, 30, 1, ZP_U8, 5);
    zp_param_value v[8];
    resize_values(v, 17, 11, 0, ZP_RESIZE_LANCZOS3);
    zp_plan_args args = {sizeof args, zp__host(), v, 40, 30, 1, ZP_U8, ZP_DEFAULT_MAX_PIXELS};
    zp_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.struct_size = sizeof plan;
    CHECK_OK(resize_f->plan(&args, &plan));
    zp_rect orect = {3, 4, 5, 6}, irect;
    resize_f->region(plan.state, &orect, &irect);
    irect.width -= 1;
    zp_view iv, out, ov;
    CHECK_OK(zp_view_crop(&in, irect.x, irect.y, irect.width, irect.height, &iv));
    CHECK_OK(zp_view_alloc(17, 11, 1, ZP_U8, &out));
    CHECK_OK(zp_view_crop(&out, 3, 4, 5, 6, &ov));
    CHECK_STATUS(resize_f->process(plan.state, &iv, &irect, &ov, &orect), ZP_ERR_INVALID_ARG);
    resize_f->done(plan.state);
    zp_view_release(&iv), zp_view_release(&ov), zp_view_release(&out), zp_view_release(&in);
}

/* The weight tables: invariants the kernels rely on. */
static void group_weights(void) {
    const int32_t ins[] = {1, 2, 3, 5, 13, 67, 100, 640, 1001};
    const int32_t outs[] = {1, 2, 3, 7, 40, 99, 333, 1280};
    double max_abs = 0, max_pos = 0;
    for (int k = 0; k < 4; k++)
        for (size_t i = 0; i < sizeof ins / sizeof ins[0]; i++)
            for (size_t o = 0; o < sizeof outs / sizeof outs[0]; o++)
                for (int fixed = 0; fixed <= 1; fixed++) {
                    zp__resize_axis a;
                    CHECK_OK(zp__resize_axis_init(&a, ins[i], outs[o], (zp_resize_filter)k, fixed));
                    CHECK(a.taps >= 1 && a.taps <= ins[i]);
                    int ok = 1;
                    for (int32_t p = 0; p < a.out_size; p++) {
                        ok &= a.first[p] >= 0 && a.first[p] + a.taps <= ins[i];
                        ok &= p == 0 || a.first[p] >= a.first[p - 1];
                        double sum = 0, sabs = 0, spos = 0;
                        for (int32_t t = 0; t < a.taps; t++) {
                            const double one = ZP_RESIZE_WEIGHT_ONE;
                            const double w = fixed ? a.wq[p * a.wstride + t] / one
                                                   : a.wf[p * a.wstride + t];
                            sum += w, sabs += fabs(w), spos += w > 0 ? w : 0;
                        }
                        /* the padding up to wstride is zero (kernels read it) */
                        ok &= a.wstride >= a.taps && a.wstride % ZP_RESIZE_TAP_ALIGN == 0;
                        for (int32_t t = a.taps; t < a.wstride; t++)
                            ok &= fixed ? a.wq[p * a.wstride + t] == 0
                                        : a.wf[p * a.wstride + t] == 0.0f;
                        /* u8: exactly ONE; float: one within rounding */
                        ok &= fixed ? sum == 1.0 : fabs(sum - 1) < 1e-5;
                        if (sabs > max_abs) max_abs = sabs;
                        if (spos > max_pos) max_pos = spos;
                        /* each quantised weight within 1 of its exact value */
                        if (fixed && p % 7 == 0) {
                            int32_t idx[8192];
                            double w[8192], s;
                            const int n = ref_taps(k, ins[i], outs[o], p, idx, w, &s);
                            double exact[8192] = {0};
                            for (int j = 0; j < n; j++)
                                if (idx[j] >= a.first[p] && idx[j] < a.first[p] + a.taps)
                                    exact[idx[j] - a.first[p]] += w[j] / s;
                                else if (fabs(w[j] / s) > 1e-12) /* sin(k pi) != 0 */
                                    ok = 0; /* a weighted tap outside the table's span */
                            for (int32_t t = 0; t < a.taps; t++) {
                                const double e = exact[t] * ZP_RESIZE_WEIGHT_ONE;
                                ok &= fabs(a.wq[p * a.wstride + t] - e) < 1.0 + 1e-9;
                            }
                        }
                    }
                    if (!ok)
                        fprintf(stderr, "  %s %d -> %d (%s): bad table\n", kernel_names[k], ins[i],
                                outs[o], fixed ? "fixed" : "float");
                    CHECK(ok);
                    zp__resize_axis_free(&a);
                }
    /* resize_kernels.h's overflow argument: sum |w| < 1.6, positive part < 1.3 */
    printf("weights: max sum |w| %.4f, max positive sum %.4f\n", max_abs, max_pos);
    CHECK(max_abs < 1.6 && max_pos < 1.3);

    /* Kernel tables: the active one and the plain C one (the SIMD levels
     * are compared with it by test_kernels_resize). */
    CHECK(zp_resize_kernels() && zp_resize_kernels_c() &&
          !strcmp(zp_resize_kernels_c()->name, "c"));
}

static zp_status thumb_size(int32_t iw, int32_t ih, int32_t bw, int32_t bh, int up, int32_t *ow,
                            int32_t *oh) {
    zp_param_value v[8];
    harness_defaults(thumb_f, v);
    v[harness_param(thumb_f, "width")].number = bw;
    v[harness_param(thumb_f, "height")].number = bh;
    v[harness_param(thumb_f, "upscale")].number = up;
    zp_plan_args args = {sizeof args, zp__host(), v, iw, ih, 3, ZP_U8, ZP_DEFAULT_MAX_PIXELS};
    zp_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.struct_size = sizeof plan;
    plan.width = iw, plan.height = ih, plan.channels = 3, plan.dtype = ZP_U8;
    zp_status st = thumb_f->plan(&args, &plan);
    *ow = plan.width, *oh = plan.height;
    if (thumb_f->done && plan.state) thumb_f->done(plan.state);
    return st;
}

static void group_thumbnail(void) {
    static const struct { int32_t iw, ih, bw, bh; int up; int32_t ow, oh; } cases[] = {
        {400, 300, 200, 200, 0, 200, 150}, /* landscape */
        {300, 400, 200, 200, 0, 150, 200}, /* portrait */
        {300, 300, 200, 100, 0, 100, 100}, /* square into a wide box */
        {300, 300, 100, 200, 0, 100, 100},
        {640, 480, 320, 320, 0, 320, 240},
        {400, 300, 200, 0, 0, 200, 150},   /* height unbounded */
        {400, 300, 0, 100, 0, 133, 100},   /* width unbounded; 133.3 */
        {333, 100, 100, 100, 0, 100, 30},  /* 30.03 */
        {1, 1000, 100, 100, 0, 1, 100},    /* 0.1 -> at least 1 */
        {1000, 1, 100, 100, 0, 100, 1},
        {100, 1000, 200, 200, 0, 20, 200}, /* fits one way, not the other */
        {400, 300, 1000, 1000, 0, 400, 300}, /* no upscale by default */
        {400, 300, 1000, 1000, 1, 1000, 750},
        {400, 300, 0, 600, 1, 800, 600},
        {400, 300, 400, 300, 0, 400, 300}, /* exact fit */
        {400, 300, 400, 1000, 0, 400, 300}, /* one side equal */
        {7, 3, 5, 5, 0, 5, 2},              /* 2.14 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int32_t ow, oh;
        CHECK_OK(thumb_size(cases[i].iw, cases[i].ih, cases[i].bw, cases[i].bh, cases[i].up,
                            &ow, &oh));
        if (ow != cases[i].ow || oh != cases[i].oh) {
            fprintf(stderr, "  thumbnail %dx%d into %dx%d%s: got %dx%d, expected %dx%d\n",
                    cases[i].iw, cases[i].ih, cases[i].bw, cases[i].bh,
                    cases[i].up ? " upscale" : "", ow, oh, cases[i].ow, cases[i].oh);
            CHECK(0);
        }
    }

    /* Same pixels as resize to the computed size: one mechanism. */
    for (int k = 0; k < 4; k++) {
        zp_view in = random_image(61, 37, 4, ZP_U8, 3 + (uint32_t)k);
        zp_param_value tv[8], rv[8];
        harness_defaults(thumb_f, tv);
        tv[harness_param(thumb_f, "width")].number = 20;
        tv[harness_param(thumb_f, "height")].number = 20;
        tv[harness_param(thumb_f, "kernel")].number = k;
        resize_values(rv, 20, 12, 0, k); /* 37 * 20 / 61 = 12.1 */
        zp_view a, b;
        CHECK_OK(harness_run(thumb_f, tv, &in, 4, &a));
        CHECK_OK(harness_run(resize_f, rv, &in, 9, &b));
        CHECK(a.width == 20 && a.height == 12 && same_pixels(&a, &b));
        zp_view_release(&a), zp_view_release(&b), zp_view_release(&in);
    }
}

/* ---- Sizes and errors ---------------------------------------------------------------------- */

static zp_status plan_msg(const zp_filter *f, const zp_param_value *v, int32_t iw, int32_t ih,
                          int32_t ch, zp_dtype dt, char *msg, int32_t *ow, int32_t *oh) {
    zp_plan_args args = {sizeof args, zp__host(), v, iw, ih, ch, dt, ZP_DEFAULT_MAX_PIXELS};
    zp_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.struct_size = sizeof plan;
    plan.width = iw, plan.height = ih, plan.channels = ch, plan.dtype = dt;
    zp_status st = f->plan(&args, &plan);
    snprintf(msg, 256, "%s", plan.message);
    if (ow) *ow = plan.width, *oh = plan.height;
    if (f->done && plan.state) f->done(plan.state);
    if (st && plan.state) fprintf(stderr, "  plan failed but left state behind\n");
    return st;
}

static void expect_error(const zp_filter *f, const zp_param_value *v, int32_t iw, int32_t ih,
                         int32_t ch, zp_dtype dt, zp_status want, const char *const *words,
                         const char *label) {
    char msg[256];
    zp_status st = plan_msg(f, v, iw, ih, ch, dt, msg, NULL, NULL);
    int ok = st == want && msg[0];
    for (int i = 0; ok && words[i]; i++) ok = strstr(msg, words[i]) != NULL;
    if (!ok) {
        fprintf(stderr, "  %s %s: got %s \"%s\", expected %s naming", f->name, label,
                zp_status_str(st), msg, zp_status_str(want));
        for (int i = 0; words[i]; i++) fprintf(stderr, " '%s'", words[i]);
        fprintf(stderr, "\n");
        CHECK(0);
    }
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void group_params(void) {
    /* Sizes from width, height or scale. */
    static const struct { int32_t iw, ih; double w, h, s; int32_t ow, oh; } sz[] = {
        {400, 300, 200, 0, 0, 200, 150}, {400, 300, 0, 150, 0, 200, 150},
        {400, 300, 0, 0, 0.5, 200, 150}, {400, 300, 50, 60, 0, 50, 60},
        {3, 2, 2, 0, 0, 2, 1},           {400, 300, 0, 0, 0.001, 1, 1},
        {7, 5, 0, 0, 2.5, 18, 13},       {1, 1, 7, 3, 0, 7, 3},
        {1, 1000, 0, 10, 0, 1, 10}, /* 0.01 -> at least 1 */
    };
    for (size_t i = 0; i < sizeof sz / sizeof sz[0]; i++) {
        zp_param_value v[8];
        resize_values(v, sz[i].w, sz[i].h, sz[i].s, ZP_RESIZE_BILINEAR);
        char msg[256];
        int32_t ow = 0, oh = 0;
        CHECK_OK(plan_msg(resize_f, v, sz[i].iw, sz[i].ih, 3, ZP_U8, msg, &ow, &oh));
        if (ow != sz[i].ow || oh != sz[i].oh) {
            fprintf(stderr, "  resize %dx%d w=%g h=%g scale=%g: got %dx%d, expected %dx%d\n",
                    sz[i].iw, sz[i].ih, sz[i].w, sz[i].h, sz[i].s, ow, oh, sz[i].ow, sz[i].oh);
            CHECK(0);
        }
    }
    /* The parameter table: names in order, defaults. */
    const char *const rnames[] = {"width", "height", "scale", "kernel"};
    const char *const tnames[] = {"width", "height", "kernel", "upscale"};
    CHECK(resize_f->param_count == 4 && thumb_f->param_count == 4);
    for (int i = 0; i < 4; i++) {
        CHECK(!strcmp(resize_f->params[i].name, rnames[i]));
        CHECK(!strcmp(thumb_f->params[i].name, tnames[i]));
    }
    CHECK(resize_f->params[3].def == ZP_RESIZE_LANCZOS3 && thumb_f->params[2].def == 3);
    CHECK(!strcmp(resize_f->params[3].choices, "nearest|bilinear|bicubic|lanczos3"));
    CHECK(thumb_f->params[3].type == ZP_PARAM_BOOL && thumb_f->params[3].def == 0);

    zp_param_value v[8];
    const zp_status BAD = ZP_ERR_INVALID_ARG, LIMIT = ZP_ERR_LIMIT;
    resize_values(v, 0, 0, 0, 3);
    expect_error(resize_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("width", "height", "scale"), "nothing");
    resize_values(v, 20, 0, 0.5, 3);
    expect_error(resize_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("scale", "width"), "scale+width");
    resize_values(v, 0, 20, 0.5, 3);
    expect_error(resize_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("scale", "height"), "scale+height");
    resize_values(v, -1, 0, 0, 3);
    expect_error(resize_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("width"), "width=-1");
    resize_values(v, 10.5, 0, 0, 3);
    expect_error(resize_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("width"), "width=10.5");
    resize_values(v, 0, 70000, 0, 3);
    expect_error(resize_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("height", "65535"), "height=70000");
    resize_values(v, 0, 0, -2, 3);
    expect_error(resize_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("scale"), "scale=-2");
    resize_values(v, 0, 0, NAN, 3);
    expect_error(resize_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("scale"), "scale=nan");
    resize_values(v, 10, 0, 0, 4);
    expect_error(resize_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("kernel", "lanczos3"), "kernel=4");
    resize_values(v, 0, 0, 100, 3);
    expect_error(resize_f, v, 1000, 10, 3, ZP_U8, LIMIT, WORDS("scale", "65535"), "scale too big");
    resize_values(v, 65535, 65535, 0, 3);
    expect_error(resize_f, v, 40, 30, 3, ZP_U8, LIMIT, WORDS("width and height", "268.4 MP"),
                 "256 MP");
    resize_values(v, 60000, 0, 0, 3);
    expect_error(resize_f, v, 1, 10, 3, ZP_U8, LIMIT, WORDS("width", "65535"), "derived height");
    resize_values(v, 0, 0, 2, 3);
    expect_error(resize_f, v, 20000, 20000, 3, ZP_U8, LIMIT, WORDS("scale", "268.4 MP"),
                 "scale 256 MP");
    resize_values(v, 10, 0, 0, 3);
    const zp_status UNSUP = ZP_ERR_UNSUPPORTED;
    expect_error(resize_f, v, 40, 30, 5, ZP_U8, UNSUP, WORDS("channels"), "5 channels");
    expect_error(resize_f, v, 40, 30, 3, (zp_dtype)9, UNSUP, WORDS("dtype"), "dtype 9");

    harness_defaults(thumb_f, v);
    expect_error(thumb_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("width", "height"), "no box");
    v[harness_param(thumb_f, "width")].number = 10;
    v[harness_param(thumb_f, "upscale")].number = 2;
    expect_error(thumb_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("upscale"), "upscale=2");
    v[harness_param(thumb_f, "upscale")].number = 0;
    v[harness_param(thumb_f, "kernel")].number = -1;
    expect_error(thumb_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("kernel"), "kernel=-1");
    harness_defaults(thumb_f, v);
    v[harness_param(thumb_f, "height")].number = -5;
    expect_error(thumb_f, v, 40, 30, 3, ZP_U8, BAD, WORDS("height"), "height=-5");
    harness_defaults(thumb_f, v);
    v[harness_param(thumb_f, "width")].number = 65535;
    v[harness_param(thumb_f, "upscale")].number = 1;
    expect_error(thumb_f, v, 1, 1000, 3, ZP_U8, LIMIT, WORDS("width", "65535"), "tall upscale");
}

int main(int argc, char **argv) {
    resize_f = harness_find("resize");
    thumb_f = harness_find("thumbnail");
    CHECK(resize_f && thumb_f);
    if (!resize_f || !thumb_f) return zp_test_finish("filters.resize");
    const char *group = argc > 1 ? argv[1] : "all";
    const int all = !strcmp(group, "all");
    int ran = 0;
#define GROUP(name)                                     \
    if (all || !strcmp(group, #name)) {                 \
        group_##name();                                 \
        ran = 1;                                        \
    }
    GROUP(reference)
    GROUP(strides)
    GROUP(isolation)
    GROUP(bands)
    GROUP(weights)
    GROUP(thumbnail)
    GROUP(params)
    if (!ran) {
        fprintf(stderr, "unknown group %s\n", group);
        return 2;
    }
    char name[64];
    snprintf(name, sizeof name, "filters.resize.%s", group);
    return zp_test_finish(name);
}
