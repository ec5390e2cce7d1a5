/* decoder.c: the generic decoder: sources, format detection, limits,
 * orientation as a view, owned buffers and decoding into a caller's view. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codec_internal.h"

struct zp_decoder {
    zp__reader         reader;
    const zp__codec   *codec;
    void              *state;
    zp_decode_options  opt;
    zp_image_info      stored; /* as the codec sees it: stored orientation */
    zp_image_info      info;   /* as the caller gets it                    */
    zp_metadata        meta;
    zp__diag           diag;   /* warnings about the input (via reader.diag) */
    int                failed;
    int                used;   /* pixels were decoded once already         */
    zp__rowsink        sink;   /* where rows go while decoding             */
};

static zp_status open_common(zp_decoder *d, const zp_decode_options *opt) {
    if (opt) d->opt = *opt;
    else zp_decode_options_init(&d->opt);
    if (d->opt.fail_on < ZP_FAIL_ON_NONE || d->opt.fail_on > ZP_FAIL_ON_WARNING)
        return zp__fail(ZP_ERR_INVALID_ARG, "fail_on %d (0..3)", (int)d->opt.fail_on);
    d->diag.fail_on = d->opt.fail_on;
    d->reader.diag = &d->diag;

    zp__reader *r = &d->reader;
    if (r->mem) {
        r->head_len = r->mem_size < sizeof r->head ? r->mem_size : sizeof r->head;
        memcpy(r->head, r->mem, r->head_len);
        r->mem_pos = r->head_len;
    } else {
        r->head_len = zp__reader_read(r, r->head, sizeof r->head);
        if (r->io_errno) return zp__reader_short(r, "reading");
    }
    r->head_pos = 0;
    if (r->head_len == 0) return zp__fail(ZP_ERR_TRUNCATED, "empty input (0 bytes)");

    zp_format format = zp_format_detect(r->head, r->head_len);
    d->codec = zp__codec_for(format);
    if (!d->codec) {
        char hex[3 * 4 + 1] = "";
        for (size_t i = 0; i < r->head_len && i < 4; i++)
            snprintf(hex + 3 * i, sizeof hex - 3 * i, "%s%02x", i ? " " : "", r->head[i]);
        return zp__fail(ZP_ERR_UNKNOWN_FORMAT,
                        "not a JPEG, PNG or PNM (P5/P6) image (starts with %s)", hex);
    }
    d->stored.orientation = 1;
    zp_status st = d->codec->open(r, &d->opt, &d->stored, &d->meta, &d->state);
    if (st) return st;
    d->stored.format = format;
    if (d->stored.orientation < 1 || d->stored.orientation > 8) d->stored.orientation = 1;

    d->info = d->stored;
    d->info.orientation_applied = d->opt.apply_orientation || d->stored.orientation == 1;
    if (d->opt.apply_orientation && d->stored.orientation >= 5) {
        d->info.width = d->stored.height;
        d->info.height = d->stored.width;
    }
    return ZP_OK;
}

static zp_status open_with(zp_decoder *d, const zp_decode_options *opt, zp_decoder **out) {
    zp_status st = open_common(d, opt);
    if (st) {
        zp_decoder_close(d);
        *out = NULL;
        return st;
    }
    *out = d;
    return ZP_OK;
}

static zp_decoder *decoder_new(zp_decoder **out) {
    if (out) *out = NULL;
    zp_decoder *d = out ? calloc(1, sizeof *d) : NULL;
    if (out && !d) zp__fail(ZP_ERR_NOMEM, "out of memory");
    return d;
}

zp_status zp_decoder_open_file(const char *path, const zp_decode_options *opt, zp_decoder **out) {
    if (!path) return zp__fail(ZP_ERR_INVALID_ARG, "NULL path");
    zp_decoder *d = decoder_new(out);
    if (!d) return out ? ZP_ERR_NOMEM : zp__fail(ZP_ERR_INVALID_ARG, "NULL output");
    d->reader.file = fopen(path, "rb");
    if (!d->reader.file) {
        zp_status st = zp__fail(ZP_ERR_IO, "cannot open: %s", strerror(errno));
        free(d);
        return st;
    }
    d->reader.owns_file = 1;
    return open_with(d, opt, out);
}

