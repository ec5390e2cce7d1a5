/* test_jpeg_parallel.c: the JPEG decoder's threaded Huffman decoding
 * (src/codec/jpeg_parallel.c), used for 1/8- and 1/4-size decodes when
 * the caller gives the decoder threads.
 *
 * clean:   JPEGs of every sampling, with and without restart markers and
 *          Huffman optimisation, odd sizes, gray and CMYK, decode on 2, 3,
 *          4 and 7 threads to exactly the pixels of plain libjpeg at 1/8
 *          and 1/4 scale, from memory and from a file, and the threaded
 *          path was taken for each (zp__jpeg_par_scans counts it). The
 *          records keep only the coefficients libjpeg's scaled IDCTs read:
 *          CTest runs this with libjpeg-turbo's SIMD IDCTs and, with
 *          JSIMD_FORCENONE=1, its C ones; a hand-made file with a DC far
 *          out of range checks what the SSE2 4x4 IDCT looks at.
 * damaged: cut, flipped, junk-inserted and marker-damaged copies give, on
 *          threads, the same status, warning and pixels as on one thread
 *          (plain libjpeg), at 1/8 and 1/4, under fail_on error and none.
 *
 * Usage: test_jpeg_parallel clean|damaged. Temporary files go to the
 * current folder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jpeglib.h>
#include "zp_test.h"
#include "test_jpeg_oracle.h"
#include "codec/codec_internal.h"
#include "codec/jpeg_parallel.h"

typedef struct params {
    int w, h;
    int comps;          /* 1 gray, 3 RGB (YCbCr), 4 CMYK                    */
    int h0, v0;         /* luma (and K) sampling; chroma 1x1                */
    int quality;
    int restart_mcus;   /* restart interval in MCUs, 0 none                 */
    int optimize;       /* optimised Huffman tables                         */
} params;

/* Noise over gradients: many AC coefficients, and 0xFF bytes (stuffed) in
 * the entropy-coded data. */
static uint8_t *synth(int w, int h, int comps, uint32_t seed) {
    uint8_t *px = malloc((size_t)w * h * comps);
    uint32_t s = seed * 2654435761u + 1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < comps; c++) {
                s = s * 1664525u + 1013904223u;
                int v = (x * (c + 1) + y * (3 - c)) / 3 + (int)(s >> 27) * ((x / 17 + y / 13) % 3) * 3;
                px[((size_t)y * w + x) * comps + c] = (uint8_t)(v & 255);
            }
    return px;
}

static uint8_t *make_test_jpeg(const params *p, uint32_t seed, size_t *size) {
    uint8_t *px = synth(p->w, p->h, p->comps, seed);
    const J_COLOR_SPACE cs = p->comps == 1 ? JCS_GRAYSCALE : p->comps == 3 ? JCS_RGB : JCS_CMYK;
    const jpeg_params jp = {.quality = p->quality, .h0 = p->h0, .v0 = p->v0,
                            .restart_mcus = p->restart_mcus, .optimize = p->optimize, .adobe = 1};
    uint8_t *jpg = make_jpeg(px, p->w, p->h, p->comps, cs, &jp, size);
    free(px);
    return jpg;
}

/* What a zeropix decode at 1/denom size gave. */
typedef struct outcome {
    zp_status status;
    char message[256];
    char warning[256];
    uint8_t *px; /* packed, NULL on failure */
    size_t bytes;
    int channels;
} outcome;

static outcome decode_scaled(const uint8_t *data, size_t size, const char *path, int denom,
                             int threads, zp_fail_on fail_on) {
    outcome o = {0};
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    opt.fail_on = fail_on;
    zp_decoder *dec = NULL;
    o.status = path ? zp_decoder_open_file(path, &opt, &dec) : zp_decoder_open_memory(data, size, &opt, &dec);
    int32_t got[4];
    if (!o.status) o.status = zp__decoder_set_window(dec, denom, NULL, got);
    zp_image img = {0};
    if (!o.status) {
        zp__decoder_set_threads(dec, threads);
        o.status = zp_decoder_read(dec, &img);
    }
    if (o.status) snprintf(o.message, sizeof o.message, "%s", zp_last_error());
    if (dec && zp_decoder_warning(dec)) snprintf(o.warning, sizeof o.warning, "%s", zp_decoder_warning(dec));
    if (!o.status) {
        const zp_view *v = &img.view;
        size_t row = (size_t)v->width * (size_t)v->channels;
        o.channels = v->channels;
        o.bytes = row * (size_t)v->height;
        o.px = malloc(o.bytes ? o.bytes : 1);
        for (int32_t y = 0; y < v->height; y++)
            memcpy(o.px + row * (size_t)y, (const uint8_t *)v->data + v->stride_y * y, row);
        zp_image_release(&img);
    }
    zp_decoder_close(dec);
    return o;
}

