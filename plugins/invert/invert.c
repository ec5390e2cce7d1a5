/* invert.c: the "invert" filter, a photographic negative (max - v). */
#include <stdlib.h>
#include "zeropix/plugin.h"
#include "../builtin.h"
#include "../common/point_kernels.h"

typedef struct invert_state {
    const zp_host *host; /* process() is not handed one */
    const struct zp_point_kernels *k;
    zp_dtype dtype;
    int channels, alpha;
} invert_state;

static zp_status invert_plan(const zp_plan_args *args, zp_plan *plan) {
    zp_status st = zp_point_check_input(args, plan, "invert");
    if (st) return st;
    invert_state *s = malloc(sizeof *s);
    if (!s) return ZP_ERR_NOMEM;
    *s = (invert_state){args->host, zp_point_kernels(), args->dtype, args->channels,
                        args->channels == 2 || args->channels == 4};
    plan->state = s;
    plan->flags |= ZP_PLAN_POINT;
    return ZP_OK;
}

static void invert_rows(const void *ctx, const void *src, void *dst, size_t pixels) {
    const invert_state *s = ctx;
    switch (s->dtype) {
    case ZP_U8: s->k->invert_u8(src, dst, pixels, s->channels, s->alpha); break;
    case ZP_U16: s->k->invert_u16(src, dst, pixels, s->channels, s->alpha); break;
    case ZP_F32: s->k->invert_f32(src, dst, pixels, s->channels, s->alpha); break;
    }
}

static zp_status invert_process(void *state, const zp_view *in, const zp_rect *in_rect,
                                const zp_view *out, const zp_rect *out_rect) {
    const invert_state *s = state;
    return zp_point_run(s->host, in, in_rect, out, out_rect, invert_rows, s);
}

static void invert_done(void *state) { free(state); }

static const zp_filter invert_filter = {
    ZP_FILTER_HEADER, "invert",
    "negative: max - v on every colour sample (1 - v for f32); alpha is kept",
    NULL, 0,
    invert_plan, NULL, NULL, invert_process, invert_done,
};

static const zp_filter *const invert_filters[] = {&invert_filter};
static const zp_plugin invert_plugin = {ZP_PLUGIN_HEADER, "invert", "1.0.0", invert_filters, 1};

ZP_BUILTIN_PLUGIN(invert, invert_plugin)
