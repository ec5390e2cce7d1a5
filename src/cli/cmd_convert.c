/* cmd_convert.c: `zeropix convert`: decode one image, run it through the
 * operations given after OUTPUT, and write it in the format OUTPUT names,
 * carrying ICC and EXIF across. */
#define _DEFAULT_SOURCE /* getopt_long */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include "cli.h"

#define CMD "convert"

void cli_help_convert(FILE *out) {
    fputs(
"Usage: zeropix convert [OPTIONS] INPUT OUTPUT [OPERATION...]\n"
"\n"
"Decode INPUT (JPEG, PNG or PNM, recognised by its content, not its name),\n"
"apply the OPERATIONs in order, and write the result to OUTPUT in the\n"
"format of OUTPUT's extension (.jpg .jpeg\n"
".png .pnm .ppm .pgm) or of --format. INPUT '-' reads standard input;\n"
"OUTPUT '-' writes standard output and needs --format. A file OUTPUT is\n"
"written to a temporary file in its folder and renamed into place when\n"
"complete: a failed conversion leaves no partial file and does not touch\n"
"an existing one. The ICC profile and EXIF go from INPUT to OUTPUT where\n"
"the format can hold them (JPEG, PNG). JPEG and PNM have no alpha channel:\n"
"it is dropped.\n"
"\n"
"Operations: NAME or NAME:PARAM=VALUE,PARAM=VALUE ('zeropix ops' lists the\n"
"filters, 'zeropix ops NAME' their parameters), for example\n"
"  crop:x=10,y=10,w=200,h=200  rotate:90  blur:sigma=2  resize:width=800\n"
"  thumbnail:width=256,height=256  levels:gamma=1.2  convolve:kernel=0;-1;0;-1;5;-1;0;-1;0\n"
"Crops, flips, rotations and channel picks are views: no pixel is copied.\n"
"      --threads N       worker threads for the operations (default: one per\n"
"                        core); the result is the same for any N\n"
"      --simd LEVEL      use vector instructions up to LEVEL: none, sse4, avx2\n"
"                        or avx512 (default: the best this CPU has, or\n"
"                        ZEROPIX_SIMD); the pixels are the same at every level\n"
"      --plugin FILE     load a filter plugin (repeatable); plugins are also\n"
"                        found in the install's plugin folder and in\n"
"                        ZEROPIX_PLUGIN_PATH (see 'zeropix ops --help')\n"
"\n"
"Output format:\n"
"  -f, --format FMT      jpeg, png or pnm (default: from OUTPUT's extension;\n"
"                        required when OUTPUT is '-')\n"
"JPEG options:\n"
"  -q, --quality N       quality 1..100 (default 90)\n"
"      --progressive     write a progressive JPEG (default: baseline)\n"
"      --optimize        optimised Huffman tables: a little smaller, slower\n"
"                        (default: off)\n"
"      --subsampling S   chroma subsampling 444, 422 or 420 (default 420);\n"
"                        444 keeps full colour detail\n"
"PNG options:\n"
"      --compression N   zlib level 0..9 (default 6): 0 fastest and largest,\n"
"                        9 smallest and slowest; never changes pixels\n"
"PNG and PNM options:\n"
"      --depth N         bits per sample, 8 or 16 (default: 16 for 16-bit\n"
"                        input, 8 otherwise); JPEG is always 8\n"
"Orientation and metadata:\n"
"      --no-orient       keep the pixels as stored and the EXIF orientation\n"
"                        tag as it was (default: turn the pixels upright by\n"
"                        the EXIF orientation and reset the tag to 1)\n"
"      --strip           write no ICC profile and no EXIF (default: keep them)\n"
"Limits (protection against hostile or huge inputs):\n"
"      --max-pixels N    refuse an INPUT of more than N pixels (width x\n"
"                        height) before allocating (default 268435456, that\n"
"                        is 16384 x 16384; 0 = no limit)\n"
"      --fail-on LEVEL   how damaged an INPUT may be: none (decode what is\n"
"                        there: a cut file keeps its rows, the rest blank),\n"
"                        truncated (fail only when cut short), error (fail\n"
"                        when cut short or corrupt), warning (fail on any\n"
"                        decoder warning); default error. Warnings that do\n"
"                        not fail are printed.\n"
"      --no-limits       turn every decoder limit off: pixels, JPEG scans,\n"
"                        PNG chunk and metadata size\n"
"  -h, --help            show this help\n"
"\n"
"Examples:\n"
"  zeropix convert photo.jpg photo.png\n"
"  zeropix convert photo.jpg thumb.jpg thumbnail:width=320,height=320\n"
"  zeropix convert scan.png out.png crop:x=10,y=10,w=200,h=200 rotate:90 sharpen\n"
"  zeropix convert -q 80 --progressive --optimize --strip big.png web.jpg\n"
"  zeropix convert --format pnm - - < scan.png > scan.ppm\n", out);
}

