/* test_stream_memory.c: a 100 MP conversion (10000 x 10000 RGB JPEG, 286
 * MiB of pixels) streams in bounded memory: each conversion runs in a child
 * process whose peak resident set (wait4's ru_maxrss) must stay under
 * MEMORY_BOUND_MIB, and whose strip memory (rings and windows, counted by
 * the executor) under STRIP_BOUND_MIB. Whole-frame execution would hold at
 * least two frames (572 MiB). */
#define _DEFAULT_SOURCE /* wait4 */
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "zp_test.h"
#include "zeropix/pipeline.h"
#include "pipeline/pipeline_internal.h"

/* AddressSanitizer's shadow memory and quarantine count in the resident
 * set: under it the conversions still run (memory errors), the strip bound
 * still holds, and the resident bound is not checked. */
#if defined(__SANITIZE_ADDRESS__)
#  define ZP_UNDER_ASAN 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define ZP_UNDER_ASAN 1
#  endif
#endif
#ifndef ZP_UNDER_ASAN
#  define ZP_UNDER_ASAN 0
#endif

#define SIDE 10000
#define MEMORY_BOUND_MIB 64
#define STRIP_BOUND_MIB 32

static zp_status convert_file(const char *in_path, const char *chain, const char *out_path,
                              int threads) {
    zp_registry *reg = NULL;
    zp_pipeline *p = NULL;
    zp_decoder *dec = NULL;
    zp_status st = zp_registry_new(NULL, NULL, &reg);
    if (!st) st = zp_pipeline_parse_string(reg, chain, &p);
    if (!st) st = zp_decoder_open_file(in_path, NULL, &dec);
    if (!st) {
        zp_output out = {out_path, NULL, NULL, NULL, 0, 0, 0};
        zp_run_options opt;
        zp_run_options_init(&opt);
        opt.threads = threads;
        st = zp_pipeline_convert(p, dec, &out, NULL, NULL, &opt);
    }
    zp_decoder_close(dec);
    zp_pipeline_free(p);
    zp_registry_free(reg);
    return st;
}

/* The input: a noisy 2500 x 2500 image made 10000 x 10000 by the streaming
 * executor itself (resize up, then sharpen to keep texture), as a JPEG. */
static zp_status make_input(const char *dir, const char *big) {
    zp_view v;
    uint32_t seed = 7;
    zp_status st = zp_view_alloc(SIDE / 4, SIDE / 4, 3, ZP_U8, &v);
    if (st) return st;
    for (int y = 0; y < v.height; y++) {
        uint8_t *row = zp_view_pixel(&v, 0, y);
        for (int i = 0; i < v.width * 3; i++)
            row[i] = (uint8_t)((i / 3 + y) / 20 + zp_test_rand(&seed) % 64);
    }
    char small[512];
    snprintf(small, sizeof small, "%s/small.ppm", dir);
    st = zp_image_encode_file(&v, NULL, small, NULL);
    zp_view_release(&v);
    if (!st) st = convert_file(small, "resize:width=10000,height=10000 sharpen", big, 2);
    unlink(small);
    return st;
}

/* Run `chain` on `in` in a child; its peak RSS in KiB, or -1. */
static long child_peak_kib(const char *in, const char *chain, const char *out, int threads,
                           double *seconds) {
    struct timeval t0, t1;
    fflush(stdout);
    gettimeofday(&t0, NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        zp_status st = convert_file(in, chain, out, threads);
        if (st) fprintf(stderr, "%s: %s\n", chain, zp_last_error());
        size_t strips = zp__stream_peak_bytes(0);
        printf("  %-44s threads %d: strip memory %.1f MiB\n", chain, threads,
               (double)strips / 1048576.0);
        fflush(stdout);
        _exit(st ? 1 : strips > (size_t)STRIP_BOUND_MIB << 20 ? 2 : 0);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid) return -1;
    gettimeofday(&t1, NULL);
    *seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_usec - t0.tv_usec) / 1e6;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s: child failed (status %d)\n", chain, status);
        return -1;
    }
    return ru.ru_maxrss;
}

int main(void) {
    char dir[] = "/tmp/zp_stream_mem_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char big[512], out[512];
    snprintf(big, sizeof big, "%s/big.jpg", dir);
    snprintf(out, sizeof out, "%s/out.jpg", dir);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) _exit(make_input(dir, big) ? 1 : 0);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        fprintf(stderr, "could not make the 100 MP input\n");
        return 1;
    }
    static const char *const chains[] = {
        "blur:2",
        "crop:100,100,9800,9800 resize:scale=0.9 sharpen",
        "resize:width=256",
    };
    printf("100 MP RGB JPEG -> JPEG q90, bound %d MiB resident%s, %d MiB of strips:\n",
           MEMORY_BOUND_MIB, ZP_UNDER_ASAN ? " (not checked under ASan)" : "", STRIP_BOUND_MIB);
    for (int t = 1; t <= 2; t++)
        for (int c = 0; c < 3; c++) {
            double secs = 0;
            long kib = child_peak_kib(big, chains[c], out, t, &secs);
            printf("  %-44s threads %d: peak RSS %.1f MiB, %.2f s\n", chains[c], t,
                   (double)kib / 1024.0, secs);
            CHECK(kib > 0 && (ZP_UNDER_ASAN || kib < (long)MEMORY_BOUND_MIB * 1024));
            unlink(out);
        }
    unlink(big);
    rmdir(dir);
    return zp_test_finish("test_stream_memory");
}
