/* test_jpeg.c: the JPEG codec against libjpeg-turbo itself as the oracle.
 * Test JPEGs are made in memory with the plain libjpeg API; zeropix must
 * decode them to exactly what libjpeg's default decode gives, from memory,
 * files and streams, into owned buffers and into a caller's canvas. The
 * encoder must write exactly what plain libjpeg writes with the same
 * settings, whatever the strides of the view it is given.
 *
 * Usage: test_jpeg GROUP, GROUP one of decode, readinto, encode, exif,
 * metadata, errors (one CTest each). Temporary files go to the current
 * folder. */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jpeglib.h>
#include "zp_test.h"
#include "test_jpeg_oracle.h"
#include "core/core_internal.h"

/* ---- Plain libjpeg helpers (the oracle): test_jpeg_oracle.h -------------- */

/* The oracle: libjpeg's default decode (djpeg's settings), full size. */
static uint8_t *oracle_decode(const uint8_t *data, size_t size, int *w, int *h, int *comps,
                              int *adobe) {
    return oracle_decode_scaled(data, size, 1, w, h, comps, adobe);
}

/* The ICC profile as plain libjpeg reassembles it (malloc'd), or NULL. */
static uint8_t *oracle_icc(const uint8_t *data, size_t size, unsigned *icc_size) {
    struct jpeg_decompress_struct d;
    oracle_err err;
    JOCTET *icc = NULL;
    *icc_size = 0;
    d.err = oracle_err_init(&err);
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&d);
        return NULL;
    }
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, data, (unsigned long)size);
    jpeg_save_markers(&d, JPEG_APP0 + 2, 0xffff);
    jpeg_read_header(&d, TRUE);
    if (!jpeg_read_icc_profile(&d, &icc, icc_size)) icc = NULL;
    jpeg_destroy_decompress(&d);
    return icc;
}

/* The documented CMYK -> RGB of zeropix, applied to the oracle's CMYK. */
static uint8_t *cmyk_to_rgb(const uint8_t *cmyk, size_t pixels, int inverted) {
    uint8_t *rgb = malloc(pixels * 3);
    for (size_t i = 0; i < pixels; i++) {
        unsigned k = cmyk[4 * i + 3];
        for (int c = 0; c < 3; c++) {
            unsigned v = cmyk[4 * i + c];
            rgb[3 * i + c] = inverted ? (uint8_t)((v * k + 127) / 255)
                                      : (uint8_t)(((255 - v) * (255 - k) + 127) / 255);
        }
    }
    return rgb;
}

/* ---- Test images ---------------------------------------------------------- */

/* Smooth gradients, a hard-edged checker patch and some noise: enough to
 * exercise every DCT band, upsampling at edges and the clamps. */
static uint8_t *synth_image(int w, int h, int comps, uint32_t seed) {
    uint8_t *px = malloc((size_t)w * h * comps);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < comps; c++) {
                int v;
                switch (c) {
                case 0: v = x * 255 / (w > 1 ? w - 1 : 1); break;
                case 1: v = y * 255 / (h > 1 ? h - 1 : 1); break;
                case 2: v = 128 + (int)(100 * sin((x + 2 * y) * 0.07)); break;
                default: v = 255 - (x + y) * 255 / (w + h); break;
                }
                if (x > w / 3 && x < w / 2 && y > h / 4 && y < h / 2)
                    v = ((x / 4 + y / 4) & 1) ? 230 : 20;
                v += (int)(zp_test_rand(&seed) % 17) - 8;
                px[((size_t)y * w + x) * comps + c] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
    return px;
}

/* Mismatching samples between a view and a packed u8 buffer; prints the first. */
static long compare_view(const zp_view *v, const uint8_t *exp, int w, int h, int comps,
                         const char *what) {
    long bad = 0;
    if (v->width != w || v->height != h || v->channels != comps || v->dtype != ZP_U8) {
        fprintf(stderr, "%s: view is %dx%dx%d dtype %d, expected %dx%dx%d u8\n", what,
                (int)v->width, (int)v->height, (int)v->channels, (int)v->dtype, w, h, comps);
        return -1;
    }
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < comps; c++) {
                uint8_t got = *((const uint8_t *)zp_view_pixel(v, x, y) + c * v->stride_c);
                uint8_t want = exp[((size_t)y * w + x) * comps + c];
                if (got != want && bad++ == 0)
                    fprintf(stderr, "%s: (%d,%d,%d) = %d, oracle %d\n", what, x, y, c, got, want);
            }
    return bad;
}

static int write_file(const char *path, const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t n = fwrite(data, 1, size, f);
    return fclose(f) == 0 && n == size ? 0 : -1;
}

static void temp_name(char *out, size_t n, const char *tag) {
    snprintf(out, n, "zp_test_jpeg_%s_%ld.jpg", tag, (long)getpid());
}

static int message_has(const char *text) {
    if (strstr(zp_last_error(), text)) return 1;
    fprintf(stderr, "message \"%s\" lacks \"%s\"\n", zp_last_error(), text);
    return 0;
}

static const jpeg_params default_params = {.quality = 90, .h0 = 2, .v0 = 2, .jpeg_cs = JCS_UNKNOWN};

/* ---- decode: bit-exact against the oracle from memory, file and stream ---- */

typedef struct decode_case {
    const char *name;
    int w, h, comps;
    J_COLOR_SPACE in_cs;
    jpeg_params p;
    const char *color;   /* expected info.color */
} decode_case;

