/* execute.c: running a parsed chain on an image: plan each stage, fold
 * view stages into views, run pixel stages on row bands across threads,
 * reusing intermediate buffers and running point filters in place. */
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pipeline_internal.h"
#include "core/core_internal.h"

/* ---- Intermediate buffers -------------------------------------------------- */

/* Buffers this run allocated. A free one is reused by a later stage whose
 * output fits; the one holding the final image is handed to the caller. */
typedef struct pool {
    zp_buffer *bufs[4];
    int        busy[4];
    int        count;
} pool;

static zp_status pool_take(pool *pl, int32_t w, int32_t h, int32_t ch, zp_dtype dt, zp_view *out) {
    size_t item = zp_dtype_size(dt), row, size;
    if (!(row = zp__aligned_row_bytes(w, ch, dt)) || zp__mul_size(row, (size_t)h, &size))
        return zp__fail(ZP_ERR_OVERFLOW, "image of %d x %d overflows memory sizes", (int)w, (int)h);
    for (int i = 0; i < pl->count; i++)
        if (!pl->busy[i] && zp_buffer_size(pl->bufs[i]) >= size) {
            pl->busy[i] = 1;
            return zp_view_wrap(pl->bufs[i], zp_buffer_data(pl->bufs[i]), w, h, ch, dt,
                                (ptrdiff_t)row, (ptrdiff_t)(ch * item), (ptrdiff_t)item, 0, out);
        }
    zp_status st = zp_view_alloc(w, h, ch, dt, out);
    if (st) return st;
    if (pl->count < 4) { /* keep it for reuse */
        pl->bufs[pl->count] = zp_buffer_ref(out->owner);
        pl->busy[pl->count++] = 1;
    }
    return ZP_OK;
}

/* The stage that read `v` is done: its buffer may be reused. */
static void pool_give_back(pool *pl, const zp_view *v) {
    for (int i = 0; i < pl->count; i++)
        if (pl->bufs[i] == v->owner) pl->busy[i] = 0;
}

static int pool_owns(const pool *pl, const zp_view *v) {
    for (int i = 0; i < pl->count; i++)
        if (pl->bufs[i] == v->owner) return 1;
    return 0;
}

static void pool_release(pool *pl) {
    for (int i = 0; i < pl->count; i++) zp_buffer_unref(pl->bufs[i]);
    pl->count = 0;
}

/* ---- Bands across threads ------------------------------------------------------ */

typedef struct band_job {
    const zp_filter *filter;
    void            *state;
    const zp_view   *in, *out;
    int32_t          halo_x, halo_y;
    int32_t          band_rows, bands;
    atomic_int       next;
    atomic_int       failed; /* zp_status of the first failure, 0 if none */
    char             message[512];
    pthread_mutex_t  lock;
} band_job;

static zp_rect clip(zp_rect r, int32_t w, int32_t h) {
    int32_t x0 = r.x < 0 ? 0 : r.x, y0 = r.y < 0 ? 0 : r.y;
    int64_t x1 = (int64_t)r.x + r.width, y1 = (int64_t)r.y + r.height;
    if (x1 > w) x1 = w;
    if (y1 > h) y1 = h;
    return (zp_rect){x0, y0, x1 > x0 ? (int32_t)(x1 - x0) : 0, y1 > y0 ? (int32_t)(y1 - y0) : 0};
}

static zp_status run_band(band_job *job, int band) {
    int32_t y = band * job->band_rows;
    int32_t rows = job->out->height - y < job->band_rows ? job->out->height - y : job->band_rows;
    zp_rect out_rect = {0, y, job->out->width, rows}, in_rect;
    if (job->filter->region) {
        job->filter->region(job->state, &out_rect, &in_rect);
    } else {
        in_rect = (zp_rect){-job->halo_x, y - job->halo_y, job->out->width + 2 * job->halo_x,
                            rows + 2 * job->halo_y};
    }
    in_rect = clip(in_rect, job->in->width, job->in->height);
    if (!in_rect.width || !in_rect.height)
        return zp__fail(ZP_ERR_INVALID_ARG, "region() asked for nothing of the input");
    zp_view in, out;
    zp_status st = zp_view_crop(job->in, in_rect.x, in_rect.y, in_rect.width, in_rect.height, &in);
    if (st) return st;
    in.flags |= ZP_VIEW_READONLY; /* a filter never writes its input */
    if (!(st = zp_view_crop(job->out, 0, y, out_rect.width, rows, &out))) {
        st = job->filter->process(job->state, &in, &in_rect, &out, &out_rect);
        zp_view_release(&out);
    }
    zp_view_release(&in);
    return st;
}

