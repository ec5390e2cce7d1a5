/* stream.c: zp_pipeline_convert(): decode, run a chain and encode strip by
 * strip, the decoder, each pixel stage and the encoder overlapped on
 * threads, with a few strips of rows per stage in memory; stages that need
 * the whole image make it whole only where they must (docs/streaming.md). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pipeline_internal.h"
#include "codec/codec_internal.h"
#include "core/core_internal.h"

/* ---- View maps ------------------------------------------------------------------
 * View stages (crop, flips, transposes, channel picks, steps) are plugins
 * whose map() derives a view by host view operations. To learn what a run
 * of them does without any pixels, they are applied to a "probe": a view
 * of the node's geometry over address space that is never touched, with
 * strides chosen so that every address decomposes uniquely into (x, y, c)
 * (samples: 1 per channel, 4 per column, 8 * width + 8 per row). The result
 * is an affine map from output (x, y, c) to node (x, y, c), which is then
 * laid over real memory: a whole image, or one row at a time when the map
 * keeps rows as rows. map() must not touch pixels (plugin.h), so the probe
 * is never dereferenced. */

#define PROBE_BASE ((uintptr_t)1 << 16)

typedef struct vmap {
    int32_t  width, height, channels; /* of the mapped view */
    zp_dtype dtype;
    uint32_t flags;
    int64_t  o[3];         /* node (x, y, c) of view (0, 0, 0)   */
    int64_t  ax[3], ay[3], ac[3]; /* node step per view x, y, c  */
} vmap;

static zp_status probe_new(int32_t w, int32_t h, int32_t ch, zp_dtype dt, zp_view *out) {
    const size_t item = zp_dtype_size(dt);
    const uint64_t sy = 8 * (uint64_t)w + 8;
    uint64_t bytes = sy * (uint64_t)h * item;
    if (bytes / item / sy != (uint64_t)h || bytes > (uint64_t)PTRDIFF_MAX / 4)
        return zp__fail(ZP_ERR_OVERFLOW, "image of %d x %d overflows memory sizes", (int)w, (int)h);
    zp_buffer *b = zp_buffer_wrap((void *)PROBE_BASE, (size_t)bytes, NULL, NULL);
    if (!b) return ZP_ERR_NOMEM;
    zp_status st = zp_view_wrap(b, (void *)PROBE_BASE, w, h, ch, dt, (ptrdiff_t)(sy * item),
                                (ptrdiff_t)(4 * item), (ptrdiff_t)item, 0, out);
    zp_buffer_unref(b);
    return st;
}

/* One stride of a derived view as a node step: a multiple of exactly one
 * of the probe's strides, as view operations make them. */
static int split_step(int64_t v, int64_t w, int64_t sy, int64_t out[3]) {
    out[0] = out[1] = out[2] = 0;
    if (v == 0) return 0;
    if (v % sy == 0) out[1] = v / sy;
    else if (v % 4 == 0 && v / 4 <= w && v / 4 >= -w) out[0] = v / 4;
    else if (v >= -3 && v <= 3) out[2] = v;
    else return -1;
    return 0;
}

static zp_status vmap_of(const zp_view *probe, const zp_view *v, vmap *m) {
    const int64_t item = (int64_t)zp_dtype_size(probe->dtype), w = probe->width;
    const int64_t sy = probe->stride_y / item;
    const int64_t off = ((intptr_t)v->data - (intptr_t)probe->data) / item;
    memset(m, 0, sizeof *m);
    m->width = v->width;
    m->height = v->height;
    m->channels = v->channels;
    m->dtype = v->dtype;
    m->flags = v->flags;
    m->o[1] = off / sy;
    m->o[0] = off % sy / 4;
    m->o[2] = off % sy % 4;
    if (v->owner != probe->owner || off < 0 || m->o[0] >= w || m->o[2] >= probe->channels ||
        split_step(v->stride_x / item, w, sy, m->ax) ||
        split_step(v->stride_y / item, w, sy, m->ay) ||
        split_step(v->stride_c / item, w, sy, m->ac))
        return zp__fail(ZP_ERR_UNSUPPORTED, "a view stage made a view that is not a view "
                        "operation of its input");
    if (m->height == 1) { /* one row: its stride is never used */
        m->ay[0] = m->ay[2] = 0;
        m->ay[1] = 1;
    }
    return ZP_OK;
}

/* Rows of the view are rows of the node, in order: streamable. */
static int vmap_keeps_rows(const vmap *m) {
    return m->ax[1] == 0 && m->ac[1] == 0 && m->ay[0] == 0 && m->ay[2] == 0 && m->ay[1] >= 1;
}

/* The map laid over real memory `b` of the node's geometry (any strides;
 * stride_y 0 for a one-row template). The view holds its own reference. */