static void check_decode_case(const decode_case *dc) {
    uint8_t *px = synth_image(dc->w, dc->h, dc->comps, 1234u + (uint32_t)dc->w);
    size_t size = 0;
    uint8_t *jpg = make_jpeg(px, dc->w, dc->h, dc->comps, dc->in_cs, &dc->p, &size);
    CHECK(jpg != NULL);
    if (!jpg) {
        free(px);
        return;
    }
    int w, h, comps, adobe;
    uint8_t *expect = oracle_decode(jpg, size, &w, &h, &comps, &adobe);
    CHECK(expect != NULL);
    CHECK(w == dc->w && h == dc->h);
    int channels = comps;
    if (comps == 4) { /* CMYK: the documented formula */
        uint8_t *rgb = cmyk_to_rgb(expect, (size_t)w * h, adobe);
        free(expect);
        expect = rgb;
        channels = 3;
        CHECK(adobe == (dc->in_cs == JCS_CMYK ? dc->p.adobe : 1));
    }

    zp_image img;
    CHECK_OK(zp_image_decode_memory(jpg, size, NULL, &img));
    CHECK(img.info.format == ZP_FORMAT_JPEG);
    CHECK(img.info.width == dc->w && img.info.height == dc->h);
    CHECK(img.info.channels == channels);
    CHECK(img.info.dtype == ZP_U8 && img.info.bit_depth == 8);
    CHECK(img.info.color && strcmp(img.info.color, dc->color) == 0);
    CHECK(img.info.interlaced == dc->p.progressive);
    CHECK(img.info.orientation == 1);
    CHECK(img.view.data != NULL);
    if (img.view.data) {
        long bad = compare_view(&img.view, expect, w, h, channels, dc->name);
        if (bad) fprintf(stderr, "%s: %ld samples differ from libjpeg (memory)\n", dc->name, bad);
        CHECK(bad == 0);
    }
    zp_image_release(&img);

    /* From a file, and from an open FILE* (read as a stream). */
    char path[128];
    temp_name(path, sizeof path, "decode");
    CHECK(write_file(path, jpg, size) == 0);
    CHECK_OK(zp_image_decode_file(path, NULL, &img));
    if (img.view.data) CHECK(compare_view(&img.view, expect, w, h, channels, dc->name) == 0);
    zp_image_release(&img);

    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    zp_decoder *dec = NULL;
    if (f) CHECK_OK(zp_decoder_open_stream(f, NULL, &dec));
    if (dec) {
        const zp_image_info *info = zp_decoder_info(dec);
        CHECK(info->width == dc->w && info->height == dc->h && info->channels == channels);
        CHECK_OK(zp_decoder_read(dec, &img));
        if (img.view.data) CHECK(compare_view(&img.view, expect, w, h, channels, dc->name) == 0);
        zp_image_release(&img);
        zp_decoder_close(dec);
    }
    if (f) fclose(f);

    /* A pipe: a stream that cannot seek. */
    char cmd[160];
    snprintf(cmd, sizeof cmd, "cat %s", path);
    FILE *pipe = popen(cmd, "r");
    CHECK(pipe != NULL);
    dec = NULL;
    if (pipe) CHECK_OK(zp_decoder_open_stream(pipe, NULL, &dec));
    if (dec) {
        CHECK_OK(zp_decoder_read(dec, &img));
        if (img.view.data) CHECK(compare_view(&img.view, expect, w, h, channels, dc->name) == 0);
        zp_image_release(&img);
        zp_decoder_close(dec);
    }
    if (pipe) pclose(pipe);
    remove(path);

    free(expect);
    free(jpg);
    free(px);
}

