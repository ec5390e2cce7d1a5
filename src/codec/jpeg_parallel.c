/* jpeg_parallel.c: Huffman decoding of one baseline JPEG scan on several
 * threads (speculative starts, resynchronisation by bit position), as
 * described in jpeg_parallel.h. */
#define _DEFAULT_SOURCE /* madvise */
#include "jpeg_parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

size_t zp__jpeg_par_min_bytes = (size_t)1 << 20;
atomic_ulong zp__jpeg_par_scans;

#if defined(__GNUC__)
#  define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#  define ALWAYS_INLINE inline
#endif

#define LOOKAHEAD 10        /* bits of the direct Huffman lookup          */
#define MAX_THREADS 16
#define MAX_CANDIDATES 1024 /* MCU starts a speculative thread offers     */
#define MCU_RECORD_MAX (2 + 1 + 63 * 5) /* bytes one block may record     */
#define RECORD_STEP ((size_t)1 << 20)   /* records count against the cap
                                           in steps of this many bytes   */

/* ---- Huffman tables (JPEG Annex C, built as libjpeg builds them) ---------- */

/* fast[] entries, indexed by the next LOOKAHEAD bits: 0 when the code is
 * longer; else bits 0-4 the bits to drop, bits 8-15 the symbol and, with
 * FAST_WHOLE, the value that follows the code was within the LOOKAHEAD
 * bits too: the bits to drop include it and bits 16-31 hold it, signed
 * (0 for a symbol of size 0). */
#define FAST_WHOLE 0x20

typedef struct htable {
    int32_t fast[1 << LOOKAHEAD];
    int32_t maxcode[18];           /* largest code of each length; -1: none  */
    int32_t valoffset[18];
    uint8_t huffval[256];
} htable;

/* 0 when libjpeg would reject the table (it has, by now, so this is only
 * belt and braces for the array bounds below). */
static int build_table(const JHUFF_TBL *src, int is_dc, htable *t) {
    if (!src) return 0;
    uint8_t size[257];
    uint32_t code[257];
    int p = 0;
    for (int l = 1; l <= 16; l++)
        for (int i = 0; i < src->bits[l]; i++) {
            if (p >= 256) return 0;
            size[p++] = (uint8_t)l;
        }
    size[p] = 0;
    const int count = p;
    uint32_t c = 0;
    int si = count ? size[0] : 0;
    for (p = 0; size[p];) {
        while (size[p] == si) code[p++] = c++;
        if (c >= (1u << si)) return 0; /* more codes than the length allows */
        c <<= 1;
        si++;
    }
    p = 0;
    for (int l = 1; l <= 16; l++) {
        if (src->bits[l]) {
            t->valoffset[l] = p - (int32_t)code[p];
            p += src->bits[l];
            t->maxcode[l] = (int32_t)code[p - 1];
        } else {
            t->maxcode[l] = -1;
        }
    }
    t->maxcode[17] = INT32_MAX;
    t->valoffset[17] = 0;
    memcpy(t->huffval, src->huffval, sizeof t->huffval);
    for (int i = 0; is_dc && i < count; i++)
        if (src->huffval[i] > 15) return 0;
    memset(t->fast, 0, sizeof t->fast);
    p = 0;
    for (int l = 1; l <= LOOKAHEAD; l++)
        for (int i = 0; i < src->bits[l]; i++, p++) {
            const int sym = src->huffval[p], s = sym & 15;
            uint32_t first = code[p] << (LOOKAHEAD - l);
            for (uint32_t k = 0; k < (1u << (LOOKAHEAD - l)); k++) {
                int32_t e = sym << 8 | l;
                if (l + s <= LOOKAHEAD) {
                    /* the value's s bits follow the code's l (Figure F.12) */
                    int v = s ? (int)(k >> (LOOKAHEAD - l - s)) : 0;
                    if (s && v < (1 << (s - 1))) v += 1 - (1 << s);
                    e = (int32_t)((uint32_t)v << 16) | sym << 8 | FAST_WHOLE | (l + s);
                }
                t->fast[first + k] = e;
            }
        }
    return 1;
}

