/* png_fast.c: the fast PNG pixel writer: rows copied in order from the row
 * source into pieces of about PIECE_BYTES, each piece filtered and deflated
 * on its own (deflate_fast.c) by worker threads, the pieces written in
 * order as IDAT chunks of one zlib stream.
 *
 * Pieces hold whole rows and their size depends only on the row length,
 * so the file is the same for any number of threads. A piece carries a
 * copy of the row above it for the filters. When the source lends rows of
 * an 8-bit view in place, they stay valid for the whole encode and pieces
 * read them there instead of copying them. Memory: 2 pieces per worker
 * (or 1 on a single thread), each raw (unless lent), filtered and
 * compressed: about 1.5 MiB per worker, whatever the image size. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include <zlib.h>
#include "deflate_fast.h"
#include "png_fast.h"

/* Target bytes of raw rows per piece. Smaller pieces adapt their Huffman
 * tables better and spread work more evenly; each costs ~100 bytes of
 * tables and a 5-byte empty stored block. */
#define PIECE_BYTES ((size_t)256 << 10)
/* An IDAT chunk holds at most this many bytes (only a piece of one very
 * long row gets near it); zeropix's decoder reads chunks up to 64 MiB. */
#define IDAT_MAX ((size_t)1 << 24)

typedef struct piece {
    uint8_t  *raw;      /* rows + 1 rows, [0] the row above (copies only)  */
    const uint8_t *row0, *above; /* first row and the row above it       */
    ptrdiff_t stride;   /* bytes from a row to the next                    */
    uint8_t  *filtered; /* rows * (row_bytes + 1)                          */
    uint8_t  *scratch;  /* row_bytes, for the adaptive filter              */
    uint32_t *runs;     /* deflate_fast scratch                            */
    uint8_t  *out;      /* zlib header (first piece), deflate, adler32     */
    size_t    out_size;
    int32_t   rows;
    int       first, last, done;
    uint32_t  adler, crc; /* adler32 of the filtered rows; CRC of "IDAT" + out */
} piece;

typedef struct fast_enc {
    const zp__png_fast_params *p;
    size_t row_bytes, bpp, piece_rows;
    const uint8_t *lent; /* row 0 where the source lends its rows (8-bit
                            only), read in place; else NULL               */
    ptrdiff_t lent_stride;
    uint8_t *zeros;     /* lent: the row above the first                   */
    piece *pieces;
    int    npieces;
    /* Workers take pieces in order: `taken` of `submitted` so far. */
    pthread_mutex_t mu;
    pthread_cond_t  more, done;
    long submitted, taken;
    int  stop;
} fast_enc;

/* CRC of an IDAT chunk holding p[0..n). */
static uint32_t idat_crc(const uint8_t *p, size_t n) {
    return (uint32_t)crc32_z(crc32(0L, (const Bytef *)"IDAT", 4), p, n);
}

/* Filter and deflate one piece: no allocation, no shared state. */
static void encode_piece(const fast_enc *e, piece *pc) {
    size_t rb = e->row_bytes, n = (size_t)pc->rows * (rb + 1);
    for (int32_t r = 0; r < pc->rows; r++) {
        const uint8_t *cur = pc->row0 + (ptrdiff_t)r * pc->stride;
        zp__png_filter_row(e->p->filter, cur, r ? cur - pc->stride : pc->above, rb, e->bpp,
                           pc->filtered + (size_t)r * (rb + 1), pc->scratch);
    }
    pc->adler = (uint32_t)adler32_z(1L, pc->filtered, n); /* 1: adler32 of nothing */
    uint8_t *o = pc->out;
    if (pc->first) {
        *o++ = 0x78; /* deflate, 32 KiB window */
        *o++ = 0x01; /* no dictionary, "fastest"; (0x78 << 8 | 0x01) % 31 == 0 */
    }
    o += zp__deflate_fast(pc->filtered, n, pc->last, pc->runs, o);
    pc->out_size = (size_t)(o - pc->out);
    pc->crc = idat_crc(pc->out, pc->out_size);
}