static void test_decode(void) {
    const decode_case cases[] = {
        {"baseline 4:2:0", 203, 157, 3, JCS_RGB, {.quality = 90, .h0 = 2, .v0 = 2}, "rgb"},
        {"baseline 4:4:4", 203, 157, 3, JCS_RGB, {.quality = 95, .h0 = 1, .v0 = 1}, "rgb"},
        {"baseline 4:2:2", 61, 47, 3, JCS_RGB, {.quality = 80, .h0 = 2, .v0 = 1}, "rgb"},
        {"progressive 4:2:0", 203, 157, 3, JCS_RGB,
         {.quality = 85, .h0 = 2, .v0 = 2, .progressive = 1}, "rgb"},
        {"grayscale", 203, 157, 1, JCS_GRAYSCALE, {.quality = 90, .h0 = 1, .v0 = 1}, "gray"},
        {"grayscale progressive", 77, 33, 1, JCS_GRAYSCALE,
         {.quality = 70, .h0 = 1, .v0 = 1, .progressive = 1}, "gray"},
        {"arithmetic + restarts", 130, 99, 3, JCS_RGB,
         {.quality = 90, .h0 = 2, .v0 = 2, .arith = 1, .restart_rows = 1}, "rgb"},
        {"rgb colour space (no YCbCr)", 64, 40, 3, JCS_RGB,
         {.quality = 90, .h0 = 1, .v0 = 1, .jpeg_cs = JCS_RGB}, "rgb"},
        {"cmyk adobe", 101, 67, 4, JCS_CMYK, {.quality = 90, .h0 = 1, .v0 = 1, .adobe = 1}, "cmyk"},
        {"cmyk no adobe", 101, 67, 4, JCS_CMYK, {.quality = 90, .h0 = 1, .v0 = 1, .adobe = 0}, "cmyk"},
        {"ycck 4:2:0", 101, 67, 4, JCS_CMYK,
         {.quality = 90, .h0 = 2, .v0 = 2, .adobe = 1, .jpeg_cs = JCS_YCCK}, "ycck"},
        /* Over 64 KiB: file and stream sources need several buffer fills. */
        {"large 4:4:4", 640, 480, 3, JCS_RGB, {.quality = 98, .h0 = 1, .v0 = 1}, "rgb"},
        {"1x1", 1, 1, 3, JCS_RGB, {.quality = 90, .h0 = 2, .v0 = 2}, "rgb"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_decode_case(&cases[i]);

    /* The large case must really be larger than one source buffer. */
    uint8_t *px = synth_image(640, 480, 3, 1234u + 640);
    size_t size = 0;
    jpeg_params p = {.quality = 98, .h0 = 1, .v0 = 1};
    uint8_t *jpg = make_jpeg(px, 640, 480, 3, JCS_RGB, &p, &size);
    CHECK(size > 65536);
    free(jpg);
    free(px);
}

/* ---- readinto: a crop of a larger canvas, and non-packed targets ------------ */

#define MARKER 0xA5

static void test_readinto(void) {
    const int w = 75, h = 51;
    uint8_t *px = synth_image(w, h, 3, 99);
    size_t size = 0;
    uint8_t *jpg = make_jpeg(px, w, h, 3, JCS_RGB, &default_params, &size);
    int ow, oh, oc;
    uint8_t *expect = oracle_decode(jpg, size, &ow, &oh, &oc, NULL);
    CHECK(expect && ow == w && oh == h && oc == 3);

    /* 1. Packed rows: decoded in place into the canvas. */
    zp_view canvas, crop;
    CHECK_OK(zp_view_alloc(3 * w, 3 * h, 3, ZP_U8, &canvas));
    memset(zp_buffer_data(canvas.owner), MARKER, zp_buffer_size(canvas.owner));
    const int ox = w / 2 + 3, oy = h + 1;
    CHECK_OK(zp_view_crop(&canvas, ox, oy, w, h, &crop));
    zp_decoder *dec = NULL;
    CHECK_OK(zp_decoder_open_memory(jpg, size, NULL, &dec));
    if (dec) {
        CHECK_OK(zp_decoder_read_into(dec, &crop));
        CHECK(compare_view(&crop, expect, w, h, 3, "readinto crop") == 0);
        /* A decoder decodes once. */
        CHECK_STATUS(zp_decoder_read_into(dec, &crop), ZP_ERR_BAD_STATE);
        zp_decoder_close(dec);
    }
    long outside = 0;
    for (int y = 0; y < canvas.height; y++)
        for (int x = 0; x < canvas.width; x++) {
            if (x >= ox && x < ox + w && y >= oy && y < oy + h) continue;
            const uint8_t *p = zp_view_pixel(&canvas, x, y);
            outside += (p[0] != MARKER) + (p[1] != MARKER) + (p[2] != MARKER);
        }
    CHECK(outside == 0);

    /* 2. A mirrored crop (negative stride_x): rows go through scratch. */
    zp_view mirrored;
    memset(zp_buffer_data(canvas.owner), MARKER, zp_buffer_size(canvas.owner));
    CHECK_OK(zp_view_flip(&crop, ZP_FLIP_X, &mirrored));
    CHECK_OK(zp_decoder_open_memory(jpg, size, NULL, &dec));
    if (dec) {
        CHECK_OK(zp_decoder_read_into(dec, &mirrored));
        zp_decoder_close(dec);
    }
    CHECK(compare_view(&mirrored, expect, w, h, 3, "readinto mirrored") == 0);
    outside = 0;
    for (int y = 0; y < canvas.height; y++)
        for (int x = 0; x < canvas.width; x++) {
            if (x >= ox && x < ox + w && y >= oy && y < oy + h) continue;
            outside += *(const uint8_t *)zp_view_pixel(&canvas, x, y) != MARKER;
        }
    CHECK(outside == 0);
    zp_view_release(&mirrored);

    /* 3. A u16 target: converted as zp_view_copy does (v * 257). */
    zp_view wide;
    CHECK_OK(zp_view_alloc(w, h, 3, ZP_U16, &wide));
    CHECK_OK(zp_decoder_open_memory(jpg, size, NULL, &dec));
    if (dec) {
        CHECK_OK(zp_decoder_read_into(dec, &wide));
        zp_decoder_close(dec);
    }
    long bad16 = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < 3; c++)
                bad16 += ((const uint16_t *)zp_view_pixel(&wide, x, y))[c] !=
                         expect[((size_t)y * w + x) * 3 + c] * 257u;
    CHECK(bad16 == 0);
    zp_view_release(&wide);

    /* 4. Wrong shape: refused before decoding. */
    zp_view small;
    CHECK_OK(zp_view_crop(&canvas, 0, 0, w - 1, h, &small));
    CHECK_OK(zp_decoder_open_memory(jpg, size, NULL, &dec));
    if (dec) {
        CHECK_STATUS(zp_decoder_read_into(dec, &small), ZP_ERR_MISMATCH);
        zp_decoder_close(dec);
    }
    zp_view_release(&small);

    zp_view_release(&crop);
    zp_view_release(&canvas);
    free(expect);
    free(jpg);
    free(px);
}

/* ---- encode ------------------------------------------------------------------ */

static uint8_t *encode(const zp_view *v, const zp_metadata *meta, const zp_encode_options *opt,
                       size_t *size) {
    void *data = NULL;
    *size = 0;
    zp_status st = zp_image_encode_memory(v, meta, opt, &data, size);
    if (st) {
        fprintf(stderr, "encode: %s: %s\n", zp_status_str(st), zp_last_error());
        return NULL;
    }
    return data;
}

static int same_bytes(const uint8_t *a, size_t na, const uint8_t *b, size_t nb) {
    return a && b && na == nb && memcmp(a, b, na) == 0;
}

/* A packed view over px (borrowed). */
static zp_view packed_view(uint8_t *px, int w, int h, int comps) {
    zp_view v;
    zp_status st = zp_view_wrap(NULL, px, w, h, comps, ZP_U8, (ptrdiff_t)w * comps, comps, 1, 0, &v);
    CHECK(st == ZP_OK);
    return v;
}

static double psnr(const zp_view *a, const uint8_t *ref, int w, int h, int comps) {
    double se = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < comps; c++) {
                double d = (double)((const uint8_t *)zp_view_pixel(a, x, y))[c] -
                           ref[((size_t)y * w + x) * comps + c];
                se += d * d;
            }
    double mse = se / ((double)w * h * comps);
    return mse == 0 ? 99.0 : 10 * log10(255.0 * 255.0 / mse);
}

