/* test_png_encode.c: the PNG encoder on every kind of view, metadata,
 * compression levels, the header limit check and error statuses.
 *
 *   test_png_encode layouts|metadata|compression|limits|errors
 *
 * The encoder must write the same bytes for a view and for its packed copy
 * (zp_view_copy), whatever the strides; the result must decode back exactly,
 * both through zeropix and through libpng's simplified API (an independent
 * reader: a matching encoder/decoder bug, such as a missing byte swap on
 * both sides, would pass a round trip alone). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include <zlib.h>

#include "zp_test.h"
#include "codec/png_internal.h"

#define W 37
#define H 23

static uint32_t rng = 12345;

static void fill_random(const zp_view *v) {
    for (int32_t y = 0; y < v->height; y++)
        for (int32_t x = 0; x < v->width; x++)
            for (int32_t c = 0; c < v->channels; c++) {
                char *p = (char *)zp_view_pixel(v, x, y) + (ptrdiff_t)c * v->stride_c;
                uint32_t r = zp_test_rand(&rng);
                if (v->dtype == ZP_U8) *(uint8_t *)p = (uint8_t)r;
                else if (v->dtype == ZP_U16) *(uint16_t *)p = (uint16_t)r;
                else *(float *)p = (float)(r % 100001u) / 100000.0f;
            }
}

static uint32_t sample(const zp_view *v, int32_t x, int32_t y, int c) {
    const char *p = (const char *)zp_view_pixel(v, x, y) + (ptrdiff_t)c * v->stride_c;
    return v->dtype == ZP_U8 ? *(const uint8_t *)p : *(const uint16_t *)p;
}

/* Number of samples that differ (same shape required). */
static long count_diff(const zp_view *a, const zp_view *b) {
    long diff = 0;
    if (a->width != b->width || a->height != b->height || a->channels != b->channels ||
        a->dtype != b->dtype)
        return -1;
    for (int32_t y = 0; y < a->height; y++)
        for (int32_t x = 0; x < a->width; x++)
            for (int c = 0; c < a->channels; c++)
                diff += sample(a, x, y, c) != sample(b, x, y, c);
    return diff;
}

static zp_encode_options png_options(void) {
    zp_encode_options opt;
    zp_encode_options_init(&opt);
    opt.format = ZP_FORMAT_PNG;
    return opt;
}

static uint8_t *encode(const zp_view *v, const zp_metadata *meta, const zp_encode_options *opt,
                       size_t *size) {
    void *data = NULL;
    *size = 0;
    CHECK_OK(zp_image_encode_memory(v, meta, opt, &data, size));
    return data;
}

static uint32_t be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* Index of chunk `type` among the file's chunks, or -1; *idat = index of
 * the first IDAT. */
static int chunk_index(const uint8_t *png, size_t size, const char *type, int *idat) {
    size_t pos = 8;
    int i = 0, found = -1;
    *idat = -1;
    while (pos + 12 <= size) {
        uint32_t len = be32(png + pos);
        if (!memcmp(png + pos + 4, type, 4) && found < 0) found = i;
        if (!memcmp(png + pos + 4, "IDAT", 4) && *idat < 0) *idat = i;
        if (len > size - pos - 12) break;
        pos += 12 + (size_t)len;
        i++;
    }
    return found;
}

static int has_chunk(const uint8_t *png, size_t size, const char *type) {
    int idat;
    return chunk_index(png, size, type, &idat) >= 0;
}

/* libpng's simplified API reads `png`; compare with `want` (packed view of
 * the expected pixels). 16-bit output is linear and premultiplied when
 * there is alpha: see test_pngsuite.c for the formula (png_composite_16). */
