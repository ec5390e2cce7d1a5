/* diag.c: warnings a decoder gives about its input, and whether they fail
 * the decode under the caller's fail_on. */
#include <stdarg.h>
#include <stdio.h>
#include "codec_internal.h"

int zp__diag_warn(zp__diag *d, zp_fail_on fail_level, const char *fmt, ...) {
    if (!d) return 1;
    if (d->warnings++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(d->first, sizeof d->first, fmt, ap);
        va_end(ap);
    }
    return d->fail_on >= fail_level;
}
