/* png_encode.c: the PNG encoder: any view, row by row. libpng writes the
 * signature and the header chunks; the pixels go either through the fast
 * writer (png_fast.c: compression -1, the default) or through libpng and
 * zlib at the level asked for (compression 0..9: the earlier encoder, whose
 * default was level 6).
 *
 * Channels 1..4 are written as gray, gray+alpha, RGB and RGBA at 8 or 16
 * bits. zp__rowsource packs and converts each row (negative, transposed or
 * non-packed strides, any dtype), so the bytes written depend only on the
 * pixel values, never on the view's layout. The ICC profile (iCCP) and
 * EXIF (eXIf) of `meta` are written unless opt->strip_metadata; libpng
 * validates ICC profiles and an invalid one is left out (a warning), not
 * an error. */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <png.h>

#include "png_fast.h"
#include "png_internal.h"

typedef struct png_enc {
    png_structp   png;
    png_infop     info;
    zp__writer   *writer;
    zp__rowsource rows;
    char          msg[200];
} png_enc;

static void on_error(png_structp png, png_const_charp msg) {
    png_enc *e = (png_enc *)png_get_error_ptr(png);
    snprintf(e->msg, sizeof e->msg, "%s", msg && *msg ? msg : "unknown libpng error");
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg) {
    (void)png;
    (void)msg;
}

static void on_write(png_structp png, png_bytep data, size_t n) {
    png_enc *e = (png_enc *)png_get_io_ptr(png);
    if (zp__writer_write(e->writer, data, n) != ZP_OK)
        png_error(png, "write failed");
}

/* Required: with a NULL flush callback libpng would fflush() its io
 * pointer as if it were a FILE. */
static void on_flush(png_structp png) {
    (void)png;
}

/* Threads for the fast writer: only for large images, never more than the
 * online cores (the output does not depend on it). */
static int fast_threads(const zp_view *view, int depth, const zp_encode_options *opt) {
    size_t bytes = (size_t)view->width * (size_t)view->height * (size_t)view->channels *
                   (size_t)(depth / 8);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int n = cores < 1 ? 1 : cores > 256 ? 256 : (int)cores;
    if (opt->threads > 0 && opt->threads < n) n = opt->threads;
    return bytes < ZP__PNG_FAST_PARALLEL_MIN ? 1 : n;
}

