/* test_limits.c: one CTest per limit a hostile input can hit (limits.NAME).
 *
 * Each test builds its hostile file in memory (a few bytes to a few hundred
 * KB), checks that the default refuses it with ZP_ERR_LIMIT and a message
 * naming the limit, that nothing big was allocated on the way (pixel
 * allocations counted with zp__pixels_alloc_count(), peak RSS measured
 * after resetting it through /proc/self/clear_refs, and the virtual peak in
 * builds without a sanitizer), then that the opt-out reaches a different
 * outcome, and finally the same through the command line.
 *
 *   test_limits NAME ZEROPIX WORKDIR PLUGIN
 *
 * NAME: pixels_png pixels_jpeg pixels_pnm jpeg_scans jpeg_icc_size png_chunk_size
 * png_chunk_count png_bomb_ztxt png_bomb_text_total png_bomb_iccp
 * png_bomb_idat operations resize_output stage_output stage_overflow
 * cli_options.
 *
 * The same file, compiled with ZP_TEST_LIMITS_PLUGIN, is the plugin PLUGIN:
 * a filter that plans whatever output size it is told, ignoring
 * max_pixels, so that the executor's own check is what stops it. */

#ifdef ZP_TEST_LIMITS_PLUGIN
/* ---- The plugin half ------------------------------------------------------ */
#include <string.h>
#include "zeropix/plugin.h"

static const zp_param_def grow_params[] = {
    {"width", ZP_PARAM_INT, 1, 2147483647.0, 1, "output width in pixels", NULL, 0},
    {"height", ZP_PARAM_INT, 1, 2147483647.0, 1, "output height in pixels", NULL, 0},
};

/* Plans any size and never looks at args->max_pixels: a careless plugin. */
static zp_status grow_plan(const zp_plan_args *a, zp_plan *p) {
    p->width = (int32_t)a->params[0].number;
    p->height = (int32_t)a->params[1].number;
    return ZP_OK;
}

/* Reads one pixel, whatever the output rectangle. */
static void grow_region(void *state, const zp_rect *out_rect, zp_rect *in_rect) {
    (void)state, (void)out_rect;
    *in_rect = (zp_rect){0, 0, 1, 1};
}

static zp_status grow_process(void *state, const zp_view *in, const zp_rect *ir,
                              const zp_view *out, const zp_rect *orect) {
    (void)state, (void)in, (void)ir, (void)orect;
    const size_t item = out->dtype == ZP_U8 ? 1 : out->dtype == ZP_U16 ? 2 : 4;
    for (int32_t y = 0; y < out->height; y++)
        for (int32_t x = 0; x < out->width; x++)
            for (int32_t c = 0; c < out->channels; c++)
                memset(ZP_SAMPLE(uint8_t, out, x, y, c), 0, item);
    return ZP_OK;
}

static const zp_filter grow = {ZP_FILTER_HEADER, "tl_grow",
                               "an output of width x height zeros (ignores max_pixels)",
                               grow_params, 2, grow_plan, NULL, grow_region, grow_process,
                               NULL};
static const zp_filter *const filters[] = {&grow};
static const zp_plugin plugin = {ZP_PLUGIN_HEADER, "tl_limits", "1.0", filters, 1};

ZP_PLUGIN_ENTRY {
    (void)host;
    return &plugin;
}

#else
/* ---- The test program -------------------------------------------------------- */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h> /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <zlib.h>
#include "zp_test.h"
#include "test_util.h"
#include "zeropix/pipeline.h"
#include "core/core_internal.h"

static const char *zeropix_bin, *workdir, *plugin_path;

/* ---- Small utilities ----------------------------------------------------------- */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* WORKDIR/name, in one of a few rotating buffers. */
static const char *path_in(const char *name) {
    static char bufs[32][4200];
    static int next;
    char *p = bufs[next++ % 32];
    snprintf(p, sizeof bufs[0], "%s/%s", workdir, name);
    return p;
}

static void write_file(const char *path, const void *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

static int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static int has(const char *text, const char *part) { return strstr(text, part) != NULL; }

/* CHECK that the last error contains `part`, printing it when not. */
#define CHECK_MSG(part) do { if (!has(zp_last_error(), (part))) { \
    fprintf(stderr, "%s:%d: message '%s' lacks '%s'\n", __FILE__, __LINE__, zp_last_error(), \
            (part)); zp_test_failures++; } } while (0)

/* ---- Memory: pixel allocations, peak RSS, virtual peak ---------------------- */

typedef struct mem_mark {
    long rss_kb, vmsize_kb, vmpeak_kb;
    int peak_reset; /* VmHWM was reset to the current RSS */
    uint64_t pixel_allocs;
} mem_mark;

static void mem_begin(mem_mark *m) {
    FILE *f = fopen("/proc/self/clear_refs", "w");
    m->peak_reset = f && fputs("5", f) >= 0;
    if (f && fclose(f) != 0) m->peak_reset = 0;
    m->rss_kb = zp_test_status_kb("VmRSS");
    m->vmsize_kb = zp_test_status_kb("VmSize");
    m->vmpeak_kb = zp_test_status_kb("VmPeak");
    m->pixel_allocs = zp__pixels_alloc_count();
}

/* Growth of the peak RSS since mem_begin, in kB. */
static long mem_peak_growth_kb(const mem_mark *m) {
    return (m->peak_reset ? zp_test_status_kb("VmHWM") : zp_test_status_kb("VmRSS")) - m->rss_kb;
}

/* Nothing that scales with the hostile file was allocated since `m`: no
 * pixel buffer, peak RSS up by less than `rss_kb`, and (without a
 * sanitizer, whose shadow memory blurs it) no large virtual reservation,
 * which catches a big malloc that was never touched. */
static void expect_small(const mem_mark *m, long rss_kb, const char *what) {
    long grew = mem_peak_growth_kb(m);
    printf("  %s: peak RSS +%ld kB, pixel allocations +%llu\n", what, grew,
           (unsigned long long)(zp__pixels_alloc_count() - m->pixel_allocs));
    if (zp__pixels_alloc_count() != m->pixel_allocs) {
        fprintf(stderr, "%s: pixel memory was allocated\n", what);
        zp_test_failures++;
    }
    if (grew > rss_kb) {
        fprintf(stderr, "%s: peak RSS grew by %ld kB (at most %ld allowed)\n", what, grew, rss_kb);
        zp_test_failures++;
    }
    if (!ZP_SANITIZED && m->vmpeak_kb - m->vmsize_kb < 32 * 1024) {
        long virt = zp_test_status_kb("VmPeak") - m->vmsize_kb;
        if (virt > 64 * 1024) {
            fprintf(stderr, "%s: virtual memory peaked %ld kB higher: a large allocation\n",
                    what, virt);
            zp_test_failures++;
        }
    }
}

/* ---- Running the command line --------------------------------------------------- */

static char cli_err[65536];

/* Run zeropix with `args` (NULL-terminated, at most 300); stdout and
 * stderr go to files in WORKDIR, stderr is kept in cli_err. Returns the
 * exit status, or 128 + the signal. */
static int cli_argv(const char *const *args) {
    static char out[4200], err[4200];
    snprintf(out, sizeof out, "%s/cli.stdout", workdir);
    snprintf(err, sizeof err, "%s/cli.stderr", workdir);
    return zp_test_run_cli(zeropix_bin, args, out, err, cli_err, sizeof cli_err, &zp_test_failures);
}

/* cli_argv() with the arguments (NULL-terminated, at most 62). */
static int cli(const char *first, ...) {
    const char *args[64];
    int argc = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 62; a = va_arg(ap, const char *)) args[argc++] = a;
    va_end(ap);
    args[argc] = NULL;
    return cli_argv(args);
}

/* The last cli() exited `rc` and its stderr has `part` (NULL: anything). */
static void expect_cli(int got, int rc, const char *part, const char *what) {
    if (got != rc) {
        fprintf(stderr, "%s: zeropix exited %d, expected %d; stderr:\n%s\n", what, got, rc, cli_err);
        zp_test_failures++;
    } else if (part && !has(cli_err, part)) {
        fprintf(stderr, "%s: stderr lacks '%s':\n%s\n", what, part, cli_err);
        zp_test_failures++;
    }
}

/* The last cli()'s stderr also has `part`. */
static void expect_stderr(const char *part, const char *what) { expect_cli(0, 0, part, what); }

/* ---- Building files: bytes, PNG chunks, zlib streams, JPEG --------------------- */

typedef struct bytes {
    uint8_t *p;
    size_t n, cap;
} bytes;

