/* test_stream.c: streaming conversion (zp_pipeline_convert) against
 * whole-frame conversion: the same bytes for every built-in filter and for
 * chains of them, every input and output format, 1, 2 and 4 threads, odd
 * and tiny sizes, EXIF orientations, progressive JPEG, interlaced and
 * 16-bit PNG; and damaged input failing the same way, with no file left.
 * Then decode-time crop (the same pixels as decode-then-crop) and
 * shrink-on-load (measured against a full decode and the same resize). */
#include <dirent.h>
#include <string.h>
#include <unistd.h>
#include <png.h>
#include <math.h>
#include "zp_test.h"
#include "test_util.h"
#include "test_png.h"
#include "zeropix/pipeline.h"
#include "codec/codec_internal.h"

static zp_registry *reg;

/* Smooth gradients plus noise: like a photo for the codecs and filters. */
static double photo_sample(const zp_view *v, int x, int y, int c, uint32_t *seed) {
    const int w = v->width, h = v->height;
    unsigned val = (unsigned)(x * 255 / (w > 1 ? w - 1 : 1) * (c + 1) / 3 +
                              y * 200 / (h > 1 ? h - 1 : 1)) / 2 +
                   zp_test_rand(seed) % 48;
    if (val > 255) val = 255;
    return v->dtype == ZP_U16 ? val * 257 + (unsigned)c : val;
}

static zp_view test_image(int w, int h, int ch, zp_dtype dt, uint32_t seed) {
    return zp_test_make_view(w, h, ch, dt, seed, photo_sample);
}

static void *encode(const zp_view *v, zp_format fmt, int progressive, const zp_metadata *meta,
                    size_t *size) {
    zp_encode_options o;
    zp_encode_options_init(&o);
    o.format = fmt;
    o.progressive = progressive;
    void *data = NULL;
    if (zp_image_encode_memory(v, meta, &o, &data, size)) {
        fprintf(stderr, "encode: %s\n", zp_last_error());
        exit(1);
    }
    return data;
}

/* An EXIF blob holding only the orientation tag. */
static void exif_with_orientation(uint8_t blob[26], int orientation) {
    memset(blob, 0, 26);
    memcpy(blob, "MM\0*", 4);
    zp_test_put32(blob + 4, 8, 1);
    zp_test_put16(blob + 8, 1, 1);      /* one entry */
    zp_test_put16(blob + 10, 0x0112, 1); /* Orientation */
    zp_test_put16(blob + 12, 3, 1);      /* SHORT */
    zp_test_put32(blob + 14, 1, 1);
    zp_test_put16(blob + 18, (unsigned)orientation, 1);
}

typedef struct input {
    const char *name;
    void *data;
    size_t size;
} input;

static zp_status convert(const input *in, zp_fail_on fail_on, const char *chain, zp_run_mode mode,
                         int threads, zp_format fmt, const char *path, void **out, size_t *out_size) {
    zp_decode_options d;
    zp_decode_options_init(&d);
    d.fail_on = fail_on;
    zp_decoder *dec = NULL;
    zp_pipeline *p = NULL;
    zp_status st = zp_decoder_open_memory(in->data, in->size, &d, &dec);
    if (!st && *chain) st = zp_pipeline_parse_string(reg, chain, &p);
    if (!st) {
        zp_output o = {path, NULL, path ? NULL : out, path ? NULL : out_size, 0, 0, 0};
        zp_encode_options e;
        zp_encode_options_init(&e);
        e.format = fmt;
        zp_run_options r;
        zp_run_options_init(&r);
        r.threads = threads;
        r.mode = mode;
        st = zp_pipeline_convert(p, dec, &o, &e, zp_decoder_metadata(dec), &r);
    }
    zp_pipeline_free(p);
    zp_decoder_close(dec);
    return st;
}

static int comparisons;

/* Streaming with 1, 2 and 4 threads gives what whole-frame gives (bytes,
 * or the same failure). */
