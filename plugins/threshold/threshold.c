/* threshold.c: the "threshold" filter, each colour sample to 0 or full scale. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "zeropix/plugin.h"
#include "../builtin.h"
#include "../common/point_kernels.h"

static const zp_param_def threshold_params[] = {
    {"value", ZP_PARAM_FLOAT, 0.0, 1.0, 0.5,
     "cut-off as a fraction of full scale (0..1): colour samples >= value x max become max "
     "(255, 65535, 1.0), the others 0; alpha is kept",
     NULL, 0},
};

typedef struct threshold_state {
    const zp_host *host; /* process() is not handed one */
    const struct zp_point_kernels *k;
    zp_dtype dtype;
    int channels, alpha;
    uint16_t level;  /* integers: v >= level, level = ceil(value * max) */
    float level_f32; /* f32: the smallest float >= value, so the float test is exact */
} threshold_state;

static zp_status threshold_plan(const zp_plan_args *args, zp_plan *plan) {
    zp_status st = zp_point_check_input(args, plan, "threshold");
    if (st) return st;
    const double value = args->params[0].number;
    if (!(value >= 0.0 && value <= 1.0)) {
        snprintf(plan->message, sizeof plan->message,
                 "value = %g is outside 0..1 (a fraction of full scale: 0.5 = mid-grey)", value);
        return ZP_ERR_INVALID_ARG;
    }
    threshold_state *s = malloc(sizeof *s);
    if (!s) return ZP_ERR_NOMEM;
    const double max = args->dtype == ZP_U8 ? 255.0 : 65535.0;
    float f = (float)value;
    if ((double)f < value) f = nextafterf(f, 2.0f);
    /* For an integer v, v >= value * max exactly when v >= ceil(value * max). */
    *s = (threshold_state){args->host, zp_point_kernels(), args->dtype, args->channels,
                           args->channels == 2 || args->channels == 4,
                           (uint16_t)ceil(value * max), f};
    plan->state = s;
    plan->flags |= ZP_PLAN_POINT;
    return ZP_OK;
}

static void threshold_rows(const void *ctx, const void *src, void *dst, size_t pixels) {
    const threshold_state *s = ctx;
    switch (s->dtype) {
    case ZP_U8:
        s->k->threshold_u8(src, dst, pixels, s->channels, s->alpha, (uint8_t)s->level);
        break;
    case ZP_U16:
        s->k->threshold_u16(src, dst, pixels, s->channels, s->alpha, s->level);
        break;
    case ZP_F32:
        s->k->threshold_f32(src, dst, pixels, s->channels, s->alpha, s->level_f32);
        break;
    }
}

static zp_status threshold_process(void *state, const zp_view *in, const zp_rect *in_rect,
                                   const zp_view *out, const zp_rect *out_rect) {
    const threshold_state *s = state;
    return zp_point_run(s->host, in, in_rect, out, out_rect, threshold_rows, s);
}

static void threshold_done(void *state) { free(state); }

static const zp_filter threshold_filter = {
    ZP_FILTER_HEADER, "threshold",
    "black and white per colour sample: >= value x max becomes max, the rest 0",
    threshold_params, sizeof threshold_params / sizeof threshold_params[0],
    threshold_plan, NULL, NULL, threshold_process, threshold_done,
};

static const zp_filter *const threshold_filters[] = {&threshold_filter};
static const zp_plugin threshold_plugin = {ZP_PLUGIN_HEADER, "threshold", "1.0.0",
                                           threshold_filters, 1};

ZP_BUILTIN_PLUGIN(threshold, threshold_plugin)
