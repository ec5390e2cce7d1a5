/* limits.c: default options and the dimension check every decoder makes
 * before it allocates anything that scales with the image. */
#include "codec_internal.h"

void zp_decode_options_init(zp_decode_options *opt) {
    if (!opt) return;
    opt->limits.max_pixels = ZP_DEFAULT_MAX_PIXELS;
    opt->limits.max_jpeg_scans = ZP_DEFAULT_MAX_JPEG_SCANS;
    opt->limits.max_chunk_size = ZP_DEFAULT_MAX_CHUNK_SIZE;
    opt->apply_orientation = 1;
    opt->keep_16bit = 1;
    opt->read_metadata = 1;
    opt->fail_on = ZP_FAIL_ON_ERROR;
}

void zp_encode_options_init(zp_encode_options *opt) {
    if (!opt) return;
    opt->format = ZP_FORMAT_UNKNOWN;
    opt->quality = 90;
    opt->progressive = 0;
    opt->optimize = 0;
    opt->subsampling = 420;
    opt->compression = -1; /* the fast PNG encoder */
    opt->bit_depth = 0;
    opt->strip_metadata = 0;
    opt->png_filter = ZP_PNG_FILTER_AUTO;
    opt->threads = 0;
}

zp_status zp__check_dimensions(const zp_limits *lim, uint64_t width, uint64_t height) {
    if (width == 0 || height == 0)
        return zp__fail(ZP_ERR_CORRUPT, "image size %llu x %llu", (unsigned long long)width,
                        (unsigned long long)height);
    if (width > ZP_MAX_DIM || height > ZP_MAX_DIM)
        return zp__fail(ZP_ERR_LIMIT, "image size %llu x %llu is over the maximum side of %d",
                        (unsigned long long)width, (unsigned long long)height, ZP_MAX_DIM);
    uint64_t pixels = width * height; /* both < 2^31: no overflow */
    if (lim && lim->max_pixels && pixels > lim->max_pixels)
        return zp__fail(ZP_ERR_LIMIT,
                        "image is %llu x %llu = %llu pixels, over the limit of %llu pixels "
                        "(max_pixels)",
                        (unsigned long long)width, (unsigned long long)height,
                        (unsigned long long)pixels, (unsigned long long)lim->max_pixels);
    return ZP_OK;
}
