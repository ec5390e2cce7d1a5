/* selftest.c: a fuzz target that fails on purpose, to prove that a replay
 * of a crashing input fails its CTest: input "abort..." fails a check,
 * "overflow..." reads one byte past a heap block (an ASan report in the
 * sanitizer and libFuzzer builds), anything else passes. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size >= 5 && !memcmp(data, "abort", 5)) FUZZ_CHECK(!"selftest: an input that must fail");
    if (size >= 8 && !memcmp(data, "overflow", 8)) {
        volatile uint8_t *block = malloc(size);
        FUZZ_CHECK(block != NULL);
        memcpy((void *)block, data, size);
        volatile uint8_t past = block[size]; /* one past the end: ASan reports it */
        (void)past;
        free((void *)block);
    }
    return 0;
}