/* Every way of presenting the same pixels must give the same bytes. */
static void check_views_encode_alike(const zp_encode_options *opt, const char *what) {
    const int w = 97, h = 61;
    uint32_t seed = 7;
    uint8_t *px = synth_image(w, h, 3, 5);
    for (size_t i = 0; i < (size_t)w * h * 3; i += 7) px[i] = (uint8_t)zp_test_rand(&seed);
    zp_view a = packed_view(px, w, h, 3);
    size_t ref_size;
    uint8_t *ref = encode(&a, NULL, opt, &ref_size);
    CHECK(ref != NULL);

    /* The oracle: plain libjpeg with the same settings writes the same file. */
    jpeg_params p = {.quality = opt->quality, .progressive = opt->progressive,
                     .h0 = opt->subsampling == 444 ? 1 : 2, .v0 = opt->subsampling == 420 ? 2 : 1,
                     .jpeg_cs = JCS_UNKNOWN};
    size_t plain_size = 0;
    uint8_t *plain = NULL;
    if (!opt->optimize) {
        plain = make_jpeg(px, w, h, 3, JCS_RGB, &p, &plain_size);
        if (!same_bytes(ref, ref_size, plain, plain_size))
            fprintf(stderr, "%s: zeropix %zu bytes, plain libjpeg %zu bytes\n", what, ref_size,
                    plain_size);
        CHECK(same_bytes(ref, ref_size, plain, plain_size));
    }

    zp_view flipped_store, transposed_store, rgba_store, wide_store, v;
    CHECK_OK(zp_view_alloc(w, h, 3, ZP_U8, &flipped_store));
    CHECK_OK(zp_view_alloc(h, w, 3, ZP_U8, &transposed_store));
    CHECK_OK(zp_view_alloc(w, h, 4, ZP_U8, &rgba_store));
    CHECK_OK(zp_view_alloc(w, h, 3, ZP_U16, &wide_store));
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const uint8_t *s = px + ((size_t)y * w + x) * 3;
            uint8_t *f = zp_view_pixel(&flipped_store, w - 1 - x, h - 1 - y);
            uint8_t *t = zp_view_pixel(&transposed_store, y, x);
            uint8_t *q = zp_view_pixel(&rgba_store, x, y);
            uint16_t *u = zp_view_pixel(&wide_store, x, y);
            for (int c = 0; c < 3; c++) {
                f[c] = t[c] = q[c] = s[c];
                u[c] = (uint16_t)(s[c] * 257u);
            }
            q[3] = (uint8_t)zp_test_rand(&seed);
        }
    size_t n;
    uint8_t *got;
    /* Rotated 180 degrees by negative strides on both axes. */
    CHECK_OK(zp_view_flip(&flipped_store, ZP_FLIP_X | ZP_FLIP_Y, &v));
    got = encode(&v, NULL, opt, &n);
    CHECK(same_bytes(ref, ref_size, got, n));
    free(got);
    zp_view_release(&v);
    /* Transposed: stride_x is a row of the store. */
    CHECK_OK(zp_view_transpose(&transposed_store, &v));
    got = encode(&v, NULL, opt, &n);
    CHECK(same_bytes(ref, ref_size, got, n));
    free(got);
    zp_view_release(&v);
    /* RGB of an RGBA buffer (not packed), and the RGBA view itself (alpha dropped). */
    CHECK_OK(zp_view_channels(&rgba_store, 0, 3, 1, &v));
    got = encode(&v, NULL, opt, &n);
    CHECK(same_bytes(ref, ref_size, got, n));
    free(got);
    zp_view_release(&v);
    got = encode(&rgba_store, NULL, opt, &n);
    CHECK(same_bytes(ref, ref_size, got, n));
    free(got);
    /* u16 samples: converted per row, exactly back to the u8 values. */
    got = encode(&wide_store, NULL, opt, &n);
    CHECK(same_bytes(ref, ref_size, got, n));
    free(got);

    zp_view_release(&flipped_store);
    zp_view_release(&transposed_store);
    zp_view_release(&rgba_store);
    zp_view_release(&wide_store);
    free(plain);
    free(ref);
    free(px);
}

static void test_encode(void) {
    zp_encode_options opt;
    zp_encode_options_init(&opt);
    opt.format = ZP_FORMAT_JPEG;
    check_views_encode_alike(&opt, "q90 4:2:0");
    opt.subsampling = 444;
    opt.quality = 75;
    opt.progressive = 1;
    check_views_encode_alike(&opt, "q75 4:4:4 progressive");
    opt.subsampling = 422;
    opt.progressive = 0;
    opt.optimize = 1;
    check_views_encode_alike(&opt, "q75 4:2:2 optimize");
    opt.subsampling = 420;
    opt.optimize = 0;
    opt.quality = 10; /* baseline-forced tables: quantisers clamp at 255 */
    check_views_encode_alike(&opt, "q10 4:2:0");

    /* Round trip quality on a smooth synthetic image. */
    const int w = 160, h = 120;
    uint8_t *px = synth_image(w, h, 3, 11);
    zp_view a = packed_view(px, w, h, 3);
    struct { int q, sub; double min_psnr; } rt[] = {
        /* Measured 33.85 dB and 36.49 dB with libjpeg-turbo 2.1.5 (printed
         * below; the image's +-8 noise keeps them modest); thresholds sit
         * a little under. */
        {90, 420, 33.0},
        {95, 444, 35.5},
    };
    for (size_t i = 0; i < sizeof rt / sizeof rt[0]; i++) {
        zp_encode_options_init(&opt);
        opt.format = ZP_FORMAT_JPEG;
        opt.quality = rt[i].q;
        opt.subsampling = rt[i].sub;
        size_t n;
        uint8_t *jpg = encode(&a, NULL, &opt, &n);
        zp_image img;
        CHECK_OK(zp_image_decode_memory(jpg, n, NULL, &img));
        if (img.view.data) {
            double db = psnr(&img.view, px, w, h, 3);
            printf("round trip q%d %d: %zu bytes, PSNR %.2f dB (threshold %.1f)\n", rt[i].q,
                   rt[i].sub, n, db, rt[i].min_psnr);
            CHECK(db > rt[i].min_psnr);
        }
        zp_image_release(&img);
        free(jpg);
    }

    /* Progressive and optimized outputs decode; quality changes the size. */
    size_t sizes[3];
    const int qs[3] = {30, 60, 95};
    for (int i = 0; i < 3; i++) {
        zp_encode_options_init(&opt);
        opt.format = ZP_FORMAT_JPEG;
        opt.quality = qs[i];
        uint8_t *jpg = encode(&a, NULL, &opt, &sizes[i]);
        CHECK(jpg != NULL);
        free(jpg);
    }
    CHECK(sizes[0] < sizes[1] && sizes[1] < sizes[2]);

    zp_encode_options_init(&opt);
    opt.format = ZP_FORMAT_JPEG;
    size_t base_n, opt_n, prog_n;
    uint8_t *base = encode(&a, NULL, &opt, &base_n);
    opt.optimize = 1;
    uint8_t *optimized = encode(&a, NULL, &opt, &opt_n);
    opt.optimize = 0;
    opt.progressive = 1;
    uint8_t *prog = encode(&a, NULL, &opt, &prog_n);
    CHECK(opt_n < base_n); /* optimal Huffman tables beat the standard ones */
    zp_image bi, oi, pi;
    CHECK_OK(zp_image_decode_memory(base, base_n, NULL, &bi));
    CHECK_OK(zp_image_decode_memory(optimized, opt_n, NULL, &oi));
    CHECK_OK(zp_image_decode_memory(prog, prog_n, NULL, &pi));
    CHECK(bi.info.interlaced == 0 && pi.info.interlaced == 1);
    if (bi.view.data && oi.view.data && pi.view.data) {
        /* Same quantisation: only the entropy coding differs. */
        uint8_t *bpx = malloc((size_t)w * h * 3);
        zp_view bv = packed_view(bpx, w, h, 3);
        CHECK_OK(zp_view_copy(&bi.view, &bv));
        CHECK(compare_view(&oi.view, bpx, w, h, 3, "optimized vs baseline") == 0);
        CHECK(compare_view(&pi.view, bpx, w, h, 3, "progressive vs baseline") == 0);
        free(bpx);
    }
    zp_image_release(&bi);
    zp_image_release(&oi);
    zp_image_release(&pi);
    free(base);
    free(optimized);
    free(prog);

    /* Gray and gray+alpha: one channel out, alpha dropped. */
    uint8_t *gray = synth_image(w, h, 2, 3);
    zp_view ga;
    CHECK_OK(zp_view_wrap(NULL, gray, w, h, 2, ZP_U8, (ptrdiff_t)w * 2, 2, 1, 0, &ga));
    zp_view g;
    CHECK_OK(zp_view_channels(&ga, 0, 1, 1, &g));
    zp_encode_options_init(&opt);
    opt.format = ZP_FORMAT_JPEG;
    size_t gn, gan;
    uint8_t *gj = encode(&g, NULL, &opt, &gn);
    uint8_t *gaj = encode(&ga, NULL, &opt, &gan);
    CHECK(same_bytes(gj, gn, gaj, gan));
    zp_image gi;
    CHECK_OK(zp_image_decode_memory(gj, gn, NULL, &gi));
    CHECK(gi.info.channels == 1 && strcmp(gi.info.color, "gray") == 0);
    zp_image_release(&gi);
    free(gj);
    free(gaj);
    free(gray);

    /* Bad options. */
    void *out = NULL;
    size_t out_n = 0;
    opt.quality = 0;
    CHECK_STATUS(zp_image_encode_memory(&a, NULL, &opt, &out, &out_n), ZP_ERR_INVALID_ARG);
    opt.quality = 90;
    opt.subsampling = 411;
    CHECK_STATUS(zp_image_encode_memory(&a, NULL, &opt, &out, &out_n), ZP_ERR_INVALID_ARG);
    CHECK(out == NULL);
    /* Wider than a JPEG can be (65500): refused before libjpeg sees it. A
     * zero stride makes one pixel look like a long row, no memory needed. */
    uint8_t one[3] = {1, 2, 3};
    zp_view wide;
    opt.subsampling = 420;
    if (zp_view_wrap(NULL, one, 70000, 1, 3, ZP_U8, 0, 0, 1, ZP_VIEW_READONLY, &wide) == ZP_OK) {
        CHECK_STATUS(zp_image_encode_memory(&wide, NULL, &opt, &out, &out_n), ZP_ERR_UNSUPPORTED);
        CHECK(message_has("65500"));
    }
    free(px);
}

