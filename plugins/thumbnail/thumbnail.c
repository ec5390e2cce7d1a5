/* thumbnail.c: the `thumbnail` filter: shrink to fit inside a box, keeping
 * the aspect ratio; it computes the size, and the resize machinery
 * (../common/resize_kernels.c) does the rest. */
#include <stdio.h>
#include "zeropix/plugin.h"
#include "../builtin.h"
#include "../common/resize_kernels.h"

enum { P_WIDTH, P_HEIGHT, P_KERNEL, P_UPSCALE };

static const zp_param_def params[] = {
    [P_WIDTH] = {"width", ZP_PARAM_INT, 0, ZP_RESIZE_MAX_SIDE, 0,
                 "width of the box in pixels; 0 = unbounded (then height is needed)", NULL, 0},
    [P_HEIGHT] = {"height", ZP_PARAM_INT, 0, ZP_RESIZE_MAX_SIDE, 0,
                  "height of the box in pixels; 0 = unbounded (then width is needed)", NULL, 0},
    [P_KERNEL] = {"kernel", ZP_PARAM_CHOICE, 0, ZP_RESIZE_LANCZOS3, ZP_RESIZE_LANCZOS3,
                  "resampling kernel, widened when downscaling (antialiased); alpha is "
                  "resampled like colour (not premultiplied)",
                  ZP_RESIZE_FILTER_CHOICES, 0},
    [P_UPSCALE] = {"upscale", ZP_PARAM_BOOL, 0, 1, 0,
                   "1: also enlarge images smaller than the box; 0: keep their size", NULL, 0},
};

static zp_status thumbnail_plan(const zp_plan_args *args, zp_plan *plan) {
    int32_t box_w, box_h;
    zp_resize_filter filter;
    zp_status st = zp__resize_side_param(&args->params[P_WIDTH], "width", plan, &box_w);
    if (!st) st = zp__resize_side_param(&args->params[P_HEIGHT], "height", plan, &box_h);
    if (!st) st = zp__resize_filter_param(&args->params[P_KERNEL], "kernel", plan, &filter);
    if (st) return st;
    const double up = args->params[P_UPSCALE].number;
    if (up != 0 && up != 1) {
        snprintf(plan->message, sizeof plan->message, "upscale must be 0 or 1 (got %g)", up);
        return ZP_ERR_INVALID_ARG;
    }
    if (!box_w && !box_h) {
        snprintf(plan->message, sizeof plan->message,
                 "give width or height of the box (0 means unbounded, but not for both)");
        return ZP_ERR_INVALID_ARG;
    }
    const int64_t in_w = args->width, in_h = args->height;
    if (in_w < 1 || in_h < 1) return zp__resize_plan(args, 0, 0, filter, "input", plan);

    /* The side whose box limit is tighter sets the factor: width when
     * box_w / in_w <= box_h / in_h (an unbounded side never limits). */
    int64_t out_w, out_h;
    int enlarges;
    if (box_w && (!box_h || (int64_t)box_w * in_h <= (int64_t)box_h * in_w)) {
        out_w = box_w;
        out_h = zp__resize_scaled_side(in_h, box_w, in_w); /* <= box_h by the test above */
        enlarges = box_w > in_w;
    } else {
        out_h = box_h;
        out_w = zp__resize_scaled_side(in_w, box_h, in_h);
        enlarges = box_h > in_h;
    }
    if (enlarges && up == 0) out_w = in_w, out_h = in_h;
    const char *what = box_w && box_h ? "width and height" : box_w ? "width" : "height";
    return zp__resize_plan(args, out_w, out_h, filter, what, plan);
}

static const zp_filter thumbnail_filter = {
    ZP_FILTER_HEADER,
    .name = "thumbnail",
    .summary = "shrink to fit inside a width x height box, keeping the aspect ratio",
    .params = params,
    .param_count = sizeof params / sizeof params[0],
    .plan = thumbnail_plan,
    .region = zp__resize_region,
    .process = zp__resize_process,
    .done = zp__resize_done,
};

static const zp_filter *const filters[] = {&thumbnail_filter};

static const zp_plugin thumbnail_plugin = {
    ZP_PLUGIN_HEADER, "thumbnail", "1.0.0", filters, sizeof filters / sizeof filters[0],
};

ZP_BUILTIN_PLUGIN(thumbnail, thumbnail_plugin)
