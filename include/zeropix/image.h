/* zeropix/image.h: a decoded image (a view plus what the file said about
 * it: format, bit depth, orientation, ICC profile and EXIF). */
#ifndef ZEROPIX_IMAGE_H
#define ZEROPIX_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "view.h"

#ifdef __cplusplus
extern "C" {
#endif

/* File formats. Values are stable ABI. */
typedef enum zp_format {
    ZP_FORMAT_UNKNOWN = 0,
    ZP_FORMAT_JPEG = 1,
    ZP_FORMAT_PNG = 2,
    ZP_FORMAT_PNM = 3 /* binary PGM (P5) and PPM (P6), 8 or 16 bit */
} zp_format;

/* "jpeg", "png", "pnm", or "unknown". */
ZP_API const char *zp_format_name(zp_format format);

/* Metadata carried from input to output. Every pointer is owned by the
 * struct that holds it and freed by zp_metadata_clear() (or
 * zp_image_release()). */
typedef struct zp_metadata {
    uint8_t *icc;       /* ICC profile bytes, or NULL                      */
    size_t   icc_size;
    uint8_t *exif;      /* EXIF as a TIFF stream ("II*\0" or "MM\0*"), the
                           payload of JPEG APP1 after "Exif\0\0" and of PNG
                           eXIf; or NULL                                   */
    size_t   exif_size;
} zp_metadata;

/* Free the blobs and zero the struct. NULL is fine. */
ZP_API void zp_metadata_clear(zp_metadata *meta);
/* Deep copy. On failure dst is left zeroed. */
ZP_API ZP_NODISCARD zp_status zp_metadata_copy(const zp_metadata *src, zp_metadata *dst);

/* What a decoder learns from the header, before any pixel is decoded. */
typedef struct zp_image_info {
    zp_format format;
    int32_t   width, height;   /* of the decoded view: upright when
                                  orientation_applied, as stored otherwise */
    int32_t   channels;        /* of the decoded view, 1..4                */
    zp_dtype  dtype;           /* of the decoded view                      */
    int       bit_depth;       /* bits per sample in the file: 1..16       */
    const char *color;         /* the file's colour model, static text:
                                  "gray", "gray+alpha", "rgb", "rgba",
                                  "palette", "cmyk", "ycck"                */
    int       orientation;     /* EXIF orientation in the file, 1..8; 1 when
                                  absent or invalid                        */
    int       orientation_applied; /* 1 when the view is made upright      */
    int       interlaced;      /* PNG Adam7 or progressive JPEG            */
    size_t    icc_size;        /* 0 when the file has no ICC profile       */
    size_t    exif_size;       /* 0 when the file has no EXIF              */
    /* Filled as the pixels are decoded (zero after the header alone): */
    unsigned  warnings;        /* how many warnings the decoder gave        */
    int       truncated;       /* 1: the data ended early and the rows past
                                  it are filler (only with ZP_FAIL_ON_NONE) */
} zp_image_info;

/* A decoded image. `view` holds one reference to the pixel memory; `meta`
 * owns its blobs. Release everything with zp_image_release(). */
typedef struct zp_image {
    zp_view       view;
    zp_image_info info;
    zp_metadata   meta;
} zp_image;

/* Release the view and the metadata and zero the struct. NULL is fine. */
ZP_API void zp_image_release(zp_image *img);

/* Set the EXIF orientation tag (0x0112) inside an EXIF blob in place, when
 * the tag is there. Returns 1 if it was changed, 0 if absent, -1 if the
 * blob is malformed or `orientation` is outside 1..8 (nothing written). */
ZP_API int zp_exif_set_orientation(uint8_t *exif, size_t size, int orientation);
/* Read the EXIF orientation (1..8) of an EXIF blob; 1 when absent or
 * invalid. */
ZP_API int zp_exif_get_orientation(const uint8_t *exif, size_t size);

#ifdef __cplusplus
}
#endif
#endif
