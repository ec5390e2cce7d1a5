/* format.c: format names, detection from content and from file names. */
#include <string.h>
#include <strings.h>
#include "codec_internal.h"

const char *zp_format_name(zp_format format) {
    switch (format) {
    case ZP_FORMAT_JPEG: return "jpeg";
    case ZP_FORMAT_PNG: return "png";
    case ZP_FORMAT_PNM: return "pnm";
    case ZP_FORMAT_UNKNOWN: break;
    }
    return "unknown";
}

zp_format zp_format_detect(const void *data, size_t size) {
    const uint8_t *b = data;
    if (!b) return ZP_FORMAT_UNKNOWN;
    if (size >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return ZP_FORMAT_JPEG;
    if (size >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8)) return ZP_FORMAT_PNG;
    if (size >= 3 && b[0] == 'P' && (b[1] == '5' || b[1] == '6') &&
        (b[2] == ' ' || b[2] == '\t' || b[2] == '\n' || b[2] == '\r' || b[2] == '#'))
        return ZP_FORMAT_PNM;
    return ZP_FORMAT_UNKNOWN;
}

zp_format zp_format_from_name(const char *name) {
    static const struct { const char *ext; zp_format format; } table[] = {
        {"jpg", ZP_FORMAT_JPEG}, {"jpeg", ZP_FORMAT_JPEG}, {"jpe", ZP_FORMAT_JPEG},
        {"png", ZP_FORMAT_PNG},  {"pnm", ZP_FORMAT_PNM},   {"ppm", ZP_FORMAT_PNM},
        {"pgm", ZP_FORMAT_PNM},
    };
    if (!name) return ZP_FORMAT_UNKNOWN;
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    const char *dot = strrchr(base, '.');
    const char *ext = dot ? dot + 1 : base;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcasecmp(ext, table[i].ext)) return table[i].format;
    return ZP_FORMAT_UNKNOWN;
}

const zp__codec *zp__codec_for(zp_format format) {
    switch (format) {
    case ZP_FORMAT_JPEG: return &zp__codec_jpeg;
    case ZP_FORMAT_PNG: return &zp__codec_png;
    case ZP_FORMAT_PNM: return &zp__codec_pnm;
    case ZP_FORMAT_UNKNOWN: break;
    }
    return NULL;
}
