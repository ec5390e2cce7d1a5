/* test_png.h: PNG files zeropix does not write, made with libpng for the
 * tests that read them. */
#ifndef ZP_TEST_PNG_H
#define ZP_TEST_PNG_H

#include <png.h>
#include "test_util.h"

static inline void zp_test_png_write_mem(png_structp png, png_bytep data, size_t n) {
    if (zp_test_buf_append(png_get_io_ptr(png), data, n) != 0) png_error(png, "out of memory");
}

static inline void zp_test_png_flush_mem(png_structp png) { (void)png; }

/* An 8-bit Adam7-interlaced PNG of `v` (u8, RGB or gray) in memory, for
 * free(); exits on failure. */
static inline uint8_t *zp_test_interlaced_png(const zp_view *v, size_t *size) {
    zp_test_buf m = {NULL, 0, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (!png || !info || setjmp(png_jmpbuf(png))) exit(1);
    png_set_write_fn(png, &m, zp_test_png_write_mem, zp_test_png_flush_mem);
    png_set_IHDR(png, info, (png_uint_32)v->width, (png_uint_32)v->height, 8,
                 v->channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_ADAM7,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    int passes = png_set_interlace_handling(png);
    for (int p = 0; p < passes; p++)
        for (int y = 0; y < v->height; y++) png_write_row(png, zp_view_pixel(v, 0, y));
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    *size = m.size;
    return m.data;
}

#endif
