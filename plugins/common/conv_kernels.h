/* conv_kernels.h: the inner loops of the neighbourhood filters (blur,
 * box_blur, sharpen, convolve) as one table of function pointers, and the
 * row plumbing those four filters share (row fetching with edge
 * replication, scratch layout, Gaussian weights, parameter checks).
 *
 * ---- The kernel table --------------------------------------------------
 *
 * Filters never call a loop directly: plan() stores zp_conv_kernels() in its
 * state (plan runs on one thread, where the table for the active SIMD level
 * is built on first use) and process() goes through the pointers. The plain
 * C functions (*_c in conv_kernels.c) are the reference; the SSE4.1, AVX2
 * and AVX-512 tables (conv_kernels_<level>.c) start as a copy of the level
 * below and override entries. Every entry gives the same bits at every
 * level, floats included: vector code runs across samples, never across
 * taps, sums taps in the order stated here and never fuses a multiply with
 * an add (the build passes -ffp-contract=off), so tests/test_kernels_conv.c
 * compares each level with the C table bit for bit.
 *
 * Layout: every row argument is a packed row of interleaved channels, i.e.
 * a flat array of samples; `n` counts samples, never pixels. A horizontal
 * tap is an offset of `step` samples (step = channels). Vertical entries
 * combine `taps` rows sample by sample. No entry branches on edges: edge
 * replication is done by the caller, once per row (padded rows, clamped row
 * indices), so inner loops are straight. Lists of rows are `const void *`
 * arrays (one pointer per tap, of the sample type the entry names), so
 * callers fill one array whatever the type, without aliasing tricks.
 *
 * ---- Pointers -------------------------------------------------------------
 *
 * zp_conv_kernels() returns a static table (never free it). Everything else
 * here works on memory the caller owns; nothing keeps a pointer past the
 * call that received it, except zp_conv_rows / zp_conv_out, which borrow
 * the views and scratch given to them for the duration of one process().
 */
#ifndef ZEROPIX_PLUGINS_CONV_KERNELS_H
#define ZEROPIX_PLUGINS_CONV_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include "zeropix/plugin.h"
#include "zeropix/simd.h"

/* Fixed point of the u8 Gaussian: coefficients are integers summing to
 * exactly 1 << ZP_CONV_Q (16384); the vertical pass keeps ZP_CONV_MID_FRAC
 * fraction bits, so its result (0..255 << 6 = 16320) and the sum of any two
 * such values fit a signed 16-bit lane (SIMD levels fold symmetric taps and
 * multiply pairs of 16-bit values into 32-bit sums). */
#define ZP_CONV_Q 14
#define ZP_CONV_MID_FRAC 6

/* f32 box sums: samples are clamped to +-ZP_CONV_BOX_F32_LIMIT and rounded to
 * multiples of 2^-ZP_CONV_BOX_F32_FRAC, so that running sums are exact
 * integers and the result does not depend on where a band starts. */
#define ZP_CONV_BOX_F32_FRAC 28
#define ZP_CONV_BOX_F32_LIMIT 1024.0

/* The largest box radius the u8/u16/f32 accumulators are sized for. */
#define ZP_CONV_BOX_MAX_RADIUS 2000

struct zp_conv_kernels {
    const char *level; /* "c", "sse4", "avx2", "avx512": the last level that
                        * overrode an entry of this table                    */

    /* ---- Separable pass, u8 in Q14 fixed point ---------------------------
     * coef[] >= 0 and sums to 1 << 14 (after tap merging too).
     * Vertical: dst[i] = (sum_t rows[t][i] * coef[t] + 128) >> 8, the
     * weighted mean with 6 fraction bits (0..16320). Exact integer
     * arithmetic, so any summation order gives the same bits. */
    void (*sep_v_u8_q6)(const void *const *rows, const int16_t *coef, int taps,
                        int16_t *dst, size_t n);
    /* Horizontal: dst[i] = (sum_t src[i + t*step] * coef[t] + (1 << 19)) >> 20,
     * rounding to nearest; src holds n + (taps-1)*step samples, each 0..16320
     * (what sep_v_u8_q6 gives), so every partial sum fits int32. */
    void (*sep_h_q6_u8)(const int16_t *src, const int16_t *coef, int taps, size_t step,
                        uint8_t *dst, size_t n);

