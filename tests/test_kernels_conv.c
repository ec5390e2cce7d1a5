/* test_kernels_conv.c: every entry of one SIMD level's conv table against
 * the plain C table, bit for bit (floats too: conv_kernels.h promises the
 * same bits at every level; two NaNs count as equal, whatever their
 * payload). Run as `test_kernels_conv sse4|avx2|avx512`; exits 77 when the
 * CPU lacks the level or the family overrides nothing there.
 *
 * Each entry runs on sample counts 1..67 and a few long ones, 1..4
 * channels (step), pointers offset by 0..7 samples from 64-byte alignment,
 * every tap count the filters use and more (past what the vector paths
 * hold, so their hand-off is checked too), and extreme values mixed into
 * random data. Outputs are compared over the whole buffer, so a write past
 * `n` is caught as well. */
#include <math.h>
#include "kernel_harness.h"
#include "plugins/common/conv_kernels.h"

static int failures;
static const struct zp_conv_kernels *kc, *kv; /* C reference, level under test */

/* Sample counts: every small one, then some that end mid-vector. */
static const size_t long_counts[] = {127, 128, 129, 255, 1000, 3001, 4099};
#define N_LONG (sizeof long_counts / sizeof long_counts[0])
#define N_COUNTS (67 + N_LONG)
static size_t count_at(size_t i) { return i < 67 ? i + 1 : long_counts[i - 67]; }
#define MAXN 4099
#define GUARD 64 /* samples after n, compared too */

static void *buf(size_t bytes) {
    void *p = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
    if (!p) abort();
    return p;
}

/* Random samples with the extremes mixed in (1 in 4). */
static void rand_u8(uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const uint32_t r = kh_below(8);
        p[i] = r == 0 ? 0 : r == 1 ? 255 : (uint8_t)kh_rand();
    }
}
static void rand_u16(uint16_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const uint32_t r = kh_below(8);
        p[i] = r == 0 ? 0 : r == 1 ? 65535 : (uint16_t)kh_rand();
    }
}
static void rand_q6(int16_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const uint32_t r = kh_below(8);
        p[i] = (int16_t)(r == 0 ? 0 : r == 1 ? 16320 : kh_below(16321));
    }
}
/* Floats: ordinary values of either sign, sample-range values, zeros,
 * huge values and, when `nan`, NaN and infinities. */
static float rand_float(int nan) {
    switch (kh_below(nan ? 12 : 10)) {
    case 0: return 0.0f;
    case 1: return -0.0f;
    case 2: return (float)kh_below(256);
    case 3: return (float)kh_below(65536);
    case 4: return ((float)kh_below(2000001) - 1000000.0f) * 1e25f;
    case 5: return ((float)kh_below(2001) - 1000.0f) / 997.0f;
    case 10: return kh_below(2) ? NAN : -NAN;
    case 11: return kh_below(2) ? INFINITY : -INFINITY;
    default: return (float)kh_below(1000001) / 1000000.0f;
    }
}
static void rand_f32(float *p, size_t n, int nan) {
    for (size_t i = 0; i < n; i++) p[i] = rand_float(nan);
}

/* Same bytes, except that a NaN matches any NaN. */
static int same(const void *a, const void *b, size_t bytes, int floats) {
    if (!floats) return kh_diff(a, b, bytes) < 0;
    const float *x = a, *y = b;
    for (size_t i = 0; i < bytes / sizeof(float); i++)
        if (memcmp(&x[i], &y[i], sizeof(float)) && !(isnan(x[i]) && isnan(y[i]))) return 0;
    return 1;
}

/* Run the reference and the level into two copies of `out` (random
 * contents, so untouched bytes match only if neither wrote them) and
 * compare. */
#define COMPARE(NAME, OUT_T, OUT_BYTES, FLOATS, CALL_C, CALL_V, ...)                      \
    do {                                                                                  \
        kh_fill(oc, (OUT_BYTES));                                                         \
        memcpy(ov, oc, (OUT_BYTES));                                                      \
        {                                                                                 \
            OUT_T *out = (OUT_T *)oc;                                                     \
            (void)out;                                                                    \
            CALL_C;                                                                       \
        }                                                                                 \
        {                                                                                 \
            OUT_T *out = (OUT_T *)ov;                                                     \
            (void)out;                                                                    \
            CALL_V;                                                                       \
        }                                                                                 \
        if (!same(oc, ov, (OUT_BYTES), (FLOATS))) {                                       \
            long at = kh_diff(oc, ov, (OUT_BYTES));                                       \
            fprintf(stderr, "%s differs from C at byte %ld: ", NAME, at);                 \
            fprintf(stderr, __VA_ARGS__);                                                 \
            fputc('\n', stderr);                                                          \
            failures++;                                                                   \
        }                                                                                 \
    } while (0)

