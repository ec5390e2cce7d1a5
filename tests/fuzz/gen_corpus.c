/* gen_corpus.c: writes the seed corpora of the fuzz targets,
 *
 *     fuzz_gen_corpus OUT      (OUT/jpeg, OUT/png, OUT/pnm, OUT/pipeline, OUT/ops)
 *
 * Small files, each reaching a different path: images written by zeropix
 * itself (every channel count and sample type, JPEG subsampling, quality and
 * progressive modes, PNG 8/16 bit, EXIF orientations, ICC profiles), files
 * written with libjpeg and libpng directly for what zeropix does not write
 * (CMYK and YCCK, restart markers, arithmetic coding, non-interleaved scans,
 * palettes, low bit depths, tRNS, Adam7, text and unknown chunks, eXIf after
 * the pixels, many IDATs), hand-made edge cases (truncations, junk, bad
 * headers, PNM comments and odd maxvals), pipeline inputs with control
 * bytes (see fuzz_pipeline.c) and operation chains. The output is committed
 * in tests/fuzz/corpus/; a file of the same name is overwritten, others
 * (crashers found by fuzzing, merged growth) are left alone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jpeglib.h> /* after stdio.h: it uses FILE and size_t */
#include <png.h>
#include <zlib.h>
#include "zeropix/pipeline.h"
#include "zeropix/zeropix.h"
#include "test_util.h"

static const char *out_dir;
static int written;

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "gen_corpus: %s:%d: %s (%s)\n", __FILE__, __LINE__,  \
                    #cond, zp_last_error());                                    \
            exit(1);                                                            \
        }                                                                       \
    } while (0)

static void write_file(const char *target, const char *name, const void *data, size_t size) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", out_dir, target);
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen_corpus: mkdir %s: %s\n", path, strerror(errno));
        exit(1);
    }
    snprintf(path, sizeof path, "%s/%s/%s", out_dir, target, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(data, 1, size, f) == size);
    CHECK(fclose(f) == 0);
    written++;
}

static void write_text(const char *target, const char *name, const char *text) {
    write_file(target, name, text, strlen(text));
}

/* ---- Images --------------------------------------------------------------- */

/* A test card: gradients plus a checker, so every codec path has edges. */
static zp_view card(int32_t w, int32_t h, int32_t channels, zp_dtype dtype) {
    zp_view v;
    CHECK(zp_view_alloc(w, h, channels, dtype, &v) == ZP_OK);
    for (int32_t y = 0; y < h; y++)
        for (int32_t x = 0; x < w; x++)
            for (int32_t c = 0; c < channels; c++) {
                unsigned base = (unsigned)(x * 255 / (w > 1 ? w - 1 : 1) * (c != 1) +
                                           y * 255 / (h > 1 ? h - 1 : 1) * (c != 0));
                unsigned val = c == 3 ? (unsigned)(255 - x * 7 % 256) :
                               (((x / 4 + y / 4) & 1) ? base / 2 : base) & 255u;
                char *s = (char *)zp_view_pixel(&v, x, y) + c * v.stride_c;
                if (dtype == ZP_U8) *(uint8_t *)s = (uint8_t)val;
                else if (dtype == ZP_U16) *(uint16_t *)s = (uint16_t)(val * 257u + (unsigned)x);
                else *(float *)s = (float)val / 255.0f;
            }
    return v;
}

/* A minimal EXIF (TIFF) blob holding just the orientation tag. */
static size_t exif_blob(uint8_t *b, int orientation, int big_endian) {
    static const uint8_t le[] = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t be[] = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1,
                                 0, 0, 0, 0, 0, 0, 0, 0};
    memcpy(b, big_endian ? be : le, sizeof le);
    if (big_endian) b[19] = (uint8_t)orientation;
    else b[18] = (uint8_t)orientation;
    return sizeof le;
}

/* A 304-byte ICC v2 profile: the header and two tags, a white point and a
 * copyright text. libpng checks the header and the tag table, and refuses
 * an iCCP chunk under 92 bytes ("too short"), so the text is varied enough
 * not to compress below that. */
#define ICC_SIZE 304
static size_t icc_blob(uint8_t *b, int gray) {
    static const uint8_t d50[12] = {0, 0, 0xf6, 0xd6, 0, 1, 0, 0, 0, 0, 0xd3, 0x2d};
    memset(b, 0, ICC_SIZE);
    b[2] = ICC_SIZE >> 8, b[3] = ICC_SIZE & 255; /* size                    */
    b[8] = 2; b[9] = 0x10;                     /* version 2.1               */
    memcpy(b + 12, "mntr", 4);                 /* device class              */
    memcpy(b + 16, gray ? "GRAY" : "RGB ", 4); /* colour space              */
    memcpy(b + 20, "XYZ ", 4);                 /* PCS                       */
    memcpy(b + 36, "acsp", 4);
    memcpy(b + 68, d50, 12);                   /* illuminant                */
    b[131] = 2;                                /* two tags:                 */
    memcpy(b + 132, "wtpt", 4), b[139] = 156, b[143] = 20;  /* at 156, 20 bytes  */
    memcpy(b + 144, "cprt", 4), b[151] = 176, b[155] = 128; /* at 176, 128 bytes */
    memcpy(b + 156, "XYZ ", 4), memcpy(b + 164, d50, 12);
    memcpy(b + 176, "text", 4);
    uint32_t x = 12345;
    for (int i = 184; i < ICC_SIZE - 1; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (uint8_t)(' ' + (x >> 16) % 95);
    }
    return ICC_SIZE;
}

