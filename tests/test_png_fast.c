/* test_png_fast.c: the fast PNG encoder (compression -1, the default) and
 * its deflate coder, with libpng and zlib as the oracles.
 *
 *   test_png_fast deflate|roundtrip|threads|options
 *
 * deflate:   zp__deflate_fast pieces (empty, tiny, runs at every length
 *            boundary, all byte values, noise, more than one segment)
 *            inflate with zlib to the input, alone and concatenated.
 * roundtrip: every PNG the encoder writes (1..4 channels, 8 and 16 bits,
 *            odd widths, each row filter, noise, flat and smooth content)
 *            is read back by libpng and equals the pixels written.
 * threads:   images above the parallel threshold: the bytes are the same
 *            for 1, 2, 3, 4 and 7 threads (the pieces written here by
 *            zp__png_fast_write directly, so more threads than cores run),
 *            and libpng reads them back exactly.
 * options:   defaults, refused values, zlib levels still going through
 *            libpng (level 0 stores, the result decodes exactly). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include <zlib.h>

#include "zp_test.h"
#include "codec/deflate_fast.h"
#include "codec/png_fast.h"

static uint32_t rng = 4242;

/* ---- deflate ---------------------------------------------------------------- */

/* Inflate a raw deflate stream; 1 when it is complete, ends exactly at
 * `n` bytes and gives `want`. */
static int inflates_to(const uint8_t *z, size_t n, const uint8_t *want, size_t want_n) {
    uint8_t *out = malloc(want_n + 16);
    z_stream s;
    memset(&s, 0, sizeof s);
    if (!out || inflateInit2(&s, -15) != Z_OK) {
        free(out);
        return 0;
    }
    s.next_in = (Bytef *)(uintptr_t)z;
    s.avail_in = (uInt)n;
    s.next_out = out;
    s.avail_out = (uInt)(want_n + 16);
    int r = inflate(&s, Z_FINISH);
    int ok = r == Z_STREAM_END && s.avail_in == 0 && s.total_out == want_n &&
             memcmp(out, want, want_n) == 0;
    if (!ok)
        fprintf(stderr, "  inflate: status %d, %lu of %zu bytes out, %u left in\n", r, s.total_out,
                want_n, s.avail_in);
    inflateEnd(&s);
    free(out);
    return ok;
}

/* Encode in[0..n) as `pieces` pieces (the last one final), check the
 * bound of each and that the joined stream inflates back. */
static void check_pieces(const char *what, const uint8_t *in, size_t n, int pieces) {
    size_t cap = 0;
    for (int p = 0; p < pieces; p++) cap += zp__deflate_fast_bound(n / (size_t)pieces + n);
    uint8_t *z = malloc(cap);
    uint32_t *scratch = malloc(zp__deflate_fast_scratch(n) * sizeof *scratch + 4);
    size_t zn = 0, off = 0;
    CHECK(z && scratch);
    if (!z || !scratch) goto done;
    for (int p = 0; p < pieces; p++) {
        size_t len = p == pieces - 1 ? n - off : n / (size_t)pieces;
        size_t k = zp__deflate_fast(in + off, len, p == pieces - 1, scratch, z + zn);
        CHECK(k <= zp__deflate_fast_bound(len));
        zn += k;
        off += len;
    }
    printf("  %-28s %9zu bytes in %d piece(s) -> %9zu\n", what, n, pieces, zn);
    CHECK(inflates_to(z, zn, in, n));
done:
    free(z);
    free(scratch);
}