static int same_outcome(const outcome *a, const outcome *b) {
    if (a->status != b->status || strcmp(a->message, b->message) || strcmp(a->warning, b->warning))
        return 0;
    return a->status || (a->bytes == b->bytes && memcmp(a->px, b->px, a->bytes) == 0);
}

/* ---- clean ---------------------------------------------------------------- */

static const params clean_cases[] = {
    {640, 480, 3, 2, 2, 90, 0, 0},    {640, 480, 3, 2, 2, 95, 0, 1},
    {333, 517, 3, 2, 2, 75, 0, 0},    {333, 517, 3, 2, 1, 90, 0, 0},
    {517, 333, 3, 1, 1, 90, 0, 1},    {400, 300, 3, 1, 2, 90, 0, 0},
    {401, 301, 3, 4, 1, 85, 0, 0},    {512, 512, 1, 1, 1, 90, 0, 0},
    {511, 389, 1, 1, 1, 100, 0, 1},   {640, 480, 3, 2, 2, 90, 1, 0},
    {640, 480, 3, 2, 2, 90, 7, 1},    {333, 517, 3, 2, 1, 90, 40, 0},
    {512, 512, 1, 1, 1, 90, 64, 0},   {320, 240, 4, 2, 2, 90, 0, 0},
    {1, 1, 3, 2, 2, 90, 0, 0},        {9, 700, 3, 2, 2, 90, 0, 0},
    {1500, 17, 3, 2, 2, 90, 3, 0},    {1024, 768, 3, 2, 2, 100, 0, 0},
};

static void write_file(const char *path, const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(data, 1, size, f) == size);
    if (f) fclose(f);
}

/* Test case i, written as jpg (and at path), decoded at 1/denom on each
 * thread count, from memory and from the file: plain libjpeg's pixels, and
 * the threaded path taken. */
static void check_clean_case(size_t i, const uint8_t *jpg, size_t size, const char *path,
                             int denom) {
    const params *p = &clean_cases[i];
    const int thread_counts[] = {2, 3, 4, 7};
    int ow = 0, oh = 0, oc = 0;
    uint8_t *want = oracle_decode_scaled(jpg, size, denom, &ow, &oh, &oc, NULL);
    const size_t want_bytes = (size_t)ow * oh * oc;
    CHECK(want != NULL);
    for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++)
        for (int from_file = 0; from_file < 2; from_file++) {
            unsigned long before = atomic_load(&zp__jpeg_par_scans);
            outcome o = decode_scaled(jpg, size, from_file ? path : NULL, denom, thread_counts[t],
                                      ZP_FAIL_ON_ERROR);
            int used = atomic_load(&zp__jpeg_par_scans) == before + 1;
            /* CMYK comes out as RGB: that one is compared with one thread
             * (plain libjpeg too) below */
            int same = !o.status && want &&
                       (p->comps == 4 || (o.bytes == want_bytes && memcmp(o.px, want, want_bytes) == 0));
            if (!used || !same)
                fprintf(stderr,
                        "case %zu (%dx%d, %d comps, %dx%d, q%d, rst %d, opt %d), 1/%d, "
                        "%d threads, %s: %s%s\n",
                        i, p->w, p->h, p->comps, p->h0, p->v0, p->quality, p->restart_mcus,
                        p->optimize, denom, thread_counts[t], from_file ? "file" : "memory",
                        used ? "" : "threaded path not taken; ",
                        same ? "same" : o.message[0] ? o.message : "pixels differ");
            CHECK(used);
            CHECK(same);
            if (p->comps == 4) {
                outcome one = decode_scaled(jpg, size, NULL, denom, 1, ZP_FAIL_ON_ERROR);
                CHECK(same_outcome(&o, &one));
                free(one.px);
            }
            free(o.px);
        }
    free(want);
}

static void test_clean(void) {
    char path[64];
    snprintf(path, sizeof path, "jpeg_parallel_%d.jpg", (int)getpid());
    for (size_t i = 0; i < sizeof clean_cases / sizeof clean_cases[0]; i++) {
        size_t size;
        uint8_t *jpg = make_test_jpeg(&clean_cases[i], (uint32_t)i, &size);
        CHECK(jpg != NULL);
        if (!jpg) continue;
        write_file(path, jpg, size);
        check_clean_case(i, jpg, size, path, 8);
        check_clean_case(i, jpg, size, path, 4);
        free(jpg);
    }
    unlink(path);
}