    /* ---- Separable pass in f32 (u8 with a large sigma, u16, f32) ---------
     * Vertical: dst[i] = sum_t rows[t][i] * coef[t], summed in tap order in
     * float (samples taken as raw values, 0..255 / 0..65535 / as is). */
    void (*sep_v_u8_f32)(const void *const *rows, const float *coef, int taps, float *dst,
                         size_t n);
    void (*sep_v_u16_f32)(const void *const *rows, const float *coef, int taps,
                          float *dst, size_t n);
    void (*sep_v_f32_f32)(const void *const *rows, const float *coef, int taps, float *dst,
                          size_t n);
    /* Horizontal: dst[i] = sum_t src[i + t*step] * coef[t], in tap order. */
    void (*sep_h_f32)(const float *src, const float *coef, int taps, size_t step, float *dst,
                      size_t n);

    /* ---- Conversions ------------------------------------------------------
     * float -> integer samples: round to nearest (ties up: floor(v + 0.5)),
     * clamp to 0..255 / 0..65535; NaN gives 0. integer -> float: the raw
     * value (no scaling to 0..1). */
    void (*f32_to_u8)(const float *src, uint8_t *dst, size_t n);
    void (*f32_to_u16)(const float *src, uint16_t *dst, size_t n);
    void (*u8_to_f32)(const uint8_t *src, float *dst, size_t n);
    void (*u16_to_f32)(const uint16_t *src, float *dst, size_t n);

    /* ---- Unsharp mask: combine a row with its blur -----------------------
     * d = in - blur; dst = |d| >= threshold ? in + amount * d : in, computed in
     * float, then rounded and clamped as f32_to_*; f32 results that were
     * sharpened are clamped to 0..1, others are copied. `threshold` is in
     * sample units (levels for u8/u16). */
    void (*unsharp_u8)(const uint8_t *in, const float *blur, float amount, float threshold,
                       uint8_t *dst, size_t n);
    void (*unsharp_u16)(const uint16_t *in, const float *blur, float amount, float threshold,
                        uint16_t *dst, size_t n);
    void (*unsharp_f32)(const float *in, const float *blur, float amount, float threshold,
                        float *dst, size_t n);

    /* ---- Box blur running sums ---------------------------------------------
     * Column sums `acc` (n samples): box_v_add adds weight * row (initial
     * window, weight = how many clamped taps fall on that row), box_v_slide
     * adds one row and removes another. All exact integer arithmetic; f32
     * samples are first quantised as described at ZP_CONV_BOX_F32_FRAC.
     *
     * box_h_*: one output row from column sums of `width` pixels of
     * `channels` samples: output pixel j (0..count-1) is the mean of acc
     * pixels x0+j-radius .. x0+j+radius, indices clamped to 0..width-1,
     * divided by (2*radius+1)^2 and rounded to nearest (ties up: (S + N/2) / N
     * in integers). f32: S / (N * 2^28) in double, then rounded to float.
     * Running sums, so the cost does not depend on the radius. acc holds
     * what box_v_* give: each value is a sum of 2*radius+1 samples (u8: at
     * most (2r+1)*255, u16: (2r+1)*65535), so S <= N * the largest sample
     * and the result is a sample value; other inputs are outside the
     * contract (levels may differ there). */
    void (*box_v_add_u8)(uint32_t *acc, const uint8_t *row, uint32_t weight, size_t n);
    void (*box_v_slide_u8)(uint32_t *acc, const uint8_t *add, const uint8_t *sub, size_t n);
    void (*box_h_u8)(const uint32_t *acc, int32_t width, int channels, int32_t radius,
                     int32_t x0, int32_t count, uint8_t *dst);
    void (*box_v_add_u16)(uint32_t *acc, const uint16_t *row, uint32_t weight, size_t n);
    void (*box_v_slide_u16)(uint32_t *acc, const uint16_t *add, const uint16_t *sub, size_t n);
    void (*box_h_u16)(const uint32_t *acc, int32_t width, int channels, int32_t radius,
                      int32_t x0, int32_t count, uint16_t *dst);
    void (*box_v_add_f32)(int64_t *acc, const float *row, uint32_t weight, size_t n);
    void (*box_v_slide_f32)(int64_t *acc, const float *add, const float *sub, size_t n);
    void (*box_h_f32)(const int64_t *acc, int32_t width, int channels, int32_t radius,
                      int32_t x0, int32_t count, float *dst);
    /* box_vh_u8: box_v_slide_u8 over the whole row (width * channels
     * samples of acc, add and sub), then box_h_u8 from the updated sums,
     * fused: the levels slide each stretch of acc just before the
     * horizontal pass first reads it, while it is still in L1, instead of
     * a second pass over the row. acc is left as box_v_slide_u8 leaves it. */
    void (*box_vh_u8)(uint32_t *acc, const uint8_t *add, const uint8_t *sub, int32_t width,
                      int channels, int32_t radius, int32_t x0, int32_t count, uint8_t *dst);

