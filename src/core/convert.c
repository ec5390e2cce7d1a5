/* convert.c: sample conversion between dtypes (the rules of zp_view_copy). */
#include <string.h>
#include "core_internal.h"

static inline uint8_t f32_to_u8(float f) {
    if (!(f > 0.0f)) return 0; /* also NaN */
    if (f >= 1.0f) return 255;
    return (uint8_t)(f * 255.0f + 0.5f);
}

static inline uint16_t f32_to_u16(float f) {
    if (!(f > 0.0f)) return 0;
    if (f >= 1.0f) return 65535;
    return (uint16_t)(f * 65535.0f + 0.5f);
}

void zp__convert_samples(const void *src, zp_dtype sdt, void *dst, zp_dtype ddt, size_t n) {
    if (sdt == ddt) {
        memcpy(dst, src, n * zp_dtype_size(sdt));
        return;
    }
    const uint8_t *s8 = src;
    const uint16_t *s16 = src;
    const float *sf = src;
    uint8_t *d8 = dst;
    uint16_t *d16 = dst;
    float *df = dst;
    size_t i;
    switch (sdt * 4 + ddt) {
    case ZP_U8 * 4 + ZP_U16: for (i = 0; i < n; i++) d16[i] = (uint16_t)(s8[i] * 257u); break;
    case ZP_U8 * 4 + ZP_F32: for (i = 0; i < n; i++) df[i] = s8[i] * (1.0f / 255.0f); break;
    case ZP_U16 * 4 + ZP_U8:
        for (i = 0; i < n; i++) d8[i] = (uint8_t)((s16[i] * 255u + 32767u) / 65535u);
        break;
    case ZP_U16 * 4 + ZP_F32: for (i = 0; i < n; i++) df[i] = s16[i] * (1.0f / 65535.0f); break;
    case ZP_F32 * 4 + ZP_U8: for (i = 0; i < n; i++) d8[i] = f32_to_u8(sf[i]); break;
    case ZP_F32 * 4 + ZP_U16: for (i = 0; i < n; i++) d16[i] = f32_to_u16(sf[i]); break;
    default: break;
    }
}
