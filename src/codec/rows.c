/* rows.c: row sinks (decoders writing into any view) and row sources
 * (encoders reading any view), packing and converting one row at a time. */
#include <stdlib.h>
#include <string.h>
#include "codec_internal.h"

static zp_view packed_row_view(void *data, int32_t width, int32_t channels, zp_dtype dtype) {
    ptrdiff_t item = (ptrdiff_t)zp_dtype_size(dtype);
    return (zp_view){data, width, 1, channels, dtype, (ptrdiff_t)width * channels * item,
                     channels * item, item, 0, NULL};
}

void *zp__rowsink_row(zp__rowsink *s, int32_t y) {
    return s->direct ? zp_view_pixel(&s->dst, 0, y) : s->scratch;
}

void zp__rowsink_commit(zp__rowsink *s, int32_t y) {
    if (s->direct) return;
    zp_view row = packed_row_view(s->scratch, s->width, s->channels, s->dtype);
    zp_view target = s->dst;
    target.data = zp_view_pixel(&s->dst, 0, y);
    target.height = 1;
    target.owner = NULL;
    zp__copy_rows(&row, &target, s->copy_tmp); /* shapes match by construction */
}

zp_status zp__rowsink_whole(zp__rowsink *s, zp_view *whole) {
    if (s->direct) {
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
    if (s->direct || !s->whole.data) return ZP_OK;
    zp_status st = zp_view_copy(&s->whole, &s->dst);
    zp_view_release(&s->whole);
    return st;
}

/* Non-packed sources are packed ROWSOURCE_BLOCK rows at a time, so that a
 * transposed view is gathered in cache-friendly blocks (zp__copy_rows). */
#define ROWSOURCE_BLOCK 64

zp_status zp__rowsource_init(zp__rowsource *rs, const zp_view *src, zp_dtype dtype) {
    memset(rs, 0, sizeof *rs);
    rs->src = *src;
    rs->dtype = dtype;
    rs->block_y = -1;
    if (zp_view_rows_packed(src) && src->dtype == dtype) return ZP_OK;
    int32_t rows = src->height < ROWSOURCE_BLOCK ? src->height : ROWSOURCE_BLOCK;
    size_t row_bytes = (size_t)src->width * (size_t)src->channels * zp_dtype_size(dtype);
    size_t bytes = ZP__ALIGN16(row_bytes * (size_t)rows);
    rs->scratch_view = (zp_view){NULL, src->width, rows, src->channels, dtype, (ptrdiff_t)row_bytes,
                                 (ptrdiff_t)(row_bytes / (size_t)src->width),
                                 (ptrdiff_t)zp_dtype_size(dtype), 0, NULL};
    zp_view block = *src;
    block.height = rows;
    size_t tmp = zp__copy_scratch_size(&block, &rs->scratch_view);
    if (!(rs->scratch = malloc(bytes + tmp))) return zp__fail(ZP_ERR_NOMEM, "out of memory for rows");
    rs->scratch_view.data = rs->scratch;
    rs->copy_tmp = (char *)rs->scratch + bytes;
    return ZP_OK;
}

const void *zp__rowsource_row(zp__rowsource *rs, int32_t y) {
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

void zp__rowsource_free(zp__rowsource *rs) {
    free(rs->scratch);
    rs->scratch = NULL;
}
