/* test_exif.c: zp_exif_get_orientation / zp_exif_set_orientation on TIFF
 * blobs built here, little- and big-endian, and on truncated and malformed
 * ones. Every blob under test lives in a malloc block of exactly its size,
 * so ASan reports any read or write past the end. */
#include <stdlib.h>
#include <string.h>
#include "zp_test.h"


/* Layout of the blob make_blob() builds. */
#define IFD0 8
#define N_ENTRIES 4
#define ORIENT_ENTRY (IFD0 + 2 + 2 * 12) /* the third entry */
#define BLOB_SIZE (IFD0 + 2 + N_ENTRIES * 12 + 4 + 8)

/* IFD0 with ImageWidth, Make, Orientation and ExifIFD pointer, then the
 * next-IFD offset and 8 bytes of "value area". `with_orientation` = 0
 * replaces the orientation tag by Software (0x0131). */
static size_t make_blob(uint8_t *b, int big, unsigned orientation, int with_orientation) {
    memset(b, 0, BLOB_SIZE);
    b[0] = b[1] = big ? 'M' : 'I';
    zp_test_put16(b + 2, 42, big);
    zp_test_put32(b + 4, IFD0, big);
    zp_test_put16(b + IFD0, N_ENTRIES, big);
    uint8_t *e = b + IFD0 + 2;
    zp_test_put16(e, 0x0100, big); zp_test_put16(e + 2, 4, big); zp_test_put32(e + 4, 1, big); zp_test_put32(e + 8, 640, big);
    e += 12;
    zp_test_put16(e, 0x010F, big); zp_test_put16(e + 2, 2, big); zp_test_put32(e + 4, 4, big); memcpy(e + 8, "zp!", 4);
    e += 12;
    if (with_orientation) {
        zp_test_put16(e, 0x0112, big); zp_test_put16(e + 2, 3, big); zp_test_put32(e + 4, 1, big);
        zp_test_put16(e + 8, orientation, big);
    } else {
        zp_test_put16(e, 0x0131, big); zp_test_put16(e + 2, 2, big); zp_test_put32(e + 4, 4, big); memcpy(e + 8, "abc", 4);
    }
    e += 12;
    zp_test_put16(e, 0x8769, big); zp_test_put16(e + 2, 4, big); zp_test_put32(e + 4, 1, big);
    zp_test_put32(e + 8, BLOB_SIZE - 8, big);
    return BLOB_SIZE;
}

/* An exact-size heap copy of the first `size` bytes. */
static uint8_t *exact(const uint8_t *src, size_t size) {
    uint8_t *p = malloc(size ? size : 1);
    if (size) memcpy(p, src, size);
    return p;
}

static int get_exact(const uint8_t *src, size_t size) {
    uint8_t *p = exact(src, size);
    int o = zp_exif_get_orientation(p, size);
    free(p);
    return o;
}

/* set on an exact copy; *changed_outside counts bytes changed other than
 * the orientation value field. */
static int set_exact(const uint8_t *src, size_t size, int orientation, int *changed_outside) {
    uint8_t *p = exact(src, size);
    int r = zp_exif_set_orientation(p, size, orientation);
    *changed_outside = 0;
    for (size_t i = 0; i < size; i++)
        if (p[i] != src[i] && !(i >= ORIENT_ENTRY + 8 && i < ORIENT_ENTRY + 12)) (*changed_outside)++;
    free(p);
    return r;
}

static void test_valid(void) {
    uint8_t b[BLOB_SIZE];
    for (int big = 0; big <= 1; big++) {
        for (unsigned o = 1; o <= 8; o++) {
            size_t n = make_blob(b, big, o, 1);
            CHECK(get_exact(b, n) == (int)o);
        }
        /* Rewrite in place, every value to every value. */
        size_t n = make_blob(b, big, 3, 1);
        uint8_t *p = exact(b, n);
        for (int o = 1; o <= 8; o++) {
            CHECK(zp_exif_set_orientation(p, n, o) == 1);
            CHECK(zp_exif_get_orientation(p, n) == o);
            /* Only the value field changes, and it reads as the SHORT o. */
            uint8_t want[BLOB_SIZE];
            make_blob(want, big, (unsigned)o, 1);
            CHECK(memcmp(p, want, n) == 0);
        }
        free(p);

        /* Absent: get 1, set 0 and nothing written. */
        n = make_blob(b, big, 0, 0);
        int outside;
        CHECK(get_exact(b, n) == 1);
        CHECK(set_exact(b, n, 6, &outside) == 0 && outside == 0);

        /* Values outside 1..8 read as 1 but the tag can be repaired. */
        for (unsigned bad = 0; bad < 0x10000; bad += bad < 16 ? 1 : 4093) {
            if (bad >= 1 && bad <= 8) continue;
            n = make_blob(b, big, bad, 1);
            CHECK(get_exact(b, n) == 1);
        }
        n = make_blob(b, big, 0, 1);
        CHECK(set_exact(b, n, 5, &outside) == 1 && outside == 0);

        /* Invalid argument: nothing written. */
        n = make_blob(b, big, 2, 1);
        p = exact(b, n);
        CHECK(zp_exif_set_orientation(p, n, 0) == -1);
        CHECK(zp_exif_set_orientation(p, n, 9) == -1);
        CHECK(memcmp(p, b, n) == 0);
        free(p);

        /* An empty IFD0 at the very end of the blob. */
        uint8_t tiny[10] = {0};
        tiny[0] = tiny[1] = big ? 'M' : 'I';
        zp_test_put16(tiny + 2, 42, big);
        zp_test_put32(tiny + 4, 8, big);
        CHECK(get_exact(tiny, sizeof tiny) == 1);
        CHECK(set_exact(tiny, sizeof tiny, 3, &outside) == 0);
    }
}