static void put(bytes *b, const void *data, size_t n) {
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 4096;
        if (!(b->p = realloc(b->p, b->cap))) exit(1);
    }
    if (n) memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void put_be32(bytes *b, uint32_t v) {
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put(b, x, 4);
}

static void png_chunk(bytes *b, const char *type, const void *data, uint32_t len) {
    put_be32(b, len);
    size_t at = b->n;
    put(b, type, 4);
    put(b, data, len);
    put_be32(b, (uint32_t)crc32(0, b->p + at, len + 4));
}

/* A chunk header declaring `len` bytes that never follow. */
static void png_chunk_header(bytes *b, const char *type, uint32_t len) {
    put_be32(b, len);
    put(b, type, 4);
}

static void png_start(bytes *b, uint32_t w, uint32_t h, int depth, int color) {
    uint8_t ihdr[13] = {0};
    put(b, "\x89PNG\r\n\x1a\n", 8);
    for (int i = 0; i < 4; i++) {
        ihdr[i] = (uint8_t)(w >> (24 - 8 * i));
        ihdr[4 + i] = (uint8_t)(h >> (24 - 8 * i));
    }
    ihdr[8] = (uint8_t)depth;
    ihdr[9] = (uint8_t)color;
    png_chunk(b, "IHDR", ihdr, 13);
}

/* A zlib stream of `prefix` then `n` copies of `fill`, deflated at level 9
 * from a small buffer (the expanded data is never in memory). */
static void zlib_stream(bytes *out, const void *prefix, size_t prefix_len, uint64_t n, uint8_t fill) {
    static uint8_t in[65536], buf[65536];
    z_stream z;
    memset(&z, 0, sizeof z);
    memset(in, fill, sizeof in);
    if (deflateInit(&z, 9) != Z_OK) exit(1);
    int prefix_done = prefix_len == 0;
    for (;;) {
        int flush = Z_NO_FLUSH;
        if (!prefix_done) {
            z.next_in = (Bytef *)prefix;
            z.avail_in = (uInt)prefix_len;
            prefix_done = 1;
        } else {
            size_t k = n > sizeof in ? sizeof in : (size_t)n;
            z.next_in = in;
            z.avail_in = (uInt)k;
            n -= k;
            if (n == 0) flush = Z_FINISH;
        }
        do {
            z.next_out = buf;
            z.avail_out = sizeof buf;
            deflate(&z, flush);
            put(out, buf, sizeof buf - z.avail_out);
        } while (z.avail_out == 0);
        if (flush == Z_FINISH) break;
    }
    deflateEnd(&z);
}

/* IDAT chunks (of at most 1 MiB) holding `h` rows of `rowbytes` zeros, each
 * with filter byte 0: the bytes of an all-black image of that size. */
static void png_idat_zero(bytes *b, uint64_t rowbytes, uint64_t h) {
    bytes z = {0};
    zlib_stream(&z, NULL, 0, (rowbytes + 1) * h, 0);
    for (size_t at = 0; at < z.n; at += 1u << 20) {
        size_t len = z.n - at < (1u << 20) ? z.n - at : (1u << 20);
        png_chunk(b, "IDAT", z.p + at, (uint32_t)len);
    }
    free(z.p);
}

/* One IDAT with real 8-bit pixels (filter byte 0 on every row). */
static void png_idat_pixels(bytes *b, const uint8_t *px, uint32_t w, uint32_t h, int ch) {
    size_t row = (size_t)w * (size_t)ch, raw_n = (row + 1) * h;
    uint8_t *raw = calloc(1, raw_n);
    for (uint32_t y = 0; y < h; y++) memcpy(raw + y * (row + 1) + 1, px + y * row, row);
    uLongf zn = compressBound((uLong)raw_n);
    uint8_t *z = malloc(zn);
    if (!raw || !z || compress2(z, &zn, raw, (uLong)raw_n, 6) != Z_OK) exit(1);
    png_chunk(b, "IDAT", z, (uint32_t)zn);
    free(raw);
    free(z);
}

static void png_end(bytes *b) { png_chunk(b, "IEND", NULL, 0); }

/* An 8-bit RGB PNG of the w x h pixels `px`, written to `path`. */
static void write_rgb_png(const char *path, const uint8_t *px, uint32_t w, uint32_t h) {
    bytes b = {0};
    png_start(&b, w, h, 8, 2);
    png_idat_pixels(&b, px, w, h, 3);
    png_end(&b);
    write_file(path, b.p, b.n);
    free(b.p);
}

/* Deterministic RGB noise. */
static uint8_t *noise(uint32_t w, uint32_t h, int ch, uint32_t seed) {
    uint8_t *px = malloc((size_t)w * h * ch);
    for (size_t i = 0; i < (size_t)w * h * ch; i++) px[i] = (uint8_t)zp_test_rand(&seed);
    return px;
}

/* An 8x8 RGB PNG with `mid` chunks (already built) between IHDR and IDAT
 * and `tail` ones after it. */
static void small_png(bytes *b, const bytes *mid, const bytes *tail) {
    uint8_t *px = noise(8, 8, 3, 5);
    png_start(b, 8, 8, 8, 2);
    if (mid) put(b, mid->p, mid->n);
    png_idat_pixels(b, px, 8, 8, 3);
    if (tail) put(b, tail->p, tail->n);
    png_end(b);
    free(px);
}

/* A JPEG from libjpeg: w x h noise with `comps` components (1 or 3), baseline
 * or progressive, or with the given scan script. malloc'd; *size set. */
static uint8_t *make_jpeg(int w, int h, int comps, int progressive, const jpeg_scan_info *scans,
                          int nscans, size_t *size) {
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    unsigned char *out = NULL;
    unsigned long n = 0;
    uint8_t *px = noise((uint32_t)w, (uint32_t)h, comps, 77);
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &out, &n);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = comps;
    c.in_color_space = comps == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 90, TRUE);
    if (progressive) jpeg_simple_progression(&c);
    if (scans) {
        c.scan_info = scans;
        c.num_scans = nscans;
    }
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = px + (size_t)c.next_scanline * (size_t)w * (size_t)comps;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(px);
    uint8_t *copy = malloc(n);
    memcpy(copy, out, n);
    free(out);
    *size = n;
    return copy;
}

/* Offset of the SOFn marker (FF C0..C2), walking the segments; 0 if none. */
static size_t find_sof(const uint8_t *j, size_t n) {
    size_t p = 2;
    while (p + 4 <= n && j[p] == 0xFF) {
        uint8_t m = j[p + 1];
        if (m >= 0xC0 && m <= 0xC2) return p;
        p += 2 + ((size_t)j[p + 2] << 8 | j[p + 3]);
    }
    return 0;
}

/* Make the JPEG declare w x h. */
static void patch_jpeg_size(uint8_t *j, size_t n, unsigned w, unsigned h) {
    size_t sof = find_sof(j, n);
    if (!sof) {
        fprintf(stderr, "no SOF in the generated JPEG\n");
        exit(1);
    }
    j[sof + 5] = (uint8_t)(h >> 8);
    j[sof + 6] = (uint8_t)h;
    j[sof + 7] = (uint8_t)(w >> 8);
    j[sof + 8] = (uint8_t)w;
}

/* ---- Shared checks ----------------------------------------------------------------- */

/* `data` declares more pixels than `opt` allows: refused at open with
 * ZP_ERR_LIMIT naming max_pixels, through memory, a file and a stream,
 * many times over, with nothing big allocated. */
static void expect_pixel_limit(const void *data, size_t size, const zp_decode_options *opt,
                               const char *name) {
    zp_image img;
    zp_decoder *dec = (zp_decoder *)&img;
    mem_mark m;
    mem_begin(&m);
    for (int i = 0; i < 200; i++) {
        zp_status st = zp_image_decode_memory(data, size, opt, &img);
        CHECK_STATUS(st, ZP_ERR_LIMIT);
        CHECK(img.view.data == NULL);
        if (st == ZP_OK) { /* the limit is broken: stop before eating all memory */
            zp_image_release(&img);
            break;
        }
    }
    CHECK_STATUS(zp_decoder_open_memory(data, size, opt, &dec), ZP_ERR_LIMIT);
    CHECK(dec == NULL);
    CHECK_MSG("max_pixels");
    const char *path = path_in(name);
    write_file(path, data, size);
    CHECK_STATUS(zp_image_decode_file(path, opt, &img), ZP_ERR_LIMIT);
    FILE *f = fopen(path, "rb");
    if (f) {
        CHECK_STATUS(zp_decoder_open_stream(f, opt, &dec), ZP_ERR_LIMIT);
        fclose(f);
    }
    expect_small(&m, 4096, name);
}

