/* fuzz_common.h: what every zeropix fuzz target shares: the libFuzzer
 * entry declaration, a check that aborts (so a broken invariant is a crash
 * to libFuzzer and a failed test to the replay driver, in every build
 * type), the decode limits used while fuzzing, and the decode-and-verify
 * routine behind fuzz_jpeg, fuzz_png and fuzz_pnm.
 *
 * Header-only (static functions): each target is one .c file plus this. */
#ifndef ZEROPIX_FUZZ_COMMON_H
#define ZEROPIX_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zeropix/codec.h"
#include "zeropix/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Not assert(): it must fire in Release builds too. */
#define FUZZ_CHECK(cond)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: fuzz check failed: %s (last error: %s)\n",  \
                    __FILE__, __LINE__, #cond, zp_last_error());                \
            abort();                                                            \
        }                                                                       \
    } while (0)

/* Limits while fuzzing: small enough that one input costs milliseconds and
 * a header declaring a huge image is refused instead of allocated (the
 * default limits have their own tests). */
#define FUZZ_MAX_PIXELS ((uint64_t)1 << 22)   /* 4 MP: 64 MiB of RGBA u16 */
/* Images up to this size are also decoded the other ways (fuzz_decode). */
#define FUZZ_SMALL_PIXELS ((uint64_t)1 << 16)

static inline void fuzz_decode_options(zp_decode_options *opt) {
    zp_decode_options_init(opt);
    opt->limits.max_pixels = FUZZ_MAX_PIXELS;
    opt->limits.max_chunk_size = (uint64_t)1 << 20;
}

/* Read every sample and every metadata byte, so that an out-of-bounds view
 * or a short blob is an ASan report here rather than in a caller. */
static inline uint32_t fuzz_touch_view(const zp_view *v) {
    uint32_t sum = 0;
    size_t item = zp_dtype_size(v->dtype);
    for (int32_t y = 0; y < v->height; y++)
        for (int32_t x = 0; x < v->width; x++)
            for (int32_t c = 0; c < v->channels; c++) {
                const uint8_t *p = (const uint8_t *)zp_view_pixel(v, x, y) + c * v->stride_c;
                for (size_t b = 0; b < item; b++) sum = sum * 31u + p[b];
            }
    return sum;
}

static inline uint32_t fuzz_touch_bytes(const uint8_t *p, size_t n) {
    uint32_t sum = 0;
    for (size_t i = 0; i < n; i++) sum = sum * 31u + p[i];
    return sum;
}

/* 1 when the two views (same geometry and dtype) hold the same samples. */
static inline int fuzz_views_equal(const zp_view *a, const zp_view *b) {
    if (a->width != b->width || a->height != b->height || a->channels != b->channels ||
        a->dtype != b->dtype)
        return 0;
    size_t item = zp_dtype_size(a->dtype);
    for (int32_t y = 0; y < a->height; y++)
        for (int32_t x = 0; x < a->width; x++)
            for (int32_t c = 0; c < a->channels; c++) {
                const char *pa = (const char *)zp_view_pixel(a, x, y) + c * a->stride_c;
                const char *pb = (const char *)zp_view_pixel(b, x, y) + c * b->stride_c;
                if (memcmp(pa, pb, item) != 0) return 0;
            }
    return 1;
}

/* What a successful decode must look like. */
static inline void fuzz_check_image(const zp_image *img, const zp_image_info *header) {
    FUZZ_CHECK(zp_view_check(&img->view) == ZP_OK);
    FUZZ_CHECK(img->view.width == header->width && img->view.height == header->height);
    FUZZ_CHECK(img->view.channels == header->channels && img->view.dtype == header->dtype);
    FUZZ_CHECK(img->view.channels >= 1 && img->view.channels <= 4);
    FUZZ_CHECK((uint64_t)img->view.width * (uint64_t)img->view.height <= FUZZ_MAX_PIXELS);
    FUZZ_CHECK(img->info.orientation >= 1 && img->info.orientation <= 8);
    FUZZ_CHECK(img->info.color != NULL);
    FUZZ_CHECK((img->meta.icc == NULL) == (img->meta.icc_size == 0));
    FUZZ_CHECK((img->meta.exif == NULL) == (img->meta.exif_size == 0));
    (void)fuzz_touch_view(&img->view);
    (void)fuzz_touch_bytes(img->meta.icc, img->meta.icc_size);
    (void)fuzz_touch_bytes(img->meta.exif, img->meta.exif_size);
    if (img->meta.exif) {
        int o = zp_exif_get_orientation(img->meta.exif, img->meta.exif_size);
        FUZZ_CHECK(o >= 1 && o <= 8);
    }
}

