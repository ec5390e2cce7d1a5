/* test_kernels_point.c: every entry of one SIMD level's point table against
 * the plain C table, on random and extreme data.
 *
 * Usage: test_kernels_point sse4|avx2|avx512 (CTests kernels.point.LEVEL;
 * exit 77 when the CPU lacks the level or the family overrides nothing at
 * it).
 *
 * Every kernel, dtype, channel count (1..4; grayscale 3 and 4) and alpha
 * setting, on 0..67 pixels and a few thousand, src and dst at any offset
 * (aligned to the sample type), separate and in place (dst == src), with
 * guard samples after dst that must stay untouched. Data: random, all 0,
 * all max, values at and next to the threshold level, and for f32 also
 * negative, large, infinite and NaN values. Tables: random lookup tables;
 * threshold levels 0, max, and random.
 *
 * Outputs must match byte for byte, f32 included (the SIMD kernels use the
 * C operations: point_kernels.h), except that any NaN matches any NaN. */
#include <math.h>
#include "kernel_harness.h"
#include "plugins/common/point_kernels.h"
#include "zp_test.h"

static const struct zp_point_kernels *ref, *simd;
static const char *level_name;
static long cases, reported;

enum { K_LUT, K_INVERT, K_THRESHOLD, K_LEVELS, K_GRAY, K_OPS };
static const char *const op_names[K_OPS] = {"lut", "invert", "threshold", "levels", "gray"};
static const char *const dt_names[3] = {"u8", "u16", "f32"};

#define GUARD 64 /* bytes after the output that must stay untouched */

static size_t length_at(int i) { return i < 68 ? (size_t)i : (size_t)(1500 + 977 * (i - 68)); }
#define N_LENGTHS 71

static uint8_t lut8[256];
static uint16_t lut16[65536];

typedef struct op_args {
    uint8_t l8;
    uint16_t l16;
    float lf;
    zp_levels lv;
} op_args;

/* f32 samples: mostly 0..1, with the awkward values mixed in. */
static float sample_f32(int pattern) {
    static const float special[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.3f, 1e30f, -1e30f,
                                    1e-40f, INFINITY, -INFINITY, NAN, 0.5f, 2.0f};
    if (pattern == 1) return 0.0f;
    if (pattern == 2) return 1.0f;
    if (pattern == 4 || kh_below(8) == 0)
        return special[kh_below(sizeof special / sizeof special[0])];
    return (float)((double)kh_below(1u << 24) / (1 << 24) * 1.2 - 0.1);
}

static void fill(unsigned char *p, int dt, size_t n, int pattern, const op_args *a) {
    for (size_t i = 0; i < n; i++) {
        if (dt == 0) {
            uint8_t v = pattern == 1 ? 0 : pattern == 2 ? 255 : (uint8_t)kh_rand();
            if (pattern == 3) v = (uint8_t)(a->l8 + kh_below(3) - 1); /* around the level */
            p[i] = v;
        } else if (dt == 1) {
            uint16_t v = pattern == 1 ? 0 : pattern == 2 ? 65535 : (uint16_t)kh_rand();
            if (pattern == 3) v = (uint16_t)(a->l16 + kh_below(3) - 1);
            memcpy(p + 2 * i, &v, 2);
        } else {
            float v = sample_f32(pattern);
            if (pattern == 3) /* the level, or its neighbour on either side */
                v = kh_below(2) ? a->lf : nextafterf(a->lf, kh_below(2) ? 2.0f : -2.0f);
            memcpy(p + 4 * i, &v, 4);
        }
    }
}

static void run(const struct zp_point_kernels *k, int op, int dt, const void *s, void *d,
                size_t px, int ch, int alpha, const op_args *a) {
    switch (op * 3 + dt) {
    case K_LUT * 3 + 0: k->lut_u8(s, d, px, ch, alpha, lut8); break;
    case K_LUT * 3 + 1: k->lut_u16(s, d, px, ch, alpha, lut16); break;
    case K_INVERT * 3 + 0: k->invert_u8(s, d, px, ch, alpha); break;
    case K_INVERT * 3 + 1: k->invert_u16(s, d, px, ch, alpha); break;
    case K_INVERT * 3 + 2: k->invert_f32(s, d, px, ch, alpha); break;
    case K_THRESHOLD * 3 + 0: k->threshold_u8(s, d, px, ch, alpha, a->l8); break;
    case K_THRESHOLD * 3 + 1: k->threshold_u16(s, d, px, ch, alpha, a->l16); break;
    case K_THRESHOLD * 3 + 2: k->threshold_f32(s, d, px, ch, alpha, a->lf); break;
    case K_LEVELS * 3 + 2: k->levels_f32(s, d, px, ch, alpha, &a->lv); break;
    case K_GRAY * 3 + 0: k->gray_u8(s, d, px, alpha); break;
    case K_GRAY * 3 + 1: k->gray_u16(s, d, px, alpha); break;
    case K_GRAY * 3 + 2: k->gray_f32(s, d, px, alpha); break;
    }
}