static zp_status vmap_view(const vmap *m, const zp_view *b, zp_view *out) {
    const ptrdiff_t s[3] = {b->stride_x, b->stride_y, b->stride_c};
    ptrdiff_t off = 0, sx = 0, sy = 0, sc = 0;
    for (int i = 0; i < 3; i++) {
        off += (ptrdiff_t)m->o[i] * s[i];
        sx += (ptrdiff_t)m->ax[i] * s[i];
        sy += (ptrdiff_t)m->ay[i] * s[i];
        sc += (ptrdiff_t)m->ac[i] * s[i];
    }
    return zp_view_wrap(b->owner, (char *)b->data + off, m->width, m->height, m->channels,
                        m->dtype, sy, sx, sc, (m->flags | b->flags) & ZP_VIEW_READONLY, out);
}

/* Row y of a row-keeping map, over the packed node row `row`. */
static zp_view vmap_row(const vmap *m, const uint8_t *row, int32_t node_channels) {
    const ptrdiff_t item = (ptrdiff_t)zp_dtype_size(m->dtype), px = node_channels * item;
    zp_view v = {(void *)(row + m->o[0] * px + m->o[2] * item), m->width, 1, m->channels,
                 m->dtype, 0, (ptrdiff_t)(m->ax[0] * px + m->ax[2] * item),
                 (ptrdiff_t)(m->ac[0] * px + m->ac[2] * item), 0, NULL};
    return v;
}

static int32_t vmap_node_row(const vmap *m, int32_t y) {
    return (int32_t)(m->o[1] + m->ay[1] * y);
}

/* ---- Memory accounting (for tests and docs/streaming.md) ------------------------ */

static atomic_size_t live_bytes, peak_bytes;

static zp_buffer *counted_alloc(size_t size) {
    zp_buffer *b = zp_buffer_alloc(size);
    if (!b) return NULL;
    size_t now = atomic_fetch_add(&live_bytes, size) + size;
    size_t peak = atomic_load(&peak_bytes);
    while (now > peak && !atomic_compare_exchange_weak(&peak_bytes, &peak, now)) {
    }
    return b;
}

static void counted_free(zp_buffer *b) {
    if (!b) return;
    atomic_fetch_sub(&live_bytes, zp_buffer_size(b));
    zp_buffer_unref(b);
}

size_t zp__stream_peak_bytes(int reset) {
    size_t peak = atomic_load(&peak_bytes);
    if (reset) atomic_store(&peak_bytes, atomic_load(&live_bytes));
    return peak;
}

/* ---- Nodes: the decoder and each pixel stage ------------------------------------
 * A node's output rows go into a ring of `nslots` strips of `strip` rows
 * (or, when `whole`, one slot per strip: the full image). The producer
 * writes rows in order and publishes them a strip at a time (`produced`);
 * the one consumer reads rows in order and gives back the strips before
 * the one it reads (`released`), which the producer may then overwrite.
 * A threaded node has a thread producing into the ring; an unthreaded one
 * is produced on demand by its consumer's thread. */

#define MAX_NODES (ZP_MAX_OPERATIONS + 1)
#define MAX_THREADED 16
#define SOURCE_STRIP 32
#define SOURCE_SLOTS 4
#define STAGE_SLOTS 3

typedef struct run run;

typedef struct node {
    run     *run;
    int32_t  width, height, channels;
    zp_dtype dtype;
    size_t   stride;        /* bytes per row in the ring                   */
    zp_view  probe;         /* probe of this node's output                 */
    int      whole;         /* keep every row: the consumer needs them all */
    int32_t  strip;         /* rows per slot                               */
    int      nslots;
    zp_buffer *mem;
    uint8_t *data;
    atomic_int produced, released;
    atomic_int finished;    /* the producer stopped (done or failed)       */
    int      threaded, started;
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t  cv;

    /* the decoder (source node) */
    zp_decoder *dec;
    uint8_t *spare_row;     /* rows nobody reads go here                   */
    int      decoded;       /* every row was decoded                       */

    /* a pixel stage */
    const zp__stage *stage;
    int      index;         /* 1-based, for messages                       */
    zp_plan  plan;
    struct node *in;
    vmap     in_map;        /* stage input as a view of `in`               */
    zp_view  in_view;       /* whole input: in_map over in's image         */
    int32_t  band_rows, bands, next_band;
    zp_rect *in_rects;      /* per band, clipped                           */
    zp_buffer *win;         /* rows [win_lo, win_hi) of the stage input    */
    uint8_t *win_data;
    size_t   win_stride;
    int32_t  win_cap, win_lo, win_hi;
    void    *copy_tmp;      /* zp__copy_rows scratch for one row           */
} node;

struct run {
    node    *nodes[MAX_NODES];
    int      count;
    int      threads;       /* for whole-image stages                      */
    atomic_int failed;      /* the first failure's status                  */
    atomic_int cancelled;
    atomic_int draining;    /* the decoder reads on into a spare row       */
    pthread_mutex_t mu;
    char     message[512];
    vmap     out_map;       /* the result as a view of the last node       */
};

/* A borrowed view of packed pixels: rows `stride` bytes apart. */
static zp_view packed_view(void *data, int32_t w, int32_t h, int32_t ch, zp_dtype dt,
                           size_t stride) {
    const ptrdiff_t item = (ptrdiff_t)zp_dtype_size(dt);
    return (zp_view){data, w, h, ch, dt, (ptrdiff_t)stride, ch * item, item, 0, NULL};
}