static void test_deflate(void) {
    const size_t big = ((size_t)4 << 20) + 1000; /* over one 4 MiB segment */
    uint8_t *buf = malloc(big);
    CHECK(buf);
    if (!buf) return;

    memset(buf, 0, 16);
    check_pieces("empty", buf, 0, 1);
    buf[0] = 7;
    check_pieces("one byte", buf, 1, 1);

    /* Runs of each length around the minimum and the 258 maximum,
     * separated by a different byte, then all byte values. */
    size_t n = 0;
    for (size_t len = 1; len < 600; len++) {
        memset(buf + n, (int)(len & 0xff), len);
        n += len;
        buf[n++] = (uint8_t)(len + 1);
    }
    for (int v = 0; v < 256; v++) buf[n++] = (uint8_t)v;
    check_pieces("runs 1..599 + all bytes", buf, n, 1);
    check_pieces("runs 1..599 + all bytes", buf, n, 3);

    for (size_t i = 0; i < 100000; i++) buf[i] = (uint8_t)zp_test_rand(&rng);
    check_pieces("noise (stored)", buf, 100000, 1);
    check_pieces("noise (stored)", buf, 100000, 4);

    /* Skewed values, as filtered rows are: mostly near zero. */
    for (size_t i = 0; i < big; i++) {
        uint32_t r = zp_test_rand(&rng);
        buf[i] = (r & 0x300) ? (uint8_t)((r & 7) - 3) : (uint8_t)(r >> 16);
        if ((r >> 28) == 0) memset(buf + i, 0, i + 300 < big ? 300 : 1), i += i + 300 < big ? 299 : 0;
    }
    check_pieces("skewed, 2 segments", buf, big, 1);
    check_pieces("skewed, 2 segments", buf, big, 5);
    memset(buf, 0, big);
    check_pieces("zeros, 2 segments", buf, big, 1);
    check_pieces("zeros, 2 segments", buf, big, 2);
    free(buf);
}

/* ---- PNG round trips through libpng ---------------------------------------------- */

typedef struct mem_in {
    const uint8_t *p;
    size_t n, pos;
} mem_in;

static void read_mem(png_structp png, png_bytep out, size_t n) {
    mem_in *m = png_get_io_ptr(png);
    if (m->pos + n > m->n) png_error(png, "read past the end");
    memcpy(out, m->p + m->pos, n);
    m->pos += n;
}

/* Read a PNG with libpng's low-level API, 16-bit samples in native order;
 * compare with `v` (packed rows of u8 or u16). Returns the number of
 * samples that differ, or -1 when libpng fails or the header differs. */
static long libpng_diff(const uint8_t *data, size_t size, const zp_view *v) {
    volatile long diff = -1;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *volatile row = NULL;
    mem_in m = {data, size, 0};
    if (!info) goto done;
    if (setjmp(png_jmpbuf(png))) goto done;
    png_set_read_fn(png, &m, read_mem);
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, info);
    static const int types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                 PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    int depth = v->dtype == ZP_U8 ? 8 : 16;
    if (png_get_image_width(png, info) != (png_uint_32)v->width ||
        png_get_image_height(png, info) != (png_uint_32)v->height ||
        png_get_bit_depth(png, info) != depth ||
        png_get_color_type(png, info) != types[v->channels] ||
        png_get_interlace_type(png, info) != PNG_INTERLACE_NONE)
        goto done;
    if (depth == 16) {
        const uint16_t one = 1;
        if (*(const uint8_t *)&one) png_set_swap(png);
    }
    png_read_update_info(png, info);
    size_t rb = png_get_rowbytes(png, info);
    if (rb != (size_t)v->width * v->channels * (size_t)(depth / 8)) goto done;
    row = malloc(rb);
    if (!row) goto done;
    long d = 0;
    for (int32_t y = 0; y < v->height; y++) {
        png_read_row(png, row, NULL);
        const uint8_t *want = zp_view_pixel(v, 0, y);
        if (depth == 8) {
            for (size_t i = 0; i < rb; i++) d += row[i] != want[i];
        } else {
            for (size_t i = 0; i < rb; i += 2) d += memcmp(row + i, want + i, 2) != 0;
        }
    }
    png_read_end(png, NULL);
    diff = d;
done:
    free(row);
    png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
    return diff;
}

enum { NOISE, FLAT, SMOOTH, MIXED };

static void fill(const zp_view *v, int content) {
    for (int32_t y = 0; y < v->height; y++)
        for (int32_t x = 0; x < v->width; x++)
            for (int c = 0; c < v->channels; c++) {
                uint32_t r = zp_test_rand(&rng), s;
                switch (content) {
                case NOISE: s = r; break;
                case FLAT: s = 0x9a5 * (uint32_t)(c + 1); break;
                case SMOOTH: s = (uint32_t)(x * 7 + y * 3 + c * 50) * 97u + (r & 3); break;
                default: /* blocks of flat colour, some rows of noise */
                    s = ((x / 5 + y / 3) & 1) ? 0x1234u * (uint32_t)(c + 1) : (y % 7 ? x * 300u : r);
                }
                void *p = (char *)zp_view_pixel(v, x, y) + (ptrdiff_t)c * v->stride_c;
                if (v->dtype == ZP_U8) *(uint8_t *)p = (uint8_t)(s >> (content == SMOOTH ? 8 : 0));
                else *(uint16_t *)p = (uint16_t)s;
            }
}

