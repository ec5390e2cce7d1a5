/* rows.c: row sinks (decoders writing into any view or a callback) and
 * row sources (encoders reading any view, or pulling a row stream),
 * packing and converting one row at a time. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "codec_internal.h"

static zp_view packed_row_view(void *data, int32_t width, int32_t channels, zp_dtype dtype) {
    ptrdiff_t item = (ptrdiff_t)zp_dtype_size(dtype);
    return (zp_view){data, width, 1, channels, dtype, (ptrdiff_t)width * channels * item,
                     channels * item, item, 0, NULL};
}

void *zp__rowsink_row(zp__rowsink *s, int32_t y) {
    if (s->row_fn) return s->row_fn(s->user, y);
    return s->direct ? zp_view_pixel(&s->dst, 0, y) : s->scratch;
}

void zp__rowsink_commit(zp__rowsink *s, int32_t y) {
    if (s->commit_fn) {
        s->commit_fn(s->user, y);
        return;
    }
    if (s->direct) return;
    zp_view row = packed_row_view(s->scratch, s->width, s->channels, s->dtype);
    zp_view target = s->dst;
    target.data = zp_view_pixel(&s->dst, 0, y);
    target.height = 1;
    target.owner = NULL;
    zp__copy_rows(&row, &target, s->copy_tmp); /* shapes match by construction */
}

void zp__rowsink_blank(zp__rowsink *s, int32_t *next_row, int32_t until) {
    const size_t row = (size_t)s->width * (size_t)s->channels * zp_dtype_size(s->dtype);
    for (; *next_row < until; ++*next_row) {
        memset(zp__rowsink_row(s, *next_row), 0, row);
        zp__rowsink_commit(s, *next_row);
    }
}

int zp__rowsink_cancelled(const zp__rowsink *s) {
    return s->cancelled_fn ? s->cancelled_fn(s->user) : 0;
}

zp_status zp__rowsink_whole(zp__rowsink *s, zp_view *whole) {
    if (s->direct && !s->row_fn) {
        *whole = s->dst;
        whole->owner = NULL;
        return ZP_OK;
    }
    zp_status st = zp_view_alloc(s->width, s->height, s->channels, s->dtype, &s->whole);
    if (st) return st;
    *whole = s->whole;
    whole->owner = NULL;
    return ZP_OK;
}

zp_status zp__rowsink_whole_done(zp__rowsink *s) {
    if (s->row_fn && s->whole.data) {
        size_t row = (size_t)s->width * (size_t)s->channels * zp_dtype_size(s->dtype);
        for (int32_t y = 0; y < s->height; y++) {
            memcpy(s->row_fn(s->user, y), zp_view_pixel(&s->whole, 0, y), row);
            s->commit_fn(s->user, y);
        }
        zp_view_release(&s->whole);
        return ZP_OK;
    }
    if (s->direct || !s->whole.data) return ZP_OK;
    zp_status st = zp_view_copy(&s->whole, &s->dst);
    zp_view_release(&s->whole);
    return st;
}

/* ---- Row streams ------------------------------------------------------------ */

/* A registered stream. The template view's owner identifies it: views an
 * encoder derives from the template keep that owner. */
typedef struct zp__rowstream {
    zp_buffer        *owner;
    const char       *base;   /* the template row                      */
    zp__row_pull_fn   pull;
    zp__row_status_fn status;
    void             *user;
    struct zp__rowstream *next;
} zp__rowstream;

static pthread_mutex_t streams_lock = PTHREAD_MUTEX_INITIALIZER;
static zp__rowstream *streams;

static const zp__rowstream *stream_of(const zp_view *v) {
    if (!v->owner || v->stride_y != 0) return NULL;
    const zp__rowstream *found = NULL;
    pthread_mutex_lock(&streams_lock);
    for (const zp__rowstream *s = streams; s && !found; s = s->next)
        if (s->owner == v->owner) found = s;
    pthread_mutex_unlock(&streams_lock);
    return found;
}

zp_status zp__rowstream_new(int32_t width, int32_t height, int32_t channels, zp_dtype dtype,
                            zp__row_pull_fn pull, zp__row_status_fn status, void *user,
                            zp_view *out) {
    memset(out, 0, sizeof *out);
    zp__rowstream *s = calloc(1, sizeof *s);
    if (!s) return zp__fail(ZP_ERR_NOMEM, "out of memory");
    zp_view row;
    zp_status st = zp_view_alloc(width, 1, channels, dtype, &row);
    if (st) {
        free(s);
        return st;
    }
    memset(row.data, 0, (size_t)row.stride_y); /* never read; defined anyway */
    row.height = height;
    row.stride_y = 0;
    s->owner = row.owner;
    s->base = row.data;
    s->pull = pull;
    s->status = status;
    s->user = user;
    pthread_mutex_lock(&streams_lock);
    s->next = streams;
    streams = s;
    pthread_mutex_unlock(&streams_lock);
    *out = row;
    return ZP_OK;
}

