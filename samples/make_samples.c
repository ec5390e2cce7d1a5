/* make_samples.c: generates the bundled sample images with zeropix itself.
 *
 *   zeropix_make_samples OUTDIR      (the build target of the same name)
 *
 * writes into OUTDIR:
 *   gradient.png  RGBA 8-bit 256x192: smooth colour gradients, a disc, a
 *                 ring and a square, with an alpha ramp top to bottom.
 *   photo.jpg     RGB 8-bit, a synthetic landscape stored 640x480 at
 *                 quality 90 with EXIF orientation 6, so it displays
 *                 480x640 (portrait, sun at the top) only when the
 *                 orientation is applied; carries an sRGB-like ICC profile.
 *   gray16.png    gray 16-bit 512x128: a full-range ramp on top and a ramp
 *                 in steps of 1/65535 below (invisible at 8 bits).
 *
 * Everything is computed from fixed formulas and a fixed-seed generator,
 * so the pixels are the same on every run; the compressed bytes depend on
 * the libjpeg-turbo and zlib versions. Public domain (CC0), like the
 * images it makes. Uses the public API only. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zeropix/zeropix.h"

static uint32_t rng_state = 0x2545f491u;

/* xorshift32: deterministic grain. */
static uint32_t rng(void) {
    uint32_t x = rng_state;
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    return rng_state = x;
}

/* Uniform in -1..1. */
static double noise(void) {
    return (double)(rng() >> 8) / (double)(1u << 23) - 1.0;
}

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }
static uint8_t to_u8(double v) { return (uint8_t)lround(clamp01(v) * 255.0); }
static double mix(double a, double b, double t) { return a + (b - a) * t; }
static double smoothstep(double e0, double e1, double x) {
    double t = clamp01((x - e0) / (e1 - e0));
    return t * t * (3 - 2 * t);
}

static int report(const char *what, zp_status st) {
    fprintf(stderr, "make_samples: %s: %s\n", what,
            *zp_last_error() ? zp_last_error() : zp_status_str(st));
    return 1;
}

/* ---- gradient.png -------------------------------------------------------- */

static int make_gradient(const char *path) {
    const int w = 256, h = 192;
    zp_view v;
    zp_status st = zp_view_alloc(w, h, 4, ZP_U8, &v);
    if (st) return report(path, st);
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            double u = x / (double)(w - 1), t = y / (double)(h - 1);
            double r = u, g = t, b = 0.5 + 0.5 * sin(6.2831853 * (u + t) * 0.75);
            double a = 1.0 - 0.85 * t; /* alpha ramp: opaque top, faint bottom */

            /* A white disc with an anti-aliased edge. */
            double d = hypot(x + 0.5 - 72, y + 0.5 - 96);
            double k = clamp01(40.5 - d);
            r = mix(r, 1, k), g = mix(g, 1, k), b = mix(b, 1, k), a = mix(a, 1, k);
            /* A dark ring around it. */
            k = clamp01(3.0 - fabs(d - 52));
            r = mix(r, 0.1, k), g = mix(g, 0.1, k), b = mix(b, 0.2, k), a = mix(a, 1, k);
            /* An orange square, fully opaque. */
            if (x >= 152 && x < 216 && y >= 40 && y < 104)
                r = 1.0, g = 0.55, b = 0.1, a = 1.0;

            uint8_t *p = zp_view_pixel(&v, x, y);
            p[0] = to_u8(r), p[1] = to_u8(g), p[2] = to_u8(b), p[3] = to_u8(a);
        }
    }
    zp_encode_options opt;
    zp_encode_options_init(&opt);
    opt.compression = 9;
    st = zp_image_encode_file(&v, NULL, path, &opt);
    zp_view_release(&v);
    return st ? report(path, st) : 0;
}

/* ---- gray16.png ------------------------------------------------------------ */

static int make_gray16(const char *path) {
    const int w = 512, h = 128;
    zp_view v;
    zp_status st = zp_view_alloc(w, h, 1, ZP_U16, &v);
    if (st) return report(path, st);
    for (int y = 0; y < h; y++) {
        uint16_t *row = zp_view_pixel(&v, 0, y);
        for (int x = 0; x < w; x++)
            row[x] = y < h / 2 ? (uint16_t)((x * 65535 + (w - 1) / 2) / (w - 1))
                               : (uint16_t)(32768 - w / 2 + x); /* steps of 1 */
    }
    zp_encode_options opt;
    zp_encode_options_init(&opt);
    opt.compression = 9;
    st = zp_image_encode_file(&v, NULL, path, &opt); /* u16 view: 16-bit PNG */
    zp_view_release(&v);
    return st ? report(path, st) : 0;
}