static void check_with_libpng(const uint8_t *png, size_t size, const zp_view *want) {
    static const png_uint_32 f8[5] = {0, PNG_FORMAT_GRAY, PNG_FORMAT_GA, PNG_FORMAT_RGB,
                                      PNG_FORMAT_RGBA};
    static const png_uint_32 f16[5] = {0, PNG_FORMAT_LINEAR_Y, PNG_FORMAT_LINEAR_Y_ALPHA,
                                       PNG_FORMAT_LINEAR_RGB, PNG_FORMAT_LINEAR_RGB_ALPHA};
    int wide = want->dtype == ZP_U16, ch = want->channels, alpha = ch == 2 || ch == 4;
    png_image img;
    void *buf;
    long diff = 0;

    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, png, size)) {
        fprintf(stderr, "libpng: %s\n", img.message);
        CHECK(!"libpng cannot read our PNG");
        return;
    }
    img.format = wide ? f16[ch] : f8[ch];
    buf = malloc(PNG_IMAGE_SIZE(img));
    CHECK(buf && png_image_finish_read(&img, NULL, buf, 0, NULL));
    CHECK(img.width == (png_uint_32)want->width && img.height == (png_uint_32)want->height);
    if (buf && img.width == (png_uint_32)want->width && img.height == (png_uint_32)want->height) {
        for (int32_t y = 0; y < want->height; y++)
            for (int32_t x = 0; x < want->width; x++)
                for (int c = 0; c < ch; c++) {
                    size_t i = ((size_t)y * (size_t)want->width + (size_t)x) * (size_t)ch +
                               (size_t)c;
                    uint32_t got = wide ? ((uint16_t *)buf)[i] : ((uint8_t *)buf)[i];
                    uint32_t w = sample(want, x, y, c);
                    if (wide && alpha && c != ch - 1) {
                        uint32_t a = sample(want, x, y, ch - 1), t = w * a + 32768u;
                        w = a == 0 ? 0 : a == 65535 ? w : ((t + (t >> 16)) >> 16) & 0xffff;
                    }
                    diff += got != w;
                }
        if (diff) fprintf(stderr, "  %ld samples differ in libpng's decode\n", diff);
        CHECK(diff == 0);
    }
    png_image_free(&img);
    free(buf);
}

/* Encode `v` and its packed copy (of `target` dtype); same bytes; both
 * decoders give the pixels back. */
static void check_variant(const char *name, const zp_view *v, zp_dtype target, int bit_depth) {
    zp_encode_options opt = png_options();
    zp_view packed = {0};
    zp_image img = {0};
    size_t n_view = 0, n_packed = 0;
    uint8_t *b_view, *b_packed;
    int failures = zp_test_failures;

    opt.bit_depth = bit_depth;
    CHECK_OK(zp_view_alloc(v->width, v->height, v->channels, target, &packed));
    CHECK_OK(zp_view_copy(v, &packed));
    b_view = encode(v, NULL, &opt, &n_view);
    b_packed = encode(&packed, NULL, &opt, &n_packed);
    CHECK(b_view && b_packed && n_view == n_packed && !memcmp(b_view, b_packed, n_view));

    if (b_view) {
        CHECK(n_view > 8 && !memcmp(b_view, "\x89PNG\r\n\x1a\n", 8));
        CHECK_OK(zp_image_decode_memory(b_view, n_view, NULL, &img));
        CHECK(img.info.channels == v->channels && img.info.dtype == target);
        CHECK(img.info.bit_depth == (target == ZP_U16 ? 16 : 8));
        CHECK(img.info.interlaced == 0);
        CHECK(count_diff(&img.view, &packed) == 0);
        check_with_libpng(b_view, n_view, &packed);
    }
    if (zp_test_failures != failures)
        fprintf(stderr, "  in variant %s (%d channels, %s)\n", name, (int)v->channels,
                zp_dtype_name(v->dtype));
    zp_image_release(&img);
    zp_view_release(&packed);
    zp_free(b_view);
    zp_free(b_packed);
}

