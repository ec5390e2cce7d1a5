/* point_kernels.c: plain C point kernels, their table, and the row driver
 * that feeds them packed row segments from views of any layout. */
#include <stdio.h>
#include <stdlib.h>
#include "point_kernels.h"
#include "core/simd_internal.h"

/* Apply OP (an expression of the sample `v`) to every colour sample of a
 * packed segment and copy alpha. Without alpha the segment is one flat array
 * (the loop a compiler vectorises); with it, the channel loop has a fixed
 * trip count per call. Reads each sample before writing it: in place is fine. */
#define POINT_LOOP(T, src, dst, pixels, channels, alpha, OP)                          \
    do {                                                                              \
        if (!(alpha)) {                                                               \
            const size_t n_ = (pixels) * (size_t)(channels);                          \
            for (size_t i_ = 0; i_ < n_; i_++) {                                      \
                const T v = (src)[i_];                                                \
                (dst)[i_] = (OP);                                                     \
            }                                                                         \
        } else {                                                                      \
            const size_t ch_ = (size_t)(channels), colour_ = ch_ - 1;                 \
            for (size_t p_ = 0; p_ < (pixels); p_++) {                                \
                const T *s_ = (src) + p_ * ch_;                                       \
                T *d_ = (dst) + p_ * ch_;                                             \
                for (size_t c_ = 0; c_ < colour_; c_++) {                             \
                    const T v = s_[c_];                                               \
                    d_[c_] = (OP);                                                    \
                }                                                                     \
                d_[colour_] = s_[colour_];                                            \
            }                                                                         \
        }                                                                             \
    } while (0)

/* ---- lookup tables ---- */

static void lut_row_u8_c(const uint8_t *src, uint8_t *dst, size_t pixels, int channels,
                         int alpha, const uint8_t lut[256]) {
    POINT_LOOP(uint8_t, src, dst, pixels, channels, alpha, lut[v]);
}

static void lut_row_u16_c(const uint16_t *src, uint16_t *dst, size_t pixels, int channels,
                          int alpha, const uint16_t lut[65536]) {
    POINT_LOOP(uint16_t, src, dst, pixels, channels, alpha, lut[v]);
}

/* ---- invert ---- */

static void invert_row_u8_c(const uint8_t *src, uint8_t *dst, size_t pixels, int channels,
                            int alpha) {
    POINT_LOOP(uint8_t, src, dst, pixels, channels, alpha, (uint8_t)(255u - v));
}

static void invert_row_u16_c(const uint16_t *src, uint16_t *dst, size_t pixels, int channels,
                             int alpha) {
    POINT_LOOP(uint16_t, src, dst, pixels, channels, alpha, (uint16_t)(65535u - v));
}

static void invert_row_f32_c(const float *src, float *dst, size_t pixels, int channels,
                             int alpha) {
    POINT_LOOP(float, src, dst, pixels, channels, alpha, 1.0f - v);
}

/* ---- threshold: all-ones or zero from the comparison, no branch ---- */

static void threshold_row_u8_c(const uint8_t *src, uint8_t *dst, size_t pixels, int channels,
                               int alpha, uint8_t level) {
    POINT_LOOP(uint8_t, src, dst, pixels, channels, alpha, (uint8_t)-(v >= level));
}

static void threshold_row_u16_c(const uint16_t *src, uint16_t *dst, size_t pixels,
                                int channels, int alpha, uint16_t level) {
    POINT_LOOP(uint16_t, src, dst, pixels, channels, alpha, (uint16_t)-(v >= level));
}

static void threshold_row_f32_c(const float *src, float *dst, size_t pixels, int channels,
                                int alpha, float level) {
    POINT_LOOP(float, src, dst, pixels, channels, alpha, (float)(v >= level));
}

/* ---- levels on f32: double inside, because t ^ (1 / gamma) is steep near 0
 * and float rounding of t would show there. Two loops so the gamma test is
 * made once per call, not per sample. ---- */

static void levels_row_f32_c(const float *src, float *dst, size_t pixels, int channels,
                             int alpha, const zp_levels *l) {
    const double b = l->brightness, k = l->contrast, e = l->inv_gamma;
#define LEVELS_T(v) (((double)(v) - 0.5) * k + 0.5 + b) /* as zp_levels_apply */
#define CLAMP01(t) ((t) < 0.0 ? 0.0 : (t) > 1.0 ? 1.0 : (t))
    if (e == 1.0)
        POINT_LOOP(float, src, dst, pixels, channels, alpha, (float)CLAMP01(LEVELS_T(v)));
    else
        POINT_LOOP(float, src, dst, pixels, channels, alpha,
                   (float)pow(CLAMP01(LEVELS_T(v)), e));
#undef LEVELS_T
#undef CLAMP01
}