/* The lenient and the strict decodes of a small image (see fuzz_decode):
 * anything but a crash is fine. */
static inline void fuzz_decode_variants(const uint8_t *data, size_t size,
                                        const zp_decode_options *base) {
    /* Orientation as stored, 16 bit rounded to 8, no metadata, and
     * fail_on none (truncated files decode, the rest blank), into a
     * flipped f32 view. */
    zp_decode_options opt = *base;
    opt.apply_orientation = 0;
    opt.keep_16bit = 0;
    opt.read_metadata = 0;
    opt.fail_on = ZP_FAIL_ON_NONE;
    zp_decoder *d = NULL;
    if (zp_decoder_open_memory(data, size, &opt, &d) == ZP_OK) {
        const zp_image_info *i = zp_decoder_info(d);
        zp_view f, flipped;
        if (zp_view_alloc(i->width, i->height, i->channels, ZP_F32, &f) == ZP_OK) {
            FUZZ_CHECK(zp_view_flip(&f, ZP_FLIP_X | ZP_FLIP_Y, &flipped) == ZP_OK);
            if (zp_decoder_read_into(d, &flipped) == ZP_OK) {
                (void)fuzz_touch_view(&f);
                FUZZ_CHECK(zp_decoder_warning(d) != NULL);
            }
            zp_view_release(&flipped);
            zp_view_release(&f);
        }
        zp_decoder_close(d);
    }
    /* fail_on warning: any warning fails, and says so. */
    opt = *base;
    opt.fail_on = ZP_FAIL_ON_WARNING;
    zp_image img;
    zp_clear_error();
    if (zp_image_decode_memory(data, size, &opt, &img) == ZP_OK) {
        FUZZ_CHECK(img.info.warnings == 0 && !img.info.truncated);
        zp_image_release(&img);
    } else {
        FUZZ_CHECK(zp_last_error()[0] != '\0');
    }
}

/* Decode `data` (which must be of `format`, else nothing is done) in four
 * ways and check what comes out:
 *   1. zp_decoder_read() with the fuzzing defaults: on success the image
 *      must match the header and every byte of it must be readable;
 *   2. (small images, when 1 succeeded) the same options into a caller's
 *      packed view filled with a pattern first: it must succeed too, with
 *      the same pixels as 1, so no pixel is left unwritten;
 *   3. (small images, whether 1 succeeded or not) the lenient options
 *      (stored orientation, 16 bit rounded to 8, no metadata, fail_on
 *      none: the truncated-file paths) into a flipped f32 view, and
 *   4. fail_on warning: anything but a crash is fine for both.
 * On success of 1, `out` (when not NULL) receives the image (release it);
 * the status of 1 is returned. */
