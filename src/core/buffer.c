/* buffer.c: refcounted owners of pixel memory, allocated or wrapped. */
#include <pthread.h>
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

/* ---- The cache of freed large blocks (see zp_buffer_cache_trim) ---------- */

#define CACHE_MIN_BYTES (4 * HUGE_PAGE)       /* smaller ones: malloc reuses them */
#define CACHE_SLOTS 4
#define CACHE_MAX_BYTES ((size_t)256 << 20)

#if defined(__SANITIZE_ADDRESS__)
#  define CACHE_BUILT_IN 0
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define CACHE_BUILT_IN 0
#  endif
#endif
#ifndef CACHE_BUILT_IN
#  define CACHE_BUILT_IN 1
#endif

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct { void *p; size_t bytes; } cache[CACHE_SLOTS];
static size_t cache_bytes;
static int cache_state = -1; /* -1: not yet read from the environment */

static int cache_enabled(void) { /* call with cache_lock held */
    if (cache_state < 0) {
        const char *env = getenv("ZEROPIX_BUFFER_CACHE");
        cache_state = CACHE_BUILT_IN && !(env && strcmp(env, "0") == 0);
    }
    return cache_state;
}

/* A cached block of `rounded` bytes up to a quarter more, or NULL. */
static void *cache_take(size_t rounded) {
    void *p = NULL;
    pthread_mutex_lock(&cache_lock);
    if (cache_enabled()) {
        int best = -1;
        for (int i = 0; i < CACHE_SLOTS; i++)
            if (cache[i].p && cache[i].bytes >= rounded && cache[i].bytes - rounded <= rounded / 4 &&
                (best < 0 || cache[i].bytes < cache[best].bytes))
                best = i;
        if (best >= 0) {
            p = cache[best].p;
            cache_bytes -= cache[best].bytes;
            cache[best].p = NULL;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return p;
}

/* Keep the block if a slot is free, else free it; then, over the byte
 * budget, free the largest other blocks until it fits. Blocks are freed
 * after the lock is released: unmapping a large block takes a while, and
 * other threads may be waiting to take or put one. */
static void cache_put(void *p, size_t rounded) {
    void *drop = p, *evicted[CACHE_SLOTS];
    int n_evicted = 0;
    pthread_mutex_lock(&cache_lock);
    if (cache_enabled() && rounded <= CACHE_MAX_BYTES) {
        for (int i = 0; i < CACHE_SLOTS && drop; i++)
            if (!cache[i].p) {
                cache[i].p = p, cache[i].bytes = rounded, drop = NULL;
                cache_bytes += rounded;
            }
        while (cache_bytes > CACHE_MAX_BYTES) {
            int big = -1;
            for (int i = 0; i < CACHE_SLOTS; i++)
                if (cache[i].p && cache[i].p != p && (big < 0 || cache[i].bytes > cache[big].bytes))
                    big = i;
            if (big < 0) break;
            evicted[n_evicted++] = cache[big].p;
            cache_bytes -= cache[big].bytes;
            cache[big].p = NULL;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    free(drop);
    for (int i = 0; i < n_evicted; i++) free(evicted[i]);
}

size_t zp__buffer_cache_bytes(void) {
    pthread_mutex_lock(&cache_lock);
    size_t n = cache_bytes;
    pthread_mutex_unlock(&cache_lock);
    return n;
}

void zp_buffer_cache_trim(void) {
    void *held[CACHE_SLOTS];
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < CACHE_SLOTS; i++) {
        held[i] = cache[i].p;
        cache[i].p = NULL;
    }
    cache_bytes = 0;
    pthread_mutex_unlock(&cache_lock);
    for (int i = 0; i < CACHE_SLOTS; i++) free(held[i]);
}

static size_t rounded_size(size_t size, size_t *align) {
    *align = size >= CACHE_MIN_BYTES ? HUGE_PAGE : ZP_ROW_ALIGN;
    size_t rounded;
    if (size == 0 || zp__add_size(size, *align - 1, &rounded)) return 0;
    return rounded - rounded % *align;
}

void *zp__pixels_alloc(size_t size) {
    size_t align, rounded = rounded_size(size, &align);
    if (rounded == 0) return NULL;
    atomic_fetch_add(&pixel_allocs, 1);
    if (align == HUGE_PAGE) {
        void *cached = cache_take(rounded);
        if (cached) return cached;
    }
    void *p = aligned_alloc(align, rounded);
    if (!p) return NULL;
#ifdef MADV_HUGEPAGE
    if (align == HUGE_PAGE) madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return p;
}

void zp__pixels_free(void *ptr, size_t size) {
    size_t align, rounded = rounded_size(size, &align);
    if (ptr && align == HUGE_PAGE) cache_put(ptr, rounded);
    else free(ptr);
}

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
        zp__pixels_free(data, size);
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
    if (buf->allocated) zp__pixels_free(buf->data, buf->size);
    else if (buf->release) buf->release(buf->user, buf->data);
    free(buf);
}

void *zp_buffer_data(const zp_buffer *buf) { return buf ? buf->data : NULL; }
size_t zp_buffer_size(const zp_buffer *buf) { return buf ? buf->size : 0; }
