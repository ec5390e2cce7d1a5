/* fuzz_jpeg.c: libFuzzer target for the JPEG decoder (header, metadata,
 * pixels; every decode path of fuzz_common.h), with a JPEG re-encode of
 * what decodes; and, differentially, the threaded Huffman decoding of
 * 1/8- and 1/4-size decodes (src/codec/jpeg_parallel.c) against one
 * thread. */
#include <string.h>
#include "fuzz_common.h"
#include "codec/codec_internal.h"
#include "codec/jpeg_parallel.h"

/* A 1/denom-size decode on `threads` threads: status, and pixels on
 * success. */
static zp_status decode_scaled(const uint8_t *data, size_t size, int denom, int threads,
                               zp_image *img) {
    zp_decode_options opt;
    fuzz_decode_options(&opt);
    zp_decoder *dec = NULL;
    int32_t got[4];
    zp_status st = zp_decoder_open_memory(data, size, &opt, &dec);
    if (!st) st = zp__decoder_set_window(dec, denom, NULL, got);
    if (!st) {
        zp__decoder_set_threads(dec, threads);
        st = zp_decoder_read(dec, img);
    }
    zp_decoder_close(dec);
    return st;
}

/* Threads must change nothing: same status, same pixels. */
static void check_threads_agree(const uint8_t *data, size_t size, int denom) {
    zp__jpeg_par_min_bytes = 1; /* the fuzzer's inputs are small */
    zp_image one = {0}, two = {0};
    zp_status a = decode_scaled(data, size, denom, 1, &one);
    zp_status b = decode_scaled(data, size, denom, 2, &two);
    if (a != b || (!a && !fuzz_views_equal(&one.view, &two.view))) {
        fprintf(stderr, "1/%d decode: one thread %s, two threads %s\n", denom, zp_status_str(a),
                zp_status_str(b));
        abort();
    }
    if (!a) zp_image_release(&one);
    if (!b) zp_image_release(&two);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    check_threads_agree(data, size, 8);
    check_threads_agree(data, size, 4);
    zp_image img;
    if (fuzz_decode(data, size, ZP_FORMAT_JPEG, &img) != ZP_OK) return 0;
    /* Lossy, so only the geometry is compared; small images only (speed). */
    if ((uint64_t)img.view.width * (uint64_t)img.view.height <= FUZZ_SMALL_PIXELS)
        fuzz_roundtrip(&img, ZP_FORMAT_JPEG);
    zp_image_release(&img);
    return 0;
}
