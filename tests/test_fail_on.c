/* test_fail_on.c: zp_decode_options.fail_on, the damage a decode accepts:
 * truncated, corrupt and harmlessly odd JPEG, PNG and PNM inputs at each
 * level, the warnings reported, and the rows kept under ZP_FAIL_ON_NONE. */
#include <string.h>
#include "zp_test.h"

static zp_view gradient(int w, int h, int ch) {
    zp_view v;
    if (zp_view_alloc(w, h, ch, ZP_U8, &v)) exit(1);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w * ch; x++) ((uint8_t *)zp_view_pixel(&v, 0, y))[x] = (uint8_t)(x * 3 + y * 5);
    return v;
}

static uint8_t *encode(const zp_view *v, zp_format f, size_t *n) {
    zp_encode_options o;
    zp_encode_options_init(&o);
    o.format = f;
    void *data = NULL;
    if (zp_image_encode_memory(v, NULL, &o, &data, n)) exit(1);
    return data;
}

/* Decode at a fail_on level; returns the status and fills img (and the
 * decoder's first warning into `warning`). */
static zp_status decode(const uint8_t *data, size_t n, zp_fail_on level, zp_image *img,
                        char *warning, size_t wsize) {
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    opt.fail_on = level;
    zp_decoder *d;
    memset(img, 0, sizeof *img);
    warning[0] = '\0';
    zp_status st = zp_decoder_open_memory(data, n, &opt, &d);
    if (st) return st;
    st = zp_decoder_read(d, img);
    snprintf(warning, wsize, "%s", zp_decoder_warning(d));
    zp_decoder_close(d);
    return st;
}

static int rows_equal(const zp_view *a, const zp_view *b, int y0, int y1) {
    for (int y = y0; y < y1; y++)
        if (memcmp(zp_view_pixel(a, 0, y), zp_view_pixel(b, 0, y), (size_t)a->width * a->channels)) return 0;
    return 1;
}

static int rows_zero(const zp_view *a, int y0, int y1) {
    for (int y = y0; y < y1; y++)
        for (int x = 0; x < a->width * a->channels; x++)
            if (((uint8_t *)zp_view_pixel(a, 0, y))[x]) return 0;
    return 1;
}

/* Truncated files, each format: fails from TRUNCATED up; NONE keeps the
 * rows there are (PNG and PNM: exactly those of the whole file, then zero). */
static void test_truncated(zp_format f) {
    zp_view v = gradient(97, 80, 3);
    size_t n;
    uint8_t *data = encode(&v, f, &n);
    zp_image whole, img;
    char w[256];
    CHECK_OK(decode(data, n, ZP_FAIL_ON_ERROR, &whole, w, sizeof w));
    CHECK(whole.info.warnings == 0 && !whole.info.truncated && w[0] == '\0');
    size_t cut = n / 2;
    for (int level = ZP_FAIL_ON_TRUNCATED; level <= ZP_FAIL_ON_WARNING; level++) {
        CHECK_STATUS(decode(data, cut, (zp_fail_on)level, &img, w, sizeof w), ZP_ERR_TRUNCATED);
        CHECK(img.view.data == NULL);
    }
    CHECK_OK(decode(data, cut, ZP_FAIL_ON_NONE, &img, w, sizeof w));
    CHECK(img.info.truncated == 1 && img.info.warnings >= 1);
    CHECK(strstr(w, "file ends early (truncated)") != NULL);
    if (f != ZP_FORMAT_JPEG) {
        /* Some rows decoded exactly, the rest zero. */
        int good = 0;
        while (good < 80 && rows_equal(&img.view, &whole.view, good, good + 1)) good++;
        CHECK(good >= 20 && good < 80);
        CHECK(rows_zero(&img.view, good + 1, 80));
    } else {
        CHECK(rows_equal(&img.view, &whole.view, 0, 8)); /* the first MCU row is whole */
    }
    zp_image_release(&img);
    zp_image_release(&whole);
    zp_free(data);
    zp_view_release(&v);
}

/* JPEG corrupt data (a marker in the middle of the entropy data): fails
 * from ERROR up, decodes with a warning below. */