static void run_fail(run *r, zp_status st, const char *message) {
    int expected = 0;
    if (atomic_compare_exchange_strong(&r->failed, &expected, (int)st)) {
        pthread_mutex_lock(&r->mu);
        snprintf(r->message, sizeof r->message, "%s", *message ? message : zp_status_str(st));
        pthread_mutex_unlock(&r->mu);
    }
}

static int run_stopped(run *r) { return atomic_load(&r->failed) || atomic_load(&r->cancelled); }

static void node_wake(node *n) {
    if (!n->threaded) return; /* nobody waits on it */
    pthread_mutex_lock(&n->mu);
    pthread_cond_broadcast(&n->cv);
    pthread_mutex_unlock(&n->mu);
}

static uint8_t *slot_row(const node *n, int32_t y) {
    size_t slot = (size_t)(y / n->strip) % (size_t)n->nslots;
    return n->data + (slot * (size_t)n->strip + (size_t)(y % n->strip)) * n->stride;
}

/* The producer may write row y once the strip it overwrites is given back.
 * Returns 0, or -1 when the run stopped. An unthreaded node is produced
 * by its consumer, which gave back what it needs first: it never waits. */
static int wait_room(node *n, int32_t y) {
    if (n->whole) return 0;
    int32_t need = (y / n->strip - n->nslots + 1) * n->strip;
    if (need <= 0 || atomic_load(&n->released) >= need) return 0;
    if (!n->threaded) {
        run_fail(n->run, ZP_ERR_BAD_STATE, "streaming: a strip was overwritten before use");
        return -1;
    }
    pthread_mutex_lock(&n->mu);
    while (atomic_load(&n->released) < need && !run_stopped(n->run) &&
           !(n->dec && atomic_load(&n->run->draining)))
        pthread_cond_wait(&n->cv, &n->mu);
    pthread_mutex_unlock(&n->mu);
    return atomic_load(&n->released) >= need ? 0 : -1;
}

static void publish(node *n, int32_t rows) {
    atomic_store(&n->produced, rows);
    node_wake(n);
}

static zp_status produce(node *n, int32_t until);

/* Packed row y of a node's output (its consumer only, rows in order);
 * borrowed until the consumer asks for a row of a later strip. NULL when
 * the run failed or stopped. */
static const uint8_t *node_row(node *n, int32_t y) {
    if (!n->whole) {
        int32_t give = y / n->strip * n->strip;
        if (give > atomic_load(&n->released)) {
            atomic_store(&n->released, give);
            node_wake(n);
        }
    }
    if (atomic_load(&n->produced) <= y) {
        if (n->threaded) {
            pthread_mutex_lock(&n->mu);
            while (atomic_load(&n->produced) <= y && !atomic_load(&n->finished) &&
                   !run_stopped(n->run))
                pthread_cond_wait(&n->cv, &n->mu);
            pthread_mutex_unlock(&n->mu);
        } else if (!run_stopped(n->run)) {
            int32_t until = (y / n->strip + 1) * n->strip;
            (void)produce(n, until < n->height ? until : n->height);
        }
        if (atomic_load(&n->produced) <= y) return NULL;
    }
    return slot_row(n, y);
}

/* The whole image of a `whole` node, once every row is there. */
static zp_status node_image(node *n, zp_view *out) {
    if (!node_row(n, n->height - 1))
        return atomic_load(&n->run->failed) ? (zp_status)atomic_load(&n->run->failed)
                                            : ZP_ERR_BAD_STATE;
    return zp_view_wrap(n->mem, n->data, n->width, n->height, n->channels, n->dtype,
                        (ptrdiff_t)n->stride, (ptrdiff_t)(n->channels * zp_dtype_size(n->dtype)),
                        (ptrdiff_t)zp_dtype_size(n->dtype), 0, out);
}

/* ---- The source: the decoder writing into the ring ------------------------------ */

/* Rows nobody will read (stopped, or draining: see drain_source) go to a
 * spare row. */
static void *source_row(void *user, int32_t y) {
    node *n = user;
    if (atomic_load(&n->run->draining) || wait_room(n, y)) return n->spare_row;
    return slot_row(n, y);
}

static void source_commit(void *user, int32_t y) {
    node *n = user;
    if (atomic_load(&n->run->draining)) return;
    if ((y + 1) % n->strip == 0 || y + 1 == n->height) publish(n, y + 1);
}

static int source_cancelled(void *user) { return run_stopped(((node *)user)->run); }

/* Once the encoder has every row it needs, the decoder still reads the
 * rest of the input, as a whole-frame run does: damage there fails the
 * conversion the same way (and the output is not kept). */
static void drain_source(run *r) {
    node *src = r->nodes[0];
    atomic_store(&r->draining, 1);
    if (src->threaded) {
        pthread_mutex_lock(&src->mu);
        pthread_cond_broadcast(&src->cv);
        while (!atomic_load(&src->finished)) pthread_cond_wait(&src->cv, &src->mu);
        pthread_mutex_unlock(&src->mu);
    } else if (!src->decoded && !run_stopped(r)) {
        (void)produce(src, src->height);
    }
}

