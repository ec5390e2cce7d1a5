/* point_kernels.h: the per-sample kernels of the point filters (invert,
 * threshold, levels, grayscale) on packed row segments, the table they are
 * dispatched through, and the row driver that feeds them from views of any
 * layout. Plugin-side code: it uses only <zeropix/plugin.h> and the host.
 *
 * ---- Kernels ---------------------------------------------------------------
 *
 * A kernel sees `pixels` pixels of `channels` interleaved samples (1..4),
 * packed: sample c of pixel p is src[p * channels + c]. With `alpha` set
 * (only for 2 or 4 channels) the last sample of each pixel is alpha and is
 * copied unchanged; without it every sample is a colour sample and the row
 * is one flat array of pixels * channels samples. `dst` may equal `src`
 * exactly (in place) but must not overlap it otherwise. Kernels never fail,
 * allocate, or read or write outside the pixels * channels samples.
 *
 * Every kernel has a plain C version (`<op>_row_<dtype>_c`, file-local in
 * point_kernels.c) that is always compiled and is the reference the SIMD
 * versions (point_kernels_<level>.c) match bit for bit, f32 included: they
 * do the same operations in the same order (a NaN's payload aside).
 *
 * ---- Dispatch --------------------------------------------------------------
 *
 * zp_point_kernels() is the table the filters call through (they take it in
 * plan()): the one of zp_simd_active(), built once from the plain C table
 * and the overrides of each level up to it (src/core/simd_internal.h).
 * Overridden today: invert and threshold (every dtype) and grayscale
 * (u8, u16) from SSE4.1, invert, threshold and u8 grayscale again in AVX2,
 * and the u8 lookup table with AVX-512 VBMI. The u16 lookup table (a
 * 128 KiB table: a gather per sample gains little) and f32 levels and
 * grayscale are plain C at every level. zp_point_kernels_c() is always
 * the plain C table (for tests and for forcing the scalar path). All
 * return static data: never free it.
 *
 * ---- The row driver ---------------------------------------------------------
 *
 * zp_point_run() is the whole body of a point filter's process(): it walks
 * the output rectangle row by row and hands the filter's row function
 * packed segments. Packed rows go straight to it (src and dst pointing into
 * the views); rows that are not packed (flipped in x, transposed, channel
 * subsets) are gathered into scratch with host->view_copy and scattered back
 * the same way. See the definition for the scratch policy.
 */
#ifndef ZEROPIX_PLUGINS_POINT_KERNELS_H
#define ZEROPIX_PLUGINS_POINT_KERNELS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "zeropix/plugin.h"
#include "zeropix/simd.h"

/* ---- Shared arithmetic (documented here, used by filters and tests) ------ */

/* Rec. 601 luma weights as fixed point that sum exactly to one, so that
 * gray input (r == g == b) stays exactly gray:
 *   u8:  y = (9798 r + 19235 g + 3735 b + 2^14) >> 15          (Q15)
 *   u16: y = (19595 r + 38470 g + 7471 b + 2^15) >> 16         (Q16)
 * i.e. round half up of the weighted sum; within 1 of the exact
 * 0.299 r + 0.587 g + 0.114 b rounded to nearest. Q15 keeps every u8 weight
 * under 2^15 (signed 16-bit SIMD multiplies); Q16 fits u16 in 32 bits.
 * f32: y = g + 0.299 (r - g) + 0.114 (b - g), in float (exact on gray). */
#define ZP_GRAY_Q15_R 9798u
#define ZP_GRAY_Q15_G 19235u
#define ZP_GRAY_Q15_B 3735u
#define ZP_GRAY_Q16_R 19595u
#define ZP_GRAY_Q16_G 38470u
#define ZP_GRAY_Q16_B 7471u

/* Levels on a sample v in units of full scale (0..1):
 *   t = (v - 0.5) * contrast + 0.5 + brightness, clamped to 0..1,
 *   out = t ^ inv_gamma   (inv_gamma = 1 / gamma; skipped when 1).
 * Integer dtypes go through a table built from this with v = i / max and
 * out_i = floor(out * max + 0.5); f32 applies it per sample in double. */
