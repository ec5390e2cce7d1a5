/* batch_inputs.c: the inputs of `zeropix batch` and their outputs: reading
 * arguments, folders and list files, the base folder, output names,
 * clashes, shards, folder set-up and the completeness test of --skip-existing. */
#define _DEFAULT_SOURCE /* scandir, alphasort, strdup, strndup, getdelim */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "batch.h"

static int out_of_memory(void) {
    fprintf(stderr, "zeropix " BATCH_CMD ": out of memory\n");
    return CLI_EXIT_FAILED;
}

static int add_item(batch_list *list, const char *path) {
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 256;
        batch_item *items = realloc(list->items, cap * sizeof *items);
        if (!items) return out_of_memory();
        list->items = items;
        list->cap = cap;
    }
    batch_item *it = &list->items[list->count];
    memset(it, 0, sizeof *it);
    if (!(it->input = strdup(path))) return out_of_memory();
    list->count++;
    return CLI_CONTINUE;
}

/* ---- Paths ------------------------------------------------------------------ */

static char *join3(const char *a, const char *b, const char *c) {
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);
    if (!s) return NULL;
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

/* `path` made absolute against `cwd` and normalised by its text alone:
 * no "." or ".." components, no doubled or final '/'. The root is "". */
static char *absolute(const char *path, const char *cwd) {
    char *s = path[0] == '/' ? strdup(path) : join3(cwd, "/", path);
    if (!s) return NULL;
    size_t out = 0;
    for (const char *p = s; *p;) {
        while (*p == '/') p++;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0 || (len == 1 && p[0] == '.')) {
            /* nothing */
        } else if (len == 2 && p[0] == '.' && p[1] == '.') {
            while (out > 0 && s[out - 1] != '/') out--;
            if (out > 0) out--; /* the '/' before the dropped component */
        } else {
            s[out++] = '/';
            memmove(s + out, p, len); /* out <= p - s: never overlaps ahead */
            out += len;
        }
        p += len;
    }
    s[out] = '\0';
    return s;
}

/* Length of the longest common prefix of a and b that ends at a component
 * boundary (both folders, without a final '/'). */
static size_t common_folder(const char *a, size_t alen, const char *b) {
    size_t i = 0, last = 0;
    while (i < alen && a[i] && a[i] == b[i]) {
        if (a[i] == '/') last = i;
        i++;
    }
    if ((i == alen || a[i] == '/') && (b[i] == '\0' || b[i] == '/')) return i;
    return last;
}

static int has_image_extension(const char *name) {
    const char *dot = strrchr(name, '.');
    return dot && dot != name && dot[1] && zp_format_from_name(dot + 1) != ZP_FORMAT_UNKNOWN;
}

/* ---- Gathering -------------------------------------------------------------- */

static int not_hidden(const struct dirent *e) {
    return e->d_name[0] != '.'; /* hidden, and our own temporary files */
}

