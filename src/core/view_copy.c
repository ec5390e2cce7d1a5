/* view_copy.c: the one explicit pixel copy, view to view, any strides,
 * converting dtypes on the way. */
#include <stdlib.h>
#include <string.h>
#include "zeropix/view.h"
#include "core_internal.h"

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

size_t zp__copy_scratch_size(const zp_view *src, const zp_view *dst) {
    size_t n = (size_t)src->width * (size_t)src->channels;
    return (zp_view_rows_packed(src) ? 0 : ZP__ALIGN16(n * zp_dtype_size(src->dtype))) +
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
    /* General path: pack, convert, unpack, one row at a time. */
    char *a = scratch;
    char *b = src_packed ? a : a + ZP__ALIGN16(n * zp_dtype_size(src->dtype));
    for (int32_t y = 0; y < src->height; y++) {
        const void *s = src_packed ? zp_view_pixel(src, 0, y) : a;
        void *d = dst_packed ? zp_view_pixel(dst, 0, y) : b;
        if (!src_packed) gather_row(src, y, a);
        zp__convert_samples(s, src->dtype, d, dst->dtype, n);
        if (!dst_packed) scatter_row(dst, y, b);
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
