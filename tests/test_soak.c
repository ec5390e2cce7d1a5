/* test_soak.c: thousands of conversions in one process, with no growth in
 * memory. Each iteration decodes one of eight small files (JPEG baseline,
 * progressive and gray, PNG RGBA, 16-bit, interlaced, PNM 8 and 16-bit),
 * clean or damaged (cut short, bytes flipped), from memory or a stream, into
 * an owned image or a caller's view; runs a small pipeline (or a failing
 * one); encodes to memory in another format and decodes that again. Every
 * so often it also writes files (and fails to), parses chains (good and
 * bad) and makes a registry afresh. Failures are expected for damaged input
 * and must be clean.
 *
 * Memory is measured after a warm-up and again at the end, both after
 * malloc_trim(): the heap in use (mallinfo2) may not grow by more than
 * 256 KB and the RSS by more than 4 MB. Under AddressSanitizer those
 * numbers mean nothing (quarantine, shadow memory); there LeakSanitizer
 * checks at exit instead, and valgrind does in the soak.valgrind test.
 *
 *   test_soak ITERATIONS WORKDIR [--leaks-judged-elsewhere]
 *
 * The last flag (for the run under valgrind, whose own allocator makes the
 * process's numbers meaningless) prints the numbers without judging them. */
#define _GNU_SOURCE /* malloc_trim, mallinfo2, fmemopen */
#include <errno.h>
#include <malloc.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <png.h>
#include "zp_test.h"
#include "test_util.h"
#include "test_png.h"
#include "zeropix/pipeline.h"

typedef struct blob {
    const char *name;
    uint8_t *data;
    size_t size;
    int interlaced_png; /* allocated by us, not by zp_image_encode_memory */
} blob;

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Heap bytes in use (all arenas, mmapped blocks included), after giving
 * free memory back to the system so that RSS means something. */
static long long heap_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    malloc_trim(0);
    struct mallinfo2 mi = mallinfo2();
    return (long long)mi.uordblks + (long long)mi.hblkhd;
#else
    return -1;
#endif
}

/* ---- Inputs ---------------------------------------------------------------------- */

/* Gradients plus noise. */
static double gradient_sample(const zp_view *v, int x, int y, int c, uint32_t *seed) {
    uint32_t noise = zp_test_rand(seed) % 40;
    uint32_t v8 = (uint32_t)(x * 255 / v->width + y * 3 + c * 50) % 216 + noise;
    return v->dtype == ZP_U8 ? v8 : v8 * 257 + noise;
}

static zp_view make_view(int w, int h, int ch, zp_dtype dt, uint32_t seed) {
    return zp_test_make_view(w, h, ch, dt, seed, gradient_sample);
}

static blob encode(const char *name, const zp_view *v, const zp_metadata *meta, zp_format format,
                   int progressive) {
    zp_encode_options eo;
    zp_encode_options_init(&eo);
    eo.format = format;
    eo.progressive = progressive;
    eo.optimize = progressive;
    eo.subsampling = progressive ? 444 : 420;
    eo.quality = 85;
    blob b = {name, NULL, 0, 0};
    void *data = NULL;
    if (zp_image_encode_memory(v, meta, &eo, &data, &b.size) != ZP_OK) {
        fprintf(stderr, "cannot encode %s: %s\n", name, zp_last_error());
        exit(1);
    }
    b.data = data;
    return b;
}

/* An Adam7-interlaced RGB PNG, written with libpng (zeropix does not
 * write interlaced files, but reads them through a whole-image path). */
static blob interlaced_png(const zp_view *v) {
    blob b = {"png-interlaced", NULL, 0, 1};
    b.data = zp_test_interlaced_png(v, &b.size);
    return b;
}

/* An EXIF blob (big-endian TIFF) with orientation `o`. */
static void make_exif(uint8_t *exif, int o) {
    memset(exif, 0, 26);
    memcpy(exif, "MM\0*\0\0\0\x08", 8);
    zp_test_put16(exif + 8, 1, 1);       /* one entry          */
    zp_test_put16(exif + 10, 0x0112, 1); /* Orientation        */
    zp_test_put16(exif + 12, 3, 1);      /* SHORT              */
    zp_test_put32(exif + 14, 1, 1);      /* count              */
    zp_test_put16(exif + 18, (unsigned)o, 1);
}

/* ---- One iteration ---------------------------------------------------------------- */