typedef struct zp_levels {
    double brightness, contrast, inv_gamma;
} zp_levels;

static inline double zp_levels_apply(const zp_levels *l, double v) {
    double t = (v - 0.5) * l->contrast + 0.5 + l->brightness;
    t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    return l->inv_gamma == 1.0 ? t : pow(t, l->inv_gamma);
}

/* ---- The kernel table ----------------------------------------------------- */

struct zp_point_kernels {
    /* dst = lut[src] on colour samples (levels on integers). */
    void (*lut_u8)(const uint8_t *src, uint8_t *dst, size_t pixels, int channels, int alpha,
                   const uint8_t lut[256]);
    void (*lut_u16)(const uint16_t *src, uint16_t *dst, size_t pixels, int channels,
                    int alpha, const uint16_t lut[65536]);
    /* dst = max - src (255, 65535; f32: 1 - src). */
    void (*invert_u8)(const uint8_t *src, uint8_t *dst, size_t pixels, int channels,
                      int alpha);
    void (*invert_u16)(const uint16_t *src, uint16_t *dst, size_t pixels, int channels,
                       int alpha);
    void (*invert_f32)(const float *src, float *dst, size_t pixels, int channels, int alpha);
    /* dst = src >= level ? max : 0 (f32: 1 or 0). */
    void (*threshold_u8)(const uint8_t *src, uint8_t *dst, size_t pixels, int channels,
                         int alpha, uint8_t level);
    void (*threshold_u16)(const uint16_t *src, uint16_t *dst, size_t pixels, int channels,
                          int alpha, uint16_t level);
    void (*threshold_f32)(const float *src, float *dst, size_t pixels, int channels,
                          int alpha, float level);
    /* zp_levels_apply on every colour sample, computed in double. */
    void (*levels_f32)(const float *src, float *dst, size_t pixels, int channels, int alpha,
                       const zp_levels *levels);
    /* RGB -> gray (alpha 0) or RGBA -> gray+alpha (alpha 1): src has 3 + alpha
     * samples per pixel, dst 1 + alpha. In place is allowed (dst == src). */
    void (*gray_u8)(const uint8_t *src, uint8_t *dst, size_t pixels, int alpha);
    void (*gray_u16)(const uint16_t *src, uint16_t *dst, size_t pixels, int alpha);
    void (*gray_f32)(const float *src, float *dst, size_t pixels, int alpha);
};

/* The table the filters use (the level zp_simd_active() allows). */
const struct zp_point_kernels *zp_point_kernels(void);
/* The plain C table, always. */
const struct zp_point_kernels *zp_point_kernels_c(void);
/* The table of exactly `level`, or NULL when the CPU lacks it. */
const struct zp_point_kernels *zp_point_kernels_at(zp_simd level);

/* ---- The row driver ----------------------------------------------------------- */

/* A filter's row function: `pixels` packed pixels from src (the input's
 * channels) to dst (the output's channels); ctx is the filter's plan state.
 * Called concurrently, so it must only read ctx. */
typedef void (*zp_point_rows_fn)(const void *ctx, const void *src, void *dst, size_t pixels);

/* Fill `out` (output rectangle out_rect) from `in` (input rectangle in_rect,
 * which must contain out_rect) through `rows`, pixel (x, y) of out from the
 * input pixel at the same image coordinates. in and out have the same dtype
 * and may differ in channel count; out may be the very same view as in
 * (the host runs ZP_PLAN_POINT filters in place). Returns ZP_OK,
 * ZP_ERR_INVALID_ARG (rectangles or dtypes that do not fit), ZP_ERR_NOMEM,
 * or a failure of the host's view operations. Thread-safe. */
zp_status zp_point_run(const zp_host *host, const zp_view *in, const zp_rect *in_rect,
                       const zp_view *out, const zp_rect *out_rect, zp_point_rows_fn rows,
                       const void *ctx);

/* The checks every point filter's plan() starts with: a known dtype and 1..4
 * channels. On failure writes plan->message ("unsupported sample type 9
 * (invert works on u8, u16 and f32)") and returns ZP_ERR_UNSUPPORTED. */
zp_status zp_point_check_input(const zp_plan_args *args, zp_plan *plan, const char *filter);


#endif
