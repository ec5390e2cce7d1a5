/* test_codec_generic.c: the format-independent decode and encode layer,
 * exercised through PNM: sources (memory, file, non-seekable stream),
 * decode into a caller's view, dtype conversion, limits, bad input, state,
 * and file output through a temporary renamed into place. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>
#include "zp_test.h"
#include "core/core_internal.h"

static char work[4096];

static const char *path_in(const char *name) {
    static char buf[8][4200];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", work, name);
    return buf[i];
}

/* A P6 of w x h with pixel (x,y) = (x, y, x^y) (8-bit) and its bytes. */
static size_t make_ppm(uint8_t *out, int w, int h) {
    int n = sprintf((char *)out, "P6\n# a comment\n%d %d\n255\n", w, h);
    uint8_t *p = out + n;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            *p++ = (uint8_t)x;
            *p++ = (uint8_t)y;
            *p++ = (uint8_t)(x ^ y);
        }
    return (size_t)(p - out);
}

static int pixel_ok(const zp_view *v, int x, int y, int sx, int sy) {
    const uint8_t *p = zp_view_pixel(v, x, y);
    return p[0] == (uint8_t)sx && p[v->stride_c] == (uint8_t)sy &&
           p[2 * v->stride_c] == (uint8_t)(sx ^ sy);
}

static int write_file(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t k = fwrite(data, 1, n, f);
    return fclose(f) || k != n ? -1 : 0;
}

static int count_entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    if (d) closedir(d);
    return n;
}

static void test_sources(void) {
    static uint8_t ppm[64 + 40 * 30 * 3];
    size_t n = make_ppm(ppm, 40, 30);
    zp_image img;
    CHECK_OK(zp_image_decode_memory(ppm, n, NULL, &img));
    CHECK(img.info.format == ZP_FORMAT_PNM && img.view.width == 40 && img.view.height == 30);
    CHECK(img.view.channels == 3 && img.view.dtype == ZP_U8 && img.info.bit_depth == 8);
    CHECK(((uintptr_t)img.view.data % 64) == 0 && img.view.stride_y % 64 == 0);
    CHECK(pixel_ok(&img.view, 39, 29, 39, 29) && pixel_ok(&img.view, 5, 7, 5, 7));
    zp_image_release(&img);

    CHECK(write_file(path_in("a.ppm"), ppm, n) == 0);
    CHECK_OK(zp_image_decode_file(path_in("a.ppm"), NULL, &img));
    CHECK(pixel_ok(&img.view, 12, 3, 12, 3));
    zp_image_release(&img);

    /* A pipe: not seekable, like stdin. */
    char cmd[4400];
    snprintf(cmd, sizeof cmd, "cat '%s'", path_in("a.ppm"));
    FILE *pipe = popen(cmd, "r");
    zp_decoder *d;
    CHECK_OK(zp_decoder_open_stream(pipe, NULL, &d));
    CHECK(zp_decoder_info(d)->width == 40);
    CHECK_OK(zp_decoder_read(d, &img));
    CHECK(pixel_ok(&img.view, 20, 20, 20, 20));
    /* A decoder decodes once; then it says so. */
    zp_image again;
    CHECK_STATUS(zp_decoder_read(d, &again), ZP_ERR_BAD_STATE);
    zp_decoder_close(d);
    pclose(pipe);
    zp_image_release(&img);
}

