/* test_view.c: every view operation, random compositions checked pixel by
 * pixel against an independent coordinate mapping, bounds, lifetime,
 * allocation counts, and the copy across dtypes and strides. */
#include <string.h>
#include "zp_test.h"
#include "core/core_internal.h"

/* Sample (x, y, c) of the test source encodes its own coordinates. */
static uint16_t tag(int x, int y, int c) { return (uint16_t)((y * 131 + x) * 4 + c); }

static void fill_tags(const zp_view *v) {
    for (int y = 0; y < v->height; y++)
        for (int x = 0; x < v->width; x++)
            for (int c = 0; c < v->channels; c++)
                *(uint16_t *)((char *)zp_view_pixel(v, x, y) + c * v->stride_c) = tag(x, y, c);
}

static uint16_t sample16(const zp_view *v, int x, int y, int c) {
    return *(const uint16_t *)((const char *)zp_view_pixel(v, x, y) + c * v->stride_c);
}

/* ---- Reference: each operation as a map from output to input coords --- */
enum { OP_CROP, OP_FLIPX, OP_FLIPY, OP_TRANSPOSE, OP_ROT, OP_STEP, OP_CHAN, OP_COUNT };
typedef struct { int kind, a, b, c, d; int in_w, in_h; } op_rec;

static void map_back(const op_rec *ops, int n, int *x, int *y, int *c) {
    for (int i = n - 1; i >= 0; i--) {
        const op_rec *o = &ops[i];
        int X = *x, Y = *y;
        switch (o->kind) {
        case OP_CROP: *x = X + o->a; *y = Y + o->b; break;
        case OP_FLIPX: *x = o->in_w - 1 - X; break;
        case OP_FLIPY: *y = o->in_h - 1 - Y; break;
        case OP_TRANSPOSE: *x = Y; *y = X; break;
        case OP_ROT:
            if (o->a == 90) { *x = Y; *y = o->in_h - 1 - X; }
            else if (o->a == 180) { *x = o->in_w - 1 - X; *y = o->in_h - 1 - Y; }
            else if (o->a == 270) { *x = o->in_w - 1 - Y; *y = X; }
            break;
        case OP_STEP: *x = X * o->a; *y = Y * o->b; break;
        case OP_CHAN: *c = o->a + *c * o->c; break;
        }
    }
}

static int check_against_reference(const zp_view *v, const op_rec *ops, int n) {
    for (int y = 0; y < v->height; y++)
        for (int x = 0; x < v->width; x++)
            for (int c = 0; c < v->channels; c++) {
                int sx = x, sy = y, sc = c;
                map_back(ops, n, &sx, &sy, &sc);
                if (sample16(v, x, y, c) != tag(sx, sy, sc)) {
                    fprintf(stderr, "mismatch at (%d,%d,%d): got %u, want tag(%d,%d,%d)=%u\n", x,
                            y, c, sample16(v, x, y, c), sx, sy, sc, tag(sx, sy, sc));
                    return 0;
                }
            }
    return 1;
}

/* Apply one random valid operation to v in place, recording it. */
static zp_status random_op(zp_view *v, uint32_t *rng, op_rec *rec) {
    op_rec o = {zp_test_rand(rng) % OP_COUNT, 0, 0, 0, 0, v->width, v->height};
    zp_status st = ZP_OK;
    switch (o.kind) {
    case OP_CROP:
        o.a = (int)(zp_test_rand(rng) % (uint32_t)v->width);
        o.b = (int)(zp_test_rand(rng) % (uint32_t)v->height);
        o.c = 1 + (int)(zp_test_rand(rng) % (uint32_t)(v->width - o.a));
        o.d = 1 + (int)(zp_test_rand(rng) % (uint32_t)(v->height - o.b));
        st = zp_view_crop(v, o.a, o.b, o.c, o.d, v);
        break;
    case OP_FLIPX: st = zp_view_flip(v, ZP_FLIP_X, v); break;
    case OP_FLIPY: st = zp_view_flip(v, ZP_FLIP_Y, v); break;
    case OP_TRANSPOSE: st = zp_view_transpose(v, v); break;
    case OP_ROT:
        o.a = 90 * (1 + (int)(zp_test_rand(rng) % 3));
        st = zp_view_rotate(v, o.a, v);
        break;
    case OP_STEP:
        o.a = 1 + (int)(zp_test_rand(rng) % 3);
        o.b = 1 + (int)(zp_test_rand(rng) % 3);
        st = zp_view_step(v, o.a, o.b, v);
        break;
    case OP_CHAN: {
        int ch = v->channels;
        o.b = 1 + (int)(zp_test_rand(rng) % (uint32_t)ch);            /* count */
        o.c = (zp_test_rand(rng) & 1) ? 1 : -1;                      /* step  */
        if (o.b == 1) o.c = 1;
        o.a = o.c > 0 ? (int)(zp_test_rand(rng) % (uint32_t)(ch - o.b + 1))
                      : o.b - 1 + (int)(zp_test_rand(rng) % (uint32_t)(ch - o.b + 1));
        st = zp_view_channels(v, o.a, o.b, o.c, v);
        break;
    }
    }
    *rec = o;
    return st;
}