/* ---- A pixel stage ---------------------------------------------------------------- */

/* Copy rows [.., hi) of the stage input into the window, keeping rows from
 * lo on (lo and hi never go back: checked at planning). */
static zp_status fill_window(node *n, int32_t lo, int32_t hi) {
    if (lo >= n->win_hi) {
        n->win_lo = n->win_hi = lo;
    } else if (hi > n->win_lo + n->win_cap) {
        memmove(n->win_data, n->win_data + (size_t)(lo - n->win_lo) * n->win_stride,
                (size_t)(n->win_hi - lo) * n->win_stride);
        n->win_lo = lo;
    }
    const vmap *m = &n->in_map;
    for (int32_t y = n->win_hi; y < hi; y++) {
        const uint8_t *src = node_row(n->in, vmap_node_row(m, y));
        if (!src) return ZP_ERR_BAD_STATE;
        zp_view from = vmap_row(m, src, n->in->channels);
        zp_view to = packed_view(n->win_data + (size_t)(y - n->win_lo) * n->win_stride,
                                 m->width, 1, m->channels, m->dtype, n->win_stride);
        zp__copy_rows(&from, &to, n->copy_tmp);
    }
    n->win_hi = hi;
    return ZP_OK;
}

static zp_status stage_band(node *n) {
    const int32_t b = n->next_band++;
    const int32_t y0 = b * n->band_rows;
    const int32_t rows = n->height - y0 < n->band_rows ? n->height - y0 : n->band_rows;
    zp_rect out_rect = {0, y0, n->width, rows}, in_rect = n->in_rects[b];
    zp_view in, out;
    zp_status st;
    if (n->in_view.data) {
        st = zp_view_crop(&n->in_view, in_rect.x, in_rect.y, in_rect.width, in_rect.height, &in);
        if (st) return st;
    } else {
        if ((st = fill_window(n, in_rect.y, in_rect.y + in_rect.height))) return st;
        const size_t px = (size_t)n->in_map.channels * zp_dtype_size(n->in_map.dtype);
        in = packed_view(n->win_data + (size_t)(in_rect.y - n->win_lo) * n->win_stride +
                             (size_t)in_rect.x * px,
                         in_rect.width, in_rect.height, n->in_map.channels, n->in_map.dtype,
                         n->win_stride);
    }
    in.flags |= ZP_VIEW_READONLY; /* a filter never writes its input */
    if (wait_room(n, y0)) {
        zp_view_release(&in);
        return ZP_ERR_BAD_STATE;
    }
    out = packed_view(slot_row(n, y0), n->width, rows, n->channels, n->dtype, n->stride);
    zp_clear_error();
    st = n->stage->filter->process(n->plan.state, &in, &in_rect, &out, &out_rect);
    zp_view_release(&in);
    if (st) return zp__stage_fail(n->stage, n->index, st, zp_last_error());
    publish(n, y0 + rows);
    return ZP_OK;
}

/* Whole input and whole output: bands across threads, as whole-frame runs. */
static zp_status stage_whole(node *n) {
    zp_view out = packed_view(n->data, n->width, n->height, n->channels, n->dtype, n->stride);
    zp_status st = zp__run_pixel_stage(n->stage, n->plan.state, &n->plan, &n->in_view, &out,
                                       n->run->threads);
    if (st) return zp__stage_fail(n->stage, n->index, st, zp_last_error());
    n->next_band = n->bands;
    publish(n, n->height);
    return ZP_OK;
}

/* Make rows up to `until`. Failures are recorded in the run. */
static zp_status produce(node *n, int32_t until) {
    zp_status st = ZP_OK;
    if (n->dec) {
        st = zp__decoder_rows(n->dec, until);
        if (!st && until == n->height) n->decoded = 1;
    } else {
        if (!n->in_view.data && n->in->whole) {
            zp_view img;
            if (!(st = node_image(n->in, &img))) {
                st = vmap_view(&n->in_map, &img, &n->in_view);
                zp_view_release(&img);
            }
        }
        if (!st && n->whole && n->in_view.data && n->next_band == 0) st = stage_whole(n);
        while (!st && atomic_load(&n->produced) < until && !run_stopped(n->run))
            st = stage_band(n);
    }
    /* Stages starved by a cancel or by the drain did not fail. */
    if (st && !atomic_load(&n->run->cancelled) && (n->dec || !atomic_load(&n->run->draining)))
        run_fail(n->run, st, zp_last_error());
    return st;
}

static void *node_thread(void *arg) {
    node *n = arg;
    (void)produce(n, n->height);
    pthread_mutex_lock(&n->mu);
    atomic_store(&n->finished, 1);
    pthread_cond_broadcast(&n->cv);
    pthread_mutex_unlock(&n->mu);
    return NULL;
}

/* ---- Planning ------------------------------------------------------------------------ */