/* Options given explicitly, to warn when one cannot apply to the output. */
enum {
    GIVEN_QUALITY = 1u << 0,
    GIVEN_PROGRESSIVE = 1u << 1,
    GIVEN_OPTIMIZE = 1u << 2,
    GIVEN_SUBSAMPLING = 1u << 3,
    GIVEN_COMPRESSION = 1u << 4,
    GIVEN_DEPTH = 1u << 5
};

typedef struct convert_args {
    const char *input, *output;
    zp_encode_options enc; /* starts at the library defaults */
    zp_decode_options dec;
    int no_orient, strip;
    unsigned given;
    int threads;           /* 0: one per core */
    char *plugins[64];
    int plugin_count;
    char **ops;            /* the operations after OUTPUT */
    int op_count;
} convert_args;

enum {
    OPT_PROGRESSIVE = 256, OPT_OPTIMIZE, OPT_SUBSAMPLING, OPT_COMPRESSION, OPT_DEPTH,
    OPT_NO_ORIENT, OPT_STRIP, OPT_MAX_PIXELS, OPT_NO_LIMITS, OPT_THREADS, OPT_PLUGIN,
    OPT_FAIL_ON, OPT_SIMD
};

static const struct option long_options[] = {
    {"format", required_argument, NULL, 'f'},
    {"quality", required_argument, NULL, 'q'},
    {"progressive", no_argument, NULL, OPT_PROGRESSIVE},
    {"optimize", no_argument, NULL, OPT_OPTIMIZE},
    {"subsampling", required_argument, NULL, OPT_SUBSAMPLING},
    {"compression", required_argument, NULL, OPT_COMPRESSION},
    {"depth", required_argument, NULL, OPT_DEPTH},
    {"no-orient", no_argument, NULL, OPT_NO_ORIENT},
    {"strip", no_argument, NULL, OPT_STRIP},
    {"max-pixels", required_argument, NULL, OPT_MAX_PIXELS},
    {"no-limits", no_argument, NULL, OPT_NO_LIMITS},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"plugin", required_argument, NULL, OPT_PLUGIN},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"simd", required_argument, NULL, OPT_SIMD},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int parse_args(int argc, char **argv, convert_args *a) {
    static const int subsamplings[] = {444, 422, 420, 0};
    static const int depths[] = {8, 16, 0};
    int no_limits = 0, r = CLI_CONTINUE, c;

    zp_encode_options_init(&a->enc);
    zp_decode_options_init(&a->dec);
    opterr = 0; /* we word the messages */
    while (r == CLI_CONTINUE &&
           (c = getopt_long(argc, argv, ":f:q:h", long_options, NULL)) != -1) {
        switch (c) {
        case 'f': r = cli_parse_format(CMD, optarg, &a->enc.format); break;
        case 'q':
            r = cli_parse_int(CMD, "--quality", optarg, 1, 100, &a->enc.quality);
            a->given |= GIVEN_QUALITY;
            break;
        case OPT_PROGRESSIVE: a->enc.progressive = 1; a->given |= GIVEN_PROGRESSIVE; break;
        case OPT_OPTIMIZE: a->enc.optimize = 1; a->given |= GIVEN_OPTIMIZE; break;
        case OPT_SUBSAMPLING:
            r = cli_parse_choice(CMD, "--subsampling", optarg, subsamplings, &a->enc.subsampling);
            a->given |= GIVEN_SUBSAMPLING;
            break;
        case OPT_COMPRESSION:
            r = cli_parse_int(CMD, "--compression", optarg, 0, 9, &a->enc.compression);
            a->given |= GIVEN_COMPRESSION;
            break;
        case OPT_DEPTH:
            r = cli_parse_choice(CMD, "--depth", optarg, depths, &a->enc.bit_depth);
            a->given |= GIVEN_DEPTH;
            break;
        case OPT_NO_ORIENT: a->no_orient = 1; break;
        case OPT_STRIP: a->strip = 1; break;
        case OPT_MAX_PIXELS:
            r = cli_parse_u64(CMD, "--max-pixels", optarg, &a->dec.limits.max_pixels);
            break;
        case OPT_NO_LIMITS: no_limits = 1; break;
        case OPT_THREADS: r = cli_parse_int(CMD, "--threads", optarg, 1, 64, &a->threads); break;
        case OPT_FAIL_ON: {
            static const char *const levels[] = {"none", "truncated", "error", "warning"};
            r = CLI_EXIT_USAGE;
            for (int i = 0; i < 4; i++)
                if (!strcmp(optarg, levels[i])) a->dec.fail_on = (zp_fail_on)i, r = CLI_CONTINUE;
            if (r != CLI_CONTINUE)
                return cli_usage(CMD, "--fail-on must be none, truncated, error or warning, got '%s'",
                                 optarg);
            break;
        }
        case OPT_SIMD: r = cli_parse_simd(CMD, optarg); break;
        case OPT_PLUGIN:
            if (a->plugin_count == 64) return cli_usage(CMD, "at most 64 --plugin files");
            a->plugins[a->plugin_count++] = optarg;
            break;
        case 'h': cli_help_convert(stdout); return CLI_EXIT_OK;
        default: return cli_getopt_error(CMD, c, long_options, argv);
        }
    }
    if (r != CLI_CONTINUE)
        return r;

    int npos = argc - optind;
    if (npos < 2)
        return cli_usage(CMD, npos == 0 ? "missing INPUT and OUTPUT" : "missing OUTPUT");
    a->input = argv[optind];
    a->output = argv[optind + 1];
    a->ops = argv + optind + 2;
    a->op_count = npos - 2;
    if (a->input[0] == '\0' || a->output[0] == '\0')
        return cli_usage(CMD, "INPUT and OUTPUT must not be empty");

    if (a->enc.format == ZP_FORMAT_UNKNOWN) {
        if (cli_is_dash(a->output))
            return cli_usage(CMD, "--format is required when OUTPUT is '-' (stdout)");
        a->enc.format = zp_format_from_name(a->output);
        if (a->enc.format == ZP_FORMAT_UNKNOWN)
            return cli_usage(CMD, "cannot tell the output format from '%s': use .jpg, "
                             ".png, .pnm/.ppm/.pgm or --format", a->output);
    }
    if (a->enc.format == ZP_FORMAT_JPEG && (a->given & GIVEN_DEPTH) && a->enc.bit_depth != 8)
        return cli_usage(CMD, "--depth %d is not possible for JPEG output (8 bits only)",
                         a->enc.bit_depth);

    a->dec.apply_orientation = !a->no_orient;
    a->dec.keep_16bit = 1;           /* --depth (or the default) decides on output */
    a->dec.read_metadata = !a->strip;
    a->enc.strip_metadata = a->strip;
    if (no_limits) {
        a->dec.limits.max_pixels = 0;
        a->dec.limits.max_jpeg_scans = 0;
        a->dec.limits.max_chunk_size = 0;
    }
    return CLI_CONTINUE;
}

