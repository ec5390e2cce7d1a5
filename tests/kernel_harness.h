/* kernel_harness.h: what every kernel-family test shares: choose the level
 * from argv, skip (exit 77) when it cannot run here, random data, and
 * comparisons that say where two outputs differ. */
#ifndef ZEROPIX_TEST_KERNEL_HARNESS_H
#define ZEROPIX_TEST_KERNEL_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/simd_internal.h"

#define KH_SKIP 77

/* argv[1] names the level (sse4, avx2, avx512). Exits 77 with a message
 * when the CPU lacks it or `family` overrides nothing at exactly that
 * level (the table would only repeat a lower level's test), 2 on a bad
 * argument. */
static inline zp_simd kh_level(int argc, char **argv, zp__simd_family *family) {
    zp_simd level;
    if (argc < 2 || zp_simd_parse(argv[1], &level) != ZP_OK || level == ZP_SIMD_NONE) {
        fprintf(stderr, "usage: %s sse4|avx2|avx512\n", argv[0]);
        exit(2);
    }
    if (level > zp_simd_detected()) {
        printf("SKIP: this CPU has %s, not %s\n", zp_simd_name(zp_simd_detected()),
               argv[1]);
        exit(KH_SKIP);
    }
    if (zp__simd_family_level(family, level) != level) {
        printf("SKIP: the %s family has no %s overrides\n", family->name, argv[1]);
        exit(KH_SKIP);
    }
    return level;
}

/* xorshift64*: reproducible random numbers (seed from KH_SEED or fixed). */
static uint64_t kh_state = 0x9e3779b97f4a7c15ull;
static inline uint64_t kh_rand(void) {
    kh_state ^= kh_state >> 12;
    kh_state ^= kh_state << 25;
    kh_state ^= kh_state >> 27;
    return kh_state * 0x2545f4914f6cdd1dull;
}
static inline uint32_t kh_below(uint32_t n) { return (uint32_t)(kh_rand() % n); }
static inline void kh_fill(void *p, size_t bytes) {
    unsigned char *b = p;
    for (size_t i = 0; i < bytes; i++) b[i] = (unsigned char)kh_rand();
}

/* First differing byte of two buffers, or -1. */
static inline long kh_diff(const void *a, const void *b, size_t bytes) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < bytes; i++)
        if (x[i] != y[i]) return (long)i;
    return -1;
}

#endif