/* Encode `v` with zeropix; returns a malloc'd block (zp_free). */
static void *encode(const zp_view *v, const zp_metadata *meta, zp_format format, int quality,
                    int progressive, int subsampling, int bit_depth, size_t *size) {
    zp_encode_options eo;
    zp_encode_options_init(&eo);
    eo.format = format;
    if (quality) eo.quality = quality;
    eo.progressive = eo.optimize = progressive;
    if (subsampling) eo.subsampling = subsampling;
    eo.bit_depth = bit_depth;
    void *data = NULL;
    CHECK(zp_image_encode_memory(v, meta, &eo, &data, size) == ZP_OK);
    return data;
}

static void emit(const char *target, const char *name, int32_t w, int32_t h, int32_t channels,
                 zp_dtype dtype, const zp_metadata *meta, zp_format format, int quality,
                 int progressive, int subsampling, int bit_depth) {
    zp_view v = card(w, h, channels, dtype);
    size_t size;
    void *data = encode(&v, meta, format, quality, progressive, subsampling, bit_depth, &size);
    write_file(target, name, data, size);
    zp_free(data);
    zp_view_release(&v);
}

/* ---- JPEG through libjpeg directly ---------------------------------------- */

typedef struct {
    int components;           /* 1, 3 or 4                              */
    J_COLOR_SPACE in, store;  /* input and stored colour spaces          */
    int restart;              /* restart interval in MCU rows (0: none)  */
    int arith, progressive, separate_scans;
    int icc_chunks;           /* ICC profile split over this many APP2s  */
} jpeg_spec;

static void *libjpeg_encode(int w, int h, const jpeg_spec *sp, unsigned long *size) {
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    unsigned char *mem = NULL;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &mem, size);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = sp->components;
    c.in_color_space = sp->in;
    jpeg_set_defaults(&c);
    jpeg_set_colorspace(&c, sp->store);
    jpeg_set_quality(&c, 80, TRUE);
    c.restart_in_rows = sp->restart;
    c.arith_code = sp->arith ? TRUE : FALSE;
    if (sp->progressive) jpeg_simple_progression(&c);
    static jpeg_scan_info scans[4];
    if (sp->separate_scans) { /* sequential, one component per scan */
        for (int i = 0; i < sp->components; i++) {
            scans[i].comps_in_scan = 1;
            scans[i].component_index[0] = i;
            scans[i].Ss = 0, scans[i].Se = 63, scans[i].Ah = 0, scans[i].Al = 0;
        }
        c.scan_info = scans;
        c.num_scans = sp->components;
    }
    jpeg_start_compress(&c, TRUE);
    if (sp->icc_chunks) {
        uint8_t icc[ICC_SIZE];
        size_t n = icc_blob(icc, sp->components == 1);
        size_t part = (n + (size_t)sp->icc_chunks - 1) / (size_t)sp->icc_chunks;
        for (int i = 0; i < sp->icc_chunks; i++) {
            uint8_t m[14 + ICC_SIZE];
            size_t off = (size_t)i * part, len = off + part > n ? n - off : part;
            memcpy(m, "ICC_PROFILE", 12);
            m[12] = (uint8_t)(i + 1);
            m[13] = (uint8_t)sp->icc_chunks;
            memcpy(m + 14, icc + off, len);
            jpeg_write_marker(&c, JPEG_APP0 + 2, m, (unsigned)(14 + len));
        }
    }
    unsigned char *row = malloc((size_t)w * (size_t)sp->components);
    CHECK(row != NULL);
    while (c.next_scanline < c.image_height) {
        for (int x = 0; x < w; x++)
            for (int k = 0; k < sp->components; k++)
                row[x * sp->components + k] =
                    (unsigned char)((x * 13 + (int)c.next_scanline * 29 + k * 70) & 255);
        JSAMPROW rows[1] = {row};
        jpeg_write_scanlines(&c, rows, 1);
    }
    free(row);
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    return mem;
}

static void emit_libjpeg(const char *name, int w, int h, jpeg_spec sp) {
    unsigned long size = 0;
    void *data = libjpeg_encode(w, h, &sp, &size);
    write_file("jpeg", name, data, size);
    free(data);
}

/* ---- PNG through libpng directly ------------------------------------------ */

