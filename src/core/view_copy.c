/* view_copy.c: the one explicit pixel copy, view to view, any strides,
 * converting dtypes on the way. */
#include <stdlib.h>
#include <string.h>
#include "zeropix/view.h"
#include "core_internal.h"
#include "copy_kernels.h"

/* Gather one row of v into a packed array of samples (or scatter back). */
static void gather_row(const zp_view *v, int32_t y, void *packed) {
    const char *row = zp_view_pixel(v, 0, y);
    const int32_t w = v->width, ch = v->channels;
    const ptrdiff_t sx = v->stride_x, sc = v->stride_c;
    switch (zp_dtype_size(v->dtype)) {
    case 1: {
        uint8_t *d = packed;
        for (int32_t x = 0; x < w; x++, row += sx)
            for (int32_t c = 0; c < ch; c++) *d++ = *(const uint8_t *)(row + c * sc);
        break;
    }
    case 2: {
        uint16_t *d = packed;
        for (int32_t x = 0; x < w; x++, row += sx)
            for (int32_t c = 0; c < ch; c++) memcpy(d++, row + c * sc, 2);
        break;
    }
    default: {
        uint32_t *d = packed;
        for (int32_t x = 0; x < w; x++, row += sx)
            for (int32_t c = 0; c < ch; c++) memcpy(d++, row + c * sc, 4);
        break;
    }
    }
}

static void scatter_row(const zp_view *v, int32_t y, const void *packed) {
    char *row = zp_view_pixel(v, 0, y);
    const int32_t w = v->width, ch = v->channels;
    const ptrdiff_t sx = v->stride_x, sc = v->stride_c;
    switch (zp_dtype_size(v->dtype)) {
    case 1: {
        const uint8_t *s = packed;
        for (int32_t x = 0; x < w; x++, row += sx)
            for (int32_t c = 0; c < ch; c++) *(uint8_t *)(row + c * sc) = *s++;
        break;
    }
    case 2: {
        const uint16_t *s = packed;
        for (int32_t x = 0; x < w; x++, row += sx)
            for (int32_t c = 0; c < ch; c++) memcpy(row + c * sc, s++, 2);
        break;
    }
    default: {
        const uint32_t *s = packed;
        for (int32_t x = 0; x < w; x++, row += sx)
            for (int32_t c = 0; c < ch; c++) memcpy(row + c * sc, s++, 4);
        break;
    }
    }
}

/* Views whose pixels along a row lie further apart than its rows (a
 * transposed view: a row is a column of the buffer) are gathered in blocks
 * of rows, walking x in the outer loop, so each cache line of the buffer
 * is loaded once per block instead of once per row. */
#define BLOCK_ROWS 64

static int column_major(const zp_view *v) {
    ptrdiff_t sx = v->stride_x < 0 ? -v->stride_x : v->stride_x;
    ptrdiff_t sy = v->stride_y < 0 ? -v->stride_y : v->stride_y;
    return v->height > 1 && sx > sy;
}

/* Rows y0..y0+n-1 of v into n packed rows of `row_samples` samples each.
 * Pixels whose channels are adjacent (stride_c == itemsize, the usual
 * case) move as one block through the copy kernels. */
static void gather_block(const zp_view *v, int32_t y0, int32_t n, void *packed, size_t row_samples) {
    const int32_t w = v->width, ch = v->channels;
    const ptrdiff_t sx = v->stride_x, sy = v->stride_y, sc = v->stride_c;
    const size_t item = zp_dtype_size(v->dtype), row_bytes = row_samples * item;
    const char *base = zp_view_pixel(v, 0, y0);
    char *out = packed;
    if (sc == (ptrdiff_t)item || ch == 1) {
        zp_copy_kernels()->gather_block(base, sx, sy, w, n, item * (size_t)ch, out, row_bytes);
        return;
    }
    for (int32_t x = 0; x < w; x++) /* any channel stride */
        for (int32_t r = 0; r < n; r++)
            for (int32_t c = 0; c < ch; c++)
                memcpy(out + (size_t)r * row_bytes + ((size_t)x * ch + c) * item,
                       base + r * sy + x * sx + c * sc, item);
}

