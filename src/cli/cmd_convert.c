/* cmd_convert.c: `zeropix convert`: decode one image, run it through the
 * operations given after OUTPUT, and write it in the format OUTPUT names,
 * carrying ICC and EXIF across. */
#define _DEFAULT_SOURCE /* getopt_long */
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
"\n"
"Options:\n"
"  -f, --format FMT      output format: jpeg, png or pnm (default: from\n"
"                        OUTPUT's extension; required when OUTPUT is '-')\n"
"      --threads N       worker threads for the operations (default: one per\n"
"                        core); the result is the same for any N\n", out);
    cli_help_job_options(out);
    fputs(
"  -h, --help            show this help\n"
"\n"
"Examples:\n"
"  zeropix convert photo.jpg photo.png\n"
"  zeropix convert photo.jpg thumb.jpg thumbnail:width=320,height=320\n"
"  zeropix convert scan.png out.png crop:x=10,y=10,w=200,h=200 rotate:90 sharpen\n"
"  zeropix convert -q 80 --progressive --optimize --strip big.png web.jpg\n"
"  zeropix convert --format pnm - - < scan.png > scan.ppm\n", out);
}

typedef struct convert_args {
    const char *input, *output;
    zp_format by_name;     /* the format OUTPUT's extension names, if any */
    cli_job_options job;
    char **ops;            /* the operations after OUTPUT */
    int op_count;
} convert_args;

static const struct option long_options[] = {
    CLI_JOB_LONG_OPTIONS,
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int parse_args(int argc, char **argv, convert_args *a) {
    int r = CLI_CONTINUE, c;
    cli_job_options_init(&a->job);
    opterr = 0; /* we word the messages */
    while (r == CLI_CONTINUE &&
           (c = getopt_long(argc, argv, ":" CLI_JOB_SHORT_OPTIONS "h", long_options, NULL)) != -1) {
        if (c == 'h') {
            cli_help_convert(stdout);
            return CLI_EXIT_OK;
        }
        r = cli_job_option(CMD, &a->job, c, optarg);
        if (r == CLI_NOT_JOB_OPTION) return cli_getopt_error(CMD, c, long_options, argv);
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

    zp_encode_options *enc = &a->job.enc;
    a->by_name = cli_is_dash(a->output) ? ZP_FORMAT_UNKNOWN : zp_format_from_name(a->output);
    if (enc->format == ZP_FORMAT_UNKNOWN) {
        if (cli_is_dash(a->output))
            return cli_usage(CMD, "--format is required when OUTPUT is '-' (stdout)");
        if ((enc->format = a->by_name) == ZP_FORMAT_UNKNOWN)
            return cli_usage(CMD, "cannot tell the output format from '%s': use .jpg, "
                             ".png, .pnm/.ppm/.pgm or --format", a->output);
    }
    return CLI_CONTINUE;
}

static int run(convert_args *a) {
    /* The chain is parsed before anything is read: a mistake in it is a
     * usage error (exit 2) and costs no decoding. */
    zp_registry *reg;
    zp_pipeline *pipe;
    int rc = cli_job_chain(CMD, &a->job, a->op_count, a->ops, &reg, &pipe);
    if (rc != CLI_CONTINUE) return rc;
    rc = cli_job_options_finish(CMD, &a->job, a->job.enc.format);
    if (rc == CLI_CONTINUE) {
        if (a->by_name != ZP_FORMAT_UNKNOWN && a->by_name != a->job.enc.format)
            fprintf(stderr, "zeropix convert: note: writing %s into '%s' as --format says\n",
                    zp_format_name(a->job.enc.format), a->output);
        cli_job job;
        cli_job_result res;
        cli_job_init(&job, &a->job, pipe, a->job.threads);
        cli_job_run(&job, a->input, a->output, a->job.enc.format, &res);
        if (res.warning[0])
            fprintf(stderr, "zeropix: %s: warning: %s\n", cli_display_name(a->input, "<stdin>"),
                    res.warning);
        if (res.status) fprintf(stderr, "zeropix: %s: %s\n", res.error_name, res.error);
        rc = res.status ? CLI_EXIT_FAILED : CLI_EXIT_OK;
    }
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
