/* crop.c: the "crop" filter, a rectangle of the image as a view (no copy). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "zeropix/plugin.h"
#include "../builtin.h"

static const zp_param_def crop_params[] = {
    {"x", ZP_PARAM_INT, 0, 2147483647.0, 0,
     "left edge of the rectangle, in pixels from the left of the image", NULL, 0},
    {"y", ZP_PARAM_INT, 0, 2147483647.0, 0,
     "top edge of the rectangle, in pixels from the top of the image", NULL, 0},
    {"w", ZP_PARAM_INT, 0, 2147483647.0, 0,
     "width of the rectangle in pixels; 0 = up to the right edge of the image", NULL, 0},
    {"h", ZP_PARAM_INT, 0, 2147483647.0, 0,
     "height of the rectangle in pixels; 0 = down to the bottom edge of the image", NULL, 0},
};

typedef struct crop_state {
    int32_t x, y, w, h;
} crop_state;

/* A whole number >= 0 that fits in int32_t, or a message naming `name`. */
static int whole(zp_plan *plan, const char *name, double v, const char *zero) {
    if (v >= 0 && v <= 2147483647.0 && v == floor(v)) return 0;
    snprintf(plan->message, sizeof plan->message,
             "%s = %g: must be a whole number of pixels from 0 to 2147483647%s", name, v, zero);
    return 1;
}

/* One axis: the origin inside the image, the extent (0 = to the edge) not past it. */
static int axis(zp_plan *plan, const char *o, const char *e, double origin, double extent,
                int32_t size, const char *dim, int32_t *out_origin, int32_t *out_extent) {
    if (origin >= size) {
        snprintf(plan->message, sizeof plan->message,
                 "%s = %.0f is past the image %s %d (%s must be 0..%d)", o, origin, dim,
                 (int)size, o, (int)size - 1);
        return 1;
    }
    if (extent == 0) extent = size - origin;
    if (origin + extent > size) {
        snprintf(plan->message, sizeof plan->message,
                 "%s + %s = %.0f is past the image %s %d (%s may be at most %.0f, or 0 for up "
                 "to the edge)",
                 o, e, origin + extent, dim, (int)size, e, size - origin);
        return 1;
    }
    *out_origin = (int32_t)origin;
    *out_extent = (int32_t)extent;
    return 0;
}

static zp_status crop_plan(const zp_plan_args *args, zp_plan *plan) {
    if (args->dtype != ZP_U8 && args->dtype != ZP_U16 && args->dtype != ZP_F32) {
        snprintf(plan->message, sizeof plan->message,
                 "unsupported sample type %d (crop works on u8, u16 and f32)", (int)args->dtype);
        return ZP_ERR_UNSUPPORTED;
    }
    const double x = args->params[0].number, y = args->params[1].number;
    const double w = args->params[2].number, h = args->params[3].number;
    crop_state r;
    if (whole(plan, "x", x, "") || whole(plan, "y", y, "") ||
        whole(plan, "w", w, " (0 = up to the right edge)") ||
        whole(plan, "h", h, " (0 = down to the bottom edge)") ||
        axis(plan, "x", "w", x, w, args->width, "width", &r.x, &r.w) ||
        axis(plan, "y", "h", y, h, args->height, "height", &r.y, &r.h))
        return ZP_ERR_INVALID_ARG;
    crop_state *s = malloc(sizeof *s);
    if (!s) return ZP_ERR_NOMEM;
    *s = r;
    plan->state = s;
    plan->width = r.w;
    plan->height = r.h;
    return ZP_OK;
}

static zp_status crop_map(void *state, const zp_host *host, const zp_view *in, zp_view *out) {
    const crop_state *s = state;
    return host->view_crop(in, s->x, s->y, s->w, s->h, out);
}

static void crop_done(void *state) { free(state); }

static const zp_filter crop_filter = {
    ZP_FILTER_HEADER, "crop",
    "keep the rectangle x, y, w, h (pixels); a view of the same memory, no copy",
    crop_params, sizeof crop_params / sizeof crop_params[0],
    crop_plan, crop_map, NULL, NULL, crop_done,
};

static const zp_filter *const crop_filters[] = {&crop_filter};
static const zp_plugin crop_plugin = {ZP_PLUGIN_HEADER, "crop", "1.0.0", crop_filters, 1};

ZP_BUILTIN_PLUGIN(crop, crop_plugin)
