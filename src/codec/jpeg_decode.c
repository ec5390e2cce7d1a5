/* jpeg_decode.c: the JPEG decoder (libjpeg-turbo, libjpeg API), the JPEG
 * entry of the codec table, and the libjpeg error manager that the encoder
 * shares through jpeg_internal.h. */
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "jpeg_internal.h"
#include "jpeg_parallel.h"
#include <jpegint.h> /* struct jpeg_entropy_decoder: its decode_mcu is replaced */

/* ---- Error manager (shared with jpeg_encode.c) --------------------------- */

void zp__jpeg_message(j_common_ptr cinfo, char out[JMSG_LENGTH_MAX]) {
    out[0] = '\0';
    cinfo->err->format_message(cinfo, out);
}

_Noreturn void zp__jpeg_jump(j_common_ptr cinfo, zp_status status) {
    zp__jpeg_error *err = (zp__jpeg_error *)cinfo->err;
    err->status = status;
    longjmp(err->jump, 1);
}

_Noreturn void zp__jpeg_bail(j_common_ptr cinfo, zp_status status, const char *fmt, ...) {
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    zp__jpeg_jump(cinfo, zp__fail(status, "JPEG: %s", text));
}

static void error_exit(j_common_ptr cinfo) {
    zp__jpeg_error *err = (zp__jpeg_error *)cinfo->err;
    char msg[JMSG_LENGTH_MAX];
    switch (err->pub.msg_code) {
    case JERR_OUT_OF_MEMORY:
        zp__jpeg_message(cinfo, msg);
        zp__jpeg_bail(cinfo, ZP_ERR_NOMEM, "out of memory (%s)", msg);
    case JERR_NO_BACKING_STORE: /* over cinfo->mem->max_memory_to_use */
        zp__jpeg_bail(cinfo, ZP_ERR_LIMIT, "the image needs more memory than its size justifies");
    case JERR_BAD_PRECISION:
    case JERR_CONVERSION_NOTIMPL:
    case JERR_NOT_COMPILED:
        zp__jpeg_message(cinfo, msg);
        zp__jpeg_bail(cinfo, ZP_ERR_UNSUPPORTED, "%s", msg);
    default:
        zp__jpeg_message(cinfo, msg);
        zp__jpeg_bail(cinfo, err->default_status, "%s", msg);
    }
}

/* Default for the encoder: a warning there means a caller error. */
static void emit_message(j_common_ptr cinfo, int msg_level) {
    zp__jpeg_error *err = (zp__jpeg_error *)cinfo->err;
    char msg[JMSG_LENGTH_MAX];
    if (msg_level >= 0) return; /* trace and advisory messages */
    err->pub.num_warnings++;
    zp__jpeg_message(cinfo, msg);
    zp__jpeg_bail(cinfo, err->default_status, "%s", msg);
}

static void output_message(j_common_ptr cinfo) { (void)cinfo; /* a library never prints */ }

struct jpeg_error_mgr *zp__jpeg_error_init(zp__jpeg_error *err, zp_status default_status) {
    jpeg_std_error(&err->pub);
    err->pub.error_exit = error_exit;
    err->pub.emit_message = emit_message;
    err->pub.output_message = output_message;
    err->status = ZP_OK;
    err->default_status = default_status;
    return &err->pub;
}

/* ---- Decoder state ------------------------------------------------------- */

#define SOURCE_BUF_SIZE (64u << 10)

typedef struct jpeg_dec {
    struct jpeg_decompress_struct cinfo;
    zp__jpeg_error err;
    struct jpeg_source_mgr src;
    struct jpeg_progress_mgr progress;
    zp__reader *r;           /* borrowed: the generic layer keeps it until close */
    uint8_t *buf;            /* file sources: SOURCE_BUF_SIZE bytes; NULL for memory */
    const uint8_t *mem;      /* memory sources: the bytes libjpeg reads */
    size_t mem_size;
    int threads;             /* set_threads: for jpeg_parallel.c           */
    zp__jpeg_par *par;       /* the scan, Huffman-decoded on threads       */
    uint32_t max_scans;      /* 0 = no limit */
    int created;             /* jpeg_create_decompress succeeded */
    int truncated;           /* the data ended before EOI */
    int rows_done;           /* every output row was decoded */
    int in_scan_data;        /* jpeg_start_decompress returned: rows follow */
    int eof_pending;         /* data ended inside a single scan: fatal only
                                if libjpeg then runs out of bits            */
    int cmyk, inverted;      /* 4-component file; samples stored as 255 - ink */
    int failed, done;
    uint8_t *scratch;        /* one CMYK row */
    int windowed;            /* set_window: decode only rows y0..y0+h-1 and
                                columns x0..x0+w-1 of the scaled image      */
    JDIMENSION x0, y0, w, h;
} jpeg_dec;