static void same_as_whole(const input *in, zp_fail_on fail_on, const char *chain, zp_format fmt) {
    void *ref = NULL, *got = NULL;
    size_t ref_size = 0, got_size = 0;
    zp_status want = convert(in, fail_on, chain, ZP_RUN_WHOLE, 2, fmt, NULL, &ref, &ref_size);
    static const int threads[] = {1, 2, 4};
    for (int t = 0; t < 3; t++) {
        zp_status st = convert(in, fail_on, chain, ZP_RUN_STREAM, threads[t], fmt, NULL, &got,
                               &got_size);
        comparisons++;
        if (st != want || (st == ZP_OK && (got_size != ref_size || memcmp(got, ref, ref_size)))) {
            fprintf(stderr, "%s | %s -> %s, threads %d: stream %s (%zu bytes), whole %s (%zu "
                    "bytes) %s\n", in->name, chain, zp_format_name(fmt), threads[t],
                    zp_status_str(st), got_size, zp_status_str(want), ref_size,
                    st ? zp_last_error() : "");
            zp_test_failures++;
        }
        zp_free(got);
        got = NULL;
    }
    zp_free(ref);
}

static const char *const chains[] = {
    "",
    "crop:3,4,25,20",
    "crop:0,0,1,1",
    "blur:2",
    "blur:sigma=12",
    "box_blur:3",
    "sharpen",
    "sharpen:sigma=2,amount=1.5",
    "convolve:kernel=1;2;1;2;4;2;1;2;1,scale=0.0625",
    "invert",
    "levels:brightness=0.1,contrast=1.2,gamma=0.9",
    "threshold:0.4",
    "grayscale",
    "drop_alpha",
    "extract:channels=2;1;0",
    "extract:channels=0",
    "flip:x",
    "flip:y",
    "flip:both",
    "rotate:90",
    "rotate:180",
    "rotate:270",
    "transpose",
    "resize:width=50",
    "resize:scale=2.3",
    "resize:scale=0.31,kernel=bilinear",
    "resize:width=13,height=40,kernel=nearest",
    "thumbnail:width=32",
    "thumbnail:width=20,height=20",
    "crop:3,4,25,20 blur:1.5 resize:scale=0.9 sharpen",
    "rotate:90 blur:2",
    "blur:2 rotate:90 invert",
    "flip:y sharpen flip:x",
    "transpose resize:width=40 crop:1,1,10,10",
    "blur:5 transpose blur:1 flip:y",
    "grayscale blur:3 threshold:0.5",
    "resize:scale=3 blur:4 resize:scale=0.2",
    "crop:0,10,30,10 resize:width=100",
    "flip:x crop:2,2,20,20 extract:channels=0 blur:1",
    "invert invert levels:gamma=1.5 blur:20 crop:5,5,10,10",
    "resize:scale=0.5 resize:scale=0.5 resize:scale=4",
};
#define N_CHAINS (sizeof chains / sizeof chains[0])

static void test_filters_and_chains(void) {
    static const struct { int w, h; } sizes[] = {{1, 1}, {1, 9}, {9, 1}, {37, 29}, {130, 97}};
    static const zp_format formats[] = {ZP_FORMAT_JPEG, ZP_FORMAT_PNG, ZP_FORMAT_PNM};
    int k = 0;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++)
        for (int ch = 1; ch <= 3; ch += 2)
            for (int f = 0; f < 3; f++) {
                zp_view v = test_image(sizes[si].w, sizes[si].h, ch, ZP_U8, (uint32_t)(si * 7 + ch));
                char name[64];
                snprintf(name, sizeof name, "%s %dx%dx%d", zp_format_name(formats[f]), v.width,
                         v.height, ch);
                input in = {name, NULL, 0};
                in.data = encode(&v, formats[f], 0, NULL, &in.size);
                for (size_t c = 0; c < N_CHAINS; c++, k++)
                    same_as_whole(&in, ZP_FAIL_ON_ERROR, chains[c], formats[k % 3]);
                free(in.data);
                zp_view_release(&v);
            }
    /* Every built-in filter is in some chain above. */
    for (size_t i = 0; i < zp_registry_count(reg); i++) {
        const char *name = zp_registry_filter(reg, i)->name;
        int found = 0;
        for (size_t c = 0; c < N_CHAINS && !found; c++) found = strstr(chains[c], name) != NULL;
        if (!found && !strcmp(zp_registry_origin(reg, i), "built-in")) {
            fprintf(stderr, "built-in filter '%s' is in no streaming test chain\n", name);
            zp_test_failures++;
        }
    }
}