/* ---- Bit reader over the entropy-coded bytes -------------------------------
 * 0xFF 0x00 is a data byte 0xFF (libjpeg also takes 0xFF 0xFF... 0x00 as
 * one); 0xFF then anything else is a marker, where feeding stops: reads
 * past it see zero bits and drive `bits` negative. Positions count data
 * bits fed, so two threads that fed the same bytes agree on them. */
typedef struct bitreader {
    const uint8_t *p, *end;
    uint64_t buf;          /* next bits, most significant first; zeros below */
    int bits;              /* valid bits in buf; < 0: read past the data     */
    int marker;            /* 0; the code of the marker feeding stopped at;
                              -1 at the end of the bytes                     */
    const uint8_t *marker_at; /* its first 0xFF                             */
    uint64_t fed;          /* data bits fed so far                           */
    const uint8_t *mark;   /* a byte whose `fed` count is wanted, or NULL    */
    uint64_t mark_fed;
    int marked;
} bitreader;

static void fill_slow(bitreader *br) {
    while (br->bits <= 56 && !br->marker) {
        const uint8_t *at = br->p;
        if (at >= br->end) {
            br->marker = -1;
            br->marker_at = br->end;
            return;
        }
        unsigned c = *at;
        br->p = at + 1;
        if (c == 0xFF) {
            const uint8_t *q = br->p;
            while (q < br->end && *q == 0xFF) q++;
            if (q >= br->end || *q != 0) {
                br->marker = q >= br->end ? -1 : *q;
                br->marker_at = at;
                br->p = at;
                return;
            }
            br->p = q + 1;
        }
        if (at == br->mark) {
            br->mark_fed = br->fed;
            br->marked = 1;
        }
        br->buf |= (uint64_t)c << (56 - br->bits);
        br->bits += 8;
        br->fed += 8;
    }
}

/* At least 32 bits (or the marker/end) afterwards. */
static inline void fill(bitreader *br) {
    if (br->bits >= 32) return;
    if (br->end - br->p >= 8 && !br->marker) {
        uint64_t v;
        memcpy(&v, br->p, 8);
        v = __builtin_bswap64(v);
        /* no 0xFF byte among the 8: take whole bytes at once */
        if (!((~v - 0x0101010101010101ull) & v & 0x8080808080808080ull)) {
            const int n = (64 - br->bits) >> 3;
            if (br->mark && !br->marked && (size_t)(br->mark - br->p) < (size_t)n) {
                br->mark_fed = br->fed + 8 * (uint64_t)(br->mark - br->p);
                br->marked = 1;
            }
            if (n < 8) v &= ~0ull << (64 - 8 * n);
            br->buf |= v >> br->bits;
            br->p += n;
            br->bits += 8 * n;
            br->fed += 8 * (uint64_t)n;
            return;
        }
    }
    fill_slow(br);
}

/* The decoding loops work on a copy of the reader's bit buffer in local
 * variables, which the compiler keeps in registers: the reader itself,
 * whose address is taken, would be read and written through memory at
 * every code. refill() hands the copy back to the reader when it runs low. */
typedef struct bitwin {
    uint64_t buf;
    int bits;
} bitwin;

static ALWAYS_INLINE void refill(bitwin *win, bitreader *br) {
    if (win->bits >= 32) return;
    br->buf = win->buf;
    br->bits = win->bits;
    fill(br);
    win->buf = br->buf;
    win->bits = br->bits;
}

static inline unsigned peek(const bitwin *win, int n) { return (unsigned)(win->buf >> (64 - n)); }

static inline void drop(bitwin *win, int n) {
    win->buf <<= n;
    win->bits -= n;
}

/* A code longer than LOOKAHEAD bits: its symbol, or -1 for no such code
 * (libjpeg's "bad Huffman code"). */
