/* png_decode.c: the PNG decoder (libpng 1.6) and the zp__codec_png table.
 *
 * Output layout. Every colour type and bit depth decodes to packed rows of
 * the samples stored in the file:
 *   gray -> 1 channel, gray+alpha -> 2, RGB -> 3, RGBA -> 4,
 *   palette -> 3 (RGB), or 4 when the file has tRNS,
 *   gray or RGB with tRNS -> one more channel: alpha from the tRNS colour.
 * Depths 1, 2 and 4 are scaled to 8 bit (a 2-bit 3 becomes 255). 16-bit
 * samples stay ZP_U16 in native byte order when opt->keep_16bit, and are
 * rounded to 8 bit by png_set_scale_16 otherwise.
 *
 * Values are the raw stored samples: NO gamma correction (gAMA, sRGB, cHRM
 * and iCCP are not applied; the ICC profile is handed to the caller in
 * zp_image.meta) and sBIT is ignored (a 5-bit sample stored as 8 stays the
 * 8-bit value in the file). Colour management belongs to the caller.
 *
 * Errors. libpng reports fatal errors through the error callback, which
 * keeps the message and longjmps back to the setjmp of the calling
 * function; warnings (including benign errors such as a bad ancillary
 * chunk CRC or an invalid ICC profile, which libpng then drops) are not
 * fatal and are ignored. A decoder that failed stays failed. */
#include <limits.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

#include "png_internal.h"

typedef struct png_state {
    png_structp  png;
    png_infop    info;
    zp__reader  *reader;
    zp_metadata *meta;          /* the caller's; valid until close          */
    int          read_metadata;
    int32_t      width, height, channels;
    zp_dtype     dtype;
    int          interlaced;
    uint64_t     max_chunk_size;
    int          short_read;    /* the reader ran out of data               */
    int          chunk_over_limit; /* a chunk is longer than max_chunk_size */
    int          failed;        /* a libpng error happened: stay failed     */
    int          done;          /* every row was read                       */
    int          started;       /* rows are being read                      */
    int32_t      next_row;      /* sequential: the next row to read         */
    int          blank_rest;    /* truncated under ZP_FAIL_ON_NONE: rows from
                                   next_row on are zero                      */
    int          passes;        /* 7 for Adam7, 1 otherwise                 */
    char         msg[200];      /* libpng's message of the fatal error      */
    char         warning[200];  /* libpng's last warning                    */
    int          warning_fatal; /* a warning under ZP_FAIL_ON_WARNING        */
    size_t       zero_padded;   /* zeros handed to libpng past the end      */
} png_state;

static void on_error(png_structp png, png_const_charp msg) {
    png_state *s = (png_state *)png_get_error_ptr(png);
    snprintf(s->msg, sizeof s->msg, "%s", msg && *msg ? msg : "unknown libpng error");
    png_longjmp(png, 1);
}

/* Warnings are not fatal; the last one is kept because libpng explains a
 * bad IHDR in warnings before its error ("Invalid IHDR data"). */
static void on_warning(png_structp png, png_const_charp msg) {
    png_state *s = (png_state *)png_get_error_ptr(png);
    snprintf(s->warning, sizeof s->warning, "%s", msg ? msg : "");
    /* Harmless (libpng skipped or fixed something): it fails the decode only
     * at ZP_FAIL_ON_WARNING, checked after open and after the rows. */
    if (zp__diag_warn(s->reader->diag, ZP_FAIL_ON_WARNING, "PNG: %s", s->warning))
        s->warning_fatal = 1;
}

/* Under ZP_FAIL_ON_WARNING, a warning fails the decode once libpng is done. */
static zp_status warning_failure(png_state *s) {
    s->failed = 1;
    return zp__fail(ZP_ERR_CORRUPT, "%s (--fail-on warning)", s->reader->diag->first);
}

/* Each chunk header reaches us as one 8-byte read (libpng reads it "in a
 * single I/O call"). That is where max_chunk_size is enforced: libpng 1.6
 * only warns about an ancillary chunk over png_set_chunk_malloc_max() and
 * then reads it whole (eXIf, tEXt). IDAT is bounded by the image size. */