/* With max_pixels 0 the header opens and tells its size, still without
 * pixel memory (decoders read headers only at open). */
static void expect_header_opens(const void *data, size_t size, int32_t w, int32_t h) {
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    opt.limits.max_pixels = 0;
    zp_decoder *dec = NULL;
    uint64_t before = zp__pixels_alloc_count();
    CHECK_OK(zp_decoder_open_memory(data, size, &opt, &dec));
    if (dec) {
        CHECK(zp_decoder_info(dec)->width == w && zp_decoder_info(dec)->height == h);
        zp_decoder_close(dec);
    }
    CHECK(zp__pixels_alloc_count() == before);
}

/* `data` declares w x h, under the default limit but over a limit of
 * w * h - 1: refused then; with the opt-out the decoder goes on, allocates
 * the image and reaches a different end (the data is short: truncated, or
 * decoded as far as it goes, as the damaged-file policy says). */
static void expect_limit_then_other(const void *data, size_t size, uint32_t w, uint32_t h,
                                    const char *name) {
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    opt.limits.max_pixels = (uint64_t)w * h - 1;
    expect_pixel_limit(data, size, &opt, name);
    opt.limits.max_pixels = (uint64_t)w * h; /* exactly the size: allowed */
    zp_decoder *dec = NULL;
    CHECK_OK(zp_decoder_open_memory(data, size, &opt, &dec));
    zp_decoder_close(dec);
    opt.limits.max_pixels = 0;
    zp_image img;
    uint64_t before = zp__pixels_alloc_count();
    zp_clear_error();
    zp_status st = zp_image_decode_memory(data, size, &opt, &img);
    printf("  %s with max_pixels 0: %s (%s)\n", name, zp_status_str(st), zp_last_error());
    CHECK(st != ZP_ERR_LIMIT);
    CHECK(st == ZP_OK || zp_last_error()[0] != '\0');
    CHECK(zp__pixels_alloc_count() == before + 1); /* the image was allocated this time */
    if (st == ZP_OK) {
        CHECK((uint32_t)img.view.width == w && (uint32_t)img.view.height == h);
        zp_image_release(&img);
    }
}

/* The CLI refuses `path` over the pixel limit, says which option lifts it,
 * and writes nothing; `zeropix info` reports the size (header only). */
static void expect_cli_pixel_limit(const char *path, const char *size_text) {
    const char *out = path_in("cli-out.png");
    unlink(out);
    expect_cli(cli("convert", path, out, NULL), 1, "max_pixels", path);
    expect_stderr("--max-pixels N or --no-limits allows it", path);
    CHECK(!exists(out));
    expect_cli(cli("info", path, NULL), 0, NULL, "info on a huge header");
    FILE *f = fopen(path_in("cli.stdout"), "r");
    char line[512] = "";
    if (f) {
        if (!fgets(line, sizeof line, f)) line[0] = '\0';
        fclose(f);
    }
    if (!has(line, size_text)) {
        fprintf(stderr, "zeropix info %s: '%s' lacks '%s'\n", path, line, size_text);
        zp_test_failures++;
    }
}

/* ---- limits.pixels_* ------------------------------------------------------------------ */

static void test_pixels_png(void) {
    bytes b = {0};
    /* 65535 x 65535 RGB (12 GiB of pixels) with a real IDAT of one row. */
    png_start(&b, 65535, 65535, 8, 2);
    png_idat_zero(&b, 65535u * 3, 1);
    png_end(&b);
    printf("  %zu-byte PNG declaring 65535 x 65535\n", b.n);
    expect_pixel_limit(b.p, b.n, NULL, "huge.png");
    CHECK_MSG("65535 x 65535");
    expect_header_opens(b.p, b.n, 65535, 65535);
    write_file(path_in("huge.png"), b.p, b.n);
    expect_cli_pixel_limit(path_in("huge.png"), "65535x65535");

    /* The largest PNG dimensions: 64-bit arithmetic, still a limit. */
    b.n = 0;
    png_start(&b, 0x7fffffff, 0x7fffffff, 16, 6);
    png_idat_zero(&b, 8, 1);
    png_end(&b);
    expect_pixel_limit(b.p, b.n, NULL, "max.png");
    expect_header_opens(b.p, b.n, 0x7fffffff, 0x7fffffff);

    /* Under the default, over a lower limit; the opt-out then decodes. */
    b.n = 0;
    png_start(&b, 3000, 2000, 8, 0);
    png_idat_zero(&b, 3000, 10); /* 10 of the 2000 rows */
    png_end(&b);
    expect_limit_then_other(b.p, b.n, 3000, 2000, "short.png");
    free(b.p);
}

static void test_pixels_jpeg(void) {
    size_t n;
    const struct { int comps, progressive; } kinds[] = {{3, 0}, {1, 0}, {3, 1}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        uint8_t *j = make_jpeg(16, 16, kinds[k].comps, kinds[k].progressive, NULL, 0, &n);
        /* libjpeg's own maximum side is 65500 (JPEG_MAX_DIMENSION). */
        printf("  %zu-byte JPEG (%d components, %s) declaring 65500 x 65000\n", n,
               kinds[k].comps, kinds[k].progressive ? "progressive" : "baseline");
        patch_jpeg_size(j, n, 65500, 65000);
        expect_pixel_limit(j, n, NULL, "huge.jpg");
        CHECK_MSG("65500 x 65000");
        expect_header_opens(j, n, 65500, 65000);
        if (k == 0) {
            write_file(path_in("huge.jpg"), j, n);
            expect_cli_pixel_limit(path_in("huge.jpg"), "65500x65000");
        }
        patch_jpeg_size(j, n, 3000, 2000);
        expect_limit_then_other(j, n, 3000, 2000, "short.jpg");
        free(j);
    }
}

static void test_pixels_pnm(void) {
    const char *huge[] = {"P6\n65535 65535\n255\n", "P5\n2147483647 2147483647\n65535\n",
                          "P6 # a comment\n100000\t100000 255 ", "P5\n16385 16384\n255\n"};
    for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++)
        expect_pixel_limit(huge[i], strlen(huge[i]), NULL, "huge.pnm");
    expect_header_opens(huge[1], strlen(huge[1]), 0x7fffffff, 0x7fffffff);
    /* 16384 x 16384 is exactly the default limit: opens. */
    const char *at_limit = "P5\n16384 16384\n255\n";
    zp_decoder *dec = NULL;
    CHECK_OK(zp_decoder_open_memory(at_limit, strlen(at_limit), NULL, &dec));
    zp_decoder_close(dec);
    write_file(path_in("huge.ppm"), huge[0], strlen(huge[0]));
    expect_cli_pixel_limit(path_in("huge.ppm"), "65535x65535");

    bytes b = {0};
    const char *hdr = "P6\n3000 2000\n255\n";
    put(&b, hdr, strlen(hdr));
    uint8_t row[9000] = {0};
    for (int y = 0; y < 10; y++) put(&b, row, sizeof row);
    expect_limit_then_other(b.p, b.n, 3000, 2000, "short.ppm");
    free(b.p);
}

/* ---- limits.jpeg_scans -------------------------------------------------------------- */

/* A valid progressive scan script of 11 successive-approximation scans per
 * band (Al 10 down to 0, the most libjpeg allows for 8-bit): the DC of all
 * components together, then every AC coefficient of every component on its
 * own. 3 components: 11 + 3 * 63 * 11 = 2090 scans. */
static int many_scans(jpeg_scan_info *s, int comps) {
    int n = 0;
    for (int al = 10; al >= 0; al--, n++) {
        s[n].comps_in_scan = comps;
        for (int c = 0; c < comps; c++) s[n].component_index[c] = c;
        s[n].Ss = s[n].Se = 0;
        s[n].Ah = al == 10 ? 0 : al + 1;
        s[n].Al = al;
    }
    for (int c = 0; c < comps; c++)
        for (int k = 1; k < 64; k++)
            for (int al = 10; al >= 0; al--, n++) {
                s[n].comps_in_scan = 1;
                s[n].component_index[0] = c;
                s[n].Ss = s[n].Se = k;
                s[n].Ah = al == 10 ? 0 : al + 1;
                s[n].Al = al;
            }
    return n;
}

/* Count the SOS markers of a JPEG. */
static int count_scans(const uint8_t *j, size_t n) {
    int scans = 0;
    for (size_t i = 0; i + 1 < n; i++)
        if (j[i] == 0xFF && j[i + 1] == 0xDA) scans++;
    return scans;
}