static const char *content_name[4] = {"noise", "flat", "smooth", "mixed"};

static zp_encode_options fast_options(zp_png_filter filter) {
    zp_encode_options opt;
    zp_encode_options_init(&opt);
    opt.format = ZP_FORMAT_PNG;
    opt.png_filter = filter;
    return opt;
}

static void test_roundtrip(void) {
    static const int32_t widths[] = {1, 2, 3, 7, 37, 1001};
    static const int32_t heights[] = {1, 2, 5, 61};
    long files = 0;
    for (int d = 0; d < 2; d++)
        for (int ch = 1; ch <= 4; ch++)
            for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++)
                for (size_t hi = 0; hi < sizeof heights / sizeof heights[0]; hi++) {
                    zp_view v;
                    zp_dtype dt = d ? ZP_U16 : ZP_U8;
                    CHECK_OK(zp_view_alloc(widths[wi], heights[hi], ch, dt, &v));
                    if (!v.data) return;
                    int content = (int)((wi + hi + (size_t)ch) % 4);
                    fill(&v, content);
                    for (int f = ZP_PNG_FILTER_AUTO; f <= ZP_PNG_FILTER_ADAPTIVE; f++) {
                        zp_encode_options opt = fast_options((zp_png_filter)f);
                        void *png = NULL;
                        size_t size = 0;
                        CHECK_OK(zp_image_encode_memory(&v, NULL, &opt, &png, &size));
                        long diff = png ? libpng_diff(png, size, &v) : -1;
                        if (diff != 0)
                            fprintf(stderr, "  %dx%d %d ch %s %s filter %d: diff %ld\n", v.width,
                                    v.height, ch, zp_dtype_name(dt), content_name[content], f, diff);
                        CHECK(diff == 0);
                        files++;
                        zp_free(png);
                    }
                    zp_view_release(&v);
                }
    printf("  %ld files read back exactly by libpng\n", files);
}

/* ---- Threads: the same bytes for any count ---------------------------------------------- */

/* The whole file as png_encode.c writes it: libpng's signature and IHDR
 * (built here by hand), then zp__png_fast_write with `threads`. */
static uint8_t *fast_file(const zp_view *v, zp_png_filter filter, int threads, size_t *size) {
    static const uint8_t types[5] = {0, 0, 4, 2, 6};
    zp__writer w = {0};
    uint8_t head[8 + 25] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    int depth = v->dtype == ZP_U8 ? 8 : 16;
    zp_test_put32(head + 16, (uint32_t)v->width, 1);
    zp_test_put32(head + 20, (uint32_t)v->height, 1);
    head[24] = (uint8_t)depth;
    head[25] = types[v->channels];
    zp_test_put32(head + 29, (uint32_t)crc32(0, head + 12, 17), 1);
    zp__rowsource rows;
    zp__png_fast_params p = {v->width, v->height, v->channels, depth, filter, threads};
    *size = 0;
    CHECK_OK(zp__writer_write(&w, head, sizeof head));
    CHECK_OK(zp__rowsource_init(&rows, v, v->dtype));
    CHECK_OK(zp__png_fast_write(&rows, &p, &w));
    zp__rowsource_free(&rows);
    *size = w.mem_size;
    return w.mem;
}

