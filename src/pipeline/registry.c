/* registry.c: the filters a pipeline can name: the built-ins, and plugins
 * loaded from files, each checked before anything of it is trusted. */
#define _GNU_SOURCE /* dladdr */
#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sys/stat.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pipeline_internal.h"
#include "core/core_internal.h"
#include "plugins/builtin.h"

#define X(n) const zp_plugin *zp_builtin_##n(const zp_host *host);
ZP_BUILTIN_PLUGINS(X)
#undef X

#ifndef ZEROPIX_PLUGIN_DIR
#  define ZEROPIX_PLUGIN_DIR "/usr/local/lib/zeropix/plugins-1"
#endif

typedef struct entry {
    zp_filter filter; /* the plugin's descriptor, read up to its struct_size */
    char     *origin; /* "built-in" or the file's path                      */
} entry;

struct zp_registry {
    entry      *items;
    size_t      count, cap;
    void      **handles;
    size_t      handle_count, handle_cap;
    zp_warn_fn  warn;
    void       *user;
};

static void warn(zp_registry *reg, const char *fmt, ...) ZP__PRINTF(2, 3);
static void warn(zp_registry *reg, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (reg->warn) reg->warn(reg->user, msg);
    else fprintf(stderr, "zeropix: warning: %s\n", msg);
}

static int valid_name(const char *s) {
    if (!s || !*s || strlen(s) > 64) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
    return 1;
}

/* Why a filter descriptor cannot be used, or NULL when it can. */
static const char *filter_problem(const zp_filter *f) {
    if (!valid_name(f->name)) return "a filter name is not [a-z0-9_]+ (1 to 64 characters)";
    if (!f->plan) return "a filter has no plan callback";
    if (!f->map == !f->process) return "a filter must have exactly one of map and process";
    if (f->param_count > 64 || (f->param_count && !f->params)) return "a parameter table is malformed";
    for (uint32_t i = 0; i < f->param_count; i++) {
        const zp_param_def *p = &f->params[i];
        if (!valid_name(p->name)) return "a parameter name is not [a-z0-9_]+";
        if (p->type < ZP_PARAM_INT || p->type > ZP_PARAM_NUMBERS) return "a parameter type is unknown";
        if (!(p->min <= p->max)) return "a parameter range has min > max";
        if (p->type == ZP_PARAM_CHOICE && !p->choices) return "a choice parameter lists no choices";
        if (!p->required && p->type != ZP_PARAM_NUMBERS) {
            double lo = p->min, hi = p->max;
            if (p->type == ZP_PARAM_BOOL) lo = 0, hi = 1;
            if (p->type == ZP_PARAM_CHOICE) {
                hi = 0;
                for (const char *c = p->choices; (c = strchr(c, '|')); c++) hi++;
                lo = 0;
            }
            if (!isfinite(p->def)) return "default of a parameter is not finite";
            if (!(p->def >= lo && p->def <= hi)) return "default of a parameter is outside its range";
            if (p->type != ZP_PARAM_FLOAT && p->def != floor(p->def))
                return "default of a whole-number parameter is fractional";
        }
    }
    return NULL;
}

static zp_status add_filter(zp_registry *reg, const zp_filter *src, const char *origin) {
    /* Read only what the plugin's struct_size covers; newer fields stay 0. */
    entry e;
    memset(&e, 0, sizeof e);
    size_t n = src->struct_size < sizeof e.filter ? src->struct_size : sizeof e.filter;
    if (n < offsetof(zp_filter, plan) + sizeof e.filter.plan) {
        warn(reg, "%s: a filter descriptor is too small (struct_size %u)", origin,
             (unsigned)src->struct_size);
        return ZP_ERR_INVALID_ARG;
    }
    memcpy(&e.filter, src, n);
    e.filter.struct_size = sizeof e.filter;
    const char *problem = filter_problem(&e.filter);
    if (problem) {
        warn(reg, "%s: filter '%s' skipped: %s", origin,
             valid_name(e.filter.name) ? e.filter.name : "?", problem);
        return ZP_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < reg->count; i++)
        if (!strcmp(reg->items[i].filter.name, e.filter.name)) {
            warn(reg, "%s: filter '%s' skipped: the name is taken by %s", origin, e.filter.name,
                 reg->items[i].origin);
            return ZP_ERR_INVALID_ARG;
        }
    if (reg->count == reg->cap) {
        size_t cap = reg->cap ? reg->cap * 2 : 32;
        entry *items = realloc(reg->items, cap * sizeof *items);
        if (!items) return zp__fail(ZP_ERR_NOMEM, "out of memory");
        reg->items = items;
        reg->cap = cap;
    }
    if (!(e.origin = strdup(origin))) return zp__fail(ZP_ERR_NOMEM, "out of memory");
    reg->items[reg->count++] = e;
    return ZP_OK;
}

