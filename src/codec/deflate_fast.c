/* deflate_fast.c: the fast deflate block encoder (see deflate_fast.h):
 * literals and byte runs, one dynamic Huffman table per segment. */
#include <stdlib.h>
#include <string.h>
#include "deflate_fast.h"

/* A run of one byte shorter than this is sent as literals: on filtered
 * photographs a length code costs more than 3 short literal codes
 * (measured, bench/README.md). */
#define MIN_RUN 4
#define MAX_RUN 258
/* Input is coded in segments of at most this many bytes, each its own
 * block: run positions fit 32 bits and the scratch stays bounded. */
#define SEGMENT ((size_t)1 << 22)
#define STORED_MAX 65535u

#define NUM_LITLEN 286
#define NUM_CODELEN 19

/* ---- Bit writer: LSB first, as deflate wants ----------------------------- */

typedef struct bitw {
    uint8_t *p;
    uint64_t buf;
    unsigned n; /* bits in buf: < 8 after flush() */
} bitw;

/* Add `n` bits (none set at or above n); at most 56 between flushes. */
static inline void add(bitw *w, uint64_t bits, unsigned n) {
    w->buf |= bits << w->n;
    w->n += n;
}

/* Write the whole bytes: always 8 bytes stored (the bound has the slack),
 * the pointer moves by the complete ones. */
static inline void flush(bitw *w) {
    uint64_t b = w->buf;
    for (int i = 0; i < 8; i++) w->p[i] = (uint8_t)(b >> (8 * i)); /* one store on x86 */
    w->p += w->n >> 3;
    w->buf = (w->n >> 3) == 8 ? 0 : w->buf >> (w->n & ~7u);
    w->n &= 7;
}

static inline void put(bitw *w, uint64_t bits, unsigned n) {
    add(w, bits, n);
    flush(w);
}

/* Pad with zero bits to a byte boundary. */
static void align(bitw *w) {
    flush(w);
    if (w->n) *w->p++ = (uint8_t)w->buf;
    w->buf = 0;
    w->n = 0;
}

/* Stored blocks for in[0..n) (n may be 0: one empty block). */
static void put_stored(bitw *w, const uint8_t *in, size_t n, int last) {
    do {
        unsigned len = n > STORED_MAX ? STORED_MAX : (unsigned)n;
        put(w, (last && len == n) ? 1u : 0u, 3); /* BFINAL, BTYPE 00 */
        align(w);
        w->p[0] = (uint8_t)len;
        w->p[1] = (uint8_t)(len >> 8);
        w->p[2] = (uint8_t)~len;
        w->p[3] = (uint8_t)(~len >> 8);
        memcpy(w->p + 4, in, len);
        w->p += 4 + len;
        in += len;
        n -= len;
    } while (n > 0);
}

static size_t stored_bytes(size_t n) {
    size_t blocks = n ? (n + STORED_MAX - 1) / STORED_MAX : 1;
    return n + 5 * blocks + 1; /* +1: the header bits may need a byte of their own */
}

/* ---- Huffman codes ----------------------------------------------------------- */

typedef struct leaf {
    uint32_t freq;
    uint16_t sym;
} leaf;

static int leaf_order(const void *a, const void *b) {
    const leaf *x = a, *y = b;
    if (x->freq != y->freq) return x->freq < y->freq ? -1 : 1;
    return x->sym < y->sym ? -1 : x->sym > y->sym;
}

/* Code lengths of at most `maxbits` bits for symbols 0..n-1 (n <= 288): a
 * Huffman code, built again on flattened frequencies while it is too deep
 * (all-equal frequencies give depth ceil(log2 n), so this ends). Unused
 * symbols get 0; a lone symbol gets a 1-bit partner, so that every code is
 * complete (some decoders reject incomplete ones). */
