/* builtin.h: how a filter folder under plugins/ becomes a built-in.
 *
 * Each plugins/<name>/<name>.c is an ordinary plugin written against
 * <zeropix/plugin.h> only, ending with ZP_BUILTIN_PLUGIN(name, descriptor).
 * Compiled into libzeropix it defines zp_builtin_<name>(), listed below and
 * registered at start-up; compiled alone with -DZP_BUILD_AS_PLUGIN it
 * exports the ordinary plugin entry, so a built-in is also a sample. */
#ifndef ZEROPIX_PLUGINS_BUILTIN_H
#define ZEROPIX_PLUGINS_BUILTIN_H

#include "zeropix/plugin.h"

#ifdef ZP_BUILD_AS_PLUGIN
#  define ZP_BUILTIN_PLUGIN(name, descriptor) \
    ZP_PLUGIN_ENTRY { (void)host; return &(descriptor); }
#else
#  define ZP_BUILTIN_PLUGIN(name, descriptor)                      \
    const zp_plugin *zp_builtin_##name(const zp_host *host);       \
    const zp_plugin *zp_builtin_##name(const zp_host *host) {      \
        (void)host;                                                \
        return &(descriptor);                                      \
    }
#endif

/* Every built-in, in the order `zeropix ops` lists them. */
#define ZP_BUILTIN_PLUGINS(X)                                                       \
    X(crop) X(flip) X(rotate) X(transpose) X(extract) X(drop_alpha)                 \
    X(grayscale) X(invert) X(levels) X(threshold)                                   \
    X(blur) X(box_blur) X(sharpen) X(convolve)                                      \
    X(resize) X(thumbnail)

#endif
