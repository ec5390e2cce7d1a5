/* posterize.c: the "posterize" filter: keeps `levels` evenly spaced values
 * per colour channel (2: black or full, 4: a poster look). Integer images go
 * through a table built once per image in plan() and shared, read-only, by
 * every process() call. */
#include <math.h>
#include <stdlib.h>
#include "filters.h"

static const zp_param_def posterize_params[] = {
    {"levels", ZP_PARAM_INT, 2, 256, 4,
     "values kept per colour channel, evenly spaced from 0 to full scale", NULL, 0},
};

typedef struct posterize_state {
    int32_t   colour; /* colour channels; alpha after them is kept        */
    uint32_t  steps;  /* levels - 1                                       */
    uint16_t *lut;    /* u8: 256 entries, u16: 65536; NULL for f32        */
} posterize_state;

static void posterize_done(void *state) {
    posterize_state *s = state;
    if (!s) return;
    free(s->lut);
    free(s);
}

static zp_status posterize_plan(const zp_plan_args *args, zp_plan *plan) {
    zp_status st = check_input(args, plan, "posterize");
    if (st) return st;
    posterize_state *s = calloc(1, sizeof *s);
    if (!s) {
        plan_message(plan, "out of memory");
        return ZP_ERR_NOMEM;
    }
    plan->state = s; /* from here on, done() frees it whatever happens */
    s->colour = colour_channels(args->channels);
    s->steps = (uint32_t)args->params[0].number - 1;
    if (args->dtype != ZP_F32) {
        /* v -> the nearest of the levels, then back to full scale; both
         * rounded half up, exactly, in integers. */
        const uint32_t max = args->dtype == ZP_U8 ? 255 : 65535, n = s->steps;
        if (!(s->lut = malloc(((size_t)max + 1) * sizeof *s->lut))) {
            plan_message(plan, "out of memory for a %u-entry table", (unsigned)max + 1);
            return ZP_ERR_NOMEM;
        }
        for (uint32_t v = 0; v <= max; v++) {
            const uint32_t q = (2 * v * n + max) / (2 * max);
            s->lut[v] = (uint16_t)((2 * q * max + n) / (2 * n));
        }
    }
    plan->flags |= ZP_PLAN_POINT;
    return ZP_OK;
}

static zp_status posterize_process(void *state, const zp_view *in, const zp_rect *in_rect,
                                   const zp_view *out, const zp_rect *out_rect) {
    const posterize_state *s = state;
    const int32_t dx = out_rect->x - in_rect->x, dy = out_rect->y - in_rect->y;
    const double n = s->steps;
    for (int32_t y = 0; y < out->height; y++)
        for (int32_t x = 0; x < out->width; x++)
            for (int32_t c = 0; c < out->channels; c++) {
                double v = sample_get(in, x + dx, y + dy, c);
                if (c < s->colour) {
                    if (s->lut) {
                        v = s->lut[(uint32_t)v];
                    } else { /* f32: clamp to 0..1 (NaN to 0) first */
                        v = !(v > 0.0) ? 0.0 : v > 1.0 ? 1.0 : v;
                        v = floor(v * n + 0.5) / n;
                    }
                }
                sample_put(out, x, y, c, v);
            }
    return ZP_OK;
}

const zp_filter posterize_filter = {
    ZP_FILTER_HEADER,
    "posterize",
    "keep a few evenly spaced values per colour channel (levels); alpha is kept",
    posterize_params,
    sizeof posterize_params / sizeof posterize_params[0],
    posterize_plan,
    NULL,
    NULL,
    posterize_process,
    posterize_done,
};