static void *band_worker(void *arg) {
    band_job *job = arg;
    for (;;) {
        int band = atomic_fetch_add(&job->next, 1);
        if (band >= job->bands || atomic_load(&job->failed)) break;
        zp_status st = run_band(job, band);
        if (st) {
            int expected = 0;
            if (atomic_compare_exchange_strong(&job->failed, &expected, (int)st)) {
                pthread_mutex_lock(&job->lock);
                snprintf(job->message, sizeof job->message, "%s",
                         *zp_last_error() ? zp_last_error() : zp_status_str(st));
                pthread_mutex_unlock(&job->lock);
            }
        }
    }
    return NULL;
}

/* Band height depends only on the image and the filter's reach, never on
 * the thread count, so the output is the same for any --threads. */
int32_t zp__band_rows_for(int32_t height, int32_t halo_y) {
    int32_t rows = 64;
    if (halo_y > 16) rows = halo_y * 4 > 1024 ? 1024 : halo_y * 4;
    return rows > height ? height : rows;
}

zp_status zp__run_pixel_stage(const zp__stage *s, void *state, const zp_plan *plan,
                                 const zp_view *in, const zp_view *out, int threads) {
    band_job job;
    memset(&job, 0, sizeof job);
    job.filter = s->filter;
    job.state = state;
    job.in = in;
    job.out = out;
    job.halo_x = plan->halo_x;
    job.halo_y = plan->halo_y;
    job.band_rows = zp__band_rows_for(out->height, plan->halo_y);
    job.bands = (out->height + job.band_rows - 1) / job.band_rows;
    atomic_init(&job.next, 0);
    atomic_init(&job.failed, 0);
    pthread_mutex_init(&job.lock, NULL);
    int extra = threads - 1 < job.bands - 1 ? threads - 1 : job.bands - 1;
    pthread_t tids[64];
    int started = 0;
    for (; started < extra && started < 64; started++)
        if (pthread_create(&tids[started], NULL, band_worker, &job)) break;
    band_worker(&job); /* this thread works too */
    for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
    pthread_mutex_destroy(&job.lock);
    zp_status st = (zp_status)atomic_load(&job.failed);
    if (st) return zp__fail(st, "%s", job.message);
    return ZP_OK;
}

/* ---- The chain ----------------------------------------------------------------------- */