enum { MAXT = 300, ROWS = 15 };
static unsigned char *oc, *ov;          /* outputs                        */
static unsigned char *in[ROWS];         /* input rows (any sample type)   */
static unsigned char *in2;              /* second input (blur, sub rows)  */
#define IN_BYTES ((MAXN + MAXT * 4 + 64) * 8)
#define OUT_BYTES ((MAXN + GUARD + 8) * 8)

/* Q14 coefficients: >= 0, summing to 1 << 14; symmetric (as the Gaussian)
 * or not. */
static void rand_q14(int16_t *c, int taps, int symmetric) {
    int32_t left = 1 << ZP_CONV_Q;
    if (!symmetric) {
        for (int t = 0; t < taps; t++) {
            const int32_t v = (int32_t)kh_below((uint32_t)left + 1);
            c[t] = (int16_t)(t == taps - 1 ? left : v / (int32_t)(kh_below(4) + 1));
            left -= c[t];
        }
        return;
    }
    for (int t = 0; t < taps / 2; t++) {
        const int32_t v = (int32_t)kh_below((uint32_t)left / 2 + 1) / (int32_t)(kh_below(4) + 1);
        c[t] = c[taps - 1 - t] = (int16_t)v;
        left -= 2 * v;
    }
    if (taps & 1) c[taps / 2] = (int16_t)left;
    else c[taps / 2 - 1] = (int16_t)(c[taps / 2 - 1] + left); /* no longer symmetric */
}

/* Taps to try: 1..80 (the Gaussian's Q14 range ends at 79), 225, MAXT. */
static int tap_count(int i) { return i < 80 ? i + 1 : i == 80 ? 225 : MAXT; }
#define N_TAPS 82

static void test_separable(void) {
    int16_t cq[MAXT];
    float cf[MAXT];
    const void *rows[MAXT];
    for (int ti = 0; ti < N_TAPS; ti++) {
        const int taps = tap_count(ti);
        /* Long rows for a few tap counts, short ones for all. */
        const int longs = taps <= 16 || taps % 8 == 0 || taps > 80;
        for (int rep = 0; rep < (taps <= 16 ? 6 : 2); rep++) {
            const size_t n = rep == 1 && longs ? count_at(67 + kh_below(N_LONG))
                                               : 1 + kh_below(67);
            const size_t step = 1 + kh_below(4), off = kh_below(8);
            rand_q14(cq, taps, kh_below(4) != 0);
            for (int t = 0; t < taps; t++) {
                cf[t] = rand_float(0) / (float)taps;
                /* rows repeat, as edge rows do (clamped taps) */
                rows[t] = in[kh_below(4) ? (uint32_t)t % ROWS : kh_below(ROWS)] + off * 4;
            }
            for (int r = 0; r < ROWS; r++) rand_u8(in[r], IN_BYTES);
            COMPARE("sep_v_u8_q6", int16_t, (n + GUARD) * 2, 0,
                    kc->sep_v_u8_q6(rows, cq, taps, out + off, n),
                    kv->sep_v_u8_q6(rows, cq, taps, out + off, n),
                    "taps %d n %zu off %zu", taps, n, off);
            COMPARE("sep_v_u8_f32", float, (n + GUARD) * 4, 1,
                    kc->sep_v_u8_f32(rows, cf, taps, out + off, n),
                    kv->sep_v_u8_f32(rows, cf, taps, out + off, n),
                    "taps %d n %zu off %zu", taps, n, off);
            for (int r = 0; r < ROWS; r++) rand_u16((uint16_t *)in[r], IN_BYTES / 2);
            COMPARE("sep_v_u16_f32", float, (n + GUARD) * 4, 1,
                    kc->sep_v_u16_f32(rows, cf, taps, out + off, n),
                    kv->sep_v_u16_f32(rows, cf, taps, out + off, n),
                    "taps %d n %zu off %zu", taps, n, off);
            for (int r = 0; r < ROWS; r++) rand_f32((float *)in[r], IN_BYTES / 4, 1);
            COMPARE("sep_v_f32_f32", float, (n + GUARD) * 4, 1,
                    kc->sep_v_f32_f32(rows, cf, taps, out + off, n),
                    kv->sep_v_f32_f32(rows, cf, taps, out + off, n),
                    "taps %d n %zu off %zu", taps, n, off);
            const float *fsrc = (const float *)in[0] + off;
            COMPARE("sep_h_f32", float, (n + GUARD) * 4, 1,
                    kc->sep_h_f32(fsrc, cf, taps, step, out + off, n),
                    kv->sep_h_f32(fsrc, cf, taps, step, out + off, n),
                    "taps %d n %zu step %zu off %zu", taps, n, step, off);
            rand_q6((int16_t *)in[1], IN_BYTES / 2);
            const int16_t *qsrc = (const int16_t *)in[1] + off;
            COMPARE("sep_h_q6_u8", uint8_t, n + GUARD, 0,
                    kc->sep_h_q6_u8(qsrc, cq, taps, step, out + off, n),
                    kv->sep_h_q6_u8(qsrc, cq, taps, step, out + off, n),
                    "taps %d n %zu step %zu off %zu", taps, n, step, off);
        }
    }
}

