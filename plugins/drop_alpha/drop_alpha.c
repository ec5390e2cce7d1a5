/* drop_alpha.c: the "drop_alpha" filter, the colour channels without alpha
 * as a view: gray+alpha -> gray, RGBA -> RGB; gray or RGB pass unchanged. */
#include <stdio.h>
#include "zeropix/plugin.h"
#include "../builtin.h"

static int colour_channels(int channels) {
    return channels == 2 || channels == 4 ? channels - 1 : channels;
}

static zp_status drop_alpha_plan(const zp_plan_args *args, zp_plan *plan) {
    if (args->dtype != ZP_U8 && args->dtype != ZP_U16 && args->dtype != ZP_F32) {
        snprintf(plan->message, sizeof plan->message,
                 "unsupported sample type %d (drop_alpha works on u8, u16 and f32)",
                 (int)args->dtype);
        return ZP_ERR_UNSUPPORTED;
    }
    if (args->channels < 1 || args->channels > 4) {
        snprintf(plan->message, sizeof plan->message,
                 "the image has %d channels (drop_alpha works on 1 to 4)", (int)args->channels);
        return ZP_ERR_UNSUPPORTED;
    }
    plan->channels = colour_channels(args->channels);
    return ZP_OK;
}

static zp_status drop_alpha_map(void *state, const zp_host *host, const zp_view *in,
                                zp_view *out) {
    return host->view_channels(in, 0, colour_channels(in->channels), 1, out);
}

static const zp_filter drop_alpha_filter = {
    ZP_FILTER_HEADER, "drop_alpha",
    "remove the alpha channel (gray+alpha -> gray, RGBA -> RGB; no alpha: unchanged); a view, "
    "no copy",
    NULL, 0,
    drop_alpha_plan, drop_alpha_map, NULL, NULL, NULL,
};

static const zp_filter *const drop_alpha_filters[] = {&drop_alpha_filter};
static const zp_plugin drop_alpha_plugin = {ZP_PLUGIN_HEADER, "drop_alpha", "1.0.0",
                                            drop_alpha_filters, 1};

ZP_BUILTIN_PLUGIN(drop_alpha, drop_alpha_plugin)