int zp__run_threads(const zp_run_options *opt) {
    if (opt->threads > 0) return opt->threads > 64 ? 64 : opt->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* Prefix the thread's last error with the operation, keeping the detail. */
zp_status zp__stage_fail(const zp__stage *s, int index, zp_status st, const char *detail) {
    char msg[512];
    snprintf(msg, sizeof msg, "%s", detail && *detail ? detail : zp_status_str(st));
    return zp__fail(st, "operation %d '%s': %s", index, s->filter->name, msg);
}

zp_status zp__map_stage(const zp__stage *s, int index, const zp_plan *plan, zp_view *cur) {
    zp_view next;
    zp_status st = s->filter->map(plan->state, zp__host(), cur, &next);
    if (st) return zp__stage_fail(s, index, st, zp_last_error());
    if (next.owner != cur->owner || zp_view_check(&next)) {
        zp_view_release(&next); /* a view filter may only look at its input */
        return zp__stage_fail(s, index, ZP_ERR_OUT_OF_BOUNDS, "the view filter left its input");
    }
    zp_view_release(cur);
    *cur = next;
    return ZP_OK;
}

void zp_run_options_init(zp_run_options *opt) {
    if (!opt) return;
    opt->threads = 0;
    opt->max_pixels = ZP_DEFAULT_MAX_PIXELS;
    opt->mode = ZP_RUN_AUTO;
    opt->shrink_on_load = 1;
}

zp_status zp__plan_stage(const zp__stage *s, int index, const zp_view *in, uint64_t max_pixels,
                         zp_plan *plan) {
    zp_plan_args args = {sizeof args, zp__host(), s->values, in->width, in->height,
                         in->channels, in->dtype, max_pixels};
    memset(plan, 0, sizeof *plan);
    plan->struct_size = sizeof *plan;
    plan->width = in->width;
    plan->height = in->height;
    plan->channels = in->channels;
    plan->dtype = in->dtype;
    zp_clear_error();
    zp_status st = s->filter->plan(&args, plan);
    plan->message[sizeof plan->message - 1] = '\0';
    if (st)
        return zp__stage_fail(s, index, st, plan->message[0] ? plan->message : zp_last_error());
    if (plan->width < 1 || plan->height < 1 || plan->channels < 1 ||
        plan->channels > ZP_MAX_CHANNELS || !zp_dtype_size(plan->dtype) || plan->halo_x < 0 ||
        plan->halo_y < 0)
        return zp__stage_fail(s, index, ZP_ERR_INVALID_ARG,
                              "the filter planned an impossible output");
    if (max_pixels && (uint64_t)plan->width * (uint64_t)plan->height > max_pixels) {
        char why[160];
        snprintf(why, sizeof why, "the output would be %d x %d = %llu pixels, over the limit "
                 "of %llu (max_pixels)", (int)plan->width, (int)plan->height,
                 (unsigned long long)plan->width * (unsigned long long)plan->height,
                 (unsigned long long)max_pixels);
        return zp__stage_fail(s, index, ZP_ERR_LIMIT, why);
    }
    return ZP_OK;
}

zp_status zp_pipeline_run(zp_pipeline *p, const zp_view *input, const zp_run_options *opt,
                          zp_view *output) {
    if (!p || !input || !output) return zp__fail(ZP_ERR_INVALID_ARG, "NULL argument");
    zp_status st = zp_view_check(input);
    if (st) return st;
    zp_run_options defaults;
    zp_run_options_init(&defaults);
    if (!opt) opt = &defaults;
    const int threads = zp__run_threads(opt);

    pool pl = {0};
    zp_view cur;
    zp_view_share(input, &cur);
    for (size_t i = 0; i < p->count && !st; i++) {
        const zp__stage *s = &p->stages[i];
        const int index = (int)i + 1;
        zp_plan plan;
        st = zp__plan_stage(s, index, &cur, opt->max_pixels, &plan);
        if (st) {
            /* zp__plan_stage said why */
        } else if (s->filter->map) {
            st = zp__map_stage(s, index, &plan, &cur);
        } else {
            /* Point filters run in place on buffers this run owns. */
            int in_place = (plan.flags & ZP_PLAN_POINT) && pool_owns(&pl, &cur) &&
                           !(cur.flags & ZP_VIEW_READONLY) && plan.width == cur.width &&
                           plan.height == cur.height && plan.channels == cur.channels &&
                           plan.dtype == cur.dtype;
            zp_view out = {0}; /* released on failure, whatever failed */
            if (in_place) zp_view_share(&cur, &out);
            else st = pool_take(&pl, plan.width, plan.height, plan.channels, plan.dtype, &out);
            if (!st) st = zp__run_pixel_stage(s, plan.state, &plan, &cur, &out, threads);
            if (st) {
                st = zp__stage_fail(s, index, st, zp_last_error());
                if (!in_place) zp_view_release(&out);
            } else {
                if (!in_place) pool_give_back(&pl, &cur);
                zp_view_release(&cur);
                cur = out;
            }
        }
        if (s->filter->done) s->filter->done(plan.state);
    }
    pool_release(&pl);
    if (st) {
        zp_view_release(&cur);
        return st;
    }
    *output = cur;
    return ZP_OK;
}
