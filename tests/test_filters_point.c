/* test_filters_point.c: the view filters (crop, flip, rotate, transpose,
 * extract, drop_alpha) and the point filters (grayscale, invert, levels,
 * threshold) against naive references written here, plus their kernels,
 * isolation, zero copy and plan errors. One CTest per argument:
 *
 *   test_filters_point crop|flip|rotate|transpose|extract|drop_alpha|
 *                      grayscale|invert|levels|threshold|kernels|view_chain
 *
 * References and tolerances:
 *   - view filters: out(x, y, c) == in(X, Y, C) bit for bit, (X, Y, C) from
 *     the direct coordinate mapping of each operation (vmap below);
 *   - point filters on u8 / u16: exact against ref_pixel(), which computes in
 *     double and rounds half up (floor(v + 0.5)); grayscale on integers is
 *     defined by its fixed-point weights (point_kernels.h) and is also
 *     checked to lie within 1 of the exact Rec. 601 value rounded, and to
 *     keep gray pixels exactly gray;
 *   - point filters on f32: within F32_TOL of ref_pixel() on samples drawn
 *     from -0.1..1.1 (out of the nominal range on purpose), exact on gray. */
#include <math.h>
#include <string.h>
#include "filter_harness.h"
#include "core/core_internal.h"
#include "plugins/common/point_kernels.h"

#define F32_TOL 1e-6

static const zp_dtype dtypes[] = {ZP_U8, ZP_U16, ZP_F32};

static double max_of(zp_dtype dt) { return dt == ZP_U8 ? 255.0 : dt == ZP_U16 ? 65535.0 : 1.0; }

/* ---- Samples of any view, as doubles (raw values: 0..255, 0..65535, float) --- */

static double get(const zp_view *v, int x, int y, int c) {
    const char *p = (const char *)zp_view_pixel(v, x, y) + (ptrdiff_t)c * v->stride_c;
    uint16_t s16;
    float f;
    switch (v->dtype) {
    case ZP_U8: return *(const uint8_t *)p;
    case ZP_U16: memcpy(&s16, p, 2); return s16;
    default: memcpy(&f, p, 4); return f;
    }
}

static void put(const zp_view *v, int x, int y, int c, double val) {
    char *p = (char *)zp_view_pixel(v, x, y) + (ptrdiff_t)c * v->stride_c;
    uint16_t s16 = (uint16_t)val;
    float f = (float)val;
    switch (v->dtype) {
    case ZP_U8: *(uint8_t *)p = (uint8_t)val; break;
    case ZP_U16: memcpy(p, &s16, 2); break;
    default: memcpy(p, &f, 4); break;
    }
}

static double sentinel_of(zp_dtype dt) { return dt == ZP_U8 ? 0xA5 : dt == ZP_U16 ? 0xA5A5 : -7.0; }

static void fill_all(const zp_view *v, double value) {
    for (int y = 0; y < v->height; y++)
        for (int x = 0; x < v->width; x++)
            for (int c = 0; c < v->channels; c++) put(v, x, y, c, value);
}

/* Random samples, with some 0 and full scale, and every 4th pixel gray (its
 * colour channels equal) so grayscale's "gray stays gray" is exercised. */
static void fill_random(const zp_view *v, uint32_t seed) {
    const double max = max_of(v->dtype);
    const int colour = v->channels - (v->channels == 2 || v->channels == 4);
    for (int y = 0; y < v->height; y++)
        for (int x = 0; x < v->width; x++)
            for (int c = 0; c < v->channels; c++) {
                uint32_t r = zp_test_rand(&seed);
                double val = v->dtype == ZP_F32 ? (r % 24001) / 20000.0 - 0.1
                                                : (double)(r % ((uint32_t)max + 1));
                if (r % 16 == 0) val = 0;
                if (r % 16 == 1) val = max;
                if ((x + y) % 4 == 0 && c > 0 && c < colour) val = get(v, x, y, 0);
                put(v, x, y, c, val);
            }
}

/* ---- Input layouts ---------------------------------------------------------- */

enum {
    L_PACKED,     /* zp_view_alloc                                           */
    L_FLIP_X,     /* negative stride_x: rows not packed                      */
    L_FLIP_Y,     /* negative stride_y: packed rows, bottom up               */
    L_TRANSPOSED, /* stride_x is a row of the parent                          */
    L_STEPPED,    /* every other column: stride_x = 2 pixels                 */
    L_CHANNELS,   /* a channel subset (c < 4) or reversal (c == 4) of a parent */
    L_CROP,       /* the middle of a larger image whose border is sentinels   */
    L_COUNT
};
static const char *const layout_names[L_COUNT] = {"packed", "flip-x",   "flip-y", "transposed",
                                                  "stepped", "channels", "crop"};

/* A w x h x c view of `layout` filled with random samples. For L_CROP the
 * parent's other pixels hold sentinel_of(dt); *parent (may be NULL) gets a
 * reference to the whole parent. */
static void make_input(int w, int h, int c, zp_dtype dt, int layout, uint32_t seed,
                       zp_view *out, zp_view *parent) {
    zp_view p;
    memset(&p, 0, sizeof p);
    switch (layout) {
    case L_PACKED: CHECK_OK(zp_view_alloc(w, h, c, dt, &p)); zp_view_share(&p, out); break;
    case L_FLIP_X:
        CHECK_OK(zp_view_alloc(w, h, c, dt, &p));
        CHECK_OK(zp_view_flip(&p, ZP_FLIP_X, out));
        break;
    case L_FLIP_Y:
        CHECK_OK(zp_view_alloc(w, h, c, dt, &p));
        CHECK_OK(zp_view_flip(&p, ZP_FLIP_Y, out));
        break;
    case L_TRANSPOSED:
        CHECK_OK(zp_view_alloc(h, w, c, dt, &p));
        CHECK_OK(zp_view_transpose(&p, out));
        break;
    case L_STEPPED:
        CHECK_OK(zp_view_alloc(2 * w - 1, h, c, dt, &p));
        CHECK_OK(zp_view_step(&p, 2, 1, out));
        break;
    case L_CHANNELS:
        if (c < 4) {
            CHECK_OK(zp_view_alloc(w, h, 4, dt, &p));
            CHECK_OK(zp_view_channels(&p, 4 - c, c, 1, out)); /* the last c of 4 */
        } else {
            CHECK_OK(zp_view_alloc(w, h, 4, dt, &p));
            CHECK_OK(zp_view_channels(&p, 3, 4, -1, out));
        }
        break;
    default:
        CHECK_OK(zp_view_alloc(w + 5, h + 4, c, dt, &p));
        fill_all(&p, sentinel_of(dt));
        CHECK_OK(zp_view_crop(&p, 2, 3, w, h, out));
        break;
    }
    fill_random(out, seed);
    if (parent) zp_view_share(&p, parent);
    zp_view_release(&p);
}

