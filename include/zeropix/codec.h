/* zeropix/codec.h: decoding (JPEG, PNG, PNM) from files, memory or streams
 * into owned buffers or into a caller's view, and encoding any view. */
#ifndef ZEROPIX_CODEC_H
#define ZEROPIX_CODEC_H

#include <stdio.h>
#include "image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Format detection ------------------------------------------------ */

/* Format from the first bytes of the content (8 are enough). */
ZP_API zp_format zp_format_detect(const void *data, size_t size);
/* Format from a file name's extension (".jpg", ".jpeg", ".png", ".pnm",
 * ".ppm", ".pgm", case-insensitive) or a bare name ("jpeg", "png", ...).
 * ZP_FORMAT_UNKNOWN otherwise. Used for output only: input is always
 * detected from content. */
ZP_API zp_format zp_format_from_name(const char *name);

/* ---- Limits ------------------------------------------------------------
 * On by default. A value of 0 means "no limit" (the opt-out). */
typedef struct zp_limits {
    uint64_t max_pixels;      /* width * height; default ZP_DEFAULT_MAX_PIXELS */
    uint32_t max_jpeg_scans;  /* progressive JPEG scans; default 100 (real
                                 encoders write about 10)                  */
    uint64_t max_chunk_size;  /* bytes of one PNG chunk, and of the ICC profile
                                 or EXIF kept; default 64 MiB              */
} zp_limits;

/* 16384 x 16384 = 268,435,456 pixels (256 MP): 1 GiB of RGBA u8. */
#define ZP_DEFAULT_MAX_PIXELS ((uint64_t)1 << 28)
#define ZP_DEFAULT_MAX_JPEG_SCANS 100u
#define ZP_DEFAULT_MAX_CHUNK_SIZE ((uint64_t)64 << 20)

/* ---- Decoding ---------------------------------------------------------- */

/* How damaged an input may be before decoding fails. */
typedef enum zp_fail_on {
    ZP_FAIL_ON_NONE = 0,      /* decode what is there: rows past the end of a
                                 truncated file are zero (PNG, PNM) or libjpeg's
                                 grey fill; corrupt data as the codec recovers it */
    ZP_FAIL_ON_TRUNCATED = 1, /* fail when the data ends early; decode through
                                 corrupt data                                    */
    ZP_FAIL_ON_ERROR = 2,     /* the default: fail when the data ends early or is
                                 corrupt; accept what is harmless (below)         */
    ZP_FAIL_ON_WARNING = 3    /* fail on anything a decoder warns about, harmless
                                 or not                                           */
} zp_fail_on;

typedef struct zp_decode_options {
    zp_limits limits;
    int apply_orientation; /* 1 (default): EXIF orientation applied as a view
                              transform, no pixel copy; 0: pixels as stored  */
    int keep_16bit;        /* 1 (default): 16-bit PNG/PNM decode to ZP_U16;
                              0: rounded to ZP_U8                            */
    int read_metadata;     /* 1 (default): keep ICC and EXIF in zp_image.meta */
    zp_fail_on fail_on;    /* ZP_FAIL_ON_ERROR (default)                     */
} zp_decode_options;

/* Fill `opt` with the defaults above. */
ZP_API void zp_decode_options_init(zp_decode_options *opt);

/* Damaged files, with the default fail_on (ZP_FAIL_ON_ERROR): a file that
 * is cut short fails with ZP_ERR_TRUNCATED; a corrupt-data warning from
 * libjpeg fails with ZP_ERR_CORRUPT, so a damaged file never decodes to a
 * half-grey picture. Accepted, as warnings (zp_decoder_warning()): junk
 * bytes before a JPEG marker (common in camera files), a JPEG whose final
 * EOI marker is missing after complete image data, and bad ancillary PNG
 * chunks (skipped). Errors that leave nothing to decode (a bad PNG IHDR, a
 * CRC error in a critical chunk, no JPEG frame) fail whatever fail_on says.
 *
 * A decoder reads the header when it is opened, so zp_decoder_info() can be
 * asked before any pixel work or allocation; then zp_decoder_read() or
 * zp_decoder_read_into() decodes the pixels once. A decoder that failed
 * stays failed: later calls return ZP_ERR_BAD_STATE. */
typedef struct zp_decoder zp_decoder;

