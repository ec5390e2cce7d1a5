/* zeropix/view.h: the 2D strided pixel view, its refcounted owner, and the
 * O(1) view operations (crop, flip, transpose, rotate, channels, step) plus
 * the one explicit copy.
 *
 * A view is PEP 3118's buffer carried into C: ndim 3, shape {height, width,
 * channels}, byte strides {stride_y, stride_x, stride_c}, itemsize from the
 * dtype. Strides are in BYTES and may be negative (flips) or swapped
 * (transpose). Sample (x, y, c) lives at
 *
 *     (char *)v.data + y * v.stride_y + x * v.stride_x + c * v.stride_c
 *
 * Views are plain values. A view that has an owner holds one reference to
 * it: every function that fills a zp_view *out gives `out` its own reference,
 * which the caller drops with zp_view_release(). Views with owner == NULL
 * borrow memory whose lifetime the caller guarantees.
 *
 * Safety: every view operation checks its input view first (zp_view_check):
 * the bytes it can address must lie inside its owner's memory. The derived
 * view addresses a subset of the bytes of its input, so no sequence of view
 * operations can reach outside the memory the first view was made from.
 */
#ifndef ZEROPIX_VIEW_H
#define ZEROPIX_VIEW_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Sample types. Values are stable ABI. */
typedef enum zp_dtype {
    ZP_U8 = 1,   /* 0..255                                  */
    ZP_U16 = 2,  /* 0..65535, native byte order             */
    ZP_F32 = 3   /* float, nominal range 0.0..1.0           */
} zp_dtype;

/* Size in bytes of one sample of `dtype`; 0 for an unknown dtype. */
ZP_API size_t zp_dtype_size(zp_dtype dtype);
/* "u8", "u16", "f32", or "?" */
ZP_API const char *zp_dtype_name(zp_dtype dtype);

/* View flags. */
#define ZP_VIEW_READONLY 0x1u

/* Byte alignment of the data and of every row in buffers zeropix allocates. */
#define ZP_ROW_ALIGN 64

/* The largest width, height and channel count a view may have. */
#define ZP_MAX_DIM 0x7fffffff
#define ZP_MAX_CHANNELS 4

/* ---- Owners ---------------------------------------------------------- */

/* A refcounted block of memory that views keep alive. */
typedef struct zp_buffer zp_buffer;

/* Called once when the last reference to a wrapped buffer goes away. */
typedef void (*zp_release_fn)(void *user, void *data);

/* Allocate `size` bytes aligned to ZP_ROW_ALIGN, uninitialised, refcount 1.
 * Returns NULL (and sets zp_last_error) when out of memory or size == 0.
 * Release with zp_buffer_unref(). */
ZP_API ZP_NODISCARD zp_buffer *zp_buffer_alloc(size_t size);

/* Wrap memory the caller owns (an mmap, a NumPy array, a camera frame)
 * without copying. `release` (may be NULL) is called with (user, data) when
 * the last reference is dropped. Refcount starts at 1; release with
 * zp_buffer_unref(). Returns NULL when data is NULL, size is 0 or out of
 * memory; `release` is NOT called in that case. */
ZP_API ZP_NODISCARD zp_buffer *zp_buffer_wrap(void *data, size_t size,
                                              zp_release_fn release, void *user);

/* Large blocks from zp_buffer_alloc (8 MiB and up) are kept in a small
 * process-wide cache when freed (at most 4 blocks and 256 MiB in all), so
 * a program converting image after image reuses memory that is already
 * mapped instead of faulting in fresh zeroed pages for every frame (about
 * 30 ms per 60 MB). This drops the cached blocks, returning them to the
 * system. Set ZEROPIX_BUFFER_CACHE=0 to turn the cache off (it is off in
 * sanitizer builds, where it would hide use-after-free). Thread-safe. */
ZP_API void zp_buffer_cache_trim(void);

