/* simd.c: CPU detection, the level cap and the kernel tables' builder. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/core_internal.h"
#include "core/simd_internal.h"
#if defined(ZP_SIMD_X86)
#  include <cpuid.h>
#endif

static const char *const level_names[ZP_SIMD_LEVELS] = {"none", "sse4", "avx2", "avx512"};

const char *zp_simd_name(zp_simd level) {
    return (unsigned)level < ZP_SIMD_LEVELS ? level_names[level] : "?";
}

/* 1 and *level set when `name` names a level; leaves the error message alone. */
static int level_named(const char *name, zp_simd *level) {
    if (!name) return 0;
    for (int i = 0; i < ZP_SIMD_LEVELS; i++)
        if (strcmp(name, level_names[i]) == 0) return *level = (zp_simd)i, 1;
    if (strcmp(name, "c") == 0 || strcmp(name, "scalar") == 0) return *level = ZP_SIMD_NONE, 1;
    return 0;
}

zp_status zp_simd_parse(const char *name, zp_simd *level) {
    if (level_named(name, level)) return ZP_OK;
    return zp__fail(ZP_ERR_INVALID_ARG,
                    "unknown SIMD level '%s' (choose none, sse4, avx2 or avx512)",
                    name ? name : "(null)");
}

/* ---- Detection ---------------------------------------------------------------- */

#if defined(ZP_SIMD_X86)
static unsigned long long xgetbv0(void) {
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}

/* CPUID says what the CPU has; XCR0 says which registers the OS saves on a
 * context switch (YMM for AVX2, ZMM and mask registers for AVX-512). */
static zp_simd detect_x86(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return ZP_SIMD_NONE;
    int ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1, osxsave = (c >> 27) & 1,
        avx = (c >> 28) & 1;
    if (!(ssse3 && sse41)) return ZP_SIMD_NONE;
    if (!(osxsave && avx)) return ZP_SIMD_SSE4;
    unsigned long long xcr0 = xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return ZP_SIMD_SSE4;
    if (__get_cpuid_max(0, NULL) < 7) return ZP_SIMD_SSE4;
    __cpuid_count(7, 0, a, b, c, d);
    int avx2 = (b >> 5) & 1, bmi2 = (b >> 8) & 1;
    if (!(avx2 && bmi2)) return ZP_SIMD_SSE4;
    int f = (b >> 16) & 1, dq = (b >> 17) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
    if (f && dq && bw && vl && (xcr0 & 0xe6) == 0xe6) return ZP_SIMD_AVX512;
    return ZP_SIMD_AVX2;
}
#endif

static zp_simd detect_builtin(void) {
#if defined(ZP_SIMD_X86)
    return detect_x86();
#else
    return ZP_SIMD_NONE;
#endif
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static zp_simd_detector detector; /* NULL: detect_builtin */
static atomic_int detected = -1;  /* -1: not yet asked   */
static atomic_int cap = -1;       /* -1: not yet read from the environment */

zp_simd zp_simd_detected(void) {
    int level = atomic_load(&detected);
    if (level >= 0) return (zp_simd)level;
    pthread_mutex_lock(&lock);
    level = atomic_load(&detected);
    if (level < 0) {
        zp_simd found = detector ? detector() : detect_builtin();
        if ((unsigned)found >= ZP_SIMD_LEVELS) found = ZP_SIMD_NONE;
#if !defined(ZP_SIMD_X86)
        found = ZP_SIMD_NONE; /* no overrides compiled: nothing to run */
#endif
        level = (int)found;
        atomic_store(&detected, level);
    }
    pthread_mutex_unlock(&lock);
    return (zp_simd)level;
}

static zp__simd_family *const families[] = {
    &zp__conv_family, &zp__resize_family, &zp__point_family, &zp__copy_family,
};
#define N_FAMILIES ((int)(sizeof families / sizeof families[0]))

void zp_simd_set_detector(zp_simd_detector detect) {
    pthread_mutex_lock(&lock);
    detector = detect;
    atomic_store(&detected, -1);
    for (int i = 0; i < N_FAMILIES; i++) atomic_store(&families[i]->built, 0);
    pthread_mutex_unlock(&lock);
}

/* ZEROPIX_SIMD, read once; an unknown value is ignored with a warning,
 * since the variable may be set for many programs (and without touching
 * the calling thread's error message: this runs inside unrelated calls). */
static int cap_from_environment(void) {
    const char *text = getenv("ZEROPIX_SIMD");
    zp_simd level = ZP_SIMD_AVX512;
    if (text && *text && !level_named(text, &level))
        fputs("zeropix: ignoring ZEROPIX_SIMD: choose none, sse4, avx2 or avx512\n", stderr);
    return (int)level;
}

zp_simd zp_simd_active(void) {
    int c = atomic_load(&cap);
    if (c < 0) {
        int from_env = cap_from_environment();
        int expected = -1;
        atomic_compare_exchange_strong(&cap, &expected, from_env);
        c = atomic_load(&cap);
    }
    zp_simd d = zp_simd_detected();
    return (int)d < c ? d : (zp_simd)c;
}

void zp_simd_set_cap(zp_simd level) {
    if ((unsigned)level >= ZP_SIMD_LEVELS) level = ZP_SIMD_AVX512;
    atomic_store(&cap, (int)level);
}

/* ---- Tables ------------------------------------------------------------------- */

static void build(zp__simd_family *f) {
    unsigned char *t = f->tables;
    memcpy(t, f->c_table, f->size);
    f->levels[0] = ZP_SIMD_NONE;
    zp_simd have = zp_simd_detected();
    for (int l = 1; l < ZP_SIMD_LEVELS; l++) {
        memcpy(t + (size_t)l * f->size, t + (size_t)(l - 1) * f->size, f->size);
        f->levels[l] = f->levels[l - 1];
        if (l <= (int)have && f->fills[l]) {
            f->fills[l](t + (size_t)l * f->size);
            /* A level counts as the family's only if it changed an entry. */
            if (memcmp(t + (size_t)l * f->size, t + (size_t)(l - 1) * f->size, f->size))
                f->levels[l] = (zp_simd)l;
        }
    }
}

static void ensure_built(zp__simd_family *f) {
    if (atomic_load_explicit(&f->built, memory_order_acquire)) return;
    pthread_mutex_lock(&lock);
    if (!atomic_load_explicit(&f->built, memory_order_relaxed)) {
        build(f);
        atomic_store_explicit(&f->built, 1, memory_order_release);
    }
    pthread_mutex_unlock(&lock);
}

const void *zp__simd_table(zp__simd_family *f, zp_simd level) {
    if ((unsigned)level >= ZP_SIMD_LEVELS || level > zp_simd_detected()) return NULL;
    ensure_built(f);
    return (const unsigned char *)f->tables + (size_t)level * f->size;
}

const void *zp__simd_best(zp__simd_family *f) {
    return zp__simd_table(f, zp_simd_active());
}

zp_simd zp__simd_family_level(zp__simd_family *f, zp_simd level) {
    if ((unsigned)level >= ZP_SIMD_LEVELS || level > zp_simd_detected()) return ZP_SIMD_NONE;
    ensure_built(f);
    return f->levels[level];
}

int zp_simd_families(zp_simd_family *out, int max) {
    zp_simd active = zp_simd_active();
    for (int i = 0; i < N_FAMILIES && i < max; i++) {
        out[i].family = families[i]->name;
        out[i].level = zp__simd_family_level(families[i], active);
    }
    return N_FAMILIES;
}
