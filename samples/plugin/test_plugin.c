/* test_plugin.c: ABI conformance of one operation of a plugin, checked the
 * way zeropix will run it. Usage:
 *
 *   test_plugin [--keeps-alpha] [--dtype-consistent] PLUGIN.so OPERATION
 *
 * loads PLUGIN.so as the zeropix tool does (no warning allowed), then for
 * u8, u16 and f32 and 1 to 4 channels, on an odd-sized random image tall
 * enough to be split into several bands, checks that OPERATION gives the
 * same bytes
 *   - for 1 and 4 worker threads (no shared mutable state, no dependence on
 *     how the image is cut into rectangles),
 *   - on a crop of a larger image whose other pixels are sentinels
 *     (isolation: nothing outside the view is read),
 *   - on views that are not packed: flipped (negative strides), transposed
 *     (swapped strides), a channel subset (gaps between pixels);
 * with --keeps-alpha, that the last channel of 2- and 4-channel images comes
 * out unchanged; with --dtype-consistent, that u8 and u16 results agree with
 * the f32 one within one step of their dtype.
 *
 * A test program, not plugin code: it links libzeropix (the public API). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zeropix/pipeline.h>

#define W 67
#define H 131

static int failures;
static char warnings[4096];

static void collect(void *user, const char *message) {
    (void)user;
    strncat(warnings, message, sizeof warnings - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

static void fail(const char *op, zp_dtype dt, int ch, const char *what) {
    fprintf(stderr, "FAIL %s, %s, %d channel(s): %s\n", op, zp_dtype_name(dt), ch, what);
    failures++;
}

static uint32_t next_random(uint32_t *s) { /* xorshift32: the same images everywhere */
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static void must(zp_status st, const char *what) {
    if (st) {
        fprintf(stderr, "test_plugin: %s: %s (%s)\n", what, zp_status_str(st), zp_last_error());
        exit(1);
    }
}

/* Sample (x, y, c) of any view as a number of its dtype's scale. */
static double get(const zp_view *v, int32_t x, int32_t y, int32_t c) {
    const char *p = (const char *)zp_view_pixel(v, x, y) + (ptrdiff_t)c * v->stride_c;
    return v->dtype == ZP_U8 ? *(const uint8_t *)p
         : v->dtype == ZP_U16 ? *(const uint16_t *)p : *(const float *)p;
}

static int same_bytes(const zp_view *a, const zp_view *b) {
    if (a->width != b->width || a->height != b->height || a->channels != b->channels ||
        a->dtype != b->dtype)
        return 0;
    const size_t item = zp_dtype_size(a->dtype);
    for (int32_t y = 0; y < a->height; y++)
        for (int32_t x = 0; x < a->width; x++)
            for (int32_t c = 0; c < a->channels; c++)
                if (memcmp((const char *)zp_view_pixel(a, x, y) + c * a->stride_c,
                           (const char *)zp_view_pixel(b, x, y) + c * b->stride_c, item))
                    return 0;
    return 1;
}

static zp_status run(zp_pipeline *p, const zp_view *in, int threads, zp_view *out) {
    zp_run_options opt = {threads};
    return zp_pipeline_run(p, in, &opt, out);
}

/* A packed random u8 image, converted to `dt` (u16 = v * 257, f32 = v / 255:
 * the same picture in every dtype). */
static zp_view random_image(int ch, zp_dtype dt) {
    uint32_t seed = 2463534242u + (uint32_t)ch;
    zp_view u8, v;
    must(zp_view_alloc(W, H, ch, ZP_U8, &u8), "alloc");
    for (int32_t y = 0; y < H; y++)
        for (int32_t x = 0; x < W; x++)
            for (int32_t c = 0; c < ch; c++)
                ((uint8_t *)zp_view_pixel(&u8, x, y))[c] = (uint8_t)(next_random(&seed) >> 24);
    must(zp_view_alloc(W, H, ch, dt, &v), "alloc");
    must(zp_view_copy(&u8, &v), "copy");
    zp_view_release(&u8);
    return v;
}

/* `img` in the middle of a larger image filled with `sentinel` bytes, as a
 * crop view of it. */
static zp_view embedded(const zp_view *img, uint8_t sentinel) {
    zp_view parent, crop;
    must(zp_view_alloc(img->width + 14, img->height + 10, img->channels, img->dtype, &parent),
         "alloc");
    memset(parent.data, sentinel, (size_t)parent.stride_y * (size_t)parent.height);
    must(zp_view_crop(&parent, 7, 5, img->width, img->height, &crop), "crop");
    must(zp_view_copy(img, &crop), "copy");
    zp_view_release(&parent);
    return crop;
}