/* A file no camera makes, written through libjpeg's coefficient API: every
 * Cb block's DC dequantizes to 8192 (512 x 16) and the block has one AC, at
 * row 1, column 4. At 1/4 size chroma goes through the 4x4 IDCT, whose
 * result ignores column 4; but libjpeg-turbo's SSE2 version tests every
 * column for zeros to choose a DC-only shortcut that wraps where its full
 * path saturates, so the records must keep that coefficient too. (Found
 * in review: 8192 of 12288 bytes differed.) Luma blocks get an AC of +-1
 * so the scan is not all alike. */
static uint8_t *make_dc_extreme_jpeg(size_t *size) {
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    unsigned long n = 0;
    jpeg_mem_dest(&c, &out, &n);
    c.image_width = 256;
    c.image_height = 256;
    c.input_components = 3;
    c.in_color_space = JCS_YCbCr;
    jpeg_set_defaults(&c); /* 4:2:0: luma 2x2, chroma 1x1 */
    unsigned int q[64];
    for (int i = 0; i < 64; i++) q[i] = 16;
    jpeg_add_quant_table(&c, 0, q, 100, TRUE);
    jpeg_add_quant_table(&c, 1, q, 100, TRUE);
    jvirt_barray_ptr arrays[3];
    for (int ci = 0; ci < 3; ci++) {
        const int blocks = ci == 0 ? 32 : 16; /* 256 / 8, chroma half */
        /* the encoder reads v_samp_factor block rows at a time */
        arrays[ci] = c.mem->request_virt_barray((j_common_ptr)&c, JPOOL_IMAGE, TRUE, blocks,
                                                blocks, ci == 0 ? 2 : 1);
    }
    jpeg_write_coefficients(&c, arrays);
    for (int ci = 0; ci < 3; ci++) {
        const int blocks = ci == 0 ? 32 : 16;
        for (int by = 0; by < blocks; by++) {
            JBLOCKARRAY row = c.mem->access_virt_barray((j_common_ptr)&c, arrays[ci], by, 1, TRUE);
            for (int bx = 0; bx < blocks; bx++) {
                JCOEF *b = row[0][bx];
                memset(b, 0, sizeof(JBLOCK));
                if (ci == 0) b[1] = (JCOEF)((bx + by) % 2 ? 1 : -1);
                if (ci == 1) {
                    b[0] = 512;
                    b[1 * 8 + 4] = 1;
                }
            }
        }
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    *size = n;
    return out;
}

static void test_dc_extreme(void) {
    size_t size;
    uint8_t *jpg = make_dc_extreme_jpeg(&size);
    int ow = 0, oh = 0, oc = 0;
    uint8_t *want = oracle_decode_scaled(jpg, size, 4, &ow, &oh, &oc, NULL);
    CHECK(want != NULL && ow == 64 && oh == 64 && oc == 3);
    for (int threads = 2; threads <= 3; threads++) {
        unsigned long before = atomic_load(&zp__jpeg_par_scans);
        outcome o = decode_scaled(jpg, size, NULL, 4, threads, ZP_FAIL_ON_ERROR);
        CHECK(atomic_load(&zp__jpeg_par_scans) == before + 1);
        size_t differ = 0;
        for (size_t i = 0; want && !o.status && i < o.bytes && i < (size_t)ow * oh * oc; i++)
            differ += o.px[i] != want[i];
        if (o.status || o.bytes != (size_t)ow * oh * oc || differ)
            fprintf(stderr, "DC-extreme file at 1/4, %d threads: %s, %zu bytes differ\n", threads,
                    o.status ? o.message : "decoded", differ);
        CHECK(!o.status && o.bytes == (size_t)ow * oh * oc && differ == 0);
        free(o.px);
    }
    free(want);
    free(jpg);
}

/* ---- damaged --------------------------------------------------------------- */

/* Offset of the first byte after the SOS segment. */
static size_t scan_start(const uint8_t *d, size_t n) {
    for (size_t i = 2; i + 4 < n;) {
        if (d[i] != 0xFF) return 0;
        size_t len = (size_t)d[i + 2] << 8 | d[i + 3];
        if (d[i + 1] == 0xDA) return i + 2 + len;
        i += 2 + len;
    }
    return 0;
}

static int check_same(const uint8_t *data, size_t size, const char *what) {
    int bad = 0;
    const zp_fail_on modes[] = {ZP_FAIL_ON_ERROR, ZP_FAIL_ON_NONE};
    for (int run = 0; run < 4; run++) {
        const int denom = run < 2 ? 8 : 4;
        const zp_fail_on mode = modes[run % 2];
        outcome one = decode_scaled(data, size, NULL, denom, 1, mode);
        for (int t = 2; t <= 3; t++) {
            outcome many = decode_scaled(data, size, NULL, denom, t, mode);
            if (!same_outcome(&one, &many)) {
                fprintf(stderr, "%s, 1/%d, fail_on %d, %d threads: %s / %s vs one thread %s / %s\n",
                        what, denom, (int)mode, t, zp_status_str(many.status), many.message,
                        zp_status_str(one.status), one.message);
                bad = 1;
            }
            free(many.px);
        }
        free(one.px);
    }
    return bad;
}

static void test_damaged(void) {
    const params bases[] = {
        {640, 480, 3, 2, 2, 90, 0, 0},
        {640, 480, 3, 2, 2, 90, 5, 1},
        {512, 384, 1, 1, 1, 95, 0, 0},
    };
    uint32_t rng = 12345;
    for (size_t b = 0; b < sizeof bases / sizeof bases[0]; b++) {
        size_t size;
        uint8_t *jpg = make_test_jpeg(&bases[b], 99 + (uint32_t)b, &size);
        CHECK(jpg != NULL);
        if (!jpg) continue;
        const size_t s0 = scan_start(jpg, size);
        CHECK(s0 > 0 && s0 + 64 < size);
        uint8_t *buf = malloc(size + 64);
        char what[96];
        /* cut short, in the scan and just before EOI */
        const size_t cuts[] = {s0 + (size - s0) / 3, s0 + (size - s0) * 2 / 3, size - 2, size - 1};
        for (size_t i = 0; i < 4; i++) {
            snprintf(what, sizeof what, "base %zu cut at %zu of %zu", b, cuts[i], size);
            CHECK(check_same(jpg, cuts[i], what) == 0);
        }
        /* single bytes changed in the scan */
        for (int i = 0; i < 24; i++) {
            memcpy(buf, jpg, size);
            rng = rng * 1664525u + 1013904223u;
            size_t at = s0 + (rng >> 8) % (size - s0 - 2);
            buf[at] ^= (uint8_t)(1u << (rng & 7));
            if (i % 4 == 3) buf[at] = 0xFF; /* a marker, or a stuffed byte */
            snprintf(what, sizeof what, "base %zu byte %zu changed", b, at);
            CHECK(check_same(buf, size, what) == 0);
        }
        /* junk bytes before EOI, and in the middle */
        const size_t junk_at[] = {size - 2, s0 + (size - s0) / 2};
        for (size_t i = 0; i < 2; i++) {
            size_t at = junk_at[i];
            memcpy(buf, jpg, at);
            memcpy(buf + at, "\x12\x34\x56", 3);
            memcpy(buf + at + 3, jpg + at, size - at);
            snprintf(what, sizeof what, "base %zu junk at %zu", b, at);
            CHECK(check_same(buf, size + 3, what) == 0);
        }
        /* restart markers renumbered or removed */
        if (bases[b].restart_mcus) {
            size_t seen = 0;
            for (size_t i = s0; i + 1 < size; i++)
                if (jpg[i] == 0xFF && jpg[i + 1] >= 0xD0 && jpg[i + 1] <= 0xD7 && ++seen % 5 == 2) {
                    memcpy(buf, jpg, size);
                    buf[i + 1] = (uint8_t)(0xD0 + ((jpg[i + 1] - 0xD0 + 3) & 7));
                    snprintf(what, sizeof what, "base %zu RST at %zu renumbered", b, i);
                    CHECK(check_same(buf, size, what) == 0);
                    memcpy(buf, jpg, i);
                    memcpy(buf + i, jpg + i + 2, size - i - 2);
                    snprintf(what, sizeof what, "base %zu RST at %zu removed", b, i);
                    CHECK(check_same(buf, size - 2, what) == 0);
                    memcpy(buf, jpg, i); /* one junk byte before it */
                    buf[i] = 0x5A;
                    memcpy(buf + i + 1, jpg + i, size - i);
                    snprintf(what, sizeof what, "base %zu junk byte before RST at %zu", b, i);
                    CHECK(check_same(buf, size + 1, what) == 0);
                }
            CHECK(seen > 10);
        }
        free(buf);
        free(jpg);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: test_jpeg_parallel clean|damaged\n");
        return 2;
    }
    zp__jpeg_par_min_bytes = 1; /* threads on small test images too */
    if (!strcmp(argv[1], "clean")) {
        test_clean();
        test_dc_extreme();
    }
    else if (!strcmp(argv[1], "damaged")) test_damaged();
    else {
        fprintf(stderr, "unknown group %s\n", argv[1]);
        return 2;
    }
    return zp_test_finish(argv[1]);
}
