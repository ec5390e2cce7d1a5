/* jpeg_encode.c: the JPEG encoder: any view, read row by row (never whole),
 * through libjpeg-turbo into a zp__writer, with EXIF and ICC markers. */
#include <stdlib.h>
#include <string.h>
#include "jpeg_internal.h"

#define DEST_BUF_SIZE (64u << 10)
/* ICC chunks: 255 APP2 markers (the sequence number is one byte) of up to
 * 65533 - 14 bytes each; libjpeg does not check, so we do. */
#define ICC_MAX_SIZE (255u * (ZP__JPEG_MARKER_MAX - 14u))

typedef struct jpeg_enc {
    struct jpeg_compress_struct cinfo;
    zp__jpeg_error err;
    struct jpeg_destination_mgr dest;
    zp__writer *w;
    uint8_t *buf;          /* DEST_BUF_SIZE bytes */
    zp__rowsource rows;
    int created;
} jpeg_enc;

/* ---- Destination manager into zp__writer ----------------------------------- */

static void dest_init(j_compress_ptr cinfo) {
    jpeg_enc *e = cinfo->client_data;
    cinfo->dest->next_output_byte = e->buf;
    cinfo->dest->free_in_buffer = DEST_BUF_SIZE;
}

/* libjpeg asks for the whole buffer to be written, whatever free_in_buffer
 * says at this point. */
static boolean dest_empty(j_compress_ptr cinfo) {
    jpeg_enc *e = cinfo->client_data;
    zp_status st = zp__writer_write(e->w, e->buf, DEST_BUF_SIZE);
    if (st) zp__jpeg_jump((j_common_ptr)cinfo, st);
    dest_init(cinfo);
    return TRUE;
}

static void dest_term(j_compress_ptr cinfo) {
    jpeg_enc *e = cinfo->client_data;
    size_t n = DEST_BUF_SIZE - cinfo->dest->free_in_buffer;
    zp_status st = n ? zp__writer_write(e->w, e->buf, n) : ZP_OK;
    if (st) zp__jpeg_jump((j_common_ptr)cinfo, st);
}

/* ---- Encoding ------------------------------------------------------------------ */

/* After jpeg_start_compress, before the first row: APP1 EXIF then APP2 ICC,
 * right after the SOI and JFIF markers libjpeg wrote. Blobs a JPEG cannot
 * hold are skipped, not fatal: the pixels matter more. */
static void write_metadata(j_compress_ptr c, const zp_metadata *meta) {
    if (meta->exif && meta->exif_size &&
        meta->exif_size <= ZP__JPEG_MARKER_MAX - ZP__JPEG_EXIF_SIG_LEN) {
        jpeg_write_m_header(c, JPEG_APP0 + 1,
                            (unsigned int)(ZP__JPEG_EXIF_SIG_LEN + meta->exif_size));
        for (unsigned i = 0; i < ZP__JPEG_EXIF_SIG_LEN; i++)
            jpeg_write_m_byte(c, ZP__JPEG_EXIF_SIG[i]);
        for (size_t i = 0; i < meta->exif_size; i++) jpeg_write_m_byte(c, meta->exif[i]);
    }
    if (meta->icc && meta->icc_size && meta->icc_size <= ICC_MAX_SIZE)
        jpeg_write_icc_profile(c, meta->icc, (unsigned int)meta->icc_size);
}