/* ---- Source manager over zp__reader --------------------------------------- */

static const JOCTET fake_eoi[2] = {0xFF, JPEG_EOI};

static void src_init(j_decompress_ptr cinfo) { (void)cinfo; }
static void src_term(j_decompress_ptr cinfo) { (void)cinfo; }

static boolean src_fill(j_decompress_ptr cinfo) {
    jpeg_dec *d = cinfo->client_data;
    size_t n = d->buf ? zp__reader_read(d->r, d->buf, SOURCE_BUF_SIZE) : 0;
    if (n > 0) {
        cinfo->src->next_input_byte = d->buf;
        cinfo->src->bytes_in_buffer = n;
        return TRUE;
    }
    if (d->r->io_errno) zp__jpeg_jump((j_common_ptr)cinfo, zp__reader_short(d->r, "JPEG"));
    /* As libjpeg's own sources do: end the data with a fake EOI and warn.
     * Our emit_message turns the warning into ZP_ERR_TRUNCATED, so a cut
     * file never decodes to a half-grey picture. */
    d->truncated = 1;
    WARNMS(cinfo, JWRN_JPEG_EOF);
    cinfo->src->next_input_byte = fake_eoi;
    cinfo->src->bytes_in_buffer = sizeof fake_eoi;
    return TRUE;
}

static void src_skip(j_decompress_ptr cinfo, long num_bytes) {
    if (num_bytes <= 0) return;
    while ((size_t)num_bytes > cinfo->src->bytes_in_buffer) {
        num_bytes -= (long)cinfo->src->bytes_in_buffer;
        (void)src_fill(cinfo);
    }
    cinfo->src->next_input_byte += num_bytes;
    cinfo->src->bytes_in_buffer -= (size_t)num_bytes;
}

static zp_status src_setup(jpeg_dec *d) {
    const uint8_t *data;
    size_t size;
    d->src.init_source = src_init;
    d->src.fill_input_buffer = src_fill;
    d->src.skip_input_data = src_skip;
    d->src.resync_to_restart = jpeg_resync_to_restart;
    d->src.term_source = src_term;
    if (zp__reader_borrow_rest(d->r, &data, &size)) {
        /* Memory: the whole rest in one "fill", no copy; src_fill only
         * ever runs at the end of the data. */
        d->src.next_input_byte = data;
        d->src.bytes_in_buffer = size;
        d->mem = data;
        d->mem_size = size;
    } else {
        if (!(d->buf = malloc(SOURCE_BUF_SIZE)))
            return zp__fail(ZP_ERR_NOMEM, "JPEG: out of memory for the input buffer");
        d->src.next_input_byte = NULL;
        d->src.bytes_in_buffer = 0;
    }
    d->cinfo.src = &d->src;
    return ZP_OK;
}

/* ---- Warnings and the scan limit ------------------------------------------ */

/* libjpeg's warnings, judged by the caller's fail_on (zp__diag_warn):
 * truncation fails from ZP_FAIL_ON_TRUNCATED up, corrupt data from
 * ZP_FAIL_ON_ERROR, the harmless ones only at ZP_FAIL_ON_WARNING. */