/* Open a file by path (the file is read as a stream, not loaded whole). */
ZP_API ZP_NODISCARD zp_status zp_decoder_open_file(const char *path,
                                                   const zp_decode_options *opt,
                                                   zp_decoder **out);
/* Open bytes in memory; borrowed: `data` must outlive the decoder. */
ZP_API ZP_NODISCARD zp_status zp_decoder_open_memory(const void *data, size_t size,
                                                     const zp_decode_options *opt,
                                                     zp_decoder **out);
/* Open an open stream such as stdin; borrowed, not closed; it need not be
 * seekable. */
ZP_API ZP_NODISCARD zp_status zp_decoder_open_stream(FILE *stream,
                                                     const zp_decode_options *opt,
                                                     zp_decoder **out);
/* `opt` may be NULL for the defaults in every open call. On failure *out
 * is NULL and zp_last_error() says why. */

/* The header's facts. Borrowed; valid while the decoder lives. */
ZP_API const zp_image_info *zp_decoder_info(const zp_decoder *dec);

/* The first warning the decoder gave about this input ("" when none), such
 * as "JPEG: Corrupt JPEG data: 3 extraneous bytes before marker 0xd9" or
 * "file ends early (truncated): 120 of 480 rows decoded". How many there
 * were and whether the data was cut short: info->warnings, info->truncated.
 * Borrowed; valid while the decoder lives. */
ZP_API const char *zp_decoder_warning(const zp_decoder *dec);

/* The ICC profile and EXIF read so far (all of them once the pixels are
 * decoded; a PNG may keep its eXIf after the pixels), for callers of
 * zp_decoder_read_into(). Borrowed; valid until the decoder is closed or
 * zp_decoder_read() moves them into its image (then empty). When the
 * orientation was applied, the EXIF orientation tag has been reset to 1
 * once the pixels are decoded. */
ZP_API const zp_metadata *zp_decoder_metadata(const zp_decoder *dec);

/* Decode into a new owned buffer: rows 64-byte aligned, packed samples.
 * `out->view` is upright when orientation is applied (a view over the
 * stored pixels, no copy). `out->meta` gets ICC and EXIF (when asked);
 * when the orientation was applied, the EXIF orientation tag in
 * `out->meta.exif` is reset to 1 so that writing it out describes the
 * upright pixels (`out->info.orientation` still tells the file's value). */
ZP_API ZP_NODISCARD zp_status zp_decoder_read(zp_decoder *dec, zp_image *out);

/* Decode straight into a caller's view (the `readinto` of zeropix): `dst`
 * must have the info's width, height and channels (ZP_ERR_MISMATCH
 * otherwise) and be writable; any strides; any dtype (converted as by
 * zp_view_copy). Use a crop of a larger canvas to place a tile. Packed
 * rows of the info's dtype are written in place; others go through one
 * row of scratch. */
ZP_API ZP_NODISCARD zp_status zp_decoder_read_into(zp_decoder *dec, const zp_view *dst);

/* Close; NULL is fine. */
ZP_API void zp_decoder_close(zp_decoder *dec);

/* One-call forms: open, read, close. */
ZP_API ZP_NODISCARD zp_status zp_image_decode_file(const char *path,
                                                   const zp_decode_options *opt,
                                                   zp_image *out);
ZP_API ZP_NODISCARD zp_status zp_image_decode_memory(const void *data, size_t size,
                                                     const zp_decode_options *opt,
                                                     zp_image *out);

/* ---- Encoding ------------------------------------------------------------ */

/* PNG row filters: the transform applied to each row before compression
 * (PNG specification, section 9). Any choice decodes to the same pixels;
 * it only changes the file size and the time taken. */
typedef enum zp_png_filter {
    ZP_PNG_FILTER_AUTO = 0,    /* the default: Paeth with the fast encoder
                                  (compression -1); libpng's adaptive choice
                                  with a zlib level (compression 0..9)      */
    ZP_PNG_FILTER_NONE = 1,    /* bytes as they are                          */
    ZP_PNG_FILTER_SUB = 2,     /* minus the pixel to the left                */
    ZP_PNG_FILTER_UP = 3,      /* minus the pixel above                      */
    ZP_PNG_FILTER_AVERAGE = 4, /* minus the mean of left and above           */
    ZP_PNG_FILTER_PAETH = 5,   /* minus the Paeth predictor of left, above and
                                  upper-left                                 */
    ZP_PNG_FILTER_ADAPTIVE = 6 /* per row, whichever of the five gives the
                                  smallest sum of |byte| (libpng's heuristic);
                                  about 3x the filtering time                */
} zp_png_filter;

