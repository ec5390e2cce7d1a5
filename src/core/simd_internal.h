/* simd_internal.h: one mechanism for every kernel family's dispatch table.
 *
 * A family (conv, resize, point, copy) declares one zp__simd_family with its
 * plain C table and, per level, an optional fill function that overrides
 * some entries of a copy. The tables are built on first use, each level
 * from the one below it (so an AVX-512 table keeps the AVX2 entries it does
 * not override), and again only after zp_simd_set_detector (tests).
 *
 * Fill functions live in files compiled with that level's target flags
 * (ZP_SIMD_X86 is defined when those files are part of the build); they
 * must be called only when the CPU has the level, which zp__simd_table
 * guarantees.
 */
#ifndef ZEROPIX_SIMD_INTERNAL_H
#define ZEROPIX_SIMD_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include "zeropix/simd.h"

/* Override entries of `table` (a struct of the family's type). */
typedef void (*zp__simd_fill)(void *table);

typedef struct zp__simd_family {
    const char   *name;                    /* "conv", ...                    */
    size_t        size;                    /* sizeof the family's table      */
    const void   *c_table;                 /* the plain C reference          */
    zp__simd_fill fills[ZP_SIMD_LEVELS];   /* [0] unused; NULL: no overrides */
    void         *tables;                  /* ZP_SIMD_LEVELS tables of size  */
    /* Filled by simd.c on first use (again after zp_simd_set_detector): */
    zp_simd       levels[ZP_SIMD_LEVELS];  /* highest level <= L whose fill changed an entry */
    atomic_int    built;
} zp__simd_family;

/* The table for exactly `level` (entries from the highest fill <= level),
 * or NULL when the CPU (as the detector says) lacks that level. */
const void *zp__simd_table(zp__simd_family *f, zp_simd level);

/* The table at zp_simd_active(): what filters use. Never NULL. */
const void *zp__simd_best(zp__simd_family *f);

/* The level whose overrides the table for `level` ends with (see
 * zp_simd_families). */
zp_simd zp__simd_family_level(zp__simd_family *f, zp_simd level);

/* The fill functions of family FAM: zp_FAM_fill_sse4, _avx2 and _avx512,
 * each defined in FAM's file of that level (e.g. conv_kernels_avx2.c
 * defines zp_conv_fill_avx2). Without the x86 overrides in the build they
 * are not referenced. */
#define ZP__SIMD_DECLARE_FILLS(fam)                                           \
    void zp_##fam##_fill_sse4(void *table);                                   \
    void zp_##fam##_fill_avx2(void *table);                                   \
    void zp_##fam##_fill_avx512(void *table)
#if defined(ZP_SIMD_X86)
#  define ZP__SIMD_FILLS(fam)                                                 \
      {NULL, zp_##fam##_fill_sse4, zp_##fam##_fill_avx2, zp_##fam##_fill_avx512}
#else
#  define ZP__SIMD_FILLS(fam) {NULL, NULL, NULL, NULL}
#endif

/* Define family FAM (conv, resize, point, copy) around its plain C table
 * REFERENCE (a `static const struct zp_FAM_kernels`): the per-level tables,
 * zp__FAM_family, and the getters its header declares:
 *   zp_FAM_kernels()       the table at zp_simd_active() (what filters use)
 *   zp_FAM_kernels_c()     the plain C reference
 *   zp_FAM_kernels_at(L)   the table of exactly level L, or NULL when the
 *                          CPU lacks it (kernel tests and benchmarks) */
#define ZP__SIMD_FAMILY(fam, reference)                                         \
    ZP__SIMD_DECLARE_FILLS(fam);                                              \
    static struct zp_##fam##_kernels fam##_tables[ZP_SIMD_LEVELS];            \
    zp__simd_family zp__##fam##_family = {                                    \
        .name = #fam,                                                         \
        .size = sizeof(struct zp_##fam##_kernels),                            \
        .c_table = &(reference),                                                \
        .fills = ZP__SIMD_FILLS(fam),                                         \
        .tables = fam##_tables,                                               \
    };                                                                        \
    const struct zp_##fam##_kernels *zp_##fam##_kernels(void) {               \
        return zp__simd_best(&zp__##fam##_family);                            \
    }                                                                         \
    const struct zp_##fam##_kernels *zp_##fam##_kernels_c(void) { return &(reference); } \
    const struct zp_##fam##_kernels *zp_##fam##_kernels_at(zp_simd level) {   \
        return zp__simd_table(&zp__##fam##_family, level);                    \
    }                                                                         \
    typedef int zp__##fam##_family_defined /* swallows the caller's ';' */

/* The families, for zp_simd_families and zp_simd_set_detector (simd.c). */
extern zp__simd_family zp__conv_family, zp__resize_family, zp__point_family,
    zp__copy_family;

#endif