zp_status zp_decoder_open_memory(const void *data, size_t size, const zp_decode_options *opt,
                                 zp_decoder **out) {
    if (!data && size) return zp__fail(ZP_ERR_INVALID_ARG, "NULL data");
    zp_decoder *d = decoder_new(out);
    if (!d) return out ? ZP_ERR_NOMEM : zp__fail(ZP_ERR_INVALID_ARG, "NULL output");
    static const uint8_t nothing[1];
    d->reader.mem = data ? data : nothing;
    d->reader.mem_size = size;
    return open_with(d, opt, out);
}

zp_status zp_decoder_open_stream(FILE *stream, const zp_decode_options *opt, zp_decoder **out) {
    if (!stream) return zp__fail(ZP_ERR_INVALID_ARG, "NULL stream");
    zp_decoder *d = decoder_new(out);
    if (!d) return out ? ZP_ERR_NOMEM : zp__fail(ZP_ERR_INVALID_ARG, "NULL output");
    d->reader.file = stream;
    return open_with(d, opt, out);
}

const zp_image_info *zp_decoder_info(const zp_decoder *dec) { return dec ? &dec->info : NULL; }

const zp_metadata *zp_decoder_metadata(const zp_decoder *dec) { return dec ? &dec->meta : NULL; }

const char *zp_decoder_warning(const zp_decoder *dec) { return dec ? dec->diag.first : ""; }

/* Reset the EXIF orientation tag once the pixels are upright: an EXIF still
 * saying "rotate" would make viewers turn them twice once written out.
 * (Orientation != 1 means the blob parsed, so the tag can be rewritten.) */
static void reset_orientation_tag(zp_decoder *d) {
    if (d->opt.apply_orientation && d->stored.orientation != 1 && d->meta.exif)
        (void)zp_exif_set_orientation(d->meta.exif, d->meta.exif_size, 1);
}

const zp_image_info *zp__decoder_stored_info(const zp_decoder *dec) { return &dec->stored; }

int zp__decoder_orientation(const zp_decoder *dec) {
    return dec->opt.apply_orientation ? dec->stored.orientation : 1;
}

zp_status zp__decoder_begin_rows(zp_decoder *d, const zp__rowsink *sink) {
    if (d->failed || d->used)
        return zp__fail(ZP_ERR_BAD_STATE, d->failed ? "decoder already failed"
                                                    : "pixels were already decoded");
    d->used = 1;
    d->sink = *sink;
    d->sink.width = d->stored.width;
    d->sink.height = d->stored.height;
    d->sink.channels = d->stored.channels;
    d->sink.dtype = d->stored.dtype;
    if (d->sink.row_fn) {
        d->sink.direct = 1;
        reset_orientation_tag(d); /* encoders write it before the first row */
    }
    return ZP_OK;
}

zp_status zp__decoder_rows(zp_decoder *d, int32_t until) {
    if (d->failed) return zp__fail(ZP_ERR_BAD_STATE, "decoder already failed");
    if (until > d->stored.height) until = d->stored.height;
    zp_status st = d->codec->read_rows(d->state, &d->sink, until);
    if (st) d->failed = 1;
    d->info.warnings = d->stored.warnings = d->diag.warnings;
    d->info.truncated = d->stored.truncated = d->diag.truncated;
    return st;
}

zp_status zp__decoder_set_window(zp_decoder *d, int denom, const int32_t want[4], int32_t got[4]) {
    if (d->failed || d->used)
        return zp__fail(ZP_ERR_BAD_STATE, "the window is set before decoding");
    if (!d->codec->set_window)
        return zp__fail(ZP_ERR_UNSUPPORTED, "%s decodes whole images only", d->codec->name);
    if (denom != 1 && denom != 2 && denom != 4 && denom != 8)
        return zp__fail(ZP_ERR_INVALID_ARG, "scale 1/%d (1, 2, 4 or 8)", denom);
    zp_status st = d->codec->set_window(d->state, denom, want, got);
    if (st) {
        d->failed = 1;
        return st;
    }
    d->stored.width = got[2];
    d->stored.height = got[3];
    int swap = d->opt.apply_orientation && d->stored.orientation >= 5;
    d->info.width = swap ? got[3] : got[2];
    d->info.height = swap ? got[2] : got[3];
    return ZP_OK;
}

void zp__decoder_set_threads(zp_decoder *d, int threads) {
    if (d && d->codec->set_threads && !d->failed && !d->used)
        d->codec->set_threads(d->state, threads < 1 ? 1 : threads);
}