static void test_threads(void) {
    static const struct { int32_t w, h, ch; zp_dtype dt; int content; } cases[] = {
        {1500, 1100, 3, ZP_U8, SMOOTH}, /* 4.9 MB: just over the threshold */
        {1203, 907, 4, ZP_U16, MIXED},  /* 8.7 MB, odd sizes, 16 bits */
        {70001, 41, 1, ZP_U8, NOISE},   /* rows longer than a piece */
        {900, 700, 2, ZP_U8, FLAT},     /* below the threshold */
    };
    static const int counts[] = {1, 2, 3, 4, 7};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        zp_view v;
        CHECK_OK(zp_view_alloc(cases[i].w, cases[i].h, cases[i].ch, cases[i].dt, &v));
        if (!v.data) return;
        fill(&v, cases[i].content);
        zp_encode_options opt = fast_options(ZP_PNG_FILTER_AUTO);
        void *ref = NULL;
        size_t ref_size = 0;
        CHECK_OK(zp_image_encode_memory(&v, NULL, &opt, &ref, &ref_size));
        CHECK(ref && libpng_diff(ref, ref_size, &v) == 0);
        printf("  %d x %d x %d %s %s: %zu bytes\n", v.width, v.height, v.channels,
               zp_dtype_name(v.dtype), content_name[cases[i].content], ref_size);
        for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
            size_t size;
            uint8_t *png = fast_file(&v, ZP_PNG_FILTER_AUTO, counts[c], &size);
            int same = png && size == ref_size && memcmp(png, ref, size) == 0;
            if (!same) fprintf(stderr, "  %d threads: %zu bytes, not the same\n", counts[c], size);
            CHECK(same);
            free(png);
        }
        /* The public threads option: any value, the same bytes. */
        for (int t = 1; t <= 3; t++) {
            void *png = NULL;
            size_t size = 0;
            opt.threads = t;
            CHECK_OK(zp_image_encode_memory(&v, NULL, &opt, &png, &size));
            CHECK(png && size == ref_size && memcmp(png, ref, size) == 0);
            zp_free(png);
        }
        zp_free(ref);
        zp_view_release(&v);
    }
}

/* ---- Options ---------------------------------------------------------------------------------- */

static void test_options(void) {
    zp_encode_options opt;
    zp_encode_options_init(&opt);
    CHECK(opt.compression == -1 && opt.png_filter == ZP_PNG_FILTER_AUTO && opt.threads == 0);

    zp_view v;
    CHECK_OK(zp_view_alloc(300, 200, 3, ZP_U8, &v));
    if (!v.data) return;
    fill(&v, SMOOTH);
    void *png = NULL;
    size_t size = 0;
    opt.format = ZP_FORMAT_PNG;

    zp_encode_options bad = opt;
    bad.compression = -2;
    CHECK_STATUS(zp_image_encode_memory(&v, NULL, &bad, &png, &size), ZP_ERR_INVALID_ARG);
    bad = opt;
    bad.compression = 10;
    CHECK_STATUS(zp_image_encode_memory(&v, NULL, &bad, &png, &size), ZP_ERR_INVALID_ARG);
    bad = opt;
    bad.png_filter = (zp_png_filter)7;
    CHECK_STATUS(zp_image_encode_memory(&v, NULL, &bad, &png, &size), ZP_ERR_INVALID_ARG);
    bad = opt;
    bad.threads = -1;
    CHECK_STATUS(zp_image_encode_memory(&v, NULL, &bad, &png, &size), ZP_ERR_INVALID_ARG);
    CHECK(png == NULL);

    /* zlib levels with each filter: libpng writes them, they decode exactly,
     * level 0 stores (larger than the raw rows), the fast default is
     * smaller than level 0. */
    size_t fast_size = 0, stored_size = 0;
    CHECK_OK(zp_image_encode_memory(&v, NULL, &opt, &png, &fast_size));
    CHECK(png && libpng_diff(png, fast_size, &v) == 0);
    zp_free(png);
    for (int level = 0; level <= 9; level += 3)
        for (int f = ZP_PNG_FILTER_AUTO; f <= ZP_PNG_FILTER_ADAPTIVE; f++) {
            zp_encode_options z = opt;
            z.compression = level;
            z.png_filter = (zp_png_filter)f;
            png = NULL;
            CHECK_OK(zp_image_encode_memory(&v, NULL, &z, &png, &size));
            CHECK(png && libpng_diff(png, size, &v) == 0);
            if (level == 0 && f == ZP_PNG_FILTER_NONE) stored_size = size;
            zp_free(png);
        }
    printf("  300 x 200 RGB smooth: fast %zu bytes, zlib level 0 %zu bytes\n", fast_size,
           stored_size);
    CHECK(stored_size > (size_t)300 * 200 * 3 && fast_size < stored_size / 2);
    zp_view_release(&v);
}

int main(int argc, char **argv) {
    const char *part = argc > 1 ? argv[1] : "";
    if (!strcmp(part, "deflate")) test_deflate();
    else if (!strcmp(part, "roundtrip")) test_roundtrip();
    else if (!strcmp(part, "threads")) test_threads();
    else if (!strcmp(part, "options")) test_options();
    else {
        fprintf(stderr, "usage: %s deflate|roundtrip|threads|options\n", argv[0]);
        return 2;
    }
    return zp_test_finish(part);
}
