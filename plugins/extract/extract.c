/* extract.c: the "extract" filter, a subset or reorder of the channels as a
 * view: "0" (first channel), "2;1;0" (RGB -> BGR), "3" (alpha alone). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zeropix/plugin.h"
#include "../builtin.h"

static const zp_param_def extract_params[] = {
    {"channels", ZP_PARAM_NUMBERS, 1, 4, 0,
     "source channel (0-based) of each output channel, 1 to 4 of them, evenly spaced: 0 = "
     "first only, 2;1;0 = RGB to BGR, 0;2 = R and B, 3 = alpha of RGBA",
     NULL, 1},
};

typedef struct extract_state {
    int first, count, step;
} extract_state;

/* "2;1;0" for messages. */
static void list_text(char *buf, size_t size, const double *v, int n) {
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < n && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%g", i ? ";" : "", v[i]);
}

static zp_status extract_plan(const zp_plan_args *args, zp_plan *plan) {
    if (args->dtype != ZP_U8 && args->dtype != ZP_U16 && args->dtype != ZP_F32) {
        snprintf(plan->message, sizeof plan->message,
                 "unsupported sample type %d (extract works on u8, u16 and f32)",
                 (int)args->dtype);
        return ZP_ERR_UNSUPPORTED;
    }
    const zp_param_value *p = &args->params[0];
    const int n = p->numbers ? p->count : 0;
    if (n < 1 || n > 4) {
        snprintf(plan->message, sizeof plan->message,
                 "channels: give 1 to 4 channel numbers (such as 0 or 2;1;0), not %d", n);
        return ZP_ERR_INVALID_ARG;
    }
    const int last = args->channels - 1;
    for (int i = 0; i < n; i++) {
        const double c = p->numbers[i];
        if (!(c >= 0 && c <= last && c == floor(c))) {
            snprintf(plan->message, sizeof plan->message,
                     "channels: %g is not a channel of this %d-channel image (0..%d)", c,
                     (int)args->channels, last);
            return ZP_ERR_INVALID_ARG;
        }
    }
    const int step = n > 1 ? (int)(p->numbers[1] - p->numbers[0]) : 1;
    for (int i = 2; i < n; i++) {
        if ((int)(p->numbers[i] - p->numbers[i - 1]) == step) continue;
        char text[64];
        list_text(text, sizeof text, p->numbers, n);
        snprintf(plan->message, sizeof plan->message,
                 "channels: %s is not evenly spaced; a view has one channel stride, so the list "
                 "must step by a constant (0;1;2, 2;1;0, 0;2, 1;1)",
                 text);
        return ZP_ERR_UNSUPPORTED;
    }
    extract_state *s = malloc(sizeof *s);
    if (!s) return ZP_ERR_NOMEM;
    *s = (extract_state){(int)p->numbers[0], n, step};
    plan->state = s;
    plan->channels = n;
    return ZP_OK;
}

static zp_status extract_map(void *state, const zp_host *host, const zp_view *in,
                             zp_view *out) {
    const extract_state *s = state;
    return host->view_channels(in, s->first, s->count, s->step, out);
}

static void extract_done(void *state) { free(state); }

static const zp_filter extract_filter = {
    ZP_FILTER_HEADER, "extract",
    "pick or reorder channels, evenly spaced (0, 2;1;0, 0;2, 3); a view, no copy",
    extract_params, sizeof extract_params / sizeof extract_params[0],
    extract_plan, extract_map, NULL, NULL, extract_done,
};

static const zp_filter *const extract_filters[] = {&extract_filter};
static const zp_plugin extract_plugin = {ZP_PLUGIN_HEADER, "extract", "1.0.0", extract_filters,
                                         1};

ZP_BUILTIN_PLUGIN(extract, extract_plugin)
