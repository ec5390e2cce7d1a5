/* view.c: creating, checking and deriving views; no pixel is touched here. */
#include <string.h>
#include "zeropix/view.h"
#include "core_internal.h"

size_t zp_dtype_size(zp_dtype dtype) {
    switch (dtype) {
    case ZP_U8: return 1;
    case ZP_U16: return 2;
    case ZP_F32: return 4;
    }
    return 0;
}

const char *zp_dtype_name(zp_dtype dtype) {
    switch (dtype) {
    case ZP_U8: return "u8";
    case ZP_U16: return "u16";
    case ZP_F32: return "f32";
    }
    return "?";
}

/* Lowest and highest byte offset (inclusive) from v->data that v reaches. */
static int view_extent(const zp_view *v, ptrdiff_t *lo, ptrdiff_t *hi) {
    const ptrdiff_t n[3] = {v->height, v->width, v->channels};
    const ptrdiff_t s[3] = {v->stride_y, v->stride_x, v->stride_c};
    ptrdiff_t low = 0, high = (ptrdiff_t)zp_dtype_size(v->dtype) - 1;
    for (int i = 0; i < 3; i++) {
        ptrdiff_t span;
        if (__builtin_mul_overflow(n[i] - 1, s[i], &span)) return 1;
        if (span < 0 ? __builtin_add_overflow(low, span, &low)
                     : __builtin_add_overflow(high, span, &high))
            return 1;
    }
    *lo = low;
    *hi = high;
    return 0;
}

zp_status zp_view_check(const zp_view *v) {
    if (!v || !v->data) return zp__fail(ZP_ERR_INVALID_ARG, "view has no data");
    if (v->width < 1 || v->height < 1)
        return zp__fail(ZP_ERR_INVALID_ARG, "view size %d x %d", (int)v->width, (int)v->height);
    if (v->channels < 1 || v->channels > ZP_MAX_CHANNELS)
        return zp__fail(ZP_ERR_INVALID_ARG, "view has %d channels (1..4)", (int)v->channels);
    if (!zp_dtype_size(v->dtype))
        return zp__fail(ZP_ERR_INVALID_ARG, "view has unknown dtype %d", (int)v->dtype);
    /* Samples are read through typed pointers: keep them aligned. */
    const ptrdiff_t item = (ptrdiff_t)zp_dtype_size(v->dtype);
    if ((uintptr_t)v->data % (uintptr_t)item || v->stride_y % item || v->stride_x % item ||
        v->stride_c % item)
        return zp__fail(ZP_ERR_INVALID_ARG, "%s view is not aligned to %d bytes (data or strides)",
                        zp_dtype_name(v->dtype), (int)item);
    ptrdiff_t lo, hi;
    if (view_extent(v, &lo, &hi)) return zp__fail(ZP_ERR_OVERFLOW, "view strides overflow");
    if (v->owner) {
        uintptr_t base = (uintptr_t)zp_buffer_data(v->owner);
        uintptr_t start = (uintptr_t)v->data;
        uintptr_t size = zp_buffer_size(v->owner);
        /* base <= start + lo and start + hi < base + size, without wrapping */
        uintptr_t off = start - base, below = (uintptr_t)0 - (uintptr_t)lo;
        if (start < base || off < below || (uintptr_t)hi >= size ||
            off >= size - (uintptr_t)hi)
            return zp__fail(ZP_ERR_OUT_OF_BOUNDS, "view reaches outside its buffer");
    }
    return ZP_OK;
}

zp_status zp_view_wrap(zp_buffer *owner, void *data, int32_t width, int32_t height,
                       int32_t channels, zp_dtype dtype, ptrdiff_t stride_y,
                       ptrdiff_t stride_x, ptrdiff_t stride_c, uint32_t flags, zp_view *out) {
    if (!out) return zp__fail(ZP_ERR_INVALID_ARG, "NULL output view");
    if (flags & ~ZP_VIEW_READONLY) return zp__fail(ZP_ERR_INVALID_ARG, "unknown view flags");
    zp_view v = {data, width, height, channels, dtype, stride_y, stride_x, stride_c, flags, owner};
    zp_status st = zp_view_check(&v);
    if (st) return st;
    zp_buffer_ref(owner);
    *out = v;
    return ZP_OK;
}