/* ---- grayscale: one loop per layout, no per-pixel branch ---- */

static void gray_row_u8_c(const uint8_t *src, uint8_t *dst, size_t pixels, int alpha) {
#define GRAY_U8(s) (uint8_t)((ZP_GRAY_Q15_R * (s)[0] + ZP_GRAY_Q15_G * (s)[1] + \
                              ZP_GRAY_Q15_B * (s)[2] + (1u << 14)) >> 15)
    if (alpha) {
        for (size_t p = 0; p < pixels; p++, src += 4, dst += 2) {
            const uint8_t a = src[3];
            dst[0] = GRAY_U8(src);
            dst[1] = a;
        }
    } else {
        for (size_t p = 0; p < pixels; p++, src += 3) dst[p] = GRAY_U8(src);
    }
#undef GRAY_U8
}

static void gray_row_u16_c(const uint16_t *src, uint16_t *dst, size_t pixels, int alpha) {
    /* 65536 * 65535 + 2^15 < 2^32: the sum fits in 32 bits. */
#define GRAY_U16(s) (uint16_t)((ZP_GRAY_Q16_R * (uint32_t)(s)[0] +  \
                                ZP_GRAY_Q16_G * (uint32_t)(s)[1] +  \
                                ZP_GRAY_Q16_B * (uint32_t)(s)[2] + (1u << 15)) >> 16)
    if (alpha) {
        for (size_t p = 0; p < pixels; p++, src += 4, dst += 2) {
            const uint16_t a = src[3];
            dst[0] = GRAY_U16(src);
            dst[1] = a;
        }
    } else {
        for (size_t p = 0; p < pixels; p++, src += 3) dst[p] = GRAY_U16(src);
    }
#undef GRAY_U16
}

static void gray_row_f32_c(const float *src, float *dst, size_t pixels, int alpha) {
    /* Relative to g, so r == g == b gives g exactly. */
#define GRAY_F32(s) ((s)[1] + 0.299f * ((s)[0] - (s)[1]) + 0.114f * ((s)[2] - (s)[1]))
    if (alpha) {
        for (size_t p = 0; p < pixels; p++, src += 4, dst += 2) {
            const float a = src[3];
            dst[0] = GRAY_F32(src);
            dst[1] = a;
        }
    } else {
        for (size_t p = 0; p < pixels; p++, src += 3) dst[p] = GRAY_F32(src);
    }
#undef GRAY_F32
}

static const struct zp_point_kernels point_kernels_c = {
    .lut_u8 = lut_row_u8_c,
    .lut_u16 = lut_row_u16_c,
    .invert_u8 = invert_row_u8_c,
    .invert_u16 = invert_row_u16_c,
    .invert_f32 = invert_row_f32_c,
    .threshold_u8 = threshold_row_u8_c,
    .threshold_u16 = threshold_row_u16_c,
    .threshold_f32 = threshold_row_f32_c,
    .levels_f32 = levels_row_f32_c,
    .gray_u8 = gray_row_u8_c,
    .gray_u16 = gray_row_u16_c,
    .gray_f32 = gray_row_f32_c,
};

ZP__SIMD_FAMILY(point, point_kernels_c);

/* ---- The row driver ---- */

/* Gather or scatter this many bytes of rows per host->view_copy call. The
 * copy allocates a row of its own scratch per call when a side is not
 * packed, so one call per row would mean a malloc per row; a chunk of rows
 * makes that one per chunk while keeping our scratch small and bounded. */
#define CHUNK_BYTES ((size_t)32 << 10)

/* A packed view over scratch memory: rows back to back, no owner. */
static zp_view scratch_view(void *data, const zp_view *like, int32_t rows, size_t row_bytes,
                            size_t item) {
    zp_view v = *like;
    v.data = data;
    v.height = rows;
    v.stride_y = (ptrdiff_t)row_bytes;
    v.stride_x = (ptrdiff_t)(like->channels * item);
    v.stride_c = (ptrdiff_t)item;
    v.flags = 0;
    v.owner = NULL;
    return v;
}