static int decode_slow(bitwin *win, const htable *t) {
    for (int l = LOOKAHEAD + 1; l <= 16; l++) {
        int32_t code = (int32_t)peek(win, l);
        if (code <= t->maxcode[l]) {
            drop(win, l);
            return t->huffval[(code + t->valoffset[l]) & 0xFF];
        }
    }
    return -1;
}

/* The s-bit value that follows a symbol (Figure F.12), s in 1..15. */
static inline int receive(bitwin *win, int s) {
    int v = (int)peek(win, s);
    drop(win, s);
    return v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
}

/* A symbol and the value after it, into *v (0 for size 0); -1 on a bad
 * code. Needs at least 32 bits in the buffer (refill first). Inlined, so
 * a caller that ignores *v only drops the value's bits. */
static ALWAYS_INLINE int decode_value(bitwin *win, const htable *t, int *v) {
    const int32_t e = t->fast[peek(win, LOOKAHEAD)];
    if (e & FAST_WHOLE) {
        drop(win, e & 31);
        *v = e >> 16;
        return (e >> 8) & 0xFF;
    }
    int sym;
    if (e) {
        drop(win, e & 31);
        sym = (e >> 8) & 0xFF;
    } else if ((sym = decode_slow(win, t)) < 0) {
        return -1;
    }
    *v = sym & 15 ? receive(win, sym & 15) : 0;
    return sym;
}

/* ---- Threads and their records --------------------------------------------- */

typedef struct block_kind {
    const htable *dc, *ac;
    uint64_t need; /* bit k: the scaled IDCT reads the AC of zigzag index k */
} block_kind;

typedef struct candidate {
    uint64_t pos; /* data bits from the thread's start to the MCU's first */
    uint64_t mcu; /* the thread's count of MCUs before it                */
    size_t rec;   /* offset of its record                                */
} candidate;

typedef struct restart {
    uint64_t mcu; /* the RST marker came before this MCU (thread count)  */
    int num;      /* 0..7                                                */
} restart;

struct zp__jpeg_par;

typedef struct worker {
    struct zp__jpeg_par *par;
    int index;
    size_t start;           /* first byte (offset in data)               */
    pthread_t tid;
    int started;
    /* results */
    uint8_t *rec;           /* per block: int16 DC difference; when its
                               kind needs ACs, a count n and n entries
                               (see put_ac)                               */
    size_t rec_len, rec_cap;
    size_t counted;         /* bytes added to par->record_bytes          */
    candidate cand[MAX_CANDIDATES];
    int ncand;
    restart *rst;
    size_t nrst, rst_cap;
    uint64_t mcus;          /* MCUs decoded                              */
    int failed;             /* thread 0 met bad data: the whole run fails */
    int ended;              /* stopped at a marker (or the end) at an MCU start */
    int end_marker;         /* that marker's code; -1: the bytes ended   */
    size_t end_at;          /* offset of its first 0xFF                  */
    int synced;             /* stopped where thread sync_target took over */
    int sync_target, sync_cand;
    int done;               /* results final (under par->mu)             */
} worker;

typedef struct segment { /* MCUs taken from one thread's records      */
    int thread;
    size_t rec;             /* offset of the first one's record          */
    uint64_t count;
} segment;

struct zp__jpeg_par {
    const uint8_t *data;
    size_t size;
    int drop_behind;        /* data is our file mapping: drop read pages  */
    int threads;
    block_kind kind[D_MAX_BLOCKS_IN_MCU];
    int blocks;             /* per MCU                                   */
    size_t record_cap;      /* all threads' records together, at most    */
    atomic_size_t record_bytes;
    atomic_int abort;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    htable tables[2 * NUM_HUFF_TBLS];
    worker w[MAX_THREADS];
    /* the merged result, read by decode_mcu */
    segment *seg;
    size_t nseg, cur;       /* cur: the next segment to read             */
    uint64_t left, mcu;
    const uint8_t *rp;
    unsigned restart_interval;
    int pred[MAX_COMPS_IN_SCAN];
};

