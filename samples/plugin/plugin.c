/* plugin.c: the entry point of the sample plugin, the one symbol zeropix
 * looks up: a static descriptor listing the plugin's filters. */
#include "filters.h"

static const zp_filter *const filters[] = {
    &vignette_filter,
    &posterize_filter,
    &despeckle_filter,
};

static const zp_plugin plugin = {
    ZP_PLUGIN_HEADER, /* ABI major, minor, sizeof(zp_plugin): never typed by hand */
    "vignette",
    "1.0.0",
    filters,
    sizeof filters / sizeof filters[0],
};

ZP_PLUGIN_ENTRY {
    (void)host; /* nothing to set up: plan() is handed the host when it needs it */
    return &plugin;
}
