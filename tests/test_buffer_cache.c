/* test_buffer_cache.c: freed large pixel blocks are reused (same memory,
 * no new mapping), small ones are not cached, sizes far apart do not share
 * a block, the cache stays within its budget, trim empties it, and
 * ZEROPIX_BUFFER_CACHE=0 turns it off (run with argument "off"). Skipped in
 * sanitizer builds, where the cache is off by design. */
#include <string.h>
#include "zp_test.h"
#include "core/core_internal.h"

#define MIB ((size_t)1 << 20)

int main(int argc, char **argv) {
#if defined(__SANITIZE_ADDRESS__)
    puts("SKIP: the cache is off under AddressSanitizer");
    return ZP_TEST_SKIP;
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
    puts("SKIP: the cache is off under AddressSanitizer");
    return ZP_TEST_SKIP;
#  endif
#endif
    int off = argc > 1 && strcmp(argv[1], "off") == 0;
    zp_buffer_cache_trim();
    CHECK(zp__buffer_cache_bytes() == 0);

    zp_buffer *a = zp_buffer_alloc(60 * MIB);
    CHECK(a != NULL);
    void *pa = zp_buffer_data(a);
    memset(pa, 7, 60 * MIB);
    zp_buffer_unref(a);
    CHECK(zp__buffer_cache_bytes() == (off ? 0 : 60 * MIB));

    /* The same size, or a little less, takes the block back. */
    zp_buffer *b = zp_buffer_alloc(60 * MIB - 12345);
    CHECK(b != NULL);
    if (!off) CHECK(zp_buffer_data(b) == pa);
    CHECK(zp__buffer_cache_bytes() == 0);
    zp_buffer_unref(b);

    /* Much smaller or larger requests do not take it. */
    zp_buffer *c = zp_buffer_alloc(20 * MIB), *d = zp_buffer_alloc(100 * MIB);
    CHECK(c && d);
    if (c && d) {
        if (!off) CHECK(zp_buffer_data(c) != pa && zp_buffer_data(d) != pa);
        CHECK(zp__buffer_cache_bytes() == (off ? 0 : 60 * MIB));
    }
    zp_buffer_unref(c);
    zp_buffer_unref(d);

    /* Small blocks are left to malloc. */
    size_t before = zp__buffer_cache_bytes();
    zp_buffer_unref(zp_buffer_alloc(1 * MIB));
    CHECK(zp__buffer_cache_bytes() == before);

    /* The budget: five 100 MiB blocks never leave more than 256 MiB held. */
    zp_buffer *big[5];
    for (int i = 0; i < 5; i++) big[i] = zp_buffer_alloc(100 * MIB);
    for (int i = 0; i < 5; i++) {
        zp_buffer_unref(big[i]);
        CHECK(zp__buffer_cache_bytes() <= 256 * MIB);
    }
    if (!off) CHECK(zp__buffer_cache_bytes() > 0);

    zp_buffer_cache_trim();
    CHECK(zp__buffer_cache_bytes() == 0);
    return zp_test_finish(off ? "buffer_cache.off" : "buffer_cache");
}
