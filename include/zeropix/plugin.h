/* zeropix/plugin.h: the filter plugin ABI, version 1.0. The only header a
 * filter author includes; every built-in filter (crop, blur, resize, ...)
 * is written against it too.
 *
 * ---- In one page ---------------------------------------------------------
 *
 * A plugin is a shared library exporting one C symbol,
 *
 *     const zp_plugin *zeropix_plugin_entry(const zp_host *host);
 *
 * (declare it with ZP_PLUGIN_ENTRY). It returns a static descriptor that
 * starts with the ABI version and its own size (ZP_PLUGIN_HEADER fills them),
 * names the plugin and lists its filters. A plugin never links against
 * libzeropix: what it needs from the host (view operations, sample
 * conversion, logging) comes through the zp_host table, and the types below
 * come from this header and the two it includes (status.h, view.h), of
 * which it uses only types and the inline zp_view_pixel().
 *
 * A filter is one of two kinds:
 *   - view filter (map != NULL): derives its output view from its input view
 *     without touching a pixel (crop, flip, rotate). Consecutive view
 *     filters fold into one view: no pixel work at all.
 *   - pixel filter (process != NULL): fills an output rectangle from the
 *     input pixels around it (blur, levels, resize).
 *
 * ---- Lifecycle, threads and ownership ----------------------------------
 *
 *   entry()    once per process, on the thread that loads the plugin.
 *   plan()     once per image and stage, on the thread running the
 *              pipeline, before any pixel work. Validates the parameters
 *              against the input, states the output geometry and what the
 *              filter reads, and may allocate per-image state (plan->state).
 *   map()      view filters: once per image, same thread as plan().
 *   region()   optional, any thread, concurrently: pure function.
 *   process()  pixel filters: many calls per image, CONCURRENTLY from
 *              worker threads, on disjoint output rectangles. `state` is
 *              shared and must be treated as read-only; scratch memory is
 *              the filter's to allocate and free within the call. A pixel's
 *              value must not depend on how the output was split into
 *              rectangles (bands, tiles, strips): the host may split it any
 *              way, and promises the same bytes for any thread count.
 *   done()     optional, once per image after plan(), whatever happened
 *              (also after a failed plan, or when map/process were never
 *              called), same thread as plan(): frees plan->state, which
 *              may be NULL.
 *
 * Every pointer the host passes is borrowed for the duration of the call.
 * Every pointer in the descriptors the plugin returns (names, tables,
 * callbacks) must stay valid until the plugin is unloaded: make them static.
 *
 * ---- Isolation and edges --------------------------------------------------
 *
 * A filter sees only its input view, never the parent image around it. In
 * process(), `in` is exactly the part `in_rect` of the stage input that
 * region() asked for, clipped to the input image; a coordinate that falls
 * outside `in` is outside the image, and the filter replicates the nearest
 * edge pixel (clamp the coordinate to 0..in->width-1 / in->height-1).
 *
 * ---- Growing the ABI --------------------------------------------------------
 *
 * zp_plugin, zp_filter, zp_host, zp_plan_args and zp_plan start with their
 * size. The reader of a struct reads only the fields its struct_size covers,
 * so fields are only ever appended, minor versions add them, and old
 * plugins keep working with new hosts and the other way round. The major
 * version changes only when that is impossible; plugins are looked for in a
 * folder named by it (lib/zeropix/plugins-1).
 */
#ifndef ZEROPIX_PLUGIN_H
#define ZEROPIX_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"
#include "view.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ZP_PLUGIN_ABI_MAJOR 1
#define ZP_PLUGIN_ABI_MINOR 0

/* The exported entry symbol, and how to declare it. */
#define ZP_PLUGIN_ENTRY_SYMBOL "zeropix_plugin_entry"
#if defined(_WIN32)
#  define ZP_PLUGIN_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#  define ZP_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#  define ZP_PLUGIN_EXPORT
#endif
#ifdef __cplusplus
#  define ZP_PLUGIN_ENTRY extern "C" ZP_PLUGIN_EXPORT const zp_plugin *zeropix_plugin_entry(const zp_host *host)
#else
#  define ZP_PLUGIN_ENTRY ZP_PLUGIN_EXPORT const zp_plugin *zeropix_plugin_entry(const zp_host *host)
#endif