static void test_jpeg_corrupt(void) {
    zp_view v = gradient(96, 96, 3);
    size_t n;
    uint8_t *data = encode(&v, ZP_FORMAT_JPEG, &n);
    uint8_t *bad = malloc(n);
    memcpy(bad, data, n);
    bad[n - 300] = 0xFF;
    bad[n - 299] = 0xD3; /* RST3, though no restart interval is set */
    zp_image img;
    char w[256];
    CHECK_STATUS(decode(bad, n, ZP_FAIL_ON_ERROR, &img, w, sizeof w), ZP_ERR_CORRUPT);
    CHECK(strstr(zp_last_error(), "Corrupt JPEG data") != NULL);
    CHECK_STATUS(decode(bad, n, ZP_FAIL_ON_WARNING, &img, w, sizeof w), ZP_ERR_CORRUPT);
    CHECK_OK(decode(bad, n, ZP_FAIL_ON_TRUNCATED, &img, w, sizeof w));
    CHECK(img.info.warnings >= 1 && !img.info.truncated && strstr(w, "Corrupt JPEG data"));
    zp_image_release(&img);
    CHECK_OK(decode(bad, n, ZP_FAIL_ON_NONE, &img, w, sizeof w));
    zp_image_release(&img);

    /* Harmless: junk bytes between two header segments (before DQT), which
     * libjpeg skips with a warning. Only WARNING fails. */
    size_t at = 2;
    while (at + 1 < n && !(data[at] == 0xFF && data[at + 1] == 0xDB)) at++;
    CHECK(at + 1 < n);
    uint8_t *junk = malloc(n + 3);
    memcpy(junk, data, at);
    memcpy(junk + at, "\x11\x22\x33", 3);
    memcpy(junk + at + 3, data + at, n - at);
    CHECK_OK(decode(junk, n + 3, ZP_FAIL_ON_ERROR, &img, w, sizeof w));
    CHECK(img.info.warnings == 1 && strstr(w, "extraneous bytes"));
    zp_image_release(&img);
    CHECK_STATUS(decode(junk, n + 3, ZP_FAIL_ON_WARNING, &img, w, sizeof w), ZP_ERR_CORRUPT);
    free(junk);
    free(bad);
    zp_free(data);
    zp_view_release(&v);
}

/* PNG: a bad CRC in an ancillary chunk is skipped with a warning; only
 * WARNING fails on it. */
static void test_png_ancillary(void) {
    zp_view v = gradient(16, 16, 3);
    size_t n;
    uint8_t *data = encode(&v, ZP_FORMAT_PNG, &n);
    /* Insert a tEXt chunk with a wrong CRC right after IHDR (8 + 25 bytes). */
    static const uint8_t text[] = {0, 0, 0, 4, 't', 'E', 'X', 't', 'a', 0, 'b', 'c', 0xDE, 0xAD, 0xBE, 0xEF};
    uint8_t *bad = malloc(n + sizeof text);
    memcpy(bad, data, 33);
    memcpy(bad + 33, text, sizeof text);
    memcpy(bad + 33 + sizeof text, data + 33, n - 33);
    zp_image img;
    char w[256];
    CHECK_OK(decode(bad, n + sizeof text, ZP_FAIL_ON_ERROR, &img, w, sizeof w));
    CHECK(img.info.warnings >= 1 && strstr(w, "CRC"));
    zp_image_release(&img);
    CHECK_STATUS(decode(bad, n + sizeof text, ZP_FAIL_ON_WARNING, &img, w, sizeof w), ZP_ERR_CORRUPT);
    CHECK(strstr(zp_last_error(), "CRC") != NULL);
    free(bad);
    zp_free(data);
    zp_view_release(&v);

    /* A bad value is refused. */
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    CHECK(opt.fail_on == ZP_FAIL_ON_ERROR);
    opt.fail_on = (zp_fail_on)7;
    zp_decoder *d;
    CHECK_STATUS(zp_decoder_open_memory("P5 1 1 255\n", 12, &opt, &d), ZP_ERR_INVALID_ARG);
}

int main(void) {
    test_truncated(ZP_FORMAT_JPEG);
    test_truncated(ZP_FORMAT_PNG);
    test_truncated(ZP_FORMAT_PNM);
    test_jpeg_corrupt();
    test_png_ancillary();
    return zp_test_finish("test_fail_on");
}
