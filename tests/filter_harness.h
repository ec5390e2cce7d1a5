/* filter_harness.h: run one filter directly, the way the executor does but
 * with nothing else in between: plan, then map, or process over bands of
 * random heights (so band boundaries are exercised), then done. Filter
 * tests use it to compare against their naive references; the executor's
 * own tests go through zp_pipeline_run. */
#ifndef ZP_FILTER_HARNESS_H
#define ZP_FILTER_HARNESS_H

#include <string.h>
#include "zp_test.h"
#include "zeropix/plugin.h"
#include "zeropix/codec.h"
#include "pipeline/pipeline_internal.h"

/* Look a filter up among the built-ins by name (NULL if absent), through
 * the library's own registry (kept for the life of the test program). */
#include "zeropix/pipeline.h"
static inline const zp_filter *harness_find(const char *name) {
    static zp_registry *reg;
    if (!reg && zp_registry_new(NULL, NULL, &reg) != ZP_OK) return NULL;
    return zp_registry_find(reg, name);
}

/* Defaults for every parameter of f (values[i].number = def). */
static inline void harness_defaults(const zp_filter *f, zp_param_value *values) {
    for (uint32_t i = 0; i < f->param_count; i++) {
        memset(&values[i], 0, sizeof values[i]);
        values[i].number = f->params[i].def;
    }
}

/* Index of a parameter by name; aborts the test program if absent. */
static inline int harness_param(const zp_filter *f, const char *name) {
    for (uint32_t i = 0; i < f->param_count; i++)
        if (!strcmp(f->params[i].name, name)) return (int)i;
    fprintf(stderr, "filter %s has no parameter %s\n", f->name, name);
    exit(1);
}

/* Plan f for `in` as the executor does: output geometry pre-filled with the
 * input's, the default pixel limit. The caller calls f->done(plan->state). */
static inline zp_status harness_plan(const zp_filter *f, const zp_param_value *values,
                                     const zp_view *in, zp_plan *plan) {
    zp_plan_args args = {sizeof args, zp__host(), values, in->width, in->height,
                         in->channels, in->dtype, ZP_DEFAULT_MAX_PIXELS};
    memset(plan, 0, sizeof *plan);
    plan->struct_size = sizeof *plan;
    plan->width = in->width;
    plan->height = in->height;
    plan->channels = in->channels;
    plan->dtype = in->dtype;
    return f->plan(&args, plan);
}

/* Run f on `in` with `values`; `out` receives a new view (release it).
 * `seed` picks band heights. Returns plan/map/process status; on a plan
 * failure the message is printed. */
static inline zp_status harness_run(const zp_filter *f, const zp_param_value *values,
                                    const zp_view *in, uint32_t seed, zp_view *out) {
    zp_plan plan;
    zp_status st = harness_plan(f, values, in, &plan);
    if (st) {
        fprintf(stderr, "[%s plan: %s]\n", f->name, plan.message);
        if (f->done && plan.state) f->done(plan.state);
        return st;
    }
    if (f->map) {
        st = f->map(plan.state, zp__host(), in, out);
    } else {
        st = zp_view_alloc(plan.width, plan.height, plan.channels, plan.dtype, out);
        for (int32_t y = 0; !st && y < plan.height;) {
            int32_t h = 1 + (int32_t)(zp_test_rand(&seed) % 7);
            if (h > plan.height - y) h = plan.height - y;
            zp_rect orect = {0, y, plan.width, h}, irect;
            if (f->region) f->region(plan.state, &orect, &irect);
            else irect = (zp_rect){orect.x - plan.halo_x, orect.y - plan.halo_y,
                                   orect.width + 2 * plan.halo_x, orect.height + 2 * plan.halo_y};
            /* clip to the input image */
            int32_t x0 = irect.x < 0 ? 0 : irect.x, y0 = irect.y < 0 ? 0 : irect.y;
            int32_t x1 = irect.x + irect.width, y1 = irect.y + irect.height;
            if (x1 > in->width) x1 = in->width;
            if (y1 > in->height) y1 = in->height;
            irect = (zp_rect){x0, y0, x1 - x0, y1 - y0};
            zp_view iv, ov;
            st = zp_view_crop(in, irect.x, irect.y, irect.width, irect.height, &iv);
            if (!st) st = zp_view_crop(out, 0, y, plan.width, h, &ov);
            iv.flags |= ZP_VIEW_READONLY;
            if (!st) st = f->process(plan.state, &iv, &irect, &ov, &orect);
            zp_view_release(&iv);
            zp_view_release(&ov);
            y += h;
        }
        if (st) zp_view_release(out);
    }
    if (f->done) f->done(plan.state);
    return st;
}

/* The plan message of a failing plan (for checking error texts). */
static inline zp_status harness_plan_message(const zp_filter *f, const zp_param_value *values,
                                             const zp_view *in, char *msg, size_t size) {
    zp_plan plan;
    zp_status st = harness_plan(f, values, in, &plan);
    snprintf(msg, size, "%s", plan.message);
    if (f->done && plan.state) f->done(plan.state);
    return st;
}

#endif