static void test_read_into(void) {
    static uint8_t ppm[64 + 40 * 30 * 3];
    size_t n = make_ppm(ppm, 40, 30);
    /* A canvas three times as wide, pre-filled with a marker. */
    zp_view canvas, tile;
    CHECK_OK(zp_view_alloc(120, 50, 3, ZP_U8, &canvas));
    for (int y = 0; y < 50; y++) memset(zp_view_pixel(&canvas, 0, y), 0xEE, 360);
    CHECK_OK(zp_view_crop(&canvas, 70, 11, 40, 30, &tile));
    zp_decoder *d;
    CHECK_OK(zp_decoder_open_memory(ppm, n, NULL, &d));
    const uint64_t before = zp__pixels_alloc_count();
    CHECK_OK(zp_decoder_read_into(d, &tile));
    CHECK(zp__pixels_alloc_count() == before); /* straight into the canvas */
    zp_decoder_close(d);
    int inside_ok = 1, outside_ok = 1;
    for (int y = 0; y < 50; y++)
        for (int x = 0; x < 120; x++) {
            const uint8_t *p = zp_view_pixel(&canvas, x, y);
            int in = x >= 70 && x < 110 && y >= 11 && y < 41;
            if (in && !pixel_ok(&canvas, x, y, x - 70, y - 11)) inside_ok = 0;
            if (!in && (p[0] != 0xEE || p[1] != 0xEE || p[2] != 0xEE)) outside_ok = 0;
        }
    CHECK(inside_ok && outside_ok);

    /* Into a flipped u16 view (non-packed, converted through one row). */
    zp_view wide, flipped;
    CHECK_OK(zp_view_alloc(40, 30, 3, ZP_U16, &wide));
    CHECK_OK(zp_view_flip(&wide, ZP_FLIP_X, &flipped));
    CHECK_OK(zp_decoder_open_memory(ppm, n, NULL, &d));
    CHECK_OK(zp_decoder_read_into(d, &flipped));
    zp_decoder_close(d);
    const uint16_t *p = zp_view_pixel(&wide, 0, 2); /* = source pixel (39, 2) */
    CHECK(p[0] == 39 * 257 && p[1] == 2 * 257 && p[2] == (39 ^ 2) * 257);

    /* Wrong shape and read-only targets are refused. */
    CHECK_OK(zp_decoder_open_memory(ppm, n, NULL, &d));
    zp_view small;
    CHECK_OK(zp_view_crop(&canvas, 0, 0, 39, 30, &small));
    CHECK_STATUS(zp_decoder_read_into(d, &small), ZP_ERR_MISMATCH);
    tile.flags |= ZP_VIEW_READONLY;
    CHECK_STATUS(zp_decoder_read_into(d, &tile), ZP_ERR_READONLY);
    zp_decoder_close(d);
    zp_view_release(&small);
    zp_view_release(&tile);
    zp_view_release(&canvas);
    zp_view_release(&flipped);
    zp_view_release(&wide);
}

static void test_pnm_depths(void) {
    /* 16-bit P5 with maxval 1000: scaled to the full 16-bit range. */
    uint8_t pgm[64];
    int n = sprintf((char *)pgm, "P5 2 1 1000\n");
    pgm[n++] = 0x03; pgm[n++] = 0xE8; /* 1000 */
    pgm[n++] = 0x01; pgm[n++] = 0xF4; /* 500  */
    zp_image img;
    CHECK_OK(zp_image_decode_memory(pgm, (size_t)n, NULL, &img));
    CHECK(img.view.dtype == ZP_U16 && img.info.bit_depth == 16 && img.view.channels == 1);
    const uint16_t *s = img.view.data;
    CHECK(s[0] == 65535 && s[1] == 32768);
    zp_image_release(&img);
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    opt.keep_16bit = 0;
    CHECK_OK(zp_image_decode_memory(pgm, (size_t)n, &opt, &img));
    CHECK(img.view.dtype == ZP_U8 && ((uint8_t *)img.view.data)[1] == 128);
    zp_image_release(&img);

    /* Round trip 16-bit RGB through the encoder and decoder. */
    zp_view v;
    CHECK_OK(zp_view_alloc(5, 3, 3, ZP_U16, &v));
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 15; x++) ((uint16_t *)zp_view_pixel(&v, 0, y))[x] = (uint16_t)(y * 20000 + x * 77);
    zp_encode_options eo;
    zp_encode_options_init(&eo);
    eo.format = ZP_FORMAT_PNM;
    void *data;
    size_t size;
    CHECK_OK(zp_image_encode_memory(&v, NULL, &eo, &data, &size));
    CHECK(size == strlen("P6\n5 3\n65535\n") + 5 * 3 * 3 * 2);
    CHECK_OK(zp_image_decode_memory(data, size, NULL, &img));
    CHECK(img.view.dtype == ZP_U16 && ((uint16_t *)zp_view_pixel(&img.view, 4, 2))[2] == 2 * 20000 + 14 * 77);
    zp_image_release(&img);
    zp_free(data);
    /* RGBA drops alpha; a transposed view is written as it is seen. */
    zp_view t;
    CHECK_OK(zp_view_transpose(&v, &t));
    eo.bit_depth = 8;
    CHECK_OK(zp_image_encode_memory(&t, NULL, &eo, &data, &size));
    CHECK_OK(zp_image_decode_memory(data, size, NULL, &img));
    CHECK(img.view.width == 3 && img.view.height == 5);
    CHECK(((uint8_t *)zp_view_pixel(&img.view, 2, 4))[2] == (uint8_t)(((2 * 20000 + 14 * 77) * 255u + 32767) / 65535));
    zp_image_release(&img);
    zp_free(data);
    zp_view_release(&t);
    zp_view_release(&v);
}

