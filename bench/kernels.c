/* kernels.c: megapixels per second of every kernel family (convolution,
 * resize, point operations, copies) through the public API, at each SIMD
 * level this CPU has, with one thread and with all of them, on a synthetic
 * 20 MP RGB image; the speed-up over plain C, and for point operations and
 * copies the bandwidth next to memcpy of the same bytes, all measured in
 * the same run.
 *
 *   bench_kernels [--runs N] [--quick] [--only TEXT] [--csv FILE] [--write-ppm FILE]
 *
 * --runs N      median of N timed runs after one warm-up (default 5)
 * --quick       a 96 x 64 image and one run (the CTest that keeps this
 *               program from rotting)
 * --only TEXT   only the rows whose name contains TEXT (e.g. "copy")
 * --csv FILE    also write the figures as CSV (op,level,threads,mps,gbs);
 *               "-" prints CSV instead of the table
 * --write-ppm F write the synthetic image as a binary PPM and exit (the
 *               OpenCV comparison reads it, so both measure the same image)
 *
 * Filters run as users run them: zp_pipeline_run on the image, output
 * buffers allocated by the pipeline (their release is not timed). Copies
 * are zp_view_copy from a view of the image (as is, mirrored left-right,
 * transposed) into a packed buffer allocated once; with several threads
 * each copies a band of rows. Every level must give the same bytes as
 * plain C (integer samples): outputs are compared and a difference fails
 * the run (exit 1). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "zeropix/pipeline.h"
#include "zeropix/zeropix.h"

#define MAX_THREADS 256
#define MAX_RUNS 101

typedef enum kind { FILTER, POINT, COPY, MEMCPY } kind;
typedef enum layout { PACKED, FLIPPED, TRANSPOSED } layout;

typedef struct op {
    const char *name;
    kind        kind;
    const char *chain;    /* FILTER, POINT: the operation                 */
    int         channels; /* COPY, MEMCPY: 1 gray, 3 RGB, 4 RGBA          */
    layout      layout;   /* COPY                                         */
} op;

static const op ops[] = {
    {"blur", FILTER, "blur:sigma=2", 3, PACKED},
    {"box_blur", FILTER, "box_blur:radius=3", 3, PACKED},
    {"convolve3", FILTER, "convolve:kernel=-1;-1;-1;-1;16;-1;-1;-1;-1,scale=0.125", 3, PACKED},
    {"convolve5", FILTER,
     "convolve:kernel=1;4;6;4;1;4;16;24;16;4;6;24;36;24;6;4;16;24;16;4;1;4;6;4;1,scale=0.00390625",
     3, PACKED},
    {"sharpen", FILTER, "sharpen:sigma=1,amount=1", 3, PACKED},
    {"resize_nearest", FILTER, "resize:scale=0.9,kernel=nearest", 3, PACKED},
    {"resize_bilinear", FILTER, "resize:scale=0.9,kernel=bilinear", 3, PACKED},
    {"resize_bicubic", FILTER, "resize:scale=0.9,kernel=bicubic", 3, PACKED},
    {"resize_lanczos3", FILTER, "resize:scale=0.9,kernel=lanczos3", 3, PACKED},
    {"levels", POINT, "levels:gamma=1.8", 3, PACKED},
    {"invert", POINT, "invert", 3, PACKED},
    {"grayscale", POINT, "grayscale", 3, PACKED},
    {"threshold", POINT, "threshold:value=0.5", 3, PACKED},
    {"memcpy_rgb", MEMCPY, NULL, 3, PACKED},
    {"copy_rgb", COPY, NULL, 3, PACKED},
    {"copy_rgb_flipped", COPY, NULL, 3, FLIPPED},
    {"copy_rgb_transposed", COPY, NULL, 3, TRANSPOSED},
    {"memcpy_gray", MEMCPY, NULL, 1, PACKED},
    {"copy_gray", COPY, NULL, 1, PACKED},
    {"copy_gray_flipped", COPY, NULL, 1, FLIPPED},
    {"copy_gray_transposed", COPY, NULL, 1, TRANSPOSED},
    {"memcpy_rgba", MEMCPY, NULL, 4, PACKED},
    {"copy_rgba", COPY, NULL, 4, PACKED},
    {"copy_rgba_flipped", COPY, NULL, 4, FLIPPED},
    {"copy_rgba_transposed", COPY, NULL, 4, TRANSPOSED},
};
#define N_OPS ((int)(sizeof ops / sizeof ops[0]))

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void die(const char *what) {
    fprintf(stderr, "bench_kernels: %s: %s\n", what, zp_last_error());
    exit(2);
}