typedef struct {
    int color_type, bit_depth, interlace;
    int trns;          /* write a tRNS chunk                          */
    int text;          /* tEXt, zTXt and iTXt chunks                  */
    int exif_after;    /* eXIf after IDAT (orientation 8)            */
    int small_idat;    /* many small IDAT chunks                      */
    int extras;        /* gAMA, cHRM, pHYs, sBIT, bKGD, an unknown chunk */
} png_spec;

typedef zp_test_buf membuf;

static void png_mem_write(png_structp png, png_bytep data, size_t n) {
    membuf *m = png_get_io_ptr(png);
    CHECK(zp_test_buf_append(m, data, n) == 0);
}

static void png_mem_flush(png_structp png) { (void)png; }

static membuf libpng_encode(int w, int h, const png_spec *sp) {
    membuf m = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png), end = png_create_info_struct(png);
    CHECK(png && info && end);
    if (setjmp(png_jmpbuf(png))) CHECK(!"libpng write failed");
    png_set_write_fn(png, &m, png_mem_write, png_mem_flush);
    if (sp->small_idat) png_set_compression_buffer_size(png, 64);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, sp->bit_depth, sp->color_type,
                 sp->interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    int entries = 1 << (sp->bit_depth < 8 ? sp->bit_depth : 8);
    if (sp->color_type == PNG_COLOR_TYPE_PALETTE) {
        png_color pal[256];
        for (int i = 0; i < entries; i++)
            pal[i].red = (png_byte)(i * 37), pal[i].green = (png_byte)(i * 91),
            pal[i].blue = (png_byte)(255 - i);
        png_set_PLTE(png, info, pal, entries);
    }
    if (sp->trns) {
        png_byte alpha[256];
        for (int i = 0; i < 256; i++) alpha[i] = (png_byte)(255 - i * 17);
        png_color_16 key = {0, 1, 2, 3, 1};
        if (sp->color_type == PNG_COLOR_TYPE_PALETTE) png_set_tRNS(png, info, alpha, entries / 2 + 1, NULL);
        else png_set_tRNS(png, info, NULL, 0, &key);
    }
    if (sp->text) {
        png_text t[3];
        memset(t, 0, sizeof t);
        t[0].compression = PNG_TEXT_COMPRESSION_NONE, t[0].key = "Title", t[0].text = "seed";
        t[1].compression = PNG_TEXT_COMPRESSION_zTXt, t[1].key = "Comment",
        t[1].text = "compressed comment compressed comment";
        t[2].compression = PNG_ITXT_COMPRESSION_NONE, t[2].key = "Author", t[2].text = "zeropix",
        t[2].lang = "en", t[2].lang_key = "Author";
        png_set_text(png, info, t, 3);
    }
    if (sp->extras) {
        png_set_gAMA(png, info, 0.45455);
        png_set_cHRM(png, info, 0.3127, 0.329, 0.64, 0.33, 0.3, 0.6, 0.15, 0.06);
        png_set_pHYs(png, info, 2835, 2835, PNG_RESOLUTION_METER);
        png_color_8 sbit = {5, 6, 5, 4, 3};
        if (sp->color_type != PNG_COLOR_TYPE_PALETTE && sp->bit_depth >= 8) png_set_sBIT(png, info, &sbit);
        png_color_16 bkgd = {1, 0, 0, 0, 0};
        png_set_bKGD(png, info, &bkgd);
        png_unknown_chunk u = {"prVt", (png_byte *)"private data", 12, PNG_HAVE_IHDR};
        png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_ALWAYS, NULL, 0);
        png_set_unknown_chunks(png, info, &u, 1);
    }
    png_write_info(png, info);
    int channels = sp->color_type == PNG_COLOR_TYPE_RGB ? 3 : sp->color_type == PNG_COLOR_TYPE_RGBA ? 4
                 : sp->color_type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : 1;
    size_t rowbytes = ((size_t)w * (size_t)channels * (size_t)sp->bit_depth + 7) / 8;
    png_bytep img = malloc(rowbytes * (size_t)h);
    CHECK(img != NULL);
    for (size_t i = 0; i < rowbytes * (size_t)h; i++) img[i] = (png_byte)(i * 7 + i / rowbytes * 13);
    if (sp->color_type == PNG_COLOR_TYPE_PALETTE && sp->bit_depth == 8)
        for (size_t i = 0; i < rowbytes * (size_t)h; i++) img[i] %= (png_byte)entries;
    png_bytep *rows = malloc(sizeof *rows * (size_t)h);
    CHECK(rows != NULL);
    for (int y = 0; y < h; y++) rows[y] = img + (size_t)y * rowbytes;
    png_write_image(png, rows);
    if (sp->exif_after) {
        uint8_t exif[32];
        png_uint_32 n = (png_uint_32)exif_blob(exif, 8, 0);
        png_set_eXIf_1(png, end, n, exif);
    }
    png_write_end(png, end);
    png_destroy_write_struct(&png, &info);
    png_destroy_info_struct(NULL, &end);
    free(rows);
    free(img);
    return m;
}

static void emit_libpng(const char *name, int w, int h, png_spec sp) {
    membuf m = libpng_encode(w, h, &sp);
    write_file("png", name, m.data, m.size);
    free(m.data);
}