/* A packed copy of v (release it). */
static void packed_copy(const zp_view *v, zp_view *out) {
    CHECK_OK(zp_view_alloc(v->width, v->height, v->channels, v->dtype, out));
    CHECK_OK(zp_view_copy(v, out));
}

static int same_samples(const zp_view *a, const zp_view *b) {
    if (a->width != b->width || a->height != b->height || a->channels != b->channels ||
        a->dtype != b->dtype)
        return 0;
    for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width; x++)
            for (int c = 0; c < a->channels; c++)
                if (get(a, x, y, c) != get(b, x, y, c)) {
                    fprintf(stderr, "  differ at (%d,%d,%d): %g vs %g\n", x, y, c,
                            get(a, x, y, c), get(b, x, y, c));
                    return 0;
                }
    return 1;
}

/* ---- Running a filter into a given output view ------------------------------ */

/* Plan f on `in`, then process bands of 1..max_band rows (0: the whole
 * image in one call) into `out`, which may be `in` itself (in place).
 * *flags gets the plan's flags. The harness only writes packed outputs;
 * this covers non-packed outputs, in place, and large bands. */
static zp_status run_into(const zp_filter *f, const zp_param_value *values, const zp_view *in,
                          const zp_view *out, uint32_t seed, int max_band, uint32_t *flags) {
    zp_plan plan;
    zp_status st = harness_plan(f, values, in, &plan);
    if (flags) *flags = plan.flags;
    if (!st && (plan.width != out->width || plan.height != out->height ||
                plan.channels != out->channels || plan.halo_x || plan.halo_y || f->region))
        st = ZP_ERR_MISMATCH;
    if (!st && in == out && !(plan.flags & ZP_PLAN_POINT))
        st = ZP_ERR_UNSUPPORTED; /* only point filters may run in place */
    for (int32_t y = 0; !st && y < plan.height;) {
        int32_t hb = max_band ? 1 + (int32_t)(zp_test_rand(&seed) % (uint32_t)max_band)
                              : plan.height;
        if (hb > plan.height - y) hb = plan.height - y;
        zp_rect rect = {0, y, plan.width, hb};
        zp_view iv, ov;
        CHECK_OK(zp_view_crop(in, 0, y, plan.width, hb, &iv));
        CHECK_OK(zp_view_crop(out, 0, y, plan.width, hb, &ov));
        st = f->process(plan.state, in == out ? &ov : &iv, &rect, &ov, &rect);
        zp_view_release(&iv);
        zp_view_release(&ov);
        y += hb;
    }
    if (f->done) f->done(plan.state);
    return st;
}

/* ---- Parameters --------------------------------------------------------------- */

static const zp_filter *find(const char *name) {
    const zp_filter *f = harness_find(name);
    if (!f) {
        fprintf(stderr, "filter %s is not built in\n", name);
        exit(1);
    }
    return f;
}

