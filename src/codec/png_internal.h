/* png_internal.h: what png_decode.c and png_encode.c share (the encoder
 * entry of the PNG codec table and the byte-order test for 16-bit rows). */
#ifndef ZEROPIX_PNG_INTERNAL_H
#define ZEROPIX_PNG_INTERNAL_H

#include <stdint.h>
#include "codec_internal.h"

/* The `encode` entry of zp__codec_png (png_encode.c). */
zp_status zp__png_encode(const zp_view *view, const zp_metadata *meta,
                         const zp_encode_options *opt, zp__writer *w);

/* PNG stores 16-bit samples big-endian; zeropix keeps ZP_U16 in native
 * order, so libpng must swap bytes (png_set_swap) on little-endian hosts. */
static inline int zp__png_host_little_endian(void) {
    const uint16_t one = 1;
    return *(const uint8_t *)&one == 1;
}

#endif