size_t zp__copy_scratch_size(const zp_view *src, const zp_view *dst) {
    size_t n = (size_t)src->width * (size_t)src->channels;
    size_t src_rows = column_major(src) ? BLOCK_ROWS : 1;
    return (zp_view_rows_packed(src) ? 0 : ZP__ALIGN16(src_rows * n * zp_dtype_size(src->dtype))) +
           (zp_view_rows_packed(dst) ? 0 : n * zp_dtype_size(dst->dtype));
}

void zp__copy_rows(const zp_view *src, const zp_view *dst, void *scratch) {
    const size_t n = (size_t)src->width * (size_t)src->channels; /* fits: checked views */
    const int src_packed = zp_view_rows_packed(src), dst_packed = zp_view_rows_packed(dst);
    if (src->dtype == dst->dtype && src_packed && dst_packed) {
        const size_t row = n * zp_dtype_size(src->dtype);
        if (src->stride_y == dst->stride_y && src->stride_y == (ptrdiff_t)row) {
            memcpy(dst->data, src->data, row * (size_t)src->height);
            return;
        }
        for (int32_t y = 0; y < src->height; y++)
            memcpy(zp_view_pixel(dst, 0, y), zp_view_pixel(src, 0, y), row);
        return;
    }
    /* General path: pack (a block of rows at a time for column-major
     * sources), convert, unpack. */
    const int32_t block = !src_packed && column_major(src) ? BLOCK_ROWS : 1;
    const size_t src_row_bytes = n * zp_dtype_size(src->dtype);
    char *a = scratch;
    char *b = src_packed ? a : a + ZP__ALIGN16((size_t)block * src_row_bytes);
    for (int32_t y0 = 0; y0 < src->height; y0 += block) {
        int32_t rows = src->height - y0 < block ? src->height - y0 : block;
        if (!src_packed) {
            if (block > 1) gather_block(src, y0, rows, a, n);
            else gather_row(src, y0, a);
        }
        for (int32_t r = 0; r < rows; r++) {
            const int32_t y = y0 + r;
            const void *s = src_packed ? zp_view_pixel(src, 0, y) : a + (size_t)r * src_row_bytes;
            void *d = dst_packed ? zp_view_pixel(dst, 0, y) : b;
            zp__convert_samples(s, src->dtype, d, dst->dtype, n);
            if (!dst_packed) scatter_row(dst, y, b);
        }
    }
}

zp_status zp_view_copy(const zp_view *src, const zp_view *dst) {
    zp_status st;
    if (!src || !dst) return zp__fail(ZP_ERR_INVALID_ARG, "NULL view");
    if ((st = zp_view_check(src)) || (st = zp_view_check(dst))) return st;
    if (src->width != dst->width || src->height != dst->height || src->channels != dst->channels)
        return zp__fail(ZP_ERR_MISMATCH, "copy of %dx%dx%d into %dx%dx%d", (int)src->width,
                        (int)src->height, (int)src->channels, (int)dst->width,
                        (int)dst->height, (int)dst->channels);
    if (dst->flags & ZP_VIEW_READONLY) return zp__fail(ZP_ERR_READONLY, "copy into a read-only view");
    if (src->data == dst->data && src->dtype == dst->dtype && src->stride_x == dst->stride_x &&
        src->stride_y == dst->stride_y && src->stride_c == dst->stride_c)
        return ZP_OK; /* identical views */
    size_t need = zp__copy_scratch_size(src, dst);
    void *scratch = need ? malloc(need) : NULL;
    if (need && !scratch) return zp__fail(ZP_ERR_NOMEM, "out of memory for a row of scratch");
    zp__copy_rows(src, dst, scratch);
    free(scratch);
    return ZP_OK;
}