/* Rounding boundaries: random sums almost never land exactly on one, so
 * build them. Two taps with coefficients 1 and 16383 (not symmetric) give
 * a + 16383 b = (a - b) + 16384 b; choosing b and a - b puts the sum at a
 * rounding boundary or one off it, where a wrong constant or shift shows. */
static void test_rounding(void) {
    const int16_t c[2] = {1, 16383};
    for (int rep = 0; rep < 40; rep++) {
        const size_t n = count_at(kh_below(N_COUNTS)), off = kh_below(8);
        uint8_t *a8 = in[0] + off, *b8 = in[1] + off;
        int16_t *q = (int16_t *)in[2] + off;
        const size_t step = 1 + kh_below(4);
        for (size_t i = 0; i < n + step; i++) {
            /* vertical: (a + 16383 b + 128) >> 8 flips where a - b = 127 (mod 256) */
            const int32_t b = (int32_t)kh_below(129), d = 126 + (int32_t)kh_below(3);
            b8[i] = (uint8_t)b;
            a8[i] = (uint8_t)(b + d);
        }
        const void *rows[2] = {a8, b8};
        COMPARE("sep_v_u8_q6 (boundaries)", int16_t, (n + GUARD) * 2, 0,
                kc->sep_v_u8_q6(rows, c, 2, out + off, n),
                kv->sep_v_u8_q6(rows, c, 2, out + off, n), "n %zu", n);
        /* horizontal: src[i] = a, src[i + step] = b: flips where
         * a + 16383 b = 2^19 - 1 (mod 2^20): b = 32 + 64 j, a = b - 1 (+-1). */
        for (size_t i = 0; i < n + step; i++) q[i] = (int16_t)(32 + 64 * (int32_t)kh_below(255));
        for (size_t i = 0; i < n; i++)
            if ((i / step) % 2 == 0) q[i] = (int16_t)(q[i + step] - 2 + (int32_t)kh_below(3));
        COMPARE("sep_h_q6_u8 (boundaries)", uint8_t, n + GUARD, 0,
                kc->sep_h_q6_u8(q, c, 2, step, out + off, n),
                kv->sep_h_q6_u8(q, c, 2, step, out + off, n), "n %zu step %zu", n, step);
    }
}

/* A random 2D kernel of `side`: small entries, or (big) entries up to the
 * largest the caller's bound sum|k| * max < 2^31 allows. */
static void rand_kernel(int32_t *k, int side, uint32_t max, int big) {
    const int64_t budget = 2147483647 / (int64_t)max;
    const int m = side * side;
    int64_t each = big ? budget / m : (kh_below(2) ? 4 : 32767);
    if (each > budget / m) each = budget / m;
    for (int i = 0; i < m; i++) {
        const int64_t v = (int64_t)kh_below((uint32_t)(2 * each + 1)) - each;
        k[i] = (int32_t)(kh_below(8) == 0 ? (kh_below(2) ? each : -each) : v);
    }
}