/* Room for `need` items of `item` bytes in *array, whose capacity *cap
 * doubles from `first`. 0 when out of memory. */
static int reserve(void *array, size_t *cap, size_t need, size_t item, size_t first) {
    if (need <= *cap) return 1;
    size_t n = *cap ? *cap : first;
    while (n < need) n *= 2;
    void *p = realloc(*(void **)array, n * item);
    if (!p) return 0;
    *(void **)array = p;
    *cap = n;
    return 1;
}

/* Room for records up to `need` bytes. The bytes written count against
 * the run's cap (in steps, so the threads seldom touch the shared count);
 * capacity reserved but not written is address space, not memory. */
static int reserve_records(worker *w, size_t need) {
    zp__jpeg_par *par = w->par;
    if (need > w->counted) {
        size_t step = need - w->counted > RECORD_STEP ? need - w->counted : RECORD_STEP;
        if (atomic_fetch_add(&par->record_bytes, step) + step > par->record_cap) return 0;
        w->counted += step;
    }
    return reserve(&w->rec, &w->rec_cap, need, 1, (size_t)64 << 10);
}

enum { MCU_OK, MCU_BAD, MCU_NOMEM };

/* An AC coefficient's record entry: 16 bits, the zigzag index k (1..63)
 * above a 10-bit value, for values -512..511 (nearly all); else 16 zero
 * bits, then k and the int16 value (5 bytes). */
static inline uint8_t *put_ac(uint8_t *o, int k, int v) {
    if (v >= -512 && v <= 511) {
        const uint16_t e = (uint16_t)(k << 10 | (v & 0x3FF));
        memcpy(o, &e, 2);
        return o + 2;
    }
    const int16_t v16 = (int16_t)v;
    memset(o, 0, 2);
    o[2] = (uint8_t)k;
    memcpy(o + 3, &v16, 2);
    return o + 5;
}

/* The entry at *rp: sets *k and *v, returns the next entry. */
static inline const uint8_t *get_ac(const uint8_t *rp, int *k, int *v) {
    uint16_t e;
    memcpy(&e, rp, 2);
    if (e) {
        *k = e >> 10;
        *v = (int)(e & 0x3FF) - (int)(e & 0x200) * 2;
        return rp + 2;
    }
    int16_t v16;
    memcpy(&v16, rp + 3, 2);
    *k = rp[2];
    *v = v16;
    return rp + 5;
}

/* The AC codes of one block: those whose zigzag index is in `need` are
 * recorded at *out as a count and (zigzag index, int16 value) pairs, the
 * others only skipped. Inlined with `keep` constant (0: need is 0), so the
 * skipping loop tests nothing. 0 on a bad code. */
static ALWAYS_INLINE int decode_acs(bitwin *win, bitreader *br, const htable *ac, uint64_t need, uint8_t **out,
                                    const int keep) {
    uint8_t *o = *out;
    uint8_t *count = keep ? o++ : NULL;
    unsigned n = 0;
    for (int k = 1; k < 64; k++) {
        refill(win, br);
        int v, rs = decode_value(win, ac, &v);
        if (rs < 0) return 0;
        int r = rs >> 4, s = rs & 15;
        if (!s) {
            if (r != 15) break; /* end of block */
            k += 15;
            continue;
        }
        k += r;
        /* past 63 (bad data): libjpeg's natural-order table sends it to the
         * last coefficient, as here */
        const int at = k < 63 ? k : 63;
        if (!keep || !(need >> at & 1)) continue;
        o = put_ac(o, at, v);
        n++;
    }
    if (keep) *count = (uint8_t)n;
    *out = o;
    return 1;
}

