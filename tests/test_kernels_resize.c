/* test_kernels_resize.c: every entry of one SIMD level's resize table
 * against the plain C table, on random and extreme data.
 *
 * Usage: test_kernels_resize sse4|avx2|avx512 (CTests kernels.resize.LEVEL;
 * exit 77 when the CPU lacks the level or the family overrides nothing at
 * it). KH_SEED is not read: the data are the same on every run.
 *
 * What is compared (resize_kernels.h gives the contract):
 *   vertical:   tap counts 1..13, 16, 17, 24, 43, 130; 1..67 samples and a
 *               few thousand; row pointers at any byte offset.
 *   horizontal: 1..4 channels, the same tap counts, 1..67 output pixels and
 *               a few thousand, random non-decreasing first[] (repeats and
 *               jumps), misaligned `in` and `out`, the MID_PAD bytes after
 *               the row filled with junk, guard bytes around `out`; also
 *               the real weight tables of every filter for a few sizes.
 *   Weights: the tables zp__resize_axis_init builds, and random rows that
 *   keep the contract (u8: sum of |w| <= 1.6 ONE and each |w| < 2^15, so
 *   no intermediate overflows; float: sum of |w| <= 1.6).
 *   Samples: random, all-0, all-max, alternating 0/max (the largest
 *   overshoot), and for f32 also large, negative, infinite and NaN values.
 * Integer outputs must match byte for byte; float outputs bit for bit
 * (the header promises it), except that any NaN matches any NaN: the sign
 * and payload of a NaN made from two NaNs depend on operand order, which C
 * leaves to the compiler. */
#include <math.h>
#include "kernel_harness.h"
#include "plugins/common/resize_kernels.h"
#include "zp_test.h"

static const struct zp_resize_kernels *ref, *simd;
static const char *level_name;

static const int32_t tap_counts[] = {1, 2,  3,  4,  5,  6,  7,  8,  9,
                                     10, 11, 12, 13, 16, 17, 24, 43, 130};
#define N_TAPS ((int)(sizeof tap_counts / sizeof tap_counts[0]))

/* Lengths: 1..67, then a few thousand (odd, so no vector width divides it). */
static size_t length_at(int i) { return i < 67 ? (size_t)i + 1 : (size_t)(2000 + 997 * (i - 67)); }
#define N_LENGTHS 70

/* ---- Data ------------------------------------------------------------------------ */

enum { PAT_RANDOM, PAT_ZERO, PAT_MAX, PAT_ALTERNATE, PAT_SPECIAL, N_PATTERNS };

static void fill_u8(uint8_t *p, size_t n, int pat) {
    for (size_t i = 0; i < n; i++)
        p[i] = pat == PAT_ZERO ? 0 : pat == PAT_MAX ? 255
             : pat == PAT_ALTERNATE ? (uint8_t)(i & 1 ? 255 : 0) : (uint8_t)kh_rand();
}

static void fill_u16(uint16_t *p, size_t n, int pat) {
    for (size_t i = 0; i < n; i++)
        p[i] = pat == PAT_ZERO ? 0 : pat == PAT_MAX ? 65535
             : pat == PAT_ALTERNATE ? (uint16_t)(i & 1 ? 65535 : 0) : (uint16_t)kh_rand();
}

static float special_float(void) {
    static const float values[] = {0.0f, -0.0f, 1.0f, -1.0f, 1e30f, -1e30f, 3.4e38f,
                                   1e-40f, INFINITY, -INFINITY, NAN, 0.5f, 65535.0f};
    if (kh_below(4)) return (float)((double)kh_below(2000001) / 1e6 - 0.5);
    return values[kh_below(sizeof values / sizeof values[0])];
}

static void fill_f32(float *p, size_t n, int pat) {
    for (size_t i = 0; i < n; i++)
        p[i] = pat == PAT_ZERO ? 0.0f : pat == PAT_MAX ? 1.0f
             : pat == PAT_ALTERNATE ? (i & 1 ? 1.0f : 0.0f)
             : pat == PAT_SPECIAL ? special_float()
             : (float)((double)kh_below(1u << 24) / (1 << 24) * 1.2 - 0.1);
}

/* The intermediate u8 row: int16 value * 2^MID_BITS within what the vertical
 * pass can give (|v| <= 255 * 1.6 * 64), or the extremes of that range. */
