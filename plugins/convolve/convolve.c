/* convolve.c: a user kernel (3x3 up to 15x15), out = clamp(sum(k * in) *
 * scale + offset * full scale). Integer kernels on u8/u16 are summed in
 * int32, exactly; on u8, when the scale and offset are multiples of a power
 * of two and the sums fit, in 16 bits with a shift instead of the double
 * finish, with the same results (zp_conv_i16_plan); anything else in float. Every channel, alpha included,
 * is convolved alike; edge pixels are replicated. */
#include <math.h>
#include <stdlib.h>
#include "zeropix/plugin.h"
#include "../builtin.h"
#include "../common/conv_kernels.h"

#define MAX_SIDE 15
#define MAX_ENTRY 1e6 /* |kernel entry| and |scale|: keeps float sums finite */
#define BLOCK 2048    /* samples per kernel call: 8 KiB of sums              */

typedef struct convolve_state {
    const struct zp_conv_kernels *k;
    int32_t side;
    int     integer;   /* int32 path: integral entries, sum|k| * max < 2^31 */
    int     i16;       /* u8 in 16 bits, finish by a shift (zp_conv_i16_plan) */
    int32_t ki[MAX_SIDE * MAX_SIDE];
    int16_t k16[MAX_SIDE * MAX_SIDE];
    int32_t add;       /* i16: rounding and bias, added before the shift     */
    int     shift;
    float   kf[MAX_SIDE * MAX_SIDE];
    double  scale;     /* effective: the parameter, or 1/sum, or 1          */
    double  bias;      /* offset * full scale                               */
    int32_t width, height, channels;
    zp_dtype dtype;
} convolve_state;

enum { P_KERNEL, P_SCALE, P_OFFSET };

static const zp_param_def convolve_params[] = {
    {"kernel", ZP_PARAM_NUMBERS, 9, MAX_SIDE * MAX_SIDE, 0,
     "weights row by row, a square of odd side: 9 (3x3), 25 (5x5) .. 225 (15x15), e.g. "
     "1;2;1;2;4;2;1;2;1",
     NULL, 1},
    {"scale", ZP_PARAM_FLOAT, -MAX_ENTRY, MAX_ENTRY, 0,
     "multiplies the weighted sum; 0 = 1/(sum of the kernel), or 1 if it sums to 0 (edge "
     "detectors are fine)",
     NULL, 0},
    {"offset", ZP_PARAM_FLOAT, -1.0, 1.0, 0,
     "added after scaling, as a fraction of full scale (-1..1; 0.5 = mid-grey) for every type",
     NULL, 0},
};

static void convolve_done(void *state) { free(state); }

static zp_status convolve_plan(const zp_plan_args *args, zp_plan *plan) {
    zp_status st = zp_conv_check_input(args, plan, "convolve");
    if (st) return st;
    const zp_param_value *kv = &args->params[P_KERNEL];
    const double scale = args->params[P_SCALE].number;
    const double offset = args->params[P_OFFSET].number;
    if (!kv->numbers || kv->count < 1) {
        zp_conv_message(plan, "kernel is required: 9 (3x3), 25 (5x5), 49, 81, 121, 169 or 225 "
                              "(15x15) numbers, row by row");
        return ZP_ERR_INVALID_ARG;
    }
    int32_t side = 1;
    while (side < MAX_SIDE && side * side < kv->count) side += 2;
    if (side * side != kv->count || side < 3) {
        zp_conv_message(plan, "kernel must have 9, 25, 49, 81, 121, 169 or 225 numbers (a square "
                              "of odd side 3..15, row by row), not %d",
                        (int)kv->count);
        return ZP_ERR_INVALID_ARG;
    }
    double sum = 0.0, abs_sum = 0.0;
    int integral = 1;
    for (int32_t i = 0; i < kv->count; i++) {
        const double v = kv->numbers[i];
        if (!(fabs(v) <= MAX_ENTRY)) { /* also catches NaN and inf */
            zp_conv_message(plan, "kernel entry %d is %g; entries must be finite, within "
                                  "-1e6..1e6", (int)i + 1, v);
            return ZP_ERR_INVALID_ARG;
        }
        sum += v;
        abs_sum += fabs(v);
        if (v != floor(v)) integral = 0;
    }
    if (!(fabs(scale) <= MAX_ENTRY)) {
        zp_conv_message(plan, "scale must be a finite number within -1e6..1e6 (got %g)", scale);
        return ZP_ERR_INVALID_ARG;
    }
    if (!(offset >= -1.0 && offset <= 1.0)) {
        zp_conv_message(plan, "offset must be between -1 and 1, a fraction of full scale "
                              "(got %g)", offset);
        return ZP_ERR_INVALID_ARG;
    }
    convolve_state *s = calloc(1, sizeof *s);
    if (!s) {
        zp_conv_message(plan, "out of memory");
        return ZP_ERR_NOMEM;
    }
    plan->state = s;
    const double max = zp_conv_full_scale(args->dtype);
    s->k = zp_conv_kernels();
    s->side = side;
    /* A sum lost in rounding (0.1 + 0.2 - 0.3) counts as zero. */
    const int zero_sum = fabs(sum) <= 1e-9 * abs_sum;
    s->scale = scale != 0.0 ? scale : zero_sum ? 1.0 : 1.0 / sum;
    s->bias = offset * max;
    s->integer = integral && args->dtype != ZP_F32 && abs_sum * max < 2147483647.0;
    for (int32_t i = 0; i < kv->count; i++) {
        s->kf[i] = (float)kv->numbers[i];
        s->ki[i] = s->integer ? (int32_t)kv->numbers[i] : 0;
    }
    int32_t mul;
    s->i16 = s->integer && args->dtype == ZP_U8 &&
             zp_conv_i16_plan(s->ki, (int)kv->count, s->scale, s->bias, s->k16, &mul, &s->add,
                              &s->shift);
    s->width = args->width;
    s->height = args->height;
    s->channels = args->channels;
    s->dtype = args->dtype;
    plan->halo_x = plan->halo_y = side / 2;
    return ZP_OK;
}