static void test_conv(void) {
    int32_t ki[15 * 15];
    float kf[15 * 15];
    const void *rows[15];
    for (int side = 1; side <= 15; side += 2)
        for (int rep = 0; rep < 24; rep++) {
            const size_t n = rep < 16 ? count_at(kh_below(N_COUNTS)) : 1 + kh_below(67);
            const size_t step = 1 + kh_below(4), off = kh_below(8);
            for (int r = 0; r < side; r++) rows[r] = in[kh_below(ROWS)] + off * 4;
            for (int i = 0; i < side * side; i++) kf[i] = rand_float(0) / (float)side;
            for (int r = 0; r < ROWS; r++) rand_u8(in[r], IN_BYTES);
            rand_kernel(ki, side, 255, rep % 4 == 3);
            COMPARE("conv_u8_i32", int32_t, (n + GUARD) * 4, 0,
                    kc->conv_u8_i32(rows, ki, side, step, out + off, n),
                    kv->conv_u8_i32(rows, ki, side, step, out + off, n),
                    "side %d n %zu step %zu off %zu", side, n, step, off);
            /* 16-bit form: sum|k| * 255 + |add| <= 32767, sometimes a
             * coefficient of 128 (the levels hand those to the level below). */
            {
                int16_t k16[15 * 15];
                int32_t budget = 32767 / 255 - (rep % 3 == 0 ? 0 : (int32_t)kh_below(40));
                for (int i = 0; i < side * side; i++) {
                    const int32_t lim = budget < 128 ? budget : 128;
                    int32_t c = (int32_t)kh_below((uint32_t)(2 * lim + 1)) - lim;
                    if (rep % 2 && kh_below(3) && lim >= 1) c = c < 0 ? -1 : 1;
                    if (c == 128 && rep % 8 != 5) c = 127;
                    budget -= c < 0 ? -c : c;
                    k16[i] = (int16_t)c;
                }
                const int32_t room = 32767 - (32767 / 255 - budget) * 255;
                const int32_t add = (int32_t)kh_below((uint32_t)(2 * room + 1)) - room;
                const int shift = (int)kh_below(15);
                COMPARE("conv_u8_i16_u8", uint8_t, n + GUARD, 0,
                        kc->conv_u8_i16_u8(rows, k16, side, step, add, shift, out + off, n),
                        kv->conv_u8_i16_u8(rows, k16, side, step, add, shift, out + off, n),
                        "side %d n %zu step %zu off %zu shift %d add %d", side, n, step, off,
                        shift, (int)add);
            }
            for (int r = 0; r < ROWS; r++) rand_u16((uint16_t *)in[r], IN_BYTES / 2);
            rand_kernel(ki, side, 65535, rep % 4 == 3);
            COMPARE("conv_u16_i32", int32_t, (n + GUARD) * 4, 0,
                    kc->conv_u16_i32(rows, ki, side, step, out + off, n),
                    kv->conv_u16_i32(rows, ki, side, step, out + off, n),
                    "side %d n %zu step %zu off %zu", side, n, step, off);
            for (int r = 0; r < ROWS; r++) rand_f32((float *)in[r], IN_BYTES / 4, 1);
            COMPARE("conv_f32", float, (n + GUARD) * 4, 1,
                    kc->conv_f32(rows, kf, side, step, out + off, n),
                    kv->conv_f32(rows, kf, side, step, out + off, n),
                    "side %d n %zu step %zu off %zu", side, n, step, off);
        }
}

