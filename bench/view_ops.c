/* view_ops.c: views are free. Times crop, flip, rotate and transpose on a
 * 1 MP and a 100 MP image and counts pixel allocations: the cost must not
 * depend on the image size, and no pixel memory may be allocated. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>
#include "zeropix/zeropix.h"
#include "core/core_internal.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Nanoseconds per (crop + flip + rotate + transpose) round on `base`. */
static double time_ops(const zp_view *base, long rounds, uint64_t *allocs) {
    zp_view v;
    zp_view_share(base, &v);
    uint64_t before = zp__pixels_alloc_count();
    double t0 = now();
    for (long i = 0; i < rounds; i++) {
        zp_status st = zp_view_crop(&v, 1, 1, v.width - 1, v.height - 1, &v);
        st |= zp_view_flip(&v, ZP_FLIP_X | ZP_FLIP_Y, &v);
        st |= zp_view_rotate(&v, 90, &v);
        st |= zp_view_transpose(&v, &v);
        if (st) { fprintf(stderr, "view op failed: %s\n", zp_last_error()); break; }
        if (v.width < 16 || v.height < 16) { zp_view_release(&v); zp_view_share(base, &v); }
    }
    double t = now() - t0;
    *allocs = zp__pixels_alloc_count() - before;
    zp_view_release(&v);
    return t / (double)rounds * 1e9;
}

int main(void) {
    const struct { int w, h; } sizes[2] = {{1000, 1000}, {10000, 10000}};
    const long rounds = 2000000;
    double ns[2];
    printf("%-12s %14s %18s\n", "image", "ns per 4 ops", "pixel allocations");
    for (int i = 0; i < 2; i++) {
        zp_view base;
        /* Never written: the pages of the 300 MB buffer are not even touched. */
        if (zp_view_alloc(sizes[i].w, sizes[i].h, 3, ZP_U8, &base)) {
            fprintf(stderr, "alloc: %s\n", zp_last_error());
            return 1;
        }
        uint64_t allocs;
        time_ops(&base, rounds / 10, &allocs); /* warm-up */
        ns[i] = time_ops(&base, rounds, &allocs);
        printf("%5d MP      %14.1f %18llu\n", sizes[i].w * sizes[i].h / 1000000, ns[i],
               (unsigned long long)allocs);
        zp_view_release(&base);
    }
    printf("ratio 100 MP / 1 MP: %.2f (1.00 = independent of image size)\n", ns[1] / ns[0]);
    return 0;
}
