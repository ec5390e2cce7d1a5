/* fuzz_pnm.c: libFuzzer target for the PNM (P5/P6) decoder (header
 * numbers, comments, maxval scaling; every decode path of fuzz_common.h),
 * with a lossless PNM round trip of what decodes. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    zp_image img;
    if (fuzz_decode(data, size, ZP_FORMAT_PNM, &img) != ZP_OK) return 0;
    if ((uint64_t)img.view.width * (uint64_t)img.view.height <= FUZZ_SMALL_PIXELS)
        fuzz_roundtrip(&img, ZP_FORMAT_PNM);
    zp_image_release(&img);
    return 0;
}