static void test_layouts(void) {
    static const zp_dtype dtypes[2] = {ZP_U8, ZP_U16};
    for (int ch = 1; ch <= 4; ch++)
        for (int d = 0; d < 2; d++) {
            zp_dtype dt = dtypes[d], other = dt == ZP_U8 ? ZP_U16 : ZP_U8;
            zp_view base = {0}, wide = {0}, f32 = {0}, v = {0};
            CHECK_OK(zp_view_alloc(W, H, ch, dt, &base));
            CHECK_OK(zp_view_alloc(W + 3, H, 4, dt, &wide));
            CHECK_OK(zp_view_alloc(W, H, ch, ZP_F32, &f32));
            if (!base.data || !wide.data || !f32.data) return;
            fill_random(&base);
            fill_random(&wide);
            fill_random(&f32);

            check_variant("packed", &base, dt, 0);
            /* Each derived view holds a reference: drop the previous one. */
#define DERIVE(call) do { zp_view_release(&v); CHECK_OK(call); } while (0)
            DERIVE(zp_view_flip(&base, ZP_FLIP_Y, &v));
            check_variant("flip-y (negative row stride)", &v, dt, 0);
            DERIVE(zp_view_flip(&base, ZP_FLIP_X | ZP_FLIP_Y, &v));
            check_variant("flip-xy (negative pixel stride)", &v, dt, 0);
            DERIVE(zp_view_transpose(&base, &v));
            check_variant("transpose", &v, dt, 0);
            DERIVE(zp_view_rotate(&base, 90, &v));
            check_variant("rotate 90", &v, dt, 0);
            DERIVE(zp_view_step(&base, 2, 3, &v));
            check_variant("step 2x3", &v, dt, 0);
            DERIVE(zp_view_crop(&base, 3, 2, W - 5, H - 4, &v));
            check_variant("crop", &v, dt, 0);
            /* Channel subsets of a 4-channel buffer: rows not packed. */
            if (ch < 4) DERIVE(zp_view_channels(&wide, 4 - ch, ch, 1, &v));
            else DERIVE(zp_view_channels(&wide, 3, 4, -1, &v));
            check_variant("channels of a 4-channel buffer", &v, dt, 0);
            if (ch >= 2) {
                DERIVE(zp_view_channels(&base, ch - 1, ch, -1, &v));
                check_variant("reversed channels", &v, dt, 0);
            }
            DERIVE(zp_view_transpose(&wide, &v));
            CHECK_OK(zp_view_channels(&v, 0, ch, 1, &v)); /* out == src: balanced */
            CHECK_OK(zp_view_flip(&v, ZP_FLIP_X, &v));
            check_variant("transposed, mirrored channel subset", &v, dt, 0);
            /* Converted rows: the other depth, and f32 (16-bit by default). */
            check_variant("other bit depth", &base, other, other == ZP_U16 ? 16 : 8);
            DERIVE(zp_view_flip(&f32, ZP_FLIP_Y, &v));
            check_variant("f32 -> 16 bit", &v, ZP_U16, 0);
#undef DERIVE
            zp_view_release(&v);
            zp_view_release(&f32);
            zp_view_release(&wide);
            zp_view_release(&base);
        }
}

/* ---- Metadata ------------------------------------------------------------ */

/* A small profile libpng 1.6 accepts: a 128-byte header (length, class,
 * colour space matching the PNG colour type, PCS, 'acsp', D50 illuminant)
 * and one private tag of 200 bytes. The tag data is pseudo-random on
 * purpose: libpng 1.6.39's png_handle_iCCP reads the keyword with a fixed
 * 81-byte read and then wants 11 more bytes, so it drops ("too short") any
 * iCCP chunk under 92 bytes, which a bare header compresses to. */
#define ICC_SIZE 344
static void make_icc(uint8_t p[ICC_SIZE], const char *space) {
    static const uint8_t d50[12] = {0, 0, 0xf6, 0xd6, 0, 1, 0, 0, 0, 0, 0xd3, 0x2d};
    uint32_t seed = 777;
    memset(p, 0, ICC_SIZE);
    put32(p, ICC_SIZE);
    put32(p + 8, 0x02100000);
    memcpy(p + 12, "mntr", 4);
    memcpy(p + 16, space, 4);
    memcpy(p + 20, "XYZ ", 4);
    memcpy(p + 36, "acsp", 4);
    memcpy(p + 68, d50, 12);
    memcpy(p + 80, "zpix", 4);
    put32(p + 128, 1);
    memcpy(p + 132, "zpix", 4);
    put32(p + 136, 144);
    put32(p + 140, ICC_SIZE - 144);
    for (int i = 144; i < ICC_SIZE; i++) p[i] = (uint8_t)zp_test_rand(&seed);
}