/* ---- The image ------------------------------------------------------------------ */

/* Smooth gradients plus 4 x 4 blocks of hashed noise: edges and texture
 * for the filters, deterministic, no file. Gray and RGBA copies of it
 * serve the copy rows. */
static uint8_t pattern(int32_t x, int32_t y, int c) {
    uint32_t h = (uint32_t)(x >> 2) * 0x9e3779b1u ^ (uint32_t)(y >> 2) * 0x85ebca77u ^ (uint32_t)c * 0xc2b2ae3du;
    h ^= h >> 15;
    h *= 0x2c1b3c6du;
    h ^= h >> 12;
    return (uint8_t)((x * (3 + c) + y * (5 - c)) / 8 + (h & 63));
}

static zp_view make_image(int32_t w, int32_t h, int channels) {
    zp_view v;
    if (zp_view_alloc(w, h, channels, ZP_U8, &v)) die("image");
    for (int32_t y = 0; y < h; y++) {
        uint8_t *row = zp_view_pixel(&v, 0, y);
        for (int32_t x = 0; x < w; x++)
            for (int c = 0; c < channels; c++)
                row[x * channels + c] = c == 3 ? 255 : pattern(x, y, channels == 1 ? 1 : c);
    }
    return v;
}

static int write_ppm(const char *path, const zp_view *v) {
    FILE *f = fopen(path, "wb");
    if (!f) return perror(path), 1;
    fprintf(f, "P6\n%d %d\n255\n", (int)v->width, (int)v->height);
    for (int32_t y = 0; y < v->height; y++)
        fwrite(zp_view_pixel(v, 0, y), 3, (size_t)v->width, f);
    return fclose(f) ? (perror(path), 1) : 0;
}

/* FNV-1a over the samples of a view, row by row (any strides). */
static uint64_t checksum(const zp_view *v) {
    uint64_t h = 1469598103934665603ull;
    const size_t item = zp_dtype_size(v->dtype);
    for (int32_t y = 0; y < v->height; y++)
        for (int32_t x = 0; x < v->width; x++)
            for (int32_t c = 0; c < v->channels; c++) {
                const unsigned char *p = (const unsigned char *)zp_view_pixel(v, x, y) + c * v->stride_c;
                for (size_t i = 0; i < item; i++) h = (h ^ p[i]) * 1099511628211ull;
            }
    return h;
}

/* ---- Bands of work on threads ----------------------------------------------------- */

typedef struct job {
    const op      *op;
    const zp_view *src, *dst; /* COPY: the whole views; MEMCPY: packed images */
    int32_t        y0, y1;
    zp_status      status;
} job;

static void *run_band(void *arg) {
    job *j = arg;
    if (j->op->kind == MEMCPY) {
        const size_t row = (size_t)j->src->stride_y;
        memcpy(zp_view_pixel(j->dst, 0, j->y0), zp_view_pixel(j->src, 0, j->y0),
               row * (size_t)(j->y1 - j->y0));
        return NULL;
    }
    zp_view s = *j->src, d = *j->dst;
    s.data = zp_view_pixel(&s, 0, j->y0), s.height = j->y1 - j->y0, s.owner = NULL;
    d.data = zp_view_pixel(&d, 0, j->y0), d.height = j->y1 - j->y0, d.owner = NULL;
    j->status = zp_view_copy(&s, &d);
    return NULL;
}