static const char *const chains[] = {
    "crop:x=3,y=2,w=60,h=40 resize:width=40 blur:sigma=1.2",
    "rotate:90 sharpen levels:gamma=1.3",
    "thumbnail:32,32 convolve:kernel=-1;-1;-1;-1;8;-1;-1;-1;-1,offset=0.5 invert",
    "box_blur:2 grayscale threshold",
    "flip:x transpose resize:scale=0.7,kernel=bicubic",
    "extract:channels=2;1;0 drop_alpha", /* fails on gray: an error path */
    "crop:x=500",                        /* fails: outside the image    */
    "resize:scale=2,kernel=nearest box_blur:1",
};
#define NCHAINS (sizeof chains / sizeof chains[0])

typedef struct stats {
    long conversions, decode_ok, decode_failed, run_failed, roundtrips;
    long by_status[32];
} stats;

static void count_status(stats *s, zp_status st) {
    int k = (int)st;
    if (k >= 0 && k < 32) s->by_status[k]++;
}

/* Decode `data` one of four ways; ZP_OK and an image in *img, or a status. */
static zp_status decode(const uint8_t *data, size_t size, int how, const zp_decode_options *opt,
                        zp_image *img) {
    memset(img, 0, sizeof *img);
    if (how == 0) return zp_image_decode_memory(data, size, opt, img);
    zp_decoder *dec = NULL;
    FILE *f = NULL;
    zp_status st;
    if (how == 1) {
        f = fmemopen((void *)data, size, "rb");
        if (!f) return ZP_ERR_IO;
        st = zp_decoder_open_stream(f, opt, &dec);
    } else {
        st = zp_decoder_open_memory(data, size, opt, &dec);
    }
    if (st == ZP_OK && how == 3) {
        /* header only: open and close */
        zp_decoder_close(dec);
        if (f) fclose(f);
        return ZP_ERR_BAD_STATE; /* "no image": not counted as a decode */
    }
    if (st == ZP_OK && how == 2) {
        /* into a caller's f32 view, then into an owned u8 image */
        const zp_image_info *info = zp_decoder_info(dec);
        zp_view f32;
        st = zp_view_alloc(info->width, info->height, info->channels, ZP_F32, &f32);
        if (!st) st = zp_decoder_read_into(dec, &f32);
        if (!st) {
            zp_view u8;
            st = zp_view_alloc(f32.width, f32.height, f32.channels, ZP_U8, &u8);
            if (!st) st = zp_view_copy(&f32, &u8);
            if (!st) img->view = u8;
            else zp_view_release(&u8);
        }
        zp_view_release(&f32);
    } else if (st == ZP_OK) {
        st = zp_decoder_read(dec, img);
    }
    zp_decoder_close(dec);
    if (f) fclose(f);
    return st;
}

