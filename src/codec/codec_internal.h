/* codec_internal.h: the contract between the generic decode/encode layer
 * and each format (jpeg_*.c, png_*.c, pnm.c): readers, row sinks, writers. */
#ifndef ZEROPIX_CODEC_INTERNAL_H
#define ZEROPIX_CODEC_INTERNAL_H

#include <stdio.h>
#include "zeropix/codec.h"
#include "../core/core_internal.h"

/* ---- Reader: bytes from a file, a stream or memory ---------------------- */

typedef struct zp__reader {
    FILE          *file;      /* NULL for memory                          */
    int            owns_file; /* fclose on zp__reader_close               */
    const uint8_t *mem;       /* memory source, or NULL                   */
    size_t         mem_size, mem_pos;
    uint8_t        head[16];  /* bytes peeked for format detection, replayed */
    size_t         head_len, head_pos;
    int            io_errno;  /* errno of a failed read, 0 otherwise      */
    struct zp__diag *diag;    /* what the decoder notices about this input */
} zp__reader;

/* Warnings about one input, and how strict to be about them. Codecs reach
 * it through their reader (r->diag). */
typedef struct zp__diag {
    zp_fail_on fail_on;
    unsigned   warnings;
    int        truncated;   /* set by a codec that decoded past the end   */
    char       first[256];  /* the first warning's text                   */
} zp__diag;

/* Record a warning (printf format). Returns 1 when fail_on says it must
 * fail the decode: at ZP_FAIL_ON_WARNING for any warning, and from
 * `fail_level` up otherwise (pass ZP_FAIL_ON_TRUNCATED for truncation,
 * ZP_FAIL_ON_ERROR for corrupt data, ZP_FAIL_ON_WARNING for the harmless). */
int zp__diag_warn(zp__diag *d, zp_fail_on fail_level, const char *fmt, ...) ZP__PRINTF(3, 4);

/* Read up to n bytes; returns how many. Fewer than n means end of data or
 * a read error (then io_errno != 0). */
size_t zp__reader_read(zp__reader *r, void *buf, size_t n);
/* Memory sources only: borrow all remaining bytes without a copy and mark
 * them consumed. Returns 0 (and nothing) for file sources. */
int zp__reader_borrow_rest(zp__reader *r, const uint8_t **data, size_t *size);
/* Status for a short read: ZP_ERR_IO with errno text, or ZP_ERR_TRUNCATED
 * with "<what>: unexpected end of data". */
zp_status zp__reader_short(const zp__reader *r, const char *what);

/* ---- Row sink: where a decoder puts rows --------------------------------
 * The generic layer builds it over the target view in STORED orientation
 * (the codec never thinks about EXIF). The codec produces packed rows of
 * `width * channels` samples of `dtype`.
 *
 * Callback mode (the streaming executor, src/pipeline/stream.c): when
 * row_fn is set, rows are not written into `dst` but wherever row_fn says
 * (distinct memory for distinct rows, so `direct` is 1), and commit_fn is
 * told when each is complete. Rows are asked for in order; row_fn may
 * block until the consumer has room. cancelled_fn (may be NULL) says the
 * consumer gave up: codecs check it between batches of rows and fail. */
typedef struct zp__rowsink {
    zp_view  dst;       /* target, stored orientation, any strides/dtype  */
    int32_t  width, height, channels;
    zp_dtype dtype;     /* what the codec produces (info.dtype)           */
    int      direct;    /* dst rows are packed and of `dtype`: in place   */
    void    *scratch;   /* one packed row otherwise                       */
    void    *copy_tmp;  /* zp__copy_rows scratch for commit               */
    zp_view  whole;     /* zp__rowsink_whole(): a packed full image       */
    void  *(*row_fn)(void *user, int32_t y);
    void   (*commit_fn)(void *user, int32_t y);
    int    (*cancelled_fn)(void *user);
    void    *user;      /* for the three callbacks                        */
} zp__rowsink;

/* Where to write packed row y (0 <= y < height). */
void *zp__rowsink_row(zp__rowsink *s, int32_t y);
/* Row y is written: copies it from scratch when not direct. */
void zp__rowsink_commit(zp__rowsink *s, int32_t y);
/* Rows *next_row..until-1 are zeros (the rest of a truncated file under
 * ZP_FAIL_ON_NONE): written and committed; *next_row ends at until. */