/* Options that were given but mean nothing for the chosen output format:
 * a note on stderr, not an error (the result is still what was asked). */
static void warn_unused(const convert_args *a) {
    static const struct { unsigned bit; const char *name; zp_format only; } opts[] = {
        {GIVEN_QUALITY, "--quality", ZP_FORMAT_JPEG},
        {GIVEN_PROGRESSIVE, "--progressive", ZP_FORMAT_JPEG},
        {GIVEN_OPTIMIZE, "--optimize", ZP_FORMAT_JPEG},
        {GIVEN_SUBSAMPLING, "--subsampling", ZP_FORMAT_JPEG},
        {GIVEN_COMPRESSION, "--compression", ZP_FORMAT_PNG},
    };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        if ((a->given & opts[i].bit) && a->enc.format != opts[i].only)
            fprintf(stderr, "zeropix convert: note: %s applies to %s output only; "
                    "ignored for %s\n", opts[i].name, zp_format_name(opts[i].only),
                    zp_format_name(a->enc.format));
    }
    zp_format by_name = cli_is_dash(a->output) ? ZP_FORMAT_UNKNOWN
                                                : zp_format_from_name(a->output);
    if (by_name != ZP_FORMAT_UNKNOWN && by_name != a->enc.format)
        fprintf(stderr, "zeropix convert: note: writing %s into '%s' as --format says\n",
                zp_format_name(a->enc.format), a->output);
}