/* The parameter table is well formed: names, types, ranges, help. */
static void check_table(const zp_filter *f, const char *name) {
    CHECK(f->struct_size == sizeof(zp_filter));
    CHECK(!strcmp(f->name, name));
    CHECK(f->summary && strlen(f->summary) > 10);
    CHECK(f->plan && (!f->map != !f->process));
    CHECK((f->params == NULL) == (f->param_count == 0));
    for (uint32_t i = 0; i < f->param_count; i++) {
        const zp_param_def *p = &f->params[i];
        CHECK(p->name && strspn(p->name, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
                             strlen(p->name));
        CHECK(p->type >= ZP_PARAM_INT && p->type <= ZP_PARAM_NUMBERS);
        CHECK(p->min <= p->max);
        CHECK(p->required || (p->def >= p->min && p->def <= p->max));
        CHECK(p->help && strlen(p->help) > 10);
        CHECK((p->type == ZP_PARAM_CHOICE) == (p->choices != NULL));
    }
}

/* plan on a w x h x c image of dtype dt must fail with `status` and a
 * message containing `text`. No pixels needed: plan sees only the shape. */
static void expect_error(const zp_filter *f, const zp_param_value *values, int w, int h, int c,
                         zp_dtype dt, zp_status status, const char *text) {
    zp_view shape;
    memset(&shape, 0, sizeof shape);
    shape.width = w;
    shape.height = h;
    shape.channels = c;
    shape.dtype = dt;
    char msg[256];
    zp_status st = harness_plan_message(f, values, &shape, msg, sizeof msg);
    if (st != status || !strstr(msg, text)) {
        fprintf(stderr, "%s plan: got %s \"%s\", want %s containing \"%s\"\n", f->name,
                zp_status_str(st), msg, zp_status_str(status), text);
        zp_test_failures++;
    }
}

/* ---- View filters ---------------------------------------------------------------- */

enum { V_CROP, V_FLIP, V_ROTATE, V_TRANSPOSE, V_EXTRACT, V_DROP_ALPHA };
typedef struct vspec {
    int kind;
    int a, b, c, d; /* crop x, y, w, h; flip axis index; rotate angle; extract first, count, step */
} vspec;

static void vdims(const vspec *s, int w, int h, int ch, int *ow, int *oh, int *oc) {
    *ow = w, *oh = h, *oc = ch;
    switch (s->kind) {
    case V_CROP: *ow = s->c ? s->c : w - s->a; *oh = s->d ? s->d : h - s->b; break;
    case V_ROTATE: if (s->a != 180) *ow = h, *oh = w; break;
    case V_TRANSPOSE: *ow = h, *oh = w; break;
    case V_EXTRACT: *oc = s->b; break;
    case V_DROP_ALPHA: *oc = ch == 2 || ch == 4 ? ch - 1 : ch; break;
    }
}

/* Output (x, y, c) comes from input (*sx, *sy, *sc) of a w x h input. */
static void vmap(const vspec *s, int w, int h, int x, int y, int c, int *sx, int *sy, int *sc) {
    *sx = x, *sy = y, *sc = c;
    switch (s->kind) {
    case V_CROP: *sx = x + s->a, *sy = y + s->b; break;
    case V_FLIP:
        if (s->a != 1) *sx = w - 1 - x; /* x or both */
        if (s->a != 0) *sy = h - 1 - y; /* y or both */
        break;
    case V_ROTATE:
        if (s->a == 90) *sx = y, *sy = h - 1 - x;
        else if (s->a == 180) *sx = w - 1 - x, *sy = h - 1 - y;
        else *sx = w - 1 - y, *sy = x; /* 270 and -90 */
        break;
    case V_TRANSPOSE: *sx = y, *sy = x; break;
    case V_EXTRACT: *sc = s->a + c * s->c; break;
    }
}

static void vvalues(const zp_filter *f, const vspec *s, zp_param_value *v, double *numbers) {
    harness_defaults(f, v);
    switch (s->kind) {
    case V_CROP:
        v[harness_param(f, "x")].number = s->a;
        v[harness_param(f, "y")].number = s->b;
        v[harness_param(f, "w")].number = s->c;
        v[harness_param(f, "h")].number = s->d;
        break;
    case V_FLIP: v[harness_param(f, "axis")].number = s->a; break;
    case V_ROTATE: v[harness_param(f, "angle")].number = s->a; break;
    case V_EXTRACT:
        for (int i = 0; i < s->b; i++) numbers[i] = s->a + i * s->c;
        v[0].numbers = numbers;
        v[0].count = s->b;
        v[0].is_set = 1;
        break;
    }
}

/* Output == mapped input, sample for sample; no pixel memory allocated;
 * the output shares the input's owner. */
static int check_view_once(const zp_filter *f, const vspec *s, const zp_view *in, uint32_t seed,
                           zp_view *out) {
    zp_param_value values[8];
    double numbers[4];
    vvalues(f, s, values, numbers);
    uint64_t allocs = zp__pixels_alloc_count();
    zp_status st = harness_run(f, values, in, seed, out);
    CHECK_OK(st);
    if (st) return 0;
    CHECK(zp__pixels_alloc_count() == allocs); /* zero copy */
    CHECK(out->owner == in->owner);
    CHECK_OK(zp_view_check(out));
    int ow, oh, oc;
    vdims(s, in->width, in->height, in->channels, &ow, &oh, &oc);
    CHECK(out->width == ow && out->height == oh && out->channels == oc && out->dtype == in->dtype);
    if (out->width != ow || out->height != oh || out->channels != oc) return 0;
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            for (int c = 0; c < oc; c++) {
                int sx, sy, sc;
                vmap(s, in->width, in->height, x, y, c, &sx, &sy, &sc);
                if (get(out, x, y, c) != get(in, sx, sy, sc)) {
                    fprintf(stderr, "%s kind %d (%d,%d,%d,%d) on %dx%dx%d %s: out(%d,%d,%d) = %g, "
                            "want in(%d,%d,%d) = %g\n", f->name, s->kind, s->a, s->b, s->c, s->d,
                            in->width, in->height, in->channels, zp_dtype_name(in->dtype), x, y,
                            c, get(out, x, y, c), sx, sy, sc, get(in, sx, sy, sc));
                    zp_test_failures++;
                    return 0;
                }
            }
    return 1;
}

static const int sizes[][2] = {{1, 1}, {1, 9}, {9, 1}, {2, 3}, {16, 5}, {67, 13}, {13, 67}};
#define N_SIZES (int)(sizeof sizes / sizeof sizes[0])

/* specs(w, h, c, list) fills the cases to try on one input shape. */
typedef int (*vspecs_fn)(int w, int h, int c, vspec *list);

static void check_view_filter(const char *name, vspecs_fn specs) {
    const zp_filter *f = find(name);
    check_table(f, name);
    CHECK(f->map && !f->process);
    uint32_t seed = 12345;
    int runs = 0;
    for (size_t d = 0; d < 3; d++)
        for (int c = 1; c <= 4; c++)
            for (int si = 0; si < N_SIZES; si++)
                for (int layout = 0; layout < L_COUNT; layout++) {
                    const int w = sizes[si][0], h = sizes[si][1];
                    vspec list[64];
                    int n = specs(w, h, c, list);
                    zp_view in, parent, copy;
                    make_input(w, h, c, dtypes[d], layout, zp_test_rand(&seed), &in, &parent);
                    packed_copy(&in, &copy);
                    for (int i = 0; i < n; i++) {
                        zp_view out, out_copy;
                        int ok = check_view_once(f, &list[i], &in, seed, &out);
                        runs++;
                        if (!ok) {
                            fprintf(stderr, "  (layout %s)\n", layout_names[layout]);
                            continue;
                        }
                        /* Isolation: the crop of a larger image behaves as its packed copy. */
                        if (layout == L_CROP &&
                            check_view_once(f, &list[i], &copy, seed, &out_copy)) {
                            CHECK(same_samples(&out, &out_copy));
                            if (dtypes[d] == ZP_F32) /* the sentinel never leaks in */
                                for (int y = 0; y < out.height; y++)
                                    for (int x = 0; x < out.width; x++)
                                        for (int k = 0; k < out.channels; k++)
                                            CHECK(get(&out, x, y, k) != sentinel_of(ZP_F32));
                            zp_view_release(&out_copy);
                        }
                        zp_view_release(&out);
                    }
                    zp_view_release(&copy);
                    zp_view_release(&parent);
                    zp_view_release(&in);
                }
    printf("%s: %d runs checked against the coordinate mapping\n", name, runs);
}

static int crop_specs(int w, int h, int c, vspec *l) {
    int n = 0;
    l[n++] = (vspec){V_CROP, 0, 0, 0, 0};                 /* everything */
    l[n++] = (vspec){V_CROP, w - 1, h - 1, 1, 1};         /* the last pixel */
    l[n++] = (vspec){V_CROP, w - 1, h - 1, 0, 0};         /* the same, to the edges */
    l[n++] = (vspec){V_CROP, w / 3, h / 4, 0, h - h / 4}; /* to the right edge */
    l[n++] = (vspec){V_CROP, w / 2, h / 2, (w + 1) / 2 - (w > 2), (h + 1) / 2 - (h > 2)};
    l[n++] = (vspec){V_CROP, 0, h / 3, w, 1};             /* one row */
    return n;
}

static int flip_specs(int w, int h, int c, vspec *l) {
    for (int a = 0; a < 3; a++) l[a] = (vspec){V_FLIP, a, 0, 0, 0};
    return 3;
}

static int rotate_specs(int w, int h, int c, vspec *l) {
    static const int angles[] = {90, 180, 270, -90};
    for (int a = 0; a < 4; a++) l[a] = (vspec){V_ROTATE, angles[a], 0, 0, 0};
    return 4;
}

static int transpose_specs(int w, int h, int c, vspec *l) {
    l[0] = (vspec){V_TRANSPOSE, 0, 0, 0, 0};
    return 1;
}

/* Every arithmetic progression of channels that fits (steps -3..3, counts 1..4). */
static int extract_specs(int w, int h, int c, vspec *l) {
    int n = 0;
    for (int first = 0; first < c; first++)
        for (int count = 1; count <= 4; count++)
            for (int step = -3; step <= 3; step++) {
                int last = first + (count - 1) * step;
                if (last < 0 || last >= c || (count == 1 && step != 1)) continue;
                l[n++] = (vspec){V_EXTRACT, first, count, step, 0};
            }
    return n;
}

static int drop_alpha_specs(int w, int h, int c, vspec *l) {
    l[0] = (vspec){V_DROP_ALPHA, 0, 0, 0, 0};
    return 1;
}

/* ---- Point filters: the reference ------------------------------------------------ */

enum { R_INVERT, R_THRESHOLD, R_LEVELS, R_GRAY };
typedef struct point_ref {
    int kind;
    double value;                        /* threshold */
    double brightness, contrast, gamma; /* levels */
} point_ref;

/* The output pixel for input pixel `in` (ch raw samples); returns its
 * channel count. Doubles throughout, integers rounded half up. */
static int ref_pixel(const point_ref *r, zp_dtype dt, int ch, const double *in, double *out) {
    const double max = max_of(dt);
    const int alpha = ch == 2 || ch == 4;
    if (r->kind == R_GRAY) {
        if (ch < 3) {
            for (int c = 0; c < ch; c++) out[c] = in[c];
            return ch;
        }
        if (dt == ZP_U8)
            out[0] = floor((9798.0 * in[0] + 19235.0 * in[1] + 3735.0 * in[2]) / 32768.0 + 0.5);
        else if (dt == ZP_U16)
            out[0] = floor((19595.0 * in[0] + 38470.0 * in[1] + 7471.0 * in[2]) / 65536.0 + 0.5);
        else
            out[0] = 0.299 * in[0] + 0.587 * in[1] + 0.114 * in[2];
        if (alpha) out[1] = in[3];
        return 1 + alpha;
    }
    for (int c = 0; c < ch - alpha; c++) {
        const double v = in[c];
        switch (r->kind) {
        case R_INVERT: out[c] = max - v; break;
        case R_THRESHOLD: out[c] = v >= r->value * max ? max : 0; break;
        default: {
            double t = (v / max - 0.5) * r->contrast + 0.5 + r->brightness;
            t = t < 0 ? 0 : t > 1 ? 1 : t;
            if (r->gamma != 1) t = pow(t, 1.0 / r->gamma);
            out[c] = dt == ZP_F32 ? t : floor(t * max + 0.5);
        }
        }
    }
    if (alpha) out[ch - 1] = in[ch - 1];
    return ch;
}

/* out against ref_pixel(in) everywhere; grayscale also against Rec. 601. */
static int check_point_output(const point_ref *r, const zp_view *in, const zp_view *out,
                              const char *what) {
    const int ch = in->channels;
    const zp_dtype dt = in->dtype;
    double pin[4], want[4];
    const int oc = ref_pixel(r, dt, ch, (double[4]){0, 0, 0, 0}, want);
    if (out->width != in->width || out->height != in->height || out->channels != oc ||
        out->dtype != dt) {
        fprintf(stderr, "%s: output %dx%dx%d %s, want %dx%dx%d %s\n", what, out->width,
                out->height, out->channels, zp_dtype_name(out->dtype), in->width, in->height, oc,
                zp_dtype_name(dt));
        zp_test_failures++;
        return 0;
    }
    for (int y = 0; y < in->height; y++)
        for (int x = 0; x < in->width; x++) {
            for (int c = 0; c < ch; c++) pin[c] = get(in, x, y, c);
            ref_pixel(r, dt, ch, pin, want);
            for (int c = 0; c < oc; c++) {
                const double got = get(out, x, y, c);
                int bad = dt == ZP_F32 ? !(fabs(got - want[c]) <= F32_TOL) : got != want[c];
                if (r->kind == R_GRAY && ch >= 3 && c == 0) {
                    const double exact = 0.299 * pin[0] + 0.587 * pin[1] + 0.114 * pin[2];
                    if (dt != ZP_F32 && fabs(got - floor(exact + 0.5)) > 1) bad = 1;
                    if (pin[0] == pin[1] && pin[1] == pin[2] && got != pin[0]) bad = 1;
                }
                if (bad) {
                    fprintf(stderr, "%s: %dx%dx%d %s at (%d,%d,%d): got %.9g, want %.9g "
                            "(in %g %g %g %g)\n", what, in->width, in->height, ch,
                            zp_dtype_name(dt), x, y, c, got, want[c], pin[0],
                            ch > 1 ? pin[1] : 0, ch > 2 ? pin[2] : 0, ch > 3 ? pin[3] : 0);
                    zp_test_failures++;
                    return 0;
                }
            }
        }
    return 1;
}

/* Every dtype, channel count, size and input layout through the harness,
 * then, for some inputs, non-packed outputs, in place, and whole-image bands.
 * `quick`: only the packed, transposed and crop layouts. */
static void check_point_filter(const char *name, const zp_param_value *values,
                               const point_ref *r, int quick) {
    const zp_filter *f = find(name);
    uint32_t seed = 777;
    int runs = 0;
    for (size_t d = 0; d < 3; d++)
        for (int c = 1; c <= 4; c++)
            for (int si = 0; si <= N_SIZES; si++)
                for (int layout = 0; layout < L_COUNT; layout++) {
                    if (quick && layout != L_PACKED && layout != L_TRANSPOSED && layout != L_CROP)
                        continue;
                    /* The extra size is wider than the driver's scratch chunk: one
                     * packed and one gathered layout are enough there. */
                    if (si == N_SIZES && layout != L_PACKED && layout != L_FLIP_X) continue;
                    const int w = si < N_SIZES ? sizes[si][0] : 4099;
                    const int h = si < N_SIZES ? sizes[si][1] : 3;
                    const zp_dtype dt = dtypes[d];
                    char what[96];
                    snprintf(what, sizeof what, "%s, %s input", name, layout_names[layout]);
                    zp_view in, parent, out;
                    make_input(w, h, c, dt, layout, zp_test_rand(&seed), &in, &parent);
                    zp_status st = harness_run(f, values, &in, seed, &out);
                    CHECK_OK(st);
                    runs++;
                    if (st || !check_point_output(r, &in, &out, what)) {
                        if (!st) zp_view_release(&out);
                        zp_view_release(&in);
                        zp_view_release(&parent);
                        continue;
                    }
                    uint32_t flags = 0;
                    /* Non-packed outputs: transposed and x-flipped storage. */
                    if (layout == L_PACKED || layout == L_STEPPED) {
                        zp_view store, tout;
                        CHECK_OK(zp_view_alloc(out.height, out.width, out.channels, dt, &store));
                        CHECK_OK(zp_view_transpose(&store, &tout));
                        CHECK_OK(run_into(f, values, &in, &tout, seed, 7, &flags));
                        snprintf(what, sizeof what, "%s, %s input, transposed output", name,
                                 layout_names[layout]);
                        check_point_output(r, &in, &tout, what);
                        CHECK_OK(zp_view_flip(&tout, ZP_FLIP_X | ZP_FLIP_Y, &tout));
                        CHECK_OK(run_into(f, values, &in, &tout, seed, 0, NULL));
                        check_point_output(r, &in, &tout, what);
                        zp_view_release(&tout);
                        zp_view_release(&store);
                    }
                    /* Isolation: a crop of a larger image gives what its packed copy gives. */
                    if (layout == L_CROP) {
                        zp_view copy, out_copy;
                        packed_copy(&in, &copy);
                        CHECK_OK(harness_run(f, values, &copy, seed + 1, &out_copy));
                        CHECK(same_samples(&out, &out_copy));
                        zp_view_release(&out_copy);
                        zp_view_release(&copy);
                    }
                    /* In place (the host may do it for ZP_PLAN_POINT): every layout, one
                     * whole-image band or random bands; the sentinels stay untouched. */
                    zp_view before;
                    packed_copy(&in, &before);
                    st = run_into(f, values, &in, &in, seed, layout % 2 ? 0 : 5, &flags);
                    CHECK(flags & ZP_PLAN_POINT ? st == ZP_OK : st != ZP_OK);
                    if (flags & ZP_PLAN_POINT) {
                        snprintf(what, sizeof what, "%s, %s input, in place", name,
                                 layout_names[layout]);
                        check_point_output(r, &before, &in, what);
                        if (layout == L_CROP) {
                            const double s = sentinel_of(dt);
                            for (int y = 0; y < parent.height; y++)
                                for (int x = 0; x < parent.width; x++)
                                    for (int k = 0; k < parent.channels; k++)
                                        if (x < 2 || y < 3 || x >= 2 + w || y >= 3 + h)
                                            CHECK(get(&parent, x, y, k) == s);
                        }
                    }
                    zp_view_release(&before);
                    zp_view_release(&out);
                    zp_view_release(&parent);
                    zp_view_release(&in);
                }
    printf("%s: %d runs checked against the reference\n", name, runs);
}

/* ---- The tests ------------------------------------------------------------------- */

static void test_crop(void) {
    check_view_filter("crop", crop_specs);
    const zp_filter *f = find("crop");
    zp_param_value v[4];
    const int x = harness_param(f, "x"), y = harness_param(f, "y");
    const int w = harness_param(f, "w"), h = harness_param(f, "h");
    harness_defaults(f, v);
    v[x].number = 1200;
    expect_error(f, v, 1000, 800, 3, ZP_U8, ZP_ERR_INVALID_ARG,
                 "x = 1200 is past the image width 1000");
    v[x].number = 200;
    v[w].number = 1000;
    expect_error(f, v, 1000, 800, 3, ZP_U8, ZP_ERR_INVALID_ARG,
                 "x + w = 1200 is past the image width 1000");
    v[w].number = 800;
    expect_error(f, v, 1000, 800, 3, ZP_U8, ZP_OK, "");
    v[y].number = 700;
    v[h].number = 101;
    expect_error(f, v, 1000, 800, 3, ZP_U16, ZP_ERR_INVALID_ARG,
                 "y + h = 801 is past the image height 800");
    v[y].number = 800;
    v[h].number = 0;
    expect_error(f, v, 1000, 800, 3, ZP_U16, ZP_ERR_INVALID_ARG,
                 "y = 800 is past the image height 800");
    harness_defaults(f, v);
    v[w].number = -1;
    expect_error(f, v, 10, 10, 1, ZP_U8, ZP_ERR_INVALID_ARG, "w = -1: must be a whole number");
    harness_defaults(f, v);
    v[x].number = 1.5;
    expect_error(f, v, 10, 10, 1, ZP_U8, ZP_ERR_INVALID_ARG, "x = 1.5: must be a whole number");
    harness_defaults(f, v);
    expect_error(f, v, 10, 10, 1, (zp_dtype)9, ZP_ERR_UNSUPPORTED, "unsupported sample type 9");
}

static void test_flip(void) {
    check_view_filter("flip", flip_specs);
    const zp_filter *f = find("flip");
    CHECK(f->param_count == 1 && !strcmp(f->params[0].choices, "x|y|both"));
    CHECK(f->params[0].def == 0 && strstr(f->params[0].help, "x mirrors left-right"));
    zp_param_value v[1];
    harness_defaults(f, v);
    v[0].number = 3;
    expect_error(f, v, 5, 5, 3, ZP_U8, ZP_ERR_INVALID_ARG, "axis = 3: must be x, y or both");
    harness_defaults(f, v);
    expect_error(f, v, 5, 5, 3, (zp_dtype)0, ZP_ERR_UNSUPPORTED, "unsupported sample type 0");
}

static void test_rotate(void) {
    check_view_filter("rotate", rotate_specs);
    const zp_filter *f = find("rotate");
    zp_param_value v[1];
    harness_defaults(f, v);
    CHECK(v[0].number == 90);
    const double bad[] = {0, 45, -180, 360, 90.5};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v[0].number = bad[i];
        expect_error(f, v, 5, 5, 3, ZP_U8, ZP_ERR_INVALID_ARG,
                     "must be 90, 180, 270 or -90 (degrees clockwise)");
    }
    v[0].number = 45;
    expect_error(f, v, 5, 5, 3, ZP_U8, ZP_ERR_INVALID_ARG, "angle = 45");
}

