/* zeropix/pipeline.h: filter registries (built-ins and plugins), operation
 * chains ("crop:x=10,y=10,w=200,h=200 blur:sigma=2") and their execution. */
#ifndef ZEROPIX_PIPELINE_H
#define ZEROPIX_PIPELINE_H

#include "codec.h"
#include "plugin.h"
#include "view.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Registry: the filters a pipeline can name ------------------------------ */

typedef struct zp_registry zp_registry;

/* Called with each warning (a plugin that could not be loaded, a duplicate
 * filter name), already phrased with the path and the reason. */
typedef void (*zp_warn_fn)(void *user, const char *message);

/* A registry holding the built-in filters. `warn` may be NULL (warnings
 * are then written to stderr). Free with zp_registry_free(). */
ZP_API ZP_NODISCARD zp_status zp_registry_new(zp_warn_fn warn, void *user, zp_registry **out);
ZP_API void zp_registry_free(zp_registry *reg);

/* Load one plugin file. A file that is not a plugin, has no entry symbol,
 * a different ABI major, a malformed descriptor, or filters whose names are
 * taken gives a warning (path and reason) and a non-OK status; the registry
 * stays usable and nothing crashes. Filters it adds after a duplicate are
 * still added. */
ZP_API zp_status zp_registry_load_plugin(zp_registry *reg, const char *path);

/* Load every "*.so" (".dylib", ".dll") in a folder, in name order. A missing
 * folder is silently skipped; a bad file is warned about and skipped.
 * Returns the number of plugins loaded. */
ZP_API int zp_registry_load_dir(zp_registry *reg, const char *dir);

/* The default search: the install's plugin folder, named by the ABI major
 * (<libdir>/zeropix/plugins-1), then each folder of the colon-separated
 * ZEROPIX_PLUGIN_PATH environment variable. Returns plugins loaded. */
ZP_API int zp_registry_load_default(zp_registry *reg);

/* The install's plugin folder (static text): found at run time relative to
 * the zeropix program or library (so a relocated install or one made with
 * `cmake --install --prefix` finds its own), else the folder the build was
 * configured with. */
ZP_API const char *zp_plugin_dir(void);

/* Filters in registration order; borrowed, valid while the registry lives. */
ZP_API size_t zp_registry_count(const zp_registry *reg);
ZP_API const zp_filter *zp_registry_filter(const zp_registry *reg, size_t index);
/* Where the filter came from: "built-in" or the plugin file's path. */
ZP_API const char *zp_registry_origin(const zp_registry *reg, size_t index);
/* By name, or NULL. */
ZP_API const zp_filter *zp_registry_find(const zp_registry *reg, const char *name);
/* The registered filter name closest to `name` (edit distance), or NULL
 * when none is close: for "did you mean" messages. */
ZP_API const char *zp_registry_suggest(const zp_registry *reg, const char *name);

/* ---- Pipelines ------------------------------------------------------------------
 * Syntax of one operation:  NAME[:PARAM=VALUE[,PARAM=VALUE]...]
 *   - PARAM may be left out for the first parameters, in table order:
 *     "rotate:90" is "rotate:angle=90", "resize:800" is "resize:width=800".
 *   - NUMBERS values separate their items with spaces or ';':
 *     "convolve:kernel=1;2;1;2;4;2;1;2;1,scale=0.0625".
 *   - Booleans: 1/0, true/false, yes/no, on/off.
 * A chain is several operations, as separate strings or separated by
 * whitespace in one string. */

typedef struct zp_pipeline zp_pipeline;

/* Parse `count` operations against the registry (which must outlive the
 * pipeline). Errors name the operation and the bad parameter, with a
 * suggestion ("operation 2 'blurr': unknown filter (did you mean 'blur'?)").
 * A chain longer than ZP_MAX_OPERATIONS is refused. */
#define ZP_MAX_OPERATIONS 256
ZP_API ZP_NODISCARD zp_status zp_pipeline_parse(const zp_registry *reg, int count,
                                                const char *const *ops, zp_pipeline **out);
/* The same from one string of whitespace-separated operations. */
ZP_API ZP_NODISCARD zp_status zp_pipeline_parse_string(const zp_registry *reg, const char *chain,
                                                       zp_pipeline **out);
ZP_API void zp_pipeline_free(zp_pipeline *p);
ZP_API size_t zp_pipeline_length(const zp_pipeline *p);

/* How zp_pipeline_convert() runs a chain (zp_pipeline_run() is always
 * whole-frame). Both give the same bytes. */
typedef enum zp_run_mode {
    ZP_RUN_AUTO = 0,   /* streaming (the default)                           */
    ZP_RUN_STREAM = 1, /* strip by strip: decode, stages and encode overlap;
                          memory is a few strips per stage, except where a
                          stage needs the whole image (see docs/streaming.md) */
    ZP_RUN_WHOLE = 2   /* decode the whole image, run the chain on it
                          (zp_pipeline_run), then encode it                 */
} zp_run_mode;