static void check_chunk_header(png_structp png, png_state *s, const png_byte *hdr) {
    uint32_t len = png_get_uint_32(hdr);
    for (int i = 4; i < 8; i++)
        if (!((hdr[i] >= 'A' && hdr[i] <= 'Z') || (hdr[i] >= 'a' && hdr[i] <= 'z')))
            return; /* not a chunk type: libpng reports it */
    if (len > s->max_chunk_size && memcmp(hdr + 4, "IDAT", 4) != 0 && len <= PNG_UINT_31_MAX) {
        s->chunk_over_limit = 1;
        snprintf(s->msg, sizeof s->msg, "%.4s chunk of %lu bytes", (const char *)hdr + 4,
                 (unsigned long)len);
        png_longjmp(png, 1);
    }
}

static void on_read(png_structp png, png_bytep data, size_t n) {
    png_state *s = (png_state *)png_get_io_ptr(png);
    size_t got = zp__reader_read(s->reader, data, n);
    if (got < n) {
        s->short_read = 1;
        /* ZP_FAIL_ON_NONE decodes what is there: libpng asks for 8 KiB at a
         * time, so hand it the bytes there were and zeros after them; the
         * rows the real data holds decode, then zlib or the CRC check fails
         * on the zeros and the rest is made blank (truncated_rows). */
        if (s->reader->diag && s->reader->diag->fail_on == ZP_FAIL_ON_NONE && !s->reader->io_errno &&
            s->zero_padded < 1 << 20) {
            memset(data + got, 0, n - got);
            s->zero_padded += n - got;
        } else {
            png_error(png, "unexpected end of data");
        }
    }
#ifdef PNG_IO_STATE_SUPPORTED
    if (n == 8 && s->max_chunk_size &&
        (png_get_io_state(png) & PNG_IO_MASK_LOC) == PNG_IO_CHUNK_HDR)
        check_chunk_header(png, s, data);
#endif
}

/* The status for the libpng error that just longjmp'd back to us. */
static zp_status libpng_failure(png_state *s) {
    s->failed = 1;
    if (s->short_read)
        return zp__reader_short(s->reader, "PNG");
    if (s->chunk_over_limit)
        return zp__fail(ZP_ERR_LIMIT, "PNG: %s is over the limit of %llu bytes (max_chunk_size)",
                        s->msg, (unsigned long long)s->max_chunk_size);
    if (strstr(s->msg, "ut of memory"))
        return zp__fail(ZP_ERR_NOMEM, "PNG: %s", s->msg);
    if (!strcmp(s->msg, "Invalid IHDR data") && s->warning[0])
        return zp__fail(ZP_ERR_CORRUPT, "PNG: %s: %s", s->msg, s->warning);
    return zp__fail(ZP_ERR_CORRUPT, "PNG: %s", s->msg);
}

static const char *color_name(int color_type) {
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: return "gray";
    case PNG_COLOR_TYPE_GRAY_ALPHA: return "gray+alpha";
    case PNG_COLOR_TYPE_RGB: return "rgb";
    case PNG_COLOR_TYPE_RGB_ALPHA: return "rgba";
    case PNG_COLOR_TYPE_PALETTE: return "palette";
    default: return "unknown";
    }
}

static zp_status copy_blob(const uint8_t *src, size_t size, uint8_t **dst, size_t *dst_size) {
    uint8_t *copy = malloc(size);
    if (!copy)
        return zp__fail(ZP_ERR_NOMEM, "PNG: out of memory for %zu bytes of metadata", size);
    memcpy(copy, src, size);
    *dst = copy;
    *dst_size = size;
    return ZP_OK;
}

/* ICC and EXIF into meta (copies), and their sizes into info. No libpng
 * call here can longjmp. */
