/* writer.c: bytes to a stream, a temporary file or a growing memory block. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "codec_internal.h"

zp_status zp__writer_write(zp__writer *w, const void *data, size_t n) {
    if (w->io_errno) return zp__writer_status(w);
    if (w->file) {
        if (fwrite(data, 1, n, w->file) != n) w->io_errno = errno ? errno : EIO;
    } else {
        if (n > w->mem_cap - w->mem_size) {
            size_t cap = w->mem_cap ? w->mem_cap : 65536;
            while (cap - w->mem_size < n) {
                if (cap > SIZE_MAX / 2) { w->io_errno = ENOMEM; return zp__writer_status(w); }
                cap *= 2;
            }
            uint8_t *p = realloc(w->mem, cap);
            if (!p) { w->io_errno = ENOMEM; return zp__writer_status(w); }
            w->mem = p;
            w->mem_cap = cap;
        }
        memcpy(w->mem + w->mem_size, data, n);
        w->mem_size += n;
    }
    return w->io_errno ? zp__writer_status(w) : ZP_OK;
}

zp_status zp__writer_status(const zp__writer *w) {
    if (!w->io_errno) return ZP_OK;
    if (w->io_errno == ENOMEM) return zp__fail(ZP_ERR_NOMEM, "out of memory for the output");
    return zp__fail(ZP_ERR_IO, "write error: %s", strerror(w->io_errno));
}