/* Byte order, whatever the locale (alphasort would use strcoll). */
static int by_name(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int walk(batch_list *list, const char *dir) {
    struct dirent **names;
    int n = scandir(dir, &names, not_hidden, by_name);
    if (n < 0) {
        fprintf(stderr, "zeropix: %s: cannot read the folder: %s\n", dir, strerror(errno));
        return CLI_EXIT_FAILED;
    }
    int rc = CLI_CONTINUE;
    for (int i = 0; i < n && rc == CLI_CONTINUE; i++) {
        char *path = join3(dir, "/", names[i]->d_name);
        struct stat st;
        if (!path) {
            rc = out_of_memory();
        } else if (lstat(path, &st) == 0) { /* else gone meanwhile */
            if (S_ISDIR(st.st_mode)) rc = walk(list, path); /* links to folders are not followed */
            else if (has_image_extension(path) &&
                     (S_ISREG(st.st_mode) || /* or a link to a regular file */
                      (S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISREG(st.st_mode))))
                rc = add_item(list, path);
        }
        free(path);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

int batch_add_arg(batch_list *list, const char *path) {
    struct stat st;
    if (path[0] == '\0') return cli_usage(BATCH_CMD, "an INPUT is empty");
    if (cli_is_dash(path))
        return cli_usage(BATCH_CMD, "'-' is not an INPUT here: standard input gives the list "
                         "of inputs (leave out '--' and pipe the paths in)");
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return add_item(list, path);
    char **dirs = realloc(list->dirs, (list->dir_count + 1) * sizeof *dirs);
    if (!dirs) return out_of_memory();
    list->dirs = dirs;
    if (!(list->dirs[list->dir_count] = strdup(path))) return out_of_memory();
    list->dir_count++;
    /* "photos/" and "photos" name the files alike. */
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/') len--;
    char *dir = strndup(path, len);
    if (!dir) return out_of_memory();
    int rc = walk(list, dir);
    free(dir);
    return rc;
}

int batch_add_list(batch_list *list, const char *file, int nul) {
    FILE *f = cli_is_dash(file) ? stdin : fopen(file, "r");
    const char *name = cli_display_name(file, "<stdin>");
    if (!f) {
        fprintf(stderr, "zeropix " BATCH_CMD ": %s: cannot open the list: %s\n", name,
                strerror(errno));
        return CLI_EXIT_USAGE;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = CLI_CONTINUE;
    while (rc == CLI_CONTINUE && (len = getdelim(&line, &cap, nul ? '\0' : '\n', f)) > 0) {
        if (!nul) {
            if (len && line[len - 1] == '\n') line[--len] = '\0';
            if (len && line[len - 1] == '\r') line[--len] = '\0'; /* a list from Windows */
        } else if (len && line[len - 1] == '\0') {
            len--;
        }
        if (len == 0 || line[0] == '\0') continue;
        rc = batch_add_arg(list, line);
    }
    if (rc == CLI_CONTINUE && ferror(f)) {
        fprintf(stderr, "zeropix " BATCH_CMD ": %s: cannot read the list: %s\n", name,
                strerror(errno));
        rc = CLI_EXIT_FAILED;
    }
    free(line);
    if (f != stdin) fclose(f);
    return rc;
}

/* ---- Names ------------------------------------------------------------------ */

static const char *format_extension(zp_format f) {
    return f == ZP_FORMAT_JPEG ? "jpg" : f == ZP_FORMAT_PNG ? "png" : "pnm";
}

/* The output name of one item; NULL with it->name_error set when none can
 * be made, NULL alone when out of memory. */
static char *output_name(batch_item *it, const batch_naming *nm) {
    const char *slash = strrchr(it->rel, '/');
    const char *name = slash ? slash + 1 : it->rel;
    size_t sub_len = slash ? (size_t)(slash - it->rel) + 1 : 0; /* "2023/08/" */
    const char *dot = strrchr(name, '.');
    size_t stem_len = dot && dot != name ? (size_t)(dot - name) : strlen(name);
    const char *ext = dot && dot != name ? dot + 1 : "";

    /* The file name: kept, with the format's extension, or the template's. */
    char file[4096];
    size_t n = 0;
    const char *dir;
    size_t dir_len;
    if (nm->tmpl) {
        const char *tslash = strrchr(nm->tmpl, '/');
        const char *t = tslash ? tslash + 1 : nm->tmpl;
        for (; *t && n < sizeof file - 1; t++) {
            const char *piece = t;
            size_t len = 1;
            if (*t == '%') {
                t++;
                if (*t == 's') piece = name, len = stem_len;
                else if (*t == 'e') piece = ext, len = strlen(ext);
                /* else '%' (checked when the option was read) */
            }
            if (len > sizeof file - 1 - n) len = sizeof file - 1 - n;
            memcpy(file + n, piece, len);
            n += len;
        }
        if (tslash) {
            dir = nm->tmpl, dir_len = (size_t)(tslash - nm->tmpl);
        } else { /* next to the input, as written */
            const char *islash = strrchr(it->input, '/');
            dir = it->input, dir_len = islash ? (size_t)(islash - it->input) : 0;
            sub_len = 0;
            if (islash && dir_len == 0) dir_len = 1; /* "/x.jpg" */
        }
    } else {
        if (nm->format) n = (size_t)snprintf(file, sizeof file, "%.*s.%s", (int)stem_len, name,
                                              format_extension(nm->format));
        else n = (size_t)snprintf(file, sizeof file, "%s", name);
        dir = nm->out_dir, dir_len = strlen(nm->out_dir);
    }
    if (n >= sizeof file - 1) {
        it->name_error = strdup("the output name would be too long");
        return NULL;
    }
    file[n] = '\0';
    while (dir_len > 1 && dir[dir_len - 1] == '/') dir_len--;

    size_t total = dir_len + 1 + sub_len + n + 1;
    char *out = malloc(total);
    if (!out) return NULL;
    if (dir_len == 1 && dir[0] == '/')
        snprintf(out, total, "/%.*s%s", (int)sub_len, it->rel, file);
    else if (dir_len)
        snprintf(out, total, "%.*s/%.*s%s", (int)dir_len, dir, (int)sub_len, it->rel, file);
    else
        snprintf(out, total, "%.*s%s", (int)sub_len, it->rel, file);

    it->format = nm->format ? nm->format : zp_format_from_name(out);
    if (it->format == ZP_FORMAT_UNKNOWN) {
        char why[512];
        snprintf(why, sizeof why, "cannot tell the output format from the name '%s': "
                 "give -f FORMAT", out);
        free(out);
        it->name_error = strdup(why);
        return NULL;
    }
    return out;
}

static int by_output(const void *a, const void *b) {
    const batch_item *x = *(batch_item *const *)a, *y = *(batch_item *const *)b;
    return strcmp(x->output, y->output);
}

/* Two inputs written to one output: refused before anything is done. */
static int check_clashes(const batch_list *list) {
    batch_item **sorted = malloc((list->count + 1) * sizeof *sorted);
    if (!sorted) return out_of_memory();
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].output) sorted[n++] = &list->items[i];
    qsort(sorted, n, sizeof *sorted, by_output);
    size_t clashes = 0;
    for (size_t i = 1; i < n; i++) {
        if (strcmp(sorted[i - 1]->output, sorted[i]->output) != 0) continue;
        if (clashes++ < 5)
            fprintf(stderr, "zeropix " BATCH_CMD ": '%s' and '%s' would both be written to '%s'%s\n",
                    sorted[i - 1]->input, sorted[i]->input, sorted[i]->output,
                    strcmp(sorted[i - 1]->abs, sorted[i]->abs) ? "" : " (the same input twice)");
    }
    free(sorted);
    if (!clashes) return CLI_CONTINUE;
    if (clashes > 5)
        fprintf(stderr, "zeropix " BATCH_CMD ": ... and %zu more clashes\n", clashes - 5);
    return cli_usage(BATCH_CMD, "%zu output name%s taken twice; nothing was done (a template "
                     "with %%e keeps the input's extension: -o 'out/%%s.%%e.png')",
                     clashes, clashes == 1 ? " is" : "s are");
}

int batch_plan(batch_list *list, const char *base_arg, const batch_naming *naming) {
    char *cwd = getcwd(NULL, 0);
    if (!cwd) {
        fprintf(stderr, "zeropix " BATCH_CMD ": cannot tell the current folder: %s\n",
                strerror(errno));
        return CLI_EXIT_FAILED;
    }
    int rc = CLI_CONTINUE;
    for (size_t i = 0; i < list->count && rc == CLI_CONTINUE; i++)
        if (!(list->items[i].abs = absolute(list->items[i].input, cwd))) rc = out_of_memory();

    /* The base: --base, or the deepest folder holding every input (a
     * folder INPUT counts as itself, so its sub-folders are kept). */
    if (rc == CLI_CONTINUE && base_arg) {
        if (!(list->base = absolute(base_arg, cwd))) rc = out_of_memory();
    } else if (rc == CLI_CONTINUE) {
        const char *first = NULL;
        size_t len = 0;
        for (size_t i = 0; i < list->dir_count && rc == CLI_CONTINUE; i++) {
            char *d = absolute(list->dirs[i], cwd);
            if (!d) {
                rc = out_of_memory();
                break;
            }
            if (!first) {
                list->base = d; /* kept: first is inside it */
                first = d, len = strlen(d);
            } else {
                len = common_folder(first, len, d);
                free(d);
            }
        }
        for (size_t i = 0; i < list->count && rc == CLI_CONTINUE; i++) {
            const char *abs = list->items[i].abs;
            size_t parent = (size_t)(strrchr(abs, '/') - abs);
            if (!first) {
                first = abs, len = parent;
            } else {
                len = common_folder(first, len, abs);
                if (len > parent) len = parent;
            }
        }
        if (rc == CLI_CONTINUE) {
            char *base = first ? strndup(first, len) : strdup("");
            free(list->base);
            if (!(list->base = base)) rc = out_of_memory();
        }
    }
    size_t blen = list->base ? strlen(list->base) : 0;
    for (size_t i = 0; i < list->count && rc == CLI_CONTINUE; i++) {
        batch_item *it = &list->items[i];
        if (strncmp(it->abs, list->base, blen) != 0 || it->abs[blen] != '/') {
            rc = cli_usage(BATCH_CMD, "'%s' is not inside the --base folder '%s'", it->input,
                           base_arg);
            break;
        }
        it->rel = it->abs + blen + 1;
        if (!(it->output = output_name(it, naming)) && !it->name_error) rc = out_of_memory();
    }
    free(cwd);
    return rc == CLI_CONTINUE ? check_clashes(list) : rc;
}

/* ---- Shards ----------------------------------------------------------------- */

/* FNV-1a, then a 64-bit finaliser (splitmix64) so that every bit of the
 * path moves the remainder: the share is fixed by the path alone. */
static uint64_t path_hash(const char *s) {
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    return h ^ (h >> 31);
}

static void item_free(batch_item *it) {
    free(it->input);
    free(it->abs);
    free(it->output);
    free(it->name_error);
}

void batch_shard(batch_list *list, unsigned k, unsigned n) {
    size_t kept = 0;
    for (size_t i = 0; i < list->count; i++) {
        if (path_hash(list->items[i].rel) % n == k - 1) list->items[kept++] = list->items[i];
        else item_free(&list->items[i]);
    }
    list->count = kept;
}

/* ---- Safety checks ------------------------------------------------------------ */

typedef struct file_id { dev_t dev; ino_t ino; } file_id;

static int by_id(const void *a, const void *b) {
    const file_id *x = a, *y = b;
    if (x->dev != y->dev) return x->dev < y->dev ? -1 : 1;
    return x->ino < y->ino ? -1 : x->ino > y->ino;
}

int batch_check_overwrite(const batch_list *list, int allow) {
    if (allow) return CLI_CONTINUE;
    /* Only outputs that exist can be an input: usually none, so the inputs
     * are looked at only when needed. */
    size_t existing = 0;
    struct stat st;
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].output && stat(list->items[i].output, &st) == 0) existing++;
    if (!existing) return CLI_CONTINUE;
    file_id *ids = malloc(list->count * sizeof *ids);
    if (!ids) return out_of_memory();
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        if (stat(list->items[i].input, &st) == 0) ids[n].dev = st.st_dev, ids[n++].ino = st.st_ino;
    qsort(ids, n, sizeof *ids, by_id);
    size_t bad = 0;
    for (size_t i = 0; i < list->count; i++) {
        const batch_item *it = &list->items[i];
        if (!it->output || stat(it->output, &st) != 0) continue;
        file_id key = {st.st_dev, st.st_ino};
        if (bsearch(&key, ids, n, sizeof *ids, by_id) && bad++ < 5)
            fprintf(stderr, "zeropix " BATCH_CMD ": the output of '%s', '%s', is an input file\n",
                    it->input, it->output);
    }
    free(ids);
    if (!bad) return CLI_CONTINUE;
    return cli_usage(BATCH_CMD, "%zu output%s an input file; nothing was done (another -o, or "
                     "--overwrite-inputs if that is really meant)", bad,
                     bad == 1 ? " is" : "s are");
}

