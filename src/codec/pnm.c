/* pnm.c: binary PGM (P5) and PPM (P6), 8 and 16 bit, read and written. */
#include <stdlib.h>
#include <string.h>
#include "codec_internal.h"

typedef struct pnm_state {
    zp__reader *r;
    uint32_t    maxval;
    int         bytes;    /* per sample in the file: 1 or 2 */
    uint8_t    *raw;      /* one row as stored               */
    size_t      raw_size;
    int32_t     next_row; /* the next row to read            */
    int         blank;    /* truncated (ZP_FAIL_ON_NONE): the rest is zero */
} pnm_state;

/* Next header byte, skipping '#' comments to the end of the line. */
static int header_byte(zp__reader *r, int *c) {
    uint8_t b;
    if (zp__reader_read(r, &b, 1) != 1) return -1;
    if (b == '#') {
        do {
            if (zp__reader_read(r, &b, 1) != 1) return -1;
        } while (b != '\n' && b != '\r');
    }
    *c = b;
    return 0;
}

static int is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

/* A decimal number after whitespace; stops on the single whitespace byte
 * that follows it (for maxval, the one that precedes the pixels). */
static zp_status header_number(zp__reader *r, const char *what, uint32_t max, uint32_t *out) {
    int c;
    do {
        if (header_byte(r, &c)) return zp__reader_short(r, "PNM header");
    } while (is_space(c));
    if (c < '0' || c > '9') return zp__fail(ZP_ERR_CORRUPT, "PNM: %s is not a number", what);
    uint64_t v = 0;
    while (c >= '0' && c <= '9') {
        v = v * 10 + (uint64_t)(c - '0');
        if (v > max) return zp__fail(ZP_ERR_CORRUPT, "PNM: %s is over %u", what, max);
        if (header_byte(r, &c)) return zp__reader_short(r, "PNM header");
    }
    if (!is_space(c)) return zp__fail(ZP_ERR_CORRUPT, "PNM: junk after the %s", what);
    *out = (uint32_t)v;
    return ZP_OK;
}

static zp_status pnm_open(zp__reader *r, const zp_decode_options *opt, zp_image_info *info,
                          zp_metadata *meta, void **state) {
    uint8_t magic[2];
    uint32_t w, h, maxval;
    zp_status st;
    (void)meta;
    if (zp__reader_read(r, magic, 2) != 2) return zp__reader_short(r, "PNM header");
    if ((st = header_number(r, "width", ZP_MAX_DIM, &w)) ||
        (st = header_number(r, "height", ZP_MAX_DIM, &h)) ||
        (st = header_number(r, "maxval", 65535, &maxval)))
        return st;
    if (maxval == 0) return zp__fail(ZP_ERR_CORRUPT, "PNM: maxval is 0");
    if ((st = zp__check_dimensions(&opt->limits, w, h))) return st;

    pnm_state *s = calloc(1, sizeof *s);
    if (!s) return zp__fail(ZP_ERR_NOMEM, "out of memory");
    *state = s;
    s->r = r;
    s->maxval = maxval;
    s->bytes = maxval > 255 ? 2 : 1;
    info->width = (int32_t)w;
    info->height = (int32_t)h;
    info->channels = magic[1] == '6' ? 3 : 1;
    info->color = magic[1] == '6' ? "rgb" : "gray";
    info->bit_depth = s->bytes * 8;
    info->dtype = s->bytes == 2 && opt->keep_16bit ? ZP_U16 : ZP_U8;
    s->raw_size = (size_t)w * (size_t)info->channels * (size_t)s->bytes; /* < 2^34 */
    return ZP_OK; /* the row buffer is allocated by read: opening stays header-only */
}

/* Scale stored samples (0..maxval) to the full range of the output dtype;
 * out-of-range samples are clamped to maxval. */
static void unpack_row(const pnm_state *s, const uint8_t *raw, void *out, zp_dtype dtype, size_t n) {
    const uint32_t full = dtype == ZP_U16 ? 65535u : 255u, m = s->maxval;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = s->bytes == 2 ? (uint32_t)raw[2 * i] << 8 | raw[2 * i + 1] : raw[i];
        v = v > m ? m : v;
        v = (uint32_t)(((uint64_t)v * full + m / 2) / m); /* identity when m == full */
        if (dtype == ZP_U16) ((uint16_t *)out)[i] = (uint16_t)v;
        else ((uint8_t *)out)[i] = (uint8_t)v;
    }
}