static void test_bad_input(void) {
    zp_image img;
    zp_decoder *d = (zp_decoder *)1;
    CHECK_STATUS(zp_decoder_open_memory("", 0, NULL, &d), ZP_ERR_TRUNCATED);
    CHECK(d == NULL);
    CHECK_STATUS(zp_image_decode_memory("GIF89a....", 10, NULL, &img), ZP_ERR_UNKNOWN_FORMAT);
    CHECK(strstr(zp_last_error(), "not a JPEG, PNG or PNM") != NULL);
    CHECK_STATUS(zp_image_decode_memory("P6\n4 4\n255\nabc", 14, NULL, &img), ZP_ERR_TRUNCATED);
    CHECK_STATUS(zp_image_decode_memory("P6\n4", 4, NULL, &img), ZP_ERR_TRUNCATED);
    CHECK_STATUS(zp_image_decode_memory("P6\n4 x 255\n", 11, NULL, &img), ZP_ERR_CORRUPT);
    CHECK_STATUS(zp_image_decode_memory("P6\n0 4 255\n", 11, NULL, &img), ZP_ERR_CORRUPT);
    CHECK_STATUS(zp_image_decode_memory("P6\n4 4 0\n", 9, NULL, &img), ZP_ERR_CORRUPT);
    CHECK_STATUS(zp_image_decode_memory("P6\n99999999999 4 255\n", 21, NULL, &img), ZP_ERR_CORRUPT);
    /* A header declaring 2 GP is refused before any allocation. */
    const uint64_t before = zp__pixels_alloc_count();
    CHECK_STATUS(zp_image_decode_memory("P5\n50000 40000 255\n", 19, NULL, &img), ZP_ERR_LIMIT);
    CHECK(strstr(zp_last_error(), "max_pixels") != NULL);
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    opt.limits.max_pixels = 100;
    static uint8_t ppm[64 + 11 * 10 * 3];
    size_t n = make_ppm(ppm, 11, 10);
    CHECK_STATUS(zp_image_decode_memory(ppm, n, &opt, &img), ZP_ERR_LIMIT);
    opt.limits.max_pixels = 0; /* the opt-out */
    CHECK_OK(zp_image_decode_memory(ppm, n, &opt, &img));
    zp_image_release(&img);
    CHECK(zp__pixels_alloc_count() == before + 1);
    CHECK_STATUS(zp_decoder_open_file(path_in("does-not-exist.png"), NULL, &d), ZP_ERR_IO);
    CHECK(strstr(zp_last_error(), "No such file") != NULL);
}