static int make_folders(char *path) {
    struct stat st;
    if (stat(path, &st) == 0) return S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int r = mkdir(path, 0777);
        *p = '/';
        if (r != 0 && errno != EEXIST) return -1;
    }
    return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* ".zeropix-PID-N.tmp" left by a process that is gone: removed. */
static long remove_stale_temps(const char *dir, int shared) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    long removed = 0;
    struct dirent *e;
    time_t now = time(NULL);
    while ((e = readdir(d))) {
        long pid;
        unsigned n;
        char tail[8];
        if (strncmp(e->d_name, ".zeropix-", 9) != 0 ||
            sscanf(e->d_name, ".zeropix-%ld-%u.%7s", &pid, &n, tail) != 3 ||
            strcmp(tail, "tmp") != 0 || pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* alive here */
        char *path = join3(dir, "/", e->d_name);
        struct stat st;
        if (path && lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
            (!shared || now - st.st_mtime > 3600) && unlink(path) == 0)
            removed++;
        free(path);
    }
    closedir(d);
    return removed;
}

static int by_string(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

long batch_prepare_folders(const batch_list *list, int shared, int quiet) {
    char **dirs = malloc((list->count + 1) * sizeof *dirs);
    if (!dirs) return out_of_memory(), -1;
    size_t n = 0;
    long removed = 0, rc = 0;
    for (size_t i = 0; i < list->count && rc == 0; i++) {
        const char *out = list->items[i].output;
        if (!out) continue;
        const char *slash = strrchr(out, '/');
        if (!(dirs[n] = slash ? strndup(out, slash == out ? 1 : (size_t)(slash - out)) : strdup(".")))
            rc = (out_of_memory(), -1);
        else n++;
    }
    if (n) qsort(dirs, n, sizeof *dirs, by_string);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i && strcmp(dirs[i], dirs[i - 1]) == 0) continue;
        if (make_folders(dirs[i]) != 0) {
            fprintf(stderr, "zeropix: %s: cannot create the output folder: %s\n", dirs[i],
                    strerror(errno));
            rc = -1;
        } else {
            removed += remove_stale_temps(dirs[i], shared);
        }
    }
    for (size_t i = 0; i < n; i++) free(dirs[i]);
    free(dirs);
    if (rc == 0 && removed && !quiet)
        fprintf(stderr, "zeropix " BATCH_CMD ": removed %ld temporary file%s left by an "
                "interrupted run\n", removed, removed == 1 ? "" : "s");
    return rc ? rc : removed;
}

