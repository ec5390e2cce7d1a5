/* convert_options.c: the decode, encode, limit and filter options that
 * convert and batch share: parsing, the implied library options, help. */
#define _DEFAULT_SOURCE /* getopt_long */
#include <getopt.h>
#include <string.h>
#include "cli.h"

void cli_job_options_init(cli_job_options *o) {
    memset(o, 0, sizeof *o);
    zp_encode_options_init(&o->enc);
    zp_decode_options_init(&o->dec);
}

int cli_job_option(const char *cmd, cli_job_options *o, int c, const char *arg) {
    static const int subsamplings[] = {444, 422, 420, 0};
    static const int depths[] = {8, 16, 0};
    switch (c) {
    case 'f': return cli_parse_format(cmd, arg, &o->enc.format);
    case 'q':
        o->given |= CLI_GIVEN_QUALITY;
        return cli_parse_int(cmd, "--quality", arg, 1, 100, &o->enc.quality);
    case CLI_OPT_PROGRESSIVE:
        o->enc.progressive = 1;
        o->given |= CLI_GIVEN_PROGRESSIVE;
        return CLI_CONTINUE;
    case CLI_OPT_OPTIMIZE:
        o->enc.optimize = 1;
        o->given |= CLI_GIVEN_OPTIMIZE;
        return CLI_CONTINUE;
    case CLI_OPT_SUBSAMPLING:
        o->given |= CLI_GIVEN_SUBSAMPLING;
        return cli_parse_choice(cmd, "--subsampling", arg, subsamplings, &o->enc.subsampling);
    case CLI_OPT_COMPRESSION:
        o->given |= CLI_GIVEN_COMPRESSION;
        return cli_parse_int(cmd, "--compression", arg, 0, 9, &o->enc.compression);
    case CLI_OPT_PNG_FILTER: {
        /* In zp_png_filter order, from ZP_PNG_FILTER_AUTO = 0. */
        static const char *const names[] = {"auto",  "none",     "sub", "up", "average",
                                            "paeth", "adaptive", NULL};
        o->given |= CLI_GIVEN_PNG_FILTER;
        int i, r = cli_parse_keyword(cmd, "--png-filter", arg, names, &i);
        if (r == CLI_CONTINUE) o->enc.png_filter = (zp_png_filter)i;
        return r;
    }
    case CLI_OPT_DEPTH:
        o->given |= CLI_GIVEN_DEPTH;
        return cli_parse_choice(cmd, "--depth", arg, depths, &o->enc.bit_depth);
    case CLI_OPT_NO_ORIENT: o->no_orient = 1; return CLI_CONTINUE;
    case CLI_OPT_STRIP: o->strip = 1; return CLI_CONTINUE;
    case CLI_OPT_MAX_PIXELS:
        return cli_parse_u64(cmd, "--max-pixels", arg, &o->dec.limits.max_pixels);
    case CLI_OPT_NO_LIMITS: o->no_limits = 1; return CLI_CONTINUE;
    case CLI_OPT_THREADS:
        return cli_parse_int(cmd, "--threads", arg, 1, 64, &o->threads);
    case CLI_OPT_FAIL_ON: {
        /* In zp_fail_on order, from ZP_FAIL_ON_NONE = 0. */
        static const char *const levels[] = {"none", "truncated", "error", "warning", NULL};
        int i, r = cli_parse_keyword(cmd, "--fail-on", arg, levels, &i);
        if (r == CLI_CONTINUE) o->dec.fail_on = (zp_fail_on)i;
        return r;
    }
    case CLI_OPT_SIMD: return cli_parse_simd(cmd, arg);
    case CLI_OPT_WHOLE_FRAME: o->whole_frame = 1; return CLI_CONTINUE;
    case CLI_OPT_PLUGIN:
        if (o->plugin_count == CLI_MAX_PLUGINS)
            return cli_usage(cmd, "at most %d --plugin files", CLI_MAX_PLUGINS);
        o->plugins[o->plugin_count++] = (char *)arg;
        return CLI_CONTINUE;
    default: return CLI_NOT_JOB_OPTION;
    }
}

