/* fuzz_pipeline.c: libFuzzer target for the whole path of `zeropix
 * convert`: format detection, decode, a small pipeline chosen by the input,
 * encode to memory, and a decode of what was written.
 *
 * Input layout: 8 control bytes, then the image file (any format).
 *   c[0] bits 0-1  output format: 0 PNG, 1 JPEG, 2 PNM, 3 PNG 16-bit
 *        bit 2     decode 16-bit samples rounded to 8 (keep_16bit = 0)
 *        bit 3     keep the stored orientation (apply_orientation = 0)
 *        bit 4     strip metadata on output
 *        bit 5     decode into an f32 view (zp_decoder_read_into)
 *        bit 6     JPEG progressive + optimised Huffman tables
 *        bit 7     run the pipeline on 2 threads instead of 1
 *   c[1] bits 0-1  number of operations (0..3)
 *        bits 2-3  JPEG chroma subsampling: 444, 422, 420, 420
 *        bits 4-7  JPEG quality 1..100 / PNG compression 0..9
 *   c[2..7]        up to three (operation, parameter byte) pairs, from the
 *                  table in make_op(); the parameters are kept small so an
 *                  input costs milliseconds, with a few out-of-range values
 *                  to reach the errors too.
 * The seed generator (gen_corpus.c) writes files in this layout. */
#include <stdio.h>
#include "fuzz_png_crc.h"
#include "fuzz_registry.h"

#define RUN_MAX_PIXELS ((uint64_t)1 << 20)

