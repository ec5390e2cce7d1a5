/* resize_kernels.h: the separable resampler behind `resize` and `thumbnail`:
 * precomputed weight tables, the kernel table (plain C, with SSE4.1, AVX2
 * and AVX-512 overrides in resize_kernels_<level>.c) and the
 * plan/region/process/done callbacks both filters share.
 *
 * ---- How a resize runs ------------------------------------------------------
 *
 * Pixel-centre convention: output position o maps to input position
 *     c = (o + 0.5) * in_size / out_size - 0.5
 * and output o is sum_t w[o][t] * in[first[o] + t], t < taps. The weights are
 * the kernel K(x) evaluated at (first + t - c) / max(1, in/out) and divided
 * by their sum: when downscaling, the support is widened by the scale factor
 * (antialiasing, as libvips and Pillow do). `nearest` is point sampling,
 * in[floor((o + 0.5) * in/out)], one tap of weight one, never widened.
 *
 * Edges replicate: taps that fall outside 0..in_size-1 are clamped to the
 * edge pixel (clamped INDICES, not renormalised weights), and their weights
 * are folded into the edge tap. So every table entry lies inside the image,
 * `first` is non-decreasing in o, and first[o] + taps <= in_size.
 *
 * Passes: vertical first, over whole rows (taps rows of the input combine
 * into one intermediate row of the needed columns), then horizontal along
 * that row. The intermediate row is the filter's own packed scratch, so only
 * the vertical pass ever sees the caller's strides, and the horizontal pass
 * always runs on a flat array of interleaved samples (a tap is a fixed step
 * of `channels` samples). Vertical-then-horizontal and the reverse cost the
 * same multiply-adds when both axes scale alike; this order needs one
 * intermediate row instead of a band, and works for any output rectangle.
 *
 * Arithmetic per dtype:
 *   u8   fixed point. Weights are int16 with ZP_RESIZE_WEIGHT_BITS fraction
 *        bits and, per output pixel, sum exactly to ZP_RESIZE_WEIGHT_ONE
 *        (cumulative rounding: each within 1 of its exact value). The
 *        vertical pass gives int16 with ZP_RESIZE_MID_BITS fraction bits,
 *        not clamped (lanczos/bicubic overshoot survives to the second
 *        pass, as in the 2-D formula); the horizontal pass rounds and
 *        clamps to 0..255. int32 accumulators cannot overflow: |mid| <=
 *        255 * 64 * 1.3 and the sum of |weights| is below 1.6 for every
 *        kernel here.
 *   u16  float weights and a float intermediate row, rounded and clamped to
 *        0..65535 at the end.
 *   f32  float weights and intermediate; the output is NOT clamped (values
 *        outside 0..1, NaN and infinities pass through the arithmetic).
 * Every kernel sums its taps in tap order (t = 0, 1, ...), one product and
 * one add per tap with no fused multiply-add, so a SIMD version that
 * vectorises across samples (never across taps) matches the C one bit for
 * bit, floats included.
 *
 * Alpha is resampled like any other channel: no premultiplication yet, so
 * colour from fully transparent pixels can bleed into the edges of opaque
 * ones.
 */
#ifndef ZEROPIX_PLUGINS_RESIZE_KERNELS_H
#define ZEROPIX_PLUGINS_RESIZE_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include "zeropix/plugin.h"
#include "zeropix/simd.h"

/* u8 fixed point: weights sum to ONE per output pixel; the intermediate row
 * holds value * 2^MID_BITS. */
#define ZP_RESIZE_WEIGHT_BITS 14
#define ZP_RESIZE_WEIGHT_ONE (1 << ZP_RESIZE_WEIGHT_BITS)
#define ZP_RESIZE_MID_BITS 6

/* Weight rows are padded with zeros to a multiple of TAP_ALIGN entries, so
 * a SIMD kernel can take taps in whole groups of up to 8 with no tail. The
 * intermediate row handed to a horizontal kernel is followed by MID_PAD
 * readable bytes (process() zeroes them): a group that runs past the last
 * real tap, or a 16-byte load of a 3-channel pixel, reads there. */
