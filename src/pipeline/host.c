/* host.c: the services zeropix offers plugins (the zp_host table). */
#include <stdio.h>
#include "pipeline_internal.h"

static void host_warn(const char *filter_name, const char *message) {
    fprintf(stderr, "zeropix: %s: warning: %s\n", filter_name ? filter_name : "filter",
            message ? message : "");
}

static const zp_host host = {
    .struct_size = sizeof(zp_host),
    .abi_major = ZP_PLUGIN_ABI_MAJOR,
    .abi_minor = ZP_PLUGIN_ABI_MINOR,
    .view_crop = zp_view_crop,
    .view_flip = zp_view_flip,
    .view_transpose = zp_view_transpose,
    .view_rotate = zp_view_rotate,
    .view_channels = zp_view_channels,
    .view_step = zp_view_step,
    .view_copy = zp_view_copy,
    .warn = host_warn,
    .view_release = zp_view_release,
};

const zp_host *zp__host(void) { return &host; }