static void dec_emit_message(j_common_ptr cinfo, int msg_level) {
    char msg[JMSG_LENGTH_MAX];
    jpeg_dec *d = cinfo->client_data;
    zp__diag *diag = d->r->diag;
    if (msg_level >= 0) return; /* trace and advisory messages */
    cinfo->err->num_warnings++;
    zp__jpeg_message(cinfo, msg);
    switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF: {
        /* The data ended; the source supplied a fake EOI. In the entropy
         * data of a single-scan file that is only harmless if libjpeg then
         * needs no more bits (only the EOI marker was missing, as djpeg
         * sees it): whether it does shows as JWRN_HIT_MARKER next. Anywhere
         * else (headers, between the scans of a progressive file, whose
         * later scans would silently be lost) it is truncation at once. */
        j_decompress_ptr c = (j_decompress_ptr)cinfo;
        if (d->rows_done ||
            (d->in_scan_data && !c->progressive_mode && c->comps_in_scan == c->num_components)) {
            d->eof_pending = 1;
            return;
        }
        if (diag) diag->truncated = 1;
        if (zp__diag_warn(diag, ZP_FAIL_ON_TRUNCATED, "JPEG: file ends early (truncated)"))
            zp__jpeg_bail(cinfo, ZP_ERR_TRUNCATED, "file ends early (truncated)");
        return;
    }
    case JWRN_HIT_MARKER: /* libjpeg needed bits past a marker */
        if (d->eof_pending) {
            if (diag) diag->truncated = 1;
            if (zp__diag_warn(diag, ZP_FAIL_ON_TRUNCATED, "JPEG: file ends early (truncated)"))
                zp__jpeg_bail(cinfo, ZP_ERR_TRUNCATED, "file ends early (truncated)");
            return;
        }
        break;
    case JWRN_EXTRANEOUS_DATA: /* junk bytes before a marker, common in camera
                                  files: libjpeg skips them and loses nothing */
    case JWRN_BOGUS_ICC:    /* jpeg_read_icc_profile drops the profile       */
    case JWRN_JFIF_MAJOR:   /* an unknown JFIF version: advisory             */
    case JWRN_ADOBE_XFORM:  /* unknown Adobe transform: libjpeg assumes YCC  */
        if (zp__diag_warn(diag, ZP_FAIL_ON_WARNING, "JPEG: %s", msg))
            zp__jpeg_bail(cinfo, ZP_ERR_CORRUPT, "%s", msg);
        return;
    default:                /* corrupt data: libjpeg would guess the rest    */
        break;
    }
    if (zp__diag_warn(diag, ZP_FAIL_ON_ERROR, "JPEG: %s", msg))
        zp__jpeg_bail(cinfo, ZP_ERR_CORRUPT, "%s", msg);
}

/* libjpeg calls the monitor once per iMCU row while it reads the scans of a
 * progressive or multi-scan file (inside jpeg_start_decompress). Each scan
 * costs a pass over the image, so thousands of tiny scans are a cheap DoS;
 * TurboJPEG's TJFLAG_LIMITSCANS stops them the same way. */
static void progress_monitor(j_common_ptr cinfo) {
    jpeg_dec *d = cinfo->client_data;
    int scan = ((j_decompress_ptr)cinfo)->input_scan_number;
    if (d->max_scans && scan > 0 && (uint32_t)scan > d->max_scans)
        zp__jpeg_bail(cinfo, ZP_ERR_LIMIT, "more than %u scans (max_jpeg_scans)", d->max_scans);
}

/* ---- open ------------------------------------------------------------------ */

/* Belt and braces on libjpeg's memory: the whole-image coefficient buffers
 * of progressive files are its only allocations that scale with the image,
 * at 2 bytes per sample per component with MCU padding. Allow that for the
 * (already limit-checked) dimensions, plus the saved markers and slack for
 * per-row buffers; a file asking for more fails with ZP_ERR_LIMIT. */
static void cap_memory(jpeg_dec *d) {
    j_decompress_ptr c = &d->cinfo;
    uint64_t w = (uint64_t)c->image_width + 32, h = (uint64_t)c->image_height + 32;
    uint64_t comps = (uint64_t)c->num_components;
    uint64_t cap = 2 * comps * w * h + 256 * comps * w + ((uint64_t)32 << 20);
    for (jpeg_saved_marker_ptr m = c->marker_list; m; m = m->next)
        cap += (uint64_t)m->data_length + 64;
    c->mem->max_memory_to_use = cap > (uint64_t)LONG_MAX ? LONG_MAX : (long)cap;
}

