/* exif.c: the EXIF orientation tag (0x0112) in IFD0 of a TIFF-structured
 * EXIF blob, read and rewritten in place. Every offset is checked against
 * the blob's size before it is used, so no input reads outside it. */
#include "codec_internal.h"

#define TIFF_TAG_ORIENTATION 0x0112u
#define TIFF_TYPE_SHORT 3u
#define TIFF_HEADER_SIZE 8u
#define TIFF_ENTRY_SIZE 12u

static unsigned get16(const uint8_t *p, int big) {
    return big ? (unsigned)p[0] << 8 | p[1] : (unsigned)p[1] << 8 | p[0];
}

static uint32_t get32(const uint8_t *p, int big) {
    return big ? (uint32_t)get16(p, 1) << 16 | get16(p + 2, 1)
               : (uint32_t)get16(p + 2, 0) << 16 | get16(p, 0);
}

/* Finds the orientation entry of IFD0. Returns 1 and its offset in *entry,
 * 0 when IFD0 has no such tag, -1 when the header or IFD0 is malformed
 * (bad byte order or magic, IFD0 or its entry table outside the blob, or
 * an orientation entry that is not one inline SHORT). */
static int find_orientation(const uint8_t *exif, size_t size, int *big, size_t *entry) {
    if (!exif || size < TIFF_HEADER_SIZE) return -1;
    if (exif[0] == 'I' && exif[1] == 'I') *big = 0;
    else if (exif[0] == 'M' && exif[1] == 'M') *big = 1;
    else return -1;
    if (get16(exif + 2, *big) != 42) return -1;

    uint32_t ifd = get32(exif + 4, *big);
    /* Subtractions, not additions: nothing here can wrap around. */
    if (ifd < TIFF_HEADER_SIZE || ifd > size - 2) return -1;
    size_t count = get16(exif + ifd, *big);
    if (count > (size - ifd - 2) / TIFF_ENTRY_SIZE) return -1;

    for (size_t i = 0; i < count; i++) {
        size_t at = ifd + 2 + i * TIFF_ENTRY_SIZE;
        if (get16(exif + at, *big) != TIFF_TAG_ORIENTATION) continue;
        if (get16(exif + at + 2, *big) != TIFF_TYPE_SHORT || get32(exif + at + 4, *big) != 1)
            return -1;
        *entry = at;
        return 1;
    }
    return 0;
}

int zp_exif_get_orientation(const uint8_t *exif, size_t size) {
    int big;
    size_t entry;
    if (find_orientation(exif, size, &big, &entry) != 1) return 1;
    /* A SHORT sits in the first two bytes of the 4-byte value field. */
    unsigned value = get16(exif + entry + 8, big);
    return value >= 1 && value <= 8 ? (int)value : 1;
}

int zp_exif_set_orientation(uint8_t *exif, size_t size, int orientation) {
    if (orientation < 1 || orientation > 8) return -1;
    int big;
    size_t entry;
    int found = find_orientation(exif, size, &big, &entry);
    if (found != 1) return found;
    uint8_t *p = exif + entry + 8;
    if (big) {
        p[0] = 0;
        p[1] = (uint8_t)orientation;
    } else {
        p[0] = (uint8_t)orientation;
        p[1] = 0;
    }
    p[2] = p[3] = 0; /* the unused half of the value field is zero */
    return 1;
}