static node *node_new(run *r, int32_t w, int32_t h, int32_t ch, zp_dtype dt) {
    if (r->count >= MAX_NODES) return NULL;
    node *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    r->nodes[r->count++] = n;
    n->run = r;
    n->width = w;
    n->height = h;
    n->channels = ch;
    n->dtype = dt;
    n->stride = zp__aligned_row_bytes(w, ch, dt);
    atomic_init(&n->produced, 0);
    atomic_init(&n->released, 0);
    atomic_init(&n->finished, 0);
    pthread_mutex_init(&n->mu, NULL);
    pthread_cond_init(&n->cv, NULL);
    return n;
}

/* Input rectangles of every band, and the window they need. Rows of a
 * band's input must not go back from one band to the next for the input
 * to stream; when they do, the input is made whole. */
static zp_status plan_bands(node *n) {
    const zp_filter *f = n->stage->filter;
    n->band_rows = zp__band_rows_for(n->height, n->plan.halo_y);
    n->bands = (n->height + n->band_rows - 1) / n->band_rows;
    n->strip = n->band_rows;
    if (!(n->in_rects = malloc((size_t)n->bands * sizeof *n->in_rects)))
        return zp__fail(ZP_ERR_NOMEM, "out of memory");
    int32_t span = 0, prev_lo = 0, prev_hi = 0, monotone = 1;
    for (int32_t b = 0; b < n->bands; b++) {
        int32_t y = b * n->band_rows;
        int32_t rows = n->height - y < n->band_rows ? n->height - y : n->band_rows;
        zp_rect out_rect = {0, y, n->width, rows}, r;
        if (f->region) f->region(n->plan.state, &out_rect, &r);
        else r = (zp_rect){-n->plan.halo_x, y - n->plan.halo_y, n->width + 2 * n->plan.halo_x,
                           rows + 2 * n->plan.halo_y};
        int32_t x0 = r.x < 0 ? 0 : r.x, y0 = r.y < 0 ? 0 : r.y;
        int64_t x1 = (int64_t)r.x + r.width, y1 = (int64_t)r.y + r.height;
        if (x1 > n->in_map.width) x1 = n->in_map.width;
        if (y1 > n->in_map.height) y1 = n->in_map.height;
        if (x1 <= x0 || y1 <= y0)
            return zp__stage_fail(n->stage, n->index, ZP_ERR_INVALID_ARG,
                                  "region() asked for nothing of the input");
        n->in_rects[b] = (zp_rect){x0, y0, (int32_t)(x1 - x0), (int32_t)(y1 - y0)};
        if (b && (y0 < prev_lo || y1 < prev_hi)) monotone = 0;
        prev_lo = y0;
        prev_hi = (int32_t)y1;
        if (y1 - y0 > span) span = (int32_t)(y1 - y0);
    }
    n->win_cap = span + 32 < n->in_map.height ? span + 32 : n->in_map.height;
    if (!monotone) n->in->whole = 1;
    return ZP_OK;
}

/* Ring or full image for a node, and a window for a stage reading a ring. */
static zp_status node_alloc(node *n) {
    if (!n->strip) n->strip = SOURCE_STRIP;
    if (n->strip > n->height) n->strip = n->height;
    int32_t strips = (n->height + n->strip - 1) / n->strip;
    n->nslots = n->whole ? strips : n->dec ? SOURCE_SLOTS : STAGE_SLOTS;
    if (n->nslots > strips) n->nslots = strips;
    size_t bytes;
    if (zp__mul_size(n->stride, (size_t)n->strip * (size_t)n->nslots, &bytes))
        return zp__fail(ZP_ERR_OVERFLOW, "image too large");
    if (!(n->mem = counted_alloc(bytes))) return ZP_ERR_NOMEM;
    n->data = zp_buffer_data(n->mem);
    if (n->dec && !(n->spare_row = malloc(n->stride))) return zp__fail(ZP_ERR_NOMEM, "out of memory");
    if (n->stage && !n->in->whole) {
        const vmap *m = &n->in_map;
        n->win_stride = zp__aligned_row_bytes(m->width, m->channels, m->dtype);
        if (zp__mul_size(n->win_stride, (size_t)n->win_cap, &bytes))
            return zp__fail(ZP_ERR_OVERFLOW, "image too large");
        if (!(n->win = counted_alloc(bytes))) return ZP_ERR_NOMEM;
        n->win_data = zp_buffer_data(n->win);
        zp_view from = vmap_row(m, n->in->data, n->in->channels);
        zp_view to = packed_view(n->win_data, m->width, 1, m->channels, m->dtype, n->win_stride);
        size_t tmp = zp__copy_scratch_size(&from, &to);
        if (tmp && !(n->copy_tmp = malloc(tmp))) return zp__fail(ZP_ERR_NOMEM, "out of memory");
    }
    return ZP_OK;
}

static void node_free(node *n) {
    if (!n) return;
    if (n->stage && n->stage->filter->done) n->stage->filter->done(n->plan.state);
    zp_view_release(&n->probe);
    zp_view_release(&n->in_view);
    counted_free(n->mem);
    counted_free(n->win);
    free(n->spare_row);
    free(n->in_rects);
    free(n->copy_tmp);
    pthread_mutex_destroy(&n->mu);
    pthread_cond_destroy(&n->cv);
    free(n);
}