static zp_status take_metadata(png_state *s, zp_image_info *info) {
    png_charp name = NULL;
    int compression = 0;
    png_bytep icc = NULL, exif = NULL;
    png_uint_32 icc_size = 0, exif_size = 0;
    zp_status st;

    if (!png_get_iCCP(s->png, s->info, &name, &compression, &icc, &icc_size))
        icc = NULL, icc_size = 0;
    if (!png_get_eXIf_1(s->png, s->info, &exif_size, &exif))
        exif = NULL, exif_size = 0;
    if (!icc) icc_size = 0;
    if (!exif) exif_size = 0;

    info->icc_size = icc_size;
    info->exif_size = exif_size;
    info->orientation = exif_size ? zp_exif_get_orientation(exif, exif_size) : 1;

    if (!s->read_metadata)
        return ZP_OK;
    if (icc_size && !s->meta->icc) {
        st = copy_blob(icc, icc_size, &s->meta->icc, &s->meta->icc_size);
        if (st) return st;
    }
    if (exif_size && !s->meta->exif) {
        st = copy_blob(exif, exif_size, &s->meta->exif, &s->meta->exif_size);
        if (st) return st;
    }
    return ZP_OK;
}

/* Everything in open that may call into libpng's error path. */
static zp_status open_header(png_state *s, const zp_decode_options *opt, zp_image_info *info) {
    png_uint_32 width, height;
    int bit_depth, color_type, interlace, channels, has_trns;

    zp_status st;

    if (setjmp(png_jmpbuf(s->png)))
        return libpng_failure(s);

    png_set_read_fn(s->png, s, on_read);
    /* libpng's own default limits (1,000,000 pixels a side, 8 MB chunks)
     * are replaced by zeropix's: the PNG format maximum here, and
     * zp__check_dimensions() below with the caller's max_pixels. */
    png_set_user_limits(s->png, 0x7fffffff, 0x7fffffff);
    /* Bounds what libpng allocates for decompressed chunks (iCCP, zTXt,
     * iTXt: dropped with a warning when over); on_read() checks the stored
     * chunk lengths. 0 = no limit for both zeropix and libpng (which
     * otherwise would keep its 8 MB default). */
    png_set_chunk_malloc_max(s->png, (png_alloc_size_t)(opt->limits.max_chunk_size > SIZE_MAX
                                                            ? SIZE_MAX
                                                            : opt->limits.max_chunk_size));
    png_set_chunk_cache_max(s->png, 1000);
    /* zeropix never uses PNG text, and libpng would keep every inflated
     * zTXt/iTXt with no limit on their sum: skip them unread (a bomb of
     * many compressed text chunks costs nothing). */
    png_set_keep_unknown_chunks(s->png, PNG_HANDLE_CHUNK_NEVER,
                                (png_const_bytep) "tEXt\0zTXt\0iTXt\0", 3);

    png_read_info(s->png, s->info);

    if (!png_get_IHDR(s->png, s->info, &width, &height, &bit_depth, &color_type, &interlace,
                      NULL, NULL))
        return zp__fail(ZP_ERR_CORRUPT, "PNG: no IHDR");
    st = zp__check_dimensions(&opt->limits, width, height);
    if (st)
        return st;

    /* Transformations to the layout described at the top of this file. */
    has_trns = png_get_valid(s->png, s->info, PNG_INFO_tRNS) != 0;
    switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: channels = 1 + has_trns; break;
    case PNG_COLOR_TYPE_GRAY_ALPHA: channels = 2; break;
    case PNG_COLOR_TYPE_RGB: channels = 3 + has_trns; break;
    case PNG_COLOR_TYPE_RGB_ALPHA: channels = 4; break;
    case PNG_COLOR_TYPE_PALETTE: channels = 3 + has_trns; break;
    default: return zp__fail(ZP_ERR_CORRUPT, "PNG: colour type %d", color_type);
    }
    if (color_type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(s->png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8)
        png_set_expand_gray_1_2_4_to_8(s->png);
    if (has_trns)
        png_set_tRNS_to_alpha(s->png);
    if (bit_depth == 16 && opt->keep_16bit) {
        s->dtype = ZP_U16;
        if (zp__png_host_little_endian())
            png_set_swap(s->png);
    } else {
        s->dtype = ZP_U8;
        if (bit_depth == 16)
            png_set_scale_16(s->png);
    }
    s->interlaced = interlace != PNG_INTERLACE_NONE;
    s->passes = png_set_interlace_handling(s->png);
    /* png_read_update_info() allocates row buffers that scale with the
     * width: it runs in read(), so that opening (and `zeropix info`) stays
     * header-only whatever the header says. */
    s->width = (int32_t)width;
    s->height = (int32_t)height;
    s->channels = channels;

    info->format = ZP_FORMAT_PNG;
    info->width = s->width;
    info->height = s->height;
    info->channels = channels;
    info->dtype = s->dtype;
    info->bit_depth = bit_depth;
    info->color = color_name(color_type);
    info->interlaced = s->interlaced;
    return ZP_OK;
}

