/* zeropix/simd.h: which vector instructions the kernels use.
 *
 * Every kernel family (convolution, resize, point operations, copies) has a
 * plain C reference and, on x86-64, overrides for SSE4.1, AVX2 and AVX-512
 * (F, BW, VL, DQ). The level is chosen at run time from the CPU, capped by
 * the environment variable ZEROPIX_SIMD (none|sse4|avx2|avx512, read once,
 * at the first call that needs the level) and by zp_simd_set_cap(). All
 * levels give the same bytes for integer samples; the library is built for
 * the x86-64 baseline, with per-file target flags for the overrides, and
 * other architectures run the plain C path.
 *
 * Filters pick their kernels in plan(), once per image, so a cap set
 * between two runs applies to the next run. Thread-safe.
 */
#ifndef ZEROPIX_SIMD_H
#define ZEROPIX_SIMD_H

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum zp_simd {
    ZP_SIMD_NONE = 0,   /* plain C                                  */
    ZP_SIMD_SSE4 = 1,   /* SSE4.1 (and SSSE3 below it)              */
    ZP_SIMD_AVX2 = 2,   /* AVX2                                     */
    ZP_SIMD_AVX512 = 3, /* AVX-512 F, BW, VL and DQ                 */
    ZP_SIMD_LEVELS = 4
} zp_simd;

/* "none", "sse4", "avx2", "avx512"; "?" for anything else. Static text. */
ZP_API const char *zp_simd_name(zp_simd level);

/* Parse a level name (the ones above, case-sensitive; "c" and "scalar" are
 * taken as "none"). ZP_ERR_INVALID_ARG, with zp_last_error() listing the
 * names, when `name` is none of them. */
ZP_API zp_status zp_simd_parse(const char *name, zp_simd *level);

/* What this CPU and OS support (what the detector says), whatever the cap.
 * Always ZP_SIMD_NONE on other architectures or when the library was built
 * without the x86 overrides. */
ZP_API zp_simd zp_simd_detected(void);

/* The level kernels use: the smaller of zp_simd_detected() and the cap. */
ZP_API zp_simd zp_simd_active(void);

/* Cap the level (ZP_SIMD_AVX512 lifts any cap). Overrides ZEROPIX_SIMD. */
ZP_API void zp_simd_set_cap(zp_simd cap);

/* CPU detection is this one function; replace it (tests, an emulator, a
 * new architecture) with zp_simd_set_detector(fn), or restore the built-in
 * one with NULL. Call it before any image work: tables chosen earlier keep
 * their level. */
typedef zp_simd (*zp_simd_detector)(void);
ZP_API void zp_simd_set_detector(zp_simd_detector detect);

/* The level each kernel family runs at now, for `zeropix version --simd`:
 * fills up to `max` entries and returns how many families there are. A
 * family with no override at the active level reports the highest level
 * below it that has one ("none" when only plain C applies). */
typedef struct zp_simd_family {
    const char *family; /* "conv", "resize", "point", "copy" (static text) */
    zp_simd     level;
} zp_simd_family;
ZP_API int zp_simd_families(zp_simd_family *out, int max);

#ifdef __cplusplus
}
#endif
#endif
