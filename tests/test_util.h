/* test_util.h: helpers several test programs share: mkdir -p, reading
 * /proc/self/status, running a program (the command line) in a child
 * process, ZP_SANITIZED, a growing
 * memory buffer, and filling a view sample by sample. Self-contained (no
 * zp_test.h), so that tests/fuzz/gen_corpus.c may use it too; needs
 * _POSIX_C_SOURCE (zp_add_test_program defines it). */
#ifndef ZP_TEST_UTIL_H
#define ZP_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "zeropix/zeropix.h"

/* ZP_SANITIZED: 1 in an AddressSanitizer build (gcc or clang). */
#if defined(__SANITIZE_ADDRESS__)
#  define ZP_SANITIZED 1
#elif defined(__has_feature)
#  if __has_feature(address_sanitizer)
#    define ZP_SANITIZED 1
#  endif
#endif
#ifndef ZP_SANITIZED
#  define ZP_SANITIZED 0
#endif

/* mkdir -p `path`; on failure prints "cannot make PATH: REASON" and
 * returns -1. */
static inline int zp_test_make_dirs(const char *path) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    int rc = 0;
    for (char *p = buf + 1; *p && rc == 0; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) rc = -1;
            *p = '/';
        }
    if (rc == 0 && mkdir(buf, 0777) != 0 && errno != EEXIST) rc = -1;
    if (rc != 0) fprintf(stderr, "cannot make %s: %s\n", path, strerror(errno));
    return rc;
}

/* A "Key:" line of /proc/self/status (VmRSS, VmHWM, ...) in kB; -1 if none. */
static inline long zp_test_status_kb(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ':') v = atol(line + n + 1);
    if (f) fclose(f);
    return v;
}

/* Run argv[0] with `argv` (NULL-terminated) in a child process, its stdout
 * written to `out_path` and its stderr to `err_path` (NULL: inherited).
 * Returns the exit status, 128 + the signal, or -1 when it could not fork
 * or wait. */
static inline int zp_test_spawn(const char *const *argv, const char *out_path, const char *err_path) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        int o = out_path ? open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : 1;
        int e = err_path ? open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : 2;
        if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0) _exit(126);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The start of a file (at most cap - 1 bytes) as a string in buf; "" when
 * it cannot be read. Returns the length. */
static inline size_t zp_test_read_text(const char *path, char *buf, size_t cap) {
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
    buf[n] = '\0';
    if (f) fclose(f);
    return n;
}

/* Run the command line `bin` with `args` (NULL-terminated, at most 300):
 * stdout to `out_path`, stderr to `err_path` and kept in err_buf. A
 * sanitizer report there is printed and counted in *failures. Returns the
 * exit status or 128 + the signal; exits when it cannot run it. */
static inline int zp_test_run_cli(const char *bin, const char *const *args, const char *out_path,
                                  const char *err_path, char *err_buf, size_t cap, int *failures) {
    const char *argv[320];
    int argc = 0;
    argv[argc++] = bin;
    for (; *args && argc < 319; args++) argv[argc++] = *args;
    argv[argc] = NULL;
    int rc = zp_test_spawn(argv, out_path, err_path);
    if (rc < 0) {
        fprintf(stderr, "cannot run %s\n", bin);
        exit(1);
    }
    zp_test_read_text(err_path, err_buf, cap);
    if (strstr(err_buf, "Sanitizer") || strstr(err_buf, "runtime error:")) {
        fprintf(stderr, "sanitizer report from zeropix %s ...:\n%s\n", argv[1] ? argv[1] : "", err_buf);
        (*failures)++;
    }
    return rc;
}

/* A growing byte buffer (e.g. for libpng's write callback). */
typedef struct zp_test_buf {
    uint8_t *data;
    size_t size, cap;
} zp_test_buf;

/* Append n bytes; returns 0, or -1 when out of memory. */
static inline int zp_test_buf_append(zp_test_buf *m, const void *data, size_t n) {
    if (m->size + n > m->cap) {
        m->cap = (m->size + n) * 2;
        m->data = realloc(m->data, m->cap);
        if (!m->data) return -1;
    }
    memcpy(m->data + m->size, data, n);
    m->size += n;
    return 0;
}

/* A new w x h view whose every sample is fn(v, x, y, c, &seed), stored as
 * the view's type (u8, u16 or f32; fn returns a value the type holds).
 * Exits when the view cannot be allocated. */
typedef double (*zp_test_sample_fn)(const zp_view *v, int x, int y, int c, uint32_t *seed);

static inline zp_view zp_test_make_view(int w, int h, int ch, zp_dtype dt, uint32_t seed,
                                        zp_test_sample_fn fn) {
    zp_view v;
    if (zp_view_alloc(w, h, ch, dt, &v)) exit(1);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < ch; c++) {
                double s = fn(&v, x, y, c, &seed);
                void *p = (char *)zp_view_pixel(&v, x, y) + c * v.stride_c;
                if (dt == ZP_U8) *(uint8_t *)p = (uint8_t)s;
                else if (dt == ZP_U16) *(uint16_t *)p = (uint16_t)s;
                else *(float *)p = (float)s;
            }
    return v;
}

#endif