static void *worker(void *arg) {
    fast_enc *e = arg;
    pthread_mutex_lock(&e->mu);
    for (;;) {
        while (e->taken == e->submitted && !e->stop) pthread_cond_wait(&e->more, &e->mu);
        if (e->taken == e->submitted) break; /* stopped, nothing left */
        piece *pc = &e->pieces[e->taken++ % e->npieces];
        pthread_mutex_unlock(&e->mu);
        encode_piece(e, pc);
        pthread_mutex_lock(&e->mu);
        pc->done = 1;
        pthread_cond_broadcast(&e->done);
    }
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

static zp_status write_chunk(zp__writer *w, const char *type, const uint8_t *data, size_t n,
                             uint32_t crc) {
    uint8_t head[8], tail[4];
    png_save_uint_32(head, (uint32_t)n);
    memcpy(head + 4, type, 4);
    png_save_uint_32(tail, crc);
    zp_status st = zp__writer_write(w, head, 8);
    if (!st && n) st = zp__writer_write(w, data, n);
    if (!st) st = zp__writer_write(w, tail, 4);
    return st;
}

/* Write a finished piece; the last gets the stream's adler32 appended. */
static zp_status write_piece(piece *pc, uint32_t *adler, size_t filtered_bytes, zp__writer *w) {
    *adler = (uint32_t)adler32_combine(*adler, pc->adler, (z_off_t)filtered_bytes);
    size_t n = pc->out_size;
    uint32_t crc = pc->crc;
    if (pc->last) {
        png_save_uint_32(pc->out + n, *adler);
        crc = (uint32_t)crc32(crc, pc->out + n, 4);
        n += 4;
    }
    if (n <= IDAT_MAX) return write_chunk(w, "IDAT", pc->out, n, crc);
    for (size_t off = 0; off < n; off += IDAT_MAX) { /* a very long row */
        size_t k = n - off < IDAT_MAX ? n - off : IDAT_MAX;
        zp_status st = write_chunk(w, "IDAT", pc->out + off, k, idat_crc(pc->out + off, k));
        if (st) return st;
    }
    return ZP_OK;
}

/* Wait until piece k is encoded (when workers run), write it. */
static zp_status finish_piece(fast_enc *e, int workers, long k, uint32_t *adler, zp__writer *w) {
    piece *pc = &e->pieces[k % e->npieces];
    if (workers) {
        pthread_mutex_lock(&e->mu);
        while (!pc->done) pthread_cond_wait(&e->done, &e->mu);
        pthread_mutex_unlock(&e->mu);
    }
    return write_piece(pc, adler, (size_t)pc->rows * (e->row_bytes + 1), w);
}

/* Rows of the source for a piece: where the source lends them, or copied
 * into the piece in PNG's byte order after the row above. */
static zp_status fill_piece(fast_enc *e, zp__rowsource *rows, const uint8_t *above, int32_t y0,
                            piece *pc) {
    size_t rb = e->row_bytes;
    if (e->lent) {
        pc->row0 = e->lent + (ptrdiff_t)y0 * e->lent_stride;
        pc->stride = e->lent_stride;
        pc->above = y0 ? pc->row0 - pc->stride : e->zeros;
        return ZP_OK;
    }
    pc->above = pc->raw;
    pc->row0 = pc->raw + rb;
    pc->stride = (ptrdiff_t)rb;
    if (above) memcpy(pc->raw, above, rb);
    else memset(pc->raw, 0, rb);
    for (int32_t r = 0; r < pc->rows; r++) {
        const uint8_t *src = zp__rowsource_row(rows, y0 + r);
        if (!src) return zp__fail(ZP_ERR_INVALID_ARG, "PNG: no row %d from the view", (int)(y0 + r));
        uint8_t *dst = pc->raw + (size_t)(r + 1) * rb;
        if (e->p->depth == 8) {
            memcpy(dst, src, rb);
        } else { /* native uint16 to big-endian bytes */
            for (size_t i = 0; i < rb; i += 2) {
                uint16_t v;
                memcpy(&v, src + i, 2);
                dst[i] = (uint8_t)(v >> 8);
                dst[i + 1] = (uint8_t)v;
            }
        }
    }
    return ZP_OK;
}

static void free_pieces(fast_enc *e) {
    for (int i = 0; e->pieces && i < e->npieces; i++) {
        free(e->pieces[i].raw);
        free(e->pieces[i].filtered);
        free(e->pieces[i].scratch);
        free(e->pieces[i].runs);
        free(e->pieces[i].out);
    }
    free(e->pieces);
    free(e->zeros);
}

static zp_status alloc_pieces(fast_enc *e) {
    size_t rb = e->row_bytes, filtered = e->piece_rows * (rb + 1);
    if (!(e->pieces = calloc((size_t)e->npieces, sizeof *e->pieces))) goto nomem;
    if (e->lent && !(e->zeros = calloc(1, rb))) goto nomem;
    for (int i = 0; i < e->npieces; i++) {
        piece *pc = &e->pieces[i];
        pc->raw = e->lent ? NULL : malloc((e->piece_rows + 1) * rb);
        pc->filtered = malloc(filtered);
        pc->scratch = e->p->filter == ZP_PNG_FILTER_ADAPTIVE ? malloc(rb) : NULL;
        pc->runs = malloc(zp__deflate_fast_scratch(filtered) * sizeof *pc->runs);
        pc->out = malloc(2 + zp__deflate_fast_bound(filtered) + 4);
        if ((!e->lent && !pc->raw) || !pc->filtered || !pc->runs || !pc->out ||
            (e->p->filter == ZP_PNG_FILTER_ADAPTIVE && !pc->scratch))
            goto nomem;
    }
    return ZP_OK;
nomem:
    return zp__fail(ZP_ERR_NOMEM, "PNG: out of memory for the encoder's buffers");
}

zp_status zp__png_fast_write(zp__rowsource *rows, const zp__png_fast_params *p, zp__writer *w) {
    fast_enc e = {.p = p};
    e.bpp = (size_t)p->channels * (size_t)(p->depth / 8);
    e.row_bytes = (size_t)p->width * e.bpp;
    /* 16-bit rows are copied, into big-endian order, even when lent. */
    if (p->depth == 8) e.lent = zp__rowsource_lent(rows, &e.lent_stride);
    e.piece_rows = PIECE_BYTES / (e.row_bytes + 1);
    if (e.piece_rows < 1) e.piece_rows = 1;
    if (e.piece_rows > (size_t)p->height) e.piece_rows = (size_t)p->height;
    long npieces_total = (long)(((size_t)p->height + e.piece_rows - 1) / e.piece_rows);
    int workers = p->threads > 1 ? p->threads : 0;
    if (workers > npieces_total) workers = (int)npieces_total;
    if (workers < 2) workers = 0; /* one piece in flight: the caller's thread does it */
    e.npieces = workers ? 2 * workers : 1;

    zp_status st = alloc_pieces(&e);
    pthread_t *tids = NULL;
    int started = 0;
    if (!st && workers && (tids = calloc((size_t)workers, sizeof *tids))) {
        pthread_mutex_init(&e.mu, NULL);
        pthread_cond_init(&e.more, NULL);
        pthread_cond_init(&e.done, NULL);
        while (started < workers && pthread_create(&tids[started], NULL, worker, &e) == 0)
            started++;
    }
    if (started == 0) workers = 0; /* no thread at all: all on this one */

    uint32_t adler = 1;
    long k = 0, written = 0;
    const uint8_t *above = NULL;
    for (int32_t y = 0; !st && y < p->height; k++) {
        piece *pc = &e.pieces[k % e.npieces];
        if (workers && k >= e.npieces) { /* the slot's previous piece goes out first */
            st = finish_piece(&e, workers, written++, &adler, w);
            if (st) break;
        }
        pc->rows = (int32_t)((size_t)(p->height - y) < e.piece_rows ? (size_t)(p->height - y)
                                                                    : e.piece_rows);
        pc->first = y == 0;
        pc->last = y + pc->rows == p->height;
        pc->done = 0;
        st = fill_piece(&e, rows, above, y, pc);
        if (st) break;
        above = pc->row0 + (ptrdiff_t)(pc->rows - 1) * pc->stride;
        y += pc->rows;
        if (workers) {
            pthread_mutex_lock(&e.mu);
            e.submitted++;
            pthread_cond_signal(&e.more);
            pthread_mutex_unlock(&e.mu);
        } else {
            encode_piece(&e, pc);
            st = finish_piece(&e, 0, written++, &adler, w);
        }
    }
    while (!st && written < k) st = finish_piece(&e, workers, written++, &adler, w);
    if (!st) st = write_chunk(w, "IEND", NULL, 0, (uint32_t)crc32(0L, (const Bytef *)"IEND", 4));

    if (tids) {
        pthread_mutex_lock(&e.mu);
        e.stop = 1;
        pthread_cond_broadcast(&e.more);
        pthread_mutex_unlock(&e.mu);
        for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
        pthread_mutex_destroy(&e.mu);
        pthread_cond_destroy(&e.more);
        pthread_cond_destroy(&e.done);
        free(tids);
    }
    free_pieces(&e);
    return st;
}
