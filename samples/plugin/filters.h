/* filters.h: what the filters of the sample plugin share: their descriptors
 * (listed by plugin.c) and small helpers for reading and writing samples of
 * any dtype through a view's strides.
 *
 * Everything here comes from <zeropix/plugin.h>: the plugin does not link
 * against libzeropix, so it cannot call zp_dtype_size() or zp_view_crop()
 * directly (the library's functions are not there when the plugin is
 * loaded into the zeropix tool). */
#ifndef SAMPLE_PLUGIN_FILTERS_H
#define SAMPLE_PLUGIN_FILTERS_H

#include <stdarg.h>
#include <stdio.h>
#include <zeropix/plugin.h>

extern const zp_filter vignette_filter;
extern const zp_filter posterize_filter;
extern const zp_filter despeckle_filter;

/* Colour samples per pixel: gray+alpha (2) and RGBA (4) end with alpha,
 * which these filters copy unchanged. */
static inline int32_t colour_channels(int32_t channels) {
    return channels == 2 || channels == 4 ? channels - 1 : channels;
}

/* Why plan() failed, for the user ("zeropix: operation 1 'vignette': ..."). */
static inline void plan_message(zp_plan *plan, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(plan->message, sizeof plan->message, fmt, ap);
    va_end(ap);
}

/* The check every plan() here starts with: a dtype this plugin knows (a
 * newer host may add dtypes) and 1..4 channels. */
static inline zp_status check_input(const zp_plan_args *args, zp_plan *plan, const char *filter) {
    if (args->dtype != ZP_U8 && args->dtype != ZP_U16 && args->dtype != ZP_F32) {
        plan_message(plan, "unsupported sample type %d (%s works on u8, u16 and f32)",
                     (int)args->dtype, filter);
        return ZP_ERR_UNSUPPORTED;
    }
    if (args->channels < 1 || args->channels > 4) {
        plan_message(plan, "the image has %d channels (%s works on 1 to 4)", (int)args->channels,
                     filter);
        return ZP_ERR_UNSUPPORTED;
    }
    return ZP_OK;
}

/* Sample c of pixel (x, y) of a view, as a double (u8 0..255, u16 0..65535,
 * f32 as stored). */
static inline double sample_get(const zp_view *v, int32_t x, int32_t y, int32_t c) {
    switch (v->dtype) {
    case ZP_U8: return *ZP_SAMPLE(const uint8_t, v, x, y, c);
    case ZP_U16: return *ZP_SAMPLE(const uint16_t, v, x, y, c);
    default: return *ZP_SAMPLE(const float, v, x, y, c);
    }
}

/* Store `value` into sample c of pixel (x, y): integers are rounded half up
 * and clamped to their range (NaN becomes 0), f32 is stored as is. */
static inline void sample_put(const zp_view *v, int32_t x, int32_t y, int32_t c, double value) {
    switch (v->dtype) {
    case ZP_U8:
        *ZP_SAMPLE(uint8_t, v, x, y, c) =
            (uint8_t)(!(value > 0.0) ? 0 : value >= 255.0 ? 255 : (int)(value + 0.5));
        break;
    case ZP_U16:
        *ZP_SAMPLE(uint16_t, v, x, y, c) =
            (uint16_t)(!(value > 0.0) ? 0 : value >= 65535.0 ? 65535 : (int32_t)(value + 0.5));
        break;
    default: *ZP_SAMPLE(float, v, x, y, c) = (float)value; break;
    }
}

#endif