/* ---- Variations of a valid file ------------------------------------------- */

static uint8_t *read_back(const char *target, const char *name, size_t *size) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s", out_dir, target, name);
    FILE *f = fopen(path, "rb");
    CHECK(f != NULL);
    uint8_t *b = malloc(1 << 20);
    CHECK(b != NULL);
    *size = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

/* The first `keep` bytes of an existing seed. */
static void emit_truncated(const char *target, const char *from, const char *name, double keep) {
    size_t size;
    uint8_t *b = read_back(target, from, &size);
    write_file(target, name, b, (size_t)((double)size * keep));
    free(b);
}

/* An existing seed with byte `at` (from the end when negative) set to `v`. */
static void emit_patched(const char *target, const char *from, const char *name, long at, uint8_t v) {
    size_t size;
    uint8_t *b = read_back(target, from, &size);
    size_t i = at < 0 ? size - (size_t)(-at) : (size_t)at;
    CHECK(i < size);
    b[i] = v;
    write_file(target, name, b, size);
    free(b);
}

/* A PNG seed with IHDR byte `at` set to `v` and the IHDR CRC made right
 * again, so the decoder sees the bad field rather than a bad CRC. */
static void emit_png_ihdr(const char *from, const char *name, long at, uint8_t v) {
    size_t size;
    uint8_t *b = read_back("png", from, &size);
    CHECK(size > 33 && at >= 16 && at < 29);
    b[at] = v;
    uLong crc = crc32(0L, b + 12, 17);
    b[29] = (uint8_t)(crc >> 24), b[30] = (uint8_t)(crc >> 16), b[31] = (uint8_t)(crc >> 8),
    b[32] = (uint8_t)crc;
    write_file("png", name, b, size);
    free(b);
}

/* ---- The corpora ------------------------------------------------------------ */

static void gen_jpeg(void) {
    uint8_t exif[32], icc[ICC_SIZE];
    zp_metadata m6 = {NULL, 0, exif, exif_blob(exif, 6, 0)};
    emit("jpeg", "gray-1x1.jpg", 1, 1, 1, ZP_U8, NULL, ZP_FORMAT_JPEG, 90, 0, 420, 0);
    emit("jpeg", "rgb-17x13-q90-420.jpg", 17, 13, 3, ZP_U8, NULL, ZP_FORMAT_JPEG, 90, 0, 420, 0);
    emit("jpeg", "rgb-33x9-q50-422.jpg", 33, 9, 3, ZP_U8, NULL, ZP_FORMAT_JPEG, 50, 0, 422, 0);
    emit("jpeg", "rgb-16x16-q100-444.jpg", 16, 16, 3, ZP_U8, NULL, ZP_FORMAT_JPEG, 100, 0, 444, 0);
    emit("jpeg", "rgb-9x31-q1.jpg", 9, 31, 3, ZP_U8, NULL, ZP_FORMAT_JPEG, 1, 0, 420, 0);
    emit("jpeg", "rgb-40x30-progressive.jpg", 40, 30, 3, ZP_U8, NULL, ZP_FORMAT_JPEG, 85, 1, 420, 0);
    emit("jpeg", "gray-23x11-progressive.jpg", 23, 11, 1, ZP_U8, NULL, ZP_FORMAT_JPEG, 75, 1, 0, 0);
    emit("jpeg", "rgba16-12x10-dropped-alpha.jpg", 12, 10, 4, ZP_U16, NULL, ZP_FORMAT_JPEG, 90, 0, 444, 0);
    emit("jpeg", "rgb-20x12-exif-orient6.jpg", 20, 12, 3, ZP_U8, &m6, ZP_FORMAT_JPEG, 80, 0, 420, 0);
    zp_metadata m3be = {NULL, 0, exif, exif_blob(exif, 3, 1)};
    emit("jpeg", "gray-14x6-exif-orient3-be.jpg", 14, 6, 1, ZP_U8, &m3be, ZP_FORMAT_JPEG, 80, 0, 0, 0);
    zp_metadata micc = {icc, icc_blob(icc, 0), exif, exif_blob(exif, 8, 0)};
    emit("jpeg", "rgb-18x18-icc-exif-orient8.jpg", 18, 18, 3, ZP_U8, &micc, ZP_FORMAT_JPEG, 70, 1, 420, 0);

    emit_libjpeg("cmyk-16x8-adobe.jpg", 16, 8, (jpeg_spec){4, JCS_CMYK, JCS_CMYK, 0, 0, 0, 0, 0});
    emit_libjpeg("ycck-16x8-adobe.jpg", 16, 8, (jpeg_spec){4, JCS_CMYK, JCS_YCCK, 0, 0, 0, 0, 0});
    emit_libjpeg("cmyk-12x12-progressive-icc.jpg", 12, 12,
                 (jpeg_spec){4, JCS_CMYK, JCS_CMYK, 0, 0, 1, 0, 1});
    emit_libjpeg("rgb-17x13-restart.jpg", 17, 13, (jpeg_spec){3, JCS_RGB, JCS_YCbCr, 1, 0, 0, 0, 0});
    emit_libjpeg("rgb-16x16-arithmetic.jpg", 16, 16, (jpeg_spec){3, JCS_RGB, JCS_YCbCr, 0, 1, 0, 0, 0});
    emit_libjpeg("rgb-24x8-arith-progressive.jpg", 24, 8,
                 (jpeg_spec){3, JCS_RGB, JCS_YCbCr, 0, 1, 1, 0, 0});
    emit_libjpeg("rgb-19x11-separate-scans.jpg", 19, 11,
                 (jpeg_spec){3, JCS_RGB, JCS_YCbCr, 0, 0, 0, 1, 0});
    emit_libjpeg("rgb-8x8-stored-rgb.jpg", 8, 8, (jpeg_spec){3, JCS_RGB, JCS_RGB, 0, 0, 0, 0, 0});
    emit_libjpeg("gray-10x10-icc-3-chunks.jpg", 10, 10,
                 (jpeg_spec){1, JCS_GRAYSCALE, JCS_GRAYSCALE, 0, 0, 0, 0, 3});

    emit_truncated("jpeg", "rgb-17x13-q90-420.jpg", "trunc-baseline-half.jpg", 0.5);
    emit_truncated("jpeg", "rgb-40x30-progressive.jpg", "trunc-progressive-half.jpg", 0.6);
    emit_truncated("jpeg", "rgb-17x13-q90-420.jpg", "trunc-header.jpg", 0.1);
    size_t size;
    uint8_t *b = read_back("jpeg", "rgb-16x16-q100-444.jpg", &size);
    /* The same without its EOI marker, and with junk inside the data. */
    write_file("jpeg", "no-eoi.jpg", b, size - 2);
    b[size / 2] = 0xff, b[size / 2 + 1] = 0x00, b[size / 2 + 2] ^= 0x55;
    write_file("jpeg", "corrupt-data.jpg", b, size);
    free(b);
    /* Frame header (SOF0) dimensions: 0 high, and 65500 x 65500 (over the limit). */
    b = read_back("jpeg", "rgb-17x13-q90-420.jpg", &size);
    size_t sof = 2;
    while (sof + 8 < size && !(b[sof] == 0xff && b[sof + 1] == 0xc0)) sof++;
    CHECK(sof + 8 < size);
    b[sof + 5] = 0, b[sof + 6] = 0;
    write_file("jpeg", "sof-height-0.jpg", b, size);
    b[sof + 5] = b[sof + 7] = 0xff, b[sof + 6] = b[sof + 8] = 0xdc;
    write_file("jpeg", "sof-65500x65500.jpg", b, size);
    free(b);
    static const uint8_t soi_only[] = {0xff, 0xd8, 0xff, 0xd9};
    write_file("jpeg", "soi-eoi.jpg", soi_only, sizeof soi_only);
}

