/* fuzz_png_crc.h: a libFuzzer custom mutator for PNG payloads. libpng
 * rejects a critical chunk whose CRC is wrong, so nearly every mutation of
 * IHDR, PLTE or IDAT would stop at the CRC check and never reach the code
 * behind it. After libFuzzer's own mutation this recomputes the CRC of
 * every well-formed chunk, except for one mutation in eight, which keeps
 * the CRC errors covered too. Only the mutator is affected: the target
 * decodes its input as it is, so a replay gives the same result.
 *
 * Compiled into the fuzz_<target> programs only (ZP_FUZZ_LIBFUZZER): the
 * replay driver has no LLVMFuzzerMutate. */
#ifndef ZEROPIX_FUZZ_PNG_CRC_H
#define ZEROPIX_FUZZ_PNG_CRC_H

#ifdef ZP_FUZZ_LIBFUZZER
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* Recompute the CRCs of the chunks of the PNG at `png` (signature first). */
static void fuzz_png_fix_crcs(uint8_t *png, size_t size) {
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (size < 8 || memcmp(png, sig, 8) != 0) return;
    size_t pos = 8;
    while (pos + 12 <= size) {
        uint32_t len = (uint32_t)png[pos] << 24 | (uint32_t)png[pos + 1] << 16 |
                       (uint32_t)png[pos + 2] << 8 | png[pos + 3];
        if (len > size - pos - 12) break; /* cut short: nothing to fix */
        uLong crc = crc32(0L, png + pos + 4, (uInt)len + 4);
        uint8_t *c = png + pos + 8 + len;
        c[0] = (uint8_t)(crc >> 24), c[1] = (uint8_t)(crc >> 16), c[2] = (uint8_t)(crc >> 8),
        c[3] = (uint8_t)crc;
        pos += 12 + (size_t)len;
    }
}

/* Define LLVMFuzzerCustomMutator for a target whose PNG starts at byte
 * `offset` of the input. */
#define FUZZ_PNG_CRC_MUTATOR(offset)                                                  \
    size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,       \
                                   unsigned int seed);                                \
    size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,       \
                                   unsigned int seed) {                               \
        size = LLVMFuzzerMutate(data, size, max_size);                                \
        if (seed % 8 != 0 && size > (offset)) fuzz_png_fix_crcs(data + (offset), size - (offset)); \
        return size;                                                                  \
    }
#else
#define FUZZ_PNG_CRC_MUTATOR(offset)
#endif

#endif
