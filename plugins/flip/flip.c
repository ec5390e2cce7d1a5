/* flip.c: the "flip" filter, a mirror image as a view (negative strides). */
#include <stdio.h>
#include "zeropix/plugin.h"
#include "../builtin.h"

static const zp_param_def flip_params[] = {
    {"axis", ZP_PARAM_CHOICE, 0, 2, 0,
     "x mirrors left-right (columns reversed), y mirrors top-bottom (rows reversed), both "
     "does both (= rotate 180)",
     "x|y|both", 0},
};

/* The state points into this table: nothing to allocate or free. */
static const int flip_axes[3] = {ZP_FLIP_X, ZP_FLIP_Y, ZP_FLIP_X | ZP_FLIP_Y};

static zp_status flip_plan(const zp_plan_args *args, zp_plan *plan) {
    if (args->dtype != ZP_U8 && args->dtype != ZP_U16 && args->dtype != ZP_F32) {
        snprintf(plan->message, sizeof plan->message,
                 "unsupported sample type %d (flip works on u8, u16 and f32)", (int)args->dtype);
        return ZP_ERR_UNSUPPORTED;
    }
    const double axis = args->params[0].number;
    if (!(axis == 0 || axis == 1 || axis == 2)) {
        snprintf(plan->message, sizeof plan->message, "axis = %g: must be x, y or both", axis);
        return ZP_ERR_INVALID_ARG;
    }
    plan->state = (void *)&flip_axes[(int)axis];
    return ZP_OK;
}

static zp_status flip_map(void *state, const zp_host *host, const zp_view *in, zp_view *out) {
    return host->view_flip(in, *(const int *)state, out);
}

static const zp_filter flip_filter = {
    ZP_FILTER_HEADER, "flip",
    "mirror the image left-right (x), top-bottom (y) or both; a view, no copy",
    flip_params, sizeof flip_params / sizeof flip_params[0],
    flip_plan, flip_map, NULL, NULL, NULL,
};

static const zp_filter *const flip_filters[] = {&flip_filter};
static const zp_plugin flip_plugin = {ZP_PLUGIN_HEADER, "flip", "1.0.0", flip_filters, 1};

ZP_BUILTIN_PLUGIN(flip, flip_plugin)