/* One MCU into w's records. */
static int decode_one_mcu(worker *w, bitreader *br) {
    zp__jpeg_par *par = w->par;
    if (!reserve_records(w, w->rec_len + (size_t)par->blocks * MCU_RECORD_MAX)) return MCU_NOMEM;
    uint8_t *o = w->rec + w->rec_len;
    bitwin win = {br->buf, br->bits};
    for (int b = 0; b < par->blocks; b++) {
        const block_kind *bk = &par->kind[b];
        refill(&win, br);
        int diff;
        if (decode_value(&win, bk->dc, &diff) < 0) return MCU_BAD;
        const int16_t d16 = (int16_t)diff;
        memcpy(o, &d16, 2);
        o += 2;
        if (!(bk->need ? decode_acs(&win, br, bk->ac, bk->need, &o, 1)
                       : decode_acs(&win, br, bk->ac, 0, &o, 0)))
            return MCU_BAD;
    }
    br->buf = win.buf;
    br->bits = win.bits;
    if (br->bits < 0) return MCU_BAD; /* needed bits past a marker */
    w->rec_len = (size_t)(o - w->rec);
    return MCU_OK;
}

static int add_restart(worker *w, uint64_t mcu, int num) {
    if (!reserve(&w->rst, &w->rst_cap, w->nrst + 1, sizeof *w->rst, 64)) return 0;
    w->rst[w->nrst++] = (restart){mcu, num};
    return 1;
}

static void wait_done(zp__jpeg_par *par, int t) {
    pthread_mutex_lock(&par->mu);
    while (!par->w[t].done) pthread_cond_wait(&par->cv, &par->mu);
    pthread_mutex_unlock(&par->mu);
}

/* The next thread whose start w's reader has not fed yet, from `t` on;
 * threads (-1 when none). */
static int next_target(worker *w, bitreader *br, int t) {
    zp__jpeg_par *par = w->par;
    for (; t < par->threads; t++)
        if (par->data + par->w[t].start >= br->p) {
            br->mark = par->data + par->w[t].start;
            br->marked = 0;
            return t;
        }
    br->mark = NULL;
    br->marked = 0;
    return -1;
}

/* A mapped file's pages count in the process's resident memory until
 * dropped: give back the ones read, in steps of 1 MiB (a later reader
 * faults them in again from the page cache). Returns the new low mark. */
static const uint8_t *drop_pages(const uint8_t *from, const uint8_t *now) {
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), step = (uintptr_t)1 << 20;
    uintptr_t lo = ((uintptr_t)from + page - 1) & ~(page - 1);
    uintptr_t hi = ((uintptr_t)now - 4096) & ~(page - 1);
    if ((uintptr_t)now < 4096 || hi < lo + step) return from;
    (void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
    return (const uint8_t *)hi;
}

static void *worker_main(void *arg) {
    worker *w = arg;
    zp__jpeg_par *par = w->par;
    const int speculative = w->index > 0;
    bitreader br = {0};
    br.p = par->data + w->start;
    br.end = par->data + par->size;
    int target = next_target(w, &br, w->index + 1);
    int target_ready = 0, ci = 0;
    uint64_t mcu = 0;
    const uint8_t *dropped = br.p;
    for (;;) {
        if ((mcu & 255) == 0) {
            if (atomic_load_explicit(&par->abort, memory_order_relaxed)) break;
            if (par->drop_behind) dropped = drop_pages(dropped, br.p);
        }
        fill(&br);
        /* A marker here, with at most padding bits before it. */
        if (br.marker && br.bits < 8) {
            if (br.marker >= 0xD0 && br.marker <= 0xD7) {
                if (!add_restart(w, mcu, br.marker - 0xD0)) {
                    w->failed = 1;
                    break;
                }
                const uint8_t *q = br.marker_at;
                while (*q == 0xFF) q++;
                br.p = q + 1;
                br.buf = 0;
                br.bits = 0;
                br.marker = 0;
                continue;
            }
            w->ended = 1;
            w->end_marker = br.marker;
            w->end_at = (size_t)(br.marker_at - par->data);
            break;
        }
        const uint64_t pos = br.fed - (uint64_t)br.bits;
        if (speculative && w->ncand < MAX_CANDIDATES)
            w->cand[w->ncand++] = (candidate){pos, mcu, w->rec_len};
        /* Past the next thread's start: stop where its decode agrees. */
        while (target >= 0 && br.marked && pos >= br.mark_fed) {
            if (!target_ready) {
                wait_done(par, target);
                target_ready = 1;
                ci = 0;
            }
            const worker *tw = &par->w[target];
            const uint64_t common = pos - br.mark_fed;
            while (ci < tw->ncand && tw->cand[ci].pos < common) ci++;
            if (ci < tw->ncand && tw->cand[ci].pos == common) {
                w->synced = 1;
                w->sync_target = target;
                w->sync_cand = ci;
                goto out;
            }
            if (ci < tw->ncand) break; /* its next candidate is ahead */
            /* passed them all: that thread's work is lost, try the next */
            target = next_target(w, &br, target + 1);
            target_ready = 0;
        }
        int st = decode_one_mcu(w, &br);
        if (st == MCU_OK) {
            mcu++;
            continue;
        }
        if (st == MCU_NOMEM || !speculative) {
            w->failed = 1;
            break;
        }
        /* A speculative start that has not found its feet, or bad data
         * (which then fails the thread that decodes it in true state):
         * start again at the marker, or at the next byte. */
        w->rec_len = 0;
        w->ncand = 0;
        w->nrst = 0;
        mcu = 0;
        br.buf = 0;
        br.bits = 0;
    }
out:
    w->mcus = mcu;
    if (w->failed) atomic_store(&par->abort, 1);
    pthread_mutex_lock(&par->mu);
    w->done = 1;
    pthread_cond_broadcast(&par->cv);
    pthread_mutex_unlock(&par->mu);
    return NULL;
}