/* Decode the stored pixels through `target` (stored orientation). */
static zp_status decode_rows(zp_decoder *d, const zp_view *target) {
    zp__rowsink sink = {0};
    sink.dst = *target;
    sink.direct = zp_view_rows_packed(target) && target->dtype == d->stored.dtype;
    zp_status st = zp__decoder_begin_rows(d, &sink);
    if (st) return st;
    if (!d->sink.direct) {
        size_t row = (size_t)d->sink.width * (size_t)d->sink.channels * zp_dtype_size(d->sink.dtype);
        zp_view packed = {NULL, d->sink.width, 1, d->sink.channels, d->sink.dtype, (ptrdiff_t)row,
                          (ptrdiff_t)(row / (size_t)d->sink.width),
                          (ptrdiff_t)zp_dtype_size(d->sink.dtype), 0, NULL};
        size_t tmp = zp__copy_scratch_size(&packed, target);
        if (!(d->sink.scratch = malloc(ZP__ALIGN16(row) + tmp))) {
            d->failed = 1;
            return zp__fail(ZP_ERR_NOMEM, "out of memory for a row");
        }
        d->sink.copy_tmp = (char *)d->sink.scratch + ZP__ALIGN16(row);
    }
    st = zp__decoder_rows(d, d->stored.height);
    free(d->sink.scratch);
    d->sink.scratch = NULL;
    zp_view_release(&d->sink.whole);
    if (!st) reset_orientation_tag(d);
    return st;
}

zp_status zp_decoder_read(zp_decoder *dec, zp_image *out) {
    if (!dec || !out) return zp__fail(ZP_ERR_INVALID_ARG, "NULL argument");
    memset(out, 0, sizeof *out);
    zp_view stored;
    zp_status st = zp_view_alloc(dec->stored.width, dec->stored.height, dec->stored.channels,
                                 dec->stored.dtype, &stored);
    if (st) return st;
    if ((st = decode_rows(dec, &stored))) {
        zp_view_release(&stored);
        return st;
    }
    if (dec->opt.apply_orientation) {
        st = zp_view_orient(&stored, dec->stored.orientation, &stored); /* in place: no new ref */
        if (st) {
            zp_view_release(&stored);
            return st;
        }
    }
    out->view = stored;
    out->info = dec->info;
    out->meta = dec->meta; /* ownership moves to the image */
    memset(&dec->meta, 0, sizeof dec->meta);
    return ZP_OK;
}

zp_status zp_decoder_read_into(zp_decoder *dec, const zp_view *dst) {
    if (!dec || !dst) return zp__fail(ZP_ERR_INVALID_ARG, "NULL argument");
    zp_status st = zp_view_check(dst);
    if (st) return st;
    if (dst->width != dec->info.width || dst->height != dec->info.height ||
        dst->channels != dec->info.channels)
        return zp__fail(ZP_ERR_MISMATCH, "target view is %dx%dx%d, the image is %dx%dx%d",
                        (int)dst->width, (int)dst->height, (int)dst->channels,
                        (int)dec->info.width, (int)dec->info.height, (int)dec->info.channels);
    if (dst->flags & ZP_VIEW_READONLY) return zp__fail(ZP_ERR_READONLY, "target view is read-only");
    zp_view target;
    if (dec->opt.apply_orientation) {
        if ((st = zp_view_unorient(dst, dec->stored.orientation, &target))) return st;
    } else {
        zp_view_share(dst, &target);
    }
    st = decode_rows(dec, &target);
    zp_view_release(&target);
    return st;
}

void zp_decoder_close(zp_decoder *dec) {
    if (!dec) return;
    if (dec->codec) dec->codec->close(dec->state);
    zp_view_release(&dec->sink.whole);
    if (dec->reader.owns_file) fclose(dec->reader.file);
    zp_metadata_clear(&dec->meta);
    free(dec);
}

static zp_status decode_and_close(zp_status st, zp_decoder *d, zp_image *out) {
    if (out) memset(out, 0, sizeof *out);
    if (!st) st = zp_decoder_read(d, out);
    zp_decoder_close(d);
    return st;
}

zp_status zp_image_decode_file(const char *path, const zp_decode_options *opt, zp_image *out) {
    zp_decoder *d = NULL;
    zp_status st = zp_decoder_open_file(path, opt, &d);
    return decode_and_close(st, d, out);
}

zp_status zp_image_decode_memory(const void *data, size_t size, const zp_decode_options *opt,
                                 zp_image *out) {
    zp_decoder *d = NULL;
    zp_status st = zp_decoder_open_memory(data, size, opt, &d);
    return decode_and_close(st, d, out);
}