zp_status zp_view_alloc(int32_t width, int32_t height, int32_t channels, zp_dtype dtype,
                        zp_view *out) {
    if (!out) return zp__fail(ZP_ERR_INVALID_ARG, "NULL output view");
    size_t item = zp_dtype_size(dtype), row, size;
    if (width < 1 || height < 1 || channels < 1 || channels > ZP_MAX_CHANNELS || !item)
        return zp__fail(ZP_ERR_INVALID_ARG, "cannot allocate %d x %d x %d %s", (int)width,
                        (int)height, (int)channels, zp_dtype_name(dtype));
    if (!(row = zp__aligned_row_bytes(width, channels, dtype)) ||
        zp__mul_size(row, (size_t)height, &size) || size > PTRDIFF_MAX)
        return zp__fail(ZP_ERR_OVERFLOW, "image of %d x %d overflows memory sizes", (int)width,
                        (int)height);
    zp_buffer *buf = zp_buffer_alloc(size);
    if (!buf) return ZP_ERR_NOMEM;
    *out = (zp_view){zp_buffer_data(buf), width, height, channels, dtype, (ptrdiff_t)row,
                     (ptrdiff_t)(channels * item), (ptrdiff_t)item, 0, buf};
    return ZP_OK;
}

void zp_view_release(zp_view *v) {
    if (!v) return;
    zp_buffer_unref(v->owner);
    memset(v, 0, sizeof *v);
}

void zp_view_share(const zp_view *v, zp_view *out) {
    *out = *v;
    zp_buffer_ref(out->owner);
}

int zp_view_rows_packed(const zp_view *v) {
    ptrdiff_t item = (ptrdiff_t)zp_dtype_size(v->dtype);
    return (v->stride_c == item || v->channels == 1) && v->stride_x == v->channels * item;
}

/* Every operation: check src, derive r, then hand out with a reference. */
static zp_status finish(const zp_view *src, zp_view r, zp_view *out) {
    if (out != src) zp_buffer_ref(r.owner);
    *out = r;
    return ZP_OK;
}

/* On failure `out` is zeroed (unless it is `src`, which stays as it was),
 * so releasing it in cleanup code is always safe. */
#define BEGIN_OP(src, out)                                                   \
    if (!(src) || !(out)) return zp__fail(ZP_ERR_INVALID_ARG, "NULL view");  \
    if ((out) != (src)) memset((out), 0, sizeof *(out));                     \
    zp_status st_ = zp_view_check(src);                                      \
    if (st_) return st_;                                                     \
    zp_view r = *(src)

zp_status zp_view_crop(const zp_view *src, int32_t x, int32_t y, int32_t w, int32_t h,
                       zp_view *out) {
    BEGIN_OP(src, out);
    if (x < 0 || y < 0 || w < 1 || h < 1 || w > src->width - x || h > src->height - y)
        return zp__fail(ZP_ERR_OUT_OF_BOUNDS, "crop %dx%d+%d+%d outside the %dx%d image",
                        (int)w, (int)h, (int)x, (int)y, (int)src->width, (int)src->height);
    r.data = zp_view_pixel(src, x, y);
    r.width = w;
    r.height = h;
    return finish(src, r, out);
}

static void flip_axes(zp_view *r, int axes) {
    if (axes & ZP_FLIP_X) {
        r->data = (char *)r->data + (ptrdiff_t)(r->width - 1) * r->stride_x;
        r->stride_x = -r->stride_x;
    }
    if (axes & ZP_FLIP_Y) {
        r->data = (char *)r->data + (ptrdiff_t)(r->height - 1) * r->stride_y;
        r->stride_y = -r->stride_y;
    }
}

static void swap_axes(zp_view *r) {
    int32_t w = r->width;
    ptrdiff_t sx = r->stride_x;
    r->width = r->height;
    r->height = w;
    r->stride_x = r->stride_y;
    r->stride_y = sx;
}

zp_status zp_view_flip(const zp_view *src, int axes, zp_view *out) {
    BEGIN_OP(src, out);
    if (axes & ~(ZP_FLIP_X | ZP_FLIP_Y)) return zp__fail(ZP_ERR_INVALID_ARG, "flip axes %d", axes);
    flip_axes(&r, axes);
    return finish(src, r, out);
}

zp_status zp_view_transpose(const zp_view *src, zp_view *out) {
    BEGIN_OP(src, out);
    swap_axes(&r);
    return finish(src, r, out);
}