/* ---- Set-up, merge --------------------------------------------------------- */

static const uint8_t natural_order[64] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

/* Whether libjpeg's IDCT to `size` x `size` pixels (jidctred.c, and
 * libjpeg-turbo's SIMD versions) reads the coefficient at row r, column c:
 * at 1 only the DC; at 2 rows and columns 0, 1, 3, 5 and 7; at 4 every row
 * but 4, in every column. The 4x4 IDCT's result does not depend on column
 * 4, but the SSE2 one tests all columns of rows 1-7 for zeros to choose a
 * DC-only shortcut that wraps where the full path saturates (a DC far out
 * of range), so column 4 still changes its pixels. */
static int idct_reads(int size, int r, int c) {
    switch (size) {
    case 1: return r == 0 && c == 0;
    case 2: return (r == 0 || (r & 1)) && (c == 0 || (c & 1));
    case 4: return r != 4;
    default: return 1;
    }
}

/* Bit k set: the IDCT to `size` pixels reads the AC of zigzag index k. */
static uint64_t needed_acs(int size) {
    uint64_t need = 0;
    for (int k = 1; k < 64; k++)
        if (idct_reads(size, natural_order[k] >> 3, natural_order[k] & 7))
            need |= (uint64_t)1 << k;
    return need;
}

/* libjpeg's decision (jdhuff.c, start_pass_huff_decoder) of which blocks'
 * ACs it stores, and the tables of each block of an MCU. */
static int setup_blocks(zp__jpeg_par *par, j_decompress_ptr c) {
    par->blocks = c->blocks_in_MCU;
    if (par->blocks < 1 || par->blocks > D_MAX_BLOCKS_IN_MCU) return 0;
    int built[2 * NUM_HUFF_TBLS] = {0};
    for (int b = 0; b < par->blocks; b++) {
        int ci = c->MCU_membership[b];
        if (ci < 0 || ci >= c->comps_in_scan) return 0;
        jpeg_component_info *comp = c->cur_comp_info[ci];
        int dc = comp->dc_tbl_no, ac = comp->ac_tbl_no;
        if (dc < 0 || dc >= NUM_HUFF_TBLS || ac < 0 || ac >= NUM_HUFF_TBLS) return 0;
        if (!built[dc] && !(built[dc] = build_table(c->dc_huff_tbl_ptrs[dc], 1, &par->tables[dc])))
            return 0;
        int at = NUM_HUFF_TBLS + ac;
        if (!built[at] && !(built[at] = build_table(c->ac_huff_tbl_ptrs[ac], 0, &par->tables[at])))
            return 0;
        par->kind[b].dc = &par->tables[dc];
        par->kind[b].ac = &par->tables[at];
        par->kind[b].need = comp->component_needed ? needed_acs(comp->DCT_scaled_size) : 0;
    }
    return 1;
}