/* ---- EXIF orientation --------------------------------------------------------- */


/* A minimal EXIF TIFF blob: IFD0 with Make ("zp") and Orientation. */
static size_t make_exif(uint8_t *b, int orientation, int big) {
    memset(b, 0, 38);
    b[0] = b[1] = big ? 'M' : 'I';
    zp_test_put16(b + 2, 42, big);
    zp_test_put32(b + 4, 8, big);                  /* IFD0 right after the header */
    zp_test_put16(b + 8, 2, big);                  /* two entries                 */
    zp_test_put16(b + 10, 0x010F, big);            /* Make, ASCII, 3, inline      */
    zp_test_put16(b + 12, 2, big);
    zp_test_put32(b + 14, 3, big);
    b[18] = 'z';
    b[19] = 'p';
    zp_test_put16(b + 22, 0x0112, big);            /* Orientation, SHORT, 1       */
    zp_test_put16(b + 24, 3, big);
    zp_test_put32(b + 26, 1, big);
    zp_test_put16(b + 30, (unsigned)orientation, big);
    return 38;                             /* next-IFD offset 0 at 34..37 */
}

/* Where upright pixel (x, y) is stored, by direct computation from the
 * EXIF definitions (W, H: stored size). */
static void stored_of(int o, int x, int y, int W, int H, int *sx, int *sy) {
    switch (o) {
    case 1: *sx = x;         *sy = y;         break;
    case 2: *sx = W - 1 - x; *sy = y;         break; /* mirror left-right      */
    case 3: *sx = W - 1 - x; *sy = H - 1 - y; break; /* rotate 180             */
    case 4: *sx = x;         *sy = H - 1 - y; break; /* mirror top-bottom      */
    case 5: *sx = y;         *sy = x;         break; /* transpose              */
    case 6: *sx = y;         *sy = H - 1 - x; break; /* rotate 90 clockwise    */
    case 7: *sx = W - 1 - y; *sy = H - 1 - x; break; /* transverse             */
    default: *sx = W - 1 - y; *sy = x;        break; /* 8: rotate 270          */
    }
}

static ptrdiff_t offset_in_owner(const zp_view *v) {
    return (const char *)v->data - (const char *)zp_buffer_data(v->owner);
}