static void iteration(long i, const blob *inputs, int ninputs, zp_pipeline *const *pipes,
                      stats *s, const char *workdir) {
    uint32_t seed = (uint32_t)i * 2654435761u + 1;
    const blob *in = &inputs[i % ninputs];
    const int variant = (int)(i / ninputs) % 4; /* 0 clean, 1 cut, 2 flipped, 3 clean, other ways */
    uint8_t *data = malloc(in->size);
    memcpy(data, in->data, in->size);
    size_t size = in->size;
    if (variant == 1) size = 1 + zp_test_rand(&seed) % (in->size - 1);
    if (variant == 2)
        for (int k = 0; k < 4; k++) data[8 + zp_test_rand(&seed) % (in->size - 8)] ^= (uint8_t)(1 + zp_test_rand(&seed) % 255);
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    opt.limits.max_pixels = 4000000; /* a flipped header may declare a big image */
    opt.apply_orientation = (int)(i & 1);
    opt.keep_16bit = (int)((i >> 1) & 1);
    int how = variant == 3 ? 1 + (int)(i / (4 * ninputs)) % 3 : 0;
    zp_image img;
    zp_clear_error();
    zp_status st = decode(data, size, how, &opt, &img);
    if (how == 3 && st == ZP_ERR_BAD_STATE) { /* header only */
        free(data);
        return;
    }
    if (st != ZP_OK) {
        s->decode_failed++;
        count_status(s, st);
        if (!zp_last_error()[0]) {
            fprintf(stderr, "iteration %ld (%s): failed with no message\n", i, in->name);
            zp_test_failures++;
        }
        if (variant == 0 || variant == 3) {
            fprintf(stderr, "iteration %ld (%s, way %d): clean input failed: %s\n", i, in->name,
                    how, zp_last_error());
            zp_test_failures++;
        }
        free(data);
        return;
    }
    s->decode_ok++;
    zp_run_options ro;
    zp_run_options_init(&ro);
    ro.threads = 1 + (int)(i % 2);
    zp_view out;
    zp_pipeline *p = pipes[i % NCHAINS];
    st = zp_pipeline_run(p, &img.view, &ro, &out);
    if (st != ZP_OK) {
        s->run_failed++;
        zp_view_share(&img.view, &out); /* encode the input instead */
    }
    zp_encode_options eo;
    zp_encode_options_init(&eo);
    eo.format = (zp_format)(ZP_FORMAT_JPEG + (int)(i % 3));
    eo.quality = 60 + (int)(i % 40);
    eo.progressive = (int)((i >> 2) & 1);
    void *enc = NULL;
    size_t enc_size = 0;
    st = zp_image_encode_memory(&out, &img.meta, &eo, &enc, &enc_size);
    if (st != ZP_OK) {
        fprintf(stderr, "iteration %ld (%s): encode to %s failed: %s\n", i, in->name,
                zp_format_name(eo.format), zp_last_error());
        zp_test_failures++;
    } else {
        s->conversions++;
        /* Read back as stored: an EXIF orientation carried over (when this
         * decode did not apply it) must not turn the result. */
        zp_decode_options ro_opt;
        zp_decode_options_init(&ro_opt);
        ro_opt.apply_orientation = 0;
        zp_image back;
        st = zp_image_decode_memory(enc, enc_size, &ro_opt, &back);
        if (st != ZP_OK || back.view.width != out.width || back.view.height != out.height) {
            fprintf(stderr, "iteration %ld (%s): the %s written does not read back: %s\n", i,
                    in->name, zp_format_name(eo.format), zp_last_error());
            zp_test_failures++;
        } else {
            s->roundtrips++;
        }
        zp_image_release(&back);
    }
    zp_free(enc);
    /* Now and then: files, good and failing. */
    if (i % 25 == 0) {
        char path[4300];
        snprintf(path, sizeof path, "%s/out.%s", workdir, i % 50 ? "png" : "jpg");
        if (zp_image_encode_file(&out, &img.meta, path, NULL) != ZP_OK) {
            fprintf(stderr, "iteration %ld: cannot write %s: %s\n", i, path, zp_last_error());
            zp_test_failures++;
        }
        snprintf(path, sizeof path, "%s/missing/out.png", workdir);
        if (zp_image_encode_file(&out, NULL, path, NULL) != ZP_ERR_IO) {
            fprintf(stderr, "iteration %ld: writing into a missing folder did not fail\n", i);
            zp_test_failures++;
        }
    }
    zp_view_release(&out);
    zp_image_release(&img);
    free(data);
}

/* Parsing and registries, good and bad, now and then. */
static void churn(long i) {
    zp_registry *reg = NULL;
    if (zp_registry_new(NULL, NULL, &reg) != ZP_OK) {
        zp_test_failures++;
        return;
    }
    static const char *const bad[] = {"blurr", "blur:sigma=nan", "crop:x=-1", "convolve:kernel=1;2",
                                      "resize:", "rotate:90,180", "convolve:kernel=1;2;3;4;5;6;7;8;x"};
    zp_pipeline *p = NULL;
    for (size_t k = 0; k < NCHAINS; k++) {
        if (zp_pipeline_parse_string(reg, chains[k], &p) != ZP_OK) zp_test_failures++;
        zp_pipeline_free(p);
        p = NULL;
    }
    if (zp_pipeline_parse_string(reg, bad[i % 7], &p) == ZP_OK) {
        fprintf(stderr, "'%s' parsed\n", bad[i % 7]);
        zp_test_failures++;
    }
    zp_pipeline_free(p);
    zp_registry_free(reg);
}