static void huff_lengths(const uint32_t *freq, int n, int maxbits, uint8_t *len) {
    leaf leaves[288];
    uint32_t w[2 * 288];
    int parent[2 * 288];
    uint8_t depth[2 * 288];
    int m = 0;
    memset(len, 0, (size_t)n);
    for (int s = 0; s < n; s++)
        if (freq[s]) leaves[m++] = (leaf){freq[s], (uint16_t)s};
    if (m == 0) return;
    if (m == 1) {
        len[leaves[0].sym] = 1;
        len[leaves[0].sym == 0 ? 1 : 0] = 1;
        return;
    }
    qsort(leaves, (size_t)m, sizeof leaves[0], leaf_order);
    for (unsigned shift = 0;; shift++) {
        /* Shifting keeps the order, so the leaves stay sorted. */
        for (int i = 0; i < m; i++) w[i] = ((leaves[i].freq - 1) >> shift) + 1;
        int lf = 0, node = m, next = m;
        for (int k = 0; k < m - 1; k++) {
            int a, b;
            a = (lf < m && (node >= next || w[lf] <= w[node])) ? lf++ : node++;
            b = (lf < m && (node >= next || w[lf] <= w[node])) ? lf++ : node++;
            w[next] = w[a] + w[b];
            parent[a] = parent[b] = next++;
        }
        int root = 2 * m - 2, deepest = 0;
        depth[root] = 0;
        for (int k = root - 1; k >= 0; k--) {
            depth[k] = (uint8_t)(depth[parent[k]] + 1);
            if (k < m && depth[k] > deepest) deepest = depth[k];
        }
        if (deepest <= maxbits) {
            for (int i = 0; i < m; i++) len[leaves[i].sym] = depth[i];
            return;
        }
    }
}

/* Canonical codes (RFC 1951 3.2.2), bit-reversed for the LSB-first writer. */
static void huff_codes(const uint8_t *len, int n, uint16_t *code) {
    unsigned count[16] = {0}, next[16];
    for (int s = 0; s < n; s++) count[len[s]]++;
    count[0] = 0;
    unsigned c = 0;
    for (int bits = 1; bits < 16; bits++) {
        c = (c + count[bits - 1]) << 1;
        next[bits] = c;
    }
    for (int s = 0; s < n; s++) {
        code[s] = 0;
        if (!len[s]) continue;
        unsigned v = next[len[s]]++, r = 0;
        for (int b = 0; b < len[s]; b++) r = r << 1 | ((v >> b) & 1);
        code[s] = (uint16_t)r;
    }
}

/* ---- Run detection -------------------------------------------------------------- */

/* Length of the run of `v` starting at p, at most `max` bytes. */
static size_t run_length(const uint8_t *p, size_t max, uint8_t v) {
    size_t l = 0;
    while (l < max && p[l] == v) l++;
    return l;
}

/* First i in [i, n) where a run may start: in[i .. i + MIN_RUN) all equal
 * in[i - 1] (i >= 1); n when there is none. Photos filtered have many
 * equal neighbours but few runs, so this looks for MIN_RUN equal pairs at
 * once: eight pairs per load, windows overlapping by MIN_RUN - 1 bytes so
 * that no run is missed between them. */
static size_t next_run(const uint8_t *in, size_t i, size_t n) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    MIN_RUN == 4
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7fu;
    while (i + 8 <= n) {
        uint64_t a, b;
        memcpy(&a, in + i, 8);
        memcpy(&b, in + i - 1, 8);
        uint64_t x = a ^ b;
        uint64_t z = ~(((x & low7) + low7) | x | low7); /* 0x80 in each zero byte */
        uint64_t m = z & (z >> 8) & (z >> 16) & (z >> 24);
        if (m) return i + ((size_t)__builtin_ctzll(m) >> 3);
        i += 8 - (MIN_RUN - 1);
    }
#endif
    for (; i + MIN_RUN <= n; i++) {
        size_t k = 0;
        while (k < MIN_RUN && in[i + k] == in[i - 1]) k++;
        if (k == MIN_RUN) return i;
    }
    return n;
}

/* ---- One segment: a dynamic block (or stored blocks if smaller) -------------- */

typedef struct run {
    uint32_t pos, len;
} run;

static const uint8_t codelen_order[NUM_CODELEN] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                   11, 4,  12, 3, 13, 2, 14, 1, 15};

/* Length L (3..258) -> symbol index 0..28 and its extra bits. */
typedef struct len_table {
    uint8_t sym[MAX_RUN + 1];
    uint8_t extra_bits[29];
    uint16_t base[29];
} len_table;