static zp_status convolve_process(void *state, const zp_view *in, const zp_rect *in_rect,
                                  const zp_view *out, const zp_rect *out_rect) {
    const convolve_state *s = state;
    const struct zp_conv_kernels *k = s->k;
    const int32_t h = s->side / 2, last = in->height - 1;
    zp_status st = zp_conv_check_call(in, in_rect, out, out_rect, s->width, s->height, h, h,
                                      s->channels, s->dtype);
    if (st) return st;
    int32_t x0, n, pad_l, pad_r;
    zp_conv_columns(in, in_rect, out_rect, h, &x0, &n, &pad_l, &pad_r);
    const int32_t oy0 = out_rect->y - in_rect->y;
    const size_t ns = (size_t)out->width * (size_t)s->channels, step = (size_t)s->channels;

    zp_conv_scratch scratch = {0};
    zp_conv_rows rows;
    zp_conv_out o;
    /* Padded rows, in float unless the integer path applies. */
    zp_conv_rows_reserve(&rows, k, in, x0, n, pad_l, pad_r, !s->integer, s->side, &scratch);
    zp_conv_out_reserve(&o, out, &scratch);
    const size_t off_ptr = zp_conv_reserve(&scratch, 2 * (size_t)s->side, sizeof(void *));
    const size_t off_acc = zp_conv_reserve(&scratch, BLOCK, sizeof(float)); /* or int32_t */
    if ((st = zp_conv_scratch_alloc(&scratch))) return st;
    zp_conv_rows_bind(&rows, &scratch);
    zp_conv_out_bind(&o, &scratch);
    const void **ptr = zp_conv_at(&scratch, off_ptr), **part = ptr + s->side;
    void *acc = zp_conv_at(&scratch, off_acc);
    const float fscale = (float)s->scale, fbias = (float)s->bias;
    const size_t in_item = s->integer ? zp_sample_bytes(s->dtype) : sizeof(float);
    const size_t out_item = zp_sample_bytes(s->dtype);

    for (int32_t y = 0; y < out->height; y++) {
        for (int32_t t = 0; t < s->side; t++)
            ptr[t] = zp_conv_rows_get(&rows, zp_clamp_i32(oy0 + y + t - h, 0, last));
        unsigned char *row = zp_conv_out_row(&o, y);
        /* Block by block, so that the sums stay in L1 between the two steps. */
        for (size_t i0 = 0; i0 < ns; i0 += BLOCK) {
            const size_t m = ns - i0 < BLOCK ? ns - i0 : BLOCK;
            for (int32_t t = 0; t < s->side; t++)
                part[t] = (const unsigned char *)ptr[t] + i0 * in_item;
            void *dst = row + i0 * out_item;
            if (s->i16) {
                k->conv_u8_i16_u8(part, s->k16, s->side, step, s->add, s->shift, dst, m);
            } else if (s->integer && s->dtype == ZP_U8) {
                k->conv_u8_i32(part, s->ki, s->side, step, acc, m);
                k->conv_i32_to_u8(acc, s->scale, s->bias, dst, m);
            } else if (s->integer) {
                k->conv_u16_i32(part, s->ki, s->side, step, acc, m);
                k->conv_i32_to_u16(acc, s->scale, s->bias, dst, m);
            } else {
                k->conv_f32(part, s->kf, s->side, step, acc, m);
                switch (s->dtype) {
                case ZP_U8: k->conv_f32_to_u8(acc, fscale, fbias, dst, m); break;
                case ZP_U16: k->conv_f32_to_u16(acc, fscale, fbias, dst, m); break;
                default: k->conv_f32_to_f32(acc, fscale, fbias, dst, m); break;
                }
            }
        }
        zp_conv_out_put(&o, y);
    }
    zp_conv_scratch_free(&scratch);
    return ZP_OK;
}

static const zp_filter convolve_filter = {
    ZP_FILTER_HEADER,
    "convolve",
    "Convolution with a square kernel (3x3 .. 15x15), scale and offset (every channel incl. "
    "alpha)",
    convolve_params,
    sizeof convolve_params / sizeof convolve_params[0],
    convolve_plan,
    NULL,
    NULL,
    convolve_process,
    convolve_done,
};

static const zp_filter *const convolve_filters[] = {&convolve_filter};

static const zp_plugin convolve_plugin = {
    ZP_PLUGIN_HEADER, "convolve", "1.0.0", convolve_filters, 1,
};

ZP_BUILTIN_PLUGIN(convolve, convolve_plugin)