static void test_jpeg_scans(void) {
    static jpeg_scan_info script[11 + 3 * 63 * 11];
    int nscans = many_scans(script, 3);
    size_t n;
    double t0 = now_s();
    uint8_t *j = make_jpeg(256, 256, 3, 1, script, nscans, &n);
    printf("  %d-scan progressive JPEG 256 x 256: %zu bytes, made in %.2f s\n", nscans, n,
           now_s() - t0);
    CHECK(count_scans(j, n) == nscans);

    zp_image img;
    t0 = now_s();
    CHECK_STATUS(zp_image_decode_memory(j, n, NULL, &img), ZP_ERR_LIMIT);
    double refused = now_s() - t0;
    CHECK_MSG("more than 100 scans (max_jpeg_scans)");
    /* The header still opens: scans are counted while the pixels are read. */
    zp_decoder *dec = NULL;
    CHECK_OK(zp_decoder_open_memory(j, n, NULL, &dec));
    zp_decoder_close(dec);

    zp_decode_options opt;
    zp_decode_options_init(&opt);
    opt.limits.max_jpeg_scans = 0; /* the opt-out: every scan is decoded */
    t0 = now_s();
    CHECK_OK(zp_image_decode_memory(j, n, &opt, &img));
    double all = now_s() - t0;
    if (img.view.data) {
        CHECK(img.view.width == 256 && img.view.height == 256);
        zp_image_release(&img);
    }
    printf("  refused in %.3f s; all %d scans decode in %.3f s (%.0fx longer)\n", refused,
           nscans, all, refused > 0 ? all / refused : 0.0);
    /* Generous: the point is that the cost stops at the limit. */
    const double bound = ZP_SANITIZED ? 10.0 : 2.0;
    if (refused > bound) {
        fprintf(stderr, "refusing took %.3f s (bound %.1f s)\n", refused, bound);
        zp_test_failures++;
    }

    /* The limit counts exactly: N scans pass a limit of N, not of N - 1. */
    opt.limits.max_jpeg_scans = (uint32_t)nscans;
    CHECK_OK(zp_image_decode_memory(j, n, &opt, &img));
    zp_image_release(&img);
    opt.limits.max_jpeg_scans = (uint32_t)nscans - 1;
    CHECK_STATUS(zp_image_decode_memory(j, n, &opt, &img), ZP_ERR_LIMIT);
    /* A progressive file of libjpeg's usual 10 scans is far under it. */
    size_t pn;
    uint8_t *p = make_jpeg(64, 48, 3, 1, NULL, 0, &pn);
    printf("  a usual progressive file has %d scans\n", count_scans(p, pn));
    CHECK(count_scans(p, pn) < (int)ZP_DEFAULT_MAX_JPEG_SCANS);
    opt.limits.max_jpeg_scans = (uint32_t)count_scans(p, pn);
    CHECK_OK(zp_image_decode_memory(p, pn, &opt, &img));
    zp_image_release(&img);
    opt.limits.max_jpeg_scans = (uint32_t)count_scans(p, pn) - 1;
    CHECK_STATUS(zp_image_decode_memory(p, pn, &opt, &img), ZP_ERR_LIMIT);
    free(p);

    /* The command line: refused with the hint, --no-limits decodes it;
     * --max-pixels 0 lifts only the pixel limit. */
    const char *in = path_in("scans.jpg"), *out = path_in("scans.png");
    write_file(in, j, n);
    unlink(out);
    expect_cli(cli("convert", in, out, NULL), 1, "max_jpeg_scans", "many scans");
    expect_stderr("(--no-limits allows it)", "many scans");
    CHECK(!exists(out));
    expect_cli(cli("convert", "--max-pixels", "0", in, out, NULL), 1, "scans", "--max-pixels 0");
    CHECK(!exists(out));
    expect_cli(cli("convert", "--no-limits", in, out, NULL), 0, NULL, "--no-limits");
    CHECK(exists(out));
    free(j);
}

/* ---- limits.jpeg_icc_size --------------------------------------------------------- */

/* A JPEG ICC profile (APP2 chunks, reassembled by libjpeg) over
 * max_chunk_size fails the file with ZP_ERR_LIMIT (a PNG one is dropped
 * instead: png_bomb_iccp). A JPEG holds at most 255 x 65519 bytes of
 * profile (~16 MB), under the 64 MiB default: only a lower limit bites. */
static void test_jpeg_icc_size(void) {
    zp_view v;
    CHECK_OK(zp_view_alloc(32, 16, 3, ZP_U8, &v));
    for (int y = 0; y < 16; y++) memset(zp_view_pixel(&v, 0, y), y * 9, 96);
    static uint8_t icc[200000];
    for (size_t i = 0; i < sizeof icc; i++) icc[i] = (uint8_t)(i * 13);
    zp_metadata meta = {icc, sizeof icc, NULL, 0};
    zp_encode_options eo;
    zp_encode_options_init(&eo);
    eo.format = ZP_FORMAT_JPEG;
    void *j = NULL;
    size_t n = 0;
    CHECK_OK(zp_image_encode_memory(&v, &meta, &eo, &j, &n));
    zp_view_release(&v);
    if (!j) return;
    zp_image img;
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    opt.limits.max_chunk_size = sizeof icc - 1;
    zp_decoder *dec = NULL;
    CHECK_STATUS(zp_decoder_open_memory(j, n, &opt, &dec), ZP_ERR_LIMIT); /* at open */
    CHECK_MSG("ICC profile of 200000 bytes is over the limit of 199999 (max_chunk_size)");
    opt.limits.max_chunk_size = sizeof icc;
    CHECK_OK(zp_image_decode_memory(j, n, &opt, &img));
    CHECK(img.meta.icc_size == sizeof icc && !memcmp(img.meta.icc, icc, sizeof icc));
    zp_image_release(&img);
    opt.limits.max_chunk_size = 0;
    CHECK_OK(zp_image_decode_memory(j, n, &opt, &img));
    CHECK(img.meta.icc_size == sizeof icc);
    zp_image_release(&img);
    /* read_metadata 0 does not lift it: the profile is still reassembled */
    opt.limits.max_chunk_size = 1000;
    opt.read_metadata = 0;
    CHECK_STATUS(zp_image_decode_memory(j, n, &opt, &img), ZP_ERR_LIMIT);
    /* the default takes it */
    CHECK_OK(zp_image_decode_memory(j, n, NULL, &img));
    zp_image_release(&img);
    zp_free(j);
}

/* ---- limits.png_chunk_size -------------------------------------------------------- */