/* Inputs the streaming decoder treats specially. */
static void test_special_inputs(void) {
    static const char *const some[] = {"", "blur:2", "crop:5,7,60,40 sharpen", "rotate:270 blur:1",
                                       "resize:scale=0.4", "flip:y"};
    zp_view v = test_image(131, 77, 3, ZP_U8, 5), v16 = test_image(67, 45, 3, ZP_U16, 9),
            v4 = test_image(50, 33, 4, ZP_U8, 3);
    /* format UNKNOWN: an interlaced PNG (libpng); `rgba`: also drop or extract alpha. */
    const struct {
        const char *name;
        const zp_view *v;
        zp_format format, out;
        int progressive, rgba;
    } specials[] = {
        {"progressive JPEG", &v, ZP_FORMAT_JPEG, ZP_FORMAT_PNG, 1, 0},
        {"interlaced PNG", &v, ZP_FORMAT_UNKNOWN, ZP_FORMAT_JPEG, 0, 0},
        {"16-bit PNG", &v16, ZP_FORMAT_PNG, ZP_FORMAT_PNG, 0, 0},
        {"16-bit PNM", &v16, ZP_FORMAT_PNM, ZP_FORMAT_PNM, 0, 0},
        {"RGBA PNG", &v4, ZP_FORMAT_PNG, ZP_FORMAT_JPEG, 0, 1},
    };
    for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) {
        input in = {specials[k].name, NULL, 0};
        if (specials[k].format == ZP_FORMAT_UNKNOWN) in.data = zp_test_interlaced_png(specials[k].v, &in.size);
        else in.data = encode(specials[k].v, specials[k].format, specials[k].progressive, NULL, &in.size);
        for (int c = 0; c < 6; c++) same_as_whole(&in, ZP_FAIL_ON_ERROR, some[c], specials[k].out);
        if (specials[k].rgba) {
            same_as_whole(&in, ZP_FAIL_ON_ERROR, "drop_alpha blur:1", ZP_FORMAT_PNG);
            same_as_whole(&in, ZP_FAIL_ON_ERROR, "extract:channels=3 blur:1", ZP_FORMAT_PNG);
        }
        free(in.data);
    }
    zp_view_release(&v);
    zp_view_release(&v16);
    zp_view_release(&v4);
}

/* Every EXIF orientation, with chains that stream through it. */
static void test_orientations(void) {
    static const char *const some[] = {"", "blur:1", "crop:2,3,10,9", "rotate:90 sharpen",
                                       "resize:width=20"};
    zp_view v = test_image(41, 23, 3, ZP_U8, 11);
    for (int o = 1; o <= 8; o++) {
        uint8_t blob[26];
        exif_with_orientation(blob, o);
        zp_metadata meta = {NULL, 0, blob, sizeof blob};
        char name[32];
        snprintf(name, sizeof name, "JPEG orientation %d", o);
        input in = {name, NULL, 0};
        in.data = encode(&v, ZP_FORMAT_JPEG, 0, &meta, &in.size);
        for (int c = 0; c < 5; c++) same_as_whole(&in, ZP_FAIL_ON_ERROR, some[c], ZP_FORMAT_JPEG);
        free(in.data);
    }
    zp_view_release(&v);
}

/* Nothing but `keep` in the folder. */
static int folder_holds_only(const char *dir, const char *keep) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int ok = 1;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && (!keep || strcmp(e->d_name, keep)))
            ok = 0;
    if (d) closedir(d);
    return ok;
}

/* Damage in the middle: the default fail-on fails and leaves no file (and
 * no temporary); fail-on none gives what whole-frame gives. Damage below a
 * crop fails the same way (the decoder reads the input to its end). */
