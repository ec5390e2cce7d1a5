/* zeropix/zeropix.h: the whole public API in one include. */
#ifndef ZEROPIX_H
#define ZEROPIX_H

#include "status.h"
#include "view.h"
#include "image.h"
#include "codec.h"
#include "simd.h"
#include <zeropix/version.h> /* generated: build tree or install */

#ifdef __cplusplus
extern "C" {
#endif
/* "zeropix 0.1.0 (libjpeg-turbo 2.1.5, libpng 1.6.39)": this library's
 * version and those of the codec libraries it uses. Static text. */
ZP_API const char *zp_version_string(void);
#ifdef __cplusplus
}
#endif
#endif