    /* ---- General 2D convolution --------------------------------------------
     * acc[i] = sum over ky, kx (row-major) of k[ky*side + kx] * rows[ky][i + kx*step]:
     * `side` padded rows, each n + (side-1)*step samples. The integer forms
     * are exact (the caller guarantees sum|k| * max sample < 2^31); the float
     * form sums in float in that order. */
    void (*conv_u8_i32)(const void *const *rows, const int32_t *k, int side, size_t step,
                        int32_t *acc, size_t n);
    void (*conv_u16_i32)(const void *const *rows, const int32_t *k, int side, size_t step,
                         int32_t *acc, size_t n);
    void (*conv_f32)(const void *const *rows, const float *k, int side, size_t step,
                     float *acc, size_t n);
    /* u8 in, u8 out, in 16 bits, for kernels small enough (zp_conv_i16_plan):
     * dst[i] = clamp((add + sum over ky, kx (row-major) of k[ky*side + kx] *
     * rows[ky][i + kx*step]) >> shift, 0, 255), the shift arithmetic (floor
     * division by 2^shift), shift 0..14. The caller guarantees sum|k| * 255
     * + |add| <= 32767, so every partial sum, in any order, fits int16:
     * exact, whatever the level's order. */
    void (*conv_u8_i16_u8)(const void *const *rows, const int16_t *k, int side, size_t step,
                           int32_t add, int shift, uint8_t *dst, size_t n);
    /* Finish: v = acc * scale + bias (integer forms in double, exactly that
     * expression with no contraction; float forms in float), then rounded and
     * clamped as f32_to_* (f32 output clamped to 0..1; NaN gives 0). */
    void (*conv_i32_to_u8)(const int32_t *acc, double scale, double bias, uint8_t *dst,
                           size_t n);
    void (*conv_i32_to_u16)(const int32_t *acc, double scale, double bias, uint16_t *dst,
                            size_t n);
    void (*conv_f32_to_u8)(const float *acc, float scale, float bias, uint8_t *dst, size_t n);
    void (*conv_f32_to_u16)(const float *acc, float scale, float bias, uint16_t *dst,
                            size_t n);
    void (*conv_f32_to_f32)(const float *acc, float scale, float bias, float *dst, size_t n);
};

/* The kernels at zp_simd_active() (the CPU's best level, capped by
 * ZEROPIX_SIMD and zp_simd_set_cap). Static; thread-safe (call it from
 * plan(), so that one image uses one table). The name doubles as
 * the struct tag: C keeps tags and functions apart. */