/* Big-endian TIFF with one IFD entry: Orientation (0x0112) = orientation. */
static const uint8_t exif_orient6[26] = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3,
                                         0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0};

static void test_metadata(void) {
    uint8_t icc_rgb[ICC_SIZE], icc_gray[ICC_SIZE], junk[200];
    make_icc(icc_rgb, "RGB ");
    make_icc(icc_gray, "GRAY");
    for (size_t i = 0; i < sizeof junk; i++) junk[i] = (uint8_t)zp_test_rand(&rng);

    for (int ch = 1; ch <= 4; ch++) {
        zp_view v = {0};
        zp_encode_options opt = png_options();
        zp_decode_options dopt;
        zp_metadata meta = {0};
        zp_image img = {0};
        size_t n = 0, n2 = 0;
        uint8_t *png, *png2;
        int idat = -1, at;

        CHECK_OK(zp_view_alloc(16, 10, ch, ZP_U8, &v));
        if (!v.data) return;
        fill_random(&v);
        meta.icc = ch <= 2 ? icc_gray : icc_rgb;
        meta.icc_size = ICC_SIZE;
        meta.exif = (uint8_t *)exif_orient6;
        meta.exif_size = sizeof exif_orient6;

        /* Written before IDAT, and nothing else colour-related added. */
        png = encode(&v, &meta, &opt, &n);
        if (!png) return;
        at = chunk_index(png, n, "iCCP", &idat);
        CHECK(at >= 0 && at < idat);
        at = chunk_index(png, n, "eXIf", &idat);
        CHECK(at >= 0 && at < idat);
        CHECK(!has_chunk(png, n, "gAMA") && !has_chunk(png, n, "cHRM") &&
              !has_chunk(png, n, "sRGB"));

        /* Stored orientation: everything as written. */
        zp_decode_options_init(&dopt);
        dopt.apply_orientation = 0;
        CHECK_OK(zp_image_decode_memory(png, n, &dopt, &img));
        CHECK(img.info.orientation == 6);
        CHECK(img.info.icc_size == ICC_SIZE && img.info.exif_size == sizeof exif_orient6);
        CHECK(img.meta.icc_size == ICC_SIZE && img.meta.icc &&
              !memcmp(img.meta.icc, meta.icc, ICC_SIZE));
        CHECK(img.meta.exif_size == sizeof exif_orient6 && img.meta.exif &&
              !memcmp(img.meta.exif, exif_orient6, sizeof exif_orient6));
        CHECK(count_diff(&img.view, &v) == 0);
        zp_image_release(&img);

        /* Default: the orientation found in eXIf is applied (16x10 -> 10x16). */
        CHECK_OK(zp_image_decode_memory(png, n, NULL, &img));
        CHECK(img.view.width == 10 && img.view.height == 16 && img.info.orientation == 6);
        zp_image_release(&img);

        /* read_metadata = 0: sizes reported, no copies. */
        zp_decode_options_init(&dopt);
        dopt.read_metadata = 0;
        CHECK_OK(zp_image_decode_memory(png, n, &dopt, &img));
        CHECK(img.meta.icc == NULL && img.meta.exif == NULL);
        CHECK(img.info.icc_size == ICC_SIZE && img.info.orientation == 6);
        zp_image_release(&img);

        /* strip_metadata: the same bytes as no metadata at all, through the
         * public call and straight through the codec. */
        opt.strip_metadata = 1;
        png2 = encode(&v, &meta, &opt, &n2);
        CHECK(png2 && !has_chunk(png2, n2, "iCCP") && !has_chunk(png2, n2, "eXIf"));
        zp_free(png2);
        {
            zp__writer w = {0}, w0 = {0};
            CHECK_OK(zp__png_encode(&v, &meta, &opt, &w));
            CHECK_OK(zp__png_encode(&v, NULL, &opt, &w0));
            CHECK(w.mem_size == w0.mem_size && !memcmp(w.mem, w0.mem, w.mem_size));
            CHECK(!has_chunk(w.mem, w.mem_size, "iCCP") && !has_chunk(w.mem, w.mem_size, "eXIf"));
            free(w.mem);
            free(w0.mem);
        }
        opt.strip_metadata = 0;

        /* Invalid profiles (wrong colour space for the PNG, random bytes)
         * are left out; the write and the EXIF still succeed. */
        meta.icc = ch <= 2 ? icc_rgb : junk;
        meta.icc_size = ch <= 2 ? ICC_SIZE : sizeof junk;
        png2 = encode(&v, &meta, &opt, &n2);
        CHECK(png2 != NULL);
        if (png2) {
            CHECK(!has_chunk(png2, n2, "iCCP") && has_chunk(png2, n2, "eXIf"));
            CHECK_OK(zp_image_decode_memory(png2, n2, NULL, &img));
            CHECK(img.info.icc_size == 0 && img.meta.icc == NULL && img.meta.exif_size == 26);
            zp_image_release(&img);
        }
        zp_free(png2);
        zp_free(png);
        zp_view_release(&v);
    }
}

