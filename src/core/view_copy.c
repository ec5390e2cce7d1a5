/* view_copy.c: the one explicit pixel copy, view to view, any strides,
 * converting dtypes on the way. */
#include <stdlib.h>
#include <string.h>
#include "zeropix/view.h"
#include "core_internal.h"
#include "copy_kernels.h"

/* A w x rows block of pixels on both sides: pixel (x, r) at
 * src + x*ssx + r*ssy and at dst + x*dsx + r*dsy. */
typedef struct block {
    const char *src;
    char       *dst;
    ptrdiff_t   ssx, ssy, dsx, dsy;
    int32_t     w, rows;
} block;

/* Walk an axis the other way on both sides: the same pixel pairs. */
static void turn_x(block *b) {
    b->src += (ptrdiff_t)(b->w - 1) * b->ssx, b->ssx = -b->ssx;
    b->dst += (ptrdiff_t)(b->w - 1) * b->dsx, b->dsx = -b->dsx;
}
static void turn_rows(block *b) {
    b->src += (ptrdiff_t)(b->rows - 1) * b->ssy, b->ssy = -b->ssy;
    b->dst += (ptrdiff_t)(b->rows - 1) * b->dsy, b->dsy = -b->dsy;
}

static ptrdiff_t magnitude(ptrdiff_t s) { return s < 0 ? -s : s; }

/* Copy a block of pixels of `pixel` bytes (channels adjacent), choosing
 * the kernel from the layouts: packed rows on both sides (memcpy), rows
 * mirrored (reverse), or pixels adjacent along x on one side and along the
 * rows on the other (transpose). Anything else moves pixel by pixel. */
static void move_pixels(block b, size_t pixel, const struct zp_copy_kernels *k) {
    const ptrdiff_t p = (ptrdiff_t)pixel;
    if (magnitude(b.dsx) == p && magnitude(b.ssx) == p) {
        if (b.dsx < 0) turn_x(&b);
        for (int32_t r = 0; r < b.rows; r++) {
            const char *s = b.src + r * b.ssy;
            char *d = b.dst + r * b.dsy;
            if (b.ssx > 0) memcpy(d, s, (size_t)b.w * pixel);
            else k->reverse(s + (ptrdiff_t)(b.w - 1) * b.ssx, b.w, pixel, d);
        }
        return;
    }
    if (magnitude(b.dsx) == p && magnitude(b.ssy) == p) { /* transposed source */
        if (b.dsx < 0) turn_x(&b);
        if (b.ssy < 0) turn_rows(&b);
        k->transpose(b.src, b.ssx, b.w, b.rows, pixel, b.dst, b.dsy);
        return;
    }
    if (magnitude(b.ssx) == p && magnitude(b.dsy) == p) { /* transposed destination */
        if (b.ssx < 0) turn_x(&b);
        if (b.dsy < 0) turn_rows(&b);
        k->transpose(b.src, b.ssy, b.rows, b.w, pixel, b.dst, b.dsx);
        return;
    }
#define EACH_PIXEL(K)                                                        \
    for (int32_t r = 0; r < b.rows; r++)                                      \
        for (int32_t x = 0; x < b.w; x++)                                     \
            memcpy(b.dst + r * b.dsy + x * b.dsx, b.src + r * b.ssy + x * b.ssx, (K))
    ZP__FOR_EACH_PIXEL_SIZE(EACH_PIXEL, pixel) /* steps, channel subsets */
#undef EACH_PIXEL
}

/* 1 when the channels of a pixel are adjacent, so a pixel moves as one. */
static int pixels_whole(const zp_view *v) {
    return v->channels == 1 || v->stride_c == (ptrdiff_t)zp_dtype_size(v->dtype);
}

/* Move the block sample by sample, channel c of a pixel at `ssc` / `dsc`
 * bytes from its channel 0 (views whose channels are not adjacent). */
static void move_samples(block b, ptrdiff_t ssc, ptrdiff_t dsc, int32_t ch, size_t item) {
#define EACH_SAMPLE(K)                                                       \
    for (int32_t r = 0; r < b.rows; r++)                                      \
        for (int32_t x = 0; x < b.w; x++)                                     \
            for (int32_t c = 0; c < ch; c++)                                  \
                memcpy(b.dst + r * b.dsy + x * b.dsx + c * dsc,               \
                       b.src + r * b.ssy + x * b.ssx + c * ssc, (K))
    switch (item) { /* the sample sizes, constant: loads and stores, not calls */
    case 1: EACH_SAMPLE(1); break;
    case 2: EACH_SAMPLE(2); break;
    case 4: EACH_SAMPLE(4); break;
    default: EACH_SAMPLE(item); break;
    }
#undef EACH_SAMPLE
}

/* Rows y0..y0+rows-1 of v to or from `rows` packed rows at `packed`
 * (row_bytes apart). */
static void view_to_packed(const zp_view *v, int32_t y0, int32_t rows, char *packed,
                           size_t row_bytes, const struct zp_copy_kernels *k) {
    const size_t item = zp_dtype_size(v->dtype), pixel = item * (size_t)v->channels;
    const block b = {zp_view_pixel(v, 0, y0), packed, v->stride_x, v->stride_y,
                     (ptrdiff_t)pixel, (ptrdiff_t)row_bytes, v->width, rows};
    if (pixels_whole(v)) move_pixels(b, pixel, k);
    else move_samples(b, v->stride_c, (ptrdiff_t)item, v->channels, item);
}