/* Plan the chain on the decoder's geometry: nodes for the decoder and each
 * pixel stage, view stages folded into the maps between them. */
static zp_status plan_run(run *r, zp_pipeline *p, zp_decoder *dec, uint64_t max_pixels) {
    const zp_image_info *si = zp__decoder_stored_info(dec);
    node *cur_node = node_new(r, si->width, si->height, si->channels, si->dtype);
    if (!cur_node) return zp__fail(ZP_ERR_NOMEM, "out of memory");
    cur_node->dec = dec;
    /* Adam7 revisits rows: the decoder makes the whole image. */
    if (si->format == ZP_FORMAT_PNG && si->interlaced) cur_node->whole = 1;
    zp_status st = probe_new(si->width, si->height, si->channels, si->dtype, &cur_node->probe);
    if (st) return st;
    zp_view cur;
    if ((st = zp_view_orient(&cur_node->probe, zp__decoder_orientation(dec), &cur))) return st;

    for (size_t i = 0; p && i < p->count && !st; i++) {
        const zp__stage *s = &p->stages[i];
        const int index = (int)i + 1;
        zp_plan plan;
        st = zp__plan_stage(s, index, &cur, max_pixels, &plan);
        if (!st && s->filter->map) {
            st = zp__map_stage(s, index, &plan, &cur);
            if (s->filter->done) s->filter->done(plan.state);
            continue;
        }
        if (st) {
            if (s->filter->done) s->filter->done(plan.state);
            break;
        }
        node *n = node_new(r, plan.width, plan.height, plan.channels, plan.dtype);
        if (!n) {
            if (s->filter->done) s->filter->done(plan.state);
            st = zp__fail(ZP_ERR_NOMEM, "out of memory");
            break;
        }
        n->stage = s;
        n->index = index;
        n->plan = plan; /* done() at node_free */
        n->in = cur_node;
        if ((st = vmap_of(&cur_node->probe, &cur, &n->in_map))) {
            st = zp__stage_fail(s, index, st, zp_last_error());
            break;
        }
        if (!vmap_keeps_rows(&n->in_map)) cur_node->whole = 1;
        if ((st = plan_bands(n))) break;
        zp_view_release(&cur);
        if ((st = probe_new(n->width, n->height, n->channels, n->dtype, &n->probe))) break;
        zp_view_share(&n->probe, &cur);
        cur_node = n;
    }
    if (!st && (st = vmap_of(&cur_node->probe, &cur, &r->out_map)) == ZP_OK &&
        !vmap_keeps_rows(&r->out_map))
        cur_node->whole = 1;
    zp_view_release(&cur);
    return st;
}

static run *run_new(int threads) {
    run *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->threads = threads;
    atomic_init(&r->failed, 0);
    atomic_init(&r->cancelled, 0);
    atomic_init(&r->draining, 0);
    pthread_mutex_init(&r->mu, NULL);
    return r;
}