#define ZP_RESIZE_TAP_ALIGN 8
#define ZP_RESIZE_MID_PAD 256

/* Largest output side and output pixel count the filters accept. */
#define ZP_RESIZE_MAX_SIDE 65535

/* Resampling kernels, in the order of the CHOICE "nearest|bilinear|bicubic|
 * lanczos3" (bicubic is Keys' cubic with a = -0.5, i.e. Catmull-Rom). */
typedef enum zp_resize_filter {
    ZP_RESIZE_NEAREST = 0,
    ZP_RESIZE_BILINEAR = 1,
    ZP_RESIZE_BICUBIC = 2,
    ZP_RESIZE_LANCZOS3 = 3
} zp_resize_filter;
#define ZP_RESIZE_FILTER_CHOICES "nearest|bilinear|bicubic|lanczos3"

/* ---- The kernel table --------------------------------------------------------
 * Vertical: out[i] = sum_t w[t] * rows[t][i] for i < samples (a row of
 *   interleaved channels is one flat array of samples; rows[t] are `taps`
 *   input rows, already offset to the first needed column). Reads and
 *   writes exactly those samples.
 * Horizontal: for output pixel i < count and channel c < channels,
 *   out[i*channels + c] = sum_t w[i*wstride + t] * in[(first[i] - origin + t)
 *   * channels + c], t < taps, where `in` is the intermediate row whose
 *   sample 0 is input column `origin` (first[] holds absolute input
 *   columns). wstride is a multiple of ZP_RESIZE_TAP_ALIGN, >= taps, and
 *   w[i*wstride + t] is 0 for taps <= t < wstride. A kernel may read `in`
 *   up to ZP_RESIZE_MID_PAD bytes past its last sample (the caller
 *   provides them, any values: integer kernels only multiply them by zero
 *   weights or drop the result, float kernels only drop it), and writes
 *   exactly count * channels samples of out.
 * Pointers are not aligned beyond their type; rows never alias `out`.
 * The rounding of each kernel is fixed by the plain C one (arithmetic per
 * dtype above): every level gives the same bits.
 *
 * Overrides: SSE4.1 replaces every entry (float horizontal passes are
 * vectorised for 3 and 4 channels, one pixel's channels per register, and
 * stay scalar for 1 and 2); AVX2 replaces the u8 entries and the float
 * vertical ones; AVX-512 the same, with 8-tap steps for 3 and 4 channels.
 * The u8 horizontal pass takes taps two at a time with pmaddwd on (tap,
 * tap + 1) pairs per channel, in steps of 2 to 8 taps (hence
 * ZP_RESIZE_TAP_ALIGN); the u8 vertical pass interleaves pairs of rows. */
struct zp_resize_kernels {
    const char *name; /* "c", "sse4", "avx2", "avx512": the highest level
                         that overrides an entry of this table */
    void (*vertical_u8)(const uint8_t *const *rows, const int16_t *w, int32_t taps,
                        int16_t *out, size_t samples);
    void (*horizontal_u8)(const int16_t *in, int32_t origin, const int32_t *first,
                          const int16_t *w, int32_t taps, int32_t wstride, int32_t channels,
                          uint8_t *out, int32_t count);
    void (*vertical_u16)(const uint16_t *const *rows, const float *w, int32_t taps,
                         float *out, size_t samples);
    void (*horizontal_u16)(const float *in, int32_t origin, const int32_t *first,
                           const float *w, int32_t taps, int32_t wstride, int32_t channels,
                           uint16_t *out, int32_t count);
    void (*vertical_f32)(const float *const *rows, const float *w, int32_t taps, float *out,
                         size_t samples);
    void (*horizontal_f32)(const float *in, int32_t origin, const int32_t *first,
                           const float *w, int32_t taps, int32_t wstride, int32_t channels,
                           float *out, int32_t count);
};