static void fill_mid16(int16_t *p, size_t n, int pat) {
    const int32_t lim = 255 * 64 * 16 / 10;
    for (size_t i = 0; i < n; i++)
        p[i] = pat == PAT_ZERO ? 0 : pat == PAT_MAX ? (int16_t)(255 * 64)
             : pat == PAT_ALTERNATE ? (int16_t)(i & 1 ? lim : -lim / 4)
             : (int16_t)((int32_t)kh_below(2 * (uint32_t)lim + 1) - lim);
}

/* A random u8 weight row summing to ONE with sum |w| <= 1.6 ONE: a positive
 * part and a smaller negative part, spread over the taps. */
static void random_wq(int16_t *w, int32_t taps) {
    int32_t sum = 0;
    for (int32_t t = 0; t < taps; t++) w[t] = 0;
    const int32_t neg = taps > 1 ? (int32_t)kh_below(ZP_RESIZE_WEIGHT_ONE * 3 / 10) : 0;
    for (int32_t left = neg; left > 0;) { /* negative lobes */
        int32_t t = (int32_t)kh_below((uint32_t)taps), d = 1 + (int32_t)kh_below(2000);
        d = d > left ? left : d;
        w[t] = (int16_t)(w[t] - d), left -= d;
    }
    for (int32_t t = 0; t < taps; t++) sum += w[t];
    for (int32_t left = ZP_RESIZE_WEIGHT_ONE - sum; left > 0;) { /* positive part */
        int32_t t = (int32_t)kh_below((uint32_t)taps), d = 1 + (int32_t)kh_below(6000);
        d = d > left ? left : d;
        if (w[t] + d > 32767) continue;
        w[t] = (int16_t)(w[t] + d), left -= d;
    }
}

static void random_wf(float *w, int32_t taps) {
    double sum = 0;
    for (int32_t t = 0; t < taps; t++) {
        w[t] = (float)((double)kh_below(1u << 20) / (1 << 20) - (kh_below(4) ? 0.0 : 0.4));
        sum += fabs(w[t]);
    }
    for (int32_t t = 0; t < taps; t++) w[t] = (float)(w[t] / sum * 1.6);
}

/* ---- Comparison ------------------------------------------------------------------- */

static int same_floats(const float *a, const float *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!(isnan(a[i]) && isnan(b[i])) && memcmp(&a[i], &b[i], sizeof a[i]) != 0) return 0;
    return 1;
}

static long cases, failures_reported;

static void report(const char *what, int32_t taps, int ch, size_t n, int pat, long at) {
    if (failures_reported++ < 10)
        fprintf(stderr, "%s: %s differs from C: taps %d, channels %d, length %zu, pattern %d, "
                        "first difference at byte %ld\n",
                level_name, what, (int)taps, ch, n, pat, at);
    zp_test_failures++;
}

/* ---- Vertical ---------------------------------------------------------------------- */

/* `taps` rows of n samples at random byte offsets inside one block. */
#define ROW_SLOT(n, item) (((n) * (item) + 64 + 63) & ~(size_t)63)

static void test_vertical(void) {
    enum { MAXT = 130 };
    const size_t maxn = length_at(N_LENGTHS - 1);
    unsigned char *block = malloc(ROW_SLOT(maxn, 4) * MAXT);
    unsigned char *o1 = malloc(maxn * 4 + 128), *o2 = malloc(maxn * 4 + 128);
    int16_t wq[MAXT];
    float wf[MAXT];
    const void *rows[MAXT];
    if (!block || !o1 || !o2) abort();
    for (int ti = 0; ti < N_TAPS; ti++) {
        const int32_t taps = tap_counts[ti];
        for (int li = 0; li < N_LENGTHS; li++) {
            const size_t n = length_at(li);
            const int pat = li % N_PATTERNS;
            for (int dt = 0; dt < 3; dt++) {
                const size_t item = dt == 0 ? 1 : dt == 1 ? 2 : 4;
                const size_t slot = ROW_SLOT(n, item);
                for (int32_t t = 0; t < taps; t++) {
                    /* misaligned, but aligned to the type */
                    unsigned char *r = block + (size_t)t * slot + kh_below(64) / item * item;
                    if (dt == 0) fill_u8((uint8_t *)r, n, pat);
                    else if (dt == 1) fill_u16((uint16_t *)r, n, pat);
                    else fill_f32((float *)r, n, li % 2 ? PAT_SPECIAL : pat);
                    rows[t] = r;
                }
                if (dt == 0) random_wq(wq, taps);
                else random_wf(wf, taps);
                const size_t out_item = dt == 0 ? 2 : 4, off = kh_below(16) * out_item;
                const size_t bytes = n * out_item + 32;
                memset(o1, 0xA5, bytes + off), memset(o2, 0xA5, bytes + off);
                const char *what;
                void *r1 = o1 + off, *r2 = o2 + off;
                if (dt == 0) {
                    const uint8_t *const *r = (const uint8_t *const *)rows;
                    what = "vertical_u8";
                    ref->vertical_u8(r, wq, taps, r1, n), simd->vertical_u8(r, wq, taps, r2, n);
                } else if (dt == 1) {
                    const uint16_t *const *r = (const uint16_t *const *)rows;
                    what = "vertical_u16";
                    ref->vertical_u16(r, wf, taps, r1, n), simd->vertical_u16(r, wf, taps, r2, n);
                } else {
                    const float *const *r = (const float *const *)rows;
                    what = "vertical_f32";
                    ref->vertical_f32(r, wf, taps, r1, n), simd->vertical_f32(r, wf, taps, r2, n);
                }
                cases++;
                /* the samples, then the guard bytes after them (must be untouched) */
                int ok = dt == 0 ? kh_diff(o1, o2, bytes + off) < 0
                                 : same_floats((float *)(o1 + off), (float *)(o2 + off), n) &&
                                       kh_diff(o1 + off + n * 4, o2 + off + n * 4, 32) < 0 &&
                                       kh_diff(o1, o2, off) < 0;
                if (!ok) report(what, taps, 1, n, pat, kh_diff(o1, o2, bytes + off));
            }
        }
    }
    free(block), free(o1), free(o2);
}

