/* status.c: status texts and the per-thread error message. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <jpeglib.h>
#include <png.h>
#include "zeropix/zeropix.h"
#include "core_internal.h"

static _Thread_local char last_error[512];

const char *zp_status_str(zp_status status) {
    switch (status) {
    case ZP_OK: return "success";
    case ZP_ERR_INVALID_ARG: return "invalid argument";
    case ZP_ERR_OUT_OF_BOUNDS: return "out of bounds";
    case ZP_ERR_NOMEM: return "out of memory";
    case ZP_ERR_OVERFLOW: return "size overflow";
    case ZP_ERR_LIMIT: return "over a limit";
    case ZP_ERR_IO: return "input/output error";
    case ZP_ERR_UNKNOWN_FORMAT: return "unknown format";
    case ZP_ERR_CORRUPT: return "corrupt data";
    case ZP_ERR_TRUNCATED: return "truncated data";
    case ZP_ERR_UNSUPPORTED: return "unsupported";
    case ZP_ERR_READONLY: return "read-only view";
    case ZP_ERR_MISMATCH: return "shape mismatch";
    case ZP_ERR_BAD_STATE: return "object already failed";
    }
    return "unknown status";
}

const char *zp_last_error(void) { return last_error; }

void zp_clear_error(void) { last_error[0] = '\0'; }

zp_status zp__fail(zp_status status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return status;
}

#define ZP__STR(x) #x
#define ZP__XSTR(x) ZP__STR(x)
#ifdef LIBJPEG_TURBO_VERSION
#  define ZP__JPEG_NAME "libjpeg-turbo " ZP__XSTR(LIBJPEG_TURBO_VERSION)
#else
#  define ZP__JPEG_NAME "libjpeg API " ZP__XSTR(JPEG_LIB_VERSION)
#endif

static char version_text[128];
static pthread_once_t version_once = PTHREAD_ONCE_INIT;

static void make_version_text(void) {
    /* libjpeg-turbo as compiled against; libpng as loaded at run time. */
    snprintf(version_text, sizeof version_text, "zeropix %s (%s, libpng %s)", ZEROPIX_VERSION_TEXT,
             ZP__JPEG_NAME, png_get_libpng_ver(NULL));
}

const char *zp_version_string(void) {
    pthread_once(&version_once, make_version_text);
    return version_text;
}