static inline zp_status fuzz_decode(const uint8_t *data, size_t size, zp_format format,
                                    zp_image *out) {
    if (out) memset(out, 0, sizeof *out);
    if (zp_format_detect(data, size) != format) return ZP_ERR_UNKNOWN_FORMAT;

    zp_decode_options opt;
    fuzz_decode_options(&opt);
    zp_decoder *dec = NULL;
    zp_status st = zp_decoder_open_memory(data, size, &opt, &dec);
    if (st) {
        FUZZ_CHECK(dec == NULL);
        return st;
    }
    const zp_image_info header = *zp_decoder_info(dec);
    FUZZ_CHECK(header.format == format);
    FUZZ_CHECK(header.width >= 1 && header.height >= 1);
    FUZZ_CHECK((uint64_t)header.width * (uint64_t)header.height <= FUZZ_MAX_PIXELS);
    const int small = (uint64_t)header.width * (uint64_t)header.height <= FUZZ_SMALL_PIXELS;
    zp_image img;
    st = zp_decoder_read(dec, &img);
    /* A decoder is used once: a second read must be refused, not re-run. */
    zp_image again;
    FUZZ_CHECK(zp_decoder_read(dec, &again) != ZP_OK);
    zp_decoder_close(dec);
    if (small) {
        fuzz_decode_variants(data, size, &opt);
        /* The same bytes as a stream (the path of files and stdin: the
         * codecs read them in pieces) must give the same status and pixels. */
        FILE *f = fmemopen((void *)data, size, "rb");
        FUZZ_CHECK(f != NULL);
        zp_decoder *ds = NULL;
        zp_image simg;
        zp_status sst = zp_decoder_open_stream(f, &opt, &ds);
        if (!sst) {
            sst = zp_decoder_read(ds, &simg);
            zp_decoder_close(ds);
        }
        fclose(f);
        if (sst != st)
            fprintf(stderr, "memory gave status %d, a stream %d: %s\n", (int)st, (int)sst,
                    zp_last_error());
        FUZZ_CHECK(sst == st);
        if (!sst) {
            FUZZ_CHECK(fuzz_views_equal(&img.view, &simg.view));
            zp_image_release(&simg);
        }
    }
    if (st) return st;
    fuzz_check_image(&img, &header);
    FUZZ_CHECK(!img.info.truncated); /* only ZP_FAIL_ON_NONE decodes a cut file */

    if (small) {
        /* 2. Into a caller's packed view pre-filled with a pattern. */
        zp_view dst;
        FUZZ_CHECK(zp_view_alloc(header.width, header.height, header.channels, header.dtype,
                                 &dst) == ZP_OK);
        memset(zp_buffer_data(dst.owner), 0xA5, zp_buffer_size(dst.owner));
        zp_decoder *d2 = NULL;
        FUZZ_CHECK(zp_decoder_open_memory(data, size, &opt, &d2) == ZP_OK);
        zp_status st2 = zp_decoder_read_into(d2, &dst);
        if (st2 != ZP_OK)
            fprintf(stderr, "read_into failed where read succeeded: %s\n", zp_last_error());
        FUZZ_CHECK(st2 == ZP_OK);
        FUZZ_CHECK(fuzz_views_equal(&img.view, &dst));
        zp_decoder_close(d2);
        zp_view_release(&dst);
    }
    if (out) *out = img;
    else zp_image_release(&img);
    return ZP_OK;
}

/* Encode a decoded image to memory as `format` and decode it again: a file
 * zeropix writes must be one it reads. For the lossless formats (PNG, and
 * PNM when the channels fit) the samples and metadata must come back
 * exactly. */
static inline void fuzz_roundtrip(const zp_image *img, zp_format format) {
    zp_encode_options eo;
    zp_encode_options_init(&eo);
    eo.format = format;
    eo.compression = 1; /* speed: the bytes are what is tested, not the ratio */
    void *buf = NULL;
    size_t len = 0;
    zp_status st = zp_image_encode_memory(&img->view, &img->meta, &eo, &buf, &len);
    if (st != ZP_OK) fprintf(stderr, "encoding a decoded image failed: %s\n", zp_last_error());
    FUZZ_CHECK(st == ZP_OK);
    FUZZ_CHECK(buf != NULL && len > 0);
    zp_decode_options opt;
    fuzz_decode_options(&opt);
    zp_image back;
    st = zp_image_decode_memory(buf, len, &opt, &back);
    if (st != ZP_OK) fprintf(stderr, "decoding what zeropix wrote failed: %s\n", zp_last_error());
    FUZZ_CHECK(st == ZP_OK);
    FUZZ_CHECK(back.view.width == img->view.width && back.view.height == img->view.height);
    int lossless = format == ZP_FORMAT_PNG ||
                   (format == ZP_FORMAT_PNM && (img->view.channels == 1 || img->view.channels == 3));
    if (lossless) {
        FUZZ_CHECK(fuzz_views_equal(&img->view, &back.view));
        if (format == ZP_FORMAT_PNG) {
            /* The profile may be lost, not changed: libpng refuses an iCCP
             * chunk under 92 bytes ("too short"), which a profile that
             * compresses well can become when written again. */
            FUZZ_CHECK(back.meta.icc_size == 0 || (back.meta.icc_size == img->meta.icc_size &&
                       memcmp(back.meta.icc, img->meta.icc, img->meta.icc_size) == 0));
            FUZZ_CHECK(back.meta.exif_size == img->meta.exif_size);
            FUZZ_CHECK(img->meta.exif_size == 0 ||
                       memcmp(back.meta.exif, img->meta.exif, img->meta.exif_size) == 0);
        }
    }
    zp_image_release(&back);
    zp_free(buf);
}

#endif