static void gen_png(void) {
    uint8_t exif[32], icc[ICC_SIZE];
    emit("png", "gray8-1x1.png", 1, 1, 1, ZP_U8, NULL, ZP_FORMAT_PNG, 0, 0, 0, 0);
    emit("png", "ga8-7x5.png", 7, 5, 2, ZP_U8, NULL, ZP_FORMAT_PNG, 0, 0, 0, 0);
    emit("png", "rgb8-13x9.png", 13, 9, 3, ZP_U8, NULL, ZP_FORMAT_PNG, 0, 0, 0, 0);
    emit("png", "rgba8-16x16.png", 16, 16, 4, ZP_U8, NULL, ZP_FORMAT_PNG, 0, 0, 0, 0);
    emit("png", "gray16-9x7.png", 9, 7, 1, ZP_U16, NULL, ZP_FORMAT_PNG, 0, 0, 0, 0);
    emit("png", "rgba16-6x11.png", 6, 11, 4, ZP_U16, NULL, ZP_FORMAT_PNG, 0, 0, 0, 0);
    emit("png", "rgb-f32-as-16bit-5x5.png", 5, 5, 3, ZP_F32, NULL, ZP_FORMAT_PNG, 0, 0, 0, 16);
    zp_metadata m6 = {NULL, 0, exif, exif_blob(exif, 6, 0)};
    emit("png", "rgb8-12x7-exif-orient6.png", 12, 7, 3, ZP_U8, &m6, ZP_FORMAT_PNG, 0, 0, 0, 0);
    zp_metadata micc = {icc, icc_blob(icc, 0), exif, exif_blob(exif, 5, 1)};
    emit("png", "rgba8-10x6-icc-exif-orient5.png", 10, 6, 4, ZP_U8, &micc, ZP_FORMAT_PNG, 0, 0, 0, 0);
    zp_metadata mgray = {icc, icc_blob(icc, 1), NULL, 0};
    emit("png", "gray8-8x8-icc-gray.png", 8, 8, 1, ZP_U8, &mgray, ZP_FORMAT_PNG, 0, 0, 0, 0);

    emit_libpng("palette1-17x3.png", 17, 3, (png_spec){PNG_COLOR_TYPE_PALETTE, 1, 0, 0, 0, 0, 0, 0});
    emit_libpng("palette2-9x9-trns.png", 9, 9, (png_spec){PNG_COLOR_TYPE_PALETTE, 2, 0, 1, 0, 0, 0, 0});
    emit_libpng("palette4-11x7-adam7.png", 11, 7, (png_spec){PNG_COLOR_TYPE_PALETTE, 4, 1, 0, 0, 0, 0, 0});
    emit_libpng("palette8-16x16-trns-text.png", 16, 16,
                (png_spec){PNG_COLOR_TYPE_PALETTE, 8, 0, 1, 1, 0, 0, 0});
    emit_libpng("gray1-33x2.png", 33, 2, (png_spec){PNG_COLOR_TYPE_GRAY, 1, 0, 0, 0, 0, 0, 0});
    emit_libpng("gray2-5x5-trns.png", 5, 5, (png_spec){PNG_COLOR_TYPE_GRAY, 2, 0, 1, 0, 0, 0, 0});
    emit_libpng("gray4-7x13-adam7.png", 7, 13, (png_spec){PNG_COLOR_TYPE_GRAY, 4, 1, 0, 0, 0, 0, 0});
    emit_libpng("gray16-6x6-trns-extras.png", 6, 6, (png_spec){PNG_COLOR_TYPE_GRAY, 16, 0, 1, 0, 0, 0, 1});
    emit_libpng("rgb8-9x9-trns-adam7.png", 9, 9, (png_spec){PNG_COLOR_TYPE_RGB, 8, 1, 1, 0, 0, 0, 0});
    emit_libpng("rgba16-10x10-adam7.png", 10, 10, (png_spec){PNG_COLOR_TYPE_RGBA, 16, 1, 0, 0, 0, 0, 0});
    emit_libpng("ga16-3x17-many-idat.png", 3, 17,
                (png_spec){PNG_COLOR_TYPE_GRAY_ALPHA, 16, 0, 0, 0, 0, 1, 0});
    emit_libpng("rgb8-8x4-exif-after-idat.png", 8, 4, (png_spec){PNG_COLOR_TYPE_RGB, 8, 0, 0, 1, 1, 0, 1});
    emit_libpng("rgba8-1x40-adam7-exif-after.png", 1, 40,
                (png_spec){PNG_COLOR_TYPE_RGBA, 8, 1, 0, 0, 1, 1, 0});

    emit_truncated("png", "rgba8-16x16.png", "trunc-in-idat.png", 0.7);
    emit_truncated("png", "rgba16-10x10-adam7.png", "trunc-adam7.png", 0.5);
    emit_truncated("png", "rgb8-13x9.png", "trunc-in-ihdr.png", 0.25);
    emit_patched("png", "rgb8-13x9.png", "bad-ihdr-crc.png", 29, 0x00);
    emit_patched("png", "rgb8-13x9.png", "bad-idat-byte.png", 45, 0x5a);
    emit_patched("png", "rgb8-8x4-exif-after-idat.png", "bad-iend-crc.png", -1, 0x00);
    emit_png_ihdr("rgb8-13x9.png", "ihdr-color-type-5.png", 25, 5);
    emit_png_ihdr("rgb8-13x9.png", "ihdr-width-2g.png", 16, 0x7f);
    emit_png_ihdr("rgb8-13x9.png", "ihdr-width-0.png", 19, 0);
    emit_png_ihdr("rgb8-13x9.png", "ihdr-height-65536.png", 22, 1);
    emit_png_ihdr("rgb8-13x9.png", "ihdr-depth-16-short-data.png", 24, 16);
    emit_png_ihdr("rgb8-13x9.png", "ihdr-interlace-adam7-short-data.png", 28, 1);
}