static void test_png_chunk_size(void) {
    zp_image img;
    zp_decode_options opt;
    const char *types[] = {"tEXt", "zTXt", "iCCP", "eXIf", "prVt"};
    /* A 100 MB chunk declared by a few bytes, before and after IDAT: refused
     * from its header, never read or allocated. */
    for (size_t t = 0; t < sizeof types / sizeof types[0]; t++)
        for (int after = 0; after < 2; after++) {
            bytes decl = {0}, b = {0};
            png_chunk_header(&decl, types[t], 100000000);
            if (after) {
                uint8_t *px = noise(8, 8, 3, 5);
                png_start(&b, 8, 8, 8, 2);
                png_idat_pixels(&b, px, 8, 8, 3);
                put(&b, decl.p, decl.n);
                free(px);
            } else {
                png_start(&b, 8, 8, 8, 2);
                put(&b, decl.p, decl.n);
            }
            mem_mark m;
            mem_begin(&m);
            m.pixel_allocs += (uint64_t)after; /* after IDAT the image is allocated first */
            CHECK_STATUS(zp_image_decode_memory(b.p, b.n, NULL, &img), ZP_ERR_LIMIT);
            CHECK_MSG("chunk of 100000000 bytes is over the limit of 67108864 bytes (max_chunk_size)");
            CHECK_MSG(types[t]);
            expect_small(&m, 4096, types[t]);
            /* The opt-out reads on: the chunk is not there, so truncated. */
            zp_decode_options_init(&opt);
            opt.limits.max_chunk_size = 0;
            zp_clear_error();
            zp_status st = zp_image_decode_memory(b.p, b.n, &opt, &img);
            CHECK(st != ZP_ERR_LIMIT && (st == ZP_OK || zp_last_error()[0]));
            if (!st) zp_image_release(&img);
            if (t == 0 && !after) {
                write_file(path_in("bigchunk.png"), b.p, b.n);
                const char *out = path_in("bigchunk-out.png");
                unlink(out);
                expect_cli(cli("convert", path_in("bigchunk.png"), out, NULL), 1,
                           "max_chunk_size", "big chunk");
                expect_stderr("(--no-limits allows it)", "big chunk");
                int rc = cli("convert", "--no-limits", path_in("bigchunk.png"), out, NULL);
                CHECK(rc == 1 && !has(cli_err, "max_chunk_size"));
                CHECK(!exists(out));
            }
            free(decl.p);
            free(b.p);
        }

    /* A real 5000-byte tEXt: the limit is exact, on the stored length. */
    {
        uint8_t text[5000];
        memset(text, 'a', sizeof text);
        memcpy(text, "Comment", 8);
        bytes mid = {0}, b = {0};
        png_chunk(&mid, "tEXt", text, sizeof text);
        small_png(&b, &mid, NULL);
        zp_decode_options_init(&opt);
        opt.limits.max_chunk_size = 4999;
        CHECK_STATUS(zp_image_decode_memory(b.p, b.n, &opt, &img), ZP_ERR_LIMIT);
        CHECK_MSG("tEXt chunk of 5000 bytes");
        opt.limits.max_chunk_size = 5000;
        CHECK_OK(zp_image_decode_memory(b.p, b.n, &opt, &img));
        zp_image_release(&img);
        free(mid.p);
        free(b.p);
    }
    /* IDAT is exempt: its size is bounded by the image (max_pixels). */
    {
        uint8_t *px = noise(100, 100, 3, 9);
        bytes b = {0};
        png_start(&b, 100, 100, 8, 2);
        png_idat_pixels(&b, px, 100, 100, 3);
        png_end(&b);
        zp_decode_options_init(&opt);
        opt.limits.max_chunk_size = 1000; /* the IDAT is ~30 KB */
        CHECK_OK(zp_image_decode_memory(b.p, b.n, &opt, &img));
        if (img.view.data)
            CHECK(!memcmp(zp_view_pixel(&img.view, 0, 99), px + 99 * 300, 300));
        zp_image_release(&img);
        free(px);
        free(b.p);
    }
    /* A length over 2^31 - 1 is not a PNG: corrupt, not a limit. */
    {
        bytes decl = {0}, b = {0};
        png_chunk_header(&decl, "tEXt", 0x80000000u);
        small_png(&b, &decl, NULL);
        zp_decode_options_init(&opt);
        opt.limits.max_chunk_size = 0;
        zp_status st = zp_image_decode_memory(b.p, b.n, &opt, &img);
        CHECK(st == ZP_ERR_CORRUPT);
        free(decl.p);
        free(b.p);
    }
}

/* ---- limits.png_chunk_count --------------------------------------------------------- */

/* 20000 tEXt chunks of 1500 bytes (30 MB of text), half before the image
 * data, half after. libpng keeps at most the chunk cache (1000, set by
 * png_decode.c) and skips the rest with a warning; zeropix keeps no text.
 * The decode succeeds, and memory stays far under the 30 MB. */
static void test_png_chunk_count(void) {
    uint8_t text[1500];
    memset(text, 'x', sizeof text);
    memcpy(text, "Comment", 8);
    bytes one = {0}, mid = {0}, tail = {0}, b = {0};
    png_chunk(&one, "tEXt", text, sizeof text);
    for (int i = 0; i < 10000; i++) {
        put(&mid, one.p, one.n);
        put(&tail, one.p, one.n);
    }
    small_png(&b, &mid, &tail);
    printf("  %zu-byte PNG with 20000 tEXt chunks\n", b.n);
    zp_image img;
    mem_mark m;
    mem_begin(&m);
    double t0 = now_s();
    CHECK_OK(zp_image_decode_memory(b.p, b.n, NULL, &img));
    double took = now_s() - t0;
    m.pixel_allocs++; /* the 8 x 8 image */
    expect_small(&m, 8192, "20000 tEXt chunks");
    printf("  decoded in %.3f s\n", took);
    CHECK(took < (ZP_SANITIZED ? 20.0 : 5.0));
    if (img.view.data) CHECK(img.view.width == 8 && img.view.height == 8);
    zp_image_release(&img);
    /* --no-limits does not lift the chunk cache (it is fixed). */
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    opt.limits.max_chunk_size = 0;
    opt.limits.max_pixels = 0;
    mem_begin(&m);
    CHECK_OK(zp_image_decode_memory(b.p, b.n, &opt, &img));
    m.pixel_allocs++;
    expect_small(&m, 8192, "20000 tEXt chunks, no limits");
    zp_image_release(&img);
    free(one.p);
    free(mid.p);
    free(tail.p);
    free(b.p);
}

/* ---- limits.png_bomb_* --------------------------------------------------------------- */

/* A zTXt (or compressed iTXt) chunk whose text inflates to `n` bytes of 'A'. */
static void ztxt_chunk(bytes *b, uint64_t n, int itxt) {
    bytes z = {0};
    if (itxt) put(&z, "Comment\0\1\0\0\0", 12); /* keyword, compressed, method, lang, key */
    else put(&z, "Comment\0\0", 9);             /* keyword, method */
    zlib_stream(&z, NULL, 0, n, 'A');
    png_chunk(b, itxt ? "iTXt" : "zTXt", z.p, (uint32_t)z.n);
    free(z.p);
}

/* One zTXt of 128 MiB: over max_chunk_size once inflated, though its
 * stored chunk (~130 KB) is far under it. libpng is told the limit
 * (png_set_chunk_malloc_max) and drops the chunk without allocating it;
 * the pixels decode. Lifted, the text is inflated and held in full. */
static void test_png_bomb_ztxt(void) {
    const uint64_t big = (uint64_t)128 << 20;
    for (int itxt = 0; itxt < 2; itxt++) {
        bytes mid = {0}, b = {0};
        ztxt_chunk(&mid, big, itxt);
        small_png(&b, &mid, NULL);
        printf("  %s bomb: %zu bytes inflating to %llu (%.0f:1)\n", itxt ? "iTXt" : "zTXt", b.n,
               (unsigned long long)big, (double)big / (double)b.n);
        zp_image img;
        zp_decode_options opt;
        mem_mark m;
        for (int lim = 0; lim < 2; lim++) {
            zp_decode_options_init(&opt);
            if (lim) opt.limits.max_chunk_size = 1 << 20;
            mem_begin(&m);
            double t0 = now_s();
            CHECK_OK(zp_image_decode_memory(b.p, b.n, &opt, &img));
            m.pixel_allocs++;
            expect_small(&m, 8192, lim ? "bomb, max_chunk_size 1 MiB" : "bomb, default limits");
            printf("  decoded in %.3f s\n", now_s() - t0);
            zp_image_release(&img);
        }
        /* Even with the opt-out nothing is inflated: zeropix never uses PNG
         * text and tells libpng to skip text chunks unread. */
        zp_decode_options_init(&opt);
        opt.limits.max_chunk_size = 0;
        mem_begin(&m);
        CHECK_OK(zp_image_decode_memory(b.p, b.n, &opt, &img));
        long grew = mem_peak_growth_kb(&m);
        printf("  no limit: peak RSS +%ld kB\n", grew);
        CHECK(grew < 8 * 1024);
        zp_image_release(&img);
        free(mid.p);
        free(b.p);
    }
}

/* max_chunk_size bounds each chunk, not their sum: many compressed text
 * chunks, each under the limit, could add up (8 of 16 MiB in a ~270 KB
 * file; 1000 of 64 MiB would ask 64 GiB). zeropix has no use for PNG text
 * and has libpng skip it unread, so the peak stays at most one chunk in
 * flight. (Found by this test; fixed in src/codec/png_decode.c.) */
static void test_png_bomb_text_total(void) {
    const uint64_t each = (uint64_t)16 << 20;
    const int count = 8;
    bytes mid = {0}, b = {0};
    for (int i = 0; i < count; i++) ztxt_chunk(&mid, each, i & 1);
    small_png(&b, &mid, NULL);
    printf("  %zu-byte PNG: %d compressed text chunks of %llu bytes each (all under "
           "max_chunk_size)\n", b.n, count, (unsigned long long)each);
    zp_image img;
    mem_mark m;
    mem_begin(&m);
    CHECK_OK(zp_image_decode_memory(b.p, b.n, NULL, &img));
    long grew = mem_peak_growth_kb(&m);
    long bound = (long)(2 * each / 1024) + 16 * 1024;
    printf("  peak RSS +%ld kB (bound %ld kB; %llu kB if every text is kept)\n", grew, bound,
           (unsigned long long)(count * each / 1024));
    if (grew > bound) {
        fprintf(stderr, "a %zu-byte PNG made the decoder hold %ld kB of text "
                "(src/codec/png_decode.c must skip zTXt/iTXt)\n", b.n, grew);
        zp_test_failures++;
    }
    zp_image_release(&img);
    free(mid.p);
    free(b.p);
}