/* Add every filter of a descriptor; ZP_OK only if all were added. */
static zp_status add_plugin(zp_registry *reg, const zp_plugin *pl, const char *origin) {
    if (!pl) {
        warn(reg, "%s: the entry point returned no plugin", origin);
        return ZP_ERR_INVALID_ARG;
    }
    if (pl->abi_major != ZP_PLUGIN_ABI_MAJOR) {
        warn(reg, "%s: built for plugin ABI %u.%u, this zeropix speaks %d.x", origin,
             (unsigned)pl->abi_major, (unsigned)pl->abi_minor, ZP_PLUGIN_ABI_MAJOR);
        return ZP_ERR_UNSUPPORTED;
    }
    zp_plugin p;
    memset(&p, 0, sizeof p);
    if (pl->struct_size < offsetof(zp_plugin, filter_count) + sizeof p.filter_count) {
        warn(reg, "%s: the plugin descriptor is too small (struct_size %u)", origin,
             (unsigned)pl->struct_size);
        return ZP_ERR_INVALID_ARG;
    }
    memcpy(&p, pl, pl->struct_size < sizeof p ? pl->struct_size : sizeof p);
    if (p.filter_count > 1024 || (p.filter_count && !p.filters)) {
        warn(reg, "%s: the filter list is malformed", origin);
        return ZP_ERR_INVALID_ARG;
    }
    zp_status result = ZP_OK;
    for (uint32_t i = 0; i < p.filter_count; i++) {
        zp_status st = p.filters[i] ? add_filter(reg, p.filters[i], origin) : ZP_ERR_INVALID_ARG;
        if (st == ZP_ERR_NOMEM) return st;
        if (st && !result) result = st;
    }
    return result;
}

zp_status zp_registry_new(zp_warn_fn warn_fn, void *user, zp_registry **out) {
    if (!out) return zp__fail(ZP_ERR_INVALID_ARG, "NULL output");
    zp_registry *reg = calloc(1, sizeof *reg);
    if (!reg) return zp__fail(ZP_ERR_NOMEM, "out of memory");
    reg->warn = warn_fn;
    reg->user = user;
    zp_status st = ZP_OK;
#define X(n) if (!st) st = add_plugin(reg, zp_builtin_##n(zp__host()), "built-in");
    ZP_BUILTIN_PLUGINS(X)
#undef X
    if (st) {
        zp_registry_free(reg);
        return zp__fail(st, "a built-in filter failed to register");
    }
    *out = reg;
    return ZP_OK;
}

void zp_registry_free(zp_registry *reg) {
    if (!reg) return;
    for (size_t i = 0; i < reg->count; i++) free(reg->items[i].origin);
    free(reg->items);
    for (size_t i = 0; i < reg->handle_count; i++) dlclose(reg->handles[i]);
    free(reg->handles);
    free(reg);
}

zp_status zp_registry_load_plugin(zp_registry *reg, const char *path) {
    if (!reg || !path) return zp__fail(ZP_ERR_INVALID_ARG, "NULL argument");
    /* A plain path (no slash) would make dlopen search the library path. */
    char buf[4096];
    if (!strchr(path, '/')) {
        snprintf(buf, sizeof buf, "./%s", path);
        path = buf;
    }
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        size_t n = strlen(path);
        if (why && !strncmp(why, path, n) && !strncmp(why + n, ": ", 2)) why += n + 2; /* no repeat */
        warn(reg, "%s: not loaded: %s", path, why ? why : "not a loadable library");
        return zp__fail(ZP_ERR_IO, "%s: not loaded", path);
    }
    union { void *obj; zp_plugin_entry_fn fn; } entry_point;
    entry_point.obj = dlsym(h, ZP_PLUGIN_ENTRY_SYMBOL);
    if (!entry_point.obj) {
        warn(reg, "%s: not a zeropix plugin (no %s symbol)", path, ZP_PLUGIN_ENTRY_SYMBOL);
        dlclose(h);
        return zp__fail(ZP_ERR_INVALID_ARG, "%s: not a zeropix plugin", path);
    }
    size_t before = reg->count;
    zp_status st = add_plugin(reg, entry_point.fn(zp__host()), path);
    if (reg->count == before) { /* nothing of it is used */
        dlclose(h);
        return st ? zp__fail(st, "%s: no usable filter", path) : ZP_OK;
    }
    if (reg->handle_count == reg->handle_cap) {
        size_t cap = reg->handle_cap ? reg->handle_cap * 2 : 8;
        void **hs = realloc(reg->handles, cap * sizeof *hs);
        if (!hs) return zp__fail(ZP_ERR_NOMEM, "out of memory"); /* h stays loaded */
        reg->handles = hs;
        reg->handle_cap = cap;
    }
    reg->handles[reg->handle_count++] = h;
    return st;
}