static void test_transpose(void) {
    check_view_filter("transpose", transpose_specs);
    expect_error(find("transpose"), NULL, 5, 5, 3, (zp_dtype)4, ZP_ERR_UNSUPPORTED,
                 "unsupported sample type 4");
}

static void test_extract(void) {
    check_view_filter("extract", extract_specs);
    const zp_filter *f = find("extract");
    CHECK(f->params[0].type == ZP_PARAM_NUMBERS && f->params[0].min == 1 &&
          f->params[0].max == 4 && f->params[0].required);
    zp_param_value v[1];
    double list[5] = {0, 2, 1, 0, 0};
    harness_defaults(f, v);
    expect_error(f, v, 5, 5, 3, ZP_U8, ZP_ERR_INVALID_ARG, "channels: give 1 to 4 channel numbers");
    v[0].numbers = list;
    v[0].count = 5;
    expect_error(f, v, 5, 5, 4, ZP_U8, ZP_ERR_INVALID_ARG, "channels: give 1 to 4 channel numbers");
    v[0].count = 3;
    expect_error(f, v, 5, 5, 3, ZP_U8, ZP_ERR_UNSUPPORTED, "channels: 0;2;1 is not evenly spaced");
    expect_error(f, v, 5, 5, 3, ZP_U8, ZP_ERR_UNSUPPORTED, "a view has one channel stride");
    list[2] = 3;
    expect_error(f, v, 5, 5, 3, ZP_U8, ZP_ERR_INVALID_ARG,
                 "channels: 3 is not a channel of this 3-channel image (0..2)");
    list[0] = 0.5;
    v[0].count = 1;
    expect_error(f, v, 5, 5, 3, ZP_U8, ZP_ERR_INVALID_ARG, "channels: 0.5 is not a channel");
    list[0] = -1;
    expect_error(f, v, 5, 5, 3, ZP_U8, ZP_ERR_INVALID_ARG, "channels: -1 is not a channel");
    list[0] = 2, list[1] = 1, list[2] = 0;
    v[0].count = 3;
    expect_error(f, v, 5, 5, 3, ZP_F32, ZP_OK, "");
    expect_error(f, v, 5, 5, 3, (zp_dtype)5, ZP_ERR_UNSUPPORTED, "unsupported sample type 5");
}