static void read_metadata(jpeg_dec *d, const zp_decode_options *opt, zp_image_info *info,
                          zp_metadata *meta) {
    j_decompress_ptr c = &d->cinfo;
    for (jpeg_saved_marker_ptr m = c->marker_list; m; m = m->next) {
        if (m->marker != JPEG_APP0 + 1 || m->data_length <= ZP__JPEG_EXIF_SIG_LEN ||
            memcmp(m->data, ZP__JPEG_EXIF_SIG, ZP__JPEG_EXIF_SIG_LEN) != 0)
            continue;
        const uint8_t *tiff = m->data + ZP__JPEG_EXIF_SIG_LEN;
        size_t size = m->data_length - ZP__JPEG_EXIF_SIG_LEN;
        info->orientation = zp_exif_get_orientation(tiff, size);
        info->exif_size = size;
        if (opt->read_metadata) {
            if (!(meta->exif = malloc(size)))
                zp__jpeg_bail((j_common_ptr)c, ZP_ERR_NOMEM, "out of memory for EXIF");
            memcpy(meta->exif, tiff, size);
            meta->exif_size = size;
        }
        break; /* the first EXIF segment is the one readers honour */
    }

    JOCTET *icc = NULL;
    unsigned int icc_len = 0;
    /* libjpeg reassembles the APP2 chunks into one malloc'd block (a bad
     * chunk sequence is a warning and no profile). */
    if (jpeg_read_icc_profile(c, &icc, &icc_len) && icc) {
        uint64_t limit = opt->limits.max_chunk_size;
        if (limit && icc_len > limit) {
            free(icc);
            zp__jpeg_bail((j_common_ptr)c, ZP_ERR_LIMIT,
                          "ICC profile of %u bytes is over the limit of %llu (max_chunk_size)",
                          icc_len, (unsigned long long)limit);
        }
        info->icc_size = icc_len;
        if (opt->read_metadata) {
            meta->icc = icc; /* malloc'd by libjpeg: zp_metadata_clear frees it */
            meta->icc_size = icc_len;
        } else {
            free(icc);
        }
    }
}

/* The part of open that libjpeg may jump out of. */
static zp_status open_header(jpeg_dec *d, const zp_decode_options *opt, zp_image_info *info,
                             zp_metadata *meta) {
    j_decompress_ptr c = &d->cinfo;
    jpeg_create_decompress(c);
    d->created = 1;
    c->client_data = d;
    zp_status st = src_setup(d);
    if (st) return st;
    if (d->max_scans) {
        d->progress.progress_monitor = progress_monitor;
        c->progress = &d->progress;
    }
    jpeg_save_markers(c, JPEG_APP0 + 1, 0xffff); /* EXIF (and XMP)   */
    jpeg_save_markers(c, JPEG_APP0 + 2, 0xffff); /* ICC profile       */
    (void)jpeg_read_header(c, TRUE);             /* no tables-only files */

    st = zp__check_dimensions(&opt->limits, c->image_width, c->image_height);
    if (st) return st;

    info->format = ZP_FORMAT_JPEG;
    info->width = (int32_t)c->image_width;
    info->height = (int32_t)c->image_height;
    info->dtype = ZP_U8;
    info->bit_depth = c->data_precision;
    info->interlaced = c->progressive_mode ? 1 : 0;
    info->orientation = 1;
    switch (c->jpeg_color_space) {
    case JCS_GRAYSCALE:
        c->out_color_space = JCS_GRAYSCALE;
        info->channels = 1;
        info->color = "gray";
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        c->out_color_space = JCS_RGB;
        info->channels = 3;
        info->color = "rgb";
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        /* libjpeg turns YCCK into CMYK; we turn CMYK into RGB per row. */
        c->out_color_space = JCS_CMYK;
        info->channels = 3;
        info->color = c->jpeg_color_space == JCS_CMYK ? "cmyk" : "ycck";
        d->cmyk = 1;
        d->inverted = c->saw_Adobe_marker;
        break;
    default:
        return zp__fail(ZP_ERR_UNSUPPORTED, "JPEG: %d components in an unknown colour space",
                        c->num_components);
    }
    /* djpeg's defaults, spelled out: the oracle in the tests decodes so. */
    c->dct_method = JDCT_ISLOW;
    c->do_fancy_upsampling = TRUE;
    cap_memory(d);
    read_metadata(d, opt, info, meta);
    if (d->cmyk && meta && meta->icc) {
        /* A CMYK profile does not describe the RGB pixels we produce: it is
         * not carried to the output (info.icc_size still tells it was there). */
        free(meta->icc);
        meta->icc = NULL;
        meta->icc_size = 0;
    }
    return ZP_OK;
}

/* setjmp lives in a function that changes no local after it. */
static zp_status open_guarded(jpeg_dec *d, const zp_decode_options *opt, zp_image_info *info,
                              zp_metadata *meta) {
    if (setjmp(d->err.jump)) {
        d->failed = 1;
        return d->err.status;
    }
    zp_status st = open_header(d, opt, info, meta);
    if (st) d->failed = 1;
    return st;
}

