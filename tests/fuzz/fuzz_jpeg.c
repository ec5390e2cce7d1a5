/* fuzz_jpeg.c: libFuzzer target for the JPEG decoder (header, metadata,
 * pixels; every decode path of fuzz_common.h), with a JPEG re-encode of
 * what decodes. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    zp_image img;
    if (fuzz_decode(data, size, ZP_FORMAT_JPEG, &img) != ZP_OK) return 0;
    /* Lossy, so only the geometry is compared; small images only (speed). */
    if ((uint64_t)img.view.width * (uint64_t)img.view.height <= FUZZ_SMALL_PIXELS)
        fuzz_roundtrip(&img, ZP_FORMAT_JPEG);
    zp_image_release(&img);
    return 0;
}
