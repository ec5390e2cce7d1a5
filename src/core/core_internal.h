/* core_internal.h: helpers shared across zeropix's own files (zp__*). */
#ifndef ZEROPIX_CORE_INTERNAL_H
#define ZEROPIX_CORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "zeropix/status.h"
#include "zeropix/view.h"

#if defined(__GNUC__)
#  define ZP__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define ZP__PRINTF(a, b)
#endif

/* Set the calling thread's error message (printf format) and return
 * `status`, so failures read: return zp__fail(ZP_ERR_CORRUPT, "..."). */
zp_status zp__fail(zp_status status, const char *fmt, ...) ZP__PRINTF(2, 3);

/* Overflow-checked arithmetic: 0 on success, 1 on overflow. */
static inline int zp__mul_size(size_t a, size_t b, size_t *out) {
    return __builtin_mul_overflow(a, b, out);
}
static inline int zp__add_size(size_t a, size_t b, size_t *out) {
    return __builtin_add_overflow(a, b, out);
}

/* Bytes per row of w x ch packed samples of dt in zeropix's own frames
 * and rings: rounded up to ZP_ROW_ALIGN, so every row starts aligned.
 * 0 on overflow. */
static inline size_t zp__aligned_row_bytes(int32_t w, int32_t ch, zp_dtype dt) {
    size_t row;
    if (zp__mul_size((size_t)w, (size_t)ch * zp_dtype_size(dt), &row) ||
        zp__add_size(row, ZP_ROW_ALIGN - 1, &row))
        return 0;
    return row / ZP_ROW_ALIGN * ZP_ROW_ALIGN;
}

/* Aligned allocation (ZP_ROW_ALIGN) for pixel memory; counted, so tests can
 * prove that view operations allocate no pixel memory. */
void *zp__pixels_alloc(size_t size);
/* `size` is what was asked of zp__pixels_alloc (large blocks may be kept
 * for reuse, see zp_buffer_cache_trim). */
void zp__pixels_free(void *ptr, size_t size);
/* Bytes held by the cache of freed large blocks (tests). */
size_t zp__buffer_cache_bytes(void);
/* Number of pixel allocations made by this process so far. */
uint64_t zp__pixels_alloc_count(void);

/* Round a byte count up to a multiple of 16, so that scratch memory carved
 * into parts keeps every part aligned for any sample type. */
#define ZP__ALIGN16(n) (((n) + (size_t)15) & ~(size_t)15)

/* The body of zp_view_copy for views already checked to match: `scratch`
 * holds zp__copy_scratch_size(src, dst) bytes (a row or a block of rows of
 * each side that is not packed; 0 when the dtypes match and each pixel's
 * channels are adjacent) and is 16-byte aligned (malloc's is), so hot loops
 * can copy row by row without allocating. The size never shrinks as the
 * height grows, so a size computed for the tallest call serves them all. */
size_t zp__copy_scratch_size(const zp_view *src, const zp_view *dst);
void zp__copy_rows(const zp_view *src, const zp_view *dst, void *scratch);

/* Convert n samples between dtypes (same rules as zp_view_copy). */
void zp__convert_samples(const void *src, zp_dtype sdt, void *dst, zp_dtype ddt, size_t n);

/* Levenshtein distance of two short strings ((size_t)-1 past 64 chars),
 * for "did you mean" suggestions. */
size_t zp__edit_distance(const char *a, const char *b);

#endif