static void gen_pnm(void) {
    emit("pnm", "p5-8bit-1x1.pgm", 1, 1, 1, ZP_U8, NULL, ZP_FORMAT_PNM, 0, 0, 0, 0);
    emit("pnm", "p6-8bit-13x7.ppm", 13, 7, 3, ZP_U8, NULL, ZP_FORMAT_PNM, 0, 0, 0, 0);
    emit("pnm", "p5-16bit-9x5.pgm", 9, 5, 1, ZP_U16, NULL, ZP_FORMAT_PNM, 0, 0, 0, 0);
    emit("pnm", "p6-16bit-from-rgba-4x6.ppm", 4, 6, 4, ZP_U16, NULL, ZP_FORMAT_PNM, 0, 0, 0, 0);
    static const uint8_t pix[] = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 200, 255, 7,
                                  0xff, 0xff, 0, 1, 2, 3, 4, 5};
    char buf[256];
    size_t n;
#define HAND(name, header, nbytes)                                     \
    do {                                                               \
        n = (size_t)snprintf(buf, sizeof buf, "%s", header);           \
        memcpy(buf + n, pix, nbytes);                                  \
        write_file("pnm", name, buf, n + (nbytes));                    \
    } while (0)
    HAND("comments.pgm", "P5\n# a comment\n4 # width\n2\n# maxval next\n255\n", 8);
    HAND("crlf-tabs.ppm", "P6\r\n2\t2\r\n255\r", 12);
    HAND("maxval-100-clamped.pgm", "P5 4 3 100\n", 12);
    HAND("maxval-1.pgm", "P5 3 2 1\n", 6);
    HAND("maxval-300-16bit.ppm", "P6 2 2 300\n", 24);
    HAND("maxval-65535.pgm", "P5 3 1 65535\n", 6);
    HAND("truncated-pixels.ppm", "P6 4 4 255\n", 10);
    HAND("truncated-header.pgm", "P5 4", 0);
    HAND("width-0.pgm", "P5 0 4 255\n", 4);
    HAND("maxval-0.pgm", "P5 2 2 0\n", 4);
    HAND("maxval-65536.pgm", "P5 2 2 65536\n", 8);
    HAND("huge-declared.pgm", "P5 2147483647 2147483647 255\n", 8);
    HAND("over-max-dim.pgm", "P5 2147483648 1 255\n", 8);
    HAND("junk-after-width.pgm", "P5 4x 2 255\n", 8);
    HAND("comment-to-eof.pgm", "P5 4 2 # no end", 0);
    HAND("p4-bitmap.pbm", "P4 8 2\n", 2);
    HAND("p3-ascii.ppm", "P3 1 1 255\n1 2 3\n", 0);
    HAND("no-space-before-pixels.pgm", "P5 2 2 255", 4);
    HAND("extra-bytes.pgm", "P5 2 2 255\n", 24);