/* ---- Compression ---------------------------------------------------------- */

static void test_compression(void) {
    static const zp_dtype dtypes[2] = {ZP_U8, ZP_U16};
    for (int d = 0; d < 2; d++) {
        zp_view v = {0};
        zp_image a = {0}, b = {0};
        zp_encode_options opt = png_options();
        size_t n0 = 0, n9 = 0, raw;
        uint8_t *p0, *p9;

        CHECK_OK(zp_view_alloc(64, 48, 3, dtypes[d], &v));
        if (!v.data) return;
        for (int32_t y = 0; y < 48; y++)
            for (int32_t x = 0; x < 64; x++) {
                uint32_t rgb[3] = {(uint32_t)x * 4, (uint32_t)y * 5, (uint32_t)(x + y) * 2};
                for (int c = 0; c < 3; c++) {
                    char *p = (char *)zp_view_pixel(&v, x, y) + c * v.stride_c;
                    if (dtypes[d] == ZP_U8) *(uint8_t *)p = (uint8_t)rgb[c];
                    else *(uint16_t *)p = (uint16_t)(rgb[c] * 257);
                }
            }
        raw = (size_t)64 * 48 * 3 * zp_dtype_size(dtypes[d]);
        opt.compression = 0;
        p0 = encode(&v, NULL, &opt, &n0);
        opt.compression = 9;
        p9 = encode(&v, NULL, &opt, &n9);
        printf("  %s: level 0 -> %zu bytes, level 9 -> %zu bytes (raw %zu)\n",
               zp_dtype_name(dtypes[d]), n0, n9, raw);
        CHECK(n0 > raw && n9 < raw / 4);
        if (p0 && p9) {
            CHECK_OK(zp_image_decode_memory(p0, n0, NULL, &a));
            CHECK_OK(zp_image_decode_memory(p9, n9, NULL, &b));
            CHECK(count_diff(&a.view, &v) == 0);
            CHECK(count_diff(&b.view, &v) == 0);
        }
        zp_image_release(&a);
        zp_image_release(&b);
        zp_free(p0);
        zp_free(p9);
        zp_view_release(&v);
    }
}

/* ---- Limits --------------------------------------------------------------- */

static size_t put_chunk(uint8_t *out, const char *type, const uint8_t *data, uint32_t len) {
    put32(out, len);
    memcpy(out + 4, type, 4);
    if (len) memcpy(out + 8, data, len);
    put32(out + 8 + len, (uint32_t)crc32(crc32(0, NULL, 0), out + 4, len + 4));
    return 12 + (size_t)len;
}

/* Signature, IHDR (RGB 8-bit), an IDAT holding one compressed empty row,
 * IEND: enough for png_read_info() to reach the image data. */
static size_t tiny_png(uint8_t *out, uint32_t width, uint32_t height) {
    uint8_t ihdr[13] = {0}, row[8] = {0}, z[64];
    uLongf zlen = sizeof z;
    size_t n = 8;
    memcpy(out, "\x89PNG\r\n\x1a\n", 8);
    put32(ihdr, width);
    put32(ihdr + 4, height);
    ihdr[8] = 8;
    ihdr[9] = 2;
    n += put_chunk(out + n, "IHDR", ihdr, 13);
    if (compress(z, &zlen, row, sizeof row) != Z_OK) zlen = 0;
    n += put_chunk(out + n, "IDAT", z, (uint32_t)zlen);
    n += put_chunk(out + n, "IEND", NULL, 0);
    return n;
}