static zp_status decode_input(const convert_args *a, zp_image *img) {
    zp_decoder *dec = NULL;
    zp_status st = cli_is_dash(a->input)
                       ? zp_decoder_open_stream(stdin, &a->dec, &dec)
                       : zp_decoder_open_file(a->input, &a->dec, &dec);
    if (st == ZP_OK) {
        st = zp_decoder_read(dec, img);
        /* Damage that --fail-on let through is said, not hidden. */
        if (st == ZP_OK && img->info.warnings) {
            const char *name = cli_display_name(a->input, "<stdin>");
            fprintf(stderr, "zeropix: %s: warning: %s", name, zp_decoder_warning(dec));
            if (img->info.warnings > 1) fprintf(stderr, " (and %u more)", img->info.warnings - 1);
            fputs(img->info.truncated ? "; the rows past the end are blank\n" : "\n", stderr);
        }
        zp_decoder_close(dec);
    }
    return st;
}

/* Decode, run the operations, encode. `pipe` may be NULL (no operations). */
static int convert(const convert_args *a, zp_pipeline *pipe) {
    const char *in_name = cli_display_name(a->input, "<stdin>");
    const char *out_name = cli_display_name(a->output, "<stdout>");
    zp_image img;
    memset(&img, 0, sizeof img);

    zp_clear_error();
    zp_status st = decode_input(a, &img);
    if (st == ZP_ERR_LIMIT) {
        /* Say which option lifts the limit that was hit. */
        fprintf(stderr, "zeropix: %s: %s (%s)\n", in_name, cli_reason(st),
                strstr(zp_last_error(), "max_pixels") ? "--max-pixels N or --no-limits allows it"
                                                      : "--no-limits allows it");
        return CLI_EXIT_FAILED;
    }
    if (st != ZP_OK)
        return cli_fail(in_name, st);

    /* Operations that fail on this image (a crop outside it) fail the input. */
    zp_view result;
    if (pipe) {
        zp_run_options run_opt = {a->threads, a->dec.limits.max_pixels}; /* same limit */
        zp_clear_error();
        if ((st = zp_pipeline_run(pipe, &img.view, &run_opt, &result)) != ZP_OK) {
            int rc = cli_fail(in_name, st);
            zp_image_release(&img);
            return rc;
        }
    } else {
        zp_view_share(&img.view, &result);
    }

    /* img.meta comes with the EXIF orientation reset to 1 when the pixels
     * were turned upright (the library does it), so it is written as is. */
    const zp_metadata *meta = &img.meta;

    zp_clear_error();
    if (cli_is_dash(a->output)) {
        st = zp_image_encode_stream(&result, meta, stdout, &a->enc);
        if (st != ZP_OK) {
            cli_fail(out_name, st);
        } else if (fflush(stdout) != 0) {
            fprintf(stderr, "zeropix: %s: write failed: %s\n", out_name, strerror(errno));
            st = ZP_ERR_IO;
        }
    } else if ((st = zp_image_encode_file(&result, meta, a->output, &a->enc)) != ZP_OK) {
        cli_fail(out_name, st);
    }
    zp_view_release(&result);
    zp_image_release(&img);
    return st == ZP_OK ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}

static int run(const convert_args *a) {
    /* The chain is parsed before anything is read: a mistake in it is a
     * usage error (exit 2) and costs no decoding. */
    zp_registry *reg = NULL;
    zp_pipeline *pipe = NULL;
    if (a->op_count || a->plugin_count) {
        if (!(reg = cli_registry(a->plugin_count, a->plugins)))
            return CLI_EXIT_FAILED;
        if (a->op_count &&
            zp_pipeline_parse(reg, a->op_count, (const char *const *)a->ops, &pipe) != ZP_OK) {
            int rc = cli_usage(CMD, "%s", zp_last_error());
            zp_registry_free(reg);
            return rc;
        }
    }
    warn_unused(a);
    int rc = convert(a, pipe);
    zp_pipeline_free(pipe);
    zp_registry_free(reg);
    return rc;
}

int cli_cmd_convert(int argc, char **argv) {
    convert_args a;
    memset(&a, 0, sizeof a);
    int r = parse_args(argc, argv, &a);
    return r == CLI_CONTINUE ? run(&a) : r;
}