typedef struct zp_run_options {
    int      threads;    /* whole-frame: worker threads for pixel stages;
                            streaming: 1 runs decode, stages and encode on
                            the calling thread, more gives the decoder and
                            each pixel stage a thread of its own (the
                            calling thread encodes); 0 = number of cores   */
    uint64_t max_pixels; /* no stage may make an image of more pixels; 0 =
                            no limit. zp_run_options_init() sets
                            ZP_DEFAULT_MAX_PIXELS (and a NULL options
                            pointer means the same)                        */
    zp_run_mode mode;    /* zp_pipeline_convert() only; default ZP_RUN_AUTO */
    int shrink_on_load;  /* zp_pipeline_convert() only; 1 (default): when the
                            first pixel stage is a resize or thumbnail that
                            shrinks a JPEG by 6 or more on both sides, the
                            decoder scales by 1/2, 1/4 or 1/8 (DCT scaling),
                            the most that leaves the resize shrinking by 3
                            or more; pixels differ slightly from a full
                            decode (docs/streaming.md). 0: always full
                            decodes                                        */
} zp_run_options;

/* threads 0 (one per core), max_pixels ZP_DEFAULT_MAX_PIXELS, mode
 * ZP_RUN_AUTO, shrink_on_load 1. */
ZP_API void zp_run_options_init(zp_run_options *opt);

/* Run the chain on `input` (not modified; any strides) and give `output`
 * its own reference to the result. View-only stages fold into views of the
 * input (no pixel touched); pixel stages write into buffers the pipeline
 * allocates (64-byte aligned rows), reusing them between stages. The same
 * pipeline may be run again on other images, but not concurrently. The
 * result is the same, byte for byte, for any thread count. */
ZP_API ZP_NODISCARD zp_status zp_pipeline_run(zp_pipeline *p, const zp_view *input,
                                              const zp_run_options *opt, zp_view *output);

/* ---- Conversions: decode, run, encode ---------------------------------------- */

/* Where zp_pipeline_convert() writes. Set exactly one of: `path` (a file,
 * written through a temporary renamed into place, as zp_image_encode_file:
 * on failure no file is left), `stream` (an open stream such as stdout;
 * borrowed, not closed; on failure part of the output may have been
 * written), or `data` and `size` (a new memory block, owned by the caller
 * and freed with zp_free(); NULL and 0 on failure). The last three fields
 * are answers. */
typedef struct zp_output {
    const char *path;
    FILE       *stream;
    void      **data;
    size_t     *size;
    int32_t     width, height; /* set: the image written, in pixels; 0 on
                                  failure                                 */
    int         output_failed; /* set on failure: 1 when writing the output
                                  failed (encoder options, I/O), 0 when
                                  reading the input or a stage did        */
} zp_output;

/* Decode what `dec` holds, run the chain `p` (NULL: no operations) and
 * encode the result to `out` with `enc` (NULL: defaults; for a path,
 * ZP_FORMAT_UNKNOWN takes the format from the extension), writing `meta`
 * (may be NULL; usually zp_decoder_metadata(dec), whose EXIF orientation
 * tag is reset to 1 before the first row when the decoder applies the
 * orientation). `dec` is borrowed: it must be freshly opened (no pixels
 * read), is used up by the call, and is still closed by the caller, who
 * may then ask zp_decoder_info() for warnings and truncation.
 *
 * opt->mode picks streaming (default) or whole-frame execution; both give
 * the same bytes, for any thread count (docs/streaming.md). Streaming
 * keeps a few strips of rows per stage in memory and runs the decoder,
 * each pixel stage and the encoder concurrently; stages that need the
 * whole image (transposes, rotations by 90 and 270 degrees, vertical
 * flips, EXIF orientations 3..8, interlaced PNG input) make the image
 * whole at that point only. One difference: a PNG's eXIf chunk stored
 * after the image data is carried by whole-frame runs only (streaming
 * writes the metadata before the first row).
 *
 * Errors from the decoder (damaged input under the decoder's fail_on),
 * from a stage (named "operation N 'name': ...") or from the encoder are
 * returned with their message; a file output is then not created. */
ZP_API ZP_NODISCARD zp_status zp_pipeline_convert(zp_pipeline *p, zp_decoder *dec,
                                                  zp_output *out,
                                                  const zp_encode_options *enc,
                                                  const zp_metadata *meta,
                                                  const zp_run_options *opt);

/* Shrink-on-load for callers that decode themselves, so that they get what
 * zp_pipeline_convert() gets: when opt->shrink_on_load (see above) and the
 * chain `p` starts with a resize or thumbnail that shrinks the JPEG behind
 * `dec` by 6 or more, make `dec` decode at 1/2, 1/4 or 1/8 of its size
 * (zp_decoder_info() then tells the smaller size; run the whole chain on
 * the result, resize included). Otherwise nothing changes. Call it on a
 * freshly opened decoder. */
ZP_API ZP_NODISCARD zp_status zp_pipeline_prepare_decode(zp_pipeline *p, zp_decoder *dec,
                                                         const zp_run_options *opt);

#ifdef __cplusplus
}
#endif
#endif
