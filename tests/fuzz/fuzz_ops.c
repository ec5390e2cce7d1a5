/* fuzz_ops.c: libFuzzer target for the operation-chain parser (names,
 * positional and named parameters, numbers, booleans, choices, lists) and
 * for the plan step of every filter, which validates parameters against an
 * image: what parses is run on three tiny images.
 *
 * The input is the chain as text. It is parsed twice: as one string
 * (zp_pipeline_parse_string: operations separated by whitespace) and as an
 * argument vector split at newlines (zp_pipeline_parse: one operation per
 * line, so a value may hold spaces, as "kernel=1 2 1 ..." does). */
#include "fuzz_registry.h"

#define MAX_LINES 300 /* above ZP_MAX_OPERATIONS, so the length check is reached */

/* A tiny test card of the given geometry with every sample different. */
static void make_image(int32_t w, int32_t h, int32_t channels, zp_dtype dtype, zp_view *out) {
    FUZZ_CHECK(zp_view_alloc(w, h, channels, dtype, out) == ZP_OK);
    for (int32_t y = 0; y < h; y++)
        for (int32_t x = 0; x < w; x++)
            for (int32_t c = 0; c < channels; c++) {
                char *s = (char *)zp_view_pixel(out, x, y) + c * out->stride_c;
                unsigned v = (unsigned)(x * 37 + y * 91 + c * 53) & 255u;
                if (dtype == ZP_U8) *(uint8_t *)s = (uint8_t)v;
                else if (dtype == ZP_U16) *(uint16_t *)s = (uint16_t)(v * 257u);
                else *(float *)s = (float)v / 255.0f;
            }
}

/* Run `p` on `in`; on success the result must be a sound view. */
static void run_on(zp_pipeline *p, const zp_view *in) {
    zp_run_options ro;
    zp_run_options_init(&ro);
    ro.threads = 1;
    ro.max_pixels = 4096; /* 256 resizes of 4096 pixels stay well under a second */
    zp_view out;
    if (zp_pipeline_run(p, in, &ro, &out) != ZP_OK) return;
    FUZZ_CHECK(zp_view_check(&out) == ZP_OK);
    FUZZ_CHECK((uint64_t)out.width * (uint64_t)out.height <= ro.max_pixels);
    (void)fuzz_touch_view(&out);
    zp_view_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const zp_registry *reg = fuzz_registry();
    /* Exactly size + 1 bytes, so ASan sees a read past the terminator. */
    char *text = malloc(size + 1);
    FUZZ_CHECK(text != NULL);
    memcpy(text, data, size);
    text[size] = '\0';

    zp_view rgba8, ga32, rgb16;
    make_image(7, 5, 4, ZP_U8, &rgba8);
    make_image(5, 7, 2, ZP_F32, &ga32);
    make_image(3, 3, 3, ZP_U16, &rgb16);

    zp_pipeline *p = NULL;
    zp_clear_error();
    if (zp_pipeline_parse_string(reg, text, &p) == ZP_OK) {
        FUZZ_CHECK(p != NULL && zp_pipeline_length(p) <= ZP_MAX_OPERATIONS);
        run_on(p, &rgba8);
        run_on(p, &rgb16); /* a pipeline may be run again, on another image */
        zp_pipeline_free(p);
    } else {
        FUZZ_CHECK(p == NULL);
        FUZZ_CHECK(zp_last_error()[0] != '\0'); /* every refusal says why */
    }

    /* One operation per line (the text is cut in place at each newline). */
    const char *lines[MAX_LINES];
    int count = 0;
    char *s = text;
    while (count < MAX_LINES) {
        lines[count++] = s;
        char *nl = memchr(s, '\n', (size_t)(text + size - s));
        if (!nl) break;
        *nl = '\0';
        s = nl + 1;
    }
    p = NULL;
    zp_clear_error();
    if (zp_pipeline_parse(reg, count, lines, &p) == ZP_OK) {
        FUZZ_CHECK(p != NULL && zp_pipeline_length(p) <= ZP_MAX_OPERATIONS);
        run_on(p, &ga32);
        zp_pipeline_free(p);
    } else {
        FUZZ_CHECK(p == NULL);
        FUZZ_CHECK(zp_last_error()[0] != '\0');
    }

    zp_view_release(&rgba8);
    zp_view_release(&ga32);
    zp_view_release(&rgb16);
    free(text);
    return 0;
}
