/* buffer.c: refcounted owners of pixel memory, allocated or wrapped. */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "zeropix/view.h"
#include "core_internal.h"

struct zp_buffer {
    atomic_int    refs;
    void         *data;
    size_t        size;
    zp_release_fn release; /* NULL for memory from zp__pixels_alloc */
    void         *user;
    int           allocated;
};

static atomic_uint_least64_t pixel_allocs;

/* Large blocks ask for transparent huge pages: a fresh 60 MB frame then
 * faults in 2 MiB at a time instead of 4 KiB, which is most of its cost. */
#define HUGE_PAGE ((size_t)2 << 20)

void *zp__pixels_alloc(size_t size) {
    size_t align = size >= 4 * HUGE_PAGE ? HUGE_PAGE : ZP_ROW_ALIGN;
    size_t rounded;
    if (size == 0 || zp__add_size(size, align - 1, &rounded)) return NULL;
    rounded -= rounded % align;
    void *p = aligned_alloc(align, rounded);
    if (!p) return NULL;
#ifdef MADV_HUGEPAGE
    if (align == HUGE_PAGE) madvise(p, rounded, MADV_HUGEPAGE);
#endif
    atomic_fetch_add(&pixel_allocs, 1);
    return p;
}

void zp__pixels_free(void *ptr) { free(ptr); }

uint64_t zp__pixels_alloc_count(void) { return atomic_load(&pixel_allocs); }

static zp_buffer *buffer_new(void *data, size_t size, zp_release_fn release, void *user,
                             int allocated) {
    zp_buffer *b = malloc(sizeof *b);
    if (!b) return NULL;
    atomic_init(&b->refs, 1);
    b->data = data;
    b->size = size;
    b->release = release;
    b->user = user;
    b->allocated = allocated;
    return b;
}

zp_buffer *zp_buffer_alloc(size_t size) {
    if (size == 0) {
        zp__fail(ZP_ERR_INVALID_ARG, "buffer of 0 bytes");
        return NULL;
    }
    void *data = zp__pixels_alloc(size);
    zp_buffer *b = data ? buffer_new(data, size, NULL, NULL, 1) : NULL;
    if (!b) {
        zp__pixels_free(data);
        zp__fail(ZP_ERR_NOMEM, "out of memory allocating %zu bytes", size);
    }
    return b;
}

zp_buffer *zp_buffer_wrap(void *data, size_t size, zp_release_fn release, void *user) {
    if (!data || size == 0) {
        zp__fail(ZP_ERR_INVALID_ARG, "wrapping %s", data ? "0 bytes" : "a NULL pointer");
        return NULL;
    }
    zp_buffer *b = buffer_new(data, size, release, user, 0);
    if (!b) zp__fail(ZP_ERR_NOMEM, "out of memory");
    return b;
}

zp_buffer *zp_buffer_ref(zp_buffer *buf) {
    if (buf) atomic_fetch_add_explicit(&buf->refs, 1, memory_order_relaxed);
    return buf;
}

void zp_buffer_unref(zp_buffer *buf) {
    if (!buf) return;
    if (atomic_fetch_sub_explicit(&buf->refs, 1, memory_order_acq_rel) != 1) return;
    if (buf->allocated) zp__pixels_free(buf->data);
    else if (buf->release) buf->release(buf->user, buf->data);
    free(buf);
}

void *zp_buffer_data(const zp_buffer *buf) { return buf ? buf->data : NULL; }
size_t zp_buffer_size(const zp_buffer *buf) { return buf ? buf->size : 0; }
