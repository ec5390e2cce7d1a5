/* replay.c: runs a fuzz target's LLVMFuzzerTestOneInput over files without
 * libFuzzer, so that CTest replays each corpus in any build (plain, ASan +
 * UBSan, valgrind). Linked with one target into replay_<target>.
 *
 *     replay_<target> [-q] PATH...
 *
 * A PATH is a file or a folder (walked recursively, in name order, hidden
 * files skipped). Each input is read into a block of exactly its size, so
 * that a read past its end is caught by ASan or valgrind. The status is 0
 * when every input ran; a crash or a failed check in the target ends the
 * process (abort or a sanitizer report). An unreadable path, or no input
 * at all, is an error (status 2): an empty or mistyped corpus folder must
 * not pass as a clean replay. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a target, as with libFuzzer. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static unsigned long inputs;
static int quiet;

static int run_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 2;
    }
    size_t cap = 4096, size = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fprintf(stderr, "replay: %s: out of memory\n", path);
            fclose(f);
            return 2;
        }
        size += fread(buf + size, 1, cap - size, f);
        if (size < cap) break;
        uint8_t *bigger = realloc(buf, cap *= 2);
        if (!bigger) free(buf);
        buf = bigger;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        fprintf(stderr, "replay: %s: read error\n", path);
        free(buf);
        return 2;
    }
    /* Exactly `size` bytes (1 for an empty file, which passes size 0). */
    uint8_t *exact = malloc(size ? size : 1);
    if (!exact) {
        free(buf);
        fprintf(stderr, "replay: %s: out of memory\n", path);
        return 2;
    }
    memcpy(exact, buf, size);
    free(buf);
    /* Named before the run, so that the line before a crash report says
     * which input it was (CTest shows the output of failed tests only). */
    if (!quiet) fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    inputs++;
    return 0;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 2;
    }
    if (!S_ISDIR(st.st_mode)) return run_file(path);

    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 2;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        if (count == cap) {
            char **more = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *names);
            if (!more) {
                fprintf(stderr, "replay: %s: out of memory\n", path);
                rc = 2;
                break;
            }
            names = more;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        if (!(names[count] = malloc(len))) {
            fprintf(stderr, "replay: %s: out of memory\n", path);
            rc = 2;
            break;
        }
        snprintf(names[count++], len, "%s/%s", path, e->d_name);
    }
    closedir(d);
    if (count) qsort(names, count, sizeof *names, by_name);
    for (size_t i = 0; i < count; i++) {
        if (!rc) rc = run_path(names[i]);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv) {
    int first = 1;
    if (argc > 1 && !strcmp(argv[1], "-q")) quiet = 1, first = 2;
    if (argc <= first) {
        fprintf(stderr, "usage: %s [-q] FILE_OR_FOLDER...\n"
                        "Runs the fuzz target once on every file (folders recursively);\n"
                        "-q: do not name each input before running it.\n",
                argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    for (int i = first; i < argc; i++)
        if (run_path(argv[i]) != 0) return 2;
    if (inputs == 0) {
        fprintf(stderr, "replay: no input files under the given paths\n");
        return 2;
    }
    fprintf(stderr, "replay: %lu inputs ran without a crash or a failed check\n", inputs);
    return 0;
}