static void run_free(run *r) {
    if (!r) return;
    for (int i = 0; i < r->count; i++) node_free(r->nodes[i]);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

/* The map through which the decoder's rows are read. */
static vmap *source_map(run *r) { return r->count > 1 ? &r->nodes[1]->in_map : &r->out_map; }

/* The stored pixels a map reads: min and max of x and y over its corners. */
static void vmap_box(const vmap *m, int64_t box[4]) {
    for (int a = 0; a < 2; a++) {
        int64_t lo = m->o[a], hi = m->o[a];
        const int64_t steps[3] = {m->ax[a] * (m->width - 1), m->ay[a] * (m->height - 1),
                                  m->ac[a] * (m->channels - 1)};
        for (int i = 0; i < 3; i++) {
            if (steps[i] < 0) lo += steps[i];
            else hi += steps[i];
        }
        box[a] = lo;
        box[2 + a] = hi - lo + 1;
    }
}

/* Decode-time crop: when the chain reads only part of the decoded image
 * (a leading crop, through any orientation and view stages), the JPEG
 * decoder skips the rows above it and crops the columns (with a margin
 * that keeps its pixels those of a full decode); the maps are shifted onto
 * the smaller source. Other formats decode everything. */
static void push_crop(run *r, zp_decoder *dec, int denom) {
    node *src = r->nodes[0];
    vmap *m = source_map(r);
    int64_t box[4];
    vmap_box(m, box);
    if (box[2] == src->width && box[3] == src->height) return;
    const int32_t want[4] = {(int32_t)box[0], (int32_t)box[1], (int32_t)box[2], (int32_t)box[3]};
    int32_t got[4];
    if (zp__decoder_set_window(dec, denom, want, got)) {
        zp_clear_error(); /* not a JPEG: decode it all */
        return;
    }
    m->o[0] -= got[0];
    m->o[1] -= got[1];
    src->width = got[2];
    src->height = got[3];
    src->stride = zp__aligned_row_bytes(got[2], src->channels, src->dtype);
}

/* Shrink-on-load: a resize or thumbnail first in the chain (after view
 * stages over the whole image) that shrinks by 2 * SHRINK_HEADROOM or more
 * on both sides makes a JPEG decode at 1/2, 1/4 or 1/8 size (DCT scaling),
 * the smallest that leaves the resize SHRINK_HEADROOM times its output
 * size to work from, as long as the stage then makes the same output size.
 * Sets *denom (1 when not). Both executors do this, so they agree. The
 * headroom is measured (docs/streaming.md): at 2, a 20 MP photo's 256-wide
 * thumbnail came out 35.8 dB from a full decode's; at 3, 46.4 dB. */
#define SHRINK_HEADROOM 3
static zp_status choose_shrink(zp_pipeline *p, zp_decoder *dec, const zp_run_options *opt,
                               int *denom) {
    *denom = 1;
    zp__decoder_set_threads(dec, zp__run_threads(opt));
    const zp_image_info *si = zp__decoder_stored_info(dec);
    if (!opt->shrink_on_load || !p || si->format != ZP_FORMAT_JPEG) return ZP_OK;
    run *r = run_new(1);
    if (!r) return zp__fail(ZP_ERR_NOMEM, "out of memory");
    zp_status st = plan_run(r, p, dec, opt->max_pixels);
    int32_t out_w = 0, out_h = 0;
    if (!st && r->count > 1) {
        node *n = r->nodes[1];
        const char *name = n->stage->filter->name;
        int64_t box[4];
        vmap_box(&n->in_map, box);
        out_w = n->width;
        out_h = n->height;
        if ((!strcmp(name, "resize") || !strcmp(name, "thumbnail")) && box[0] == 0 &&
            box[1] == 0 && box[2] == si->width && box[3] == si->height)
            for (int d = 8; d >= 2 && *denom == 1; d /= 2)
                if ((n->in_map.width + d - 1) / d >= SHRINK_HEADROOM * (int64_t)out_w &&
                    (n->in_map.height + d - 1) / d >= SHRINK_HEADROOM * (int64_t)out_h)
                    *denom = d;
    }
    run_free(r);
    if (st || *denom == 1) return st;
    int32_t got[4];
    if ((st = zp__decoder_set_window(dec, *denom, NULL, got))) return st;
    /* The stage must make the same image from the smaller input. */
    if (!(r = run_new(1))) return zp__fail(ZP_ERR_NOMEM, "out of memory");
    st = plan_run(r, p, dec, opt->max_pixels);
    int same = !st && r->count > 1 && r->nodes[1]->width == out_w && r->nodes[1]->height == out_h;
    run_free(r);
    if (!same) {
        *denom = 1;
        zp_clear_error();
        st = zp__decoder_set_window(dec, 1, NULL, got);
    }
    return st;
}

/* ---- The encoder's end ------------------------------------------------------------------ */

static const void *pull_row(void *user, int32_t y) {
    run *r = user;
    const void *row = node_row(r->nodes[r->count - 1], vmap_node_row(&r->out_map, y));
    /* The ring is no longer written while draining: the row stays valid. */
    if (row && y == r->out_map.height - 1) drain_source(r);
    return atomic_load(&r->failed) ? NULL : row;
}

static zp_status pull_status(void *user) {
    run *r = user;
    zp_status st = (zp_status)atomic_load(&r->failed);
    if (!st) return ZP_OK;
    pthread_mutex_lock(&r->mu);
    char msg[sizeof r->message];
    memcpy(msg, r->message, sizeof msg);
    pthread_mutex_unlock(&r->mu);
    return zp__fail(st, "%s", msg);
}

static zp_status encode_to(const zp_view *v, zp_output *out, const zp_encode_options *enc,
                           const zp_metadata *meta) {
    out->width = v->width;
    out->height = v->height;
    out->output_failed = 1; /* until it succeeds, or the stream says why */
    if (out->path) return zp_image_encode_file(v, meta, out->path, enc);
    if (out->stream) return zp_image_encode_stream(v, meta, out->stream, enc);
    return zp_image_encode_memory(v, meta, enc, out->data, out->size);
}

static void run_stop(run *r) {
    atomic_store(&r->cancelled, 1);
    for (int i = 0; i < r->count; i++) {
        node *n = r->nodes[i];
        pthread_mutex_lock(&n->mu);
        pthread_cond_broadcast(&n->cv);
        pthread_mutex_unlock(&n->mu);
    }
    for (int i = 0; i < r->count; i++)
        if (r->nodes[i]->started) pthread_join(r->nodes[i]->tid, NULL);
}

static zp_status convert_stream(zp_pipeline *p, zp_decoder *dec, zp_output *out,
                                const zp_encode_options *enc, const zp_metadata *meta,
                                const zp_run_options *opt, int threads) {
    int denom;
    zp_status st = choose_shrink(p, dec, opt, &denom);
    if (st) return st;
    run *r = run_new(threads);
    if (!r) return zp__fail(ZP_ERR_NOMEM, "out of memory");
    st = plan_run(r, p, dec, opt->max_pixels);
    if (!st) push_crop(r, dec, denom);
    for (int i = 0; !st && i < r->count; i++) st = node_alloc(r->nodes[i]);
    node *src = r->nodes[0];
    if (!st) {
        zp__rowsink sink = {0};
        sink.row_fn = source_row;
        sink.commit_fn = source_commit;
        sink.cancelled_fn = source_cancelled;
        sink.user = src;
        st = zp__decoder_begin_rows(dec, &sink);
    }
    /* Threads: the decoder and the first pixel stages, each its own. */
    for (int i = 0; !st && threads > 1 && i < r->count && i < MAX_THREADED; i++) {
        node *n = r->nodes[i];
        n->threaded = 1;
        if (pthread_create(&n->tid, NULL, node_thread, n)) {
            n->threaded = 0; /* produced on demand instead */
            for (int j = i + 1; j < r->count; j++) r->nodes[j]->threaded = 0;
            break;
        }
        n->started = 1;
    }
    if (!st) {
        node *last = r->nodes[r->count - 1];
        zp_view result = {0};
        if (last->whole) {
            zp_view img;
            if (!(st = node_image(last, &img))) {
                st = vmap_view(&r->out_map, &img, &result);
                zp_view_release(&img);
            } else if (atomic_load(&r->failed)) {
                st = pull_status(r);
            }
            if (!st) drain_source(r);
            if (!st && atomic_load(&r->failed)) st = pull_status(r);
            if (!st) st = encode_to(&result, out, enc, meta);
            zp_view_release(&result);
        } else {
            zp_view tmpl;
            st = zp__rowstream_new(last->width, r->out_map.height, last->channels, last->dtype,
                                   pull_row, pull_status, r, &tmpl);
            if (!st) {
                if (!(st = vmap_view(&r->out_map, &tmpl, &result)))
                    st = encode_to(&result, out, enc, meta);
                zp_view_release(&result);
                zp__rowstream_end(&tmpl);
            }
        }
        if (st == ZP_ERR_BAD_STATE && atomic_load(&r->failed)) st = pull_status(r);
    }
    run_stop(r);
    if (atomic_load(&r->failed)) {
        out->output_failed = 0; /* the input or a stage */
        if (!st) st = pull_status(r);
    }
    run_free(r);
    return st;
}

/* ---- Whole-frame conversion --------------------------------------------------------- */

static zp_status convert_whole(zp_pipeline *p, zp_decoder *dec, zp_output *out,
                               const zp_encode_options *enc, const zp_metadata *meta,
                               const zp_run_options *opt) {
    int denom;
    zp_status st = choose_shrink(p, dec, opt, &denom);
    if (st) return st;
    const zp_image_info *si = zp__decoder_stored_info(dec);
    zp_view stored, pixels, result = {0};
    st = zp_view_alloc(si->width, si->height, si->channels, si->dtype, &stored);
    if (st) return st;
    st = zp_view_orient(&stored, zp__decoder_orientation(dec), &pixels);
    zp_view_release(&stored);
    if (st) return st;
    if (!(st = zp_decoder_read_into(dec, &pixels))) {
        if (p) st = zp_pipeline_run(p, &pixels, opt, &result);
        else zp_view_share(&pixels, &result);
    }
    if (!st) st = encode_to(&result, out, enc, meta);
    zp_view_release(&result);
    zp_view_release(&pixels);
    return st;
}

zp_status zp_pipeline_prepare_decode(zp_pipeline *p, zp_decoder *dec, const zp_run_options *opt) {
    if (!dec) return zp__fail(ZP_ERR_INVALID_ARG, "NULL decoder");
    zp_run_options defaults;
    zp_run_options_init(&defaults);
    int denom;
    return choose_shrink(p, dec, opt ? opt : &defaults, &denom);
}

/* The outcome for the caller: sizes only on success. */
static zp_status convert_done(zp_status st, zp_output *out) {
    if (st) out->width = out->height = 0;
    else out->output_failed = 0;
    return st;
}

zp_status zp_pipeline_convert(zp_pipeline *p, zp_decoder *dec, zp_output *out,
                              const zp_encode_options *enc, const zp_metadata *meta,
                              const zp_run_options *opt) {
    if (!dec || !out) return zp__fail(ZP_ERR_INVALID_ARG, "NULL argument");
    out->width = out->height = 0;
    out->output_failed = 0;
    int sinks = (out->path != NULL) + (out->stream != NULL) + (out->data != NULL || out->size != NULL);
    if (sinks != 1 || ((out->data != NULL) != (out->size != NULL)))
        return zp__fail(ZP_ERR_INVALID_ARG, "give one output: a path, a stream, or data and size");
    zp_run_options defaults;
    zp_run_options_init(&defaults);
    if (!opt) opt = &defaults;
    if (opt->mode < ZP_RUN_AUTO || opt->mode > ZP_RUN_WHOLE)
        return zp__fail(ZP_ERR_INVALID_ARG, "run mode %d (0..2)", (int)opt->mode);
    zp_encode_options enc_defaults;
    if (!enc) {
        zp_encode_options_init(&enc_defaults);
        enc = &enc_defaults;
    }
    if (opt->mode == ZP_RUN_WHOLE) return convert_done(convert_whole(p, dec, out, enc, meta, opt), out);
    return convert_done(convert_stream(p, dec, out, enc, meta, opt, zp__run_threads(opt)), out);
}