const struct zp_conv_kernels *zp_conv_kernels(void);
/* The plain C reference table, always. */
const struct zp_conv_kernels *zp_conv_kernels_c(void);
/* The table of exactly `level` (for kernel tests and benchmarks), or NULL
 * when the CPU lacks it; see zp__simd_family_level for whether that level
 * overrides anything. */
const struct zp_conv_kernels *zp_conv_kernels_at(zp_simd level);


/* ---- Integer taps for the SIMD levels ----------------------------------------
 * The integer entries (sep_v_u8_q6, sep_h_q6_u8, conv_u8_i32) multiply
 * 16-bit samples by 16-bit coefficients, two taps per instruction, so the
 * levels share one description of the taps: a list of terms, each one tap
 * or two taps of equal coefficient (symmetric Gaussian taps, whose samples
 * are added first: the sum of two Q6 values still fits int16), with the
 * coefficients packed in pairs (term k's in the low half of cc[k / 2] when
 * k is even, the high half when odd; a missing partner has 0). Exact
 * integer sums, so the order of terms does not change any result. */
#define ZP_CONV_MAX_TERMS 256
typedef struct zp_conv_terms {
    int n, n2;                               /* terms; the first n2 fold two taps */
    const char *p[ZP_CONV_MAX_TERMS];        /* first tap of each term           */
    const char *q[ZP_CONV_MAX_TERMS];        /* second tap (folded terms only)   */
    int32_t cc[ZP_CONV_MAX_TERMS / 2 + 1];   /* coefficient pairs                */
} zp_conv_terms;
/* Tap t reads base[t] (base != NULL) or base1 + t * stride bytes; its
 * coefficient is c16[t] (c16 != NULL) or c32[t]. With fold != 0, taps are
 * folded in pairs (t, taps-1-t) when all coefficients are symmetric. Returns
 * 0 (and the caller uses the level below) when taps is not 1..256 or a
 * coefficient does not fit int16. */
int zp_conv_terms_make(zp_conv_terms *tm, const void *const *base, const char *base1,
                       ptrdiff_t stride, const int16_t *c16, const int32_t *c32, int taps,
                       int fold);
/* init + the sum of all terms at sample i, for samples of `size` bytes (1:
 * uint8_t, 2: int16_t); the scalar tail of the vector loops. */
int32_t zp_conv_terms_sum(const zp_conv_terms *tm, int size, size_t i, int32_t init);

/* Whether conv_u8_i16_u8 gives exactly what conv_u8_i32 then
 * conv_i32_to_u8(scale, bias) give for the integer kernel k (taps entries),
 * and its arguments: the smallest shift 0..14 that makes mul = scale *
 * 2^shift and bias * 2^shift integers, k16 = k * mul,
 * add = bias * 2^shift + (shift ? 2^(shift-1) : 0), within the int16 bound.
 * Why it is exact: acc * scale + bias = (acc * mul + bias * 2^shift) / 2^shift
 * in double without rounding (numerator below 2^15, the division a power
 * of two), v + 0.5 is exact too, and floor(t + 0.5) is monotone and keeps
 * 0 and 255, so clamping before or after rounding is the same:
 * floor(clamp(v) + 0.5) = clamp((acc * mul + add) >> shift).
 * tests/test_filters_conv.c checks every reachable acc. Returns 0 (use the
 * int32 path) otherwise. */
int zp_conv_i16_plan(const int32_t *k, int taps, double scale, double bias, int16_t *k16,
                     int32_t *mul, int32_t *add, int *shift);

/* ---- Box sums for the SIMD levels ---------------------------------------------
 * The window sum of box_h's output pixel j is S_j = S_0 + sum over 1..j of
 * d_j = E[j + r] - E[j - r - 1], where E[x] is acc pixel clamp(x0 + x) (per
 * channel): the running sum of box_h_*_c as a prefix sum of differences,
 * which the levels compute with a log-step scan (mod 2^32: exact, since
 * every S_j < 2^32 within the contract). This writes d for samples i0 ..
 * i0+m-1 (sample i = j*channels + c; for j = 0, d = S_0 of channel c): the
 * scalar part the levels use at the edges and the row's end. For u16 only
 * with (2r+1)^2 <= 65536, so that S_0 fits 32 bits. */