static zp_status jpeg_open(zp__reader *r, const zp_decode_options *opt, zp_image_info *info,
                           zp_metadata *meta, void **state) {
    zp_decode_options defaults;
    if (!opt) {
        zp_decode_options_init(&defaults);
        opt = &defaults;
    }
    jpeg_dec *d = calloc(1, sizeof *d);
    *state = d;
    if (!d) return zp__fail(ZP_ERR_NOMEM, "JPEG: out of memory for the decoder");
    d->r = r;
    d->max_scans = opt->limits.max_jpeg_scans;
    d->cinfo.err = zp__jpeg_error_init(&d->err, ZP_ERR_CORRUPT);
    d->err.pub.emit_message = dec_emit_message;
    return open_guarded(d, opt, info, meta);
}

/* ---- read ------------------------------------------------------------------ */

/* CMYK to RGB, no colour management. Samples of files with an Adobe marker
 * are stored inverted (255 = no ink), as Photoshop writes them; without it
 * they are plain ink amounts. With C, M, Y, K the samples as decoded:
 *     inverted:  R = round(C * K / 255)                G, B alike with M, Y
 *     plain:     R = round((255 - C) * (255 - K) / 255)
 * round(p / 255) is (p + 127) / 255 exactly: p / 255 is never a half. */
static void cmyk_to_rgb(const uint8_t *in, uint8_t *out, uint32_t width, int inverted) {
    for (uint32_t x = 0; x < width; x++, in += 4, out += 3) {
        unsigned c = in[0], m = in[1], y = in[2], k = in[3];
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        out[0] = (uint8_t)((c * k + 127) / 255);
        out[1] = (uint8_t)((m * k + 127) / 255);
        out[2] = (uint8_t)((y * k + 127) / 255);
    }
}

#define MAX_BATCH 16

/* ---- Threads (jpeg_parallel.c) ------------------------------------------ */

static boolean par_decode_mcu(j_decompress_ptr cinfo, JBLOCKROW *blocks) {
    jpeg_dec *d = cinfo->client_data;
    return zp__jpeg_par_decode_mcu(d->par, cinfo, blocks);
}

/* The scan's bytes, whole: memory sources as they are, regular files
 * mapped. Returns 0 (and nothing to unmap) when the source is a pipe or
 * libjpeg's position in it is not known. */
static int scan_bytes(jpeg_dec *d, const uint8_t **data, size_t *size, size_t *start,
                      void **map) {
    j_decompress_ptr c = &d->cinfo;
    *map = NULL;
    if (d->mem) {
        *data = d->mem;
        *size = d->mem_size;
        *start = (size_t)(c->src->next_input_byte - d->mem);
        return 1;
    }
    FILE *f = d->r->file;
    struct stat st;
    if (!f || d->r->head_pos < d->r->head_len || fstat(fileno(f), &st) || !S_ISREG(st.st_mode))
        return 0;
    off_t pos = ftello(f);
    if (pos < 0 || (uint64_t)pos < c->src->bytes_in_buffer || (uint64_t)pos > (uint64_t)st.st_size ||
        (uint64_t)st.st_size > SIZE_MAX)
        return 0;
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fileno(f), 0);
    if (m == MAP_FAILED) return 0;
    *map = m;
    *data = m;
    *size = (size_t)st.st_size;
    *start = (size_t)pos - c->src->bytes_in_buffer;
    return 1;
}

/* After jpeg_start_decompress, before any row: when the job has threads
 * and the file qualifies, decode the scan's Huffman data on them and make
 * libjpeg read the result instead of the bytes, its source moved past
 * them. Otherwise nothing changes and libjpeg decodes as always. */
static void try_parallel(jpeg_dec *d) {
    j_decompress_ptr c = &d->cinfo;
    const uint8_t *data;
    size_t size, start, end;
    void *map;
    if (d->threads < 2 || d->windowed || !scan_bytes(d, &data, &size, &start, &map)) return;
    d->par = zp__jpeg_par_run(c, data, size, start, map != NULL, d->threads, &end);
    if (d->par) {
        if (d->mem) {
            c->src->next_input_byte = data + end;
            c->src->bytes_in_buffer = size - end;
        } else if (fseeko(d->r->file, (off_t)end, SEEK_SET) == 0) {
            c->src->next_input_byte = d->buf;
            c->src->bytes_in_buffer = 0; /* src_fill reads on from `end` */
        } else {
            zp__jpeg_par_free(d->par); /* libjpeg's source is untouched */
            d->par = NULL;
        }
    }
    if (map) munmap(map, size);
    if (d->par) ((struct jpeg_entropy_decoder *)c->entropy)->decode_mcu = par_decode_mcu;
}