/* The common 16-bit case (maxval 65535, kept as u16): only a byte swap. */
static void swap_row16(const uint8_t *raw, uint16_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = (uint16_t)(raw[2 * i] << 8 | raw[2 * i + 1]);
}

static zp_status pnm_read_rows(void *state, zp__rowsink *sink, int32_t until) {
    pnm_state *s = state;
    const size_t n = (size_t)sink->width * (size_t)sink->channels;
    const int in_place = s->bytes == 1 && s->maxval == 255; /* the common case */
    const int swap_only = s->maxval == 65535 && sink->dtype == ZP_U16;
    if (!in_place && !s->raw && !(s->raw = malloc(s->raw_size)))
        return zp__fail(ZP_ERR_NOMEM, "out of memory for a row");
    for (; s->next_row < until && !s->blank; s->next_row++) {
        const int32_t y = s->next_row;
        uint8_t *row = zp__rowsink_row(sink, y);
        uint8_t *raw = in_place ? row : s->raw;
        if (zp__rowsink_cancelled(sink))
            return zp__fail(ZP_ERR_BAD_STATE, "PNM: decoding cancelled at row %d", (int)y);
        if (zp__reader_read(s->r, raw, s->raw_size) != s->raw_size) {
            if (s->r->io_errno ||
                zp__diag_warn(s->r->diag, ZP_FAIL_ON_TRUNCATED,
                              "PNM: file ends early (truncated): %d of %d rows decoded", (int)y,
                              (int)sink->height))
                return zp__reader_short(s->r, "PNM pixels");
            s->r->diag->truncated = 1; /* ZP_FAIL_ON_NONE: this row and the rest are zero */
            s->blank = 1;
            break;
        }
        if (swap_only) swap_row16(raw, (uint16_t *)row, n);
        else if (!in_place) unpack_row(s, raw, row, sink->dtype, n);
        zp__rowsink_commit(sink, y);
    }
    if (s->blank) zp__rowsink_blank(sink, &s->next_row, until);
    return ZP_OK;
}

static void pnm_close(void *state) {
    pnm_state *s = state;
    if (s) free(s->raw);
    free(s);
}

static zp_status pnm_encode(const zp_view *view, const zp_metadata *meta,
                            const zp_encode_options *opt, zp__writer *w) {
    (void)meta; /* PNM holds no metadata */
    zp_view v = *view;
    if (v.channels == 2 || v.channels == 4) v.channels--; /* drop alpha: a view */
    int depth = opt->bit_depth ? opt->bit_depth : (v.dtype == ZP_U8 ? 8 : 16);
    zp_dtype dtype = depth == 16 ? ZP_U16 : ZP_U8;
    char header[64];
    int len = snprintf(header, sizeof header, "P%c\n%d %d\n%d\n", v.channels == 3 ? '6' : '5',
                       (int)v.width, (int)v.height, depth == 16 ? 65535 : 255);
    zp_status st = zp__writer_write(w, header, (size_t)len);
    if (st) return st;

    zp__rowsource rows;
    if ((st = zp__rowsource_init(&rows, &v, dtype))) return st;
    const size_t n = (size_t)v.width * (size_t)v.channels;
    uint8_t *be = depth == 16 ? malloc(n * 2) : NULL;
    if (depth == 16 && !be) st = zp__fail(ZP_ERR_NOMEM, "out of memory for a row");
    for (int32_t y = 0; y < v.height && !st; y++) {
        const void *row = zp__rowsource_row(&rows, y);
        if (depth == 16) {
            const uint16_t *s16 = row;
            for (size_t i = 0; i < n; i++) {
                be[2 * i] = (uint8_t)(s16[i] >> 8);
                be[2 * i + 1] = (uint8_t)s16[i];
            }
            st = zp__writer_write(w, be, n * 2);
        } else {
            st = zp__writer_write(w, row, n);
        }
    }
    free(be);
    zp__rowsource_free(&rows);
    return st;
}

const zp__codec zp__codec_pnm = {
    .format = ZP_FORMAT_PNM,
    .name = "PNM",
    .open = pnm_open,
    .read_rows = pnm_read_rows,
    .close = pnm_close,
    .encode = pnm_encode,
};
