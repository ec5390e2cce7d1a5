/* fuzz_registry.h: the one registry of built-in filters that the pipeline
 * and operation-chain targets share across inputs (made on first use,
 * freed at exit; no plugins are loaded, so ZEROPIX_PLUGIN_PATH has no
 * effect on a fuzzing run). */
#ifndef ZEROPIX_FUZZ_REGISTRY_H
#define ZEROPIX_FUZZ_REGISTRY_H

#include <stdlib.h>
#include "fuzz_common.h"
#include "zeropix/pipeline.h"

static zp_registry *fuzz_registry_ptr;

static void fuzz_registry_free(void) {
    zp_registry_free(fuzz_registry_ptr);
    fuzz_registry_ptr = NULL;
}

static void fuzz_quiet(void *user, const char *message) {
    (void)user;
    (void)message;
}

static inline const zp_registry *fuzz_registry(void) {
    if (!fuzz_registry_ptr) {
        FUZZ_CHECK(zp_registry_new(fuzz_quiet, NULL, &fuzz_registry_ptr) == ZP_OK);
        atexit(fuzz_registry_free);
    }
    return fuzz_registry_ptr;
}

#endif