static int is_library_name(const char *name) {
    static const char *const suffixes[] = {".so", ".dylib", ".dll"};
    size_t n = strlen(name);
    for (size_t i = 0; i < 3; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && !strcmp(name + n - k, suffixes[i])) return 1;
    }
    return 0;
}

static int compare_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int zp_registry_load_dir(zp_registry *reg, const char *dir) {
    if (!reg || !dir) return 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !is_library_name(e->d_name)) continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) break;
            names = grown;
        }
        if (!(names[count] = strdup(e->d_name))) break;
        count++;
    }
    closedir(d);
    qsort(names, count, sizeof *names, compare_names);
    int loaded = 0;
    for (size_t i = 0; i < count; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t before = reg->count;
        (void)zp_registry_load_plugin(reg, path);
        loaded += reg->count > before;
        free(names[i]);
    }
    free(names);
    return loaded;
}

/* The install's plugin folder, found at run time next to the object that
 * holds this code (the zeropix program in <prefix>/bin, or libzeropix in
 * <libdir>), so that an install moved or made with --prefix finds its own
 * plugins; the folder compiled in otherwise. */
#ifndef ZEROPIX_PLUGIN_DIR_FROM_BIN
#  define ZEROPIX_PLUGIN_DIR_FROM_BIN "../lib/zeropix/plugins-1"
#endif
#ifndef ZEROPIX_PLUGIN_DIR_FROM_LIB
#  define ZEROPIX_PLUGIN_DIR_FROM_LIB "zeropix/plugins-1"
#endif
static char plugin_dir[PATH_MAX];
static pthread_once_t plugin_dir_once = PTHREAD_ONCE_INIT;

static int is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void find_plugin_dir(void) {
    snprintf(plugin_dir, sizeof plugin_dir, "%s", ZEROPIX_PLUGIN_DIR);
    Dl_info info;
    char object[PATH_MAX];
    if (!dladdr((void *)&find_plugin_dir, &info) || !info.dli_fname ||
        !realpath(info.dli_fname, object))
        return;
    char *slash = strrchr(object, '/');
    if (!slash) return;
    *slash = '\0';
    const char *relative[2] = {ZEROPIX_PLUGIN_DIR_FROM_BIN, ZEROPIX_PLUGIN_DIR_FROM_LIB};
    for (int i = 0; i < 2; i++) {
        char candidate[PATH_MAX], resolved[PATH_MAX];
        if ((size_t)snprintf(candidate, sizeof candidate, "%s/%s", object, relative[i]) >= sizeof candidate)
            continue;
        if (is_dir(candidate) && realpath(candidate, resolved)) {
            snprintf(plugin_dir, sizeof plugin_dir, "%s", resolved);
            return;
        }
    }
}

const char *zp_plugin_dir(void) {
    pthread_once(&plugin_dir_once, find_plugin_dir);
    return plugin_dir;
}

int zp_registry_load_default(zp_registry *reg) {
    /* Each folder once, however it is named (the install's folder may also
     * be in ZEROPIX_PLUGIN_PATH). */
    char seen[16][PATH_MAX];
    int seen_count = 0, loaded = 0;
    const char *env = getenv("ZEROPIX_PLUGIN_PATH");
    char *copy = env ? strdup(env) : NULL, *save = NULL;
    const char *dir = zp_plugin_dir();
    while (dir) {
        char real[PATH_MAX];
        int dup = 0;
        if (realpath(dir, real)) {
            for (int i = 0; i < seen_count && !dup; i++) dup = !strcmp(seen[i], real);
            if (!dup && seen_count < 16) snprintf(seen[seen_count++], PATH_MAX, "%s", real);
            if (!dup) loaded += zp_registry_load_dir(reg, dir);
        }
        dir = copy ? strtok_r(save ? NULL : copy, ":", &save) : NULL;
    }
    free(copy);
    return loaded;
}

size_t zp_registry_count(const zp_registry *reg) { return reg ? reg->count : 0; }

const zp_filter *zp_registry_filter(const zp_registry *reg, size_t index) {
    return reg && index < reg->count ? &reg->items[index].filter : NULL;
}

const char *zp_registry_origin(const zp_registry *reg, size_t index) {
    return reg && index < reg->count ? reg->items[index].origin : NULL;
}

const zp_filter *zp_registry_find(const zp_registry *reg, const char *name) {
    for (size_t i = 0; reg && name && i < reg->count; i++)
        if (!strcmp(reg->items[i].filter.name, name)) return &reg->items[i].filter;
    return NULL;
}

const char *zp_registry_suggest(const zp_registry *reg, const char *name) {
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; reg && name && i < reg->count; i++) {
        size_t d = zp__edit_distance(name, reg->items[i].filter.name);
        if (d < best_d) {
            best_d = d;
            best = reg->items[i].filter.name;
        }
    }
    size_t len = name ? strlen(name) : 0;
    return best && best_d <= (len > 6 ? len / 3 : 2) ? best : NULL;
}