/* Add a reference. NULL is ignored. Thread-safe. Returns buf. */
ZP_API zp_buffer *zp_buffer_ref(zp_buffer *buf);
/* Drop a reference; the last one frees or releases the memory. NULL is
 * ignored. Thread-safe. */
ZP_API void zp_buffer_unref(zp_buffer *buf);
/* Start and size in bytes of the owned memory. Borrowed. */
ZP_API void *zp_buffer_data(const zp_buffer *buf);
ZP_API size_t zp_buffer_size(const zp_buffer *buf);

/* ---- The view -------------------------------------------------------- */

typedef struct zp_view {
    void      *data;     /* address of channel 0 of pixel (0,0)           */
    int32_t    width;    /* pixels, >= 1                                  */
    int32_t    height;   /* pixels, >= 1                                  */
    int32_t    channels; /* 1..4: gray, gray+alpha, RGB, RGBA             */
    zp_dtype   dtype;
    ptrdiff_t  stride_y; /* bytes from (x,y) to (x,y+1); may be negative  */
    ptrdiff_t  stride_x; /* bytes from (x,y) to (x+1,y); may be negative  */
    ptrdiff_t  stride_c; /* bytes from channel c to c+1; may be negative  */
    uint32_t   flags;    /* ZP_VIEW_READONLY                              */
    zp_buffer *owner;    /* keeps data alive; NULL = borrowed             */
} zp_view;

/* Allocate a packed image: stride_c = itemsize, stride_x = channels *
 * itemsize, stride_y rounded up to ZP_ROW_ALIGN so every row starts 64-byte
 * aligned. Pixels are uninitialised. Size checked for overflow. On success
 * `out` holds the only reference to a new owner. */
ZP_API ZP_NODISCARD zp_status zp_view_alloc(int32_t width, int32_t height,
                                            int32_t channels, zp_dtype dtype,
                                            zp_view *out);

/* Describe memory inside `owner` (which may be NULL for borrowed memory)
 * with the given geometry, after checking it: with an owner, every byte the
 * view can address must lie inside the owner's memory. Takes a new
 * reference to `owner` on success. */
ZP_API ZP_NODISCARD zp_status zp_view_wrap(zp_buffer *owner, void *data,
                                           int32_t width, int32_t height,
                                           int32_t channels, zp_dtype dtype,
                                           ptrdiff_t stride_y, ptrdiff_t stride_x,
                                           ptrdiff_t stride_c, uint32_t flags,
                                           zp_view *out);

/* Check a view: dims >= 1, channels 1..4, a known dtype, data and strides
 * multiples of the sample size (samples are aligned), no overflow in its
 * extent, and (with an owner) every addressable byte inside the owner.
 * ZP_OK, or ZP_ERR_INVALID_ARG / ZP_ERR_OUT_OF_BOUNDS / ZP_ERR_OVERFLOW. */
ZP_API zp_status zp_view_check(const zp_view *v);

/* Drop the view's reference to its owner and zero it. NULL is fine. */
ZP_API void zp_view_release(zp_view *v);

/* Give `out` a copy of `v` with its own reference (a second handle). */
ZP_API void zp_view_share(const zp_view *v, zp_view *out);

/* 1 when samples of a row are contiguous: stride_c == itemsize and
 * stride_x == channels * itemsize (a row is one flat array of samples). */
ZP_API int zp_view_rows_packed(const zp_view *v);

/* Address of sample 0 of pixel (x, y); no bounds check (hot paths). */
static inline void *zp_view_pixel(const zp_view *v, int32_t x, int32_t y) {
    return (char *)v->data + (ptrdiff_t)y * v->stride_y + (ptrdiff_t)x * v->stride_x;
}

/* ---- O(1) view operations --------------------------------------------
 * None touches a pixel or allocates. Each reads `src`, writes `out` with a
 * new reference to the owner, and may be called with out == src (the
 * reference count stays balanced). `out` is overwritten, not released. On
 * failure `out` is zeroed (so releasing it is safe), except when it is
 * `src`, which is then left as it was. */