static void test_damaged(void) {
    zp_view v = test_image(300, 200, 3, ZP_U8, 21);
    static const zp_format formats[] = {ZP_FORMAT_JPEG, ZP_FORMAT_PNG, ZP_FORMAT_PNM};
    char dir[] = "/tmp/zp_stream_dir_XXXXXX";
    if (!mkdtemp(dir)) exit(1);
    char path[256];
    snprintf(path, sizeof path, "%s/out.jpg", dir);
    for (int f = 0; f < 3; f++) {
        size_t full;
        void *data = encode(&v, formats[f], 0, NULL, &full);
        char name[64];
        snprintf(name, sizeof name, "truncated %s", zp_format_name(formats[f]));
        input in = {name, data, full * 6 / 10};
        static const char *const some[] = {"", "blur:3", "crop:0,0,100,20", "rotate:90"};
        for (int c = 0; c < 4; c++) {
            for (int t = 1; t <= 2; t++) {
                zp_status st = convert(&in, ZP_FAIL_ON_ERROR, some[c], ZP_RUN_STREAM, t,
                                       ZP_FORMAT_JPEG, path, NULL, NULL);
                comparisons++;
                if (st != ZP_ERR_TRUNCATED || !folder_holds_only(dir, NULL)) {
                    fprintf(stderr, "%s | %s threads %d: %s (%s), expected a truncation error "
                            "and no file\n", name, some[c], t, zp_status_str(st), zp_last_error());
                    zp_test_failures++;
                }
            }
            same_as_whole(&in, ZP_FAIL_ON_NONE, some[c], ZP_FORMAT_PNG);
        }
        /* And the intact file streams to a file that is kept. */
        in.size = full;
        CHECK_OK(convert(&in, ZP_FAIL_ON_ERROR, "blur:3", ZP_RUN_STREAM, 2, ZP_FORMAT_JPEG, path,
                         NULL, NULL));
        CHECK(folder_holds_only(dir, "out.jpg") && !folder_holds_only(dir, NULL));
        unlink(path);
        free(data);
    }
    rmdir(dir);
    zp_view_release(&v);
}

/* A stage that fails on this image fails before anything is written. */
static void test_plan_errors(void) {
    zp_view v = test_image(20, 10, 3, ZP_U8, 2);
    input in = {"small", NULL, 0};
    in.data = encode(&v, ZP_FORMAT_PNG, 0, NULL, &in.size);
    void *out = NULL;
    size_t size = 0;
    CHECK_STATUS(convert(&in, ZP_FAIL_ON_ERROR, "blur:1 crop:0,0,50,50", ZP_RUN_STREAM, 2,
                         ZP_FORMAT_PNG, NULL, &out, &size), ZP_ERR_INVALID_ARG);
    CHECK(strstr(zp_last_error(), "operation 2 'crop'") != NULL);
    CHECK(out == NULL && size == 0);
    /* Which side failed, and the size written. */
    for (int mode = ZP_RUN_STREAM; mode <= ZP_RUN_WHOLE; mode++) {
        zp_decoder *dec;
        zp_pipeline *p;
        CHECK_OK(zp_decoder_open_memory(in.data, in.size, NULL, &dec));
        CHECK_OK(zp_pipeline_parse_string(reg, "crop:0,0,50,50", &p));
        zp_output to = {NULL, NULL, &out, &size, 0, 0, 0};
        zp_run_options r;
        zp_run_options_init(&r);
        r.mode = (zp_run_mode)mode;
        CHECK(zp_pipeline_convert(p, dec, &to, NULL, NULL, &r) == ZP_ERR_INVALID_ARG);
        CHECK(to.output_failed == 0 && to.width == 0);
        zp_decoder_close(dec);
        zp_pipeline_free(p);
        CHECK_OK(zp_decoder_open_memory(in.data, in.size, NULL, &dec));
        CHECK_OK(zp_pipeline_parse_string(reg, "rotate:90 blur:1", &p));
        zp_output bad = {"/nonexistent-dir/out.png", NULL, NULL, NULL, 0, 0, 0};
        CHECK(zp_pipeline_convert(p, dec, &bad, NULL, NULL, &r) == ZP_ERR_IO);
        CHECK(bad.output_failed == 1 && bad.width == 0);
        zp_decoder_close(dec);
        CHECK_OK(zp_decoder_open_memory(in.data, in.size, NULL, &dec));
        zp_output good = {NULL, NULL, &out, &size, 0, 0, 1};
        zp_encode_options e;
        zp_encode_options_init(&e);
        e.format = ZP_FORMAT_PNG;
        CHECK_OK(zp_pipeline_convert(p, dec, &good, &e, NULL, &r));
        CHECK(good.output_failed == 0 && good.width == 10 && good.height == 20 && out && size);
        zp_free(out);
        out = NULL;
        zp_decoder_close(dec);
        zp_pipeline_free(p);
    }
    free(in.data);
    zp_view_release(&v);
}

