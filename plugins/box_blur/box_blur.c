/* box_blur.c: mean over a (2r+1) x (2r+1) square, by running sums in both
 * directions, so the cost per pixel does not depend on the radius. Integer
 * results are exact: the integer sum S over N = (2r+1)^2 samples gives
 * (S + N/2) / N, the mean rounded to nearest, halves up. f32 samples are
 * summed exactly on a 2^-28 grid (clamped to +-1024), so results do not
 * depend on band boundaries. Every channel, alpha included, is averaged
 * alike; edge pixels are replicated. */
#include <stdlib.h>
#include <string.h>
#include "zeropix/plugin.h"
#include "../builtin.h"
#include "../common/conv_kernels.h"

typedef struct box_state {
    const struct zp_conv_kernels *k;
    int32_t radius;
    int32_t width, height, channels;
    zp_dtype dtype;
} box_state;

static const zp_param_def box_params[] = {
    {"radius", ZP_PARAM_INT, 1.0, (double)ZP_CONV_BOX_MAX_RADIUS, 1.0,
     "half-size in pixels, 1..2000: each pixel becomes the mean of (2*radius+1)^2 pixels",
     NULL, 0},
};

static void box_done(void *state) { free(state); }

static zp_status box_plan(const zp_plan_args *args, zp_plan *plan) {
    zp_status st = zp_conv_check_input(args, plan, "box_blur");
    if (st) return st;
    const double r = args->params[0].number;
    if (!(r >= 1.0 && r <= ZP_CONV_BOX_MAX_RADIUS) || r != (double)(int32_t)r) {
        zp_conv_message(plan, "radius must be a whole number of pixels from 1 to %d (got %g)",
                        ZP_CONV_BOX_MAX_RADIUS, r);
        return ZP_ERR_INVALID_ARG;
    }
    box_state *s = calloc(1, sizeof *s);
    if (!s) {
        zp_conv_message(plan, "out of memory");
        return ZP_ERR_NOMEM;
    }
    plan->state = s;
    s->k = zp_conv_kernels();
    s->radius = (int32_t)r;
    s->width = args->width;
    s->height = args->height;
    s->channels = args->channels;
    s->dtype = args->dtype;
    plan->halo_x = plan->halo_y = s->radius;
    return ZP_OK;
}

/* Column sums: add a row `weight` times, or slide the window by one row. */
static void v_add(const box_state *s, void *acc, const void *row, uint32_t weight, size_t n) {
    switch (s->dtype) {
    case ZP_U8: s->k->box_v_add_u8(acc, row, weight, n); break;
    case ZP_U16: s->k->box_v_add_u16(acc, row, weight, n); break;
    default: s->k->box_v_add_f32(acc, row, weight, n); break;
    }
}

static void v_slide(const box_state *s, void *acc, const void *add, const void *sub, size_t n) {
    switch (s->dtype) {
    case ZP_U8: s->k->box_v_slide_u8(acc, add, sub, n); break;
    case ZP_U16: s->k->box_v_slide_u16(acc, add, sub, n); break;
    default: s->k->box_v_slide_f32(acc, add, sub, n); break;
    }
}

static zp_status box_process(void *state, const zp_view *in, const zp_rect *in_rect,
                             const zp_view *out, const zp_rect *out_rect) {
    const box_state *s = state;
    const int32_t r = s->radius, ch = s->channels, last = in->height - 1;
    zp_status st = zp_conv_check_call(in, in_rect, out, out_rect, s->width, s->height, r, r,
                                      ch, s->dtype);
    if (st) return st;
    int32_t x0, n, pad_l, pad_r; /* no padding: box_h clamps by segments */
    zp_conv_columns(in, in_rect, out_rect, r, &x0, &n, &pad_l, &pad_r);
    const int32_t oy0 = out_rect->y - in_rect->y, ox0 = out_rect->x - in_rect->x;
    const size_t ns = (size_t)n * (size_t)ch;
    const size_t acc_item = s->dtype == ZP_F32 ? sizeof(int64_t) : sizeof(uint32_t);

    zp_conv_scratch scratch = {0};
    zp_conv_rows rows;
    zp_conv_out o;
    /* Sliding needs the outgoing and the incoming row at once: 2r+2 rows. */
    zp_conv_rows_reserve(&rows, s->k, in, x0, n, 0, 0, 0, 2 * r + 2, &scratch);
    zp_conv_out_reserve(&o, out, &scratch);
    const size_t off_acc = zp_conv_reserve(&scratch, ns, acc_item);
    if ((st = zp_conv_scratch_alloc(&scratch))) return st;
    zp_conv_rows_bind(&rows, &scratch);
    zp_conv_out_bind(&o, &scratch);
    void *acc = zp_conv_at(&scratch, off_acc);

    /* The first row's window, rows oy0-r .. oy0+r clamped: each edge row
     * counts once per tap that lands on it. */
    memset(acc, 0, ns * acc_item);
    const int32_t lo = oy0 - r, hi = oy0 + r;
    const int32_t a = lo < 0 ? 0 : lo, b = hi > last ? last : hi;
    for (int32_t yy = a; yy <= b; yy++) {
        uint32_t w = 1;
        if (yy == a) w += (uint32_t)(a - lo);
        if (yy == b) w += (uint32_t)(hi - b);
        v_add(s, acc, zp_conv_rows_get(&rows, yy), w, ns);
    }
    for (int32_t y = 0; y < out->height; y++) {
        void *dst = zp_conv_out_row(&o, y);
        if (y > 0) {
            const int32_t oy = oy0 + y;
            const int32_t sub = zp_clamp_i32(oy - r - 1, 0, last);
            const int32_t add = zp_clamp_i32(oy + r, 0, last);
            if (add != sub) {
                const void *psub = zp_conv_rows_get(&rows, sub);
                const void *padd = zp_conv_rows_get(&rows, add);
                if (s->dtype == ZP_U8) { /* both passes in one, acc stays in L1 */
                    s->k->box_vh_u8(acc, padd, psub, n, ch, r, ox0 - x0, out->width, dst);
                    zp_conv_out_put(&o, y);
                    continue;
                }
                v_slide(s, acc, padd, psub, ns);
            }
        }
        switch (s->dtype) {
        case ZP_U8: s->k->box_h_u8(acc, n, ch, r, ox0 - x0, out->width, dst); break;
        case ZP_U16: s->k->box_h_u16(acc, n, ch, r, ox0 - x0, out->width, dst); break;
        default: s->k->box_h_f32(acc, n, ch, r, ox0 - x0, out->width, dst); break;
        }
        zp_conv_out_put(&o, y);
    }
    zp_conv_scratch_free(&scratch);
    return ZP_OK;
}

static const zp_filter box_filter = {
    ZP_FILTER_HEADER,
    "box_blur",
    "Box blur: mean over a square of side 2*radius+1 (exact; every channel incl. alpha)",
    box_params,
    sizeof box_params / sizeof box_params[0],
    box_plan,
    NULL,
    NULL,
    box_process,
    box_done,
};

static const zp_filter *const box_filters[] = {&box_filter};

static const zp_plugin box_plugin = {
    ZP_PLUGIN_HEADER, "box_blur", "1.0.0", box_filters, 1,
};

ZP_BUILTIN_PLUGIN(box_blur, box_plugin)