/* The same pixels as `img` through a view that is not packed. */
static zp_view unpacked(const zp_view *img, int how) {
    zp_view buf, v;
    if (how == 0) { /* flipped both ways: negative strides */
        must(zp_view_alloc(img->width, img->height, img->channels, img->dtype, &buf), "alloc");
        must(zp_view_flip(&buf, ZP_FLIP_X | ZP_FLIP_Y, &v), "flip");
    } else if (how == 1) { /* transposed: x walks rows */
        must(zp_view_alloc(img->height, img->width, img->channels, img->dtype, &buf), "alloc");
        must(zp_view_transpose(&buf, &v), "transpose");
    } else { /* the first channels of a 4-channel image: gaps between pixels */
        must(zp_view_alloc(img->width, img->height, 4, img->dtype, &buf), "alloc");
        memset(buf.data, 0xA5, (size_t)buf.stride_y * (size_t)buf.height);
        must(zp_view_channels(&buf, 0, img->channels, 1, &v), "channels");
    }
    must(zp_view_copy(img, &v), "copy");
    zp_view_release(&buf);
    return v;
}

/* Largest difference between two results, both in units of full scale. */
static double max_difference(const zp_view *a, const zp_view *b) {
    const double sa = a->dtype == ZP_U8 ? 255.0 : a->dtype == ZP_U16 ? 65535.0 : 1.0;
    const double sb = b->dtype == ZP_U8 ? 255.0 : b->dtype == ZP_U16 ? 65535.0 : 1.0;
    double worst = 0;
    for (int32_t y = 0; y < a->height; y++)
        for (int32_t x = 0; x < a->width; x++)
            for (int32_t c = 0; c < a->channels; c++) {
                double d = get(a, x, y, c) / sa - get(b, x, y, c) / sb;
                if (d < 0) d = -d;
                if (d > worst) worst = d;
            }
    return worst;
}

int main(int argc, char **argv) {
    int keeps_alpha = 0, dtype_consistent = 0, i = 1;
    for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
        if (!strcmp(argv[i], "--keeps-alpha")) keeps_alpha = 1;
        else if (!strcmp(argv[i], "--dtype-consistent")) dtype_consistent = 1;
        else break;
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: test_plugin [--keeps-alpha] [--dtype-consistent] PLUGIN.so OPERATION\n");
        return 2;
    }
    const char *path = argv[i], *op = argv[i + 1];

    zp_registry *reg;
    must(zp_registry_new(collect, NULL, &reg), "registry");
    if (zp_registry_load_plugin(reg, path) != ZP_OK || warnings[0]) {
        fprintf(stderr, "FAIL loading %s:\n%s", path, warnings);
        return 1;
    }
    zp_pipeline *pipe;
    must(zp_pipeline_parse_string(reg, op, &pipe), op);

    static const zp_dtype dtypes[] = {ZP_F32, ZP_U8, ZP_U16}; /* f32 first: the reference */
    for (int ch = 1; ch <= 4; ch++) {
        zp_view f32_result = {0};
        for (int d = 0; d < 3; d++) {
            const zp_dtype dt = dtypes[d];
            zp_view img = random_image(ch, dt), ref, other;
            must(run(pipe, &img, 1, &ref), op);

            must(run(pipe, &img, 4, &other), op);
            if (!same_bytes(&ref, &other)) fail(op, dt, ch, "4 threads differ from 1");
            zp_view_release(&other);

            for (int s = 0; s < 2; s++) {
                zp_view crop = embedded(&img, s ? 0xFF : 0x00);
                must(run(pipe, &crop, 4, &other), op);
                if (!same_bytes(&ref, &other))
                    fail(op, dt, ch, "a crop of a larger image differs (pixels outside the view were read)");
                zp_view_release(&other);
                zp_view_release(&crop);
            }

            static const char *const layouts[] = {"flipped", "transposed", "channel subset"};
            for (int how = 0; how < 3; how++) {
                zp_view v = unpacked(&img, how);
                must(run(pipe, &v, 3, &other), op);
                if (!same_bytes(&ref, &other)) {
                    char what[96];
                    snprintf(what, sizeof what, "a %s input view differs", layouts[how]);
                    fail(op, dt, ch, what);
                }
                zp_view_release(&other);
                zp_view_release(&v);
            }

            if (keeps_alpha && (ch == 2 || ch == 4) && ref.channels == ch &&
                ref.width == img.width && ref.height == img.height && ref.dtype == img.dtype) {
                zp_view a_in, a_out;
                must(zp_view_channels(&img, ch - 1, 1, 1, &a_in), "channels");
                must(zp_view_channels(&ref, ch - 1, 1, 1, &a_out), "channels");
                if (!same_bytes(&a_in, &a_out)) fail(op, dt, ch, "alpha changed");
                zp_view_release(&a_in);
                zp_view_release(&a_out);
            }

            if (dt == ZP_F32) {
                zp_view_share(&ref, &f32_result);
            } else if (dtype_consistent) {
                const double step = dt == ZP_U8 ? 1.0 / 255 : 1.0 / 65535;
                const double worst = max_difference(&ref, &f32_result);
                if (worst > step + 1e-6) {
                    char what[128];
                    snprintf(what, sizeof what, "differs from the f32 result by %.3g steps",
                             worst / step);
                    fail(op, dt, ch, what);
                }
            }
            zp_view_release(&ref);
            zp_view_release(&img);
        }
        zp_view_release(&f32_result);
    }
    zp_pipeline_free(pipe);
    zp_registry_free(reg);
    if (!failures) printf("ok: %s (u8, u16, f32; 1-4 channels; threads, isolation, strides)\n", op);
    return failures ? 1 : 0;
}
