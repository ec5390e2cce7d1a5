/* tp_wrong_abi.c: a plugin built for a future ABI major. */
#include "zeropix/plugin.h"
static const zp_plugin plugin = {ZP_PLUGIN_ABI_MAJOR + 1, 0, sizeof(zp_plugin), "tp_wrong_abi", "1.0", 0, 0};
ZP_PLUGIN_ENTRY { (void)host; return &plugin; }