static zp_status png_open(zp__reader *r, const zp_decode_options *opt, zp_image_info *info,
                          zp_metadata *meta, void **state) {
    zp_decode_options defaults;
    png_state *s;
    zp_status st;

    *state = NULL;
    if (!opt) {
        zp_decode_options_init(&defaults);
        opt = &defaults;
    }
    s = calloc(1, sizeof *s);
    if (!s)
        return zp__fail(ZP_ERR_NOMEM, "PNG: out of memory");
    *state = s; /* close() frees it, also after a failed open */
    s->reader = r;
    s->meta = meta;
    s->read_metadata = opt->read_metadata && meta != NULL;
    s->max_chunk_size = opt->limits.max_chunk_size;

    s->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, s, on_error, on_warning);
    if (s->png)
        s->info = png_create_info_struct(s->png);
    if (!s->png || !s->info) {
        s->failed = 1;
        return zp__fail(ZP_ERR_NOMEM, "PNG: out of memory creating the libpng decoder");
    }

    st = open_header(s, opt, info);
    if (!st)
        st = take_metadata(s, info);
    if (!st && s->warning_fatal)
        st = warning_failure(s);
    if (st)
        s->failed = 1;
    return st;
}

/* Apply the transformations and check that libpng agrees with the layout
 * announced at open, or rows would not fit the sink. */
static zp_status start_rows(png_state *s) {
    size_t itemsize = s->dtype == ZP_U16 ? 2 : 1, expect_rowbytes;
    if (setjmp(png_jmpbuf(s->png)))
        return libpng_failure(s);
    png_read_update_info(s->png, s->info);
    if (png_get_channels(s->png, s->info) != s->channels ||
        png_get_bit_depth(s->png, s->info) != itemsize * 8 ||
        zp__mul_size((size_t)s->width * (size_t)s->channels, itemsize, &expect_rowbytes) ||
        png_get_rowbytes(s->png, s->info) != expect_rowbytes)
        return zp__fail(ZP_ERR_CORRUPT, "PNG: unexpected row layout (%d channels, %d bit)",
                        (int)png_get_channels(s->png, s->info),
                        (int)png_get_bit_depth(s->png, s->info));
    return ZP_OK;
}

/* The data ended at row `done`: fail, or (ZP_FAIL_ON_NONE) keep the rows
 * decoded and make the rest zero (as they are asked for), saying so. */
static zp_status truncated_rows(png_state *s, int32_t done) {
    zp__diag *diag = s->reader->diag;
    if (!s->short_read || s->reader->io_errno ||
        zp__diag_warn(diag, ZP_FAIL_ON_TRUNCATED,
                      "PNG: file ends early (truncated): %d of %d rows decoded", (int)done,
                      (int)s->height))
        return libpng_failure(s);
    diag->truncated = 1;
    s->blank_rest = 1;
    return ZP_OK;
}

/* Rows in file order, one at a time, straight into the sink, up to `until`. */
static zp_status read_sequential(png_state *s, zp__rowsink *sink, int32_t until) {
    if (setjmp(png_jmpbuf(s->png)))
        return truncated_rows(s, s->next_row);
    for (; s->next_row < until; s->next_row++) {
        if (zp__rowsink_cancelled(sink))
            return zp__fail(ZP_ERR_BAD_STATE, "PNG: decoding cancelled at row %d", (int)s->next_row);
        png_read_row(s->png, (png_bytep)zp__rowsink_row(sink, s->next_row), NULL);
        zp__rowsink_commit(sink, s->next_row);
    }
    if (s->next_row == s->height) png_read_end(s->png, s->info);
    return ZP_OK;
}

/* Adam7 revisits every row on each of its 7 passes: decode into a packed
 * whole-image view. Rows go one at a time, as png_read_image() would do it,
 * without its array of row pointers (8 bytes a row, more than the pixels
 * of a narrow image). */