/* Everything that may call into libpng's error path. */
static zp_status write_png(png_enc *e, const zp_view *view, const zp_metadata *meta,
                           const zp_encode_options *opt, int depth, int color_type) {
    int32_t y;

    if (setjmp(png_jmpbuf(e->png))) {
        zp_status io = zp__writer_status(e->writer);
        if (io)
            return io;
        if (strstr(e->msg, "ut of memory"))
            return zp__fail(ZP_ERR_NOMEM, "PNG: %s", e->msg);
        return zp__fail(ZP_ERR_INVALID_ARG, "PNG: %s", e->msg);
    }

    png_set_write_fn(e->png, e, on_write, on_flush);
    /* zeropix views may be up to 2^31-1 wide: lift libpng's 1,000,000. */
    png_set_user_limits(e->png, 0x7fffffff, 0x7fffffff);
    /* Bad ICC profiles and other "application errors" become warnings. */
    png_set_benign_errors(e->png, 1);
    /* Write the caller's profile as is: without this, a profile libpng
     * recognises as sRGB would also bring gAMA and cHRM chunks. */
    (void)png_set_option(e->png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);
    if (opt->compression >= 0) {
        static const int filters[7] = {0, PNG_FILTER_NONE, PNG_FILTER_SUB, PNG_FILTER_UP,
                                       PNG_FILTER_AVG, PNG_FILTER_PAETH, PNG_ALL_FILTERS};
        png_set_compression_level(e->png, opt->compression);
        if (opt->png_filter != ZP_PNG_FILTER_AUTO) /* AUTO: libpng's own choice */
            png_set_filter(e->png, PNG_FILTER_TYPE_BASE, filters[opt->png_filter]);
    }

    png_set_IHDR(e->png, e->info, (png_uint_32)view->width, (png_uint_32)view->height, depth,
                 color_type, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (meta && !opt->strip_metadata) {
        /* After IHDR: libpng checks the profile's colour space against it. */
        if (meta->icc && meta->icc_size && meta->icc_size <= PNG_UINT_31_MAX)
            png_set_iCCP(e->png, e->info, "ICC Profile", PNG_COMPRESSION_TYPE_BASE, meta->icc,
                         (png_uint_32)meta->icc_size);
        if (meta->exif && meta->exif_size && meta->exif_size <= PNG_UINT_31_MAX)
            png_set_eXIf_1(e->png, e->info, (png_uint_32)meta->exif_size, meta->exif);
    }
    png_write_info(e->png, e->info);
    if (opt->compression < 0) {
        /* The rest bypasses libpng (it never calls back into it, so it
         * cannot longjmp): IDAT chunks and IEND straight to the writer. */
        zp__png_fast_params p = {view->width, view->height, view->channels, depth,
                                 opt->png_filter, fast_threads(view, depth, opt)};
        return zp__png_fast_write(&e->rows, &p, e->writer);
    }
    if (depth == 16 && zp__png_host_little_endian())
        png_set_swap(e->png);

    for (y = 0; y < view->height; y++) {
        const void *row = zp__rowsource_row(&e->rows, y);
        if (!row)
            png_error(e->png, "no row from the view");
        png_write_row(e->png, (png_const_bytep)row);
    }
    /* NULL: every chunk of info is already written before IDAT. */
    png_write_end(e->png, NULL);
    return zp__writer_status(e->writer);
}

zp_status zp__png_encode(const zp_view *view, const zp_metadata *meta,
                         const zp_encode_options *opt, zp__writer *w) {
    static const int color_types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                       PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    zp_encode_options defaults;
    png_enc *e;
    int depth;
    zp_status st;

    if (!opt) {
        zp_encode_options_init(&defaults);
        opt = &defaults;
    }
    if (view->channels < 1 || view->channels > 4)
        return zp__fail(ZP_ERR_INVALID_ARG, "PNG: %d channels: must be 1 to 4",
                        (int)view->channels);
    depth = opt->bit_depth ? opt->bit_depth : (view->dtype == ZP_U8 ? 8 : 16);
    if (depth != 8 && depth != 16)
        return zp__fail(ZP_ERR_INVALID_ARG, "PNG: bit depth %d: must be 8 or 16", depth);
    if (opt->compression < -1 || opt->compression > 9)
        return zp__fail(ZP_ERR_INVALID_ARG,
                        "PNG: compression level %d: must be -1 (fast) or a zlib level 0 to 9",
                        opt->compression);
    if (opt->png_filter < ZP_PNG_FILTER_AUTO || opt->png_filter > ZP_PNG_FILTER_ADAPTIVE)
        return zp__fail(ZP_ERR_INVALID_ARG, "PNG: filter %d: must be 0 to 6", (int)opt->png_filter);
    if (opt->threads < 0)
        return zp__fail(ZP_ERR_INVALID_ARG, "PNG: %d threads", opt->threads);

    /* On the heap: it is used on both sides of setjmp/longjmp. */
    e = calloc(1, sizeof *e);
    if (!e)
        return zp__fail(ZP_ERR_NOMEM, "PNG: out of memory");
    e->writer = w;
    st = zp__rowsource_init(&e->rows, view, depth == 16 ? ZP_U16 : ZP_U8);
    if (st) {
        free(e);
        return st;
    }

    e->png = png_create_write_struct(PNG_LIBPNG_VER_STRING, e, on_error, on_warning);
    if (e->png)
        e->info = png_create_info_struct(e->png);
    if (!e->png || !e->info)
        st = zp__fail(ZP_ERR_NOMEM, "PNG: out of memory creating the libpng encoder");
    else
        st = write_png(e, view, meta, opt, depth, color_types[view->channels]);

    if (e->png)
        png_destroy_write_struct(&e->png, e->info ? &e->info : NULL);
    zp__rowsource_free(&e->rows);
    free(e);
    return st;
}
