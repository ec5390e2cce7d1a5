/* cmd_info.c: `zeropix info`: what each file's header says, as text or as
 * one JSON object per line, without decoding any pixels. */
#define _DEFAULT_SOURCE /* getopt_long */
#include <getopt.h>
#include <string.h>
#include "cli.h"

#define CMD "info"

void cli_help_info(FILE *out) {
    fputs(
"Usage: zeropix info [--json] FILE...\n"
"\n"
"Print what each FILE's header says, without decoding its pixels: format,\n"
"width x height as displayed (after the EXIF orientation), channels, bits\n"
"per sample, colour model, EXIF orientation, progressive (JPEG) or\n"
"interlaced (PNG), and the sizes of the ICC profile and EXIF when present.\n"
"FILE '-' reads standard input. A file that cannot be read is reported and\n"
"the others are still shown; the exit status is then 1.\n"
"\n"
"Options:\n"
"      --json      one JSON object per line per FILE, with the keys file,\n"
"                  format, width, height, channels, bit_depth, dtype, color,\n"
"                  orientation, orientation_applied, interlaced, icc_size and\n"
"                  exif_size; a FILE that failed gives {\"file\", \"error\"}\n"
"                  (default: one line of text per FILE)\n"
"  -h, --help      show this help\n"
"\n"
"Examples:\n"
"  zeropix info samples/photo.jpg\n"
"    samples/photo.jpg: JPEG 480x640 3ch 8-bit rgb, orientation 6 (applied),\n"
"    ICC 504 bytes, EXIF 107 bytes\n"
"  zeropix info --json *.png | python3 -m json.tool --json-lines\n"
"  zeropix convert --format png in.jpg - | zeropix info -\n", out);
}

/* ---- JSON output -------------------------------------------------------- */

static void json_info(FILE *out, const char *file, const zp_image_info *in) {
    fputs("{\"file\":", out);
    cli_json_string(out, file);
    fputs(",\"format\":", out);
    cli_json_string(out, zp_format_name(in->format));
    fprintf(out, ",\"width\":%ld,\"height\":%ld,\"channels\":%ld,\"bit_depth\":%d",
            (long)in->width, (long)in->height, (long)in->channels, in->bit_depth);
    fputs(",\"dtype\":", out);
    cli_json_string(out, zp_dtype_name(in->dtype));
    fputs(",\"color\":", out);
    cli_json_string(out, in->color ? in->color : "unknown");
    fprintf(out, ",\"orientation\":%d,\"orientation_applied\":%s,\"interlaced\":%s"
            ",\"icc_size\":%zu,\"exif_size\":%zu}\n",
            in->orientation, in->orientation_applied ? "true" : "false",
            in->interlaced ? "true" : "false", in->icc_size, in->exif_size);
}

static void json_error(FILE *out, const char *file, const char *reason) {
    fputs("{\"file\":", out);
    cli_json_string(out, file);
    fputs(",\"error\":", out);
    cli_json_string(out, reason);
    fputs("}\n", out);
}

/* ---- Text output -------------------------------------------------------- */

static void text_info(FILE *out, const char *file, const zp_image_info *in) {
    char fmt[16];
    const char *name = zp_format_name(in->format);
    size_t i = 0;
    for (; name[i] && i + 1 < sizeof fmt; i++)
        fmt[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
    fmt[i] = '\0';

    fprintf(out, "%s: %s %ldx%ld %ldch %d-bit %s", file, fmt, (long)in->width,
            (long)in->height, (long)in->channels, in->bit_depth,
            in->color ? in->color : "unknown");
    if (in->orientation != 1)
        fprintf(out, ", orientation %d (%s)", in->orientation,
                in->orientation_applied ? "applied" : "not applied");
    if (in->interlaced)
        fputs(in->format == ZP_FORMAT_JPEG ? ", progressive" : ", interlaced", out);
    if (in->icc_size)
        fprintf(out, ", ICC %zu bytes", in->icc_size);
    if (in->exif_size)
        fprintf(out, ", EXIF %zu bytes", in->exif_size);
    fputc('\n', out);
}

/* ---- The command -------------------------------------------------------- */

enum { OPT_JSON = 256 };

static const struct option long_options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* One file: 1 when shown, 0 when it failed (reported already). */
static int show(const char *path, int json) {
    const char *name = cli_display_name(path, "<stdin>");
    zp_decode_options opt;
    zp_decode_options_init(&opt);
    /* No pixels are decoded, so the pixel limit protects nothing here: the
     * size of a 100000 x 100000 image is worth reporting. The metadata limit
     * stays, since headers do allocate for ICC and EXIF. */
    opt.limits.max_pixels = 0;

    zp_decoder *dec = NULL;
    zp_clear_error();
    zp_status st = cli_is_dash(path) ? zp_decoder_open_stream(stdin, &opt, &dec)
                                     : zp_decoder_open_file(path, &opt, &dec);
    const zp_image_info *info = st == ZP_OK ? zp_decoder_info(dec) : NULL;
    if (!info) {
        if (st == ZP_OK) st = ZP_ERR_BAD_STATE;
        if (json) json_error(stdout, name, cli_reason(st));
        cli_fail(name, st);
        zp_decoder_close(dec);
        return 0;
    }
    if (json) json_info(stdout, name, info);
    else text_info(stdout, name, info);
    zp_decoder_close(dec);
    return 1;
}

int cli_cmd_info(int argc, char **argv) {
    int json = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_JSON: json = 1; break;
        case 'h': cli_help_info(stdout); return CLI_EXIT_OK;
        default: return cli_getopt_error(CMD, c, long_options, argv);
        }
    }
    if (optind >= argc)
        return cli_usage(CMD, "missing FILE");

    int failed = 0;
    for (int i = optind; i < argc; i++) {
        if (!show(argv[i], json)) failed = 1;
        /* Keep stdout and stderr in order when both go to one terminal. */
        fflush(stdout);
    }
    return failed ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}