zp_status zp_view_rotate(const zp_view *src, int degrees, zp_view *out) {
    int d = ((degrees % 360) + 360) % 360;
    if (degrees % 90) {
        if (out && out != src) memset(out, 0, sizeof *out);
        return zp__fail(ZP_ERR_INVALID_ARG, "rotation of %d degrees (multiples of 90)", degrees);
    }
    /* 90 clockwise = transpose then flip X; 270 = transpose then flip Y. */
    static const int orientation_of[4] = {1, 6, 3, 8};
    return zp_view_orient(src, orientation_of[d / 90], out);
}

zp_status zp_view_channels(const zp_view *src, int first, int count, int step, zp_view *out) {
    BEGIN_OP(src, out);
    if (count < 1 || count > ZP_MAX_CHANNELS)
        return zp__fail(ZP_ERR_OUT_OF_BOUNDS, "%d channels (1..4)", count);
    int64_t last = (int64_t)first + (int64_t)(count - 1) * step;
    if (first < 0 || first >= src->channels || last < 0 || last >= src->channels)
        return zp__fail(ZP_ERR_OUT_OF_BOUNDS, "channels %d..%lld step %d of a %d-channel image",
                        first, (long long)last, step, (int)src->channels);
    r.data = (char *)r.data + (ptrdiff_t)first * src->stride_c;
    r.channels = count;
    if (count > 1) r.stride_c = src->stride_c * step;
    if (count > 1 && step == 0) r.flags |= ZP_VIEW_READONLY; /* writes would alias */
    return finish(src, r, out);
}

zp_status zp_view_channel_order(const zp_view *src, const int *order, int count, zp_view *out) {
    if (out && out != src) memset(out, 0, sizeof *out);
    if (!order || count < 1 || count > ZP_MAX_CHANNELS)
        return zp__fail(ZP_ERR_INVALID_ARG, "a channel list of %d entries (1..4)", count);
    for (int i = 0; i < count; i++)
        if (order[i] < 0 || order[i] >= ZP_MAX_CHANNELS)
            return zp__fail(ZP_ERR_OUT_OF_BOUNDS, "channel %d (0..3)", order[i]);
    int step = count > 1 ? order[1] - order[0] : 1;
    for (int i = 2; i < count; i++)
        if (order[i] - order[i - 1] != step)
            return zp__fail(ZP_ERR_UNSUPPORTED,
                            "channel order is not an arithmetic progression (a view has one "
                            "channel stride); copy into a new image instead");
    return zp_view_channels(src, order[0], count, step, out);
}

zp_status zp_view_step(const zp_view *src, int32_t step_x, int32_t step_y, zp_view *out) {
    BEGIN_OP(src, out);
    if (step_x < 1 || step_y < 1)
        return zp__fail(ZP_ERR_INVALID_ARG, "step %d x %d (must be >= 1)", (int)step_x, (int)step_y);
    r.width = (int32_t)(((int64_t)src->width + step_x - 1) / step_x);
    r.height = (int32_t)(((int64_t)src->height + step_y - 1) / step_y);
    if (__builtin_mul_overflow(src->stride_x, (ptrdiff_t)step_x, &r.stride_x) ||
        __builtin_mul_overflow(src->stride_y, (ptrdiff_t)step_y, &r.stride_y))
        return zp__fail(ZP_ERR_OVERFLOW, "step strides overflow");
    return finish(src, r, out);
}

zp_status zp_view_orient(const zp_view *src, int orientation, zp_view *out) {
    /* Each EXIF orientation as (transpose first?, then flip axes). */
    static const struct { int transpose, flip; } t[9] = {
        {0, 0}, {0, 0}, {0, ZP_FLIP_X}, {0, ZP_FLIP_X | ZP_FLIP_Y}, {0, ZP_FLIP_Y},
        {1, 0}, {1, ZP_FLIP_X}, {1, ZP_FLIP_X | ZP_FLIP_Y}, {1, ZP_FLIP_Y}};
    BEGIN_OP(src, out);
    if (orientation < 1 || orientation > 8)
        return zp__fail(ZP_ERR_INVALID_ARG, "EXIF orientation %d (1..8)", orientation);
    if (t[orientation].transpose) swap_axes(&r);
    flip_axes(&r, t[orientation].flip);
    return finish(src, r, out);
}

zp_status zp_view_unorient(const zp_view *upright, int orientation, zp_view *out) {
    static const int inverse[9] = {0, 1, 2, 3, 4, 5, 8, 7, 6};
    if (orientation < 1 || orientation > 8)
        return zp__fail(ZP_ERR_INVALID_ARG, "EXIF orientation %d (1..8)", orientation);
    return zp_view_orient(upright, inverse[orientation], out);
}
