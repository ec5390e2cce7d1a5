/* test_pngsuite.c: one PngSuite file per run, decoded by zeropix and
 * compared bit for bit with libpng's simplified API as the oracle; the
 * x*.png files must fail cleanly with a message.
 *
 *   test_pngsuite FILE.png        check one file
 *   test_pngsuite --missing DIR   no PngSuite here: say so and skip (77)
 *
 * Making the oracle return stored sample values:
 * - The simplified API applies gamma (gAMA, sRGB, iCCP; cHRM only matters
 *   for RGB-to-gray, which we never ask for). It is fed the file with
 *   those chunks cut out (each chunk is length + type + data + CRC, so
 *   removing whole chunks leaves a valid PNG). With no colour-space chunk
 *   libpng assumes sRGB for 8-bit files and asks for sRGB output (no
 *   change), and linear for 16-bit files with linear output (no change).
 * - 8-bit formats (PNG_FORMAT_GRAY/GA/RGB/RGBA) for files of depth <= 8,
 *   linear 16-bit formats (PNG_FORMAT_LINEAR_*) for 16-bit files.
 * - Linear output with alpha is premultiplied (pngread.c,
 *   png_image_read_direct: "If there *is* an alpha channel in the input it
 *   must be multiplied out; use PNG_ALPHA_STANDARD"). With gamma 1.0 in
 *   and out libpng builds no gamma table and png_do_compose (pngrtran.c)
 *   composes each colour sample on a zero background with png.h's
 *   png_composite_16 (PNG_READ_COMPOSITE_NODIV_SUPPORTED):
 *       alpha == 0:      c = background = 0
 *       alpha == 65535:  c unchanged
 *       otherwise:       t = c * alpha + 32768;  c = (t + (t >> 16)) >> 16
 *   premultiply16() applies exactly this to zeropix's output before the
 *   comparison. It hides the colour of fully transparent pixels from the
 *   oracle; those samples are still checked by the keep_16bit = 0 run.
 * - keep_16bit = 0 is compared with png_do_scale_16_to_8 (pngrtran.c)
 *   applied to zeropix's own 16-bit decode (already checked above):
 *       tmp = hi;  tmp += ((lo - tmp + 128) * 65535) >> 24
 *   (signed arithmetic, as in libpng). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

#include "zp_test.h"

static uint8_t *load_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    long n;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)n + 1)) != NULL) {
        if (fread(data, 1, (size_t)n, f) != (size_t)n) {
            free(data);
            data = NULL;
        } else {
            *size = (size_t)n;
        }
    }
    fclose(f);
    return data;
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The file without its gAMA, sRGB, iCCP and cHRM chunks. */
static uint8_t *strip_colour_chunks(const uint8_t *in, size_t size, size_t *out_size,
                                    int *removed) {
    uint8_t *out = malloc(size);
    size_t pos = 8, n = 8;
    *removed = 0;
    if (!out || size < 8) return out;
    memcpy(out, in, 8);
    while (pos + 12 <= size) {
        uint32_t len = be32(in + pos);
        const uint8_t *type = in + pos + 4;
        size_t total = (size_t)len + 12;
        if (total > size - pos) total = size - pos; /* keep a short tail as is */
        if (!memcmp(type, "gAMA", 4) || !memcmp(type, "sRGB", 4) || !memcmp(type, "iCCP", 4) ||
            !memcmp(type, "cHRM", 4)) {
            (*removed)++;
        } else {
            memcpy(out + n, in + pos, total);
            n += total;
        }
        pos += total;
    }
    memcpy(out + n, in + pos, size - pos);
    *out_size = n + (size - pos);
    return out;
}

static uint32_t sample(const zp_view *v, int32_t x, int32_t y, int c) {
    const char *p = (const char *)zp_view_pixel(v, x, y) + (ptrdiff_t)c * v->stride_c;
    if (v->dtype == ZP_U8) return *(const uint8_t *)p;
    return *(const uint16_t *)p;
}

/* png_composite_16(c, c, alpha, 0) as png_do_compose uses it. */
static uint32_t premultiply16(uint32_t c, uint32_t alpha) {
    uint32_t t;
    if (alpha == 0) return 0;
    if (alpha == 65535) return c;
    t = c * alpha + 32768u;
    return ((t + (t >> 16)) >> 16) & 0xffff;
}

/* png_do_scale_16_to_8, literally. */
static uint32_t scale16(uint32_t v) {
    int32_t tmp = (int32_t)(v >> 8);
    tmp += (((int32_t)(v & 0xff) - tmp + 128) * 65535) >> 24;
    return (uint32_t)(uint8_t)tmp;
}

static int mismatches;

