/* encoder.c: the generic encoder: option checks, and the three sinks (file
 * through a temporary renamed into place, stream, memory). */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "codec_internal.h"

/* Check the view and the options that matter for the chosen format. */
static zp_status check_options(const zp_view *view, const zp_encode_options *opt,
                               const zp__codec **codec) {
    zp_status st = zp_view_check(view);
    if (st) return st;
    if (!(*codec = zp__codec_for(opt->format)))
        return zp__fail(ZP_ERR_INVALID_ARG, "no output format given");
    if (opt->format == ZP_FORMAT_JPEG) {
        if (opt->quality < 1 || opt->quality > 100)
            return zp__fail(ZP_ERR_INVALID_ARG, "JPEG quality %d (1..100)", opt->quality);
        if (opt->subsampling != 444 && opt->subsampling != 422 && opt->subsampling != 420)
            return zp__fail(ZP_ERR_INVALID_ARG, "chroma subsampling %d (444, 422 or 420)",
                            opt->subsampling);
    }
    if (opt->format == ZP_FORMAT_PNG && (opt->compression < -1 || opt->compression > 9))
        return zp__fail(ZP_ERR_INVALID_ARG, "PNG compression %d (-1 fast, or zlib 0..9)",
                        opt->compression);
    if (opt->format != ZP_FORMAT_JPEG && opt->bit_depth != 0 && opt->bit_depth != 8 &&
        opt->bit_depth != 16)
        return zp__fail(ZP_ERR_INVALID_ARG, "bit depth %d (8 or 16)", opt->bit_depth);
    return ZP_OK;
}

/* Check, then encode. */
static zp_status encode_to(const zp_view *view, const zp_metadata *meta,
                           const zp_encode_options *opt, zp__writer *w) {
    const zp__codec *codec;
    zp_status st = check_options(view, opt, &codec);
    if (st) return st;
    st = codec->encode(view, opt->strip_metadata ? NULL : meta, opt, w);
    return st ? st : zp__rowstream_check(view); /* a row stream that failed midway */
}

static zp_encode_options options_or_defaults(const zp_encode_options *opt) {
    zp_encode_options o;
    if (opt) o = *opt;
    else zp_encode_options_init(&o);
    return o;
}

zp_status zp_image_encode_stream(const zp_view *view, const zp_metadata *meta, FILE *stream,
                                 const zp_encode_options *opt) {
    if (!view || !stream) return zp__fail(ZP_ERR_INVALID_ARG, "NULL argument");
    zp_encode_options o = options_or_defaults(opt);
    zp__writer w = {.file = stream};
    zp_status st = encode_to(view, meta, &o, &w);
    if (!st && fflush(stream) != 0) w.io_errno = errno ? errno : EIO;
    return st ? st : zp__writer_status(&w);
}

zp_status zp_image_encode_memory(const zp_view *view, const zp_metadata *meta,
                                 const zp_encode_options *opt, void **data, size_t *size) {
    if (!view || !data || !size) return zp__fail(ZP_ERR_INVALID_ARG, "NULL argument");
    *data = NULL;
    *size = 0;
    zp_encode_options o = options_or_defaults(opt);
    zp__writer w = {0};
    zp_status st = encode_to(view, meta, &o, &w);
    if (st) {
        free(w.mem);
        return st;
    }
    *data = w.mem;
    *size = w.mem_size;
    return ZP_OK;
}

/* Temporary files being written right now, so that a signal handler can
 * remove them (zp_unlink_partial_outputs). A slot holds a malloc'd path
 * while its file exists; the handler only reads the pointers. */
#define TEMP_SLOTS 256
static char *_Atomic temp_slots[TEMP_SLOTS];

static int temp_register(char *path) {
    for (int i = 0; i < TEMP_SLOTS; i++) {
        char *expected = NULL;
        if (atomic_compare_exchange_strong(&temp_slots[i], &expected, path)) return i;
    }
    return -1; /* more than TEMP_SLOTS at once: still written, just not tracked */
}

static void temp_unregister(int slot) {
    if (slot >= 0) atomic_store(&temp_slots[slot], NULL);
}

void zp_unlink_partial_outputs(void) {
    for (int i = 0; i < TEMP_SLOTS; i++) {
        char *path = atomic_load(&temp_slots[i]);
        if (path) unlink(path); /* async-signal-safe */
    }
}

/* A new file next to `path`, created exclusively with mode 0666 less the
 * umask, so the renamed result has ordinary permissions. The name is short
 * (".zeropix-PID-N.tmp") so that any valid output name works. */
static int create_temp(const char *path, char **temp_path) {
    static atomic_uint counter;
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    size_t cap = dir_len + 64;
    char *name = malloc(cap);
    if (!name) {
        errno = ENOMEM;
        return -1;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(name, cap, "%.*s.zeropix-%ld-%u.tmp", (int)dir_len, path, (long)getpid(),
                 atomic_fetch_add(&counter, 1));
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *temp_path = name;
            return fd;
        }
        if (errno != EEXIST) break;
    }
    free(name);
    return -1;
}

zp_status zp_image_encode_file(const zp_view *view, const zp_metadata *meta, const char *path,
                               const zp_encode_options *opt) {
    if (!view || !path || !*path) return zp__fail(ZP_ERR_INVALID_ARG, "NULL argument");
    zp_encode_options o = options_or_defaults(opt);
    if (o.format == ZP_FORMAT_UNKNOWN && !(o.format = zp_format_from_name(path)))
        return zp__fail(ZP_ERR_INVALID_ARG,
                        "cannot tell the output format from the name (use .jpg, .png, .ppm, "
                        ".pgm or .pnm, or give the format)");
    const zp__codec *codec;
    zp_status st = check_options(view, &o, &codec); /* before creating any file */
    if (st) return st;

    /* A device or a FIFO (/dev/null, a named pipe) is written into as it is:
     * renaming a file over it would replace it. */
    struct stat target;
    if (stat(path, &target) == 0 && !S_ISREG(target.st_mode) && !S_ISDIR(target.st_mode)) {
        FILE *f = fopen(path, "wb");
        if (!f) return zp__fail(ZP_ERR_IO, "cannot open: %s", strerror(errno));
        zp__writer dw = {.file = f};
        st = codec->encode(view, o.strip_metadata ? NULL : meta, &o, &dw);
        if (!st) st = zp__writer_status(&dw);
        if (!st) st = zp__rowstream_check(view);
        if (fclose(f) != 0 && !st) st = zp__fail(ZP_ERR_IO, "write error: %s", strerror(errno));
        return st;
    }

    char *temp = NULL;
    int fd = create_temp(path, &temp);
    if (fd < 0) return zp__fail(ZP_ERR_IO, "cannot create a file next to it: %s", strerror(errno));
    int slot = temp_register(temp);
    zp__writer w = {.file = fdopen(fd, "wb")};
    if (!w.file) {
        st = zp__fail(ZP_ERR_IO, "cannot open the temporary file: %s", strerror(errno));
        close(fd);
    } else {
        st = codec->encode(view, o.strip_metadata ? NULL : meta, &o, &w);
        if (!st) st = zp__writer_status(&w);
        if (!st) st = zp__rowstream_check(view); /* no rename over a failed stream */
        if (fclose(w.file) != 0 && !st) st = zp__fail(ZP_ERR_IO, "write error: %s", strerror(errno));
    }
    if (!st && rename(temp, path) != 0)
        st = zp__fail(ZP_ERR_IO, "cannot rename the finished file into place: %s", strerror(errno));
    if (st) unlink(temp);
    temp_unregister(slot);
    free(temp);
    return st;
}