static void test_drop_alpha(void) {
    check_view_filter("drop_alpha", drop_alpha_specs);
    const zp_filter *f = find("drop_alpha");
    expect_error(f, NULL, 5, 5, 3, (zp_dtype)7, ZP_ERR_UNSUPPORTED, "unsupported sample type 7");
    expect_error(f, NULL, 5, 5, 5, ZP_U8, ZP_ERR_UNSUPPORTED, "the image has 5 channels");
}

/* A chain of view filters: no pixel memory at all, and the composed
 * mapping holds. crop -> rotate 90 -> flip y -> extract 2;1;0 -> drop_alpha. */
static void test_view_chain(void) {
    zp_view in, cur, next;
    make_input(31, 17, 4, ZP_U16, L_PACKED, 99, &in, NULL);
    const vspec chain[] = {{V_CROP, 3, 2, 20, 0}, {V_ROTATE, 90, 0, 0, 0},
                           {V_FLIP, 1, 0, 0, 0},    {V_EXTRACT, 2, 3, -1, 0},
                           {V_DROP_ALPHA, 0, 0, 0, 0}};
    static const char *const names[] = {"crop", "rotate", "flip", "extract", "drop_alpha"};
    const int n = (int)(sizeof chain / sizeof chain[0]);
    int w[6], h[6], c[6];
    w[0] = in.width, h[0] = in.height, c[0] = in.channels;
    uint64_t allocs = zp__pixels_alloc_count();
    zp_view_share(&in, &cur);
    for (int i = 0; i < n; i++) {
        const zp_filter *f = find(names[i]);
        zp_param_value v[8];
        double numbers[4];
        vvalues(f, &chain[i], v, numbers);
        CHECK_OK(harness_run(f, v, &cur, 1, &next));
        zp_view_release(&cur);
        cur = next;
        vdims(&chain[i], w[i], h[i], c[i], &w[i + 1], &h[i + 1], &c[i + 1]);
    }
    CHECK(zp__pixels_alloc_count() == allocs);
    CHECK(cur.owner == in.owner);
    CHECK(cur.width == w[n] && cur.height == h[n] && cur.channels == c[n] && c[n] == 3);
    for (int y = 0; y < cur.height; y++)
        for (int x = 0; x < cur.width; x++)
            for (int k = 0; k < cur.channels; k++) {
                int sx = x, sy = y, sc = k;
                for (int i = n - 1; i >= 0; i--)
                    vmap(&chain[i], w[i], h[i], sx, sy, sc, &sx, &sy, &sc);
                if (get(&cur, x, y, k) != get(&in, sx, sy, sc)) {
                    fprintf(stderr, "chain: out(%d,%d,%d) != in(%d,%d,%d)\n", x, y, k, sx, sy, sc);
                    zp_test_failures++;
                    y = cur.height, x = cur.width;
                    break;
                }
            }
    zp_view_release(&cur);
    zp_view_release(&in);
}