/* ---- --skip-existing ------------------------------------------------------------ */

/* PNM header "P5 W H MAX" / "P6 ...", with comments: its length and the
 * pixel bytes that follow, or 0. */
static int pnm_expected(const unsigned char *h, size_t len, unsigned long long *total) {
    if (len < 2 || h[0] != 'P' || (h[1] != '5' && h[1] != '6')) return 0;
    unsigned long long v[3];
    size_t i = 2;
    for (int k = 0; k < 3; k++) {
        for (;;) {
            while (i < len && (h[i] == ' ' || h[i] == '\t' || h[i] == '\n' || h[i] == '\r')) i++;
            if (i < len && h[i] == '#') {
                while (i < len && h[i] != '\n') i++;
                continue;
            }
            break;
        }
        if (i >= len || h[i] < '0' || h[i] > '9') return 0;
        v[k] = 0;
        while (i < len && h[i] >= '0' && h[i] <= '9' && v[k] < 1000000000ull)
            v[k] = v[k] * 10 + (unsigned long long)(h[i++] - '0');
    }
    if (i >= len || v[2] == 0 || v[2] > 65535) return 0;
    i++; /* the one whitespace byte before the pixels */
    unsigned long long ch = h[1] == '6' ? 3 : 1, bytes = v[2] > 255 ? 2 : 1;
    *total = i + v[0] * v[1] * ch * bytes;
    return 1;
}

