/* png_encode.c: PNG encoder settings compared: the fast encoder with each
 * row filter, on one thread and on every core, against zlib levels through
 * libpng, on a photo and on synthetic images. Prints size and median time.
 *
 *   bench_png_encode [PHOTO] [RUNS]
 *
 * PHOTO is any image zeropix reads (bench/peers.sh and convert_jpeg.sh use
 * bench/.cache/photo-20mp.jpg); RUNS defaults to 5. Encoding goes to
 * memory, so only the encoder is timed. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "zeropix/zeropix.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static uint32_t rng = 2463534242u;
static uint32_t next_rand(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* Synthetic images: a smooth gradient with a little noise, flat shapes
 * with sharp edges (a screen capture or chart), and pure noise. */
static int make_synthetic(const char *kind, zp_image *img) {
    int32_t w = 3000, h = 2000;
    memset(img, 0, sizeof *img);
    if (zp_view_alloc(w, h, 3, ZP_U8, &img->view)) return 1;
    for (int32_t y = 0; y < h; y++) {
        uint8_t *row = zp_view_pixel(&img->view, 0, y);
        for (int32_t x = 0; x < w; x++) {
            uint8_t *p = row + 3 * x;
            if (!strcmp(kind, "gradient")) {
                int n = (int)(next_rand() % 5) - 2;
                p[0] = (uint8_t)(x * 255 / w + n);
                p[1] = (uint8_t)(y * 255 / h + n);
                p[2] = (uint8_t)((x + y) * 127 / (w + h) + 64 + n);
            } else if (!strcmp(kind, "graphic")) {
                int cell = ((x / 150) + (y / 100)) % 7, text = (y % 24 < 12) && (x % 9 < 5) &&
                                                             ((x / 300 + y / 40) % 3 == 0);
                p[0] = text ? 20 : (uint8_t)(40 * cell);
                p[1] = text ? 20 : (uint8_t)(255 - 30 * cell);
                p[2] = text ? 20 : (uint8_t)(90 + 20 * cell);
            } else {
                uint32_t r = next_rand();
                p[0] = (uint8_t)r, p[1] = (uint8_t)(r >> 8), p[2] = (uint8_t)(r >> 16);
            }
        }
    }
    return 0;
}

typedef struct setting {
    const char *name;
    int compression;
    zp_png_filter filter;
    int threads;
} setting;

static void run(const char *label, const zp_view *v, int runs) {
    static const setting settings[] = {
        {"fast, Paeth (default), all cores", -1, ZP_PNG_FILTER_AUTO, 0},
        {"fast, Paeth, 1 thread", -1, ZP_PNG_FILTER_PAETH, 1},
        {"fast, Up, 1 thread", -1, ZP_PNG_FILTER_UP, 1},
        {"fast, Sub, 1 thread", -1, ZP_PNG_FILTER_SUB, 1},
        {"fast, Average, 1 thread", -1, ZP_PNG_FILTER_AVERAGE, 1},
        {"fast, None, 1 thread", -1, ZP_PNG_FILTER_NONE, 1},
        {"fast, adaptive, 1 thread", -1, ZP_PNG_FILTER_ADAPTIVE, 1},
        {"zlib 1, Sub (libpng)", 1, ZP_PNG_FILTER_SUB, 1},
        {"zlib 1, adaptive (libpng)", 1, ZP_PNG_FILTER_AUTO, 1},
        {"zlib 6, adaptive (libpng; old default)", 6, ZP_PNG_FILTER_AUTO, 1},
    };
    double raw = (double)v->width * v->height * v->channels;
    printf("\n%s: %d x %d x %d, %.1f MB raw\n", label, v->width, v->height, v->channels, raw / 1e6);
    printf("%-40s %12s %7s %10s %8s\n", "setting", "bytes", "% raw", "ms", "MB/s");
    for (size_t s = 0; s < sizeof settings / sizeof settings[0]; s++) {
        zp_encode_options opt;
        zp_encode_options_init(&opt);
        opt.format = ZP_FORMAT_PNG;
        opt.compression = settings[s].compression;
        opt.png_filter = settings[s].filter;
        opt.threads = settings[s].threads;
        double t[64];
        size_t size = 0;
        for (int r = 0; r <= runs; r++) { /* run 0: warm-up */
            void *data = NULL;
            double t0 = now();
            if (zp_image_encode_memory(v, NULL, &opt, &data, &size)) {
                fprintf(stderr, "encode: %s\n", zp_last_error());
                exit(1);
            }
            if (r) t[r - 1] = now() - t0;
            zp_free(data);
        }
        qsort(t, (size_t)runs, sizeof t[0], cmp_double);
        double med = t[runs / 2];
        printf("%-40s %12zu %7.1f %10.1f %8.0f\n", settings[s].name, size, 100.0 * (double)size / raw,
               med * 1e3, raw / med / 1e6);
    }
}

int main(int argc, char **argv) {
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (runs < 1) runs = 1;
    if (runs > 64) runs = 64;
    if (argc > 1) {
        zp_image photo;
        if (zp_image_decode_file(argv[1], NULL, &photo)) {
            fprintf(stderr, "%s: %s\n", argv[1], zp_last_error());
            return 1;
        }
        run(argv[1], &photo.view, runs);
        zp_image_release(&photo);
    }
    static const char *kinds[] = {"gradient", "graphic", "noise"};
    for (int k = 0; k < 3; k++) {
        zp_image img;
        if (make_synthetic(kinds[k], &img)) {
            fprintf(stderr, "alloc: %s\n", zp_last_error());
            return 1;
        }
        run(kinds[k], &img.view, runs);
        zp_view_release(&img.view);
    }
    return 0;
}