/* After jpeg_start_decompress: crop and skip to the window, and check
 * libjpeg agrees with the sink. */
static void start_rows(jpeg_dec *d, zp__rowsink *sink) {
    j_decompress_ptr c = &d->cinfo;
    (void)jpeg_start_decompress(c);
    d->in_scan_data = 1;
    try_parallel(d);
    if (d->windowed) {
        JDIMENSION x = d->x0, w = d->w;
        if (x != 0 || w != c->output_width) jpeg_crop_scanline(c, &x, &w);
        if (x != d->x0 || w != d->w)
            zp__jpeg_bail((j_common_ptr)c, ZP_ERR_MISMATCH, "crop to %u+%u became %u+%u", d->x0,
                          d->w, x, w);
        if (d->y0 && jpeg_skip_scanlines(c, d->y0) != d->y0)
            zp__jpeg_bail((j_common_ptr)c, ZP_ERR_CORRUPT, "cannot skip to row %u", d->y0);
    }
    int want = d->cmyk ? 4 : (c->out_color_space == JCS_GRAYSCALE ? 1 : 3);
    JDIMENSION rows = d->windowed ? d->h : c->output_height;
    if (c->output_components != want || c->output_width != (JDIMENSION)sink->width ||
        rows != (JDIMENSION)sink->height || sink->channels != (d->cmyk ? 3 : want))
        zp__jpeg_bail((j_common_ptr)c, ZP_ERR_MISMATCH, "output %u x %u x %d does not match the sink",
                      c->output_width, c->output_height, c->output_components);
    if (d->cmyk && !(d->scratch = malloc((size_t)c->output_width * 4)))
        zp__jpeg_bail((j_common_ptr)c, ZP_ERR_NOMEM, "out of memory for a CMYK row");
}

/* The part of read that libjpeg may jump out of: rows up to `until` (of
 * the window, when there is one). */
static void decode_rows(jpeg_dec *d, zp__rowsink *sink, int32_t until) {
    j_decompress_ptr c = &d->cinfo;
    if (!d->in_scan_data) start_rows(d, sink);
    const JDIMENSION top = d->windowed ? d->y0 : 0;
    while (c->output_scanline - top < (JDIMENSION)until) {
        int32_t y = (int32_t)(c->output_scanline - top);
        JSAMPROW rows[MAX_BATCH];
        JDIMENSION n;
        if (zp__rowsink_cancelled(sink))
            zp__jpeg_bail((j_common_ptr)c, ZP_ERR_BAD_STATE, "decoding cancelled at row %d", y);
        if (d->cmyk) {
            rows[0] = d->scratch;
            if ((n = jpeg_read_scanlines(c, rows, 1)) == 1) {
                cmyk_to_rgb(d->scratch, zp__rowsink_row(sink, y), c->output_width, d->inverted);
                zp__rowsink_commit(sink, y);
            }
        } else {
            /* Rows of a direct sink are distinct memory: hand libjpeg a few
             * at once. Otherwise every row is the same scratch. */
            JDIMENSION k = sink->direct ? (JDIMENSION)until - (JDIMENSION)y : 1;
            if (k > MAX_BATCH) k = MAX_BATCH;
            for (JDIMENSION i = 0; i < k; i++) rows[i] = zp__rowsink_row(sink, y + (int32_t)i);
            n = jpeg_read_scanlines(c, rows, k);
            for (JDIMENSION i = 0; i < n; i++) zp__rowsink_commit(sink, y + (int32_t)i);
        }
        /* Our source never suspends, so no progress means a libjpeg bug. */
        if (n == 0) zp__jpeg_bail((j_common_ptr)c, ZP_ERR_CORRUPT, "no rows decoded at row %d", y);
    }
    if (c->output_scanline - top < (JDIMENSION)sink->height) return;
    /* Below the window: read the rest of the data all the same, so that
     * damage anywhere fails as a full decode fails. (A skip to the very
     * end reads nothing, so the last row is decoded, into a spare row.) */
    if (c->output_scanline + 1 < c->output_height)
        (void)jpeg_skip_scanlines(c, c->output_height - 1 - c->output_scanline);
    if (c->output_scanline < c->output_height) {
        if (!d->scratch && !(d->scratch = malloc((size_t)c->output_width * 4)))
            zp__jpeg_bail((j_common_ptr)c, ZP_ERR_NOMEM, "out of memory for a row");
        JSAMPROW last = d->scratch;
        while (c->output_scanline < c->output_height)
            if (jpeg_read_scanlines(c, &last, 1) != 1)
                zp__jpeg_bail((j_common_ptr)c, ZP_ERR_CORRUPT, "no rows decoded at the end");
    }
    d->rows_done = 1;
    (void)jpeg_finish_decompress(c);
    d->done = 1;
}