static void expect_sample(const char *what, int32_t x, int32_t y, int c, uint32_t got,
                          uint32_t want) {
    if (got == want) return;
    if (mismatches < 8)
        fprintf(stderr, "  %s: (%d,%d) channel %d: zeropix %u, expected %u\n", what, (int)x,
                (int)y, c, got, want);
    mismatches++;
}

/* The oracle: libpng's simplified API on the stripped bytes. */
static void check_against_oracle(const zp_image *img, const uint8_t *file, size_t size) {
    static const png_uint_32 formats8[5] = {0, PNG_FORMAT_GRAY, PNG_FORMAT_GA, PNG_FORMAT_RGB,
                                            PNG_FORMAT_RGBA};
    static const png_uint_32 formats16[5] = {0, PNG_FORMAT_LINEAR_Y, PNG_FORMAT_LINEAR_Y_ALPHA,
                                             PNG_FORMAT_LINEAR_RGB, PNG_FORMAT_LINEAR_RGB_ALPHA};
    const zp_view *v = &img->view;
    int wide = v->dtype == ZP_U16, alpha = v->channels == 2 || v->channels == 4;
    size_t stripped_size = 0;
    int removed = 0;
    uint8_t *stripped = strip_colour_chunks(file, size, &stripped_size, &removed);
    png_image oracle;
    void *buf = NULL;

    memset(&oracle, 0, sizeof oracle);
    oracle.version = PNG_IMAGE_VERSION;
    CHECK(stripped != NULL);
    if (!stripped) return;
    if (removed) printf("  oracle input: %d colour-space chunk(s) removed\n", removed);
    if (!png_image_begin_read_from_memory(&oracle, stripped, stripped_size)) {
        fprintf(stderr, "  oracle cannot read the file: %s\n", oracle.message);
        CHECK(!"oracle begin_read");
        free(stripped);
        return;
    }
    oracle.format = wide ? formats16[v->channels] : formats8[v->channels];
    CHECK(oracle.width == (png_uint_32)v->width && oracle.height == (png_uint_32)v->height);
    buf = malloc(PNG_IMAGE_SIZE(oracle));
    CHECK(buf != NULL);
    if (!buf || !png_image_finish_read(&oracle, NULL, buf, 0, NULL)) {
        fprintf(stderr, "  oracle failed: %s\n", oracle.message);
        CHECK(!"oracle finish_read");
    } else if (oracle.width == (png_uint_32)v->width && oracle.height == (png_uint_32)v->height) {
        size_t row_samples = (size_t)v->width * (size_t)v->channels;
        mismatches = 0;
        for (int32_t y = 0; y < v->height; y++)
            for (int32_t x = 0; x < v->width; x++)
                for (int c = 0; c < v->channels; c++) {
                    size_t i = (size_t)y * row_samples + (size_t)x * (size_t)v->channels +
                               (size_t)c;
                    uint32_t want = wide ? ((const uint16_t *)buf)[i] : ((const uint8_t *)buf)[i];
                    uint32_t got = sample(v, x, y, c);
                    if (wide && alpha && c != v->channels - 1)
                        got = premultiply16(got, sample(v, x, y, v->channels - 1));
                    expect_sample("vs libpng simplified API", x, y, c, got, want);
                }
        if (mismatches) fprintf(stderr, "  %d sample(s) differ from the oracle\n", mismatches);
        CHECK(mismatches == 0);
    }
    png_image_free(&oracle);
    free(buf);
    free(stripped);
}

/* keep_16bit = 0: 8-bit samples, png_set_scale_16 of the 16-bit decode. */
static void check_8bit_decode(const char *path, const zp_image *full) {
    zp_decode_options opt;
    zp_image img = {0};
    zp_decode_options_init(&opt);
    opt.keep_16bit = 0;
    CHECK_OK(zp_image_decode_file(path, &opt, &img));
    if (!img.view.data) return;
    CHECK(img.view.dtype == ZP_U8);
    CHECK(img.info.dtype == ZP_U8);
    CHECK(img.info.bit_depth == full->info.bit_depth);
    CHECK(img.view.width == full->view.width && img.view.height == full->view.height &&
          img.view.channels == full->view.channels);
    if (img.view.width == full->view.width && img.view.height == full->view.height &&
        img.view.channels == full->view.channels) {
        mismatches = 0;
        for (int32_t y = 0; y < img.view.height; y++)
            for (int32_t x = 0; x < img.view.width; x++)
                for (int c = 0; c < img.view.channels; c++) {
                    uint32_t v = sample(&full->view, x, y, c);
                    expect_sample("keep_16bit=0", x, y, c, sample(&img.view, x, y, c),
                                  full->view.dtype == ZP_U16 ? scale16(v) : v);
                }
        CHECK(mismatches == 0);
    }
    zp_image_release(&img);
}

/* Decode into caller views: rows packed but bottom-up (direct path with a
 * negative row stride), and mirrored (rows go through scratch). */
