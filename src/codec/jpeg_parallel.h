/* jpeg_parallel.h: Huffman decoding of a baseline JPEG scan on several
 * threads, feeding libjpeg-turbo's own pipeline.
 *
 * libjpeg-turbo decodes the entropy-coded data on one thread, and with DCT
 * scaling (1/8 size, say) that is nearly all of a decode's time. Without
 * restart markers nothing tells where an MCU starts in the middle of the
 * data, so the data is cut into one region per thread and every thread but
 * the first starts decoding at an arbitrary bit, "speculatively". Huffman
 * codes resynchronise within a few codes, so after a few MCUs a thread is
 * decoding the same MCUs the true decoder would, at the same bit positions.
 * The thread before it, on reaching the region, continues until one of its
 * own MCU start positions equals one the speculative thread recorded: from
 * there on the two decodes are identical, and the later thread's results
 * are kept. The DC predictor is no obstacle: the threads record DC
 * differences, and the prediction is made later, in order.
 *
 * The threads record, per block, the DC difference and the non-zero AC
 * coefficients that the component's scaled IDCT reads (none for a 1x1
 * IDCT: libjpeg decodes no ACs at 1/8 size either; 24 of the 63 for a 2x2
 * one, 55 for a 4x4). Used at 1/8 and 1/4 size. libjpeg-turbo then runs as usual
 * with its entropy decoder's decode_mcu replaced by one that hands it these
 * records: IDCT, upsampling and colour conversion are libjpeg's, so the
 * pixels are those of a plain libjpeg decode, bit for bit.
 *
 * Only clean data takes this path. Any irregularity that libjpeg would
 * report or repair (a bad code, data ending early, junk before a marker, a
 * misplaced restart marker) makes zp__jpeg_par_run() return 0 before libjpeg
 * has read a byte of the scan, and libjpeg decodes the file itself, with its
 * own warnings and errors. */
#ifndef ZEROPIX_JPEG_PARALLEL_H
#define ZEROPIX_JPEG_PARALLEL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h> /* jpeglib.h needs FILE and size_t declared first */
#include <jpeglib.h>

typedef struct zp__jpeg_par zp__jpeg_par;

/* Smallest entropy-coded scan, in bytes per thread, worth the threads.
 * Tests lower it to exercise the path on small images. */
extern size_t zp__jpeg_par_min_bytes;
/* Scans decoded this way so far in the process (tests check the path ran). */
extern atomic_ulong zp__jpeg_par_scans;

/* After jpeg_start_decompress() of a single-scan file: decode the scan,
 * whose bytes are data[start..size), on `threads` threads (the caller's
 * included). Returns the decoded scan, or NULL when the file does not
 * qualify (progressive, arithmetic coding, 12-bit, several scans, too
 * small) or its data is not clean (see above); NULL sets no error. On
 * success *end is the offset in `data` of the marker that ends the scan
 * (its first 0xFF byte): the caller moves libjpeg's source there.
 * `mapped`: data is the caller's private read-only mapping of a file, whose
 * pages may be dropped (MADV_DONTNEED) once read, to keep resident memory
 * low; 0 for memory the caller reads itself. */
zp__jpeg_par *zp__jpeg_par_run(j_decompress_ptr cinfo, const uint8_t *data, size_t size,
                               size_t start, int mapped, int threads, size_t *end);

/* libjpeg's decode_mcu, from the records: the next MCU's coefficients into
 * MCU_data (zeroed by libjpeg), DC predicted and reset at restarts as
 * libjpeg does. Always returns TRUE. */
boolean zp__jpeg_par_decode_mcu(zp__jpeg_par *par, j_decompress_ptr cinfo, JBLOCKROW *MCU_data);

void zp__jpeg_par_free(zp__jpeg_par *par);

#endif