static void test_grayscale(void) {
    const zp_filter *f = find("grayscale");
    check_table(f, "grayscale");
    point_ref r = {R_GRAY, 0, 0, 0, 0};
    check_point_filter("grayscale", NULL, &r, 0);
    expect_error(f, NULL, 5, 5, 3, (zp_dtype)7, ZP_ERR_UNSUPPORTED,
                 "unsupported sample type 7 (grayscale works on u8, u16 and f32)");
    expect_error(f, NULL, 5, 5, 0, ZP_U8, ZP_ERR_UNSUPPORTED, "the image has 0 channels");
    /* Pure primaries land on the rounded weights. */
    zp_view in, out;
    CHECK_OK(zp_view_alloc(3, 1, 3, ZP_U8, &in));
    fill_all(&in, 0);
    for (int i = 0; i < 3; i++) put(&in, i, 0, i, 255);
    CHECK_OK(harness_run(f, NULL, &in, 1, &out));
    CHECK(get(&out, 0, 0, 0) == 76 && get(&out, 1, 0, 0) == 150 && get(&out, 2, 0, 0) == 29);
    zp_view_release(&out);
    zp_view_release(&in);
}

static void test_invert(void) {
    const zp_filter *f = find("invert");
    check_table(f, "invert");
    point_ref r = {R_INVERT, 0, 0, 0, 0};
    check_point_filter("invert", NULL, &r, 0);
    expect_error(f, NULL, 5, 5, 3, (zp_dtype)7, ZP_ERR_UNSUPPORTED,
                 "unsupported sample type 7 (invert works on u8, u16 and f32)");
}