/* An iCCP whose header declares a 128 MiB profile (zeros after a valid
 * 132-byte header, no tags). libpng checks the declared length against
 * max_chunk_size before inflating and drops the profile; the pixels decode
 * without it. Lifted, the profile is inflated and kept whole. */
static void test_png_bomb_iccp(void) {
    const uint32_t big = 128u << 20;
    uint8_t hdr[132] = {0};
    hdr[0] = (uint8_t)(big >> 24), hdr[1] = (uint8_t)(big >> 16);
    hdr[2] = (uint8_t)(big >> 8), hdr[3] = (uint8_t)big;
    hdr[8] = 2, hdr[9] = 0x10;                 /* version 2.1             */
    memcpy(hdr + 12, "mntr", 4);               /* device class            */
    memcpy(hdr + 16, "RGB ", 4);               /* data colour space       */
    memcpy(hdr + 20, "XYZ ", 4);               /* profile connection space */
    memcpy(hdr + 36, "acsp", 4);               /* signature               */
    const uint8_t d50[12] = {0, 0, 0xf6, 0xd6, 0, 1, 0, 0, 0, 0, 0xd3, 0x2d};
    memcpy(hdr + 68, d50, 12);                 /* PCS illuminant          */
    bytes z = {0}, mid = {0}, b = {0};
    put(&z, "bomb\0\0", 6);
    zlib_stream(&z, hdr, sizeof hdr, big - sizeof hdr, 0);
    png_chunk(&mid, "iCCP", z.p, (uint32_t)z.n);
    small_png(&b, &mid, NULL);
    printf("  %zu-byte PNG with an iCCP inflating to %u bytes\n", b.n, big);
    zp_image img;
    mem_mark m;
    mem_begin(&m);
    CHECK_OK(zp_image_decode_memory(b.p, b.n, NULL, &img));
    m.pixel_allocs++;
    expect_small(&m, 8192, "iCCP bomb, default limits");
    CHECK(img.meta.icc == NULL && img.info.icc_size == 0); /* dropped */
    zp_image_release(&img);
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    opt.limits.max_chunk_size = 0;
    mem_begin(&m);
    CHECK_OK(zp_image_decode_memory(b.p, b.n, &opt, &img));
    long grew = mem_peak_growth_kb(&m);
    printf("  no limit: icc_size %llu, peak RSS +%ld kB\n", (unsigned long long)img.info.icc_size,
           grew);
    CHECK(img.info.icc_size == big && img.meta.icc_size == big);
    CHECK(grew > 100 * 1024);
    zp_image_release(&img);
    free(z.p);
    free(mid.p);
    free(b.p);
}

/* The image data itself. Deflate cannot expand more than about 1032:1, so
 * a stream of N bytes holds at most ~1032 N bytes of rows: what bounds the
 * memory is the image size the header declares, that is max_pixels. */
static void test_png_bomb_idat(void) {
    zp_image img;
    /* 20000 x 20000 gray, all rows present: 400 MB of pixels in ~390 KB. */
    bytes b = {0};
    png_start(&b, 20000, 20000, 8, 0);
    png_idat_zero(&b, 20000, 20000);
    png_end(&b);
    const double ratio = 20001.0 * 20000.0 / (double)b.n;
    printf("  20000 x 20000 gray: %zu bytes, %.0f:1\n", b.n, ratio);
    CHECK(ratio < 1040.0); /* deflate's own bound */
    expect_pixel_limit(b.p, b.n, NULL, "idat-bomb.png");

    /* Within the limit the expansion is exactly the declared image. */
    b.n = 0;
    png_start(&b, 6000, 5000, 8, 0);
    png_idat_zero(&b, 6000, 5000);
    png_end(&b);
    printf("  6000 x 5000 gray: %zu bytes\n", b.n);
    mem_mark m;
    mem_begin(&m);
    CHECK_OK(zp_image_decode_memory(b.p, b.n, NULL, &img));
    long grew = mem_peak_growth_kb(&m);
    printf("  decoded: peak RSS +%ld kB for %d kB of pixels\n", grew, 6000 * 5000 / 1024);
    CHECK(grew < 6000 * 5000 / 1024 + 16 * 1024);
    if (img.view.data)
        CHECK(*(uint8_t *)zp_view_pixel(&img.view, 5999, 4999) == 0);
    zp_image_release(&img);
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    opt.limits.max_pixels = 6000 * 5000 - 1;
    expect_pixel_limit(b.p, b.n, &opt, "idat-6000.png");
    free(b.p);
}

/* ---- limits.operations --------------------------------------------------------------- */

static zp_view test_image(int w, int h, int ch, zp_dtype dt, uint32_t seed) {
    zp_view v;
    if (zp_view_alloc(w, h, ch, dt, &v)) exit(1);
    for (int y = 0; y < h; y++) {
        uint8_t *row = zp_view_pixel(&v, 0, y);
        for (size_t i = 0; i < (size_t)w * (size_t)ch * zp_dtype_size(dt); i++)
            row[i] = (uint8_t)zp_test_rand(&seed);
    }
    if (dt == ZP_F32)
        for (int y = 0; y < h; y++)
            for (int i = 0; i < w * ch; i++)
                ((float *)zp_view_pixel(&v, 0, y))[i] = (float)(zp_test_rand(&seed) % 1000) / 999.0f;
    return v;
}

static int same_u8(const zp_view *a, const zp_view *b) {
    if (a->width != b->width || a->height != b->height || a->channels != b->channels) return 0;
    for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width; x++)
            for (int c = 0; c < a->channels; c++)
                if (*ZP_SAMPLE(uint8_t, a, x, y, c) != *ZP_SAMPLE(uint8_t, b, x, y, c)) return 0;
    return 1;
}

/* A chain of `count` copies of `op`, space-separated. malloc'd. */
static char *chain_of(const char *op, int count) {
    size_t len = strlen(op) + 1;
    char *s = malloc(len * (size_t)count + 1);
    s[0] = '\0';
    for (int i = 0; i < count; i++) {
        memcpy(s + len * (size_t)i, op, len - 1);
        s[len * (size_t)i + len - 1] = ' ';
    }
    s[count ? len * (size_t)count - 1 : 0] = '\0';
    return s;
}

static void test_operations(void) {
    zp_registry *reg;
    CHECK_OK(zp_registry_new(NULL, NULL, &reg));
    zp_pipeline *p = (zp_pipeline *)reg;
    char *s;
    /* One string: the limit holds for parse_string too. */
    s = chain_of("flip:x", ZP_MAX_OPERATIONS + 1);
    CHECK_STATUS(zp_pipeline_parse_string(reg, s, &p), ZP_ERR_LIMIT);
    CHECK(p == NULL);
    CHECK_MSG("257 operations, over the limit of 256");
    free(s);
    /* A megabyte of operations: refused at once, nothing parsed. */
    s = chain_of("blur:sigma=2", 80000);
    mem_mark m;
    mem_begin(&m);
    double t0 = now_s();
    CHECK_STATUS(zp_pipeline_parse_string(reg, s, &p), ZP_ERR_LIMIT);
    printf("  80000 operations refused in %.4f s\n", now_s() - t0);
    CHECK(now_s() - t0 < 1.0);
    expect_small(&m, 8192, "80000 operations");
    free(s);
    const char *many[ZP_MAX_OPERATIONS + 1];
    for (int i = 0; i <= ZP_MAX_OPERATIONS; i++) many[i] = "blurr"; /* never looked at */
    CHECK_STATUS(zp_pipeline_parse(reg, ZP_MAX_OPERATIONS + 1, many, &p), ZP_ERR_LIMIT);

    /* Exactly the limit parses and runs: 256 flips (views, no pixel work)
     * and 256 inverts (in place, one buffer) give the input back. */
    zp_view in = test_image(61, 47, 3, ZP_U8, 3), out;
    const char *ops[] = {"flip:x", "invert", "rotate:180"};
    for (size_t k = 0; k < 3; k++) {
        s = chain_of(ops[k], ZP_MAX_OPERATIONS);
        CHECK_OK(zp_pipeline_parse_string(reg, s, &p));
        free(s);
        if (!p) continue;
        CHECK(zp_pipeline_length(p) == ZP_MAX_OPERATIONS);
        uint64_t before = zp__pixels_alloc_count();
        CHECK_OK(zp_pipeline_run(p, &in, NULL, &out));
        CHECK(zp__pixels_alloc_count() - before <= 1);
        CHECK(same_u8(&in, &out));
        zp_view_release(&out);
        zp_pipeline_free(p);
    }
    zp_view_release(&in);
    zp_registry_free(reg);

    /* The command line: 257 operations are a usage error, even with
     * --no-limits (the chain limit is fixed); 256 run. */
    uint8_t px[10 * 8 * 3] = {0};
    const char *in_path = path_in("ops.png"), *out_path = path_in("ops-out.png");
    write_rgb_png(in_path, px, 10, 8);
    const char *args[ZP_MAX_OPERATIONS + 8];
    for (int no_limits = 0; no_limits < 2; no_limits++) {
        int argc = 0;
        args[argc++] = "convert";
        if (no_limits) args[argc++] = "--no-limits";
        args[argc++] = in_path;
        args[argc++] = out_path;
        for (int i = 0; i <= ZP_MAX_OPERATIONS; i++) args[argc++] = "flip:x";
        args[argc] = NULL;
        unlink(out_path);
        expect_cli(cli_argv(args), 2, "zeropix convert: 257 operations, over the limit of 256",
                   "257 operations");
        CHECK(!exists(out_path));
        /* one fewer */
        args[argc - 1] = NULL;
        CHECK(cli_argv(args) == 0);
        CHECK(exists(out_path));
    }
}

