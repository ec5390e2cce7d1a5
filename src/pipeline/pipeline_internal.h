/* pipeline_internal.h: pieces of the executor shared across its files. */
#ifndef ZEROPIX_PIPELINE_INTERNAL_H
#define ZEROPIX_PIPELINE_INTERNAL_H

#include "zeropix/pipeline.h"

/* The host table handed to plugins: the library's own view operations. */
const zp_host *zp__host(void);

/* One parsed operation. */
typedef struct zp__stage {
    const zp_filter *filter; /* borrowed from the registry            */
    zp_param_value  *values; /* one per parameter; NUMBERS lists owned */
    char            *text;   /* the operation as written               */
} zp__stage;

struct zp_pipeline {
    zp__stage *stages;
    size_t     count;
};

/* ---- Shared by the whole-frame (execute.c) and streaming (stream.c) executors */

/* Plan stage `index` (1-based, for messages) of the chain on an input of
 * in's geometry: call plan(), check what it answers and the pixel limit.
 * On failure the message names the operation; plan->state may still be
 * set, so done() is called either way. */
zp_status zp__plan_stage(const zp__stage *s, int index, const zp_view *in, uint64_t max_pixels,
                         zp_plan *plan);
/* "operation N 'name': detail" as the thread's error; returns st. */
zp_status zp__stage_fail(const zp__stage *s, int index, zp_status st, const char *detail);
/* Rows per band of a pixel stage: a function of the output height and the
 * filter's vertical reach only, so every executor makes the same process()
 * calls and the bytes never depend on threads or streaming. */
int32_t zp__band_rows_for(int32_t height, int32_t halo_y);
/* Run a pixel stage on whole views, bands shared by `threads` threads. */
zp_status zp__run_pixel_stage(const zp__stage *s, void *state, const zp_plan *plan,
                              const zp_view *in, const zp_view *out, int threads);
/* Apply view stage `index` (its filter has map()) to *cur: on success *cur
 * is replaced by the derived view, which must stay inside its input. */
zp_status zp__map_stage(const zp__stage *s, int index, const zp_plan *plan, zp_view *cur);
/* Worker threads of a run: opt->threads capped at 64, or one per online
 * core (1..64) when it is 0. */
int zp__run_threads(const zp_run_options *opt);

/* stream.c: the most bytes of rings and windows that streaming runs held
 * at once in this process (all runs together); `reset` starts a new peak
 * from what is held now. For tests and docs/streaming.md. */
size_t zp__stream_peak_bytes(int reset);

#endif