zp_status zp_point_run(const zp_host *host, const zp_view *in, const zp_rect *in_rect,
                       const zp_view *out, const zp_rect *out_rect, zp_point_rows_fn rows,
                       const void *ctx) {
    if (!host || !in || !in_rect || !out || !out_rect || !rows) return ZP_ERR_INVALID_ARG;
    const size_t item = zp_sample_bytes(in->dtype);
    if (!item || out->dtype != in->dtype) return ZP_ERR_INVALID_ARG;
    if (out->flags & ZP_VIEW_READONLY) return ZP_ERR_READONLY;
    const int64_t dx = (int64_t)out_rect->x - in_rect->x, dy = (int64_t)out_rect->y - in_rect->y;
    if (dx < 0 || dy < 0 || dx > in->width || dy > in->height) return ZP_ERR_INVALID_ARG;

    /* Borrowed copies (owner NULL): the caller's references keep the memory
     * alive for this call, and derived views then need no reference dropped
     * (the ABI gives plugins no zp_view_release). */
    zp_view src = *in, dst = *out;
    src.owner = NULL;
    dst.owner = NULL;
    zp_status st = host->view_crop(&src, (int32_t)dx, (int32_t)dy, dst.width, dst.height, &src);
    if (st) return st;

    const int32_t w = dst.width, h = dst.height;
    const size_t in_row = (size_t)w * (size_t)src.channels * item;
    const size_t out_row = (size_t)w * (size_t)dst.channels * item;
    const int src_packed = zp_row_is_packed(&src), dst_packed = zp_row_is_packed(&dst);
    const size_t widest = in_row > out_row ? in_row : out_row;
    int32_t chunk = h;
    if (!src_packed || !dst_packed) {
        size_t fit = CHUNK_BYTES / widest;
        chunk = fit < 1 ? 1 : fit < (size_t)h ? (int32_t)fit : h;
    }
    /* Two regions, input then output, each 16-byte aligned (malloc's is). */
    const size_t in_part = src_packed ? 0 : ((in_row * (size_t)chunk + 15) & ~(size_t)15);
    const size_t need = in_part + (dst_packed ? 0 : out_row * (size_t)chunk);
    char *scratch = NULL;
    if (need && !(scratch = malloc(need))) return ZP_ERR_NOMEM;

    for (int32_t y0 = 0; y0 < h && !st; y0 += chunk) {
        const int32_t r = chunk < h - y0 ? chunk : h - y0;
        zp_view part_in, part_out, packed_in, packed_out;
        const char *s;
        char *d;
        ptrdiff_t s_step, d_step;
        if (src_packed) {
            s = zp_view_pixel(&src, 0, y0);
            s_step = src.stride_y;
        } else {
            packed_in = scratch_view(scratch, &src, r, in_row, item);
            if ((st = host->view_crop(&src, 0, y0, w, r, &part_in)) ||
                (st = host->view_copy(&part_in, &packed_in)))
                break;
            s = scratch;
            s_step = (ptrdiff_t)in_row;
        }
        if (dst_packed) {
            d = zp_view_pixel(&dst, 0, y0);
            d_step = dst.stride_y;
        } else {
            d = scratch + in_part;
            d_step = (ptrdiff_t)out_row;
        }
        if (r == 1 || (s_step == (ptrdiff_t)in_row && d_step == (ptrdiff_t)out_row)) {
            rows(ctx, s, d, (size_t)w * (size_t)r); /* rows back to back: one segment */
        } else {
            for (int32_t i = 0; i < r; i++) rows(ctx, s + i * s_step, d + i * d_step, (size_t)w);
        }
        if (!dst_packed) {
            packed_out = scratch_view(d, &dst, r, out_row, item);
            if ((st = host->view_crop(&dst, 0, y0, w, r, &part_out)) ||
                (st = host->view_copy(&packed_out, &part_out)))
                break;
        }
    }
    free(scratch);
    return st;
}

zp_status zp_point_check_input(const zp_plan_args *args, zp_plan *plan, const char *filter) {
    if (!zp_sample_bytes(args->dtype)) {
        snprintf(plan->message, sizeof plan->message,
                 "unsupported sample type %d (%s works on u8, u16 and f32)", (int)args->dtype,
                 filter);
        return ZP_ERR_UNSUPPORTED;
    }
    if (args->channels < 1 || args->channels > 4) {
        snprintf(plan->message, sizeof plan->message,
                 "the image has %d channels (%s works on 1 to 4)", (int)args->channels, filter);
        return ZP_ERR_UNSUPPORTED;
    }
    return ZP_OK;
}