/* Decode-time crop gives exactly the pixels of a full decode, for every
 * chroma subsampling, gray, progressive, and windows on and off iMCU
 * boundaries and at the edges. */
static void test_decode_crop(void) {
    static const int subsampling[] = {420, 422, 444};
    static const int32_t windows[][4] = {{0, 0, 10, 10},   {16, 16, 32, 32}, {17, 9, 40, 33},
                                         {1, 1, 149, 99},  {100, 50, 51, 51}, {0, 95, 151, 6},
                                         {149, 0, 2, 101}, {31, 47, 1, 1},   {64, 32, 16, 16}};
    for (int kind = 0; kind < 5; kind++) {
        zp_view v = test_image(151, 101, kind == 3 ? 1 : 3, ZP_U8, (uint32_t)(31 + kind));
        zp_encode_options o;
        zp_encode_options_init(&o);
        o.format = ZP_FORMAT_JPEG;
        o.subsampling = subsampling[kind % 3];
        o.progressive = kind == 4;
        void *data = NULL;
        size_t size = 0;
        CHECK_OK(zp_image_encode_memory(&v, NULL, &o, &data, &size));
        zp_image full;
        CHECK_OK(zp_image_decode_memory(data, size, NULL, &full));
        for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
            zp_decoder *dec;
            zp_image part;
            int32_t got[4];
            CHECK_OK(zp_decoder_open_memory(data, size, NULL, &dec));
            CHECK_OK(zp__decoder_set_window(dec, 1, windows[w], got));
            CHECK(got[0] <= windows[w][0] && got[1] <= windows[w][1] &&
                  got[0] + got[2] >= windows[w][0] + windows[w][2] &&
                  got[1] + got[3] >= windows[w][1] + windows[w][3]);
            CHECK_OK(zp_decoder_read(dec, &part));
            CHECK(part.view.width == got[2] && part.view.height == got[3]);
            zp_view a, b;
            CHECK_OK(zp_view_crop(&full.view, windows[w][0], windows[w][1], windows[w][2],
                                  windows[w][3], &a));
            CHECK_OK(zp_view_crop(&part.view, windows[w][0] - got[0], windows[w][1] - got[1],
                                  windows[w][2], windows[w][3], &b));
            int differ = 0;
            for (int y = 0; y < a.height; y++)
                differ += memcmp(zp_view_pixel(&a, 0, y), zp_view_pixel(&b, 0, y),
                                 (size_t)a.width * (size_t)a.channels) != 0;
            if (differ) {
                fprintf(stderr, "decode-time crop %d,%d %dx%d (JPEG kind %d): %d rows differ\n",
                        windows[w][0], windows[w][1], windows[w][2], windows[w][3], kind, differ);
                zp_test_failures++;
            }
            zp_view_release(&a);
            zp_view_release(&b);
            zp_image_release(&part);
            zp_decoder_close(dec);
        }
        /* The streaming executor pushes a leading crop into the decoder. */
        input in = {"crop push", data, size};
        void *out = NULL;
        size_t out_size = 0;
        zp_decoder *dec;
        zp_pipeline *p;
        CHECK_OK(zp_decoder_open_memory(data, size, NULL, &dec));
        CHECK_OK(zp_pipeline_parse_string(reg, "crop:60,40,30,20 blur:1", &p));
        zp_output to = {NULL, NULL, &out, &out_size, 0, 0, 0};
        zp_encode_options e;
        zp_encode_options_init(&e);
        e.format = ZP_FORMAT_PNM;
        CHECK_OK(zp_pipeline_convert(p, dec, &to, &e, NULL, NULL));
        CHECK(zp_decoder_info(dec)->height < 101 && zp_decoder_info(dec)->width < 151);
        zp_decoder_close(dec);
        zp_pipeline_free(p);
        zp_free(out);
        same_as_whole(&in, ZP_FAIL_ON_ERROR, "crop:60,40,30,20 blur:1", ZP_FORMAT_PNM);
        same_as_whole(&in, ZP_FAIL_ON_ERROR, "rotate:90 crop:3,100,50,40", ZP_FORMAT_PNM);
        zp_free(data);
        zp_image_release(&full);
        zp_view_release(&v);
    }
}