/* Entries of one input row and a few scalars. */
static void test_rows(void) {
    for (size_t ci = 0; ci < N_COUNTS * 3; ci++) {
        const size_t n = count_at(ci % N_COUNTS), off = kh_below(8);
        rand_u8(in[0], IN_BYTES);
        rand_u16((uint16_t *)in[1], IN_BYTES / 2);
        rand_f32((float *)in[2], IN_BYTES / 4, 1);
        rand_f32((float *)in2, IN_BYTES / 4, 1);
        const uint8_t *u8 = in[0] + off;
        const uint16_t *u16 = (const uint16_t *)in[1] + off;
        const float *f = (const float *)in[2] + off, *blur = (const float *)in2 + off;
        COMPARE("f32_to_u8", uint8_t, n + GUARD, 0, kc->f32_to_u8(f, out + off, n),
                kv->f32_to_u8(f, out + off, n), "n %zu", n);
        COMPARE("f32_to_u16", uint16_t, (n + GUARD) * 2, 0, kc->f32_to_u16(f, out + off, n),
                kv->f32_to_u16(f, out + off, n), "n %zu", n);
        COMPARE("u8_to_f32", float, (n + GUARD) * 4, 1, kc->u8_to_f32(u8, out + off, n),
                kv->u8_to_f32(u8, out + off, n), "n %zu", n);
        COMPARE("u16_to_f32", float, (n + GUARD) * 4, 1, kc->u16_to_f32(u16, out + off, n),
                kv->u16_to_f32(u16, out + off, n), "n %zu", n);

        /* Unsharp: blur near the input (so thresholds matter) or anywhere. */
        float *b = (float *)in2 + off;
        const float amount = (float)kh_below(10001) / 1000.0f;
        const float th[] = {0.0f, 0.5f, 3.0f, 1000.0f, 0.01f};
        const float threshold = th[kh_below(5)];
        for (size_t i = 0; i < n; i++)
            if (kh_below(2)) b[i] = (float)u8[i] + ((float)kh_below(2001) - 1000.0f) / 100.0f;
        COMPARE("unsharp_u8", uint8_t, n + GUARD, 0,
                kc->unsharp_u8(u8, blur, amount, threshold, out + off, n),
                kv->unsharp_u8(u8, blur, amount, threshold, out + off, n), "n %zu", n);
        for (size_t i = 0; i < n; i++)
            if (kh_below(2)) b[i] = (float)u16[i] + ((float)kh_below(2001) - 1000.0f);
        COMPARE("unsharp_u16", uint16_t, (n + GUARD) * 2, 0,
                kc->unsharp_u16(u16, blur, amount, threshold * 257.0f, out + off, n),
                kv->unsharp_u16(u16, blur, amount, threshold * 257.0f, out + off, n), "n %zu",
                n);
        for (size_t i = 0; i < n; i++)
            if (kh_below(2)) b[i] = f[i] + ((float)kh_below(2001) - 1000.0f) / 10000.0f;
        COMPARE("unsharp_f32", float, (n + GUARD) * 4, 1,
                kc->unsharp_f32(f, blur, amount, threshold / 255.0f, out + off, n),
                kv->unsharp_f32(f, blur, amount, threshold / 255.0f, out + off, n), "n %zu",
                n);

        /* Convolution finishes: any int32 sum, scales of either sign. */
        int32_t *acc = (int32_t *)in[3] + off;
        for (size_t i = 0; i < n; i++)
            acc[i] = kh_below(4) ? (int32_t)kh_below(200001) - 100000 : (int32_t)kh_rand();
        const double scale = kh_below(4) ? 1.0 / (double)(1 + kh_below(300))
                                         : ((double)kh_below(2000001) - 1e6) / 997.0;
        const double bias = ((double)kh_below(2001) - 1000.0) / 3.0;
        COMPARE("conv_i32_to_u8", uint8_t, n + GUARD, 0,
                kc->conv_i32_to_u8(acc, scale, bias, out + off, n),
                kv->conv_i32_to_u8(acc, scale, bias, out + off, n), "n %zu scale %g", n, scale);
        COMPARE("conv_i32_to_u16", uint16_t, (n + GUARD) * 2, 0,
                kc->conv_i32_to_u16(acc, scale, bias * 257.0, out + off, n),
                kv->conv_i32_to_u16(acc, scale, bias * 257.0, out + off, n), "n %zu scale %g",
                n, scale);
        const float fs = (float)scale, fb = (float)bias;
        COMPARE("conv_f32_to_u8", uint8_t, n + GUARD, 0,
                kc->conv_f32_to_u8(f, fs, fb, out + off, n),
                kv->conv_f32_to_u8(f, fs, fb, out + off, n), "n %zu", n);
        COMPARE("conv_f32_to_u16", uint16_t, (n + GUARD) * 2, 0,
                kc->conv_f32_to_u16(f, fs, fb * 257.0f, out + off, n),
                kv->conv_f32_to_u16(f, fs, fb * 257.0f, out + off, n), "n %zu", n);
        COMPARE("conv_f32_to_f32", float, (n + GUARD) * 4, 1,
                kc->conv_f32_to_f32(f, fs, fb / 255.0f, out + off, n),
                kv->conv_f32_to_f32(f, fs, fb / 255.0f, out + off, n), "n %zu", n);
    }
}

/* Box sums: the accumulator is input and output, so both runs start from
 * the same random sums (wrapping is part of the u32 contract). */