typedef struct zp_encode_options {
    zp_format format;    /* required for streams and memory; for files,
                            ZP_FORMAT_UNKNOWN means "from the extension"  */
    int quality;         /* JPEG 1..100; default 90                        */
    int progressive;     /* JPEG progressive; default 0                    */
    int optimize;        /* JPEG optimized Huffman tables; default 0       */
    int subsampling;     /* JPEG chroma: 444, 422 or 420; default 420      */
    int compression;     /* PNG: -1 (the default) = the fast encoder: each
                            row filtered (png_filter, Paeth by default),
                            then Huffman codes with runs of equal bytes, no
                            LZ77 search; 256 KiB pieces compressed on
                            `threads` threads for images of 4 MiB and up.
                            Measured on a 20 MP photo (bench/README.md):
                            3.5x to 4.7x faster than zlib level 1 on one
                            thread, files 8 % larger than level 1 with
                            adaptive filters and 11 % smaller than OpenCV's
                            default PNG; smooth synthetic gradients come
                            out up to 30 % larger than level 1.
                            0..9 = that zlib level through libpng, single
                            threaded, as before: 0 stores, 9 is smallest
                            and slowest. Never changes pixels.            */
    int bit_depth;       /* PNG and PNM: 8 or 16; 0 (default) = 16 for
                            u16 and f32 views, 8 for u8. JPEG is 8.       */
    int strip_metadata;  /* 1: write no ICC or EXIF; default 0             */
    zp_png_filter png_filter; /* PNG row filter; default ZP_PNG_FILTER_AUTO */
    int threads;         /* PNG fast encoder: at most this many threads, and
                            never more than the online cores; 0 (default) =
                            one per core. The file is byte-identical for
                            any value.                                    */
} zp_encode_options;

/* Fill `opt` with the defaults above. */
ZP_API void zp_encode_options_init(zp_encode_options *opt);

/* Encoders accept any view: any strides (negative, transposed, non-packed),
 * any dtype (converted per row as by zp_view_copy). They read it row by
 * row and never materialise the whole image. Channels: JPEG and PNM write
 * gray or RGB, and an alpha channel is dropped (a view, no copy); PNG
 * writes gray, gray+alpha, RGB or RGBA. `meta` (may be NULL) is written
 * where the format can hold it: JPEG APP1/APP2, PNG eXIf/iCCP. */

/* Write to `path` through a temporary file in the same folder
 * (".zeropix-PID-N.tmp"), renamed into place only when complete: on failure
 * no file is left and an existing file at `path` is untouched. The result
 * is a new regular file with mode 0666 less the umask: a symbolic link at
 * `path` is replaced, not followed, and an existing file's permissions are
 * not kept. The file is not fsync'ed: after a power loss it may be empty.
 * A device or FIFO at `path` (/dev/null, a named pipe) is written into
 * directly, never replaced. */
ZP_API ZP_NODISCARD zp_status zp_image_encode_file(const zp_view *view,
                                                   const zp_metadata *meta,
                                                   const char *path,
                                                   const zp_encode_options *opt);
/* Write to an open stream (such as stdout); not closed. */
ZP_API ZP_NODISCARD zp_status zp_image_encode_stream(const zp_view *view,
                                                     const zp_metadata *meta,
                                                     FILE *stream,
                                                     const zp_encode_options *opt);
/* Write to a new memory block: *data is owned by the caller, freed with
 * zp_free(). */
ZP_API ZP_NODISCARD zp_status zp_image_encode_memory(const zp_view *view,
                                                     const zp_metadata *meta,
                                                     const zp_encode_options *opt,
                                                     void **data, size_t *size);

/* Remove the temporary files that zp_image_encode_file() calls are writing
 * at this moment. Async-signal-safe: call it from a SIGINT/SIGTERM handler
 * before the process ends, so that an interrupted program leaves no
 * partial file behind. (Files finished earlier are not touched.) */
ZP_API void zp_unlink_partial_outputs(void);

/* Free memory that zeropix handed to the caller. NULL is fine. */
ZP_API void zp_free(void *ptr);

#ifdef __cplusplus
}
#endif
#endif
