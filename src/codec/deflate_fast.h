/* deflate_fast.h: a fast deflate (RFC 1951) block encoder for filtered PNG
 * rows: one dynamic-Huffman block of literals and byte runs per call.
 *
 * Why not zlib or libdeflate: on filtered photographs almost all of
 * deflate's gain is the Huffman coding of the residuals; LZ77 searching
 * buys a few per cent of size at several times the time (zlib level 1:
 * 3.5x to 4.7x the time for files 4 to 7 % smaller, bench/README.md "PNG
 * encoder"), and libdeflate cannot end a piece without a final block, so
 * its pieces do not join into one stream. Runs of one byte (distance 1)
 * keep flat areas small, as zlib's Z_RLE does.
 *
 * A call encodes `n` bytes into one piece of a deflate stream that starts
 * and ends on a byte boundary, so pieces encoded independently (on several
 * threads) join by plain concatenation into one valid stream: a piece that
 * is not the last ends with an empty stored block (as zlib's Z_SYNC_FLUSH),
 * the last one has BFINAL set. A piece never refers to bytes before it. */
#ifndef ZEROPIX_DEFLATE_FAST_H
#define ZEROPIX_DEFLATE_FAST_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of output `zp__deflate_fast` may write for `n` bytes of input. */
size_t zp__deflate_fast_bound(size_t n);

/* Scratch (in uint32_t) a call needs for `n` bytes of input: the caller
 * owns it so that the encoder itself never allocates. */
size_t zp__deflate_fast_scratch(size_t n);

/* Encode in[0..n) as one piece (above); `last` sets BFINAL. Writes at most
 * zp__deflate_fast_bound(n) bytes to `out` and returns how many. The bytes
 * depend only on in[0..n) and `last`. Data that would not shrink is stored. */
size_t zp__deflate_fast(const uint8_t *in, size_t n, int last, uint32_t *scratch,
                        uint8_t *out);

#endif