static zp_status jpeg_read_rows(void *state, zp__rowsink *sink, int32_t until) {
    jpeg_dec *d = state;
    if (!d || d->failed || d->done)
        return zp__fail(ZP_ERR_BAD_STATE, "JPEG: the decoder already failed or finished");
    if (setjmp(d->err.jump)) {
        d->failed = 1;
        return d->err.status;
    }
    decode_rows(d, sink, until);
    return ZP_OK;
}

/* The part of set_window that libjpeg may jump out of. */
static void window_rows(jpeg_dec *d, int denom, const int32_t want[4], int32_t got[4]) {
    j_decompress_ptr c = &d->cinfo;
    c->scale_num = 1;
    c->scale_denom = (unsigned)denom;
    jpeg_calc_output_dimensions(c);
    got[0] = got[1] = 0;
    got[2] = (int32_t)c->output_width;
    got[3] = (int32_t)c->output_height;
    d->windowed = 0;
    if (!want) return;
    /* One iMCU of margin on each side: libjpeg's upsampling treats the
     * edges of a cropped or skipped-to area as image edges, so the pixels
     * next to them differ from a full decode; a margin keeps them out of
     * the part asked for. x0 is aligned as jpeg_crop_scanline aligns it. */
    const int32_t one = c->num_components == 1 ? 1 : 0;
    const int32_t iw = c->min_DCT_scaled_size * (one ? 1 : c->max_h_samp_factor);
    const int32_t ih = c->min_DCT_scaled_size * (one ? 1 : c->max_v_samp_factor);
    int32_t x0 = want[0] / iw * iw - iw, y0 = want[1] / ih * ih - ih;
    int64_t x1 = (int64_t)want[0] + want[2] + iw, y1 = (int64_t)want[1] + want[3] + ih;
    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    if (x1 > got[2]) x1 = got[2];
    if (y1 > got[3]) y1 = got[3];
    d->windowed = 1;
    d->x0 = (JDIMENSION)x0;
    d->y0 = (JDIMENSION)y0;
    d->w = (JDIMENSION)(x1 - x0);
    d->h = (JDIMENSION)(y1 - y0);
    got[0] = x0;
    got[1] = y0;
    got[2] = (int32_t)d->w;
    got[3] = (int32_t)d->h;
}

static zp_status jpeg_set_window(void *state, int denom, const int32_t want[4], int32_t got[4]) {
    jpeg_dec *d = state;
    if (!d || d->failed || d->in_scan_data)
        return zp__fail(ZP_ERR_BAD_STATE, "JPEG: the window is set before decoding");
    if (setjmp(d->err.jump)) {
        d->failed = 1;
        return d->err.status;
    }
    window_rows(d, denom, want, got);
    return ZP_OK;
}

static void jpeg_set_threads(void *state, int threads) {
    jpeg_dec *d = state;
    if (d) d->threads = threads;
}

static void jpeg_close(void *state) {
    jpeg_dec *d = state;
    if (!d) return;
    if (d->created) jpeg_destroy_decompress(&d->cinfo);
    zp__jpeg_par_free(d->par);
    free(d->buf);
    free(d->scratch);
    free(d);
}

const zp__codec zp__codec_jpeg = {
    .format = ZP_FORMAT_JPEG,
    .name = "JPEG",
    .open = jpeg_open,
    .read_rows = jpeg_read_rows,
    .set_window = jpeg_set_window,
    .set_threads = jpeg_set_threads,
    .close = jpeg_close,
    .encode = zp__jpeg_encode,
};