void zp_conv_box_deltas(const uint32_t *acc, int32_t width, int channels, int32_t radius,
                        int32_t x0, size_t i0, size_t m, uint32_t *d);

/* ---- Planning helpers ------------------------------------------------------ */

/* printf into plan->message. */
void zp_conv_message(zp_plan *plan, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Check the input every convolution filter accepts (u8/u16/f32, 1..4
 * channels, size >= 1, within args->max_pixels when the host passes it);
 * on failure writes a message naming `filter` and returns
 * ZP_ERR_UNSUPPORTED / ZP_ERR_INVALID_ARG / ZP_ERR_LIMIT. */
zp_status zp_conv_check_input(const zp_plan_args *args, zp_plan *plan, const char *filter);

/* Largest value of a sample: 255, 65535, 1.0. */
double zp_conv_full_scale(zp_dtype dtype);

/* Normalised Gaussian weights for `sigma`: radius = ceil(3 sigma), taps =
 * 2 radius + 1, w[i] = exp(-(i-radius)^2 / (2 sigma^2)) / sum, in double,
 * then as float (f) and as Q14 integers summing exactly to 1 << 14 (q14,
 * the rounding remainder on the centre tap). q14_ok says whether the Q14
 * path is accurate to within half a u8 level in the worst case (so a u8
 * result is within 1 of the exact one): true for every sigma up to 4.7, most
 * up to 7.6, none from 13 on (the bound is computed, not assumed). Release
 * with zp_conv_gauss_free (which accepts a zeroed struct). */
typedef struct zp_conv_gauss {
    int32_t  radius, taps;
    int      q14_ok;
    double   q14_error; /* worst-case error of the Q14 path, in u8 levels */
    double  *w;         /* taps weights, double (owned)                  */
    float   *f;         /* taps weights, float (owned)                   */
    int16_t *q14;       /* taps weights, Q14 (owned)                     */
} zp_conv_gauss;
zp_status zp_conv_gauss_init(zp_conv_gauss *g, double sigma);
void zp_conv_gauss_free(zp_conv_gauss *g);

/* ---- Processing helpers ----------------------------------------------------- */

/* Check what process() was handed: `out` matches out_rect, dtype and
 * channels; `in` matches in_rect and covers out_rect grown by the halo,
 * clipped to the image (img_w x img_h). Then clamping to `in` is clamping
 * to the image, as plugin.h promises. ZP_ERR_INVALID_ARG otherwise. */
zp_status zp_conv_check_call(const zp_view *in, const zp_rect *in_rect, const zp_view *out,
                             const zp_rect *out_rect, int32_t img_w, int32_t img_h,
                             int32_t halo_x, int32_t halo_y, int32_t channels, zp_dtype dtype);

/* The columns of `in` that output columns need: [*x0, *x0 + *n), and the
 * replicated pixels to add on each side so that padded pixel 0 is in-column
 * (ox0 - halo) (ox0 = out_rect.x - in_rect.x). */
void zp_conv_columns(const zp_view *in, const zp_rect *in_rect, const zp_rect *out_rect,
                     int32_t halo, int32_t *x0, int32_t *n, int32_t *pad_l, int32_t *pad_r);

/* One block of scratch memory per process() call: reserve() parts (each
 * 64-byte aligned), alloc() once, then at() gives each part's address. */
typedef struct zp_conv_scratch {
    size_t size;
    int    overflow;
    unsigned char *base;
} zp_conv_scratch;
size_t zp_conv_reserve(zp_conv_scratch *s, size_t count, size_t item);
zp_status zp_conv_scratch_alloc(zp_conv_scratch *s);
void *zp_conv_at(const zp_conv_scratch *s, size_t offset);
void zp_conv_scratch_free(zp_conv_scratch *s);

/* Rows of `in` as packed sample arrays: in-columns x0 .. x0+n-1, with pad_l
 * and pad_r copies of the edge pixels on each side, optionally converted to
 * float (raw values). Packed input without padding or conversion is read in
 * place; otherwise each row is gathered once into a ring of `window` slots
 * (or in->height, if fewer), so at most `window` consecutive rows may be in
 * use at once. get() returns padded pixel 0 of row y (0 <= y < in->height);
 * the pointer is valid until `window` other rows have been fetched. */
typedef struct zp_conv_rows {
    const zp_view *in;
    const struct zp_conv_kernels *k;
    int32_t x0, n, pad_l, pad_r, slots;
    int     to_f32, direct;
    size_t  item, slot_bytes;
    size_t  off_buf, off_held, off_tmp;
    unsigned char *buf, *tmp;
    int32_t *held;
} zp_conv_rows;
void zp_conv_rows_reserve(zp_conv_rows *r, const struct zp_conv_kernels *k, const zp_view *in,
                          int32_t x0, int32_t n, int32_t pad_l, int32_t pad_r, int to_f32,
                          int32_t window, zp_conv_scratch *s);
void zp_conv_rows_bind(zp_conv_rows *r, const zp_conv_scratch *s);
const void *zp_conv_rows_get(zp_conv_rows *r, int32_t y);

/* Output rows: row() is where to write row y as packed samples (the view
 * itself when its rows are packed, else a scratch row), put() stores it. */
typedef struct zp_conv_out {
    const zp_view *out;
    int    packed;
    size_t off;
    void  *buf;
} zp_conv_out;
void zp_conv_out_reserve(zp_conv_out *o, const zp_view *out, zp_conv_scratch *s);
void zp_conv_out_bind(zp_conv_out *o, const zp_conv_scratch *s);
void *zp_conv_out_row(const zp_conv_out *o, int32_t y);
void zp_conv_out_put(const zp_conv_out *o, int32_t y);

/* Replicate pixel pad_l into pixels 0..pad_l-1 and pixel pad_l+n-1 into the
 * pad_r pixels after it; a pixel is `pixel_bytes` bytes. */
void zp_conv_pad(void *row, int32_t pad_l, int32_t n, int32_t pad_r, size_t pixel_bytes);

/* The separable Gaussian engine shared by blur and sharpen: vertical pass
 * over whole rows (taps that clamp onto the same row are merged, so a tiny
 * image with a huge sigma costs little), edge padding of that one row, then
 * the horizontal pass. */
typedef struct zp_conv_sep {
    const struct zp_conv_kernels *k;
    const zp_conv_gauss *g;
    zp_dtype dtype;
    int32_t  channels, q14; /* q14: use the u8 fixed-point path              */
    int32_t  in_h, oy0, ox0, x0, n, pad_l, pad_r, width;
    zp_conv_rows rows;
    size_t   off_ptr, off_cq, off_cf, off_mid, off_hf;
    const void **ptr;
    int16_t *cq;
    float   *cf;
    void    *mid; /* padded vertical result: int16 Q6 or float            */
    float   *hf;  /* float horizontal result, when it is not the output   */
} zp_conv_sep;
/* q14: 1 to produce u8 through the Q14 path (dtype must be ZP_U8). */
void zp_conv_sep_reserve(zp_conv_sep *sp, const struct zp_conv_kernels *k,
                         const zp_conv_gauss *g, int q14, const zp_view *in,
                         const zp_rect *in_rect, const zp_rect *out_rect, zp_conv_scratch *s);
void zp_conv_sep_bind(zp_conv_sep *sp, const zp_conv_scratch *s);
/* Output row y (0-based in the output rectangle): into `dst` as samples of
 * the dtype (as_float == 0), or as raw float values (as_float == 1; not with
 * q14). */
void zp_conv_sep_row(zp_conv_sep *sp, int32_t y, void *dst, int as_float);

#endif
