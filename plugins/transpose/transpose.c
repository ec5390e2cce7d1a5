/* transpose.c: the "transpose" filter, rows and columns swapped as a view. */
#include <stdio.h>
#include "zeropix/plugin.h"
#include "../builtin.h"

static zp_status transpose_plan(const zp_plan_args *args, zp_plan *plan) {
    if (args->dtype != ZP_U8 && args->dtype != ZP_U16 && args->dtype != ZP_F32) {
        snprintf(plan->message, sizeof plan->message,
                 "unsupported sample type %d (transpose works on u8, u16 and f32)",
                 (int)args->dtype);
        return ZP_ERR_UNSUPPORTED;
    }
    plan->width = args->height;
    plan->height = args->width;
    return ZP_OK;
}

static zp_status transpose_map(void *state, const zp_host *host, const zp_view *in,
                               zp_view *out) {
    return host->view_transpose(in, out);
}

static const zp_filter transpose_filter = {
    ZP_FILTER_HEADER, "transpose",
    "swap rows and columns (mirror across the top-left to bottom-right diagonal); a view, no "
    "copy",
    NULL, 0,
    transpose_plan, transpose_map, NULL, NULL, NULL,
};

static const zp_filter *const transpose_filters[] = {&transpose_filter};
static const zp_plugin transpose_plugin = {ZP_PLUGIN_HEADER, "transpose", "1.0.0",
                                           transpose_filters, 1};

ZP_BUILTIN_PLUGIN(transpose, transpose_plugin)