static void test_limits(void) {
    uint8_t png[256];
    size_t n = tiny_png(png, 100000, 100000);
    uint64_t allocs = zp__pixels_alloc_count();
    zp_decode_options opt;
    zp_decoder *dec = NULL;
    zp_image img = {0};

    /* 10^10 pixels: refused from the header with the default limit. */
    CHECK_STATUS(zp_decoder_open_memory(png, n, NULL, &dec), ZP_ERR_LIMIT);
    printf("  default limit: %s\n", zp_last_error());
    CHECK(dec == NULL);
    CHECK_STATUS(zp_image_decode_memory(png, n, NULL, &img), ZP_ERR_LIMIT);
    CHECK(img.view.data == NULL);

    /* max_pixels = 0 lifts the limit: the header opens and reports the
     * size (the pixels are not read here: that would need 30 GB). */
    zp_decode_options_init(&opt);
    opt.limits.max_pixels = 0;
    CHECK_OK(zp_decoder_open_memory(png, n, &opt, &dec));
    if (dec) {
        const zp_image_info *info = zp_decoder_info(dec);
        CHECK(info->width == 100000 && info->height == 100000 && info->channels == 3);
        zp_decoder_close(dec);
    }
    CHECK(zp__pixels_alloc_count() == allocs);

    /* A small image just under and over a pixel limit of 100. */
    opt.limits.max_pixels = 100;
    n = tiny_png(png, 10, 10);
    CHECK_OK(zp_decoder_open_memory(png, n, &opt, &dec));
    zp_decoder_close(dec);
    dec = NULL;
    n = tiny_png(png, 10, 11);
    CHECK_STATUS(zp_decoder_open_memory(png, n, &opt, &dec), ZP_ERR_LIMIT);

    /* Width 0 is corrupt, not a limit. */
    n = tiny_png(png, 0, 10);
    CHECK_STATUS(zp_decoder_open_memory(png, n, NULL, &dec), ZP_ERR_CORRUPT);
    printf("  width 0: %s\n", zp_last_error());

    /* max_chunk_size: a 1000-byte eXIf is over a limit of 100 bytes. */
    {
        zp_view v = {0};
        uint8_t exif[1000] = {'M', 'M', 0, 42, 0, 0, 0, 8};
        zp_metadata meta = {NULL, 0, exif, sizeof exif};
        zp_encode_options eopt = png_options();
        size_t size = 0;
        uint8_t *data;
        CHECK_OK(zp_view_alloc(4, 4, 3, ZP_U8, &v));
        if (!v.data) return;
        fill_random(&v);
        data = encode(&v, &meta, &eopt, &size);
        if (data) {
            zp_decode_options_init(&opt);
            opt.limits.max_chunk_size = 100;
            CHECK_STATUS(zp_image_decode_memory(data, size, &opt, &img), ZP_ERR_LIMIT);
            printf("  chunk limit: %s\n", zp_last_error());
            opt.limits.max_chunk_size = 0;
            CHECK_OK(zp_image_decode_memory(data, size, &opt, &img));
            CHECK(img.meta.exif_size == sizeof exif);
            zp_image_release(&img);
            CHECK_OK(zp_image_decode_memory(data, size, NULL, &img));
            CHECK(img.meta.exif_size == sizeof exif);
            zp_image_release(&img);
        }
        zp_free(data);
        zp_view_release(&v);
    }
}

/* ---- Errors ---------------------------------------------------------------- */