/* A rectangle in pixels. */
typedef struct zp_rect {
    int32_t x, y, width, height;
} zp_rect;

/* ---- Parameters ------------------------------------------------------------
 * The host parses "name=value" pairs from the parameter table, checks types
 * and ranges, fills defaults, and prints `zeropix ops NAME` from it. */

typedef enum zp_param_type {
    ZP_PARAM_INT = 1,    /* whole number in [min, max]                        */
    ZP_PARAM_FLOAT = 2,  /* finite number in [min, max]                       */
    ZP_PARAM_BOOL = 3,   /* 0/1, true/false, yes/no                           */
    ZP_PARAM_CHOICE = 4, /* one word of `choices` ("nearest|bilinear"); the
                            value is its index                                */
    ZP_PARAM_NUMBERS = 5 /* finite numbers separated by ';' or spaces
                            ("1;2;1"), count in [min, max] (a kernel)         */
} zp_param_type;

/* One row of a filter's parameter table (static data). */
typedef struct zp_param_def {
    const char   *name;     /* [a-z0-9_]+, stable: scripts depend on it    */
    zp_param_type type;
    double        min, max; /* range of the value (of the count: NUMBERS)  */
    double        def;      /* default (index for CHOICE); must lie in the
                               range, or the loader refuses the filter     */
    const char   *help;     /* one line: what it does, with units          */
    const char   *choices;  /* CHOICE: "a|b|c"; NULL otherwise             */
    int           required; /* 1: no default; the user must give it        */
} zp_param_def;

/* A parameter's value, in table order. */
typedef struct zp_param_value {
    double        number;  /* INT, FLOAT, BOOL, CHOICE (index)              */
    const double *numbers; /* NUMBERS: the list (borrowed for the plan call;
                              copy what you keep into plan->state)          */
    int32_t       count;   /* NUMBERS: how many                             */
    int32_t       is_set;  /* 1 if the user gave it, 0 if it is the default */
} zp_param_value;

/* ---- Host services ----------------------------------------------------------
 * The view operations behave exactly as in view.h (they may be called with
 * out == in). All may be called from any thread. The table is static: a
 * plugin may keep the pointer it is given (at entry or in zp_plan_args) in
 * its state and use it in process(). A view a plugin derives inside
 * process() holds a reference: drop it with view_release. */
typedef struct zp_host {
    uint32_t struct_size;
    uint16_t abi_major, abi_minor;
    zp_status (*view_crop)(const zp_view *in, int32_t x, int32_t y, int32_t w, int32_t h,
                           zp_view *out);
    zp_status (*view_flip)(const zp_view *in, int axes, zp_view *out);
    zp_status (*view_transpose)(const zp_view *in, zp_view *out);
    zp_status (*view_rotate)(const zp_view *in, int degrees, zp_view *out);
    zp_status (*view_channels)(const zp_view *in, int first, int count, int step,
                               zp_view *out);
    zp_status (*view_step)(const zp_view *in, int32_t step_x, int32_t step_y, zp_view *out);
    /* Copy with dtype conversion, as zp_view_copy(). */
    zp_status (*view_copy)(const zp_view *src, const zp_view *dst);
    /* A warning for the user ("zeropix: vignette: ..."). */
    void (*warn)(const char *filter_name, const char *message);
    /* Drop a view's reference and zero it, as zp_view_release(). */
    void (*view_release)(zp_view *view);
} zp_host;

/* ---- Planning -------------------------------------------------------------- */

/* What plan() is told. */
typedef struct zp_plan_args {
    uint32_t              struct_size;
    const zp_host        *host;
    const zp_param_value *params;     /* one per table row, in order        */
    int32_t               width, height, channels; /* of the input image    */
    zp_dtype              dtype;
    uint64_t              max_pixels; /* the user's limit on the pixels of an
                                         image this filter may make (0 = none):
                                         refuse larger outputs in plan()    */
} zp_plan_args;

/* Flags of zp_plan. */
#define ZP_PLAN_POINT 0x1u /* out(x, y) depends only on in(x, y): the host
                              may run the filter in place (out == in)        */

/* What plan() answers. The host pre-fills the output geometry with the
 * input's and everything else with 0. */
