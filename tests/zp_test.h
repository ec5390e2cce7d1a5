/* zp_test.h: the few macros every test program uses. A failed check prints
 * file:line and the expression and makes the program exit 1. */
#ifndef ZP_TEST_H
#define ZP_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include "zeropix/zeropix.h"

static int zp_test_failures;

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    zp_test_failures++; } } while (0)

/* A zeropix call that must succeed; prints the status and last error. */
#define CHECK_OK(call) do { zp_status st_ = (call); if (st_ != ZP_OK) { \
    fprintf(stderr, "%s:%d: %s -> %s: %s\n", __FILE__, __LINE__, #call, \
            zp_status_str(st_), zp_last_error()); zp_test_failures++; } } while (0)

/* A zeropix call that must fail with `expected`. */
#define CHECK_STATUS(call, expected) do { zp_status st_ = (call); if (st_ != (expected)) { \
    fprintf(stderr, "%s:%d: %s -> %s, expected %s (%s)\n", __FILE__, __LINE__, #call, \
            zp_status_str(st_), zp_status_str(expected), zp_last_error()); \
    zp_test_failures++; } } while (0)

/* Exit code CTest reads as "skipped" (SKIP_RETURN_CODE 77). */
#define ZP_TEST_SKIP 77

static inline int zp_test_finish(const char *name) {
    if (zp_test_failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, zp_test_failures);
        return 1;
    }
    printf("%s: all checks passed\n", name);
    return 0;
}

/* Deterministic pseudo-random numbers (xorshift32) for test data. */
static inline uint32_t zp_test_rand(uint32_t *state) {
    uint32_t x = *state ? *state : 0x9e3779b9u;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return *state = x;
}

/* Store 16 and 32-bit values big- or little-endian (TIFF/EXIF blobs). */
static inline void zp_test_put16(uint8_t *p, unsigned v, int big) {
    p[big ? 0 : 1] = (uint8_t)(v >> 8);
    p[big ? 1 : 0] = (uint8_t)v;
}

static inline void zp_test_put32(uint8_t *p, uint32_t v, int big) {
    zp_test_put16(p + (big ? 0 : 2), v >> 16, big);
    zp_test_put16(p + (big ? 2 : 0), v & 0xFFFF, big);
}

#endif
