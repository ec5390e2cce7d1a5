/* reader.c: bytes from a file, a stream or memory, with the first bytes
 * peeked for format detection and replayed to the decoder. */
#include <errno.h>
#include <string.h>
#include "codec_internal.h"

size_t zp__reader_read(zp__reader *r, void *buf, size_t n) {
    size_t got = 0;
    uint8_t *out = buf;
    if (r->head_pos < r->head_len) {
        size_t k = r->head_len - r->head_pos;
        if (k > n) k = n;
        memcpy(out, r->head + r->head_pos, k);
        r->head_pos += k;
        got = k;
    }
    if (got < n) {
        if (r->mem) {
            size_t k = r->mem_size - r->mem_pos;
            if (k > n - got) k = n - got;
            memcpy(out + got, r->mem + r->mem_pos, k);
            r->mem_pos += k;
            got += k;
        } else if (r->file) {
            got += fread(out + got, 1, n - got, r->file);
            if (got < n && ferror(r->file) && !r->io_errno) r->io_errno = errno ? errno : EIO;
        }
    }
    return got;
}

int zp__reader_borrow_rest(zp__reader *r, const uint8_t **data, size_t *size) {
    if (!r->mem) return 0;
    /* The head of a memory source is a copy of mem[0..head_len): skip it. */
    size_t start = r->head_pos < r->head_len ? r->head_pos : r->mem_pos;
    *data = r->mem + start;
    *size = r->mem_size - start;
    r->head_pos = r->head_len;
    r->mem_pos = r->mem_size;
    return 1;
}

zp_status zp__reader_short(const zp__reader *r, const char *what) {
    if (r->io_errno) return zp__fail(ZP_ERR_IO, "%s: read error: %s", what, strerror(r->io_errno));
    return zp__fail(ZP_ERR_TRUNCATED, "%s: unexpected end of data (truncated file)", what);
}