#define COMPARE_ACC(NAME, ACC_T, CALL)                                                     \
    do {                                                                                   \
        ACC_T *ac = (ACC_T *)oc + off, *av = (ACC_T *)ov + off;                            \
        kh_fill(oc, (n + off + GUARD) * sizeof(ACC_T));                                    \
        memcpy(ov, oc, (n + off + GUARD) * sizeof(ACC_T));                                 \
        {                                                                                  \
            const struct zp_conv_kernels *k = kc;                                          \
            ACC_T *acc = ac;                                                               \
            CALL;                                                                          \
        }                                                                                  \
        {                                                                                  \
            const struct zp_conv_kernels *k = kv;                                          \
            ACC_T *acc = av;                                                               \
            CALL;                                                                          \
        }                                                                                  \
        if (kh_diff(oc, ov, (n + off + GUARD) * sizeof(ACC_T)) >= 0) {                     \
            fprintf(stderr, "%s differs from C (n %zu)\n", NAME, n);                       \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

static void test_box(void) {
    for (size_t ci = 0; ci < N_COUNTS * 2; ci++) {
        const size_t n = count_at(ci % N_COUNTS), off = kh_below(8);
        const uint32_t w = 1 + kh_below(4001);
        rand_u8(in[0], IN_BYTES);
        rand_u8(in[1], IN_BYTES);
        rand_u16((uint16_t *)in[2], IN_BYTES / 2);
        rand_u16((uint16_t *)in[3], IN_BYTES / 2);
        rand_f32((float *)in[4], IN_BYTES / 4, 1);
        rand_f32((float *)in[5], IN_BYTES / 4, 1);
        const uint8_t *a8 = in[0] + off, *b8 = in[1] + off;
        const uint16_t *a16 = (const uint16_t *)in[2] + off, *b16 = (const uint16_t *)in[3] + off;
        const float *af = (const float *)in[4] + off, *bf = (const float *)in[5] + off;
        COMPARE_ACC("box_v_add_u8", uint32_t, k->box_v_add_u8(acc, a8, w, n));
        COMPARE_ACC("box_v_slide_u8", uint32_t, k->box_v_slide_u8(acc, a8, b8, n));
        COMPARE_ACC("box_v_add_u16", uint32_t, k->box_v_add_u16(acc, a16, w, n));
        COMPARE_ACC("box_v_slide_u16", uint32_t, k->box_v_slide_u16(acc, a16, b16, n));
        COMPARE_ACC("box_v_add_f32", int64_t, k->box_v_add_f32(acc, af, w, n));
        COMPARE_ACC("box_v_slide_f32", int64_t, k->box_v_slide_f32(acc, af, bf, n));
    }
    /* box_h: column sums of `width` pixels; every radius / start / count
     * shape on small widths, a few long rows. Sums within what the filter
     * produces: (2r+1) samples per column. */
    for (int trial = 0; trial < 3000; trial++) {
        const int ch = 1 + (int)kh_below(4);
        const int32_t width = 1 + (int32_t)kh_below(trial < 2900 ? 12 : 1000);
        const int32_t r = 1 + (int32_t)kh_below(trial % 3 ? 12 : 2000);
        const int32_t x0 = (int32_t)kh_below((uint32_t)width);
        const int32_t count = 1 + (int32_t)kh_below((uint32_t)(width - x0));
        const size_t ns = (size_t)width * (size_t)ch, n = (size_t)count * (size_t)ch;
        uint32_t *a8 = (uint32_t *)in[6], *a16 = (uint32_t *)in[8];
        int64_t *a64 = (int64_t *)in[7];
        const uint32_t cols = 2u * (uint32_t)r + 1u; /* samples per column sum */
        for (size_t i = 0; i < ns; i++) {
            /* sums of `cols` samples, from all 0 to all at the maximum */
            const uint32_t full = kh_below(cols + 1u);
            a8[i] = kh_below(4) ? full * 255u : (uint32_t)((uint64_t)kh_rand() % (cols * 255u + 1u));
            a16[i] = kh_below(4) ? full * 65535u : (uint32_t)(kh_rand() % (cols * 65535ull + 1u));
            a64[i] = (int64_t)(kh_rand() % (1ull << 36)) - (1ll << 35);
        }
        const uint32_t *u8s = a8, *u16s = a16;
        const int64_t *s = a64;
        COMPARE("box_h_u8", uint8_t, n + GUARD, 0,
                kc->box_h_u8(u8s, width, ch, r, x0, count, out),
                kv->box_h_u8(u8s, width, ch, r, x0, count, out), "w %d r %d", (int)width,
                (int)r);
        COMPARE("box_h_u16", uint16_t, (n + GUARD) * 2, 0,
                kc->box_h_u16(u16s, width, ch, r, x0, count, out),
                kv->box_h_u16(u16s, width, ch, r, x0, count, out), "w %d r %d", (int)width,
                (int)r);
        COMPARE("box_h_f32", float, (n + GUARD) * 4, 1,
                kc->box_h_f32(s, width, ch, r, x0, count, out),
                kv->box_h_f32(s, width, ch, r, x0, count, out), "w %d r %d", (int)width,
                (int)r);
        /* box_vh_u8: slide by two rows whose difference keeps every column
         * a sum of `cols` samples, then box_h_u8; both the output and the
         * updated sums must match. */
        {
            uint8_t *ra = in[9], *rb = in[10];
            for (size_t i = 0; i < ns; i++) {
                const uint32_t have = a8[i] / 255u; /* enough to take one 255 out */
                rb[i] = (uint8_t)(have ? kh_below(256) : kh_below(a8[i] + 1u));
                ra[i] = (uint8_t)kh_below(256);
                if (a8[i] - rb[i] + ra[i] > cols * 255u) ra[i] = rb[i];
            }
            uint32_t *sc = (uint32_t *)in[11], *sv = (uint32_t *)in[12];
            memcpy(sc, a8, ns * sizeof *sc);
            memcpy(sv, a8, ns * sizeof *sv);
            COMPARE("box_vh_u8", uint8_t, n + GUARD, 0,
                    kc->box_vh_u8(sc, ra, rb, width, ch, r, x0, count, out),
                    kv->box_vh_u8(sv, ra, rb, width, ch, r, x0, count, out),
                    "w %d r %d ch %d x0 %d count %d", (int)width, (int)r, ch, (int)x0,
                    (int)count);
            if (memcmp(sc, sv, ns * sizeof *sc)) {
                fprintf(stderr, "box_vh_u8 leaves other sums than C: w %d r %d\n", (int)width,
                        (int)r);
                failures++;
            }
        }
    }
}

/* box_h divides window sums S by N = (2r+1)^2 (rounded: (S + N/2) / N); the
 * levels use a reciprocal with a remainder fix-up. Every S from 0 to the
 * largest sum for small radii (column sums floor(x / (2r+1)) * unit step
 * the window sum by exactly `unit` per pixel), and for large radii, every
 * quotient with S at the rounding edges (constant columns v*(2r+1) with one
 * column changed by delta, which every window of its neighbourhood holds). */
static void test_box_div(void) {
    const int32_t big[] = {25, 31, 64, 100, 127, 128, 500, 1000, 1999, 2000};
    for (int pass = 0; pass < 2; pass++) {
        const int u16 = pass == 1;
        const uint32_t maxv = u16 ? 65535u : 255u;
        /* Every S: u8 radius 1..63 (where the levels divide without a
         * fix-up), u16 radius 1..3; u16 radius 4..6 every seventh S (N >= 81,
         * so several per quotient). */
        for (int32_t r = 1; r <= (u16 ? 6 : 63); r++) {
            const uint32_t cols = 2u * (uint32_t)r + 1u, N = cols * cols;
            const uint32_t unit = u16 && r > 3 ? 7u : 1u;
            const size_t width = (size_t)(maxv * N / unit) + 2 * (size_t)cols;
            uint32_t *acc = buf(width * sizeof *acc);
            unsigned char *o1 = buf(width * 2), *o2 = buf(width * 2);
            for (size_t x = 0; x < width; x++) {
                const uint64_t v = (uint64_t)(x / cols) * unit;
                acc[x] = (uint32_t)(v < (uint64_t)cols * maxv ? v : (uint64_t)cols * maxv);
            }
            memset(o1, 0, width * 2);
            memset(o2, 0, width * 2);
            if (u16) {
                kc->box_h_u16(acc, (int32_t)width, 1, r, 0, (int32_t)width, (uint16_t *)o1);
                kv->box_h_u16(acc, (int32_t)width, 1, r, 0, (int32_t)width, (uint16_t *)o2);
            } else {
                kc->box_h_u8(acc, (int32_t)width, 1, r, 0, (int32_t)width, o1);
                kv->box_h_u8(acc, (int32_t)width, 1, r, 0, (int32_t)width, o2);
            }
            const long at = kh_diff(o1, o2, width * 2);
            if (at >= 0) {
                fprintf(stderr, "box_h_%s differs from C: sweep r %d, pixel %ld\n",
                        u16 ? "u16" : "u8", (int)r, at / (u16 ? 2 : 1));
                failures++;
            }
            free(acc);
            free(o1);
            free(o2);
        }
        for (size_t bi = 0; bi < sizeof big / sizeof big[0]; bi++) {
            const int32_t r = big[bi];
            const uint32_t cols = 2u * (uint32_t)r + 1u, N = cols * cols, h = N / 2;
            const int32_t width = 4 * r + 3, count = 2 * r + 2;
            uint32_t *acc = buf((size_t)width * sizeof *acc);
            unsigned char *o1 = buf((size_t)count * 2), *o2 = buf((size_t)count * 2);
            int bad = 0;
            for (uint32_t v = 0; v <= maxv && !bad; v += u16 ? 97u : 1u) {
                /* S = v*N + delta: x = S + N/2 around multiples of N */
                const int64_t deltas[] = {-(int64_t)h - 1, -(int64_t)h, (int64_t)h - 1,
                                          (int64_t)h, (int64_t)h + 1};
                for (int di = 0; di < 5; di++) {
                    const int64_t c = (int64_t)v * cols + deltas[di];
                    if (c < 0 || c > (int64_t)cols * maxv) continue;
                    for (int32_t x = 0; x < width; x++) acc[x] = v * cols;
                    acc[2 * r + 1] = (uint32_t)c;
                    if (u16) {
                        kc->box_h_u16(acc, width, 1, r, r + 1, count, (uint16_t *)o1);
                        kv->box_h_u16(acc, width, 1, r, r + 1, count, (uint16_t *)o2);
                    } else {
                        kc->box_h_u8(acc, width, 1, r, r + 1, count, o1);
                        kv->box_h_u8(acc, width, 1, r, r + 1, count, o2);
                    }
                    if (memcmp(o1, o2, (size_t)count * (u16 ? 2 : 1))) bad = 1;
                }
            }
            if (bad) {
                fprintf(stderr, "box_h_%s differs from C at a rounding edge, r %d\n",
                        u16 ? "u16" : "u8", (int)r);
                failures++;
            }
            free(acc);
            free(o1);
            free(o2);
        }
    }
}

/* Every function pointer of the table is exercised above: count them, so
 * that a new entry without a test here fails. */
static const char *const tested[] = {
    "sep_v_u8_q6", "sep_h_q6_u8", "sep_v_u8_f32", "sep_v_u16_f32", "sep_v_f32_f32", "sep_h_f32",
    "f32_to_u8", "f32_to_u16", "u8_to_f32", "u16_to_f32", "unsharp_u8", "unsharp_u16",
    "unsharp_f32", "box_v_add_u8", "box_v_slide_u8", "box_h_u8", "box_v_add_u16",
    "box_v_slide_u16", "box_h_u16", "box_v_add_f32", "box_v_slide_f32", "box_h_f32", "box_vh_u8",
    "conv_u8_i32", "conv_u16_i32", "conv_f32", "conv_u8_i16_u8", "conv_i32_to_u8",
    "conv_i32_to_u16", "conv_f32_to_u8", "conv_f32_to_u16", "conv_f32_to_f32"};

int main(int argc, char **argv) {
    const zp_simd level = kh_level(argc, argv, &zp__conv_family);
    kc = zp_conv_kernels_c();
    kv = zp_conv_kernels_at(level);
    if (!kv || strcmp(kv->level, zp_simd_name(level))) {
        fprintf(stderr, "the %s table calls itself '%s'\n", zp_simd_name(level),
                kv ? kv->level : "(null)");
        return 1;
    }
    const size_t entries = (sizeof *kc - offsetof(struct zp_conv_kernels, sep_v_u8_q6)) /
                           sizeof(void (*)(void));
    if (entries != sizeof tested / sizeof tested[0]) {
        fprintf(stderr, "the table has %zu entries, this test covers %zu:", entries,
                sizeof tested / sizeof tested[0]);
        for (size_t i = 0; i < sizeof tested / sizeof tested[0]; i++)
            fprintf(stderr, " %s", tested[i]);
        fputc('\n', stderr);
        return 1;
    }
    oc = buf(OUT_BYTES);
    ov = buf(OUT_BYTES);
    in2 = buf(IN_BYTES);
    for (int r = 0; r < ROWS; r++) in[r] = buf(IN_BYTES);
    test_separable();
    test_rounding();
    test_conv();
    test_rows();
    test_box();
    test_box_div();
    for (int r = 0; r < ROWS; r++) free(in[r]);
    free(in2);
    free(oc);
    free(ov);
    if (failures) {
        fprintf(stderr, "%s: %d comparisons differ from the C reference\n", argv[1], failures);
        return 1;
    }
    printf("conv kernels at %s: every entry matches the C reference bit for bit\n", argv[1]);
    return 0;
}