/* ---- Horizontal --------------------------------------------------------------------- */

typedef struct hcase {
    int32_t origin, taps, wstride, ch, count;
    int32_t *first;
    int16_t *wq;
    float *wf;
} hcase;

/* Run one horizontal case for every dtype on a fresh intermediate row
 * (random junk in the padding) and compare. */
static void run_horizontal(const hcase *h, int pat) {
    const int32_t ch = h->ch;
    const size_t span = (size_t)(h->first[h->count - 1] - h->origin + h->taps);
    const size_t samples = span * (size_t)ch, outn = (size_t)h->count * (size_t)ch;
    const size_t in_off = kh_below(8), out_off = kh_below(8);
    unsigned char *inb = malloc(samples * 4 + ZP_RESIZE_MID_PAD + 64);
    unsigned char *o1 = malloc(outn * 4 + 256), *o2 = malloc(outn * 4 + 256);
    if (!inb || !o1 || !o2) abort();
    for (int dt = 0; dt < 3; dt++) {
        const size_t item = dt == 0 ? 2 : 4, oitem = dt == 0 ? 1 : dt == 1 ? 2 : 4;
        unsigned char *in = inb + in_off * item;
        kh_fill(in + samples * item, ZP_RESIZE_MID_PAD); /* the contract's "any values" */
        if (dt == 0) fill_mid16((int16_t *)in, samples, pat);
        else if (dt == 1) {
            float *f = (float *)in; /* what vertical_u16 can give: -0.3..1.3 of 65535, */
            for (size_t i = 0; i < samples; i++) /* and now and then past it */
                f[i] = pat == PAT_SPECIAL ? special_float() * 70000.0f
                     : (float)((double)kh_below(1u << 24) / (1 << 24) * 85000.0 - 10000.0);
        } else {
            fill_f32((float *)in, samples, pat);
        }
        const size_t guard = 64, bytes = outn * oitem + 2 * guard;
        memset(o1, 0x5A, bytes + out_off * oitem), memset(o2, 0x5A, bytes + out_off * oitem);
        unsigned char *d1 = o1 + guard + out_off * oitem, *d2 = o2 + guard + out_off * oitem;
        const char *what;
        if (dt == 0) {
            what = "horizontal_u8";
            ref->horizontal_u8((const int16_t *)in, h->origin, h->first, h->wq, h->taps,
                               h->wstride, ch, d1, h->count);
            simd->horizontal_u8((const int16_t *)in, h->origin, h->first, h->wq, h->taps,
                                h->wstride, ch, d2, h->count);
        } else if (dt == 1) {
            what = "horizontal_u16";
            ref->horizontal_u16((const float *)in, h->origin, h->first, h->wf, h->taps,
                                h->wstride, ch, (uint16_t *)d1, h->count);
            simd->horizontal_u16((const float *)in, h->origin, h->first, h->wf, h->taps,
                                 h->wstride, ch, (uint16_t *)d2, h->count);
        } else {
            what = "horizontal_f32";
            ref->horizontal_f32((const float *)in, h->origin, h->first, h->wf, h->taps,
                                h->wstride, ch, (float *)d1, h->count);
            simd->horizontal_f32((const float *)in, h->origin, h->first, h->wf, h->taps,
                                 h->wstride, ch, (float *)d2, h->count);
        }
        cases++;
        int ok = dt == 2 ? same_floats((float *)d1, (float *)d2, outn) &&
                               kh_diff(o1, o2, (size_t)(d1 - o1)) < 0 &&
                               kh_diff(d1 + outn * 4, d2 + outn * 4, guard) < 0
                         : kh_diff(o1, o2, bytes + out_off * oitem) < 0;
        if (!ok) report(what, h->taps, ch, (size_t)h->count, pat, kh_diff(o1, o2, bytes));
    }
    free(inb), free(o1), free(o2);
}