/* The rectangle x..x+w-1, y..y+h-1; it must lie inside src. */
ZP_API ZP_NODISCARD zp_status zp_view_crop(const zp_view *src, int32_t x, int32_t y,
                                           int32_t w, int32_t h, zp_view *out);

typedef enum zp_flip {
    ZP_FLIP_X = 1, /* mirror left-right (horizontal flip)  */
    ZP_FLIP_Y = 2  /* mirror top-bottom (vertical flip)    */
} zp_flip;
/* Flip on ZP_FLIP_X, ZP_FLIP_Y or both (ZP_FLIP_X | ZP_FLIP_Y = rotate 180). */
ZP_API ZP_NODISCARD zp_status zp_view_flip(const zp_view *src, int axes, zp_view *out);

/* Swap the x and y axes: out(x, y) = src(y, x). */
ZP_API ZP_NODISCARD zp_status zp_view_transpose(const zp_view *src, zp_view *out);

/* Rotate clockwise by 0, 90, 180 or 270 degrees (also -90, -180, -270). */
ZP_API ZP_NODISCARD zp_status zp_view_rotate(const zp_view *src, int degrees, zp_view *out);

/* Channels first, first+step, ..., count of them: any subset or reorder that
 * is an arithmetic progression, since a view has one channel stride (as in
 * PEP 3118). RGB -> BGR: (2, 3, -1). RGBA -> RGB: (0, 3, 1). Alpha only:
 * (3, 1, 1). Step 0 repeats one channel (gray -> RGB: (0, 3, 0)); such a
 * view is made read-only, since its channels share bytes. RGBA -> BGRA is
 * not a progression: ZP_ERR_UNSUPPORTED, and a zp_view_copy() into a new
 * view is the way to do it. */
ZP_API ZP_NODISCARD zp_status zp_view_channels(const zp_view *src, int first, int count,
                                               int step, zp_view *out);

/* Same as zp_view_channels, given as a list ("2,1,0"): order[i] is the
 * source channel of output channel i. ZP_ERR_UNSUPPORTED when the list is
 * not an arithmetic progression. */
ZP_API ZP_NODISCARD zp_status zp_view_channel_order(const zp_view *src, const int *order,
                                                    int count, zp_view *out);

/* Every step_x-th column and step_y-th row, starting at (0,0); both >= 1.
 * The size becomes ceil(width / step_x) x ceil(height / step_y). */
ZP_API ZP_NODISCARD zp_status zp_view_step(const zp_view *src, int32_t step_x,
                                           int32_t step_y, zp_view *out);

/* The view that applies EXIF orientation `orientation` (1..8) to src, so
 * that it displays upright: 1 identity, 2 flip X, 3 rotate 180, 4 flip Y,
 * 5 transpose, 6 rotate 90, 7 transverse, 8 rotate 270. */
ZP_API ZP_NODISCARD zp_status zp_view_orient(const zp_view *src, int orientation,
                                             zp_view *out);
/* The inverse: the view through which pixels stored with `orientation`
 * are written so that `upright` shows them upright. */
ZP_API ZP_NODISCARD zp_status zp_view_unorient(const zp_view *upright, int orientation,
                                               zp_view *out);

/* ---- The explicit copy ----------------------------------------------- */

/* Copy every sample of src into dst: same width, height and channels
 * (ZP_ERR_MISMATCH otherwise), any strides on either side. When the dtypes
 * differ samples are converted: u8 -> u16 multiplies by 257, u16 -> u8
 * rounds (v * 255 + 32767) / 65535, integers -> f32 map the full range to
 * 0..1, f32 -> integers clamp to 0..1 and round. dst must be writable
 * (ZP_ERR_READONLY). Packed rows take a memcpy fast path. The two views
 * must not overlap unless they are identical. */
ZP_API ZP_NODISCARD zp_status zp_view_copy(const zp_view *src, const zp_view *dst);

#ifdef __cplusplus
}
#endif
#endif