static void test_exif(void) {
    const int W = 40, H = 24;
    uint8_t *px = synth_image(W, H, 3, 42);
    for (int o = 1; o <= 8; o++) {
        uint8_t exif[64];
        jpeg_params p = {.quality = 95, .h0 = 1, .v0 = 1, .jpeg_cs = JCS_UNKNOWN};
        p.exif = exif;
        p.exif_size = make_exif(exif, o, o % 2);
        p.xmp_first = o % 3 == 0; /* EXIF is the first APP1 with its signature */
        size_t size;
        uint8_t *jpg = make_jpeg(px, W, H, 3, JCS_RGB, &p, &size);
        int ow, oh, oc;
        uint8_t *expect = oracle_decode(jpg, size, &ow, &oh, &oc, NULL);

        zp_decode_options as_stored;
        zp_decode_options_init(&as_stored);
        as_stored.apply_orientation = 0;
        zp_image plain, up;
        uint64_t a0 = zp__pixels_alloc_count();
        CHECK_OK(zp_image_decode_memory(jpg, size, &as_stored, &plain));
        uint64_t a1 = zp__pixels_alloc_count();
        CHECK_OK(zp_image_decode_memory(jpg, size, NULL, &up));
        uint64_t a2 = zp__pixels_alloc_count();
        if (!plain.view.data || !up.view.data) {
            zp_image_release(&plain);
            zp_image_release(&up);
            free(expect);
            free(jpg);
            continue;
        }
        /* apply_orientation = 0: the stored pixels, as libjpeg decodes them. */
        CHECK(plain.info.orientation == o);
        CHECK(plain.info.orientation_applied == (o == 1));
        CHECK(plain.info.width == W && plain.info.height == H);
        CHECK(compare_view(&plain.view, expect, W, H, 3, "exif stored") == 0);

        /* Default: upright, size swapped for 5..8. */
        CHECK(up.info.orientation == o && up.info.orientation_applied == 1);
        int UW = o >= 5 ? H : W, UH = o >= 5 ? W : H;
        CHECK(up.info.width == UW && up.info.height == UH);
        CHECK(up.view.width == UW && up.view.height == UH);
        long bad = 0;
        for (int y = 0; y < UH && up.view.width == UW; y++)
            for (int x = 0; x < UW; x++) {
                int sx, sy;
                stored_of(o, x, y, W, H, &sx, &sy);
                bad += memcmp(zp_view_pixel(&up.view, x, y), zp_view_pixel(&plain.view, sx, sy), 3) != 0;
            }
        if (bad) fprintf(stderr, "orientation %d: %ld pixels misplaced\n", o, bad);
        CHECK(bad == 0);

        /* No pixel copy: one decode buffer each, the same layout, and the
         * upright view is a view transform of it. */
        CHECK(a2 - a1 == a1 - a0);
        CHECK(zp_buffer_size(up.view.owner) == zp_buffer_size(plain.view.owner));
        zp_view expect_view;
        CHECK_OK(zp_view_orient(&plain.view, o, &expect_view));
        CHECK(offset_in_owner(&up.view) == offset_in_owner(&expect_view));
        CHECK(up.view.stride_x == expect_view.stride_x && up.view.stride_y == expect_view.stride_y);
        if (o >= 5) CHECK(up.view.stride_x == plain.view.stride_y || -up.view.stride_x == plain.view.stride_y);
        zp_view_release(&expect_view);

        /* The header alone says it too. */
        zp_decoder *dec = NULL;
        CHECK_OK(zp_decoder_open_memory(jpg, size, NULL, &dec));
        if (dec) {
            CHECK(zp_decoder_info(dec)->width == UW && zp_decoder_info(dec)->orientation == o);
            zp_decoder_close(dec);
        }
        zp_image_release(&plain);
        zp_image_release(&up);
        free(expect);
        free(jpg);
    }

    /* A bad orientation value (9) and a broken blob read as 1. */
    uint8_t exif[64];
    jpeg_params p = {.quality = 90, .h0 = 2, .v0 = 2, .jpeg_cs = JCS_UNKNOWN};
    p.exif = exif;
    p.exif_size = make_exif(exif, 9, 0);
    size_t size;
    uint8_t *jpg = make_jpeg(px, W, H, 3, JCS_RGB, &p, &size);
    zp_image img;
    CHECK_OK(zp_image_decode_memory(jpg, size, NULL, &img));
    CHECK(img.info.orientation == 1 && img.info.width == W);
    zp_image_release(&img);
    free(jpg);
    p.exif_size = 12; /* IFD0 cut off */
    make_exif(exif, 6, 1);
    jpg = make_jpeg(px, W, H, 3, JCS_RGB, &p, &size);
    CHECK_OK(zp_image_decode_memory(jpg, size, NULL, &img));
    CHECK(img.info.orientation == 1 && img.info.exif_size == 12);
    zp_image_release(&img);
    free(jpg);
    free(px);
}

/* ---- metadata round trip ------------------------------------------------------- */

static int contains(const uint8_t *hay, size_t n, const char *needle) {
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0) return 1;
    return 0;
}

/* A CMYK file's profile describes CMYK: it is not kept for the RGB pixels
 * zeropix makes of it, though info still says there was one. */
static void test_cmyk_profile(void) {
    const int w = 16, h = 8;
    uint8_t *px = synth_image(w, h, 4, 3);
    uint8_t icc[300];
    memset(icc, 0, sizeof icc);
    memcpy(icc + 16, "CMYK", 4);
    jpeg_params p = default_params;
    p.adobe = 1;
    p.icc = icc;
    p.icc_size = sizeof icc;
    size_t n;
    uint8_t *jpg = make_jpeg(px, w, h, 4, JCS_CMYK, &p, &n);
    zp_image img;
    CHECK(jpg != NULL);
    CHECK_OK(zp_image_decode_memory(jpg, n, NULL, &img));
    CHECK(img.view.channels == 3 && img.info.icc_size == sizeof icc && img.meta.icc == NULL);
    zp_image_release(&img);
    free(jpg);
    free(px);
}

