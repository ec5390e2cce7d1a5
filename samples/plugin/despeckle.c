/* despeckle.c: the "despeckle" filter: each colour sample becomes the median
 * of the (2 radius + 1)^2 window around it, which removes isolated specks
 * (salt-and-pepper noise, dust on a scan) and keeps edges. A filter that
 * reads around each output pixel: it declares that reach as its halo and
 * replicates the edge pixels where the window leaves the image. */
#include <stdlib.h>
#include "filters.h"

#define DESPECKLE_MAX_RADIUS 3

static const zp_param_def despeckle_params[] = {
    {"radius", ZP_PARAM_INT, 1, DESPECKLE_MAX_RADIUS, 1,
     "window half-size in pixels: 1 is 3x3, 2 is 5x5, 3 is 7x7", NULL, 0},
};

/* No allocation: the state is the radius itself. */
static zp_status despeckle_plan(const zp_plan_args *args, zp_plan *plan) {
    zp_status st = check_input(args, plan, "despeckle");
    if (st) return st;
    const int32_t radius = (int32_t)args->params[0].number;
    plan->state = (void *)(intptr_t)radius;
    /* The host hands process() the output rectangle grown by this much on
     * every side (clipped to the image). No ZP_PLAN_POINT: out(x, y) reads
     * the neighbours of in(x, y), so it cannot be written in place. */
    plan->halo_x = plan->halo_y = radius;
    return ZP_OK;
}

static void sort(double *v, int n) { /* insertion sort: n is at most 49 */
    for (int i = 1; i < n; i++) {
        const double t = v[i];
        int j = i;
        for (; j > 0 && v[j - 1] > t; j--) v[j] = v[j - 1];
        v[j] = t;
    }
}

static zp_status despeckle_process(void *state, const zp_view *in, const zp_rect *in_rect,
                                   const zp_view *out, const zp_rect *out_rect) {
    const int32_t r = (int32_t)(intptr_t)state, colour = colour_channels(out->channels);
    const int32_t dx = out_rect->x - in_rect->x, dy = out_rect->y - in_rect->y;
    double window[(2 * DESPECKLE_MAX_RADIUS + 1) * (2 * DESPECKLE_MAX_RADIUS + 1)];
    for (int32_t y = 0; y < out->height; y++)
        for (int32_t x = 0; x < out->width; x++) {
            const int32_t ix = x + dx, iy = y + dy; /* this pixel in `in` */
            for (int32_t c = 0; c < colour; c++) {
                int n = 0;
                for (int32_t wy = iy - r; wy <= iy + r; wy++)
                    for (int32_t wx = ix - r; wx <= ix + r; wx++) {
                        /* Outside `in` is outside the image: replicate the
                         * nearest edge pixel, never read past the view. */
                        const int32_t sx = zp_clamp_i32(wx, 0, in->width - 1);
                        const int32_t sy = zp_clamp_i32(wy, 0, in->height - 1);
                        window[n++] = sample_get(in, sx, sy, c);
                    }
                sort(window, n);
                sample_put(out, x, y, c, window[n / 2]);
            }
            for (int32_t c = colour; c < out->channels; c++)
                sample_put(out, x, y, c, sample_get(in, ix, iy, c));
        }
    return ZP_OK;
}

const zp_filter despeckle_filter = {
    ZP_FILTER_HEADER,
    "despeckle",
    "median of the (2 radius + 1)^2 window on colour channels: removes specks, keeps edges",
    despeckle_params,
    sizeof despeckle_params / sizeof despeckle_params[0],
    despeckle_plan,
    NULL,
    NULL, /* region: out_rect grown by the halo */
    despeckle_process,
    NULL, /* done: nothing was allocated */
};
