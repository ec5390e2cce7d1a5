/* tp_good.c: a well-formed test plugin: a point filter and a view filter,
 * built against zeropix/plugin.h alone and linked against nothing. */
#include "zeropix/plugin.h"

static const zp_param_def add_params[] = {
    {"amount", ZP_PARAM_INT, 0, 255, 10, "value added to every u8 sample", 0, 0},
};

static zp_status add_plan(const zp_plan_args *a, zp_plan *p) {
    if (a->dtype != ZP_U8) return ZP_ERR_UNSUPPORTED;
    p->flags = ZP_PLAN_POINT;
    p->state = (void *)(intptr_t)a->params[0].number;
    return ZP_OK;
}

static zp_status add_process(void *state, const zp_view *in, const zp_rect *ir,
                             const zp_view *out, const zp_rect *orect) {
    int amount = (int)(intptr_t)state;
    for (int32_t y = 0; y < out->height; y++)
        for (int32_t x = 0; x < out->width; x++)
            for (int32_t c = 0; c < out->channels; c++) {
                int v = *ZP_SAMPLE(const uint8_t, in, x + orect->x - ir->x, y + orect->y - ir->y, c) + amount;
                *ZP_SAMPLE(uint8_t, out, x, y, c) = (uint8_t)(v > 255 ? 255 : v);
            }
    return ZP_OK;
}

static zp_status half_plan(const zp_plan_args *a, zp_plan *p) {
    p->width = a->width / 2 > 0 ? a->width / 2 : 1;
    return ZP_OK;
}

static zp_status half_map(void *state, const zp_host *host, const zp_view *in, zp_view *out) {
    return host->view_crop(in, 0, 0, in->width / 2 > 0 ? in->width / 2 : 1, in->height, out);
}

static const zp_filter add = {ZP_FILTER_HEADER, "tp_add", "add a constant", add_params, 1,
                              add_plan, NULL, NULL, add_process, NULL};
static const zp_filter half = {ZP_FILTER_HEADER, "tp_half", "left half, as a view", NULL, 0,
                               half_plan, half_map, NULL, NULL, NULL};
static const zp_filter *const filters[] = {&add, &half};
static const zp_plugin plugin = {ZP_PLUGIN_HEADER, "tp_good", "1.0", filters, 2};

ZP_PLUGIN_ENTRY { (void)host; return &plugin; }