static void test_metadata(void) {
    test_cmyk_profile();
    const int w = 48, h = 32;
    uint8_t *px = synth_image(w, h, 3, 8);
    zp_view a = packed_view(px, w, h, 3);
    uint8_t exif[64];
    size_t exif_size = make_exif(exif, 6, 1);
    /* 70000 bytes: more than one APP2 marker holds. */
    size_t icc_size = 70000;
    uint8_t *icc = malloc(icc_size);
    uint32_t seed = 77;
    for (size_t i = 0; i < icc_size; i++) icc[i] = (uint8_t)zp_test_rand(&seed);
    zp_metadata meta = {icc, icc_size, exif, exif_size};

    zp_encode_options opt;
    zp_encode_options_init(&opt);
    opt.format = ZP_FORMAT_JPEG;
    size_t n;
    uint8_t *jpg = encode(&a, &meta, &opt, &n);
    CHECK(jpg != NULL);

    /* Plain libjpeg finds the same profile. */
    unsigned oicc_size = 0;
    uint8_t *oicc = oracle_icc(jpg, n, &oicc_size);
    CHECK(oicc && oicc_size == icc_size && memcmp(oicc, icc, icc_size) == 0);
    free(oicc);

    zp_image img;
    CHECK_OK(zp_image_decode_memory(jpg, n, NULL, &img));
    CHECK(img.info.icc_size == icc_size && img.info.exif_size == exif_size);
    CHECK(img.meta.icc_size == icc_size && img.meta.icc && memcmp(img.meta.icc, icc, icc_size) == 0);
    /* Orientation applied: the EXIF comes back with its tag reset to 1 and
     * every other byte as written. */
    uint8_t *upright_exif = malloc(exif_size);
    memcpy(upright_exif, exif, exif_size);
    CHECK(zp_exif_set_orientation(upright_exif, exif_size, 1) == 1);
    CHECK(memcmp(upright_exif, exif, exif_size) != 0);
    CHECK(img.meta.exif_size == exif_size && img.meta.exif &&
          memcmp(img.meta.exif, upright_exif, exif_size) == 0);
    CHECK(zp_exif_get_orientation(img.meta.exif, img.meta.exif_size) == 1);
    CHECK(img.info.orientation == 6 && img.info.width == h);
    zp_image_release(&img);
    free(upright_exif);

    /* Pixels as stored: the EXIF comes back byte for byte. */
    zp_decode_options stored_opt;
    zp_decode_options_init(&stored_opt);
    stored_opt.apply_orientation = 0;
    CHECK_OK(zp_image_decode_memory(jpg, n, &stored_opt, &img));
    CHECK(img.meta.exif_size == exif_size && img.meta.exif &&
          memcmp(img.meta.exif, exif, exif_size) == 0);
    CHECK(img.info.orientation == 6 && img.info.width == w && !img.info.orientation_applied);
    zp_image_release(&img);

    /* read_metadata = 0: sizes reported, blobs not kept. */
    zp_decode_options dopt;
    zp_decode_options_init(&dopt);
    dopt.read_metadata = 0;
    CHECK_OK(zp_image_decode_memory(jpg, n, &dopt, &img));
    CHECK(img.info.icc_size == icc_size && img.info.exif_size == exif_size);
    CHECK(img.meta.icc == NULL && img.meta.exif == NULL);
    CHECK(img.info.orientation == 6);
    zp_image_release(&img);
    free(jpg);

    /* strip_metadata writes neither. */
    opt.strip_metadata = 1;
    jpg = encode(&a, &meta, &opt, &n);
    CHECK(jpg && !contains(jpg, n, "Exif") && !contains(jpg, n, "ICC_PROFILE"));
    CHECK_OK(zp_image_decode_memory(jpg, n, NULL, &img));
    CHECK(img.info.icc_size == 0 && img.info.exif_size == 0 && img.meta.icc == NULL &&
          img.meta.exif == NULL && img.info.orientation == 1);
    zp_image_release(&img);
    free(jpg);

    /* EXIF too big for one APP1 marker is skipped, not fatal. */
    opt.strip_metadata = 0;
    size_t big_size = 65528; /* + 6 signature bytes = 65534 > 65533 */
    uint8_t *big = calloc(1, big_size);
    memcpy(big, exif, exif_size);
    zp_metadata big_meta = {NULL, 0, big, big_size};
    jpg = encode(&a, &big_meta, &opt, &n);
    CHECK(jpg && !contains(jpg, n, "Exif"));
    free(jpg);
    big_meta.exif_size = big_size - 1; /* exactly 65533: fits */
    jpg = encode(&a, &big_meta, &opt, &n);
    CHECK_OK(zp_image_decode_memory(jpg, n, NULL, &img));
    CHECK(img.meta.exif_size == big_size - 1 && img.info.orientation == 6);
    zp_image_release(&img);
    free(jpg);
    free(big);

    free(icc);
    free(px);
}

/* ---- errors -------------------------------------------------------------------- */

/* Offset of the length field of the first SOF0/SOF2 segment, or 0. */
static size_t find_sof(const uint8_t *jpg, size_t n) {
    for (size_t i = 2; i + 9 < n; i++)
        if (jpg[i] == 0xFF && (jpg[i + 1] == 0xC0 || jpg[i + 1] == 0xC2)) return i + 2;
    return 0;
}

/* Two decoded images hold the same pixels. */
static int same_pixels(const zp_view *a, const zp_view *b) {
    if (a->width != b->width || a->height != b->height || a->channels != b->channels) return 0;
    for (int y = 0; y < a->height; y++)
        if (memcmp(zp_view_pixel(a, 0, y), zp_view_pixel(b, 0, y), (size_t)a->width * a->channels))
            return 0;
    return 1;
}