typedef struct zp_plan {
    uint32_t struct_size;
    int32_t  width, height, channels; /* output image                       */
    zp_dtype dtype;
    int32_t  halo_x, halo_y; /* same-size filters: how far around an output
                                pixel the filter reads (a 5x5 kernel: 2, 2).
                                The default region() grows the output
                                rectangle by these amounts.                 */
    uint32_t flags;          /* ZP_PLAN_*                                   */
    void    *state;          /* per-image state for the other callbacks     */
    char     message[256];   /* why plan() failed, for the user: name the
                                parameter ("sigma must be > 0 for ...")     */
} zp_plan;

/* ---- Filters and plugins ------------------------------------------------------ */

typedef struct zp_filter {
    uint32_t struct_size;      /* sizeof(zp_filter): use ZP_FILTER_HEADER   */
    const char *name;          /* [a-z0-9_]+, stable, unique among plugins  */
    const char *summary;       /* one line for `zeropix ops`                */
    const zp_param_def *params;
    uint32_t param_count;

    /* Required. Validate args->params against the input; fill plan. */
    zp_status (*plan)(const zp_plan_args *args, zp_plan *plan);

    /* View filters: the output view, derived from `in` by host view
     * operations; touches no pixel. `out` gets its own reference (the host
     * operations do this). */
    zp_status (*map)(void *state, const zp_host *host, const zp_view *in, zp_view *out);

    /* Optional (pixel filters): the input rectangle that `out_rect` of the
     * output needs, in input coordinates; the host clips it to the image.
     * NULL: out_rect grown by (halo_x, halo_y), for same-size filters. */
    void (*region)(void *state, const zp_rect *out_rect, zp_rect *in_rect);

    /* Pixel filters: fill `out` (the part `out_rect` of the output image;
     * out's (0,0) is out_rect's corner) from `in` (the part `in_rect` of the
     * input image, read-only): in_rect is exactly what region() returned
     * for out_rect, clipped to the input image. Called concurrently. */
    zp_status (*process)(void *state, const zp_view *in, const zp_rect *in_rect,
                         const zp_view *out, const zp_rect *out_rect);

    /* Optional: free plan->state (NULL when plan() set none). */
    void (*done)(void *state);
} zp_filter;

typedef struct zp_plugin {
    uint16_t abi_major;        /* ZP_PLUGIN_ABI_MAJOR: use ZP_PLUGIN_HEADER */
    uint16_t abi_minor;
    uint32_t struct_size;      /* sizeof(zp_plugin)                          */
    const char *name;          /* "vignette"                                 */
    const char *version;       /* "1.0.0"                                    */
    const zp_filter *const *filters;
    uint32_t filter_count;
} zp_plugin;

/* The first fields, so that authors never type a size or a version:
 *   static const zp_plugin plugin = { ZP_PLUGIN_HEADER, "mine", "1.0", ... };
 *   static const zp_filter f = { ZP_FILTER_HEADER, "name", "summary", ... }; */
#define ZP_PLUGIN_HEADER ZP_PLUGIN_ABI_MAJOR, ZP_PLUGIN_ABI_MINOR, (uint32_t)sizeof(zp_plugin)
#define ZP_FILTER_HEADER (uint32_t)sizeof(zp_filter)

/* The entry point's type (for hosts). */
typedef const zp_plugin *(*zp_plugin_entry_fn)(const zp_host *host);

/* ---- Small helpers for filter code (inline, no linking) ------------------- */

static inline int32_t zp_clamp_i32(int32_t v, int32_t lo, int32_t hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

/* Bytes of one sample (zp_dtype_size without linking libzeropix). */
static inline size_t zp_sample_bytes(zp_dtype dtype) {
    return dtype == ZP_U8 ? 1 : dtype == ZP_U16 ? 2 : dtype == ZP_F32 ? 4 : 0;
}

/* 1 when a row of `v` is one flat array of width * channels samples (as
 * zp_view_rows_packed, without linking libzeropix). */
static inline int zp_row_is_packed(const zp_view *v) {
    ptrdiff_t item = (ptrdiff_t)zp_sample_bytes(v->dtype);
    return (v->stride_c == item || v->channels == 1) && v->stride_x == v->channels * item;
}

/* Sample c of pixel (x, y) of a view, as a pointer of the right type. */
#define ZP_SAMPLE(type, view, x, y, c) \
    ((type *)((char *)zp_view_pixel((view), (x), (y)) + (ptrdiff_t)(c) * (view)->stride_c))

#ifdef __cplusplus
}
#endif
#endif