static zp_status read_interlaced(png_state *s, zp__rowsink *sink) {
    zp_view whole;
    int pass;
    int32_t y;
    zp_status st = zp__rowsink_whole(sink, &whole);
    if (st)
        return st;
    if (s->reader->diag && s->reader->diag->fail_on == ZP_FAIL_ON_NONE) {
        /* A cut file leaves pixels no pass reached: make them zero. */
        size_t row = (size_t)s->width * (size_t)s->channels * (s->dtype == ZP_U16 ? 2 : 1);
        for (y = 0; y < s->height; y++)
            memset((png_bytep)whole.data + (ptrdiff_t)y * whole.stride_y, 0, row);
    }
    if (setjmp(png_jmpbuf(s->png))) {
        if (!s->short_read || s->reader->io_errno ||
            zp__diag_warn(s->reader->diag, ZP_FAIL_ON_TRUNCATED,
                          "PNG: file ends early (truncated) in an interlaced image"))
            return libpng_failure(s);
        s->reader->diag->truncated = 1;
        return zp__rowsink_whole_done(sink);
    }
    for (pass = 0; pass < s->passes; pass++)
        for (y = 0; y < s->height; y++)
            png_read_row(s->png, (png_bytep)whole.data + (ptrdiff_t)y * whole.stride_y, NULL);
    png_read_end(s->png, s->info);
    return zp__rowsink_whole_done(sink);
}

static zp_status png_decode_rows(void *state, zp__rowsink *sink, int32_t until) {
    png_state *s = (png_state *)state;
    png_bytep exif = NULL;
    png_uint_32 exif_size = 0;
    zp_status st = ZP_OK;

    if (!s || s->failed || s->done)
        return zp__fail(ZP_ERR_BAD_STATE, "PNG: the decoder %s",
                        s && s->done ? "was already read" : "failed before");
    if (!s->started) {
        s->started = 1;
        if (sink->width != s->width || sink->height != s->height ||
            sink->channels != s->channels || sink->dtype != s->dtype) {
            s->failed = 1;
            return zp__fail(ZP_ERR_MISMATCH, "PNG: the row sink (%d x %d x %d %s) differs from "
                            "the image (%d x %d x %d %s)", (int)sink->width, (int)sink->height,
                            (int)sink->channels, zp_dtype_name(sink->dtype), (int)s->width,
                            (int)s->height, (int)s->channels, zp_dtype_name(s->dtype));
        }
        st = start_rows(s);
        if (!st && s->interlaced) {
            st = read_interlaced(s, sink);
            s->next_row = s->height;
        }
    }
    if (!st && !s->interlaced) {
        if (!s->blank_rest) st = read_sequential(s, sink, until);
        if (!st && s->blank_rest) zp__rowsink_blank(sink, &s->next_row, until);
    }
    if (!st && s->warning_fatal)
        st = warning_failure(s);
    if (st) {
        s->failed = 1;
        return st;
    }
    if (s->next_row < s->height) return ZP_OK;
    s->done = 1;
    /* An eXIf after the image data is only seen now, when the orientation
     * was already decided (1) from the header: its tag is reset to 1, so
     * that the output, which writes EXIF before the pixels, displays as
     * zeropix decoded it. */
    if (s->read_metadata && !s->meta->exif &&
        png_get_eXIf_1(s->png, s->info, &exif_size, &exif) && exif && exif_size) {
        st = copy_blob(exif, exif_size, &s->meta->exif, &s->meta->exif_size);
        if (!st)
            (void)zp_exif_set_orientation(s->meta->exif, s->meta->exif_size, 1);
    }
    return st;
}

static void png_close(void *state) {
    png_state *s = (png_state *)state;
    if (!s)
        return;
    if (s->png)
        png_destroy_read_struct(&s->png, s->info ? &s->info : NULL, NULL);
    free(s);
}

const zp__codec zp__codec_png = {
    .format = ZP_FORMAT_PNG,
    .name = "PNG",
    .open = png_open,
    .read_rows = png_decode_rows,
    .close = png_close,
    .encode = zp__png_encode,
};
