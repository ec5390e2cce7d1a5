/* resize.c: the `resize` filter: to a width, a height or by a scale factor,
 * with nearest, bilinear, bicubic or Lanczos3 (the resampler itself is in
 * ../common/resize_kernels.c, shared with `thumbnail`). */
#include <math.h>
#include <stdio.h>
#include "zeropix/plugin.h"
#include "../builtin.h"
#include "../common/resize_kernels.h"

enum { P_WIDTH, P_HEIGHT, P_SCALE, P_KERNEL };

static const zp_param_def params[] = {
    [P_WIDTH] = {"width", ZP_PARAM_INT, 0, ZP_RESIZE_MAX_SIDE, 0,
                 "output width in pixels; 0 = from height, keeping the aspect ratio", NULL, 0},
    [P_HEIGHT] = {"height", ZP_PARAM_INT, 0, ZP_RESIZE_MAX_SIDE, 0,
                  "output height in pixels; 0 = from width, keeping the aspect ratio", NULL, 0},
    [P_SCALE] = {"scale", ZP_PARAM_FLOAT, 0, ZP_RESIZE_MAX_SIDE, 0,
                 "factor for both sides (0.5 = half size); 0 = unused; not with width or height",
                 NULL, 0},
    [P_KERNEL] = {"kernel", ZP_PARAM_CHOICE, 0, ZP_RESIZE_LANCZOS3, ZP_RESIZE_LANCZOS3,
                  "resampling kernel, widened when downscaling (antialiased); alpha is "
                  "resampled like colour (not premultiplied)",
                  ZP_RESIZE_FILTER_CHOICES, 0},
};

static zp_status resize_plan(const zp_plan_args *args, zp_plan *plan) {
    int32_t width, height;
    zp_resize_filter filter;
    zp_status st = zp__resize_side_param(&args->params[P_WIDTH], "width", plan, &width);
    if (!st) st = zp__resize_side_param(&args->params[P_HEIGHT], "height", plan, &height);
    if (!st) st = zp__resize_filter_param(&args->params[P_KERNEL], "kernel", plan, &filter);
    if (st) return st;
    const double scale = args->params[P_SCALE].number;
    if (!(scale >= 0 && scale <= ZP_RESIZE_MAX_SIDE)) {
        snprintf(plan->message, sizeof plan->message,
                 "scale must be a number in 0..%d, 0 meaning unused (got %g)",
                 ZP_RESIZE_MAX_SIDE, scale);
        return ZP_ERR_INVALID_ARG;
    }
    if (scale > 0 && (width || height)) {
        snprintf(plan->message, sizeof plan->message,
                 "scale cannot be combined with width or height: give a scale, or a size");
        return ZP_ERR_INVALID_ARG;
    }
    if (!width && !height && !(scale > 0)) {
        snprintf(plan->message, sizeof plan->message,
                 "give width, height or scale (\"resize:800\" is width=800)");
        return ZP_ERR_INVALID_ARG;
    }

    const int64_t in_w = args->width, in_h = args->height;
    int64_t out_w, out_h;
    const char *what;
    if (scale > 0) {
        /* in * scale < 2^31 * 2^16: exact enough in double, fits int64 */
        out_w = (int64_t)floor((double)in_w * scale + 0.5);
        out_h = (int64_t)floor((double)in_h * scale + 0.5);
        out_w = out_w < 1 ? 1 : out_w;
        out_h = out_h < 1 ? 1 : out_h;
        what = "scale";
    } else if (width && height) {
        out_w = width, out_h = height, what = "width and height";
    } else if (width) {
        out_w = width, what = "width";
        out_h = in_w > 0 ? zp__resize_scaled_side(in_h, width, in_w) : 0;
    } else {
        out_h = height, what = "height";
        out_w = in_h > 0 ? zp__resize_scaled_side(in_w, height, in_h) : 0;
    }
    return zp__resize_plan(args, out_w, out_h, filter, what, plan);
}

static const zp_filter resize_filter = {
    ZP_FILTER_HEADER,
    .name = "resize",
    .summary = "resize to a width, a height or by a scale (nearest, bilinear, bicubic, lanczos3)",
    .params = params,
    .param_count = sizeof params / sizeof params[0],
    .plan = resize_plan,
    .region = zp__resize_region,
    .process = zp__resize_process,
    .done = zp__resize_done,
};

static const zp_filter *const filters[] = {&resize_filter};

static const zp_plugin resize_plugin = {
    ZP_PLUGIN_HEADER, "resize", "1.0.0", filters, sizeof filters / sizeof filters[0],
};

ZP_BUILTIN_PLUGIN(resize, resize_plugin)
