/* test_kernels_copy.c: the copy family at one SIMD level (argv[1]) against
 * its plain C reference, bit for bit: every entry, every pixel size, sizes
 * 1..67 and a few thousand, strides of both signs with gaps, misaligned
 * pointers, and guard bytes that must stay untouched. Then zp_view_copy
 * with the level's tables, on random views (flipped, transposed, rotated,
 * channel subsets, steps, on either side; every dtype pair) against a
 * sample-by-sample copy through zp__convert_samples. */
#include <string.h>
#include "kernel_harness.h"
#include "zp_test.h"
#include "core/copy_kernels.h"
#include "core/core_internal.h"

static const size_t pixel_sizes[] = {1, 2, 3, 4, 6, 8, 12, 16};
#define N_PIXEL_SIZES (sizeof pixel_sizes / sizeof pixel_sizes[0])
#define GUARD 64

/* A size: mostly 1..67, sometimes a few thousand. */
static int32_t random_size(int large) { return large ? 1000 + (int32_t)kh_below(3000) : 1 + (int32_t)kh_below(67); }

/* Source memory of exactly `span` bytes (an over-read leaves it, which the
 * sanitizer build reports), at a random misalignment. */
static char *exact_block(size_t span, void **base) {
    size_t shift = kh_below(16);
    char *p = malloc(span + shift);
    if (!p) exit(1);
    *base = p;
    kh_fill(p + shift, span);
    return p + shift;
}

/* Rows of `row_bytes` bytes `gap` bytes apart in memory: the offset of row
 * 0 and the stride, for either sign. */
static void row_layout(int32_t rows, size_t row_bytes, int negative, size_t *span,
                       ptrdiff_t *first, ptrdiff_t *stride) {
    size_t pitch = row_bytes + kh_below(24);
    *span = pitch * (size_t)(rows - 1) + row_bytes;
    *stride = negative ? -(ptrdiff_t)pitch : (ptrdiff_t)pitch;
    *first = negative ? (ptrdiff_t)(pitch * (size_t)(rows - 1)) : 0;
}

/* Two destination blocks with the same random content and guard bytes. */
static void twin_destinations(size_t span, char **a, char **b, size_t *shift) {
    *shift = GUARD + kh_below(16);
    *a = malloc(span + 2 * GUARD + 16);
    *b = malloc(span + 2 * GUARD + 16);
    if (!*a || !*b) exit(1);
    kh_fill(*a, span + 2 * GUARD + 16);
    memcpy(*b, *a, span + 2 * GUARD + 16);
}

static void test_transpose(const struct zp_copy_kernels *k, const struct zp_copy_kernels *ref) {
    int trials = 0;
    for (size_t pi = 0; pi < N_PIXEL_SIZES; pi++)
        for (int t = 0; t < 300; t++) {
            const size_t p = pixel_sizes[pi];
            const int large = t % 25 == 0;
            int32_t rows = random_size(large && t % 50 == 0), cols = random_size(large && t % 50 != 0);
            size_t sspan, dspan, shift;
            ptrdiff_t sfirst, sstride, dfirst, dstride;
            row_layout(rows, (size_t)cols * p, (int)kh_below(2), &sspan, &sfirst, &sstride);
            row_layout(cols, (size_t)rows * p, (int)kh_below(2), &dspan, &dfirst, &dstride);
            void *sbase;
            char *src = exact_block(sspan, &sbase), *want, *got;
            twin_destinations(dspan, &want, &got, &shift);
            ref->transpose(src + sfirst, sstride, rows, cols, p, want + shift + dfirst, dstride);
            k->transpose(src + sfirst, sstride, rows, cols, p, got + shift + dfirst, dstride);
            long at = kh_diff(want, got, dspan + 2 * GUARD + 16);
            if (at >= 0) {
                fprintf(stderr, "transpose: pixel %zu, %d x %d, strides %td %td: byte %ld differs\n", p,
                        (int)rows, (int)cols, sstride, dstride, at - (long)shift);
                zp_test_failures++;
            }
            free(sbase);
            free(want);
            free(got);
            trials++;
        }
    printf("transpose: %d trials, pixel sizes 1..16\n", trials);
}

static void test_reverse(const struct zp_copy_kernels *k, const struct zp_copy_kernels *ref) {
    int trials = 0;
    for (size_t pi = 0; pi < N_PIXEL_SIZES; pi++)
        for (int t = 0; t < 400; t++) {
            const size_t p = pixel_sizes[pi];
            const int32_t n = random_size(t % 20 == 0);
            const size_t bytes = (size_t)n * p;
            size_t shift;
            void *sbase;
            char *src = exact_block(bytes, &sbase), *want, *got;
            twin_destinations(bytes, &want, &got, &shift);
            ref->reverse(src, n, p, want + shift);
            k->reverse(src, n, p, got + shift);
            long at = kh_diff(want, got, bytes + 2 * GUARD + 16);
            if (at >= 0) {
                fprintf(stderr, "reverse: pixel %zu, n %d: byte %ld differs\n", p, (int)n, at - (long)shift);
                zp_test_failures++;
            }
            free(sbase);
            free(want);
            free(got);
            trials++;
        }
    printf("reverse: %d trials, pixel sizes 1..16\n", trials);
}