static void test_levels(void) {
    const zp_filter *f = find("levels");
    check_table(f, "levels");
    const int b = harness_param(f, "brightness"), k = harness_param(f, "contrast"),
              g = harness_param(f, "gamma");
    CHECK(b == 0 && k == 1 && g == 2); /* positional order: levels:0.1 is brightness */
    static const double cases[][3] = {
        {0, 1, 1}, {0.2, 1, 1}, {-0.35, 2.5, 1}, {0, 1, 2.2}, {0.1, 0.5, 0.45},
        {0, 0, 1}, {-1, 10, 10}, {1, 1, 0.1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        zp_param_value v[3];
        harness_defaults(f, v);
        v[b].number = cases[i][0];
        v[k].number = cases[i][1];
        v[g].number = cases[i][2];
        point_ref r = {R_LEVELS, 0, cases[i][0], cases[i][1], cases[i][2]};
        check_point_filter("levels", v, &r, i % 3 != 0); /* 65536 pow() per u16 plan */
    }
    zp_param_value v[3];
    harness_defaults(f, v);
    v[b].number = 1.5;
    expect_error(f, v, 5, 5, 3, ZP_U8, ZP_ERR_INVALID_ARG, "brightness = 1.5 is outside -1..1");
    harness_defaults(f, v);
    v[k].number = -0.1;
    expect_error(f, v, 5, 5, 3, ZP_U16, ZP_ERR_INVALID_ARG, "contrast = -0.1 is outside 0..10");
    harness_defaults(f, v);
    v[g].number = 0.05;
    expect_error(f, v, 5, 5, 3, ZP_F32, ZP_ERR_INVALID_ARG, "gamma = 0.05 is outside 0.1..10");
    v[g].number = NAN;
    expect_error(f, v, 5, 5, 3, ZP_F32, ZP_ERR_INVALID_ARG, "gamma = nan is outside 0.1..10");
    harness_defaults(f, v);
    expect_error(f, v, 5, 5, 3, (zp_dtype)8, ZP_ERR_UNSUPPORTED, "unsupported sample type 8");
}

static void test_threshold(void) {
    const zp_filter *f = find("threshold");
    check_table(f, "threshold");
    /* 0.2 * 255 is a hair above 51 in double: 51 must go to 0. */
    static const double values[] = {0.5, 0, 1, 0.2, 0.1, 127.5 / 255, 0.7};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        zp_param_value v[1];
        harness_defaults(f, v);
        v[0].number = values[i];
        point_ref r = {R_THRESHOLD, values[i], 0, 0, 0};
        check_point_filter("threshold", v, &r, i > 2);
    }
    zp_param_value v[1];
    harness_defaults(f, v);
    CHECK(v[0].number == 0.5);
    v[0].number = 1.2;
    expect_error(f, v, 5, 5, 3, ZP_U8, ZP_ERR_INVALID_ARG, "value = 1.2 is outside 0..1");
    v[0].number = -0.1;
    expect_error(f, v, 5, 5, 3, ZP_U8, ZP_ERR_INVALID_ARG, "value = -0.1 is outside 0..1");
    harness_defaults(f, v);
    expect_error(f, v, 5, 5, 3, (zp_dtype)8, ZP_ERR_UNSUPPORTED, "unsupported sample type 8");
}

/* ---- Kernels, one table at a time, against per-sample references -------------- */

#define GUARD 16 /* samples after the end that must stay untouched */
#define KMAX 255  /* longest segment tried, in pixels */

enum { K_INVERT, K_THRESHOLD, K_LUT, K_GRAY, K_OPS };
static const char *const kernel_names[K_OPS] = {"invert", "threshold", "lut/levels", "gray"};

/* Per-sample reference of kernel `op` for pixel `s` (ch samples). */
static void kernel_ref(int op, zp_dtype dt, int ch, int alpha, const double *s, double *o,
                       const uint8_t *lut8, const uint16_t *lut16, const zp_levels *lv) {
    const double max = max_of(dt);
    const double level = dt == ZP_U8 ? 77 : dt == ZP_U16 ? 20000 : (double)0.3f;
    if (op == K_GRAY) {
        point_ref r = {R_GRAY, 0, 0, 0, 0};
        ref_pixel(&r, dt, ch, s, o);
        return;
    }
    for (int c = 0; c < ch; c++) {
        const double v = s[c];
        if (alpha && c == ch - 1) o[c] = v;
        else if (op == K_INVERT) o[c] = max - v;
        else if (op == K_THRESHOLD) o[c] = v >= level ? max : 0;
        else if (dt == ZP_U8) o[c] = lut8[(int)v];
        else if (dt == ZP_U16) o[c] = lut16[(int)v];
        else o[c] = zp_levels_apply(lv, v);
    }
}

static void run_kernel(const struct zp_point_kernels *k, int op, zp_dtype dt, const void *s,
                       void *o, size_t px, int ch, int alpha, const uint8_t *lut8,
                       const uint16_t *lut16, const zp_levels *lv) {
    switch (op * 4 + (int)dt) {
    case K_INVERT * 4 + ZP_U8: k->invert_u8(s, o, px, ch, alpha); break;
    case K_INVERT * 4 + ZP_U16: k->invert_u16(s, o, px, ch, alpha); break;
    case K_INVERT * 4 + ZP_F32: k->invert_f32(s, o, px, ch, alpha); break;
    case K_THRESHOLD * 4 + ZP_U8: k->threshold_u8(s, o, px, ch, alpha, 77); break;
    case K_THRESHOLD * 4 + ZP_U16: k->threshold_u16(s, o, px, ch, alpha, 20000); break;
    case K_THRESHOLD * 4 + ZP_F32: k->threshold_f32(s, o, px, ch, alpha, 0.3f); break;
    case K_LUT * 4 + ZP_U8: k->lut_u8(s, o, px, ch, alpha, lut8); break;
    case K_LUT * 4 + ZP_U16: k->lut_u16(s, o, px, ch, alpha, lut16); break;
    case K_LUT * 4 + ZP_F32: k->levels_f32(s, o, px, ch, alpha, lv); break;
    case K_GRAY * 4 + ZP_U8: k->gray_u8(s, o, px, alpha); break;
    case K_GRAY * 4 + ZP_U16: k->gray_u16(s, o, px, alpha); break;
    case K_GRAY * 4 + ZP_F32: k->gray_f32(s, o, px, alpha); break;
    }
}

static double raw_at(const unsigned char *buf, zp_dtype dt, size_t i) {
    uint16_t s16;
    float f;
    if (dt == ZP_U8) return buf[i];
    if (dt == ZP_U16) {
        memcpy(&s16, buf + 2 * i, 2);
        return s16;
    }
    memcpy(&f, buf + 4 * i, 4);
    return f;
}

static void raw_put(unsigned char *buf, zp_dtype dt, size_t i, double v) {
    uint16_t s16 = (uint16_t)v;
    float f = (float)v;
    if (dt == ZP_U8) buf[i] = (uint8_t)v;
    else if (dt == ZP_U16) memcpy(buf + 2 * i, &s16, 2);
    else memcpy(buf + 4 * i, &f, 4);
}