static int add_segment(zp__jpeg_par *par, size_t *cap, segment seg) {
    if (!reserve(&par->seg, cap, par->nseg + 1, sizeof *par->seg, 8)) return 0;
    par->seg[par->nseg++] = seg;
    return 1;
}

/* Chain the threads' results from the true start: thread 0, then the one
 * it synchronised with from the matching MCU, and so on. Checks the MCU
 * count, each restart marker's place and number, and a clean end. */
static int merge(zp__jpeg_par *par, j_decompress_ptr c, size_t *end) {
    const uint64_t total = (uint64_t)c->MCUs_per_row * c->MCU_rows_in_scan;
    const uint64_t ri = c->restart_interval;
    uint64_t abs = 0, restarts = 0;
    size_t cap = 0;
    int t = 0;
    uint64_t first = 0;
    size_t rec = 0;
    for (int guard = 0; guard <= par->threads; guard++) {
        const worker *w = &par->w[t];
        if (w->failed || (!w->synced && !w->ended) || w->mcus < first) return 0;
        const uint64_t count = w->mcus - first;
        for (size_t i = 0; i < w->nrst; i++) {
            if (w->rst[i].mcu < first || w->rst[i].mcu >= w->mcus) continue;
            uint64_t at = abs + (w->rst[i].mcu - first);
            if (!ri || at == 0 || at % ri || (uint64_t)w->rst[i].num != ((at / ri - 1) & 7))
                return 0;
            restarts++;
        }
        if (count && !add_segment(par, &cap, (segment){t, rec, count})) return 0;
        abs += count;
        if (!w->synced) {
            if (w->end_marker < 0) return 0; /* the data ended: truncated */
            *end = w->end_at;
            return abs == total && restarts == (ri ? (total - 1) / ri : 0);
        }
        const candidate *cd = &par->w[w->sync_target].cand[w->sync_cand];
        t = w->sync_target;
        first = cd->mcu;
        rec = cd->rec;
    }
    return 0;
}

static void release_workers(zp__jpeg_par *par) {
    for (int i = 0; i < par->threads; i++) {
        free(par->w[i].rec);
        free(par->w[i].rst);
        par->w[i].rec = NULL;
        par->w[i].rst = NULL;
    }
}

void zp__jpeg_par_free(zp__jpeg_par *par) {
    if (!par) return;
    release_workers(par);
    free(par->seg);
    pthread_mutex_destroy(&par->mu);
    pthread_cond_destroy(&par->cv);
    free(par);
}

/* Sequential Huffman, 8-bit, one scan with every component; and output at
 * 1/8 or 1/4 size (DCT_scaled_size 1 or 2 for the largest components),
 * where libjpeg's scaled IDCTs read few of the coefficients (needed_acs):
 * the records are then 0.4 to 1.5 times the scan's size for 4:2:0 photos.
 * At larger scales they would be several times the file, held until
 * libjpeg reads them. */
static int qualifies(j_decompress_ptr c) {
    return c->min_DCT_scaled_size <= 2 && !c->progressive_mode && !c->arith_code && c->data_precision == 8 &&
           c->comps_in_scan == c->num_components && c->Ss == 0 && c->Se == 63 && c->Ah == 0 &&
           c->Al == 0 && !c->buffered_image && c->comps_in_scan <= MAX_COMPS_IN_SCAN;
}