static void test_errors(void) {
    zp_view v = {0};
    zp_encode_options opt = png_options();
    zp_image img = {0};
    zp_decoder *dec = NULL;
    size_t n = 0, idat_data = 0;
    uint8_t *png, *bad;
    int idat;

    CHECK_OK(zp_view_alloc(32, 32, 3, ZP_U8, &v));
    if (!v.data) return;
    fill_random(&v);
    png = encode(&v, NULL, &opt, &n);
    if (!png) return;
    bad = malloc(n);
    if (!bad) return;

    /* Truncated: inside IHDR, inside IDAT, and only IEND missing (the
     * decoder reads to the end of the file, png_read_end). */
    CHECK_STATUS(zp_image_decode_memory(png, 20, NULL, &img), ZP_ERR_TRUNCATED);
    CHECK_STATUS(zp_image_decode_memory(png, n / 2, NULL, &img), ZP_ERR_TRUNCATED);
    printf("  truncated: %s\n", zp_last_error());
    CHECK_STATUS(zp_image_decode_memory(png, n - 12, NULL, &img), ZP_ERR_TRUNCATED);

    /* The header opens, the pixels fail, and the decoder stays failed. */
    CHECK_OK(zp_decoder_open_memory(png, n / 2, NULL, &dec));
    if (dec) {
        CHECK_STATUS(zp_decoder_read(dec, &img), ZP_ERR_TRUNCATED);
        CHECK_STATUS(zp_decoder_read(dec, &img), ZP_ERR_BAD_STATE);
        zp_decoder_close(dec);
    }

    /* One flipped bit in the image data: IDAT CRC error. */
    CHECK(chunk_index(png, n, "IDAT", &idat) >= 0);
    for (size_t pos = 8; pos + 12 <= n; pos += 12 + be32(png + pos))
        if (!memcmp(png + pos + 4, "IDAT", 4)) {
            idat_data = pos + 8;
            break;
        }
    memcpy(bad, png, n);
    bad[idat_data + 10] ^= 0x10;
    CHECK_STATUS(zp_image_decode_memory(bad, n, NULL, &img), ZP_ERR_CORRUPT);
    printf("  bad IDAT: %s\n", zp_last_error());
    CHECK(!strncmp(zp_last_error(), "PNG: ", 5));

    /* IHDR CRC. */
    memcpy(bad, png, n);
    bad[29] ^= 1;
    CHECK_STATUS(zp_image_decode_memory(bad, n, NULL, &img), ZP_ERR_CORRUPT);
    printf("  bad IHDR: %s\n", zp_last_error());

    /* Options the codec refuses on its own (the generic layer checks them
     * too, so call the codec directly). */
    {
        zp__writer w = {0};
        zp_encode_options o = png_options();
        o.bit_depth = 12;
        CHECK_STATUS(zp__png_encode(&v, NULL, &o, &w), ZP_ERR_INVALID_ARG);
        o = png_options();
        o.compression = 10;
        CHECK_STATUS(zp__png_encode(&v, NULL, &o, &w), ZP_ERR_INVALID_ARG);
        CHECK(w.mem_size == 0);
        free(w.mem);
    }
    {
        void *out = NULL;
        size_t out_size = 0;
        opt.bit_depth = 4;
        CHECK_STATUS(zp_image_encode_memory(&v, NULL, &opt, &out, &out_size), ZP_ERR_INVALID_ARG);
        CHECK(out == NULL);
    }

    /* A stream that cannot be written: an I/O error, not a crash. */
    {
        FILE *ro = fopen("/dev/null", "r");
        zp_encode_options o = png_options();
        CHECK(ro != NULL);
        if (ro) {
            CHECK_STATUS(zp_image_encode_stream(&v, NULL, ro, &o), ZP_ERR_IO);
            printf("  read-only stream: %s\n", zp_last_error());
            fclose(ro);
        }
    }
    free(bad);
    zp_free(png);
    zp_view_release(&v);
}

int main(int argc, char **argv) {
    const char *part = argc > 1 ? argv[1] : "";
    if (!strcmp(part, "layouts")) test_layouts();
    else if (!strcmp(part, "metadata")) test_metadata();
    else if (!strcmp(part, "compression")) test_compression();
    else if (!strcmp(part, "limits")) test_limits();
    else if (!strcmp(part, "errors")) test_errors();
    else {
        fprintf(stderr, "usage: %s layouts|metadata|compression|limits|errors\n", argv[0]);
        return 2;
    }
    return zp_test_finish(part);
}