#undef HAND
}

/* fuzz_pipeline input: 8 control bytes, then a file. */
static void emit_pipeline(const char *name, const uint8_t ctl[8], const char *target, const char *from) {
    size_t size;
    uint8_t *file = read_back(target, from, &size);
    uint8_t *b = malloc(size + 8);
    CHECK(b != NULL);
    memcpy(b, ctl, 8);
    memcpy(b + 8, file, size);
    write_file("pipeline", name, b, size + 8);
    free(b);
    free(file);
}

static void gen_pipeline(void) {
    static const struct {
        const char *name;
        uint8_t ctl[8];
        const char *target, *from;
    } seeds[] = {
        /* one seed per operation (c[2] = op), over formats and options */
        {"crop-png.bin", {0, 1, 0, 0x2b}, "png", "rgba8-16x16.png"},
        {"flip-jpeg-to-jpeg.bin", {1, 0x61, 1, 2}, "jpeg", "rgb-17x13-q90-420.jpg"},
        {"rotate-exif-jpeg.bin", {2, 0x01, 2, 0}, "jpeg", "rgb-20x12-exif-orient6.jpg"},
        {"transpose-pnm-to-pnm.bin", {2, 1, 3, 0}, "pnm", "p6-8bit-13x7.ppm"},
        {"extract-bgr-png16.bin", {3, 1, 4, 1}, "png", "rgba16-6x11.png"},
        {"drop-alpha-ga.bin", {0, 1, 5, 0}, "png", "ga8-7x5.png"},
        {"grayscale-f32.bin", {0x20, 1, 6, 0}, "png", "rgb8-13x9.png"},
        {"invert-gray16.bin", {0, 1, 7, 0}, "png", "gray16-9x7.png"},
        {"levels-progressive-out.bin", {0x41, 0xf1, 8, 0x5a}, "jpeg", "gray-23x11-progressive.jpg"},
        {"threshold-palette.bin", {0, 1, 9, 0x80}, "png", "palette4-11x7-adam7.png"},
        {"blur-cmyk.bin", {0, 1, 10, 0x10}, "jpeg", "cmyk-16x8-adobe.jpg"},
        {"box-blur-2-threads.bin", {0x80, 1, 11, 2}, "png", "rgba8-16x16.png"},
        {"sharpen-16bit-keep-no.bin", {0x04, 1, 12, 0x59}, "png", "rgba16-10x10-adam7.png"},
        {"convolve-edge.bin", {0, 1, 13, 1}, "pnm", "p5-16bit-9x5.pgm"},
        {"resize-scale.bin", {0, 1, 14, 0x87}, "jpeg", "rgb-40x30-progressive.jpg"},
        {"resize-width.bin", {3, 1, 14, 0x31}, "png", "gray4-7x13-adam7.png"},
        {"thumbnail-upscale.bin", {0, 1, 15, 0xe6}, "png", "palette1-17x3.png"},
        /* chains of three, metadata kept or stripped, orientation kept */
        {"chain3-exif-kept.bin", {0x08, 0x03, 2, 1, 10, 3, 14, 0x10}, "png",
         "rgba8-10x6-icc-exif-orient5.png"},
        {"chain3-strip-jpeg.bin", {0x11, 0x0b, 0, 0x49, 12, 0x21, 15, 0x88}, "jpeg",
         "rgb-18x18-icc-exif-orient8.jpg"},
        {"chain3-f32-png16.bin", {0x23, 0x03, 6, 0, 8, 0x33, 13, 0x12}, "jpeg", "ycck-16x8-adobe.jpg"},
        {"chain2-errors.bin", {0, 0x02, 2, 5, 4, 7}, "png", "gray8-1x1.png"},
        {"none-pnm-to-jpeg.bin", {1, 0x00}, "pnm", "maxval-300-16bit.ppm"},
        {"none-truncated.bin", {0, 0}, "png", "trunc-in-idat.png"},
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        emit_pipeline(seeds[i].name, seeds[i].ctl, seeds[i].target, seeds[i].from);
}

static void gen_ops(void) {
    static const struct {
        const char *name, *text;
    } seeds[] = {
        {"crop-named.txt", "crop:x=1,y=1,w=3,h=2"},
        {"crop-positional.txt", "crop:1,1,3,2"},
        {"crop-outside.txt", "crop:x=100,y=0,w=5,h=5"},
        {"flip-rotate-transpose.txt", "flip:both rotate:270 transpose rotate:-90 flip:axis=y"},
        {"extract-drop-alpha.txt", "extract:channels=2;1;0 drop_alpha extract:0"},
        {"extract-bad.txt", "extract:0;1;3"},
        {"point-filters.txt", "grayscale invert levels:0.1,1.5,2.2 threshold:value=0.25"},
        {"levels-named.txt", "levels:gamma=0.5,brightness=-0.2,contrast=0"},
        {"blur-sharpen.txt", "blur:sigma=1.5 sharpen:sigma=0.8,amount=2,threshold=0.1 box_blur:2"},
        {"blur-huge.txt", "blur:1000"},
        {"convolve.txt", "convolve:kernel=1;2;1;2;4;2;1;2;1,scale=0.0625,offset=0"},
        {"convolve-zero-sum.txt", "convolve:kernel=-1;-1;-1;-1;8;-1;-1;-1;-1"},
        {"convolve-spaces.txt", "convolve:kernel=0 0 0 0 1 0 0 0 0,offset=0.5\nflip"},
        {"convolve-5x5.txt", "convolve:kernel=1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1"},
        {"convolve-not-square.txt", "convolve:kernel=1;1;1;1;1;1;1;1;1;1"},
        {"resize-kernels.txt", "resize:20 resize:height=3,kernel=nearest resize:scale=1.5,kernel=bicubic"},
        {"resize-both.txt", "resize:width=9,height=2,kernel=bilinear"},
        {"resize-scale-and-width.txt", "resize:width=4,scale=2"},
        {"resize-huge.txt", "resize:65535,65535"},
        {"thumbnail.txt", "thumbnail:8,8,lanczos3,yes thumbnail:width=2,upscale=off"},
        {"thumbnail-none.txt", "thumbnail"},
        {"booleans.txt", "thumbnail:4,4,upscale=TRUE thumbnail:4,4,upscale=On thumbnail:4,upscale=0"},
        {"numbers.txt", "levels:+0.5e-1,1E1,.5 threshold:1. blur:0.1"},
        {"bad-numbers.txt", "blur:nan blur:inf blur:1e999 blur:0x10 blur:-0 levels:1,,1"},
        {"unknown-filter.txt", "blurr:2"},
        {"unknown-param.txt", "crop:x=1,z=2"},
        {"duplicate-param.txt", "crop:x=1,x=2"},
        {"too-many-positional.txt", "rotate:90,1"},
        {"empty-value.txt", "crop:x=,y=1"},
        {"trailing-colon.txt", "invert: grayscale:"},
        {"separators.txt", "  \t invert\n\n grayscale\r\n"},
        {"empty.txt", ""},
        {"choice-bad.txt", "flip:z resize:4,kernel=cubic"},
        {"rotate-bad.txt", "rotate:45 rotate:360"},
        {"box-blur-range.txt", "box_blur:0 box_blur:2001 box_blur:1.5"},
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        write_text("ops", seeds[i].name, seeds[i].text);
    /* Over the chain-length limit, and just at it. */
    char *many = malloc(300 * 7 + 1);
    CHECK(many != NULL);
    many[0] = '\0';
    for (int i = 0; i < ZP_MAX_OPERATIONS; i++) strcat(many, "invert ");
    write_text("ops", "chain-256.txt", many);
    strcat(many, "invert");
    write_text("ops", "chain-257.txt", many);
    free(many);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUT_FOLDER   (writes OUT/jpeg, png, pnm, pipeline, ops)\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen_corpus: mkdir %s: %s\n", out_dir, strerror(errno));
        return 1;
    }
    gen_jpeg();
    gen_png();
    gen_pnm();
    gen_pipeline(); /* reads seeds of the image corpora */
    gen_ops();
    printf("gen_corpus: wrote %d files under %s\n", written, out_dir);
    return 0;
}