static void test_errors(void) {
    const int w = 120, h = 90;
    uint8_t *px = synth_image(w, h, 3, 21);
    size_t n;
    uint8_t *jpg = make_jpeg(px, w, h, 3, JCS_RGB, &default_params, &n);
    zp_image img;

    /* Truncated at half: fails, from memory and from a file. */
    CHECK_STATUS(zp_image_decode_memory(jpg, n / 2, NULL, &img), ZP_ERR_TRUNCATED);
    CHECK(message_has("JPEG: file ends early (truncated)"));
    CHECK(img.view.data == NULL);
    char path[128];
    temp_name(path, sizeof path, "errors");
    CHECK(write_file(path, jpg, n / 2) == 0);
    CHECK_STATUS(zp_image_decode_file(path, NULL, &img), ZP_ERR_TRUNCATED);
    remove(path);
    /* Cut inside the header: the open itself fails. */
    zp_decoder *dec = NULL;
    CHECK_STATUS(zp_decoder_open_memory(jpg, 100, NULL, &dec), ZP_ERR_TRUNCATED);
    CHECK(dec == NULL);
    /* Only the EOI marker missing: the image data is whole, as djpeg sees
     * it: accepted, and the same pixels as the complete file. */
    zp_image whole;
    CHECK_OK(zp_image_decode_memory(jpg, n, NULL, &whole));
    CHECK(jpg[n - 2] == 0xFF && jpg[n - 1] == 0xD9);
    CHECK_OK(zp_image_decode_memory(jpg, n - 2, NULL, &img));
    CHECK(img.view.data && whole.view.data && same_pixels(&img.view, &whole.view));
    zp_image_release(&img);
    /* One byte of entropy data less is not whole: truncated. */
    CHECK_STATUS(zp_image_decode_memory(jpg, n - 3, NULL, &img), ZP_ERR_TRUNCATED);
    /* Junk bytes before a marker (common in camera files): accepted, and
     * the same pixels. */
    uint8_t *junky = malloc(n + 3);
    memcpy(junky, jpg, n - 2);
    memcpy(junky + n - 2, "\x12\x34\x56\xFF\xD9", 5);
    CHECK_OK(zp_image_decode_memory(junky, n + 3, NULL, &img));
    CHECK(img.view.data && same_pixels(&img.view, &whole.view));
    zp_image_release(&img);
    free(junky);
    zp_image_release(&whole);
    /* A failed decoder stays failed. */
    CHECK_OK(zp_decoder_open_memory(jpg, n / 2, NULL, &dec));
    if (dec) {
        CHECK_STATUS(zp_decoder_read(dec, &img), ZP_ERR_TRUNCATED);
        CHECK_STATUS(zp_decoder_read(dec, &img), ZP_ERR_BAD_STATE);
        zp_decoder_close(dec);
    }

    /* Garbage after SOI: an error, not a crash (ASan watches). */
    uint32_t seed = 5;
    for (int k = 0; k < 50; k++) {
        uint8_t junk[2048];
        junk[0] = 0xFF;
        junk[1] = 0xD8;
        junk[2] = 0xFF; /* what format detection wants to see */
        for (size_t i = 3; i < sizeof junk; i++) junk[i] = (uint8_t)zp_test_rand(&seed);
        zp_status st = zp_image_decode_memory(junk, sizeof junk, NULL, &img);
        CHECK(st != ZP_OK);
        if (strncmp(zp_last_error(), "JPEG: ", 6) != 0) fprintf(stderr, "message: %s\n", zp_last_error());
        CHECK(strncmp(zp_last_error(), "JPEG: ", 6) == 0);
        zp_image_release(&img);
    }
    /* Damaged entropy data and headers: any outcome but a crash; failures
     * carry a JPEG message. */
    int failed = 0;
    for (int k = 0; k < 200; k++) {
        uint8_t *bad = malloc(n);
        memcpy(bad, jpg, n);
        for (int j = 0; j < 4; j++) bad[zp_test_rand(&seed) % n] = (uint8_t)zp_test_rand(&seed);
        zp_status st = zp_image_decode_memory(bad, n, NULL, &img);
        if (st) {
            failed++;
            CHECK(zp_last_error()[0] != '\0');
        }
        zp_image_release(&img);
        free(bad);
    }
    CHECK(failed > 0);

    /* A header declaring 60000 x 60000: ZP_ERR_LIMIT at open, before any
     * pixel memory. With the limit lifted the header reads fine. */
    uint8_t *huge = malloc(n);
    memcpy(huge, jpg, n);
    size_t sof = find_sof(huge, n);
    CHECK(sof != 0);
    huge[sof + 3] = 60000 >> 8; huge[sof + 4] = 60000 & 0xFF; /* height */
    huge[sof + 5] = 60000 >> 8; huge[sof + 6] = 60000 & 0xFF; /* width  */
    uint64_t before = zp__pixels_alloc_count();
    CHECK_STATUS(zp_decoder_open_memory(huge, n, NULL, &dec), ZP_ERR_LIMIT);
    CHECK_STATUS(zp_image_decode_memory(huge, n, NULL, &img), ZP_ERR_LIMIT);
    CHECK(zp__pixels_alloc_count() == before);
    zp_decode_options nolimit;
    zp_decode_options_init(&nolimit);
    nolimit.limits.max_pixels = 0;
    CHECK_OK(zp_decoder_open_memory(huge, n, &nolimit, &dec));
    if (dec) {
        CHECK(zp_decoder_info(dec)->width == 60000 && zp_decoder_info(dec)->height == 60000);
        zp_decoder_close(dec);
    }
    /* 12-bit samples: valid JPEG, not something this build decodes. */
    memcpy(huge, jpg, n);
    huge[sof + 2] = 12; /* precision */
    CHECK_STATUS(zp_decoder_open_memory(huge, n, NULL, &dec), ZP_ERR_UNSUPPORTED);
    CHECK(message_has("JPEG: "));
    free(huge);

    /* A write error while encoding: ZP_ERR_IO with the errno text. */
    FILE *full = fopen("/dev/full", "wb");
    if (full) {
        uint8_t *noise = malloc(400 * 300 * 3);
        for (size_t i = 0; i < 400 * 300 * 3; i++) noise[i] = (uint8_t)zp_test_rand(&seed);
        zp_view nv = packed_view(noise, 400, 300, 3);
        zp_encode_options eo;
        zp_encode_options_init(&eo);
        eo.format = ZP_FORMAT_JPEG;
        eo.quality = 100;
        CHECK_STATUS(zp_image_encode_stream(&nv, NULL, full, &eo), ZP_ERR_IO);
        CHECK(message_has("space"));
        fclose(full);
        free(noise);
    }

    /* Scan limit: a progressive file has ~10 scans. */
    jpeg_params p = default_params;
    p.progressive = 1;
    size_t pn;
    uint8_t *prog = make_jpeg(px, w, h, 3, JCS_RGB, &p, &pn);
    zp_decode_options scans;
    zp_decode_options_init(&scans);
    scans.limits.max_jpeg_scans = 3;
    CHECK_STATUS(zp_image_decode_memory(prog, pn, &scans, &img), ZP_ERR_LIMIT);
    CHECK(message_has("scans"));
    scans.limits.max_jpeg_scans = 0; /* no limit */
    CHECK_OK(zp_image_decode_memory(prog, pn, &scans, &img));
    zp_image_release(&img);
    scans.limits.max_jpeg_scans = 10;
    CHECK_OK(zp_image_decode_memory(prog, pn, &scans, &img));
    zp_image_release(&img);
    /* And a cut progressive file is truncated too. */
    CHECK_STATUS(zp_image_decode_memory(prog, pn * 2 / 3, NULL, &img), ZP_ERR_TRUNCATED);
    free(prog);

    free(jpg);
    free(px);
}

int main(int argc, char **argv) {
    const char *group = argc > 1 ? argv[1] : "all";
    int all = strcmp(group, "all") == 0, ran = 0;
    if (all || !strcmp(group, "decode")) test_decode(), ran++;
    if (all || !strcmp(group, "readinto")) test_readinto(), ran++;
    if (all || !strcmp(group, "encode")) test_encode(), ran++;
    if (all || !strcmp(group, "exif")) test_exif(), ran++;
    if (all || !strcmp(group, "metadata")) test_metadata(), ran++;
    if (all || !strcmp(group, "errors")) test_errors(), ran++;
    if (!ran) {
        fprintf(stderr, "unknown group %s\n", group);
        return 2;
    }
    return zp_test_finish(argc > 1 ? argv[1] : "test_jpeg");
}