static void test_file_output(void) {
    static uint8_t ppm[64 + 40 * 30 * 3];
    size_t n = make_ppm(ppm, 40, 30);
    zp_image img;
    CHECK_OK(zp_image_decode_memory(ppm, n, NULL, &img));
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/out", work);
    mkdir(dir, 0777);
    const char *out = path_in("out/result.ppm");
    CHECK_OK(zp_image_encode_file(&img.view, NULL, out, NULL));
    CHECK(count_entries(dir) == 1); /* no temporary left behind */
    struct stat st;
    CHECK(stat(out, &st) == 0 && (size_t)st.st_size == n - strlen("# a comment\n"));
    CHECK((st.st_mode & 0777) == (0666 & ~(mode_t)umask(022))); /* ordinary permissions */

    /* Unknown extension: refused before any file is made. */
    CHECK_STATUS(zp_image_encode_file(&img.view, NULL, path_in("out/x.tiff"), NULL), ZP_ERR_INVALID_ARG);
    /* Missing folder, and a path that is a folder: errors, nothing left. */
    CHECK_STATUS(zp_image_encode_file(&img.view, NULL, path_in("nope/x.ppm"), NULL), ZP_ERR_IO);
    CHECK_STATUS(zp_image_encode_file(&img.view, NULL, dir, NULL), ZP_ERR_INVALID_ARG);
    mkdir(path_in("out/sub.ppm"), 0777);
    CHECK_STATUS(zp_image_encode_file(&img.view, NULL, path_in("out/sub.ppm"), NULL), ZP_ERR_IO);
    CHECK(count_entries(dir) == 2);

    /* A write that fails halfway (file size limit, like a full disk) leaves
     * the existing output untouched and no temporary. */
    zp_view big;
    CHECK_OK(zp_view_alloc(1000, 1000, 3, ZP_U8, &big));
    for (int y = 0; y < 1000; y++) memset(zp_view_pixel(&big, 0, y), y, 3000);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 100000;
    signal(SIGXFSZ, SIG_IGN);
    CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
    CHECK_STATUS(zp_image_encode_file(&big, NULL, out, NULL), ZP_ERR_IO);
    setrlimit(RLIMIT_FSIZE, &old);
    CHECK(stat(out, &st) == 0 && (size_t)st.st_size == n - strlen("# a comment\n"));
    CHECK(count_entries(dir) == 2);
    zp_view_release(&big);

    /* Streams. */
    FILE *f = fopen(path_in("stream.ppm"), "wb");
    zp_encode_options eo;
    zp_encode_options_init(&eo);
    CHECK_STATUS(zp_image_encode_stream(&img.view, NULL, f, &eo), ZP_ERR_INVALID_ARG); /* no format */
    eo.format = ZP_FORMAT_PNM;
    CHECK_OK(zp_image_encode_stream(&img.view, NULL, f, &eo));
    fclose(f);
    /* Options are checked for the format they apply to: a JPEG quality of
     * 0 is an error for JPEG output and irrelevant for PNM. */
    eo.quality = 0;
    CHECK_OK(zp_image_encode_file(&img.view, NULL, out, &eo));
    eo.format = ZP_FORMAT_UNKNOWN;
    CHECK_STATUS(zp_image_encode_file(&img.view, NULL, path_in("out/q.jpg"), &eo), ZP_ERR_INVALID_ARG);
    CHECK(strstr(zp_last_error(), "JPEG quality 0") != NULL);
    CHECK(count_entries(dir) == 2);

    /* A long but valid output name still works (the temporary name is short). */
    char long_name[300];
    memset(long_name, 'n', 240);
    strcpy(long_name + 240, ".ppm");
    CHECK_OK(zp_image_encode_file(&img.view, NULL, path_in(long_name), NULL));
    zp_image_release(&img);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_codec_generic WORKDIR\n");
        return 2;
    }
    snprintf(work, sizeof work, "%s", argv[1]);
    char cmd[8400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", work, work);
    if (system(cmd) != 0) return 2;
    test_sources();
    test_read_into();
    test_pnm_depths();
    test_bad_input();
    test_file_output();
    return zp_test_finish("test_codec_generic");
}