/* Shrink-on-load against a full decode with the same chain: PSNR and the
 * largest difference, on a photo-like image (smooth shading, edges, fine
 * texture). The bound is what was measured, with a margin. */
#define SHRINK_MIN_PSNR 50.0
static void test_shrink_quality(void) {
    const int w = 2400, h = 1600;
    zp_view v;
    if (zp_view_alloc(w, h, 3, ZP_U8, &v)) exit(1);
    uint32_t seed = 77;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double shade = 128 + 90 * sin(x * 0.004) * cos(y * 0.006);
            int edge = ((x / 160) + (y / 120)) % 2 ? 40 : -40;
            double texture = 25 * sin(x * 0.9 + y * 0.35) + (int)(zp_test_rand(&seed) % 31) - 15;
            for (int c = 0; c < 3; c++) {
                double val = shade + edge * (c == 1 ? -1 : 1) + texture * (c + 1) / 3;
                *ZP_SAMPLE(uint8_t, &v, x, y, c) = (uint8_t)(val < 0 ? 0 : val > 255 ? 255 : val);
            }
        }
    input in = {"photo-like", NULL, 0};
    in.data = encode(&v, ZP_FORMAT_JPEG, 0, NULL, &in.size);
    zp_view_release(&v);
    static const char *const some[] = {"thumbnail:width=256", "resize:width=350",
                                       "resize:width=300,kernel=bilinear", "thumbnail:width=100"};
    for (int c = 0; c < 4; c++) {
        void *got[2] = {NULL, NULL};
        size_t sizes[2];
        for (int shrink = 0; shrink < 2; shrink++) {
            zp_decoder *dec;
            zp_pipeline *p;
            CHECK_OK(zp_decoder_open_memory(in.data, in.size, NULL, &dec));
            CHECK_OK(zp_pipeline_parse_string(reg, some[c], &p));
            zp_output to = {NULL, NULL, &got[shrink], &sizes[shrink], 0, 0, 0};
            zp_encode_options e;
            zp_encode_options_init(&e);
            e.format = ZP_FORMAT_PNM;
            zp_run_options r;
            zp_run_options_init(&r);
            r.shrink_on_load = shrink;
            CHECK_OK(zp_pipeline_convert(p, dec, &to, &e, NULL, &r));
            if (shrink) CHECK(zp_decoder_info(dec)->width < w); /* it did shrink */
            zp_decoder_close(dec);
            zp_pipeline_free(p);
        }
        zp_image a, b;
        CHECK_OK(zp_image_decode_memory(got[0], sizes[0], NULL, &a));
        CHECK_OK(zp_image_decode_memory(got[1], sizes[1], NULL, &b));
        CHECK(a.view.width == b.view.width && a.view.height == b.view.height);
        double se = 0;
        int maxd = 0;
        size_t n = 0;
        for (int y = 0; y < a.view.height && a.view.width == b.view.width; y++) {
            const uint8_t *pa = zp_view_pixel(&a.view, 0, y), *pb = zp_view_pixel(&b.view, 0, y);
            for (int i = 0; i < a.view.width * 3; i++, n++) {
                int d = abs(pa[i] - pb[i]);
                se += d * d;
                maxd = d > maxd ? d : maxd;
            }
        }
        double psnr = n && se > 0 ? 10 * log10(255.0 * 255.0 * (double)n / se) : 99;
        printf("shrink-on-load %-34s %dx%d: PSNR %.2f dB, max difference %d\n", some[c],
               a.view.width, a.view.height, psnr, maxd);
        CHECK(psnr >= SHRINK_MIN_PSNR);
        zp_image_release(&a);
        zp_image_release(&b);
        zp_free(got[0]);
        zp_free(got[1]);
    }
    free(in.data);
}

int main(void) {
    CHECK_OK(zp_registry_new(NULL, NULL, &reg));
    test_filters_and_chains();
    test_special_inputs();
    test_orientations();
    test_damaged();
    test_plan_errors();
    test_decode_crop();
    test_shrink_quality();
    zp_registry_free(reg);
    printf("test_stream: %d stream/whole comparisons\n", comparisons);
    return zp_test_finish("test_stream");
}