void zp__rowsink_blank(zp__rowsink *s, int32_t *next_row, int32_t until);
/* 1 when the consumer of a callback sink gave up (the codec then fails
 * with ZP_ERR_BAD_STATE); always 0 otherwise. */
int zp__rowsink_cancelled(const zp__rowsink *s);
/* For decoders that revisit rows (Adam7 interlace): a packed view of the
 * whole image of the codec's dtype: the target itself when direct, a
 * temporary otherwise. Row y starts at whole.data + y * whole.stride_y. */
zp_status zp__rowsink_whole(zp__rowsink *s, zp_view *whole);
/* After zp__rowsink_whole: copies the temporary into the target (in
 * callback mode: hands every row to row_fn/commit_fn in order). */
zp_status zp__rowsink_whole_done(zp__rowsink *s);

/* ---- Writer: bytes to a file, a stream or memory ------------------------ */

typedef struct zp__writer {
    FILE    *file;      /* stream or temporary file, or NULL for memory   */
    uint8_t *mem;       /* memory sink: malloc'd block                    */
    size_t   mem_size, mem_cap;
    int      io_errno;  /* sticky: first write error                      */
} zp__writer;

/* Append n bytes. ZP_ERR_IO (sticky) on failure. */
zp_status zp__writer_write(zp__writer *w, const void *data, size_t n);
/* ZP_OK, or the sticky error with its errno text. */
zp_status zp__writer_status(const zp__writer *w);

/* ---- Encoder helpers ---------------------------------------------------- */

/* Walks a view row by row as packed rows of `dtype` (converted as by
 * zp_view_copy). Rows that are already packed and of that dtype are lent
 * in place; others are packed a block of rows at a time into scratch.
 * A view of a row stream (below) is walked by pulling its rows. */
typedef struct zp__rowsource {
    zp_view  src;
    zp_dtype dtype;
    void    *scratch;      /* a block of packed rows                     */
    void    *copy_tmp;     /* zp__copy_rows scratch                      */
    zp_view  scratch_view; /* the block as a view (height = capacity)    */
    int32_t  block_y;      /* first row held in scratch, -1 for none     */
    int32_t  block_rows;
    const struct zp__rowstream *stream; /* row stream being pulled, or NULL */
} zp__rowsource;

zp_status zp__rowsource_init(zp__rowsource *rs, const zp_view *src, zp_dtype dtype);
/* Packed row y; borrowed until the next call. Rows are asked for in order
 * (any order works, in order is fast; a row stream needs them in order). */
const void *zp__rowsource_row(zp__rowsource *rs, int32_t y);
/* When the source lends every row in place (a view already packed and of
 * the dtype, not a row stream), those rows stay valid as long as the view:
 * row 0, with the bytes from a row to the next in *stride. Else NULL. */
const uint8_t *zp__rowsource_lent(const zp__rowsource *rs, ptrdiff_t *stride);
void zp__rowsource_free(zp__rowsource *rs);

/* ---- Row streams: views whose rows are made while they are read -----------
 * The streaming executor hands an encoder a view whose rows do not exist
 * yet. It is an ordinary, checked view over one "template row" of `width`
 * x `channels` packed samples, with stride_y 0; encoders may derive views
 * from it that keep rows as rows (drop alpha, crop columns), and a
 * zp__rowsource over any such view asks `pull` for each row: pull(user, y)
 * returns the packed row of the template's geometry that row y of the view
 * is taken from (borrowed until the next pull), or NULL when the producer
 * failed; zp__rowsource then returns zeros and the encode is failed
 * afterwards by zp__rowstream_check(). */
typedef const void *(*zp__row_pull_fn)(void *user, int32_t y);
typedef zp_status (*zp__row_status_fn)(void *user);

/* A new row stream of `height` rows; `out` gets the template view (its own
 * reference). `status` returns the producer's failure (setting the thread's
 * message) or ZP_OK. End it with zp__rowstream_end() before `user` goes. */
zp_status zp__rowstream_new(int32_t width, int32_t height, int32_t channels, zp_dtype dtype,
                            zp__row_pull_fn pull, zp__row_status_fn status, void *user,
                            zp_view *out);
/* Unregister the stream of `template_view` and release the view. */
void zp__rowstream_end(zp_view *template_view);
/* For a view derived from a row stream's template: the producer's failure
 * status (ZP_OK while it is fine). ZP_OK for every other view. Encoders'
 * callers check it before declaring an output complete. */
zp_status zp__rowstream_check(const zp_view *view);

/* ---- Limits -------------------------------------------------------------- */