static int same(const unsigned char *x, const unsigned char *y, size_t bytes, int dt) {
    if (dt != 2) return kh_diff(x, y, bytes) < 0;
    for (size_t i = 0; i + 4 <= bytes; i += 4) {
        float a, b;
        memcpy(&a, x + i, 4), memcpy(&b, y + i, 4);
        if (!(isnan(a) && isnan(b)) && memcmp(&a, &b, 4)) return 0;
    }
    return 1;
}

static void one_case(int op, int dt, int ch, int alpha, size_t px, int pattern, int inplace,
                     const op_args *a) {
    const size_t item = dt == 0 ? 1 : dt == 1 ? 2 : 4;
    const int oc = op == K_GRAY ? 1 + alpha : ch;
    const size_t in_bytes = px * (size_t)ch * item, out_bytes = px * (size_t)oc * item;
    const size_t so = kh_below(16) * item, dof = kh_below(16) * item;
    unsigned char *s1 = malloc(in_bytes + 64 + GUARD), *s2 = malloc(in_bytes + 64 + GUARD);
    unsigned char *d1 = malloc(in_bytes + 64 + GUARD), *d2 = malloc(in_bytes + 64 + GUARD);
    if (!s1 || !s2 || !d1 || !d2) abort();
    fill(s1 + so, dt, px * (size_t)ch, pattern, a);
    memcpy(s2 + so, s1 + so, in_bytes);
    memset(d1, 0x5A, in_bytes + 64 + GUARD), memset(d2, 0x5A, in_bytes + 64 + GUARD);
    unsigned char *o1 = inplace ? s1 + so : d1 + dof, *o2 = inplace ? s2 + so : d2 + dof;
    if (inplace) memset(s1 + so + in_bytes, 0x5A, GUARD), memset(s2 + so + in_bytes, 0x5A, GUARD);
    run(ref, op, dt, s1 + so, o1, px, ch, alpha, a);
    run(simd, op, dt, s2 + so, o2, px, ch, alpha, a);
    cases++;
    /* the output, and (not in place) everything else of the block; in place,
     * the guard after the input */
    int ok = same(o1, o2, out_bytes, dt);
    if (inplace) ok &= kh_diff(o1 + in_bytes, o2 + in_bytes, GUARD) < 0;
    else ok &= kh_diff(d1, d2, dof) < 0 && kh_diff(o1 + out_bytes, o2 + out_bytes, GUARD) < 0;
    if (!ok) {
        if (reported++ < 10)
            fprintf(stderr, "%s: %s %s differs from C: %d channels, alpha %d, %zu pixels, "
                            "pattern %d%s\n",
                    level_name, op_names[op], dt_names[dt], ch, alpha, px, pattern,
                    inplace ? ", in place" : "");
        zp_test_failures++;
    }
    free(s1), free(s2), free(d1), free(d2);
}

int main(int argc, char **argv) {
    const zp_simd level = kh_level(argc, argv, &zp__point_family);
    level_name = zp_simd_name(level);
    ref = zp_point_kernels_c();
    simd = zp_point_kernels_at(level);
    CHECK(ref && simd && simd != ref);
    if (!simd) return zp_test_finish("test_kernels_point");
    for (int i = 0; i < 256; i++) lut8[i] = (uint8_t)kh_rand();
    for (int i = 0; i < 65536; i++) lut16[i] = (uint16_t)kh_rand();
    for (int op = 0; op < K_OPS; op++)
        for (int dt = 0; dt < 3; dt++) {
            if ((op == K_LUT && dt == 2) || (op == K_LEVELS && dt != 2)) continue;
            for (int ch = op == K_GRAY ? 3 : 1; ch <= 4; ch++)
                for (int alpha = 0; alpha <= (ch == 2 || ch == 4); alpha++) {
                    if (op == K_GRAY && alpha != (ch == 4)) continue;
                    for (int li = 0; li < N_LENGTHS; li++) {
                        op_args a = {(uint8_t)kh_rand(), (uint16_t)kh_rand(), sample_f32(0),
                                     {0.05, 1.7, li % 2 ? 1.0 : 1 / 2.2}};
                        if (li % 7 == 1) a.l8 = 0, a.l16 = 0, a.lf = 0.0f;
                        if (li % 7 == 2) a.l8 = 255, a.l16 = 65535, a.lf = 1.0f;
                        if (li % 7 == 3) a.lf = sample_f32(4);
                        const int pattern = li % 5;
                        one_case(op, dt, ch, alpha, length_at(li), pattern, li % 3 == 0, &a);
                    }
                }
        }
    printf("%s: %ld cases compared with C\n", level_name, cases);
    return zp_test_finish("test_kernels_point");
}