/* The copy (or memcpy) split into `threads` bands of rows. */
static void run_bands(const op *o, const zp_view *src, const zp_view *dst, int threads) {
    job jobs[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    for (int t = 0; t < threads; t++) {
        jobs[t] = (job){o, src, dst, (int32_t)((int64_t)src->height * t / threads),
                        (int32_t)((int64_t)src->height * (t + 1) / threads), ZP_OK};
        if (t && pthread_create(&tid[t], NULL, run_band, &jobs[t])) {
            fprintf(stderr, "bench_kernels: cannot start a thread\n");
            exit(2);
        }
    }
    run_band(&jobs[0]);
    for (int t = 1; t < threads; t++) pthread_join(tid[t], NULL);
    for (int t = 0; t < threads; t++)
        if (jobs[t].status) die("zp_view_copy");
}

/* ---- Measuring -------------------------------------------------------------------- */

typedef struct images {
    zp_view by_channels[5]; /* [1] gray, [3] RGB, [4] RGBA */
    zp_view copy_dst[5][3]; /* per channels and layout, allocated on first use */
} images;

/* The source view of a copy row and its destination. */
static void copy_views(images *im, const op *o, zp_view *src, zp_view **dst) {
    const zp_view *img = &im->by_channels[o->channels];
    zp_status st = ZP_OK;
    if (o->layout == FLIPPED) st = zp_view_flip(img, ZP_FLIP_X, src);
    else if (o->layout == TRANSPOSED) st = zp_view_transpose(img, src);
    else zp_view_share(img, src);
    if (st) die("view");
    *dst = &im->copy_dst[o->channels][o->layout];
    if (!(*dst)->data && zp_view_alloc(src->width, src->height, src->channels, ZP_U8, *dst))
        die("copy destination");
}

/* One timed run; `sum` gets the output's checksum when not NULL. */
static double run_once(images *im, const op *o, zp_pipeline *p, int threads, uint64_t *sum) {
    const zp_view *img = &im->by_channels[o->channels];
    double t0, t;
    if (o->kind == FILTER || o->kind == POINT) {
        zp_run_options opt;
        zp_run_options_init(&opt);
        opt.threads = threads;
        zp_view out;
        t0 = now();
        if (zp_pipeline_run(p, img, &opt, &out)) die(o->name);
        t = now() - t0;
        if (sum) *sum = checksum(&out);
        zp_view_release(&out);
        return t;
    }
    zp_view src, *dst;
    if (o->kind == MEMCPY) {
        zp_view_share(img, &src);
        dst = &im->copy_dst[o->channels][PACKED];
        if (!dst->data && zp_view_alloc(img->width, img->height, img->channels, ZP_U8, dst))
            die("memcpy destination");
    } else {
        copy_views(im, o, &src, &dst);
    }
    t0 = now();
    run_bands(o, &src, dst, threads);
    t = now() - t0;
    if (sum) *sum = checksum(dst);
    if (sum && o->kind == COPY && checksum(&src) != *sum) {
        fprintf(stderr, "bench_kernels: %s copied wrong pixels\n", o->name);
        exit(1);
    }
    zp_view_release(&src);
    return t;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median seconds of `runs` after a warm-up, whose checksum goes to `sum`. */
static double measure(images *im, const op *o, zp_pipeline *p, int threads, int runs, uint64_t *sum) {
    double t[MAX_RUNS];
    run_once(im, o, p, threads, sum);
    for (int i = 0; i < runs; i++) t[i] = run_once(im, o, p, threads, NULL);
    qsort(t, (size_t)runs, sizeof t[0], compare_doubles);
    return runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
}

/* ---- Report ----------------------------------------------------------------------- */

typedef struct figures {
    double   sec[ZP_SIMD_LEVELS][2]; /* [level][0: 1 thread, 1: all]   */
    uint64_t sum[ZP_SIMD_LEVELS];
} figures;

static double image_bytes(const images *im, const op *o) {
    const zp_view *v = &im->by_channels[o->channels];
    return (double)v->width * v->height * o->channels;
}

/* The memcpy row of the same channel count (same bytes). */
static int memcpy_row(const op *o) {
    for (int i = 0; i < N_OPS; i++)
        if (ops[i].kind == MEMCPY && ops[i].channels == o->channels) return i;
    return -1;
}

static void print_cell(double v, const char *fmt, int width) {
    if (v > 0) printf(fmt, width, v);
    else printf("%*s", width, "-");
}

int main(int argc, char **argv) {
    int runs = 5, quick = 0;
    const char *csv_path = NULL, *ppm_path = NULL, *only = "";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--quick")) quick = 1;
        else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
        else if (!strcmp(argv[i], "--csv") && i + 1 < argc) csv_path = argv[++i];
        else if (!strcmp(argv[i], "--write-ppm") && i + 1 < argc) ppm_path = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--runs N] [--quick] [--only TEXT] [--csv FILE|-] [--write-ppm FILE]\n", argv[0]);
            return 2;
        }
    }
    if (quick) runs = 1;
    if (runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "bench_kernels: --runs must be 1..%d\n", MAX_RUNS);
        return 2;
    }
    const int32_t w = quick ? 96 : 5472, h = quick ? 64 : 3648;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const int all = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (int)cores;

    images im;
    memset(&im, 0, sizeof im);
    im.by_channels[3] = make_image(w, h, 3);
    if (ppm_path) return write_ppm(ppm_path, &im.by_channels[3]);
    im.by_channels[1] = make_image(w, h, 1);
    im.by_channels[4] = make_image(w, h, 4);

    FILE *csv = NULL;
    if (csv_path) {
        csv = strcmp(csv_path, "-") ? fopen(csv_path, "w") : stdout;
        if (!csv) return perror(csv_path), 2;
        fprintf(csv, "op,level,threads,mps,gbs\n");
    }
    const int table = !csv || csv != stdout;

    zp_registry *reg;
    if (zp_registry_new(NULL, NULL, &reg)) die("registry");
    const zp_simd top = zp_simd_detected();
    static figures fig[N_OPS];
    int failed = 0;
    int selected[N_OPS];
    for (int i = 0; i < N_OPS; i++) /* memcpy rows go with the copies they are compared to */
        selected[i] = strstr(ops[i].name, only) != NULL;
    for (int i = 0; i < N_OPS; i++)
        if (selected[i] && ops[i].kind != FILTER && memcpy_row(&ops[i]) >= 0) selected[memcpy_row(&ops[i])] = 1;
    for (int i = 0; i < N_OPS; i++) {
        if (!selected[i]) continue;
        zp_pipeline *p = NULL;
        if (ops[i].chain && zp_pipeline_parse_string(reg, ops[i].chain, &p)) die(ops[i].chain);
        for (int l = 0; l <= (int)top; l++) {
            zp_simd_set_cap((zp_simd)l);
            fig[i].sec[l][0] = measure(&im, &ops[i], p, 1, runs, &fig[i].sum[l]);
            fig[i].sec[l][1] = measure(&im, &ops[i], p, all, runs, NULL);
            if (fig[i].sum[l] != fig[i].sum[0]) {
                fprintf(stderr, "bench_kernels: %s at %s gives other bytes than plain C\n",
                        ops[i].name, zp_simd_name((zp_simd)l));
                failed = 1;
            }
        }
        zp_pipeline_free(p);
    }
    zp_simd_set_cap(ZP_SIMD_AVX512);

    const double mp = (double)w * h / 1e6;
    if (table) {
        printf("zeropix kernels: %d x %d RGB u8 (%.1f MP), median of %d run%s after a warm-up; "
               "cpu %s; all threads = %d\n",
               (int)w, (int)h, mp, runs, runs > 1 ? "s" : "", zp_simd_name(top), all);
        printf("MP/s = megapixels of input per second; GB/s = bytes of input per second; "
               "%%memcpy = against memcpy of the same bytes at that level and thread count\n\n");
        printf("%-21s %-6s %9s %7s %9s %7s %8s %8s %8s %8s\n", "op", "level", "MP/s 1t", "x none",
               "MP/s all", "x none", "GB/s 1t", "%memcpy", "GB/s all", "%memcpy");
    }
    for (int i = 0; i < N_OPS; i++) {
        if (!selected[i]) continue;
        const op *o = &ops[i];
        const int mrow = memcpy_row(o);
        for (int l = 0; l <= (int)top; l++) {
            double mps[2], gbs[2] = {0, 0}, pct[2] = {0, 0};
            for (int t = 0; t < 2; t++) {
                mps[t] = mp / fig[i].sec[l][t];
                if (o->kind != FILTER) {
                    gbs[t] = image_bytes(&im, o) / fig[i].sec[l][t] / 1e9;
                    if (mrow >= 0) pct[t] = 100.0 * fig[mrow].sec[l][t] / fig[i].sec[l][t];
                }
                if (csv)
                    fprintf(csv, "%s,%s,%d,%.2f,%.3f\n", o->name, zp_simd_name((zp_simd)l),
                            t ? all : 1, mps[t], gbs[t]);
            }
            if (!table) continue;
            printf("%-21s %-6s", l == 0 ? o->name : "", zp_simd_name((zp_simd)l));
            if (o->kind == MEMCPY) printf(" %9s %7s %9s %7s", "-", "-", "-", "-");
            else
                printf(" %9.1f %7.2f %9.1f %7.2f", mps[0], fig[i].sec[0][0] / fig[i].sec[l][0], mps[1],
                       fig[i].sec[0][1] / fig[i].sec[l][1]);
            print_cell(gbs[0], " %*.2f", 8);
            print_cell(o->kind == MEMCPY ? 0 : pct[0], " %*.0f", 8);
            print_cell(gbs[1], " %*.2f", 8);
            print_cell(o->kind == MEMCPY ? 0 : pct[1], " %*.0f", 8);
            printf("\n");
        }
    }
    if (table) printf("\nsame bytes at every level as plain C: %s\n", failed ? "NO" : "yes");
    if (csv && csv != stdout) fclose(csv);
    for (int c = 0; c < 5; c++) {
        zp_view_release(&im.by_channels[c]);
        for (int l = 0; l < 3; l++) zp_view_release(&im.copy_dst[c][l]);
    }
    zp_registry_free(reg);
    return failed;
}