static void len_table_init(len_table *t) {
    static const uint16_t base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                      31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    for (int s = 0; s < 29; s++) {
        t->base[s] = base[s];
        t->extra_bits[s] = (uint8_t)(s < 8 || s == 28 ? 0 : (s - 4) / 4);
    }
    for (int s = 0; s < 29; s++) {
        int end = s == 28 ? MAX_RUN + 1 : base[s + 1];
        for (int l = base[s]; l < end && l <= MAX_RUN; l++) t->sym[l] = (uint8_t)s;
    }
}

/* The code-length sequence of a block, run-length coded with symbols
 * 16 (repeat previous 3..6), 17 (zeros 3..10) and 18 (zeros 11..138). */
typedef struct cl_seq {
    uint8_t sym[NUM_LITLEN + 32];
    uint8_t extra[NUM_LITLEN + 32];
    int n;
} cl_seq;

static void cl_encode(const uint8_t *lens, int n, cl_seq *q) {
    q->n = 0;
    for (int i = 0; i < n;) {
        uint8_t v = lens[i];
        int r = 1;
        while (i + r < n && lens[i + r] == v) r++;
        i += r;
        if (v == 0) {
            while (r >= 11) {
                int k = r > 138 ? 138 : r;
                q->sym[q->n] = 18, q->extra[q->n++] = (uint8_t)(k - 11), r -= k;
            }
            if (r >= 3) q->sym[q->n] = 17, q->extra[q->n++] = (uint8_t)(r - 3), r = 0;
        } else {
            q->sym[q->n] = v, q->extra[q->n++] = 0, r--;
            while (r >= 3) {
                int k = r > 6 ? 6 : r;
                q->sym[q->n] = 16, q->extra[q->n++] = (uint8_t)(k - 3), r -= k;
            }
        }
        while (r-- > 0) q->sym[q->n] = v, q->extra[q->n++] = 0;
    }
}

static const uint8_t cl_extra_bits[NUM_CODELEN] = {[16] = 2, [17] = 3, [18] = 7};