static void packed_to_view(const char *packed, size_t row_bytes, const zp_view *v, int32_t y0,
                           int32_t rows, const struct zp_copy_kernels *k) {
    const size_t item = zp_dtype_size(v->dtype), pixel = item * (size_t)v->channels;
    const block b = {packed, zp_view_pixel(v, 0, y0), (ptrdiff_t)pixel, (ptrdiff_t)row_bytes,
                     v->stride_x, v->stride_y, v->width, rows};
    if (pixels_whole(v)) move_pixels(b, pixel, k);
    else move_samples(b, (ptrdiff_t)item, v->stride_c, v->channels, item);
}

/* Views whose pixels along a row lie further apart than its rows (a
 * transposed view: a row is a column of the buffer) are copied in blocks
 * of rows, so that each cache line of the buffer is loaded once per block
 * instead of once per row. */
#define BLOCK_ROWS 64

static int column_major(const zp_view *v) {
    return v->height > 1 && magnitude(v->stride_x) > magnitude(v->stride_y);
}

static int32_t block_rows(const zp_view *src, const zp_view *dst) {
    return column_major(src) || column_major(dst) ? BLOCK_ROWS : 1;
}

/* With no scratch in between (same dtype, whole pixels), blocks are made
 * of 64-row steps up to about 1.5 KB of each buffer row (1024 gray pixels,
 * 512 RGB, 384 RGBA): the lines at both ends of the bytes a pass reads
 * from a row are then a small part of them. Measured on a 20 MP transpose
 * (one thread, SSE4.1 tiles), gray ran at 4 GB/s in 64-row blocks and
 * 8.5..9.5 GB/s in 512..1024; at 2048 and more the destination rows of a
 * block no longer stay in the caches and it fell back to 3.3..4 GB/s. */
static int32_t direct_block_rows(const zp_view *src, const zp_view *dst, size_t pixel) {
    const int32_t rows = block_rows(src, dst);
    const size_t steps = 24 / pixel;
    return rows == 1 ? 1 : rows * (int32_t)(steps < 1 ? 1 : steps > 16 ? 16 : steps);
}

/* Same dtype and whole pixels on both sides: pixels move straight from
 * view to view, with no packed rows in between. */
static int direct(const zp_view *src, const zp_view *dst) {
    return src->dtype == dst->dtype && pixels_whole(src) && pixels_whole(dst);
}

size_t zp__copy_scratch_size(const zp_view *src, const zp_view *dst) {
    if (direct(src, dst)) return 0;
    const size_t n = (size_t)src->width * (size_t)src->channels, rows = (size_t)block_rows(src, dst);
    return (zp_view_rows_packed(src) ? 0 : ZP__ALIGN16(rows * n * zp_dtype_size(src->dtype))) +
           (zp_view_rows_packed(dst) ? 0 : rows * n * zp_dtype_size(dst->dtype));
}

void zp__copy_rows(const zp_view *src, const zp_view *dst, void *scratch) {
    const struct zp_copy_kernels *k = zp_copy_kernels();
    const size_t n = (size_t)src->width * (size_t)src->channels; /* fits: checked views */
    if (direct(src, dst)) {
        const size_t pixel = zp_dtype_size(src->dtype) * (size_t)src->channels;
        const size_t row = pixel * (size_t)src->width;
        if (zp_view_rows_packed(src) && zp_view_rows_packed(dst) && src->stride_y == dst->stride_y &&
            src->stride_y == (ptrdiff_t)row) {
            memcpy(dst->data, src->data, row * (size_t)src->height);
            return;
        }
        const int32_t step = direct_block_rows(src, dst, pixel);
        for (int32_t y0 = 0; y0 < src->height; y0 += step) {
            const int32_t rows = src->height - y0 < step ? src->height - y0 : step;
            move_pixels((block){zp_view_pixel(src, 0, y0), zp_view_pixel(dst, 0, y0), src->stride_x,
                                src->stride_y, dst->stride_x, dst->stride_y, src->width, rows},
                        pixel, k);
        }
        return;
    }
    /* Pack a block of source rows (unless packed), convert each row into
     * the destination or into packed rows, unpack those (unless packed). */
    const int src_packed = zp_view_rows_packed(src), dst_packed = zp_view_rows_packed(dst);
    const int32_t step = block_rows(src, dst);
    const size_t src_row = n * zp_dtype_size(src->dtype), dst_row = n * zp_dtype_size(dst->dtype);
    char *a = scratch;
    char *b = src_packed ? a : a + ZP__ALIGN16((size_t)step * src_row);
    for (int32_t y0 = 0; y0 < src->height; y0 += step) {
        const int32_t rows = src->height - y0 < step ? src->height - y0 : step;
        if (!src_packed) view_to_packed(src, y0, rows, a, src_row, k);
        for (int32_t r = 0; r < rows; r++) {
            const void *s = src_packed ? zp_view_pixel(src, 0, y0 + r) : a + r * src_row;
            void *d = dst_packed ? zp_view_pixel(dst, 0, y0 + r) : b + r * dst_row;
            zp__convert_samples(s, src->dtype, d, dst->dtype, n);
        }
        if (!dst_packed) packed_to_view(b, dst_row, dst, y0, rows, k);
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
    if (need && !scratch) return zp__fail(ZP_ERR_NOMEM, "out of memory for a block of scratch");
    zp__copy_rows(src, dst, scratch);
    free(scratch);
    return ZP_OK;
}