static void test_horizontal_random(void) {
    const int32_t maxcount = (int32_t)length_at(N_LENGTHS - 1);
    hcase h;
    h.first = malloc((size_t)maxcount * sizeof *h.first);
    h.wq = malloc((size_t)maxcount * 136 * sizeof *h.wq);
    h.wf = malloc((size_t)maxcount * 136 * sizeof *h.wf);
    if (!h.first || !h.wq || !h.wf) abort();
    for (int ti = 0; ti < N_TAPS; ti++)
        for (int ch = 1; ch <= 4; ch++)
            for (int li = 0; li < N_LENGTHS; li++) {
                h.taps = tap_counts[ti], h.ch = ch, h.count = (int32_t)length_at(li);
                h.wstride = (h.taps + ZP_RESIZE_TAP_ALIGN - 1) / ZP_RESIZE_TAP_ALIGN *
                            ZP_RESIZE_TAP_ALIGN;
                h.origin = (int32_t)kh_below(1000);
                /* first[]: steps of 0..3 (up- and downscaling), sometimes larger */
                int32_t f = h.origin + (int32_t)kh_below(3);
                for (int32_t i = 0; i < h.count; i++) {
                    h.first[i] = f;
                    f += kh_below(8) ? (int32_t)kh_below(4) : (int32_t)kh_below(40);
                }
                memset(h.wq, 0, (size_t)h.count * (size_t)h.wstride * sizeof *h.wq);
                memset(h.wf, 0, (size_t)h.count * (size_t)h.wstride * sizeof *h.wf);
                for (int32_t i = 0; i < h.count; i++) {
                    random_wq(h.wq + (size_t)i * (size_t)h.wstride, h.taps);
                    random_wf(h.wf + (size_t)i * (size_t)h.wstride, h.taps);
                }
                run_horizontal(&h, li % N_PATTERNS);
            }
    free(h.first), free(h.wq), free(h.wf);
}

/* The tables the filters really build, whole axes, every filter. */
static void test_horizontal_tables(void) {
    static const int32_t sizes[][2] = {{1, 7}, {7, 1}, {5, 5}, {13, 40}, {100, 33},
                                       {640, 576}, {997, 251}, {250, 3001}, {4000, 93}};
    for (int k = 0; k <= ZP_RESIZE_LANCZOS3; k++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (int ch = 1; ch <= 4; ch++) {
                zp__resize_axis aq, af;
                if (zp__resize_axis_init(&aq, sizes[s][0], sizes[s][1], (zp_resize_filter)k, 1) ||
                    zp__resize_axis_init(&af, sizes[s][0], sizes[s][1], (zp_resize_filter)k, 0))
                    abort();
                hcase h = {0, aq.taps, aq.wstride, ch, aq.out_size, aq.first, aq.wq, af.wf};
                for (int pat = 0; pat < N_PATTERNS; pat++) run_horizontal(&h, pat);
                /* a window of the axis, as a band or tile sees it */
                if (aq.out_size > 3) {
                    h.first = aq.first + 1, h.wq = aq.wq + aq.wstride, h.wf = af.wf + af.wstride;
                    h.count = aq.out_size - 2, h.origin = aq.first[1];
                    run_horizontal(&h, PAT_RANDOM);
                }
                zp__resize_axis_free(&aq), zp__resize_axis_free(&af);
            }
}

int main(int argc, char **argv) {
    const zp_simd level = kh_level(argc, argv, &zp__resize_family);
    level_name = zp_simd_name(level);
    ref = zp_resize_kernels_c();
    simd = zp_resize_kernels_at(level);
    CHECK(ref && simd && simd != ref);
    if (!simd) return zp_test_finish("test_kernels_resize");
    CHECK(strcmp(simd->name, "c") != 0);
    test_vertical();
    test_horizontal_random();
    test_horizontal_tables();
    printf("%s (table %s): %ld cases compared with C\n", level_name, simd->name, cases);
    return zp_test_finish("test_kernels_resize");
}
