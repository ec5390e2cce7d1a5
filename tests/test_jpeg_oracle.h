/* test_jpeg_oracle.h: plain libjpeg as the oracle of the JPEG tests (the
 * decode djpeg makes: ISLOW, fancy upsampling), and the error manager that
 * makes its failures a NULL result. */
#ifndef ZP_TEST_JPEG_ORACLE_H
#define ZP_TEST_JPEG_ORACLE_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>

typedef struct oracle_err {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
} oracle_err;

static inline void oracle_error_exit(j_common_ptr cinfo) {
    char msg[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, msg);
    fprintf(stderr, "oracle libjpeg error: %s\n", msg);
    longjmp(((oracle_err *)cinfo->err)->jump, 1);
}

static inline void oracle_quiet(j_common_ptr cinfo, int level) { (void)cinfo; (void)level; }

/* libjpeg's decode at 1/denom of the size (1, 2, 4 or 8) into a packed
 * buffer. Returns NULL when libjpeg fails. adobe may be NULL. */
static inline uint8_t *oracle_decode_scaled(const uint8_t *data, size_t size, unsigned denom,
                                            int *w, int *h, int *comps, int *adobe) {
    struct jpeg_decompress_struct d;
    oracle_err err;
    uint8_t *volatile px = NULL;
    d.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = oracle_error_exit;
    err.pub.emit_message = oracle_quiet;
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&d);
        free(px);
        return NULL;
    }
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, data, (unsigned long)size);
    jpeg_read_header(&d, TRUE);
    d.scale_num = 1;
    d.scale_denom = denom;
    jpeg_start_decompress(&d);
    *w = (int)d.output_width;
    *h = (int)d.output_height;
    *comps = d.output_components;
    if (adobe) *adobe = d.saw_Adobe_marker;
    size_t row = (size_t)d.output_width * d.output_components;
    px = malloc(row * d.output_height + 1);
    while (d.output_scanline < d.output_height) {
        JSAMPROW r = px + row * d.output_scanline;
        jpeg_read_scanlines(&d, &r, 1);
    }
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    return px;
}

#endif
