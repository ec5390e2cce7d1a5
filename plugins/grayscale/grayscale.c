/* grayscale.c: the "grayscale" filter, Rec. 601 luma from RGB(A). */
#include <stdlib.h>
#include <string.h>
#include "zeropix/plugin.h"
#include "../builtin.h"
#include "../common/point_kernels.h"

/* RGB -> 1 channel, RGBA -> 2 (gray + the same alpha), with the fixed-point
 * weights of point_kernels.h (exact on gray, round half up). Gray and
 * gray+alpha input is already gray: it passes through unchanged. */

typedef struct grayscale_state {
    const zp_host *host; /* process() is not handed one */
    const struct zp_point_kernels *k;
    zp_dtype dtype;
    int alpha;         /* RGBA in */
    size_t pass_bytes; /* gray in: bytes per pixel copied through; 0 for RGB(A) */
} grayscale_state;

static zp_status grayscale_plan(const zp_plan_args *args, zp_plan *plan) {
    zp_status st = zp_point_check_input(args, plan, "grayscale");
    if (st) return st;
    grayscale_state *s = malloc(sizeof *s);
    if (!s) return ZP_ERR_NOMEM;
    const int colour = args->channels >= 3;
    *s = (grayscale_state){args->host, zp_point_kernels(), args->dtype, args->channels == 4,
                           colour ? 0 : (size_t)args->channels * zp_sample_bytes(args->dtype)};
    plan->state = s;
    if (colour) {
        plan->channels = args->channels - 2; /* not a point filter: the pixel size changes */
    } else {
        plan->flags |= ZP_PLAN_POINT;
    }
    return ZP_OK;
}

static void grayscale_rows(const void *ctx, const void *src, void *dst, size_t pixels) {
    const grayscale_state *s = ctx;
    if (s->pass_bytes) {
        if (dst != src) memcpy(dst, src, pixels * s->pass_bytes);
        return;
    }
    switch (s->dtype) {
    case ZP_U8: s->k->gray_u8(src, dst, pixels, s->alpha); break;
    case ZP_U16: s->k->gray_u16(src, dst, pixels, s->alpha); break;
    case ZP_F32: s->k->gray_f32(src, dst, pixels, s->alpha); break;
    }
}

static zp_status grayscale_process(void *state, const zp_view *in, const zp_rect *in_rect,
                                   const zp_view *out, const zp_rect *out_rect) {
    const grayscale_state *s = state;
    return zp_point_run(s->host, in, in_rect, out, out_rect, grayscale_rows, s);
}

static void grayscale_done(void *state) { free(state); }

static const zp_filter grayscale_filter = {
    ZP_FILTER_HEADER, "grayscale",
    "Rec. 601 luma 0.299 R + 0.587 G + 0.114 B: RGB -> gray, RGBA -> gray + alpha; gray "
    "input unchanged",
    NULL, 0,
    grayscale_plan, NULL, NULL, grayscale_process, grayscale_done,
};

static const zp_filter *const grayscale_filters[] = {&grayscale_filter};
static const zp_plugin grayscale_plugin = {ZP_PLUGIN_HEADER, "grayscale", "1.0.0",
                                           grayscale_filters, 1};

ZP_BUILTIN_PLUGIN(grayscale, grayscale_plugin)