int batch_output_complete(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    struct stat st;
    unsigned char head[512], tail[12];
    int ok = 0;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 16) {
        size_t len = fread(head, 1, sizeof head, f);
        unsigned long long want;
        int have_tail = fseeko(f, st.st_size - (off_t)sizeof tail, SEEK_SET) == 0 &&
                        fread(tail, 1, sizeof tail, f) == sizeof tail;
        static const unsigned char iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D',
                                               0xae, 0x42, 0x60, 0x82};
        switch (zp_format_detect(head, len)) {
        case ZP_FORMAT_PNG: ok = have_tail && memcmp(tail, iend, sizeof iend) == 0; break;
        case ZP_FORMAT_JPEG: ok = have_tail && tail[10] == 0xff && tail[11] == 0xd9; break;
        case ZP_FORMAT_PNM:
            ok = pnm_expected(head, len, &want) && want == (unsigned long long)st.st_size;
            break;
        default: break;
        }
    }
    fclose(f);
    return ok;
}

void batch_list_free(batch_list *list) {
    for (size_t i = 0; i < list->count; i++) item_free(&list->items[i]);
    for (size_t i = 0; i < list->dir_count; i++) free(list->dirs[i]);
    free(list->items);
    free(list->dirs);
    free(list->base);
    memset(list, 0, sizeof *list);
}