static void test_alloc_and_basics(void) {
    zp_view v;
    CHECK_OK(zp_view_alloc(33, 7, 3, ZP_U8, &v));
    CHECK(((uintptr_t)v.data % ZP_ROW_ALIGN) == 0);
    CHECK(v.stride_y % ZP_ROW_ALIGN == 0 && v.stride_y >= 99);
    CHECK(v.stride_x == 3 && v.stride_c == 1);
    CHECK(zp_view_rows_packed(&v));
    CHECK_OK(zp_view_check(&v));
    zp_view_release(&v);
    CHECK(v.data == NULL && v.owner == NULL);
    zp_view_release(NULL);
    CHECK_STATUS(zp_view_alloc(0, 7, 3, ZP_U8, &v), ZP_ERR_INVALID_ARG);
    CHECK_STATUS(zp_view_alloc(7, 7, 5, ZP_U8, &v), ZP_ERR_INVALID_ARG);
    CHECK_STATUS(zp_view_alloc(0x7fffffff, 0x7fffffff, 4, ZP_F32, &v), ZP_ERR_OVERFLOW);
    CHECK(strlen(zp_last_error()) > 0);
}

static void test_each_operation(void) {
    zp_view base;
    CHECK_OK(zp_view_alloc(9, 6, 4, ZP_U16, &base));
    fill_tags(&base);
    zp_view v;
    op_rec o;

    CHECK_OK(zp_view_crop(&base, 2, 1, 5, 4, &v));
    o = (op_rec){OP_CROP, 2, 1, 5, 4, 9, 6};
    CHECK(v.width == 5 && v.height == 4 && check_against_reference(&v, &o, 1));
    zp_view_release(&v);

    CHECK_OK(zp_view_flip(&base, ZP_FLIP_X, &v));
    o = (op_rec){OP_FLIPX, 0, 0, 0, 0, 9, 6};
    CHECK(v.stride_x < 0 && check_against_reference(&v, &o, 1));
    zp_view_release(&v);

    CHECK_OK(zp_view_flip(&base, ZP_FLIP_Y, &v));
    o = (op_rec){OP_FLIPY, 0, 0, 0, 0, 9, 6};
    CHECK(v.stride_y < 0 && check_against_reference(&v, &o, 1));
    zp_view_release(&v);

    CHECK_OK(zp_view_transpose(&base, &v));
    o = (op_rec){OP_TRANSPOSE, 0, 0, 0, 0, 9, 6};
    CHECK(v.width == 6 && v.height == 9 && check_against_reference(&v, &o, 1));
    zp_view_release(&v);

    for (int deg = 90; deg <= 270; deg += 90) {
        CHECK_OK(zp_view_rotate(&base, deg, &v));
        o = (op_rec){OP_ROT, deg, 0, 0, 0, 9, 6};
        CHECK(check_against_reference(&v, &o, 1));
        CHECK(deg == 180 ? v.width == 9 : v.width == 6);
        zp_view_release(&v);
    }
    CHECK_OK(zp_view_rotate(&base, -90, &v)); /* = 270 */
    o = (op_rec){OP_ROT, 270, 0, 0, 0, 9, 6};
    CHECK(check_against_reference(&v, &o, 1));
    zp_view_release(&v);
    CHECK_STATUS(zp_view_rotate(&base, 45, &v), ZP_ERR_INVALID_ARG);

    CHECK_OK(zp_view_step(&base, 2, 3, &v));
    o = (op_rec){OP_STEP, 2, 3, 0, 0, 9, 6};
    CHECK(v.width == 5 && v.height == 2 && check_against_reference(&v, &o, 1));
    zp_view_release(&v);
    CHECK_STATUS(zp_view_step(&base, 0, 1, &v), ZP_ERR_INVALID_ARG);

    /* RGB -> BGR of the first three channels, as a view. */
    int bgr[3] = {2, 1, 0};
    CHECK_OK(zp_view_channel_order(&base, bgr, 3, &v));
    o = (op_rec){OP_CHAN, 2, 3, -1, 0, 9, 6};
    CHECK(v.channels == 3 && check_against_reference(&v, &o, 1));
    zp_view_release(&v);
    int alpha_only[1] = {3};
    CHECK_OK(zp_view_channel_order(&base, alpha_only, 1, &v));
    o = (op_rec){OP_CHAN, 3, 1, 1, 0, 9, 6};
    CHECK(v.channels == 1 && check_against_reference(&v, &o, 1));
    zp_view_release(&v);
    int bgra[4] = {2, 1, 0, 3};
    CHECK_STATUS(zp_view_channel_order(&base, bgra, 4, &v), ZP_ERR_UNSUPPORTED);
    int gray3[3] = {1, 1, 1};
    CHECK_OK(zp_view_channel_order(&base, gray3, 3, &v)); /* broadcast: read-only */
    CHECK(v.flags & ZP_VIEW_READONLY);
    CHECK(sample16(&v, 4, 3, 2) == tag(4, 3, 1));
    zp_view_release(&v);

    /* Out of bounds and bad arguments. */
    CHECK_STATUS(zp_view_crop(&base, 5, 0, 5, 1, &v), ZP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(zp_view_crop(&base, -1, 0, 2, 1, &v), ZP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(zp_view_crop(&base, 0, 0, 0, 1, &v), ZP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(zp_view_crop(&base, 1, 1, 0x7fffffff, 1, &v), ZP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(zp_view_channels(&base, 2, 3, 1, &v), ZP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(zp_view_channels(&base, 0, 3, -1, &v), ZP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(zp_view_flip(&base, 4, &v), ZP_ERR_INVALID_ARG);
    CHECK_STATUS(zp_view_orient(&base, 9, &v), ZP_ERR_INVALID_ARG);
    zp_view_release(&base);
}

/* The example: a crop of a flipped, transposed view. */
static void test_named_composition(void) {
    zp_view base, t, f, c;
    CHECK_OK(zp_view_alloc(40, 30, 3, ZP_U16, &base));
    fill_tags(&base);
    CHECK_OK(zp_view_transpose(&base, &t));
    CHECK_OK(zp_view_flip(&t, ZP_FLIP_X | ZP_FLIP_Y, &f));
    CHECK_OK(zp_view_crop(&f, 3, 5, 20, 11, &c));
    for (int y = 0; y < c.height; y++)
        for (int x = 0; x < c.width; x++)
            for (int ch = 0; ch < 3; ch++) {
                /* f(x,y) = t(29-x, 39-y) = base(39-y, 29-x); c(x,y) = f(x+3, y+5) */
                int bx = 39 - (y + 5), by = 29 - (x + 3);
                CHECK(sample16(&c, x, y, ch) == tag(bx, by, ch));
            }
    zp_view_release(&c);
    zp_view_release(&f);
    zp_view_release(&t);
    zp_view_release(&base);
}

static void test_random_compositions(void) {
    uint32_t rng = 12345;
    const uint64_t allocs = zp__pixels_alloc_count();
    for (int trial = 0; trial < 400; trial++) {
        zp_view base;
        int w = 1 + (int)(zp_test_rand(&rng) % 23), h = 1 + (int)(zp_test_rand(&rng) % 17);
        int ch = 1 + (int)(zp_test_rand(&rng) % 4);
        CHECK_OK(zp_view_alloc(w, h, ch, ZP_U16, &base));
        fill_tags(&base);
        const uint64_t after_alloc = zp__pixels_alloc_count();
        zp_view v;
        zp_view_share(&base, &v);
        op_rec ops[12];
        int n = 1 + (int)(zp_test_rand(&rng) % 12);
        for (int i = 0; i < n; i++) {
            CHECK_OK(random_op(&v, &rng, &ops[i]));
            CHECK_OK(zp_view_check(&v)); /* never leaves the buffer */
        }
        CHECK(zp__pixels_alloc_count() == after_alloc); /* views allocate no pixels */
        zp_view_release(&base); /* the sub-view keeps the memory alive */
        CHECK(check_against_reference(&v, ops, n));
        zp_view_release(&v);
    }
    CHECK(zp__pixels_alloc_count() == allocs + 400);
}

static void test_orient_inverse(void) {
    zp_view base;
    CHECK_OK(zp_view_alloc(7, 5, 2, ZP_U16, &base));
    fill_tags(&base);
    for (int o = 1; o <= 8; o++) {
        zp_view up, back;
        CHECK_OK(zp_view_orient(&base, o, &up));
        CHECK(o >= 5 ? up.width == 5 && up.height == 7 : up.width == 7 && up.height == 5);
        CHECK_OK(zp_view_unorient(&up, o, &back));
        CHECK(back.data == base.data && back.stride_x == base.stride_x &&
              back.stride_y == base.stride_y && back.width == base.width);
        zp_view_release(&up);
        zp_view_release(&back);
    }
    /* 6 = rotate 90 clockwise: the top-left of the upright view was bottom-left. */
    zp_view up;
    CHECK_OK(zp_view_orient(&base, 6, &up));
    CHECK(sample16(&up, 0, 0, 0) == tag(0, 4, 0));
    zp_view_release(&up);
    zp_view_release(&base);
}

static int released;
static void on_release(void *user, void *data) {
    released++;
    CHECK(user == &released);
    free(data);
}

static void test_wrap_and_lifetime(void) {
    uint8_t *mem = malloc(100 * 10);
    zp_buffer *buf = zp_buffer_wrap(mem, 1000, on_release, &released);
    CHECK(buf != NULL);
    zp_view v, sub;
    CHECK_OK(zp_view_wrap(buf, mem, 10, 10, 3, ZP_U8, 100, 3, 1, 0, &v));
    zp_buffer_unref(buf); /* the view holds its own reference */
    CHECK_OK(zp_view_crop(&v, 2, 2, 3, 3, &sub));
    zp_view_release(&v);
    CHECK(released == 0);
    memset(zp_view_pixel(&sub, 0, 0), 7, 9); /* still valid memory (ASan checks) */
    zp_view_release(&sub);
    CHECK(released == 1);

    /* Views that would reach outside the owner are refused. */
    uint8_t *m2 = malloc(64);
    zp_buffer *b2 = zp_buffer_wrap(m2, 64, on_release, &released);
    CHECK_STATUS(zp_view_wrap(b2, m2, 8, 8, 1, ZP_U8, 9, 1, 1, 0, &v), ZP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(zp_view_wrap(b2, m2 + 1, 8, 8, 1, ZP_U8, 8, 1, 1, 0, &v), ZP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(zp_view_wrap(b2, m2 + 7, 8, 8, 1, ZP_U8, 8, -1, 1, 0, &v), ZP_OK);
    zp_view_release(&v);
    CHECK_STATUS(zp_view_wrap(b2, m2 + 6, 8, 8, 1, ZP_U8, 8, -1, 1, 0, &v), ZP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(zp_view_wrap(b2, m2, 8, 4, 1, ZP_U16, 16, 2, 2, 0, &v), ZP_OK);
    zp_view_release(&v);
    CHECK_STATUS(zp_view_wrap(b2, m2, 8, 4, 1, ZP_F32, 16, 4, 4, 0, &v), ZP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(zp_view_wrap(b2, m2, 8, 8, 1, ZP_U8, PTRDIFF_MAX, 1, 1, 0, &v), ZP_ERR_OVERFLOW);
    CHECK_STATUS(zp_view_wrap(b2, m2, 8, 8, 1, ZP_U8, 8, 1, 1, 0x80, &v), ZP_ERR_INVALID_ARG);
    /* A hand-edited view is caught by the next operation. */
    CHECK_OK(zp_view_wrap(b2, m2, 8, 8, 1, ZP_U8, 8, 1, 1, 0, &v));
    v.width = 9;
    zp_view bad;
    CHECK_STATUS(zp_view_crop(&v, 0, 0, 1, 1, &bad), ZP_ERR_OUT_OF_BOUNDS);
    v.width = 8;
    zp_view_release(&v);
    zp_buffer_unref(b2);
    CHECK(released == 2);
    CHECK(zp_buffer_wrap(NULL, 4, NULL, NULL) == NULL);

    /* Hostile arguments found in review: no undefined behaviour, clear
     * statuses, and `out` zeroed so that releasing it is safe. */
    uint8_t *m3 = malloc(256);
    zp_buffer *b3 = zp_buffer_wrap(m3, 256, on_release, &released);
    zp_view u16v, o;
    CHECK_STATUS(zp_view_wrap(b3, m3 + 1, 4, 4, 1, ZP_U16, 16, 2, 2, 0, &o), ZP_ERR_INVALID_ARG);
    CHECK(strstr(zp_last_error(), "aligned") != NULL);
    CHECK_STATUS(zp_view_wrap(b3, m3, 4, 4, 1, ZP_F32, 18, 4, 4, 0, &o), ZP_ERR_INVALID_ARG);
    CHECK_STATUS(zp_view_wrap(b3, m3, 2, 1, 1, ZP_U8, 0, PTRDIFF_MIN, 1, 0, &o), ZP_ERR_OUT_OF_BOUNDS);
    CHECK_STATUS(zp_view_wrap(b3, m3 + 128, 2, 1, 1, ZP_U8, 0, PTRDIFF_MIN / 2, 1, 0, &o), ZP_ERR_OUT_OF_BOUNDS);
    CHECK_OK(zp_view_wrap(b3, m3, 4, 4, 3, ZP_U16, 32, 6, 2, 0, &u16v));
    memset(&o, 0x5a, sizeof o);
    CHECK_STATUS(zp_view_channels(&u16v, 0, 0x7fffffff, 2, &o), ZP_ERR_OUT_OF_BOUNDS);
    CHECK(o.data == NULL && o.owner == NULL);
    zp_view_release(&o);
    CHECK_STATUS(zp_view_channels(&u16v, 2, 2, -0x7fffffff - 1, &o), ZP_ERR_OUT_OF_BOUNDS);
    int wild[3] = {-0x7fffffff - 1, 0x7fffffff, 0};
    CHECK_STATUS(zp_view_channel_order(&u16v, wild, 3, &o), ZP_ERR_OUT_OF_BOUNDS);
    memset(&o, 0x5a, sizeof o);
    CHECK_STATUS(zp_view_crop(&u16v, 3, 3, 2, 2, &o), ZP_ERR_OUT_OF_BOUNDS);
    CHECK(o.data == NULL && o.owner == NULL);
    memset(&o, 0x5a, sizeof o);
    CHECK_STATUS(zp_view_rotate(&u16v, 45, &o), ZP_ERR_INVALID_ARG);
    CHECK(o.owner == NULL);
    zp_view_release(&u16v);
    zp_buffer_unref(b3);
    CHECK(released == 3);
}

/* Views are free: operations on a 64 MP image allocate no pixel memory. */
static void test_views_allocate_nothing(void) {
    zp_view big;
    CHECK_OK(zp_view_alloc(8000, 8000, 1, ZP_U8, &big));
    const uint64_t before = zp__pixels_alloc_count();
    zp_view v;
    zp_view_share(&big, &v);
    for (int i = 0; i < 10000; i++) {
        CHECK_OK(zp_view_rotate(&v, 90, &v));
        CHECK_OK(zp_view_flip(&v, ZP_FLIP_X, &v));
        CHECK_OK(zp_view_crop(&v, 0, 0, v.width, v.height, &v));
    }
    CHECK(zp__pixels_alloc_count() == before);
    zp_view_release(&v);
    zp_view_release(&big);
}

static double sample_as_double(const zp_view *v, int x, int y, int c) {
    const char *p = (const char *)zp_view_pixel(v, x, y) + c * v->stride_c;
    switch (v->dtype) {
    case ZP_U8: return *(const uint8_t *)p / 255.0;
    case ZP_U16: return *(const uint16_t *)p / 65535.0;
    default: return *(const float *)p;
    }
}

static void test_copy(void) {
    const zp_dtype types[3] = {ZP_U8, ZP_U16, ZP_F32};
    uint32_t rng = 99;
    for (int si = 0; si < 3; si++)
        for (int di = 0; di < 3; di++)
            for (int layout = 0; layout < 5; layout++) {
                zp_view src, dst, s, d;
                CHECK_OK(zp_view_alloc(37, 23, 4, types[si], &src));
                for (int y = 0; y < 23; y++)
                    for (int x = 0; x < 37 * 4; x++) {
                        char *p = (char *)zp_view_pixel(&src, 0, y) + x * (ptrdiff_t)zp_dtype_size(types[si]);
                        uint32_t r = zp_test_rand(&rng);
                        if (types[si] == ZP_U8) *(uint8_t *)p = (uint8_t)r;
                        else if (types[si] == ZP_U16) *(uint16_t *)p = (uint16_t)r;
                        else *(float *)p = (float)(r % 1001) / 1000.0f;
                    }
                /* layouts: packed->packed, flipped->packed, transposed destination,
                 * channel subset, transposed source (blocked gather, > 16 rows) */
                int swap = layout == 2 || layout == 4;
                CHECK_OK(zp_view_alloc(swap ? 23 : 37, swap ? 37 : 23,
                                       layout == 3 ? 3 : 4, types[di], &dst));
                zp_view_share(&src, &s);
                zp_view_share(&dst, &d);
                if (layout == 1) CHECK_OK(zp_view_flip(&s, ZP_FLIP_X | ZP_FLIP_Y, &s));
                if (layout == 2) CHECK_OK(zp_view_transpose(&d, &d));
                if (layout == 3) CHECK_OK(zp_view_channels(&s, 2, 3, -1, &s));
                if (layout == 4) CHECK_OK(zp_view_rotate(&s, 90, &s));
                CHECK_OK(zp_view_copy(&s, &d));
                double tol = (types[si] == types[di]) ? 0.0 : (types[di] == ZP_U8 || types[si] == ZP_U8) ? 0.5 / 255 + 1e-6 : 0.5 / 65535 + 1e-6;
                int bad = 0;
                for (int y = 0; y < s.height && !bad; y++)
                    for (int x = 0; x < s.width; x++)
                        for (int c = 0; c < s.channels; c++) {
                            double a = sample_as_double(&s, x, y, c), b = sample_as_double(&d, x, y, c);
                            if (a - b > tol || b - a > tol) bad = 1;
                        }
                if (bad) fprintf(stderr, "copy %s->%s layout %d differs\n", zp_dtype_name(types[si]), zp_dtype_name(types[di]), layout);
                CHECK(!bad);
                zp_view_release(&s);
                zp_view_release(&d);
                zp_view_release(&src);
                zp_view_release(&dst);
            }
    /* Exact conversion rules. */
    uint8_t b8 = 200;
    uint16_t b16;
    zp__convert_samples(&b8, ZP_U8, &b16, ZP_U16, 1);
    CHECK(b16 == 200 * 257);
    b16 = 32896; /* 128.5 * 256 -> rounds to 128 */
    zp__convert_samples(&b16, ZP_U16, &b8, ZP_U8, 1);
    CHECK(b8 == 128);
    float f[3] = {-1.0f, 2.0f, 0.5f};
    uint8_t o8[3];
    zp__convert_samples(f, ZP_F32, o8, ZP_U8, 3);
    CHECK(o8[0] == 0 && o8[1] == 255 && o8[2] == 128);

    /* Refusals. */
    zp_view a, b;
    CHECK_OK(zp_view_alloc(4, 4, 3, ZP_U8, &a));
    CHECK_OK(zp_view_alloc(4, 5, 3, ZP_U8, &b));
    CHECK_STATUS(zp_view_copy(&a, &b), ZP_ERR_MISMATCH);
    zp_view_release(&b);
    CHECK_OK(zp_view_alloc(4, 4, 3, ZP_U8, &b));
    b.flags |= ZP_VIEW_READONLY;
    CHECK_STATUS(zp_view_copy(&a, &b), ZP_ERR_READONLY);
    zp_view_release(&a);
    zp_view_release(&b);
}

int main(void) {
    test_alloc_and_basics();
    test_each_operation();
    test_named_composition();
    test_random_compositions();
    test_orient_inverse();
    test_wrap_and_lifetime();
    test_views_allocate_nothing();
    test_copy();
    return zp_test_finish("test_view");
}
