/* pipeline_internal.h: pieces of the executor shared across its files. */
#ifndef ZEROPIX_PIPELINE_INTERNAL_H
#define ZEROPIX_PIPELINE_INTERNAL_H

#include "zeropix/pipeline.h"

/* The host table handed to plugins: the library's own view operations. */
const zp_host *zp__host(void);

/* One parsed operation. */
typedef struct zp__stage {
    const zp_filter *filter; /* borrowed from the registry            */
    zp_param_value  *values; /* one per parameter; NUMBERS lists owned */
    char            *text;   /* the operation as written               */
} zp__stage;

struct zp_pipeline {
    zp__stage *stages;
    size_t     count;
};

#endif
