/* zeropix/status.h: status codes, error messages and the export macros. */
#ifndef ZEROPIX_STATUS_H
#define ZEROPIX_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/* ZP_API marks every public function. On Windows, programs linking the
 * static library define ZEROPIX_STATIC (the CMake target zeropix_static does
 * it for you); elsewhere it makes no difference. */
#if defined(_WIN32) && !defined(ZEROPIX_STATIC)
#  ifdef ZEROPIX_BUILDING
#    define ZP_API __declspec(dllexport)
#  else
#    define ZP_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__)
#  define ZP_API __attribute__((visibility("default")))
#else
#  define ZP_API
#endif

/* Results that must not be ignored. */
#if defined(__GNUC__)
#  define ZP_NODISCARD __attribute__((warn_unused_result))
#else
#  define ZP_NODISCARD
#endif

/* Every fallible call returns a zp_status; 0 is success. */
typedef enum zp_status {
    ZP_OK = 0,
    ZP_ERR_INVALID_ARG,    /* an argument is out of range or NULL           */
    ZP_ERR_OUT_OF_BOUNDS,  /* a view operation would leave its parent       */
    ZP_ERR_NOMEM,          /* allocation failed                             */
    ZP_ERR_OVERFLOW,       /* a size or stride computation overflowed       */
    ZP_ERR_LIMIT,          /* input exceeds a limit (see zp_limits)          */
    ZP_ERR_IO,             /* read or write failed (errno is kept in text)  */
    ZP_ERR_UNKNOWN_FORMAT, /* content is not JPEG, PNG or PNM               */
    ZP_ERR_CORRUPT,        /* the data is malformed                         */
    ZP_ERR_TRUNCATED,      /* the data ends early                           */
    ZP_ERR_UNSUPPORTED,    /* valid, but not something zeropix handles      */
    ZP_ERR_READONLY,       /* write through a read-only view                */
    ZP_ERR_MISMATCH,       /* two views differ in shape or channels         */
    ZP_ERR_BAD_STATE       /* an object that already failed was used again  */
} zp_status;

/* Static text for a status ("corrupt data"); never NULL. */
ZP_API const char *zp_status_str(zp_status status);

/* The detailed message of the last failure on the calling thread, such as
 * "PNG: IHDR: CRC error" or "image is 70000 x 70000 = 4900 MP, over the
 * limit of 256 MP (max_pixels)". It does not name the file: callers add the
 * name they know. Borrowed; valid until the next zeropix call on this
 * thread. Empty string, never NULL, when nothing failed. */
ZP_API const char *zp_last_error(void);

/* Forget the last error of the calling thread. */
ZP_API void zp_clear_error(void);

#ifdef __cplusplus
}
#endif
#endif