/* ---- photo.jpg: metadata builders ------------------------------------------- */

typedef struct bytes {
    uint8_t buf[1024];
    size_t len;
} bytes;

static void put8(bytes *b, unsigned v) { b->buf[b->len++] = (uint8_t)v; }
static void put16le(bytes *b, unsigned v) { put8(b, v & 0xff); put8(b, v >> 8); }
static void put32le(bytes *b, uint32_t v) { put16le(b, v & 0xffff); put16le(b, v >> 16); }
static void put32be(bytes *b, uint32_t v) {
    put8(b, v >> 24); put8(b, (v >> 16) & 0xff); put8(b, (v >> 8) & 0xff); put8(b, v & 0xff);
}
static void putsig(bytes *b, const char *four) { for (int i = 0; i < 4; i++) put8(b, (uint8_t)four[i]); }
static void set32be(bytes *b, size_t at, uint32_t v) {
    b->buf[at] = (uint8_t)(v >> 24), b->buf[at + 1] = (uint8_t)(v >> 16);
    b->buf[at + 2] = (uint8_t)(v >> 8), b->buf[at + 3] = (uint8_t)v;
}
static void pad4(bytes *b) { while (b->len % 4) put8(b, 0); }

/* A minimal little-endian TIFF/EXIF stream (what follows "Exif\0\0" in
 * APP1): IFD0 with ImageDescription, Orientation and Software. */
static void build_exif(bytes *b, int orientation) {
    static const char desc[] = "zeropix sample: synthetic landscape";
    static const char soft[] = "zeropix make_samples";
    const unsigned n = 3;
    const uint32_t data_at = 8 + 2 + n * 12 + 4; /* strings after the IFD */
    b->len = 0;
    put8(b, 'I'); put8(b, 'I'); put16le(b, 42); /* little-endian TIFF */
    put32le(b, 8);    /* IFD0 offset */
    put16le(b, n);
    /* entries sorted by tag: tag, type (2 ASCII, 3 SHORT), count, value */
    put16le(b, 0x010e); put16le(b, 2); put32le(b, sizeof desc); put32le(b, data_at);
    put16le(b, 0x0112); put16le(b, 3); put32le(b, 1); put16le(b, (unsigned)orientation); put16le(b, 0);
    put16le(b, 0x0131); put16le(b, 2); put32le(b, sizeof soft); put32le(b, data_at + sizeof desc);
    put32le(b, 0);    /* no next IFD */
    memcpy(b->buf + b->len, desc, sizeof desc), b->len += sizeof desc;
    memcpy(b->buf + b->len, soft, sizeof soft), b->len += sizeof soft;
}

/* s15Fixed16 */
static uint32_t fix16(double v) { return (uint32_t)(int32_t)lround(v * 65536.0); }

/* A small but complete ICC v2 display profile: sRGB primaries (adapted to
 * D50, as ICC requires) with a plain gamma 2.2 curve. Tags: desc, cprt,
 * wtpt, rXYZ, gXYZ, bXYZ, rTRC, gTRC, bTRC (the three TRCs share data). */