int main(int argc, char **argv) {
    const int judge = !ZP_SANITIZED && !(argc == 4 && !strcmp(argv[3], "--leaks-judged-elsewhere"));
    if (argc < 3 || argc > 4 || atol(argv[1]) < 20) {
        fprintf(stderr, "usage: %s ITERATIONS(>= 20) WORKDIR [--leaks-judged-elsewhere]\n", argv[0]);
        return 2;
    }
    const long n = atol(argv[1]);
    const char *workdir = argv[2];
    if (zp_test_make_dirs(workdir) != 0) return 1;

    /* The eight inputs. */
    zp_view rgb = make_view(96, 64, 3, ZP_U8, 1), rgba = make_view(80, 60, 4, ZP_U8, 2);
    zp_view g16 = make_view(70, 50, 1, ZP_U16, 3);
    uint8_t exif[26], icc[200];
    make_exif(exif, 6);
    for (size_t k = 0; k < sizeof icc; k++) icc[k] = (uint8_t)(k * 7);
    zp_metadata meta = {icc, sizeof icc, exif, sizeof exif};
    zp_metadata exif_only = {NULL, 0, exif, sizeof exif};
    blob inputs[8] = {
        encode("jpeg-exif-icc", &rgb, &meta, ZP_FORMAT_JPEG, 0),
        encode("jpeg-progressive", &rgb, NULL, ZP_FORMAT_JPEG, 1),
        encode("jpeg-gray", &g16, NULL, ZP_FORMAT_JPEG, 0),
        encode("png-rgba", &rgba, NULL, ZP_FORMAT_PNG, 0),
        encode("png-gray16-exif", &g16, &exif_only, ZP_FORMAT_PNG, 0),
        interlaced_png(&rgb),
        encode("ppm", &rgb, NULL, ZP_FORMAT_PNM, 0),
        encode("pgm16", &g16, NULL, ZP_FORMAT_PNM, 0),
    };
    zp_view_release(&rgb);
    zp_view_release(&rgba);
    zp_view_release(&g16);

    zp_registry *reg;
    CHECK_OK(zp_registry_new(NULL, NULL, &reg));
    zp_pipeline *pipes[NCHAINS];
    for (size_t k = 0; k < NCHAINS; k++) CHECK_OK(zp_pipeline_parse_string(reg, chains[k], &pipes[k]));

    stats s;
    memset(&s, 0, sizeof s);
    const long warm = n / 10;
    long long heap0 = 0, heap1;
    long rss0 = 0, rss1;
    double t0 = now_s();
    for (long i = 0; i < n; i++) {
        if (i == warm) {
            heap0 = heap_in_use();
            rss0 = zp_test_status_kb("VmRSS");
        }
        iteration(i, inputs, 8, pipes, &s, workdir);
        if (i % 100 == 0) churn(i);
    }
    double took = now_s() - t0;
    heap1 = heap_in_use();
    rss1 = zp_test_status_kb("VmRSS");

    printf("soak: %ld iterations in %.1f s: %ld conversions (decode, pipeline, encode) and as many "
           "round trips (%ld), %ld decodes refused (damaged input), %ld pipelines refused\n",
           n, took, s.conversions, s.roundtrips, s.decode_failed, s.run_failed);
    printf("  refusals by status:");
    for (int k = 1; k < 32; k++)
        if (s.by_status[k]) printf(" %s %ld,", zp_status_str((zp_status)k), s.by_status[k]);
    printf("\n  after warm-up (%ld iterations) -> end: heap in use %lld -> %lld bytes, RSS %ld -> %ld kB\n",
           warm, heap0, heap1, rss0, rss1);
    CHECK(s.conversions >= n / 2);
    CHECK(s.decode_failed > 0 && s.run_failed > 0); /* the failure paths did run */
    if (judge) {
        if (heap0 >= 0 && heap1 - heap0 > 256 * 1024) {
            fprintf(stderr, "the heap grew by %lld bytes over %ld iterations\n", heap1 - heap0, n - warm);
            zp_test_failures++;
        }
        if (rss1 - rss0 > 4096) {
            fprintf(stderr, "RSS grew by %ld kB over %ld iterations\n", rss1 - rss0, n - warm);
            zp_test_failures++;
        }
    } else {
        printf("  (growth not judged here: %s checks for leaks)\n",
               ZP_SANITIZED ? "LeakSanitizer, at exit," : "valgrind");
    }

    for (size_t k = 0; k < NCHAINS; k++) zp_pipeline_free(pipes[k]);
    zp_registry_free(reg);
    for (int k = 0; k < 8; k++) {
        if (inputs[k].interlaced_png) free(inputs[k].data);
        else zp_free(inputs[k].data);
    }
    return zp_test_finish("soak");
}
