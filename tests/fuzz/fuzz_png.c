/* fuzz_png.c: libFuzzer target for the PNG decoder (chunks, ICC, EXIF,
 * interlace, every colour type and depth; every decode path of
 * fuzz_common.h), with a lossless PNG round trip of what decodes. */
#include "fuzz_common.h"
#include "fuzz_png_crc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    zp_image img;
    if (fuzz_decode(data, size, ZP_FORMAT_PNG, &img) != ZP_OK) return 0;
    if ((uint64_t)img.view.width * (uint64_t)img.view.height <= FUZZ_SMALL_PIXELS)
        fuzz_roundtrip(&img, ZP_FORMAT_PNG);
    zp_image_release(&img);
    return 0;
}

/* libFuzzer only: keep chunk CRCs right after mutating (fuzz_png_crc.h). */
FUZZ_PNG_CRC_MUTATOR(0)
