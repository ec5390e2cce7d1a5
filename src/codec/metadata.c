/* metadata.c: ownership of ICC and EXIF blobs, and of whole images. */
#include <stdlib.h>
#include <string.h>
#include "codec_internal.h"

void zp_metadata_clear(zp_metadata *meta) {
    if (!meta) return;
    free(meta->icc);
    free(meta->exif);
    memset(meta, 0, sizeof *meta);
}

static int dup_blob(const uint8_t *src, size_t size, uint8_t **dst, size_t *dst_size) {
    *dst = NULL;
    *dst_size = 0;
    if (!src || !size) return 0;
    if (!(*dst = malloc(size))) return -1;
    memcpy(*dst, src, size);
    *dst_size = size;
    return 0;
}

zp_status zp_metadata_copy(const zp_metadata *src, zp_metadata *dst) {
    if (!dst) return zp__fail(ZP_ERR_INVALID_ARG, "NULL metadata");
    memset(dst, 0, sizeof *dst);
    if (!src) return ZP_OK;
    if (dup_blob(src->icc, src->icc_size, &dst->icc, &dst->icc_size) ||
        dup_blob(src->exif, src->exif_size, &dst->exif, &dst->exif_size)) {
        zp_metadata_clear(dst);
        return zp__fail(ZP_ERR_NOMEM, "out of memory copying metadata");
    }
    return ZP_OK;
}

void zp_image_release(zp_image *img) {
    if (!img) return;
    zp_view_release(&img->view);
    zp_metadata_clear(&img->meta);
    memset(img, 0, sizeof *img);
}

void zp_free(void *ptr) { free(ptr); }