/* ---- zp_view_copy through the level's tables ----------------------------------- */

/* A random rearrangement of `v` by view operations (each O(1)). */
static void random_views(zp_view *v, int allow_steps) {
    for (int i = 0, n = (int)kh_below(4); i < n; i++) {
        switch (kh_below(allow_steps ? 5 : 4)) {
        case 0: CHECK_OK(zp_view_flip(v, 1 + (int)kh_below(3), v)); break;
        case 1: CHECK_OK(zp_view_transpose(v, v)); break;
        case 2: CHECK_OK(zp_view_rotate(v, 90 * (1 + (int)kh_below(3)), v)); break;
        case 3:
            if (v->channels >= 3 && kh_below(2)) CHECK_OK(zp_view_channels(v, 2, 3, -1, v));
            else if (v->channels == 4) CHECK_OK(zp_view_channels(v, 0, 3, 1, v));
            break;
        default: CHECK_OK(zp_view_step(v, 1 + (int)kh_below(3), 1 + (int)kh_below(2), v)); break;
        }
    }
}

static void test_view_copy(zp_simd level) {
    static const zp_dtype dtypes[3] = {ZP_U8, ZP_U16, ZP_F32};
    zp_simd_set_cap(level);
    int trials = 0;
    for (int t = 0; t < 600; t++) {
        const int large = t % 60 == 0;
        const int32_t w = large ? 700 + (int32_t)kh_below(600) : 1 + (int32_t)kh_below(67);
        const int32_t h = large ? 300 + (int32_t)kh_below(300) : 1 + (int32_t)kh_below(67);
        const int32_t ch = 1 + (int32_t)kh_below(4);
        const zp_dtype sdt = dtypes[kh_below(3)], ddt = t % 3 ? sdt : dtypes[kh_below(3)];
        zp_view src, s, dst, d;
        CHECK_OK(zp_view_alloc(w, h, ch, sdt, &src));
        if (sdt == ZP_F32)
            for (int32_t y = 0; y < h; y++)
                for (int32_t i = 0; i < w * ch; i++)
                    ((float *)zp_view_pixel(&src, 0, y))[i] = (float)kh_below(1200) / 1000.0f - 0.1f;
        else
            for (int32_t y = 0; y < h; y++) kh_fill(zp_view_pixel(&src, 0, y), (size_t)(w * ch) * zp_dtype_size(sdt));
        zp_view_share(&src, &s);
        random_views(&s, 1);
        /* The destination: a packed buffer of the source view's shape,
         * seen through its own random rearrangement (no steps, so that
         * it covers every sample of a buffer of matching size). */
        zp_view shape = s;
        random_views(&shape, 0);
        CHECK_OK(zp_view_alloc(shape.width, shape.height, s.channels, ddt, &dst));
        zp_view_share(&dst, &d);
        /* Turn dst so that the view copied into has the source's shape. */
        if (shape.width != s.width) CHECK_OK(zp_view_transpose(&d, &d));
        if (kh_below(2)) CHECK_OK(zp_view_flip(&d, 1 + (int)kh_below(3), &d));
        if (kh_below(3) == 0) CHECK_OK(zp_view_channels(&d, d.channels - 1, d.channels, -1, &d));
        CHECK_OK(zp_view_copy(&s, &d));
        const size_t di = zp_dtype_size(ddt);
        long bad = 0;
        for (int32_t y = 0; y < s.height; y++)
            for (int32_t x = 0; x < s.width; x++)
                for (int32_t c = 0; c < s.channels; c++) {
                    unsigned char want[4];
                    zp__convert_samples((char *)zp_view_pixel(&s, x, y) + c * s.stride_c, sdt, want, ddt, 1);
                    bad += memcmp((char *)zp_view_pixel(&d, x, y) + c * d.stride_c, want, di) != 0;
                }
        if (bad) {
            fprintf(stderr, "view copy %dx%dx%d %s->%s: %ld samples differ (src strides %td %td %td, dst %td %td %td)\n",
                    (int)s.width, (int)s.height, (int)s.channels, zp_dtype_name(sdt), zp_dtype_name(ddt), bad,
                    s.stride_x, s.stride_y, s.stride_c, d.stride_x, d.stride_y, d.stride_c);
            zp_test_failures++;
        }
        zp_view_release(&s);
        zp_view_release(&d);
        zp_view_release(&src);
        zp_view_release(&dst);
        trials++;
    }
    printf("zp_view_copy at %s: %d random layouts\n", zp_simd_name(level), trials);
}

int main(int argc, char **argv) {
    zp_simd level = kh_level(argc, argv, &zp__copy_family);
    const struct zp_copy_kernels *k = zp_copy_kernels_at(level), *ref = zp_copy_kernels_c();
    CHECK(k != NULL && k != ref);
    test_transpose(k, ref);
    test_reverse(k, ref);
    test_view_copy(level);
    return zp_test_finish(argv[0]);
}