/* ---- limits.resize_output and limits.stage_output ------------------------------- */

/* Run `chain` on `in` with max_pixels `limit` (0 = none); status, and the
 * output in *out when it succeeds. */
static zp_status run_chain(zp_registry *reg, const char *chain, const zp_view *in, uint64_t limit,
                           int null_options, zp_view *out) {
    zp_pipeline *p = NULL;
    zp_status st = zp_pipeline_parse_string(reg, chain, &p);
    if (st) {
        fprintf(stderr, "parse '%s': %s\n", chain, zp_last_error());
        zp_test_failures++;
        return st;
    }
    zp_run_options opt;
    zp_run_options_init(&opt);
    opt.threads = 2;
    opt.max_pixels = limit;
    zp_clear_error();
    st = zp_pipeline_run(p, in, null_options ? NULL : &opt, out);
    zp_pipeline_free(p);
    return st;
}

/* `chain` is refused with ZP_ERR_LIMIT at plan time: the message names the
 * operation and max_pixels, no pixel memory is taken, RSS stays flat. */
static void expect_run_limit(zp_registry *reg, const char *chain, const zp_view *in, uint64_t limit,
                             int null_options, const char *op, int earlier_buffers) {
    zp_view out;
    mem_mark m;
    mem_begin(&m);
    m.pixel_allocs += (uint64_t)earlier_buffers; /* pixel stages before the refused one */
    double t0 = now_s();
    CHECK_STATUS(run_chain(reg, chain, in, limit, null_options, &out), ZP_ERR_LIMIT);
    CHECK(now_s() - t0 < 1.0);
    CHECK_MSG(op);
    CHECK_MSG("max_pixels");
    expect_small(&m, 4096, chain);
}

static void expect_run_size(zp_registry *reg, const char *chain, const zp_view *in, uint64_t limit,
                            int w, int h) {
    zp_view out = {0};
    CHECK_OK(run_chain(reg, chain, in, limit, 0, &out));
    if (out.data) {
        CHECK(out.width == w && out.height == h);
        zp_view_release(&out);
    }
}

static void test_resize_output(void) {
    zp_registry *reg;
    CHECK_OK(zp_registry_new(NULL, NULL, &reg));
    zp_view in = test_image(50, 40, 3, ZP_U8, 8);
    /* The default limit (256 MP), with the options pointer NULL and set. */
    expect_run_limit(reg, "resize:width=65535,height=65535", &in, 0, 1, "operation 1 'resize'", 0);
    expect_run_limit(reg, "resize:width=65535,height=65535", &in, ZP_DEFAULT_MAX_PIXELS, 0,
                     "operation 1 'resize'", 0);
    expect_run_limit(reg, "flip:y thumbnail:60000,60000,upscale=1", &in, ZP_DEFAULT_MAX_PIXELS, 0,
                     "operation 2 'thumbnail'", 0);
    expect_run_limit(reg, "resize:scale=500 blur", &in, ZP_DEFAULT_MAX_PIXELS, 0,
                     "operation 1 'resize'", 0);
    /* Exact: 100 x 100 passes 10000 and fails 9999, for either filter. */
    expect_run_size(reg, "resize:100,100", &in, 10000, 100, 100);
    expect_run_limit(reg, "resize:100,100", &in, 9999, 0, "operation 1 'resize'", 0);
    expect_run_size(reg, "thumbnail:125,100,upscale=yes", &in, 12500, 125, 100);
    expect_run_limit(reg, "thumbnail:125,100,upscale=yes", &in, 12499, 0, "'thumbnail'", 0);
    /* A chain that shrinks first, then grows: every stage is checked. */
    expect_run_limit(reg, "resize:10 resize:scale=20 resize:10", &in, 10000, 0,
                     "operation 2 'resize'", 1);
    /* The opt-out: 0 lets them through. */
    expect_run_size(reg, "resize:scale=40", &in, 0, 2000, 1600);
    expect_run_size(reg, "thumbnail:2000,2000,upscale=1", &in, 0, 2000, 1600);
    expect_run_size(reg, "resize:10 resize:scale=20 resize:10", &in, 0, 10, 8);
    zp_view_release(&in);
    zp_registry_free(reg);

    /* The command line: --max-pixels limits the stages too; --no-limits
     * and --max-pixels 0 lift it. */
    uint8_t *px = noise(100, 80, 3, 4);
    const char *in_path = path_in("small.png"), *out = path_in("resized.png");
    write_rgb_png(in_path, px, 100, 80);
    free(px);
    unlink(out);
    expect_cli(cli("convert", "--max-pixels", "100000", in_path, out, "resize:scale=10", NULL), 1,
               "operation 1 'resize': scale: the output would be 1000 x 800", "--max-pixels resize");
    expect_stderr("max_pixels", "--max-pixels resize");
    CHECK(!exists(out));
    expect_cli(cli("convert", in_path, out, "resize:65535,65535", NULL), 1,
               "operation 1 'resize'", "default limit, resize");
    CHECK(!exists(out));
    expect_cli(cli("convert", "--max-pixels", "800000", in_path, out, "resize:scale=10", NULL), 0,
               NULL, "--max-pixels exact");
    CHECK(exists(out));
    unlink(out);
    expect_cli(cli("convert", "--no-limits", in_path, out, "resize:scale=10", NULL), 0, NULL,
               "--no-limits resize");
    CHECK(exists(out));
    unlink(out);
    expect_cli(cli("convert", "--max-pixels", "0", in_path, out, "thumbnail:1000,1000,upscale=1",
                   NULL), 0, NULL, "--max-pixels 0 thumbnail");
    CHECK(exists(out));
}

/* A plugin filter that plans big outputs without looking at max_pixels:
 * the executor's own check refuses them before any buffer is taken. */
static void test_stage_output(void) {
    zp_registry *reg;
    CHECK_OK(zp_registry_new(NULL, NULL, &reg));
    CHECK_OK(zp_registry_load_plugin(reg, plugin_path));
    CHECK(zp_registry_find(reg, "tl_grow") != NULL);
    zp_view in = test_image(20, 10, 3, ZP_U8, 2);
    expect_run_limit(reg, "tl_grow:width=1100,height=1000", &in, 1000000, 0,
                     "operation 1 'tl_grow': the output would be 1100 x 1000 = 1100000 pixels, "
                     "over the limit of 1000000 (max_pixels)", 0);
    expect_run_limit(reg, "flip:x tl_grow:width=20000,height=20000", &in, 0, 1,
                     "operation 2 'tl_grow'", 0);
    expect_run_size(reg, "tl_grow:width=1000,height=1000", &in, 1000000, 1000, 1000);
    expect_run_size(reg, "tl_grow:width=1100,height=1000", &in, 0, 1100, 1000);
    zp_view_release(&in);
    zp_registry_free(reg);

    /* And through the command line with --plugin. */
    uint8_t px[8 * 8 * 3] = {0};
    const char *in_path = path_in("tiny.png"), *out_path = path_in("grown.png");
    write_rgb_png(in_path, px, 8, 8);
    unlink(out_path);
    expect_cli(cli("convert", "--plugin", plugin_path, in_path, out_path,
                   "tl_grow:width=20000,height=20000", NULL), 1,
               "operation 1 'tl_grow': the output would be 20000 x 20000 = 400000000 pixels", "plugin");
    CHECK(!exists(out_path));
    expect_cli(cli("convert", "--plugin", plugin_path, "--max-pixels", "5000", in_path, out_path,
                   "tl_grow:width=100,height=51", NULL), 1, "max_pixels", "plugin, --max-pixels");
    expect_cli(cli("convert", "--plugin", plugin_path, "--max-pixels", "5000", in_path, out_path,
                   "tl_grow:width=100,height=50", NULL), 0, NULL, "plugin, exact");
    CHECK(exists(out_path));
}