static void build_icc(bytes *b) {
    static const char *sigs[] = {"desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ",
                                 "rTRC", "gTRC", "bTRC"};
    static const double xyz[4][3] = {
        {0.9642, 1.0000, 0.8249}, /* wtpt (D50) */
        {0.4361, 0.2225, 0.0139}, /* rXYZ */
        {0.3851, 0.7169, 0.0971}, /* gXYZ */
        {0.1431, 0.0606, 0.7141}, /* bXYZ */
    };
    static const char desc[] = "zeropix sample sRGB-like (gamma 2.2)";
    static const char cprt[] = "No copyright, use freely (CC0)";
    const unsigned ntags = 9;
    size_t at[9], size[9];

    b->len = 0;
    /* 128-byte header; the size is patched at the end. */
    put32be(b, 0);                /* profile size */
    put32be(b, 0);                /* preferred CMM */
    put32be(b, 0x02100000);       /* version 2.1 */
    putsig(b, "mntr"); putsig(b, "RGB "); putsig(b, "XYZ ");
    put16le(b, 0); put16le(b, 0); put16le(b, 0); /* date: all zero is allowed */
    put16le(b, 0); put16le(b, 0); put16le(b, 0);
    putsig(b, "acsp");
    put32be(b, 0); put32be(b, 0); put32be(b, 0); put32be(b, 0); /* platform..model */
    put32be(b, 0); put32be(b, 0); /* attributes */
    put32be(b, 0);                /* perceptual intent */
    put32be(b, fix16(0.9642)); put32be(b, fix16(1.0)); put32be(b, fix16(0.8249));
    put32be(b, 0);                /* creator */
    while (b->len < 128) put8(b, 0); /* profile ID (zero: not computed) + reserved */

    put32be(b, ntags);
    size_t table = b->len;
    for (unsigned i = 0; i < ntags; i++) { put32be(b, 0); put32be(b, 0); put32be(b, 0); }

    /* desc: textDescriptionType */
    at[0] = b->len;
    putsig(b, "desc"); put32be(b, 0); put32be(b, sizeof desc);
    memcpy(b->buf + b->len, desc, sizeof desc), b->len += sizeof desc;
    put32be(b, 0); put32be(b, 0);          /* Unicode: language, count */
    put16le(b, 0); put8(b, 0);             /* ScriptCode: code, count */
    for (int i = 0; i < 67; i++) put8(b, 0);
    size[0] = b->len - at[0];
    pad4(b);
    /* cprt: textType */
    at[1] = b->len;
    putsig(b, "text"); put32be(b, 0);
    memcpy(b->buf + b->len, cprt, sizeof cprt), b->len += sizeof cprt;
    size[1] = b->len - at[1];
    pad4(b);
    /* wtpt, rXYZ, gXYZ, bXYZ: XYZType */
    for (int t = 0; t < 4; t++) {
        at[2 + t] = b->len;
        putsig(b, "XYZ "); put32be(b, 0);
        for (int k = 0; k < 3; k++) put32be(b, fix16(xyz[t][k]));
        size[2 + t] = b->len - at[2 + t];
    }
    /* rTRC = gTRC = bTRC: curveType with one gamma (u8Fixed8Number) */
    at[6] = at[7] = at[8] = b->len;
    putsig(b, "curv"); put32be(b, 0); put32be(b, 1);
    put8(b, 2); put8(b, 0x33); /* 2.2 = 0x0233 */
    size[6] = size[7] = size[8] = b->len - at[6];
    pad4(b);

    for (unsigned i = 0; i < ntags; i++) {
        memcpy(b->buf + table + 12 * i, sigs[i], 4);
        set32be(b, table + 12 * i + 4, (uint32_t)at[i]);
        set32be(b, table + 12 * i + 8, (uint32_t)size[i]);
    }
    set32be(b, 0, (uint32_t)b->len);
}

/* ---- photo.jpg: the scene ---------------------------------------------------- */

/* Height of a mountain ridge at column u (0..1), as a fraction of the image
 * height from the top: a sum of sines looks enough like rock. */
static double ridge(double u, double base, double amp, double phase) {
    return base - amp * (0.55 * sin(u * 7.1 + phase) + 0.3 * sin(u * 17.3 + 2 * phase) +
                         0.15 * sin(u * 41.0 + 3 * phase));
}

/* Paint the upright portrait scene (width w, height h) into `v`, which may
 * be any view of that size: here, the un-oriented view of the stored image. */