void zp__rowstream_end(zp_view *template_view) {
    zp__rowstream *gone = NULL;
    pthread_mutex_lock(&streams_lock);
    for (zp__rowstream **p = &streams; *p; p = &(*p)->next)
        if ((*p)->owner == template_view->owner) {
            gone = *p;
            *p = gone->next;
            break;
        }
    pthread_mutex_unlock(&streams_lock);
    free(gone);
    zp_view_release(template_view);
}

zp_status zp__rowstream_check(const zp_view *view) {
    const zp__rowstream *s = view ? stream_of(view) : NULL;
    return s ? s->status(s->user) : ZP_OK;
}

/* Row y of a stream view: the pulled template-geometry row, seen through
 * the view's columns and channels, packed and converted when needed. */
static const void *stream_row(zp__rowsource *rs, int32_t y) {
    const zp__rowstream *s = rs->stream;
    const char *base = s->pull(s->user, y);
    if (!base) { /* zeros: the encode is failed afterwards */
        memset(rs->scratch, 0, (size_t)rs->scratch_view.stride_y);
        return rs->scratch;
    }
    zp_view row = rs->src;
    row.data = (char *)base + ((const char *)rs->src.data - s->base);
    row.height = 1;
    row.owner = NULL;
    if (zp_view_rows_packed(&row) && row.dtype == rs->dtype) return row.data;
    zp_view dst = rs->scratch_view;
    dst.height = 1;
    zp__copy_rows(&row, &dst, rs->copy_tmp);
    return rs->scratch;
}

/* Non-packed sources are packed ROWSOURCE_BLOCK rows at a time, so that a
 * transposed view is gathered in cache-friendly blocks (zp__copy_rows). */
#define ROWSOURCE_BLOCK 64

zp_status zp__rowsource_init(zp__rowsource *rs, const zp_view *src, zp_dtype dtype) {
    memset(rs, 0, sizeof *rs);
    rs->src = *src;
    rs->dtype = dtype;
    rs->block_y = -1;
    rs->stream = stream_of(src);
    if (!rs->stream && zp_view_rows_packed(src) && src->dtype == dtype) return ZP_OK;
    int32_t rows = rs->stream ? 1 : src->height < ROWSOURCE_BLOCK ? src->height : ROWSOURCE_BLOCK;
    size_t row_bytes = (size_t)src->width * (size_t)src->channels * zp_dtype_size(dtype);
    size_t bytes = ZP__ALIGN16(row_bytes * (size_t)rows);
    rs->scratch_view = (zp_view){NULL, src->width, rows, src->channels, dtype, (ptrdiff_t)row_bytes,
                                 (ptrdiff_t)(row_bytes / (size_t)src->width),
                                 (ptrdiff_t)zp_dtype_size(dtype), 0, NULL};
    zp_view block = *src;
    block.height = rows;
    size_t tmp = zp__copy_scratch_size(&block, &rs->scratch_view);
    if (!(rs->scratch = rs->stream ? calloc(1, bytes + tmp) : malloc(bytes + tmp)))
        return zp__fail(ZP_ERR_NOMEM, "out of memory for rows");
    rs->scratch_view.data = rs->scratch;
    rs->copy_tmp = (char *)rs->scratch + bytes;
    return ZP_OK;
}

const void *zp__rowsource_row(zp__rowsource *rs, int32_t y) {
    if (rs->stream) return stream_row(rs, y);
    if (!rs->scratch) return zp_view_pixel(&rs->src, 0, y);
    const int32_t cap = rs->scratch_view.height;
    if (rs->block_y < 0 || y < rs->block_y || y >= rs->block_y + rs->block_rows) {
        zp_view block = rs->src, dst = rs->scratch_view;
        block.data = zp_view_pixel(&rs->src, 0, y);
        block.height = rs->src.height - y < cap ? rs->src.height - y : cap;
        block.owner = NULL;
        dst.height = block.height;
        zp__copy_rows(&block, &dst, rs->copy_tmp);
        rs->block_y = y;
        rs->block_rows = block.height;
    }
    return (const char *)rs->scratch + (size_t)(y - rs->block_y) * (size_t)rs->scratch_view.stride_y;
}

const uint8_t *zp__rowsource_lent(const zp__rowsource *rs, ptrdiff_t *stride) {
    if (rs->stream || rs->scratch) return NULL;
    *stride = rs->src.stride_y;
    return rs->src.data;
}

void zp__rowsource_free(zp__rowsource *rs) {
    free(rs->scratch);
    rs->scratch = NULL;
}
