/* vignette.c: the "vignette" filter: darkens the image towards its corners,
 * by each pixel's distance from the centre of the whole image. A pixel
 * filter whose result depends on where a pixel is: process() finds its
 * place from out_rect, so any split of the image into rectangles (bands
 * across threads, strips) gives the same bytes. */
#include <math.h>
#include <stdlib.h>
#include "filters.h"

static const zp_param_def vignette_params[] = {
    {"strength", ZP_PARAM_FLOAT, 0.0, 1.0, 0.5,
     "how much light is taken where the darkening is full: 0 none, 1 all (black)", NULL, 0},
    {"radius", ZP_PARAM_FLOAT, 0.1, 2.0, 1.0,
     "distance from the centre where the darkening is full, as a fraction of the "
     "half-diagonal (1: the corners)", NULL, 0},
    {"softness", ZP_PARAM_FLOAT, 0.0, 1.0, 0.5,
     "width of the fade before radius, as a fraction of radius: 0 a hard edge, 1 a fade "
     "from the centre", NULL, 0},
    {"shape", ZP_PARAM_CHOICE, 0, 1, 0,
     "circle: round on any image; ellipse: stretched to the frame", "circle|ellipse", 0},
};
enum { P_STRENGTH, P_RADIUS, P_SOFTNESS, P_SHAPE };

/* Per-image state: written by plan(), only read by process(). */
typedef struct vignette_state {
    double  strength;
    double  inner, outer; /* the fade runs from inner to outer (units: see sx) */
    double  cx, cy;       /* centre of the image, in pixels                   */
    double  sx, sy;       /* pixels to units in which the corners are at 1     */
    int32_t colour;       /* colour channels; alpha after them is kept         */
} vignette_state;

/* 1 up to `inner`, 1 - strength from `outer` on, a smoothstep between. */
static double vignette_gain(const vignette_state *s, double d) {
    if (d <= s->inner) return 1.0;
    if (d >= s->outer) return 1.0 - s->strength;
    const double t = (d - s->inner) / (s->outer - s->inner);
    return 1.0 - s->strength * (t * t * (3.0 - 2.0 * t));
}

static zp_status vignette_plan(const zp_plan_args *args, zp_plan *plan) {
    zp_status st = check_input(args, plan, "vignette");
    if (st) return st;
    /* The host has parsed the values and checked them against the table. */
    const zp_param_value *p = args->params;
    vignette_state *s = malloc(sizeof *s);
    if (!s) {
        plan_message(plan, "out of memory");
        return ZP_ERR_NOMEM;
    }
    const double w = args->width, h = args->height;
    s->strength = p[P_STRENGTH].number;
    s->outer = p[P_RADIUS].number;
    s->inner = s->outer * (1.0 - p[P_SOFTNESS].number);
    s->cx = 0.5 * w;
    s->cy = 0.5 * h;
    if ((int)p[P_SHAPE].number == 1) { /* ellipse */
        s->sx = 1.0 / (0.5 * w * sqrt(2.0));
        s->sy = 1.0 / (0.5 * h * sqrt(2.0));
    } else {
        s->sx = s->sy = 1.0 / (0.5 * sqrt(w * w + h * h));
    }
    s->colour = colour_channels(args->channels);
    plan->state = s;
    /* out(x, y) depends on in(x, y) alone: the host may run it in place. */
    plan->flags |= ZP_PLAN_POINT;

    /* A host service, used only if this host's table is long enough. */
    const zp_host *host = args->host;
    if (s->strength == 0.0 && host->struct_size >= offsetof(zp_host, warn) + sizeof host->warn &&
        host->warn)
        host->warn("vignette", "strength=0 leaves the image as it is");
    return ZP_OK;
}

static zp_status vignette_process(void *state, const zp_view *in, const zp_rect *in_rect,
                                  const zp_view *out, const zp_rect *out_rect) {
    const vignette_state *s = state;
    /* out's (0,0) is pixel (out_rect->x, out_rect->y) of the image; in's
     * (0,0) is (in_rect->x, in_rect->y). Same image, so: */
    const int32_t dx = out_rect->x - in_rect->x, dy = out_rect->y - in_rect->y;
    for (int32_t y = 0; y < out->height; y++) {
        const double py = ((out_rect->y + y) + 0.5 - s->cy) * s->sy;
        for (int32_t x = 0; x < out->width; x++) {
            const double px = ((out_rect->x + x) + 0.5 - s->cx) * s->sx;
            const double gain = vignette_gain(s, sqrt(px * px + py * py));
            /* Read a sample, then write it: safe when out is in (in place). */
            for (int32_t c = 0; c < s->colour; c++)
                sample_put(out, x, y, c, sample_get(in, x + dx, y + dy, c) * gain);
            for (int32_t c = s->colour; c < out->channels; c++)
                sample_put(out, x, y, c, sample_get(in, x + dx, y + dy, c));
        }
    }
    return ZP_OK;
}

static void vignette_done(void *state) { free(state); /* NULL when plan() failed early */ }

const zp_filter vignette_filter = {
    ZP_FILTER_HEADER,
    "vignette",
    "darken towards the corners (strength, radius, softness, shape); alpha is kept",
    vignette_params,
    sizeof vignette_params / sizeof vignette_params[0],
    vignette_plan,
    NULL, /* map: this is a pixel filter */
    NULL, /* region: same size, no halo: the output rectangle itself */
    vignette_process,
    vignette_done,
};
