/* blur.c: Gaussian blur, separable (vertical pass over whole rows, then a
 * horizontal pass over one padded row). u8 runs in Q14 fixed point whenever
 * that is provably accurate to half a level (every sigma up to 4.7, most up
 * to 7.6, none from 13 on), else in float like u16 and f32. Every channel,
 * alpha included, is blurred alike; edge pixels are replicated. */
#include <stdlib.h>
#include "zeropix/plugin.h"
#include "../builtin.h"
#include "../common/conv_kernels.h"

typedef struct blur_state {
    const struct zp_conv_kernels *k;
    zp_conv_gauss g;
    int32_t width, height, channels;
    zp_dtype dtype;
    int q14; /* u8 through the fixed-point kernels */
} blur_state;

static const zp_param_def blur_params[] = {
    {"sigma", ZP_PARAM_FLOAT, 0.1, 1000.0, 1.0,
     "Gaussian standard deviation in pixels, 0.1..1000; reads ceil(3*sigma) pixels each side",
     NULL, 0},
};

static void blur_done(void *state) {
    blur_state *s = state;
    if (!s) return;
    zp_conv_gauss_free(&s->g);
    free(s);
}

static zp_status blur_plan(const zp_plan_args *args, zp_plan *plan) {
    zp_status st = zp_conv_check_input(args, plan, "blur");
    if (st) return st;
    const double sigma = args->params[0].number;
    if (!(sigma >= 0.1 && sigma <= 1000.0)) {
        zp_conv_message(plan, "sigma must be between 0.1 and 1000 pixels (got %g)", sigma);
        return ZP_ERR_INVALID_ARG;
    }
    blur_state *s = calloc(1, sizeof *s);
    if (!s) {
        zp_conv_message(plan, "out of memory");
        return ZP_ERR_NOMEM;
    }
    plan->state = s;
    if ((st = zp_conv_gauss_init(&s->g, sigma))) {
        zp_conv_message(plan, "out of memory for the Gaussian weights (sigma %g)", sigma);
        return st;
    }
    s->k = zp_conv_kernels();
    s->width = args->width;
    s->height = args->height;
    s->channels = args->channels;
    s->dtype = args->dtype;
    s->q14 = args->dtype == ZP_U8 && s->g.q14_ok;
    plan->halo_x = plan->halo_y = s->g.radius;
    return ZP_OK;
}

static zp_status blur_process(void *state, const zp_view *in, const zp_rect *in_rect,
                              const zp_view *out, const zp_rect *out_rect) {
    const blur_state *s = state;
    zp_status st = zp_conv_check_call(in, in_rect, out, out_rect, s->width, s->height,
                                      s->g.radius, s->g.radius, s->channels, s->dtype);
    if (st) return st;
    zp_conv_scratch scratch = {0};
    zp_conv_sep sep;
    zp_conv_out o;
    zp_conv_sep_reserve(&sep, s->k, &s->g, s->q14, in, in_rect, out_rect, &scratch);
    zp_conv_out_reserve(&o, out, &scratch);
    if ((st = zp_conv_scratch_alloc(&scratch))) return st;
    zp_conv_sep_bind(&sep, &scratch);
    zp_conv_out_bind(&o, &scratch);
    for (int32_t y = 0; y < out->height; y++) {
        zp_conv_sep_row(&sep, y, zp_conv_out_row(&o, y), 0);
        zp_conv_out_put(&o, y);
    }
    zp_conv_scratch_free(&scratch);
    return ZP_OK;
}

static const zp_filter blur_filter = {
    ZP_FILTER_HEADER,
    "blur",
    "Gaussian blur (sigma in pixels; every channel incl. alpha; edges replicated)",
    blur_params,
    sizeof blur_params / sizeof blur_params[0],
    blur_plan,
    NULL,
    NULL,
    blur_process,
    blur_done,
};

static const zp_filter *const blur_filters[] = {&blur_filter};

static const zp_plugin blur_plugin = {
    ZP_PLUGIN_HEADER, "blur", "1.0.0", blur_filters, 1,
};

ZP_BUILTIN_PLUGIN(blur, blur_plugin)
