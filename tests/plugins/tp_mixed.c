/* tp_mixed.c: one filter whose name is taken (blur), one with no plan, one
 * with both map and process, and one good one: only the good one loads. */
#include "zeropix/plugin.h"
static zp_status plan(const zp_plan_args *a, zp_plan *p) { (void)a; (void)p; return ZP_OK; }
static zp_status map(void *s, const zp_host *h, const zp_view *in, zp_view *out) {
    (void)s; return h->view_flip(in, ZP_FLIP_X, out);
}
static zp_status process(void *s, const zp_view *in, const zp_rect *ir, const zp_view *out,
                         const zp_rect *orect) {
    (void)s; (void)in; (void)ir; (void)out; (void)orect; return ZP_OK;
}
static const zp_filter dup = {ZP_FILTER_HEADER, "blur", "a second blur", 0, 0, plan, map, 0, 0, 0};
static const zp_filter noplan = {ZP_FILTER_HEADER, "tp_noplan", "no plan", 0, 0, 0, map, 0, 0, 0};
static const zp_filter both = {ZP_FILTER_HEADER, "tp_both", "both", 0, 0, plan, map, 0, process, 0};
/* An older plugin: its zp_filter ended before `done` (struct_size smaller). */
static const zp_filter old = {offsetof(zp_filter, done), "tp_mirror", "mirror, as a view", 0, 0,
                              plan, map, 0, 0, 0};
static const zp_filter *const filters[] = {&dup, &noplan, &both, &old};
static const zp_plugin plugin = {ZP_PLUGIN_HEADER, "tp_mixed", "1.0", filters, 4};
ZP_PLUGIN_ENTRY { (void)host; return &plugin; }
