/* test_jpeg_oracle.h: plain libjpeg in the JPEG tests: the oracle decode
 * (djpeg's: ISLOW, fancy upsampling), the writer of test files, and the
 * error manager that makes their failures a NULL result. */
#ifndef ZP_TEST_JPEG_ORACLE_H
#define ZP_TEST_JPEG_ORACLE_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The error manager for a compress or decompress struct's err: errors
 * longjmp to e->jump (setjmp it next), warnings are quiet. */
static inline struct jpeg_error_mgr *oracle_err_init(oracle_err *e) {
    jpeg_std_error(&e->pub);
    e->pub.error_exit = oracle_error_exit;
    e->pub.emit_message = oracle_quiet;
    return &e->pub;
}

/* libjpeg's decode at 1/denom of the size (1, 2, 4 or 8) into a packed
 * buffer. Returns NULL when libjpeg fails. adobe may be NULL. */
static inline uint8_t *oracle_decode_scaled(const uint8_t *data, size_t size, unsigned denom,
                                            int *w, int *h, int *comps, int *adobe) {
    struct jpeg_decompress_struct d;
    oracle_err err;
    uint8_t *volatile px = NULL;
    d.err = oracle_err_init(&err);
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

/* How a test JPEG is written. */
typedef struct jpeg_params {
    int quality;
    int h0, v0;           /* luma sampling factors (chroma 1x1)          */
    int progressive;
    int arith;            /* arithmetic coding                            */
    int restart_rows;     /* restart interval in MCU rows, 0 = none       */
    int restart_mcus;     /* or in MCUs (when restart_rows is 0)          */
    int optimize;         /* optimised Huffman tables                     */
    int adobe;            /* CMYK: write the Adobe marker                 */
    J_COLOR_SPACE jpeg_cs;/* JCS_UNKNOWN = libjpeg's default for the input */
    int xmp_first;        /* an XMP APP1 before the EXIF one              */
    const uint8_t *exif;  /* APP1 payload after "Exif\0\0", or NULL       */
    size_t exif_size;
    const uint8_t *icc;
    size_t icc_size;
} jpeg_params;

/* Compress a packed image. in_cs: JCS_GRAYSCALE, JCS_RGB or JCS_CMYK. */
static inline uint8_t *make_jpeg(const uint8_t *px, int w, int h, int comps, J_COLOR_SPACE in_cs,
                          const jpeg_params *p, size_t *size) {
    struct jpeg_compress_struct c;
    oracle_err err;
    unsigned char *out = NULL;
    unsigned long out_size = 0;
    c.err = oracle_err_init(&err);
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&c);
        free(out);
        return NULL;
    }
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, &out, &out_size);
    c.image_width = (JDIMENSION)w;
    c.image_height = (JDIMENSION)h;
    c.input_components = comps;
    c.in_color_space = in_cs;
    jpeg_set_defaults(&c);
    if (p->jpeg_cs != JCS_UNKNOWN) jpeg_set_colorspace(&c, p->jpeg_cs);
    jpeg_set_quality(&c, p->quality, TRUE);
    if (c.num_components >= 3) {
        c.comp_info[0].h_samp_factor = p->h0;
        c.comp_info[0].v_samp_factor = p->v0;
        for (int i = 1; i < c.num_components; i++)
            c.comp_info[i].h_samp_factor = c.comp_info[i].v_samp_factor = 1;
        if (c.num_components == 4) { /* K like luma, as TurboJPEG does */
            c.comp_info[3].h_samp_factor = p->h0;
            c.comp_info[3].v_samp_factor = p->v0;
        }
    }
    if (in_cs == JCS_CMYK) c.write_Adobe_marker = p->adobe ? TRUE : FALSE;
    if (p->progressive) jpeg_simple_progression(&c);
    c.arith_code = p->arith ? TRUE : FALSE;
    c.optimize_coding = p->optimize ? TRUE : FALSE;
    c.restart_interval = (unsigned)p->restart_mcus;
    c.restart_in_rows = p->restart_rows;
    jpeg_start_compress(&c, TRUE);
    if (p->xmp_first) {
        static const char xmp[] = "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>";
        jpeg_write_marker(&c, JPEG_APP0 + 1, (const JOCTET *)xmp, sizeof xmp - 1);
    }
    if (p->exif) {
        uint8_t *app1 = malloc(6 + p->exif_size);
        memcpy(app1, "Exif\0\0", 6);
        memcpy(app1 + 6, p->exif, p->exif_size);
        jpeg_write_marker(&c, JPEG_APP0 + 1, app1, (unsigned)(6 + p->exif_size));
        free(app1);
    }
    if (p->icc) jpeg_write_icc_profile(&c, p->icc, (unsigned)p->icc_size);
    for (int y = 0; y < h; y++) {
        JSAMPROW row = (JSAMPROW)(px + (size_t)y * w * comps);
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    *size = out_size;
    return out;
}

#endif
