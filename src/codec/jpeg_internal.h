/* jpeg_internal.h: what the JPEG decoder and encoder share: the libjpeg
 * error manager that turns libjpeg's failures into a zp_status and a
 * message, and the encoder's entry point for the codec table. */
#ifndef ZEROPIX_JPEG_INTERNAL_H
#define ZEROPIX_JPEG_INTERNAL_H

#include <setjmp.h>
#include <stdio.h> /* jpeglib.h needs FILE and size_t declared first */
#include <jpeglib.h>
#include <jerror.h>
#include "codec_internal.h"

/* libjpeg reports fatal errors through error_exit(), which must not return.
 * Ours records the status and message (zp__fail) and longjmps to `jump`,
 * which the caller armed with setjmp() around every libjpeg call. */
typedef struct zp__jpeg_error {
    struct jpeg_error_mgr pub;    /* first: libjpeg casts cinfo->err to this */
    jmp_buf   jump;
    zp_status status;             /* status of the failure that jumped       */
    zp_status default_status;     /* for libjpeg errors not mapped by code   */
} zp__jpeg_error;

/* Install our handlers on top of jpeg_std_error(). Warnings (msg_level -1)
 * fail with default_status; trace messages are dropped; nothing is ever
 * printed. The decoder replaces emit_message with its own. */
struct jpeg_error_mgr *zp__jpeg_error_init(zp__jpeg_error *err, zp_status default_status);

/* Fail from inside a libjpeg callback: set the message ("JPEG: " + text)
 * and jump back. Never returns. */
_Noreturn void zp__jpeg_bail(j_common_ptr cinfo, zp_status status, const char *fmt, ...)
    ZP__PRINTF(3, 4);

/* Jump back with a status whose message is already set (by zp__fail in a
 * helper such as the writer). Never returns. */
_Noreturn void zp__jpeg_jump(j_common_ptr cinfo, zp_status status);

/* The text of the current libjpeg message, "JPEG: " excluded. */
void zp__jpeg_message(j_common_ptr cinfo, char out[JMSG_LENGTH_MAX]);

/* jpeg_encode.c: the codec table's encode entry. */
zp_status zp__jpeg_encode(const zp_view *view, const zp_metadata *meta,
                          const zp_encode_options *opt, zp__writer *w);

/* The APP1 signature that starts an EXIF payload, and its length. */
#define ZP__JPEG_EXIF_SIG "Exif\0\0"
#define ZP__JPEG_EXIF_SIG_LEN 6u
/* Most bytes one marker segment can carry (the 16-bit length counts itself). */
#define ZP__JPEG_MARKER_MAX 65533u

#endif