int cli_job_options_finish(const char *cmd, cli_job_options *o, zp_format format) {
    if (format == ZP_FORMAT_JPEG && (o->given & CLI_GIVEN_DEPTH) && o->enc.bit_depth != 8)
        return cli_usage(cmd, "--depth %d is not possible for JPEG output (8 bits only)",
                         o->enc.bit_depth);
    o->dec.apply_orientation = !o->no_orient;
    o->dec.keep_16bit = 1;           /* --depth (or the default) decides on output */
    o->dec.read_metadata = !o->strip;
    o->enc.strip_metadata = o->strip;
    if (o->no_limits) {
        o->dec.limits.max_pixels = 0;
        o->dec.limits.max_jpeg_scans = 0;
        o->dec.limits.max_chunk_size = 0;
    }

    /* Options given that mean nothing for the output format: a note, not an
     * error (the result is still what was asked). */
    static const struct { unsigned bit; const char *name; zp_format only; } opts[] = {
        {CLI_GIVEN_QUALITY, "--quality", ZP_FORMAT_JPEG},
        {CLI_GIVEN_PROGRESSIVE, "--progressive", ZP_FORMAT_JPEG},
        {CLI_GIVEN_OPTIMIZE, "--optimize", ZP_FORMAT_JPEG},
        {CLI_GIVEN_SUBSAMPLING, "--subsampling", ZP_FORMAT_JPEG},
        {CLI_GIVEN_COMPRESSION, "--compression", ZP_FORMAT_PNG},
        {CLI_GIVEN_PNG_FILTER, "--png-filter", ZP_FORMAT_PNG},
    };
    for (size_t i = 0; format != ZP_FORMAT_UNKNOWN && i < sizeof opts / sizeof opts[0]; i++) {
        if ((o->given & opts[i].bit) && format != opts[i].only)
            fprintf(stderr, "zeropix %s: note: %s applies to %s output only; ignored for %s\n",
                    cmd, opts[i].name, zp_format_name(opts[i].only), zp_format_name(format));
    }
    return CLI_CONTINUE;
}

int cli_job_chain(const char *cmd, const cli_job_options *o, int count, char *const *ops,
                  zp_registry **reg, zp_pipeline **pipe) {
    *reg = NULL;
    *pipe = NULL;
    if (!count && !o->plugin_count) return CLI_CONTINUE;
    if (!(*reg = cli_registry(o->plugin_count, o->plugins))) return CLI_EXIT_FAILED;
    if (count && zp_pipeline_parse(*reg, count, (const char *const *)ops, pipe) != ZP_OK) {
        int rc = cli_usage(cmd, "%s", zp_last_error());
        zp_registry_free(*reg);
        *reg = NULL;
        return rc;
    }
    return CLI_CONTINUE;
}

void cli_help_job_options(FILE *out) {
    fputs(
"      --simd LEVEL      use vector instructions up to LEVEL: none, sse4, avx2\n"
"                        or avx512 (default: the best this CPU has, or\n"
"                        ZEROPIX_SIMD); the pixels are the same at every level\n"
"      --whole-frame     decode the whole image, run the operations on it, then\n"
"                        encode it (default: strip by strip, decoding,\n"
"                        filtering and encoding at once in a few MiB; the\n"
"                        bytes written are the same)\n"
"      --plugin FILE     load a filter plugin (repeatable); plugins are also\n"
"                        found in the install's plugin folder and in\n"
"                        ZEROPIX_PLUGIN_PATH (see 'zeropix ops --help')\n"
"JPEG options:\n"
"  -q, --quality N       quality 1..100 (default 90)\n"
"      --progressive     write a progressive JPEG (default: baseline)\n"
"      --optimize        optimised Huffman tables: a little smaller, slower\n"
"                        (default: off)\n"
"      --subsampling S   chroma subsampling 444, 422 or 420 (default 420);\n"
"                        444 keeps full colour detail\n"
"PNG options:\n"
"      --compression N   zlib level 0..9 through libpng: 0 fastest and\n"
"                        largest, 9 smallest and slowest (default: the fast\n"
"                        encoder, several times faster than level 1 with\n"
"                        files a few per cent larger); never changes pixels\n"
"      --png-filter F    row filter: auto (default: paeth, or libpng's choice\n"
"                        with --compression), none, sub, up, average, paeth\n"
"                        or adaptive (the best of the five for each row)\n"
"PNG and PNM options:\n"
"      --depth N         bits per sample, 8 or 16 (default: 16 for 16-bit\n"
"                        input, 8 otherwise); JPEG is always 8\n"
"Orientation and metadata:\n"
"      --no-orient       keep the pixels as stored and the EXIF orientation\n"
"                        tag as it was (default: turn the pixels upright by\n"
"                        the EXIF orientation and reset the tag to 1)\n"
"      --strip           write no ICC profile and no EXIF (default: keep them)\n"
"Limits (protection against hostile or huge inputs):\n"
"      --max-pixels N    refuse an input of more than N pixels (width x\n"
"                        height) before allocating (default 268435456, that\n"
"                        is 16384 x 16384; 0 = no limit)\n"
"      --fail-on LEVEL   how damaged an input may be: none (decode what is\n"
"                        there: a cut file keeps its rows, the rest blank),\n"
"                        truncated (fail only when cut short), error (fail\n"
"                        when cut short or corrupt), warning (fail on any\n"
"                        decoder warning); default error. Warnings that do\n"
"                        not fail are printed.\n"
"      --no-limits       turn every decoder limit off: pixels, JPEG scans,\n"
"                        PNG chunk and metadata size\n", out);
}