/* ---- limits.stage_overflow ------------------------------------------------------------ */

/* Fill a stretch of the stack below this frame with 0xA5, so that a later
 * call whose frame lands there sees that, not zeros, in anything it forgets
 * to initialise. */
static __attribute__((noinline)) void poison_stack(void) {
    volatile unsigned char junk[64 * 1024];
    memset((void *)junk, 0xA5, sizeof junk);
    __asm__ __volatile__("" : : "r"(junk) : "memory");
}

/* With max_pixels 0 (the opt-out, --no-limits) a stage whose output cannot
 * be allocated (its byte size overflows, or zp_view_alloc fails with
 * ZP_ERR_NOMEM) must fail with that status and release nothing it did not
 * make. (Found by this test: the executor released an uninitialised view;
 * fixed in src/pipeline/execute.c.) The stack is poisoned first, so that an
 * uninitialised view would hold garbage, and the case runs in a child
 * process so that a crash is reported here. Right: ZP_ERR_OVERFLOW,
 * "operation 1 'tl_grow'", no allocation. */
static void test_stage_overflow(void) {
    zp_registry *reg;
    CHECK_OK(zp_registry_new(NULL, NULL, &reg));
    CHECK_OK(zp_registry_load_plugin(reg, plugin_path));
    zp_view in4 = test_image(4, 4, 4, ZP_F32, 3);
    zp_pipeline *p = NULL;
    CHECK_OK(zp_pipeline_parse_string(reg, "tl_grow:width=2147483647,height=2147483647", &p));
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        zp_run_options opt;
        zp_run_options_init(&opt);
        opt.max_pixels = 0;
        zp_view out;
        uint64_t before = zp__pixels_alloc_count();
        poison_stack();
        zp_status st = zp_pipeline_run(p, &in4, &opt, &out);
        int ok = st == ZP_ERR_OVERFLOW && has(zp_last_error(), "operation 1 'tl_grow'") &&
                 zp__pixels_alloc_count() == before;
        if (!ok) fprintf(stderr, "status %s, message '%s'\n", zp_status_str(st), zp_last_error());
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "a stage whose output size overflows %s (zp_pipeline_run "
                "releases an uninitialised view, src/pipeline/execute.c)\n",
                WIFSIGNALED(status) ? "crashed the process" : "was not refused cleanly");
        if (WIFSIGNALED(status)) fprintf(stderr, "  child killed by signal %d\n", WTERMSIG(status));
        zp_test_failures++;
    }
    zp_pipeline_free(p);
    zp_view_release(&in4);
    zp_registry_free(reg);
}

/* ---- limits.cli_options --------------------------------------------------------------- */

/* --max-pixels N and --no-limits end to end, on files made here. */
static void test_cli_options(void) {
    uint8_t *px = noise(100, 80, 3, 6);
    const char *png = path_in("in.png"), *out = path_in("out.ppm");
    write_rgb_png(png, px, 100, 80);
    free(px);
    size_t jn;
    uint8_t *j = make_jpeg(100, 80, 3, 0, NULL, 0, &jn);
    const char *jpg = path_in("in.jpg");
    write_file(jpg, j, jn);
    free(j);
    const char *ppm = path_in("in.ppm");
    {
        bytes p = {0};
        const char *h = "P6\n100 80\n255\n";
        put(&p, h, strlen(h));
        uint8_t *n = noise(100, 80, 3, 7);
        put(&p, n, 100 * 80 * 3);
        write_file(ppm, p.p, p.n);
        free(n);
        free(p.p);
    }
    const char *inputs[] = {png, jpg, ppm};
    for (int i = 0; i < 3; i++) {
        unlink(out);
        expect_cli(cli("convert", "--max-pixels", "7999", inputs[i], out, NULL), 1,
                   "100 x 80 = 8000 pixels, over the limit of 7999 pixels (max_pixels)", inputs[i]);
        expect_stderr("(--max-pixels N or --no-limits allows it)", inputs[i]);
        CHECK(!exists(out));
        expect_cli(cli("convert", "--max-pixels", "8000", inputs[i], out, NULL), 0, NULL, inputs[i]);
        CHECK(exists(out));
        unlink(out);
        expect_cli(cli("convert", "--max-pixels=1", "--no-limits", inputs[i], out, NULL), 0, NULL,
                   "--no-limits after --max-pixels");
        CHECK(exists(out));
        unlink(out);
        /* from stdin: the same limit */
        int fd = open(inputs[i], O_RDONLY);
        int saved = dup(0);
        dup2(fd, 0);
        int rc = cli("convert", "--max-pixels", "7999", "-", out, NULL);
        dup2(saved, 0);
        close(saved);
        close(fd);
        expect_cli(rc, 1, "zeropix: <stdin>: ", "stdin over the limit");
        expect_stderr("max_pixels", "stdin over the limit");
        CHECK(!exists(out));
    }
    /* The last option wins; --no-limits wins over any --max-pixels. */
    expect_cli(cli("convert", "--max-pixels", "1", "--max-pixels", "8000", png, out, NULL), 0,
               NULL, "last --max-pixels wins");
    unlink(out);
    expect_cli(cli("convert", "--no-limits", "--max-pixels", "1", png, out, NULL), 0, NULL,
               "--no-limits before --max-pixels");
    unlink(out);
    /* --max-pixels limits what the operations make, after the input. */
    expect_cli(cli("convert", "--max-pixels", "8000", png, out, "rotate:90", "crop:0,0,80,100",
                   "resize:scale=1.01", NULL), 1, "operation 3 'resize'", "stage limit");
    CHECK(!exists(out));
    /* Values: any u64, 0 = none; junk is a usage error before reading. */
    expect_cli(cli("convert", "--max-pixels", "18446744073709551615", png, out, NULL), 0, NULL,
               "--max-pixels UINT64_MAX");
    unlink(out);
    expect_cli(cli("convert", "--max-pixels", "1e9", png, out, NULL), 2,
               "--max-pixels must be a whole number >= 0, got '1e9'", "--max-pixels 1e9");
    expect_cli(cli("convert", "--max-pixels", "", png, out, NULL), 2, "--max-pixels", "empty");
    expect_cli(cli("convert", "--max-pixels", " 5", png, out, NULL), 2, "--max-pixels", "space");
    CHECK(!exists(out));
    /* The help documents both. */
    expect_cli(cli("convert", "--help", NULL), 0, NULL, "help");
    char help[8192];
    zp_test_read_text(path_in("cli.stdout"), help, sizeof help);
    CHECK(has(help, "--max-pixels N") && has(help, "--no-limits") && has(help, "268435456"));
}

/* ---- main ---------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    static const struct { const char *name; void (*fn)(void); } tests[] = {
        {"pixels_png", test_pixels_png},
        {"pixels_jpeg", test_pixels_jpeg},
        {"pixels_pnm", test_pixels_pnm},
        {"jpeg_scans", test_jpeg_scans},
        {"jpeg_icc_size", test_jpeg_icc_size},
        {"png_chunk_size", test_png_chunk_size},
        {"png_chunk_count", test_png_chunk_count},
        {"png_bomb_ztxt", test_png_bomb_ztxt},
        {"png_bomb_text_total", test_png_bomb_text_total},
        {"png_bomb_iccp", test_png_bomb_iccp},
        {"png_bomb_idat", test_png_bomb_idat},
        {"operations", test_operations},
        {"resize_output", test_resize_output},
        {"stage_output", test_stage_output},
        {"stage_overflow", test_stage_overflow},
        {"cli_options", test_cli_options},
    };
    if (argc != 5) {
        fprintf(stderr, "usage: %s NAME ZEROPIX WORKDIR PLUGIN\n", argv[0]);
        return 2;
    }
    zeropix_bin = argv[2];
    workdir = argv[3];
    plugin_path = argv[4];
    if (zp_test_make_dirs(workdir) != 0) return 1;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (strcmp(argv[1], tests[i].name) != 0) continue;
        char name[64];
        snprintf(name, sizeof name, "limits.%s", tests[i].name);
        tests[i].fn();
        return zp_test_finish(name);
    }
    fprintf(stderr, "%s: no test '%s'\n", argv[0], argv[1]);
    return 2;
}
#endif
