/* test_simd.c: the dispatch mechanism itself (src/core/simd.c): level
 * names, the cap, a replaced detector, and how per-level tables are built
 * (each level from the one below, a level counting only if it overrides
 * something). Run as `test_simd [EXPECTED_ACTIVE]`: with an argument, the
 * active level at start must be that one (CTest sets ZEROPIX_SIMD to check
 * the environment variable). */
#include <string.h>
#include "zp_test.h"
#include "core/simd_internal.h"

/* A family of three entries whose fills write marks, to watch the build. */
typedef struct fake_table { int a, b, c; } fake_table;
static const fake_table fake_c = {0, 0, 0};
static void fill_sse4(void *t) { ((fake_table *)t)->a = 1; }
static void fill_avx2(void *t) { ((fake_table *)t)->b = 2; }
static void fill_avx512(void *t) { ((fake_table *)t)->b = 2; } /* changes nothing */
static fake_table fake_tables[ZP_SIMD_LEVELS];
static zp__simd_family fake = {
    .name = "fake",
    .size = sizeof(fake_table),
    .c_table = &fake_c,
    .fills = {NULL, fill_sse4, fill_avx2, fill_avx512},
    .tables = fake_tables,
};

static zp_simd fake_level;
static zp_simd fake_detector(void) { return fake_level; }

static void names(void) {
    zp_simd l = ZP_SIMD_AVX512;
    for (int i = 0; i < ZP_SIMD_LEVELS; i++) {
        CHECK_OK(zp_simd_parse(zp_simd_name((zp_simd)i), &l));
        CHECK(l == (zp_simd)i);
    }
    CHECK_OK(zp_simd_parse("c", &l));
    CHECK(l == ZP_SIMD_NONE);
    CHECK_STATUS(zp_simd_parse("avx3", &l), ZP_ERR_INVALID_ARG);
    CHECK(strstr(zp_last_error(), "avx3") && strstr(zp_last_error(), "sse4"));
    CHECK_STATUS(zp_simd_parse(NULL, &l), ZP_ERR_INVALID_ARG);
    CHECK(strcmp(zp_simd_name((zp_simd)9), "?") == 0);
}

static void cap(void) {
    zp_simd cpu = zp_simd_detected();
    for (int c = 0; c < ZP_SIMD_LEVELS; c++) {
        zp_simd_set_cap((zp_simd)c);
        CHECK(zp_simd_active() == ((int)cpu < c ? cpu : (zp_simd)c));
    }
    zp_simd_set_cap(ZP_SIMD_AVX512);
    CHECK(zp_simd_active() == cpu);
}

/* The real families: the active table is the table of the active level,
 * and a level the CPU lacks has no table. */
static void real_families(void) {
    zp_simd_family fam[8];
    int n = zp_simd_families(fam, 8);
    CHECK(n == 4);
    for (int i = 0; i < n && i < 8; i++) {
        CHECK(fam[i].level <= zp_simd_active());
        CHECK(fam[i].family && *fam[i].family);
    }
    for (int l = 0; l < ZP_SIMD_LEVELS; l++) {
        const void *t = zp__simd_table(&zp__conv_family, (zp_simd)l);
        CHECK((t != NULL) == (l <= (int)zp_simd_detected()));
    }
    CHECK(zp__simd_best(&zp__conv_family) ==
          zp__simd_table(&zp__conv_family, zp_simd_active()));
}

static void fake_family(void) {
    fake_level = ZP_SIMD_AVX512;
    zp_simd_set_detector(fake_detector);
    CHECK(zp_simd_detected() == ZP_SIMD_AVX512);
    const fake_table *t0 = zp__simd_table(&fake, ZP_SIMD_NONE);
    const fake_table *t1 = zp__simd_table(&fake, ZP_SIMD_SSE4);
    const fake_table *t2 = zp__simd_table(&fake, ZP_SIMD_AVX2);
    const fake_table *t3 = zp__simd_table(&fake, ZP_SIMD_AVX512);
    CHECK(t0 && t1 && t2 && t3);
    if (t0 && t1 && t2 && t3) {
        CHECK(t0->a == 0 && t0->b == 0);
        CHECK(t1->a == 1 && t1->b == 0);
        CHECK(t2->a == 1 && t2->b == 2); /* inherits the SSE4 override */
        CHECK(t3->a == 1 && t3->b == 2);
    }
    CHECK(zp__simd_family_level(&fake, ZP_SIMD_AVX2) == ZP_SIMD_AVX2);
    CHECK(zp__simd_family_level(&fake, ZP_SIMD_AVX512) == ZP_SIMD_AVX2);

    /* A CPU with SSE4 only: no AVX2 table, and no fill above SSE4 runs. */
    fake_level = ZP_SIMD_SSE4;
    zp_simd_set_detector(fake_detector);
    fake.built = 0;
    CHECK(zp__simd_table(&fake, ZP_SIMD_AVX2) == NULL);
    CHECK(zp__simd_table(&fake, ZP_SIMD_AVX512) == NULL);
    CHECK(zp_simd_active() == ZP_SIMD_SSE4);
    const fake_table *s = zp__simd_table(&fake, ZP_SIMD_SSE4);
    CHECK(s && s->a == 1 && fake_tables[ZP_SIMD_AVX512].b == 0);

    /* A detector saying nonsense is taken as plain C. */
    fake_level = (zp_simd)42;
    zp_simd_set_detector(fake_detector);
    CHECK(zp_simd_detected() == ZP_SIMD_NONE);

    zp_simd_set_detector(NULL); /* the built-in detection again */
    fake.built = 0;
}

int main(int argc, char **argv) {
    if (argc > 1) { /* the environment variable's cap */
        zp_simd want;
        CHECK_OK(zp_simd_parse(argv[1], &want));
        zp_simd cpu = zp_simd_detected();
        CHECK(zp_simd_active() == (want < cpu ? want : cpu));
        return zp_test_finish("simd.env");
    }
    names();
    cap();
    real_families();
    fake_family();
    real_families(); /* tables rebuilt with the built-in detector */
    return zp_test_finish("simd");
}