/* The table at zp_simd_active(), what the filters use (they take it in
 * plan()); static, never NULL. The type is a struct tag only, so that the
 * getter can carry its name. */
const struct zp_resize_kernels *zp_resize_kernels(void);
/* The plain C reference table, always available (for kernel tests). */
const struct zp_resize_kernels *zp_resize_kernels_c(void);
/* The table of exactly `level`, or NULL when the CPU lacks it. */
const struct zp_resize_kernels *zp_resize_kernels_at(zp_simd level);

/* ---- Weight tables -------------------------------------------------------------- */

/* One axis: for each output position o, the first input index and `taps`
 * weights at w[o * wstride] (zero-padded so every position has the same
 * count, then to wstride). */
typedef struct zp__resize_axis {
    int32_t  in_size, out_size;
    int32_t  taps;    /* 1..in_size                                           */
    int32_t  wstride; /* taps rounded up to a multiple of ZP_RESIZE_TAP_ALIGN */
    int32_t *first;   /* [out_size], 0..in_size-taps, non-decreasing          */
    int16_t *wq;      /* [out_size * wstride] u8 fixed point, or NULL         */
    float   *wf;      /* [out_size * wstride] u16/f32, or NULL                */
} zp__resize_axis;

/* Fill `axis` for resampling in_size -> out_size (both >= 1) with `filter`;
 * fixed = 1 builds wq, 0 builds wf. ZP_ERR_NOMEM / ZP_ERR_OVERFLOW on
 * failure (axis is then empty). Free with zp__resize_axis_free (NULL-safe,
 * also on an empty axis). */
zp_status zp__resize_axis_init(zp__resize_axis *axis, int32_t in_size, int32_t out_size,
                               zp_resize_filter filter, int fixed);
void zp__resize_axis_free(zp__resize_axis *axis);

/* ---- The shared filter machinery -------------------------------------------------
 * resize and thumbnail validate their own parameters, compute the output
 * size, then call zp__resize_plan(); their descriptors use the three
 * callbacks below unchanged. */

/* Parameter checks both filters share. Each reads one value, writes a
 * message naming `name` into plan->message and returns ZP_ERR_INVALID_ARG
 * when it is out of range (the host checks ranges too; plan() must not
 * rely on it). */
zp_status zp__resize_side_param(const zp_param_value *value, const char *name, zp_plan *plan,
                                int32_t *side); /* whole number 0..ZP_RESIZE_MAX_SIDE */
zp_status zp__resize_filter_param(const zp_param_value *value, const char *name, zp_plan *plan,
                                  zp_resize_filter *filter); /* index into the choices */

/* The other side for one given side, keeping the aspect ratio:
 * round(other_in * side / side_in), exactly, at least 1. No overflow for
 * input sides < 2^31 and side <= ZP_RESIZE_MAX_SIDE. */
int64_t zp__resize_scaled_side(int64_t other_in, int64_t side, int64_t side_in);

/* Check the output size (1..ZP_RESIZE_MAX_SIDE per side, at most
 * ZP_RESIZE_MAX_PIXELS; messages name `what`, the parameters that gave the
 * size), the input dtype and channels, then build plan->state and fill the
 * output geometry. On failure plan->message says why. */
zp_status zp__resize_plan(const zp_plan_args *args, int64_t out_w, int64_t out_h,
                          zp_resize_filter filter, const char *what, zp_plan *plan);

/* region(): the input rows and columns the output rectangle's taps reach,
 * always inside the input image. */
void zp__resize_region(void *state, const zp_rect *out_rect, zp_rect *in_rect);

/* process(): any output rectangle, any input and output strides. One scratch
 * allocation per call. ZP_ERR_INVALID_ARG when `in_rect` does not cover what
 * region() asked for. */
zp_status zp__resize_process(void *state, const zp_view *in, const zp_rect *in_rect,
                             const zp_view *out, const zp_rect *out_rect);

/* done(): frees the state. NULL-safe. */
void zp__resize_done(void *state);

#endif