static void test_malformed(void) {
    uint8_t b[BLOB_SIZE];
    int outside;
    for (int big = 0; big <= 1; big++) {
        size_t n = make_blob(b, big, 6, 1);

        /* Every truncation: the entry table must fit whole. */
        for (size_t cut = 0; cut <= n; cut++) {
            int fits = cut >= IFD0 + 2 + N_ENTRIES * 12;
            CHECK(get_exact(b, cut) == (fits ? 6 : 1));
            CHECK(set_exact(b, cut, 2, &outside) == (fits ? 1 : -1) && outside == 0);
        }
        CHECK(zp_exif_get_orientation(NULL, 100) == 1);
        CHECK(zp_exif_set_orientation(NULL, 100, 1) == -1);

        struct { const char *what; size_t at; int width; uint32_t value; } bad[] = {
            {"byte order", 0, 1, 'X'},
            {"mixed byte order", 1, 1, big ? 'I' : 'M'},
            {"magic", 2, 2, 43},
            {"IFD0 at the end", 4, 4, BLOB_SIZE},
            {"IFD0 one byte from the end", 4, 4, BLOB_SIZE - 1},
            {"IFD0 far outside", 4, 4, 0xFFFFFFFFu},
            {"IFD0 inside the header", 4, 4, 4},
            {"IFD0 near 2^31", 4, 4, 0x7FFFFFFFu},
            {"huge entry count", IFD0, 2, 0xFFFF},
            {"entry table past the end", IFD0, 2, (BLOB_SIZE - IFD0 - 2) / 12 + 1},
            {"orientation as LONG", ORIENT_ENTRY + 2, 2, 4},
            {"orientation count 2", ORIENT_ENTRY + 4, 4, 2},
            {"orientation count 0", ORIENT_ENTRY + 4, 4, 0},
            {"orientation count huge", ORIENT_ENTRY + 4, 4, 0xFFFFFFFFu},
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            make_blob(b, big, 6, 1);
            if (bad[i].width == 1) b[bad[i].at] = (uint8_t)bad[i].value;
            else if (bad[i].width == 2) zp_test_put16(b + bad[i].at, bad[i].value, big);
            else zp_test_put32(b + bad[i].at, bad[i].value, big);
            int g = get_exact(b, n);
            int s = set_exact(b, n, 3, &outside);
            if (g != 1 || s != -1) fprintf(stderr, "%s (%s): get %d set %d\n", bad[i].what,
                                           big ? "MM" : "II", g, s);
            CHECK(g == 1);
            CHECK(s == -1);
            CHECK(outside == 0);
        }
        /* A pointer in another entry that leads outside is never followed. */
        make_blob(b, big, 7, 1);
        zp_test_put32(b + IFD0 + 2 + 3 * 12 + 8, 0xFFFFFF00u, big);
        CHECK(get_exact(b, n) == 7);
    }
}

/* Random blobs with a valid header, so the walk gets past the first checks:
 * results stay in range, failures write nothing, nothing reads past the
 * end (ASan). */
static void test_random(void) {
    uint32_t seed = 2024;
    for (int k = 0; k < 20000; k++) {
        size_t n = zp_test_rand(&seed) % 64;
        uint8_t *p = malloc(n ? n : 1);
        for (size_t i = 0; i < n; i++) p[i] = (uint8_t)zp_test_rand(&seed);
        if (n >= 8 && (k & 1)) {
            int big = (k >> 1) & 1;
            p[0] = p[1] = big ? 'M' : 'I';
            zp_test_put16(p + 2, 42, big);
            zp_test_put32(p + 4, 8 + zp_test_rand(&seed) % (uint32_t)(n - 7), big);
            uint32_t ifd = big ? (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | p[6] << 8 | p[7]
                               : (uint32_t)p[7] << 24 | (uint32_t)p[6] << 16 | p[5] << 8 | p[4];
            if (ifd + 2 <= n) zp_test_put16(p + ifd, zp_test_rand(&seed) % 5, big);
            if (ifd + 6 <= n && (k & 4)) zp_test_put16(p + ifd + 2, 0x0112, big);
            if (ifd + 8 <= n && (k & 4)) zp_test_put16(p + ifd + 4, 3, big);
        }
        int o = zp_exif_get_orientation(p, n);
        CHECK(o >= 1 && o <= 8);
        uint8_t *copy = exact(p, n);
        int r = zp_exif_set_orientation(p, n, 1 + (int)(zp_test_rand(&seed) % 8));
        CHECK(r >= -1 && r <= 1);
        if (r != 1) CHECK(n == 0 || memcmp(copy, p, n) == 0);
        free(copy);
        free(p);
    }
}

int main(void) {
    test_valid();
    test_malformed();
    test_random();
    return zp_test_finish("test_exif");
}