/* ZP_ERR_LIMIT with a message when width * height exceeds the pixel limit;
 * ZP_ERR_CORRUPT when a dimension is 0 or above ZP_MAX_DIM. */
zp_status zp__check_dimensions(const zp_limits *lim, uint64_t width, uint64_t height);

/* ---- The per-format table ------------------------------------------------ */

typedef struct zp__codec {
    zp_format   format;
    const char *name;   /* "JPEG", used as the prefix of messages */

    /* Read the header (and metadata before the pixels) from `r`. Fill
     * info in STORED orientation: width, height, channels, dtype (honour
     * opt->keep_16bit), bit_depth, color, interlaced, orientation,
     * icc_size, exif_size. Fill `meta` when opt->read_metadata. Check
     * zp__check_dimensions() before any allocation that scales with the
     * image. `r` and `meta` stay valid until close, so the state may keep
     * them and read may add to meta. */
    zp_status (*open)(zp__reader *r, const zp_decode_options *opt,
                      zp_image_info *info, zp_metadata *meta, void **state);
    /* Decode rows into the sink up to row `until` (exclusive, at most
     * sink->height), going on from where the previous call stopped: the
     * first call starts the decode, the one that reaches sink->height also
     * reads what follows the pixels. The same sink is passed every time.
     * A truncated input under ZP_FAIL_ON_NONE gives zero (or libjpeg's)
     * filler rows, also only up to `until`. Interlaced PNG decodes every
     * row in the first call. */
    zp_status (*read_rows)(void *state, zp__rowsink *sink, int32_t until);
    /* Optional (JPEG): decode at 1/denom of the size (denom 1, 2, 4 or 8;
     * each side rounded up) and, when `want` is not NULL, only the
     * rectangle want = {x, y, w, h} of that scaled image (stored
     * orientation) or a little more: `got` gets the rectangle that will be
     * decoded, which contains `want` and whose pixels in `want` are those
     * of the full decode at that scale. Called before read_rows; the rows
     * read_rows gives are then got's. want NULL: got is the whole image. */
    zp_status (*set_window)(void *state, int denom, const int32_t want[4], int32_t got[4]);
    /* Optional (JPEG): how many threads the decode may use, the caller's
     * included (1 when never called). Output is the same for any count. */
    void (*set_threads)(void *state, int threads);
    /* Free state; called once, also after a failed open (state may be NULL). */
    void (*close)(void *state);

    /* Encode. `view` is already checked; `meta` may be NULL. */
    zp_status (*encode)(const zp_view *view, const zp_metadata *meta,
                        const zp_encode_options *opt, zp__writer *w);
} zp__codec;

extern const zp__codec zp__codec_jpeg;
extern const zp__codec zp__codec_png;
extern const zp__codec zp__codec_pnm;

/* The table entry for a format, or NULL. */
const zp__codec *zp__codec_for(zp_format format);

/* ---- Incremental decoding (the streaming executor) ------------------------
 * Rows in STORED orientation through a callback sink, a strip at a time. */

/* What the codec produces: geometry as stored (before any orientation),
 * and the orientation the decoder's options apply (1 when none). */
const zp_image_info *zp__decoder_stored_info(const zp_decoder *dec);
int zp__decoder_orientation(const zp_decoder *dec);
/* Start: `sink` (row_fn and friends set; the geometry is filled in here)
 * is kept by the decoder. When the orientation is applied, the EXIF
 * orientation tag of the decoder's metadata is reset to 1 now, before any
 * row, so that an encoder writing it first describes upright pixels. */
zp_status zp__decoder_begin_rows(zp_decoder *dec, const zp__rowsink *sink);
/* Decode up to row `until` (exclusive). A failure fails the decoder. */
zp_status zp__decoder_rows(zp_decoder *dec, int32_t until);
/* Decode at 1/denom of the size and only (a little more than) the stored
 * rectangle want = {x, y, w, h} of the scaled image (want may be NULL),
 * before any row: see zp__codec.set_window. `got` gets the rectangle that
 * will be decoded; the stored and caller's info take its size. Formats
 * without set_window: ZP_ERR_UNSUPPORTED, nothing changed. */
zp_status zp__decoder_set_window(zp_decoder *dec, int denom, const int32_t want[4],
                                 int32_t got[4]);
/* Let the decode use up to `threads` threads (see zp__codec.set_threads);
 * a no-op for formats that decode on one. */
void zp__decoder_set_threads(zp_decoder *dec, int threads);

#endif