static void encode_segment(const uint8_t *in, size_t m, int last, run *runs, const len_table *lt,
                           bitw *w) {
    uint32_t hist[4][256];
    uint32_t freq[NUM_LITLEN] = {0};
    memset(hist, 0, sizeof hist);

    /* Histogram of every byte (four tables: no store-to-load stalls). */
    size_t i = 0;
    for (; i + 4 <= m; i += 4) {
        hist[0][in[i]]++;
        hist[1][in[i + 1]]++;
        hist[2][in[i + 2]]++;
        hist[3][in[i + 3]]++;
    }
    for (; i < m; i++) hist[0][in[i]]++;
    for (int s = 0; s < 256; s++) freq[s] = hist[0][s] + hist[1][s] + hist[2][s] + hist[3][s];

    /* Runs: the bytes after a byte that repeat it. Their bytes leave the
     * literal counts and become one length code each (distance 1). */
    size_t nruns = 0;
    for (i = 1; i < m;) {
        i = next_run(in, i, m);
        if (i >= m) break;
        uint8_t v = in[i - 1];
        size_t l = run_length(in + i, m - i < MAX_RUN ? m - i : MAX_RUN, v);
        runs[nruns++] = (run){(uint32_t)i, (uint32_t)l};
        freq[v] -= (uint32_t)l;
        freq[257 + lt->sym[l]]++;
        i += l;
    }
    freq[256] = 1; /* end of block */

    uint8_t lens[NUM_LITLEN + 2];
    uint16_t codes[NUM_LITLEN];
    huff_lengths(freq, NUM_LITLEN, 15, lens);
    huff_codes(lens, NUM_LITLEN, codes);
    int hlit = NUM_LITLEN;
    while (hlit > 257 && lens[hlit - 1] == 0) hlit--;
    /* Two distance codes of one bit: distance 1 is code "0". A complete
     * code even when no run uses it. */
    lens[hlit] = 1;
    lens[hlit + 1] = 1;

    cl_seq q;
    cl_encode(lens, hlit + 2, &q);
    uint32_t cl_freq[NUM_CODELEN] = {0};
    for (int k = 0; k < q.n; k++) cl_freq[q.sym[k]]++;
    uint8_t cl_len[NUM_CODELEN];
    uint16_t cl_code[NUM_CODELEN];
    huff_lengths(cl_freq, NUM_CODELEN, 7, cl_len);
    huff_codes(cl_len, NUM_CODELEN, cl_code);
    int hclen = NUM_CODELEN;
    while (hclen > 4 && cl_len[codelen_order[hclen - 1]] == 0) hclen--;

    /* Exact size of the dynamic block, to fall back to stored blocks. */
    uint64_t bits = 3 + 5 + 5 + 4 + 3u * (unsigned)hclen;
    for (int k = 0; k < q.n; k++) bits += cl_len[q.sym[k]] + cl_extra_bits[q.sym[k]];
    for (int s = 0; s < 257; s++) bits += (uint64_t)freq[s] * lens[s];
    for (int s = 0; s < 29; s++)
        bits += (uint64_t)freq[257 + s] * (lens[257 + s] + lt->extra_bits[s] + 1u);
    if (bits / 8 + 1 >= stored_bytes(m)) {
        put_stored(w, in, m, last);
        return;
    }

    put(w, last ? 1u : 0u, 1);
    put(w, 2, 2); /* BTYPE 10: dynamic Huffman */
    put(w, (uint64_t)(hlit - 257), 5);
    put(w, 1, 5); /* HDIST: 2 codes */
    put(w, (uint64_t)(hclen - 4), 4);
    for (int k = 0; k < hclen; k++) put(w, cl_len[codelen_order[k]], 3);
    for (int k = 0; k < q.n; k++) {
        put(w, cl_code[q.sym[k]], cl_len[q.sym[k]]);
        if (cl_extra_bits[q.sym[k]]) put(w, q.extra[k], cl_extra_bits[q.sym[k]]);
    }

    size_t pos = 0;
    for (size_t r = 0; r <= nruns; r++) {
        size_t end = r < nruns ? runs[r].pos : m;
        /* Three literals per flush: at most 45 bits. */
        for (; pos + 3 <= end; pos += 3) {
            uint8_t a = in[pos], b = in[pos + 1], c = in[pos + 2];
            add(w, codes[a], lens[a]);
            add(w, codes[b], lens[b]);
            add(w, codes[c], lens[c]);
            flush(w);
        }
        for (; pos < end; pos++) put(w, codes[in[pos]], lens[in[pos]]);
        if (r < nruns) {
            unsigned l = runs[r].len, s = lt->sym[l], eb = lt->extra_bits[s];
            unsigned sym = 257 + s, n = lens[sym];
            /* length code, extra bits, then distance code "0" (1 bit) */
            put(w, codes[sym] | (uint64_t)(l - lt->base[s]) << n, n + eb + 1);
            pos += l;
        }
    }
    put(w, codes[256], lens[256]);
}

/* ---- Entry points --------------------------------------------------------------------- */

size_t zp__deflate_fast_bound(size_t n) {
    size_t segments = n / SEGMENT + 1;
    return stored_bytes(n) + segments * 6 + 16 + 8; /* + 8: flush() stores 8 bytes */
}

size_t zp__deflate_fast_scratch(size_t n) {
    size_t seg = n < SEGMENT ? n : SEGMENT;
    return 2 * (seg / MIN_RUN + 1);
}

size_t zp__deflate_fast(const uint8_t *in, size_t n, int last, uint32_t *scratch, uint8_t *out) {
    len_table lt;
    len_table_init(&lt);
    bitw w = {out, 0, 0};
    size_t done = 0;
    do {
        size_t m = n - done < SEGMENT ? n - done : SEGMENT;
        encode_segment(in + done, m, last && done + m == n, (run *)(void *)scratch, &lt, &w);
        done += m;
    } while (done < n);
    if (!last && w.n) {
        put(&w, 0, 3); /* an empty stored block: back on a byte boundary */
        align(&w);
        memcpy(w.p, "\0\0\xff\xff", 4);
        w.p += 4;
    }
    align(&w);
    return (size_t)(w.p - out);
}