static void check_read_into(const char *path, const zp_image *full) {
    static const int flips[2] = {ZP_FLIP_Y, ZP_FLIP_X};
    for (int i = 0; i < 2; i++) {
        int axes = flips[i];
        zp_view canvas = {0}, flipped = {0};
        zp_decoder *dec = NULL;
        CHECK_OK(zp_view_alloc(full->view.width, full->view.height, full->view.channels,
                               full->view.dtype, &canvas));
        CHECK_OK(zp_view_flip(&canvas, axes, &flipped));
        CHECK_OK(zp_decoder_open_file(path, NULL, &dec));
        if (dec && flipped.data) {
            CHECK_OK(zp_decoder_read_into(dec, &flipped));
            mismatches = 0;
            for (int32_t y = 0; y < full->view.height; y++)
                for (int32_t x = 0; x < full->view.width; x++)
                    for (int c = 0; c < full->view.channels; c++)
                        expect_sample(axes == ZP_FLIP_Y ? "read_into flip-y" : "read_into flip-x",
                                      x, y, c, sample(&flipped, x, y, c),
                                      sample(&full->view, x, y, c));
            CHECK(mismatches == 0);
        }
        zp_decoder_close(dec);
        zp_view_release(&flipped);
        zp_view_release(&canvas);
    }
}

static int check_valid(const char *path) {
    static const char *colors[7] = {"gray", "?", "rgb", "palette", "gray+alpha", "?", "rgba"};
    size_t size = 0;
    uint8_t *file = load_file(path, &size);
    zp_image img = {0};
    int depth, color_type, interlace, channels;

    CHECK(file != NULL && size > 33);
    if (!file || size <= 33) return 1;
    depth = file[24];
    color_type = file[25] <= 6 ? file[25] : 1;
    interlace = file[28];
    channels = (int[]){1, 0, 3, 3, 2, 0, 4}[color_type];

    CHECK_OK(zp_image_decode_file(path, NULL, &img));
    if (!img.view.data) {
        free(file);
        return 1;
    }
    printf("  %d x %d, %s %d-bit%s -> %d channel(s) %s\n", (int)img.info.width,
           (int)img.info.height, img.info.color, img.info.bit_depth,
           img.info.interlaced ? ", interlaced" : "", (int)img.info.channels,
           zp_dtype_name(img.info.dtype));

    /* The header facts, read from the file's IHDR independently. */
    CHECK(img.info.format == ZP_FORMAT_PNG);
    CHECK(img.info.bit_depth == depth);
    CHECK(img.info.color && !strcmp(img.info.color, colors[color_type]));
    CHECK(img.info.interlaced == (interlace != 0));
    CHECK(img.info.width == (int32_t)be32(file + 16));
    CHECK(img.info.height == (int32_t)be32(file + 20));
    CHECK(img.info.orientation == 1);
    CHECK(img.info.dtype == (depth == 16 ? ZP_U16 : ZP_U8));
    CHECK(img.view.dtype == img.info.dtype && img.view.channels == img.info.channels);
    /* +1 channel exactly when tRNS turns into alpha. */
    CHECK(img.info.channels == channels || (img.info.channels == channels + 1 && (channels & 1)));

    check_against_oracle(&img, file, size);
    check_8bit_decode(path, &img);
    check_read_into(path, &img);

    zp_image_release(&img);
    free(file);
    return 0;
}

static int check_invalid(const char *path) {
    size_t size = 0;
    uint8_t *file = load_file(path, &size);
    zp_image img = {0};
    zp_status st;

    st = zp_image_decode_file(path, NULL, &img);
    printf("  from file:   %s: %s\n", zp_status_str(st), zp_last_error());
    CHECK(st != ZP_OK);
    CHECK(zp_last_error()[0] != '\0');
    CHECK(img.view.data == NULL);
    zp_image_release(&img);

    CHECK(file != NULL);
    if (file) {
        st = zp_image_decode_memory(file, size, NULL, &img);
        printf("  from memory: %s: %s\n", zp_status_str(st), zp_last_error());
        CHECK(st != ZP_OK);
        CHECK(zp_last_error()[0] != '\0');
        zp_image_release(&img);
    }
    free(file);
    return 0;
}

int main(int argc, char **argv) {
    const char *path, *base;
    if (argc >= 2 && !strcmp(argv[1], "--missing")) {
        printf("SKIP: no PngSuite folder at %s (set ZEROPIX_PNGSUITE_DIR)\n",
               argc >= 3 ? argv[2] : "(none given)");
        return ZP_TEST_SKIP;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.png | --missing DIR\n", argv[0]);
        return 2;
    }
    path = argv[1];
    base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    printf("%s\n", base);
    if (base[0] == 'x')
        check_invalid(path);
    else
        check_valid(path);
    return zp_test_finish(base);
}
