/* levels.c: the "levels" filter: brightness, contrast and gamma per colour
 * sample, through a lookup table for integer samples. */
#include <stdio.h>
#include <stdlib.h>
#include "zeropix/plugin.h"
#include "../builtin.h"
#include "../common/point_kernels.h"

/* The formula (zp_levels_apply, point_kernels.h), in units of full scale:
 *   t = (v - 0.5) * contrast + 0.5 + brightness, clamped to 0..1
 *   out = t ^ (1 / gamma)
 * u8 and u16 round half up: out_i = floor(out * max + 0.5). */
static const zp_param_def levels_params[] = {
    {"brightness", ZP_PARAM_FLOAT, -1.0, 1.0, 0.0,
     "added to every colour sample, as a fraction of full scale (0.1 = +10% of white), "
     "after contrast",
     NULL, 0},
    {"contrast", ZP_PARAM_FLOAT, 0.0, 10.0, 1.0,
     "factor on the distance from mid-grey (1 = unchanged, 0 = flat grey, 2 = twice as "
     "strong)",
     NULL, 0},
    {"gamma", ZP_PARAM_FLOAT, 0.1, 10.0, 1.0,
     "output = input ^ (1 / gamma), applied last: > 1 lightens the mid-tones, < 1 darkens "
     "them (1 = unchanged)",
     NULL, 0},
};

enum { P_BRIGHTNESS, P_CONTRAST, P_GAMMA };

typedef struct levels_state {
    const zp_host *host; /* process() is not handed one */
    const struct zp_point_kernels *k;
    zp_dtype dtype;
    int channels, alpha;
    zp_levels levels;  /* f32 */
    uint8_t lut8[256]; /* u8 */
    uint16_t lut16[];  /* u16: 65536 entries */
} levels_state;

static int out_of_range(zp_plan *plan, const char *name, double v, double lo, double hi,
                        const char *meaning) {
    if (v >= lo && v <= hi) return 0; /* also refuses NaN */
    snprintf(plan->message, sizeof plan->message, "%s = %g is outside %g..%g (%s)", name, v, lo,
             hi, meaning);
    return 1;
}

static zp_status levels_plan(const zp_plan_args *args, zp_plan *plan) {
    zp_status st = zp_point_check_input(args, plan, "levels");
    if (st) return st;
    const double brightness = args->params[P_BRIGHTNESS].number;
    const double contrast = args->params[P_CONTRAST].number;
    const double gamma = args->params[P_GAMMA].number;
    if (out_of_range(plan, "brightness", brightness, -1, 1,
                     "a fraction of full scale added to each colour sample, 0 = unchanged") ||
        out_of_range(plan, "contrast", contrast, 0, 10, "a factor, 1 = unchanged") ||
        out_of_range(plan, "gamma", gamma, 0.1, 10, "1 = unchanged, > 1 lightens"))
        return ZP_ERR_INVALID_ARG;

    const size_t extra = args->dtype == ZP_U16 ? 65536 * sizeof(uint16_t) : 0;
    levels_state *s = malloc(sizeof *s + extra);
    if (!s) return ZP_ERR_NOMEM;
    s->host = args->host;
    s->k = zp_point_kernels();
    s->dtype = args->dtype;
    s->channels = args->channels;
    s->alpha = args->channels == 2 || args->channels == 4;
    s->levels = (zp_levels){brightness, contrast, 1.0 / gamma};
    if (gamma == 1.0) s->levels.inv_gamma = 1.0; /* exactly: the kernels skip pow() then */
    if (args->dtype == ZP_U8)
        for (int i = 0; i < 256; i++)
            s->lut8[i] = (uint8_t)(zp_levels_apply(&s->levels, i / 255.0) * 255.0 + 0.5);
    if (args->dtype == ZP_U16)
        for (int i = 0; i < 65536; i++)
            s->lut16[i] = (uint16_t)(zp_levels_apply(&s->levels, i / 65535.0) * 65535.0 + 0.5);
    plan->state = s;
    plan->flags |= ZP_PLAN_POINT;
    return ZP_OK;
}

static void levels_rows(const void *ctx, const void *src, void *dst, size_t pixels) {
    const levels_state *s = ctx;
    switch (s->dtype) {
    case ZP_U8: s->k->lut_u8(src, dst, pixels, s->channels, s->alpha, s->lut8); break;
    case ZP_U16: s->k->lut_u16(src, dst, pixels, s->channels, s->alpha, s->lut16); break;
    case ZP_F32: s->k->levels_f32(src, dst, pixels, s->channels, s->alpha, &s->levels); break;
    }
}

static zp_status levels_process(void *state, const zp_view *in, const zp_rect *in_rect,
                                const zp_view *out, const zp_rect *out_rect) {
    const levels_state *s = state;
    return zp_point_run(s->host, in, in_rect, out, out_rect, levels_rows, s);
}

static void levels_done(void *state) { free(state); }

static const zp_filter levels_filter = {
    ZP_FILTER_HEADER, "levels",
    "brightness, contrast (around mid-grey) and gamma on every colour sample; alpha is kept",
    levels_params, sizeof levels_params / sizeof levels_params[0],
    levels_plan, NULL, NULL, levels_process, levels_done,
};

static const zp_filter *const levels_filters[] = {&levels_filter};
static const zp_plugin levels_plugin = {ZP_PLUGIN_HEADER, "levels", "1.0.0", levels_filters, 1};

ZP_BUILTIN_PLUGIN(levels, levels_plugin)