static void paint_scene(const zp_view *v, int w, int h) {
    const double sun_x = 0.28 * w, sun_y = 0.16 * h, sun_r = 0.07 * w;
    for (int y = 0; y < h; y++) {
        double t = y / (double)(h - 1);
        for (int x = 0; x < w; x++) {
            double u = x / (double)(w - 1), r, g, b;
            double far = ridge(u, 0.50, 0.07, 0.4), near = ridge(u, 0.60, 0.05, 2.1);
            const double lake = 0.66, shore = 0.80;

            if (t < far) {
                /* Sky: deep blue at the top to a warm haze at the horizon. */
                double s = t / 0.5;
                r = mix(0.18, 0.95, s * s), g = mix(0.35, 0.85, s), b = mix(0.75, 0.80, s);
                /* Sun disc and glow. */
                double d = hypot(x - sun_x, y - sun_y);
                double glow = exp(-d / (2.5 * sun_r)) * 0.6;
                r += glow, g += glow * 0.85, b += glow * 0.5;
                double disc = clamp01(sun_r + 0.5 - d);
                r = mix(r, 1.0, disc), g = mix(g, 0.97, disc), b = mix(b, 0.85, disc);
            } else if (t < near) {
                /* Far mountains: blue-grey, lighter with haze near the foot. */
                double s = (t - far) / 0.2;
                r = mix(0.35, 0.55, s), g = mix(0.40, 0.60, s), b = mix(0.55, 0.68, s);
                r += 0.04 * sin(u * 90 + t * 40);
            } else if (t < lake) {
                /* Near hills: dark green. */
                double s = (t - near) / (lake - near + 1e-9);
                r = mix(0.12, 0.20, s), g = mix(0.28, 0.38, s), b = mix(0.15, 0.20, s);
                r += 0.05 * sin(u * 230) * sin(t * 310);
                g += 0.05 * sin(u * 230) * sin(t * 310);
            } else if (t < shore) {
                /* Lake: the sky mirrored (haze at the far shore, blue near
                 * us), darker, with ripples. */
                double s = 1.0 - 0.85 * (t - lake) / (shore - lake);
                double ripple = 0.025 * sin(t * 700 + 3 * sin(u * 25));
                r = 0.75 * mix(0.18, 0.95, s * s) + ripple;
                g = 0.75 * mix(0.35, 0.85, s) + ripple;
                b = 0.80 * mix(0.75, 0.80, s) + ripple;
                double d = fabs(x - sun_x) / sun_r;
                double glint = exp(-d * d) * smoothstep(shore, lake, t) * 0.5 *
                               (0.5 + 0.5 * sin(t * 1400));
                r += glint, g += glint * 0.9, b += glint * 0.6;
            } else {
                /* Meadow: yellow-green, darker and more textured near us. */
                double s = (t - shore) / (1 - shore);
                r = mix(0.45, 0.25, s), g = mix(0.55, 0.40, s), b = mix(0.18, 0.10, s);
                double blade = 0.08 * s * sin(x * 1.7 + 5 * sin(y * 0.21));
                r += blade, g += blade;
            }
            /* Film-like grain, light enough to keep the file small. */
            double n = 0.012 * noise();
            uint8_t *p = zp_view_pixel(v, x, y);
            p[0] = to_u8(r + n), p[1] = to_u8(g + n), p[2] = to_u8(b + n);
        }
    }
}

static int make_photo(const char *path) {
    const int stored_w = 640, stored_h = 480, orientation = 6;
    zp_view stored, upright;
    zp_status st = zp_view_alloc(stored_w, stored_h, 3, ZP_U8, &stored);
    if (st) return report(path, st);
    /* Orientation 6: "turn the stored pixels 90 degrees clockwise to show
     * them". The oriented view over the stored buffer is the upright
     * picture; painting through it stores the pixels the way a camera held
     * sideways records them. No copy, no rotation code here. */
    st = zp_view_orient(&stored, orientation, &upright);
    if (st) {
        zp_view_release(&stored);
        return report(path, st);
    }
    paint_scene(&upright, upright.width, upright.height);
    zp_view_release(&upright);

    bytes exif, icc;
    build_exif(&exif, orientation);
    build_icc(&icc);
    zp_metadata meta = {icc.buf, icc.len, exif.buf, exif.len}; /* borrowed */
    zp_encode_options opt;
    zp_encode_options_init(&opt);
    opt.quality = 90;
    st = zp_image_encode_file(&stored, &meta, path, &opt);
    zp_view_release(&stored);
    return st ? report(path, st) : 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "Usage: %s OUTDIR\n"
                "Writes gradient.png, photo.jpg and gray16.png into OUTDIR.\n",
                argc ? argv[0] : "zeropix_make_samples");
        return 2;
    }
    static const struct { const char *name; int (*make)(const char *path); } samples[] = {
        {"gradient.png", make_gradient},
        {"photo.jpg", make_photo},
        {"gray16.png", make_gray16},
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        char path[4096];
        int n = snprintf(path, sizeof path, "%s/%s", argv[1], samples[i].name);
        if (n < 0 || (size_t)n >= sizeof path) {
            fprintf(stderr, "make_samples: %s: path too long\n", argv[1]);
            return 1;
        }
        if (samples[i].make(path)) failed = 1;
        else printf("wrote %s\n", path);
    }
    return failed;
}