/* Operation `op` (any byte) with parameter byte `p`, as text. */
static void make_op(uint8_t op, uint8_t p, char *out, size_t cap) {
    static const char *const extract[] = {"0", "2;1;0", "0;2", "3", "1", "0;0;0", "1;2", "9"};
    static const char *const kernels[] = {
        "1;2;1;2;4;2;1;2;1", "-1;-1;-1;-1;8;-1;-1;-1;-1", "0;0;0;0;1;0;0;0;0",
        "1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1", "1;-1;0;0;0;0;0;0;0"};
    static const char *const kernel_names[] = {"nearest", "bilinear", "bicubic", "lanczos3"};
    static const int angles[] = {90, 180, 270, -90, 0, 45, 360, -180};
    switch (op % 16) {
    case 0: snprintf(out, cap, "crop:x=%d,y=%d,w=%d,h=%d", p & 7, (p >> 3) & 7, (p >> 2) & 15,
                     (p >> 4) & 15); break;
    case 1: snprintf(out, cap, "flip:%s", p % 3 == 0 ? "x" : p % 3 == 1 ? "y" : "both"); break;
    case 2: snprintf(out, cap, "rotate:%d", angles[p & 7]); break;
    case 3: snprintf(out, cap, "transpose"); break;
    case 4: snprintf(out, cap, "extract:%s", extract[p & 7]); break;
    case 5: snprintf(out, cap, "drop_alpha"); break;
    case 6: snprintf(out, cap, "grayscale"); break;
    case 7: snprintf(out, cap, "invert"); break;
    case 8: snprintf(out, cap, "levels:brightness=%g,contrast=%g,gamma=%g", (p & 15) / 8.0 - 1.0,
                     ((p >> 4) & 7) / 2.0, 0.1 + (p >> 5) * 1.3); break;
    case 9: snprintf(out, cap, "threshold:%g", p / 255.0); break;
    case 10: snprintf(out, cap, "blur:%g", 0.1 + (p & 63) / 16.0); break;
    case 11: snprintf(out, cap, "box_blur:%d", 1 + (p & 7)); break;
    case 12: snprintf(out, cap, "sharpen:sigma=%g,amount=%g,threshold=%g", 0.1 + (p & 15) / 8.0,
                      ((p >> 4) & 3) * 1.5, ((p >> 6) & 3) / 4.0); break;
    case 13: snprintf(out, cap, "convolve:kernel=%s,scale=%g,offset=%g", kernels[p % 5],
                      (p >> 3) & 1 ? 0.0 : 0.5, ((p >> 4) & 3) / 4.0); break;
    case 14:
        if (p & 0x80) snprintf(out, cap, "resize:scale=%g,kernel=%s", 0.05 + (p & 31) / 16.0,
                               kernel_names[(p >> 5) & 3]);
        else snprintf(out, cap, "resize:width=%d,height=%d,kernel=%s", p & 31,
                      ((p >> 5) & 1) * ((p & 15) + 1), kernel_names[(p >> 5) & 3]);
        break;
    default: snprintf(out, cap, "thumbnail:width=%d,height=%d,kernel=%s,upscale=%d", p & 31,
                      (p >> 2) & 31, kernel_names[(p >> 5) & 3], p >> 7); break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 8) return 0;
    const uint8_t *c = data;
    const uint8_t *file = data + 8;
    size_t file_size = size - 8;

    zp_decode_options dopt;
    fuzz_decode_options(&dopt);
    dopt.limits.max_pixels = (uint64_t)1 << 18; /* the pipeline is the costly part */
    dopt.keep_16bit = !(c[0] & 4);
    dopt.apply_orientation = !(c[0] & 8);

    /* Decode. */
    zp_decoder *dec = NULL;
    if (zp_decoder_open_memory(file, file_size, &dopt, &dec) != ZP_OK) return 0;
    FUZZ_CHECK(zp_decoder_info(dec)->format == zp_format_detect(file, file_size));
    zp_image img;
    memset(&img, 0, sizeof img);
    zp_status st;
    if (c[0] & 32) {
        const zp_image_info *info = zp_decoder_info(dec);
        st = zp_view_alloc(info->width, info->height, info->channels, ZP_F32, &img.view);
        if (!st) st = zp_decoder_read_into(dec, &img.view);
        if (!st) st = zp_metadata_copy(zp_decoder_metadata(dec), &img.meta);
    } else {
        st = zp_decoder_read(dec, &img);
    }
    zp_decoder_close(dec);
    if (st) {
        zp_image_release(&img);
        return 0;
    }
    FUZZ_CHECK(zp_view_check(&img.view) == ZP_OK);

    /* A pipeline of up to three operations. */
    char ops[3][128];
    const char *argv[3];
    int count = c[1] & 3;
    for (int i = 0; i < count; i++) {
        make_op(c[2 + 2 * i], c[3 + 2 * i], ops[i], sizeof ops[i]);
        argv[i] = ops[i];
    }
    zp_view result;
    zp_view_share(&img.view, &result);
    if (count > 0) {
        zp_pipeline *p = NULL;
        zp_clear_error();
        st = zp_pipeline_parse(fuzz_registry(), count, argv, &p);
        if (st != ZP_OK) { /* a value out of its range (rotate:45): refused with a reason */
            FUZZ_CHECK(p == NULL && zp_last_error()[0] != '\0');
            zp_view_release(&result);
            zp_image_release(&img);
            return 0;
        }
        zp_run_options ro;
        zp_run_options_init(&ro);
        ro.threads = c[0] & 128 ? 2 : 1;
        ro.max_pixels = RUN_MAX_PIXELS;
        zp_view_release(&result);
        st = zp_pipeline_run(p, &img.view, &ro, &result);
        zp_pipeline_free(p);
        if (st) {
            zp_image_release(&img);
            return 0;
        }
        FUZZ_CHECK(zp_view_check(&result) == ZP_OK);
        FUZZ_CHECK((uint64_t)result.width * (uint64_t)result.height <= RUN_MAX_PIXELS);
        (void)fuzz_touch_view(&result);
    }

    /* Encode to memory, then read it back: zeropix must read what it writes. */
    static const zp_format formats[4] = {ZP_FORMAT_PNG, ZP_FORMAT_JPEG, ZP_FORMAT_PNM,
                                         ZP_FORMAT_PNG};
    static const int subsampling[4] = {444, 422, 420, 420};
    zp_encode_options eo;
    zp_encode_options_init(&eo);
    eo.format = formats[c[0] & 3];
    eo.bit_depth = (c[0] & 3) == 3 ? 16 : 0;
    eo.strip_metadata = !!(c[0] & 16);
    eo.progressive = eo.optimize = !!(c[0] & 64);
    eo.subsampling = subsampling[(c[1] >> 2) & 3];
    eo.quality = 1 + ((c[1] >> 4) * 99) / 15;
    eo.compression = ((c[1] >> 4) * 9) / 15;
    void *out = NULL;
    size_t out_size = 0;
    st = zp_image_encode_memory(&result, &img.meta, &eo, &out, &out_size);
    if (st != ZP_OK) fprintf(stderr, "encoding failed: %s\n", zp_last_error());
    FUZZ_CHECK(st == ZP_OK); /* any valid view can be written */
    zp_image back;
    zp_decode_options bopt;
    fuzz_decode_options(&bopt);
    bopt.limits.max_pixels = 0;
    bopt.apply_orientation = 0; /* the EXIF kept may still say "rotate" (bit 3) */
    st = zp_image_decode_memory(out, out_size, &bopt, &back);
    if (st != ZP_OK) fprintf(stderr, "reading back failed: %s\n", zp_last_error());
    FUZZ_CHECK(st == ZP_OK);
    FUZZ_CHECK(back.info.format == eo.format);
    FUZZ_CHECK(back.view.width == result.width && back.view.height == result.height);
    /* PNG keeps every sample of u8 and u16 views. */
    if (eo.format == ZP_FORMAT_PNG && result.dtype != ZP_F32 &&
        (eo.bit_depth == 0 || result.dtype == ZP_U16))
        FUZZ_CHECK(fuzz_views_equal(&result, &back.view));
    zp_image_release(&back);
    zp_free(out);
    zp_view_release(&result);
    zp_image_release(&img);
    return 0;
}

/* libFuzzer only: keep chunk CRCs of a PNG payload right (fuzz_png_crc.h). */
FUZZ_PNG_CRC_MUTATOR(8)
