/* simd_internal.h: one mechanism for every kernel family's dispatch table.
 *
 * A family (conv, resize, point, copy) declares one zp__simd_family with its
 * plain C table and, per level, an optional fill function that overrides
 * some entries of a copy. The tables are built once, on first use, each
 * level from the one below it (so an AVX-512 table keeps the AVX2 entries
 * it does not override), and never change afterwards.
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
    /* Filled once by zp__simd_table: */
    zp_simd       levels[ZP_SIMD_LEVELS];  /* highest level <= L with a fill */
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

/* The fill functions of a family named by `prefix`: prefix_sse4,
 * prefix_avx2, prefix_avx512, each defined in prefix's file of that level
 * (e.g. plugins/common/conv_kernels_avx2.c defines zp_conv_fill_avx2).
 * Without the x86 overrides in the build they are not referenced. */
#define ZP__SIMD_DECLARE_FILLS(prefix)                                        \
    void prefix##_sse4(void *table);                                          \
    void prefix##_avx2(void *table);                                          \
    void prefix##_avx512(void *table)
#if defined(ZP_SIMD_X86)
#  define ZP__SIMD_FILLS(prefix) {NULL, prefix##_sse4, prefix##_avx2, prefix##_avx512}
#else
#  define ZP__SIMD_FILLS(prefix) {NULL, NULL, NULL, NULL}
#endif

/* The families, for zp_simd_families (plugins/common/kernel_families.c). */
extern zp__simd_family zp__conv_family, zp__resize_family, zp__point_family,
    zp__copy_family;

#endif