zp__jpeg_par *zp__jpeg_par_run(j_decompress_ptr c, const uint8_t *data, size_t size,
                               size_t start, int mapped, int threads, size_t *end) {
    if (!qualifies(c) || start >= size) return NULL;
    const size_t bytes = size - start;
    size_t min = zp__jpeg_par_min_bytes ? zp__jpeg_par_min_bytes : 1;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    if ((size_t)threads > bytes / min) threads = (int)(bytes / min);
    if (threads < 2) return NULL;
    zp__jpeg_par *par = calloc(1, sizeof *par);
    if (!par) return NULL;
    pthread_mutex_init(&par->mu, NULL);
    pthread_cond_init(&par->cv, NULL);
    par->data = data;
    par->size = size;
    par->drop_behind = mapped;
    par->threads = threads;
    par->restart_interval = c->restart_interval;
    /* Crafted data could make records of up to ~10 bytes per byte; past
     * this cap libjpeg decodes instead. The bench photos need 0.41 times
     * the scan at 1/8, 1.3 to 1.5 times at 1/4. */
    par->record_cap = 2 * bytes + ((size_t)16 << 20);
    if (!setup_blocks(par, c)) {
        zp__jpeg_par_free(par);
        return NULL;
    }
    /* Region starts: never a 0xFF byte or the one after it, so that every
     * thread's first byte is a plain data byte that all readers feed. */
    for (int i = 0; i < threads; i++) {
        size_t s = start + bytes / (size_t)threads * (size_t)i;
        while (i > 0 && s < size && (data[s] == 0xFF || data[s - 1] == 0xFF)) s++;
        par->w[i].par = par;
        par->w[i].index = i;
        par->w[i].start = s;
    }
    int ok = 1;
    for (int i = 1; i < threads; i++) {
        if (pthread_create(&par->w[i].tid, NULL, worker_main, &par->w[i])) {
            /* give up; the threads started may wait for these: mark them */
            atomic_store(&par->abort, 1);
            pthread_mutex_lock(&par->mu);
            for (int j = i; j < threads; j++) par->w[j].failed = par->w[j].done = 1;
            pthread_cond_broadcast(&par->cv);
            pthread_mutex_unlock(&par->mu);
            ok = 0;
            break;
        }
        par->w[i].started = 1;
    }
    if (ok) worker_main(&par->w[0]);
    for (int i = 1; i < threads; i++)
        if (par->w[i].started) pthread_join(par->w[i].tid, NULL);
    if (!ok || !merge(par, c, end)) {
        zp__jpeg_par_free(par);
        return NULL;
    }
    atomic_fetch_add(&zp__jpeg_par_scans, 1);
    return par;
}


/* ---- libjpeg's side ------------------------------------------------------- */

boolean zp__jpeg_par_decode_mcu(zp__jpeg_par *par, j_decompress_ptr c, JBLOCKROW *MCU_data) {
    while (par->left == 0) {
        if (par->cur >= par->nseg) return TRUE; /* more MCUs than counted: zeros */
        const segment *s = &par->seg[par->cur++];
        par->rp = par->w[s->thread].rec + s->rec;
        par->left = s->count;
    }
    if (par->restart_interval && par->mcu && par->mcu % par->restart_interval == 0)
        memset(par->pred, 0, sizeof par->pred);
    const uint8_t *rp = par->rp;
    for (int b = 0; b < par->blocks; b++) {
        int ci = c->MCU_membership[b];
        int16_t diff;
        memcpy(&diff, rp, 2);
        rp += 2;
        /* libjpeg adds in int and lets bad data wrap; so do we, without
         * the undefined behaviour */
        par->pred[ci] = (int)((unsigned)par->pred[ci] + (unsigned)(int)diff);
        JBLOCKROW block = MCU_data ? MCU_data[b] : NULL;
        if (block) (*block)[0] = (JCOEF)par->pred[ci];
        if (par->kind[b].need) {
            unsigned n = *rp++;
            for (unsigned i = 0; i < n; i++) {
                int k, v;
                rp = get_ac(rp, &k, &v);
                if (block) (*block)[natural_order[k]] = (JCOEF)v;
            }
        }
    }
    par->rp = rp;
    par->left--;
    par->mcu++;
    return TRUE;
}
