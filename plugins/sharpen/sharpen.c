/* sharpen.c: unsharp mask, out = in + amount * (in - blur(in)) where
 * |in - blur| >= threshold, clamped to the sample range. The blur is the
 * Gaussian of blur.c, kept in float (never rounded to the sample type) so
 * that `amount` does not magnify a rounding error. Every channel, alpha
 * included, is sharpened alike; edge pixels are replicated. */
#include <stdlib.h>
#include "zeropix/plugin.h"
#include "../builtin.h"
#include "../common/conv_kernels.h"

typedef struct sharpen_state {
    const struct zp_conv_kernels *k;
    zp_conv_gauss g;
    float amount;
    float threshold; /* in sample units: the parameter times full scale */
    int32_t width, height, channels;
    zp_dtype dtype;
} sharpen_state;

enum { P_SIGMA, P_AMOUNT, P_THRESHOLD };

static const zp_param_def sharpen_params[] = {
    {"sigma", ZP_PARAM_FLOAT, 0.1, 1000.0, 1.0,
     "radius of the blur that is subtracted: Gaussian standard deviation in pixels, 0.1..1000",
     NULL, 0},
    {"amount", ZP_PARAM_FLOAT, 0.0, 10.0, 1.0,
     "strength: 0 leaves the image alone, 1 adds the full difference from the blur, up to 10",
     NULL, 0},
    {"threshold", ZP_PARAM_FLOAT, 0.0, 1.0, 0.0,
     "differences from the blur below this fraction of full scale (0..1) are left alone",
     NULL, 0},
};

static void sharpen_done(void *state) {
    sharpen_state *s = state;
    if (!s) return;
    zp_conv_gauss_free(&s->g);
    free(s);
}

static zp_status sharpen_plan(const zp_plan_args *args, zp_plan *plan) {
    zp_status st = zp_conv_check_input(args, plan, "sharpen");
    if (st) return st;
    const double sigma = args->params[P_SIGMA].number;
    const double amount = args->params[P_AMOUNT].number;
    const double threshold = args->params[P_THRESHOLD].number;
    if (!(sigma >= 0.1 && sigma <= 1000.0)) {
        zp_conv_message(plan, "sigma must be between 0.1 and 1000 pixels (got %g)", sigma);
        return ZP_ERR_INVALID_ARG;
    }
    if (!(amount >= 0.0 && amount <= 10.0)) {
        zp_conv_message(plan, "amount must be between 0 and 10 (got %g)", amount);
        return ZP_ERR_INVALID_ARG;
    }
    if (!(threshold >= 0.0 && threshold <= 1.0)) {
        zp_conv_message(plan,
                        "threshold must be between 0 and 1, a fraction of full scale (got %g)",
                        threshold);
        return ZP_ERR_INVALID_ARG;
    }
    sharpen_state *s = calloc(1, sizeof *s);
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
    s->amount = (float)amount;
    s->threshold = (float)(threshold * zp_conv_full_scale(args->dtype));
    s->width = args->width;
    s->height = args->height;
    s->channels = args->channels;
    s->dtype = args->dtype;
    plan->halo_x = plan->halo_y = s->g.radius;
    return ZP_OK;
}

static zp_status sharpen_process(void *state, const zp_view *in, const zp_rect *in_rect,
                                 const zp_view *out, const zp_rect *out_rect) {
    const sharpen_state *s = state;
    const struct zp_conv_kernels *k = s->k;
    zp_status st = zp_conv_check_call(in, in_rect, out, out_rect, s->width, s->height,
                                      s->g.radius, s->g.radius, s->channels, s->dtype);
    if (st) return st;
    zp_conv_scratch scratch = {0};
    zp_conv_sep sep;
    zp_conv_out o;
    zp_conv_sep_reserve(&sep, k, &s->g, 0, in, in_rect, out_rect, &scratch);
    zp_conv_out_reserve(&o, out, &scratch);
    const size_t n = (size_t)out->width * (size_t)s->channels;
    const size_t off_blur = zp_conv_reserve(&scratch, n, sizeof(float));
    if ((st = zp_conv_scratch_alloc(&scratch))) return st;
    zp_conv_sep_bind(&sep, &scratch);
    zp_conv_out_bind(&o, &scratch);
    float *blur = zp_conv_at(&scratch, off_blur);
    /* The centre row starts (ox0 - x0) pixels into what the row source gives. */
    const size_t skip = (size_t)(sep.ox0 - sep.x0) * (size_t)s->channels;
    for (int32_t y = 0; y < out->height; y++) {
        zp_conv_sep_row(&sep, y, blur, 1);
        const void *centre = zp_conv_rows_get(&sep.rows, sep.oy0 + y);
        void *dst = zp_conv_out_row(&o, y);
        switch (s->dtype) {
        case ZP_U8:
            k->unsharp_u8((const uint8_t *)centre + skip, blur, s->amount, s->threshold, dst, n);
            break;
        case ZP_U16:
            k->unsharp_u16((const uint16_t *)centre + skip, blur, s->amount, s->threshold, dst,
                           n);
            break;
        default:
            k->unsharp_f32((const float *)centre + skip, blur, s->amount, s->threshold, dst, n);
            break;
        }
        zp_conv_out_put(&o, y);
    }
    zp_conv_scratch_free(&scratch);
    return ZP_OK;
}

static const zp_filter sharpen_filter = {
    ZP_FILTER_HEADER,
    "sharpen",
    "Unsharp mask: in + amount * (in - blur), above a threshold (every channel incl. alpha)",
    sharpen_params,
    sizeof sharpen_params / sizeof sharpen_params[0],
    sharpen_plan,
    NULL,
    NULL,
    sharpen_process,
    sharpen_done,
};

static const zp_filter *const sharpen_filters[] = {&sharpen_filter};

static const zp_plugin sharpen_plugin = {
    ZP_PLUGIN_HEADER, "sharpen", "1.0.0", sharpen_filters, 1,
};

ZP_BUILTIN_PLUGIN(sharpen, sharpen_plugin)