/* The part of encoding that libjpeg may jump out of. `v` has 1 or 3 channels. */
static void compress_rows(jpeg_enc *e, const zp_view *v, const zp_metadata *meta,
                          const zp_encode_options *opt) {
    j_compress_ptr c = &e->cinfo;
    jpeg_create_compress(c);
    e->created = 1;
    c->client_data = e;
    e->dest.init_destination = dest_init;
    e->dest.empty_output_buffer = dest_empty;
    e->dest.term_destination = dest_term;
    c->dest = &e->dest;

    c->image_width = (JDIMENSION)v->width;
    c->image_height = (JDIMENSION)v->height;
    c->input_components = v->channels;
    c->in_color_space = v->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    /* The settings peers use by default (cjpeg, libvips, OpenCV, Pillow):
     * YCbCr (or gray), JFIF, standard Huffman tables unless `optimize`,
     * baseline unless `progressive`, and the accurate integer DCT. JDCT_IFAST
     * would save a little time but changes the output; with ISLOW the file
     * is byte-identical to theirs at the same quality and subsampling
     * (bench/peers.sh P2: zeropix, OpenCV, Pillow and GraphicsMagick). */
    jpeg_set_defaults(c);
    c->dct_method = JDCT_ISLOW;
    jpeg_set_quality(c, opt->quality, TRUE);
    if (v->channels == 3) {
        /* Luma factors over chroma factors of 1x1. */
        c->comp_info[0].h_samp_factor = opt->subsampling == 444 ? 1 : 2;
        c->comp_info[0].v_samp_factor = opt->subsampling == 420 ? 2 : 1;
        for (int i = 1; i < 3; i++) c->comp_info[i].h_samp_factor = c->comp_info[i].v_samp_factor = 1;
    }
    if (opt->progressive) jpeg_simple_progression(c);
    c->optimize_coding = opt->optimize ? TRUE : FALSE;

    jpeg_start_compress(c, TRUE);
    if (meta && !opt->strip_metadata) write_metadata(c, meta);
    for (int32_t y = 0; y < v->height; y++) {
        /* libjpeg only reads input rows; its API just is not const. */
        JSAMPROW row = (JSAMPROW)(uintptr_t)zp__rowsource_row(&e->rows, y);
        (void)jpeg_write_scanlines(c, &row, 1);
    }
    jpeg_finish_compress(c);
}

static zp_status check_options(const zp_view *v, const zp_encode_options *opt) {
    if (opt->quality < 1 || opt->quality > 100)
        return zp__fail(ZP_ERR_INVALID_ARG, "JPEG: quality %d is not in 1..100", opt->quality);
    if (opt->subsampling != 444 && opt->subsampling != 422 && opt->subsampling != 420)
        return zp__fail(ZP_ERR_INVALID_ARG, "JPEG: subsampling %d is not 444, 422 or 420",
                        opt->subsampling);
    if (v->width > JPEG_MAX_DIMENSION || v->height > JPEG_MAX_DIMENSION)
        return zp__fail(ZP_ERR_UNSUPPORTED, "JPEG: %d x %d is over the format's %ld pixels a side",
                        v->width, v->height, (long)JPEG_MAX_DIMENSION);
    return ZP_OK;
}

static zp_status run(jpeg_enc *e, const zp_view *v, const zp_metadata *meta,
                     const zp_encode_options *opt) {
    if (setjmp(e->err.jump)) {
        /* A write error already has its own message with the errno text. */
        zp_status io = zp__writer_status(e->w);
        return io ? io : e->err.status;
    }
    compress_rows(e, v, meta, opt);
    return ZP_OK;
}

zp_status zp__jpeg_encode(const zp_view *view, const zp_metadata *meta,
                          const zp_encode_options *opt, zp__writer *w) {
    zp_encode_options defaults;
    if (!opt) {
        zp_encode_options_init(&defaults);
        opt = &defaults;
    }
    zp_status st = check_options(view, opt);
    if (st) return st;

    /* Gray+alpha and RGBA: drop alpha through a view, no copy. */
    zp_view v;
    if (view->channels == 2 || view->channels == 4)
        st = zp_view_channels(view, 0, view->channels - 1, 1, &v);
    else
        zp_view_share(view, &v);
    if (st) return st;

    jpeg_enc *e = calloc(1, sizeof *e);
    if (!e || !(e->buf = malloc(DEST_BUF_SIZE))) {
        free(e);
        zp_view_release(&v);
        return zp__fail(ZP_ERR_NOMEM, "JPEG: out of memory for the encoder");
    }
    e->w = w;
    e->cinfo.err = zp__jpeg_error_init(&e->err, ZP_ERR_INVALID_ARG);
    st = zp__rowsource_init(&e->rows, &v, ZP_U8);
    if (!st) st = run(e, &v, meta, opt);

    if (e->created) jpeg_destroy_compress(&e->cinfo);
    zp__rowsource_free(&e->rows);
    free(e->buf);
    free(e);
    zp_view_release(&v);
    return st;
}
