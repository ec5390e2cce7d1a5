/* zeropix/zeropix.h: the whole public API in one include. */
#ifndef ZEROPIX_H
#define ZEROPIX_H

#include "status.h"
#include "view.h"
#include "image.h"
#include "codec.h"

#define ZEROPIX_VERSION_MAJOR 0
#define ZEROPIX_VERSION_MINOR 1
#define ZEROPIX_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif
/* "0.1.0" plus the libjpeg-turbo and libpng versions linked. Static text. */
ZP_API const char *zp_version_string(void);
#ifdef __cplusplus
}
#endif
#endif