/* Every kernel of table k, every dtype, channel count and alpha, odd and
 * even lengths, in place and not: against kernel_ref, and no write past
 * the end. The test SIMD levels will be registered with. */
static void check_kernel_table(const struct zp_point_kernels *k, const char *level) {
    static const size_t lengths[] = {0,  1,  2,  3,  5,  7,  8,  15, 16,
                                     17, 31, 32, 33, 63, 64, 65, 67, KMAX};
    static uint16_t lut16[65536];
    static unsigned char a[(KMAX * 4 + GUARD) * 4], b[sizeof a];
    static double src[KMAX * 4], want[KMAX * 4];
    uint8_t lut8[256];
    for (int i = 0; i < 65536; i++) lut16[i] = (uint16_t)(i * 7919u + 13u);
    for (int i = 0; i < 256; i++) lut8[i] = (uint8_t)(i * 37u + 5u);
    const zp_levels lv = {0.05, 1.7, 1 / 2.2};
    uint32_t seed = 4242;
    const int failures = zp_test_failures;
    for (size_t d = 0; d < 3; d++)
        for (int op = 0; op < K_OPS; op++)
            for (int ch = op == K_GRAY ? 3 : 1; ch <= 4; ch++)
                for (int alpha = 0; alpha <= (ch == 2 || ch == 4); alpha++)
                    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++)
                        for (int inplace = 0; inplace <= 1; inplace++) {
                            const zp_dtype dt = dtypes[d];
                            const size_t px = lengths[li], item = zp_sample_bytes(dt);
                            if (op == K_GRAY && alpha != (ch == 4)) continue;
                            const int oc = op == K_GRAY ? 1 + alpha : ch;
                            const size_t ns = px * (size_t)ch, no = px * (size_t)oc;
                            memset(a, 0x5A, sizeof a);
                            memset(b, 0x5A, sizeof b);
                            for (size_t i = 0; i < ns; i++) {
                                uint32_t r = zp_test_rand(&seed);
                                const double f32 = (double)(float)((r % 24001) / 20000.0 - 0.1);
                                src[i] = dt == ZP_U8 ? r % 256 : dt == ZP_U16 ? r % 65536 : f32;
                                if (r % 8 == 0) /* exactly at the threshold level */
                                    src[i] = dt == ZP_U8 ? 77 : dt == ZP_U16 ? 20000 : (double)0.3f;
                                raw_put(a, dt, i, src[i]);
                            }
                            for (size_t p = 0; p < px; p++)
                                kernel_ref(op, dt, ch, alpha, &src[p * (size_t)ch],
                                           &want[p * (size_t)oc], lut8, lut16, &lv);
                            unsigned char *o = inplace ? a : b;
                            run_kernel(k, op, dt, a, o, px, ch, alpha, lut8, lut16, &lv);
                            for (size_t i = 0; i < no; i++) {
                                const double got = raw_at(o, dt, i);
                                if (dt == ZP_F32 ? fabs(got - want[i]) <= F32_TOL : got == want[i])
                                    continue;
                                fprintf(stderr, "%s kernels: %s %s, %d channels, alpha %d, %zu "
                                        "pixels%s: sample %zu = %.9g, want %.9g\n", level,
                                        kernel_names[op], zp_dtype_name(dt), ch, alpha, px,
                                        inplace ? ", in place" : "", i, got, want[i]);
                                zp_test_failures++;
                                break;
                            }
                            const size_t end = (inplace ? ns : no) * item;
                            for (size_t i = end; i < end + GUARD * item; i++)
                                if (o[i] != 0x5A) {
                                    fprintf(stderr, "%s kernels: %s %s, %d channels, %zu pixels: "
                                            "wrote past the end\n", level, kernel_names[op],
                                            zp_dtype_name(dt), ch, px);
                                    zp_test_failures++;
                                    break;
                                }
                        }
    printf("kernels (%s): %s\n", level, zp_test_failures == failures ? "all match" : "MISMATCH");
}

/* zp_point_run directly: an input rectangle larger than the output one
 * (the output starts inside it), and bad rectangles refused. */
static void check_driver(void) {
    const zp_host *host = zp__host();
    zp_view in, out;
    make_input(20, 9, 3, ZP_U8, L_FLIP_X, 5, &in, NULL);
    CHECK_OK(zp_view_alloc(11, 4, 3, ZP_U8, &out));
    const zp_filter *f = find("invert");
    zp_plan_args args = {sizeof args, host, NULL, 20, 9, 3, ZP_U8, ZP_DEFAULT_MAX_PIXELS};
    zp_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.struct_size = sizeof plan;
    CHECK_OK(f->plan(&args, &plan));
    zp_rect in_rect = {2, 1, 20, 9}, out_rect = {7, 4, 11, 4};
    CHECK_OK(f->process(plan.state, &in, &in_rect, &out, &out_rect));
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 11; x++)
            for (int c = 0; c < 3; c++)
                CHECK(get(&out, x, y, c) == 255 - get(&in, x + 5, y + 3, c));
    zp_rect outside = {1, 1, 11, 4};
    CHECK_STATUS(f->process(plan.state, &in, &in_rect, &out, &outside), ZP_ERR_INVALID_ARG);
    zp_rect too_far = {12, 4, 11, 4};
    CHECK(f->process(plan.state, &in, &in_rect, &out, &too_far) != ZP_OK);
    zp_view ro = out;
    ro.flags |= ZP_VIEW_READONLY;
    CHECK_STATUS(f->process(plan.state, &in, &in_rect, &ro, &out_rect), ZP_ERR_READONLY);
    f->done(plan.state);
    zp_view_release(&out);
    zp_view_release(&in);
}

static void test_kernels(void) {
    check_kernel_table(zp_point_kernels_c(), "c");
    if (zp_point_kernels() != zp_point_kernels_c())
        check_kernel_table(zp_point_kernels(), "dispatched");
    check_driver();
}

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        void (*run)(void);
    } tests[] = {
        {"crop", test_crop},           {"flip", test_flip},
        {"rotate", test_rotate},       {"transpose", test_transpose},
        {"extract", test_extract},     {"drop_alpha", test_drop_alpha},
        {"view_chain", test_view_chain}, {"grayscale", test_grayscale},
        {"invert", test_invert},       {"levels", test_levels},
        {"threshold", test_threshold}, {"kernels", test_kernels},
    };
    if (argc != 2) {
        fprintf(stderr, "usage: %s TEST\n", argv[0]);
        return 2;
    }
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        if (!strcmp(argv[1], tests[i].name)) {
            tests[i].run();
            return zp_test_finish(argv[1]);
        }
    fprintf(stderr, "unknown test %s\n", argv[1]);
    return 2;
}
