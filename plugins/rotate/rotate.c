/* rotate.c: the "rotate" filter, quarter turns clockwise as a view. */
#include <stdio.h>
#include "zeropix/plugin.h"
#include "../builtin.h"

static const zp_param_def rotate_params[] = {
    {"angle", ZP_PARAM_INT, -90, 270, 90,
     "clockwise rotation in degrees: 90, 180 or 270; -90 turns counter-clockwise (= 270)",
     NULL, 0},
};

/* The state points into this table: nothing to allocate or free. */
static const int rotate_angles[4] = {90, 180, 270, -90};

static zp_status rotate_plan(const zp_plan_args *args, zp_plan *plan) {
    if (args->dtype != ZP_U8 && args->dtype != ZP_U16 && args->dtype != ZP_F32) {
        snprintf(plan->message, sizeof plan->message,
                 "unsupported sample type %d (rotate works on u8, u16 and f32)",
                 (int)args->dtype);
        return ZP_ERR_UNSUPPORTED;
    }
    const double angle = args->params[0].number;
    for (int i = 0; i < 4; i++) {
        if (angle != rotate_angles[i]) continue;
        plan->state = (void *)&rotate_angles[i];
        if (angle != 180) { /* a quarter turn swaps width and height */
            plan->width = args->height;
            plan->height = args->width;
        }
        return ZP_OK;
    }
    snprintf(plan->message, sizeof plan->message,
             "angle = %g: must be 90, 180, 270 or -90 (degrees clockwise)", angle);
    return ZP_ERR_INVALID_ARG;
}

static zp_status rotate_map(void *state, const zp_host *host, const zp_view *in,
                            zp_view *out) {
    return host->view_rotate(in, *(const int *)state, out);
}

static const zp_filter rotate_filter = {
    ZP_FILTER_HEADER, "rotate",
    "turn the image clockwise by 90, 180 or 270 degrees; a view, no copy",
    rotate_params, sizeof rotate_params / sizeof rotate_params[0],
    rotate_plan, rotate_map, NULL, NULL, NULL,
};

static const zp_filter *const rotate_filters[] = {&rotate_filter};
static const zp_plugin rotate_plugin = {ZP_PLUGIN_HEADER, "rotate", "1.0.0", rotate_filters, 1};

ZP_BUILTIN_PLUGIN(rotate, rotate_plugin)
