/* cli.h: what the zeropix subcommands share: exit codes, error reports and
 * option-value parsing.
 *
 * The tool is a client of the library like any other: it includes only the
 * public "zeropix/zeropix.h". Its own helpers are prefixed cli_ (not zp_ or
 * zp__), so a reader never mistakes them for library API or internals. */
#ifndef ZEROPIX_CLI_H
#define ZEROPIX_CLI_H

#include <stdint.h>
#include <stdio.h>
#include "zeropix/zeropix.h"
#include "zeropix/pipeline.h"
#include "zeropix/simd.h"

#if defined(__GNUC__)
#  define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#  define CLI_PRINTF(a, b)
#endif

/* Exit codes, documented in `zeropix --help`. */
enum {
    CLI_EXIT_OK = 0,     /* everything succeeded                             */
    CLI_EXIT_FAILED = 1, /* an input or output failed: IO, decode, encode    */
    CLI_EXIT_USAGE = 2   /* the command line is wrong: nothing was attempted */
};

/* Returned by option parsers to mean "parsed fine, go on and run". Any other
 * value is the exit code to return at once (0 after --help). */
#define CLI_CONTINUE (-1)

/* Subcommands: argv[0] is the subcommand's name. Return an exit code. */
int cli_cmd_convert(int argc, char **argv);
int cli_cmd_batch(int argc, char **argv);
int cli_cmd_info(int argc, char **argv);
int cli_cmd_ops(int argc, char **argv);
/* Help texts, printed by `CMD --help` and `zeropix help CMD`. */
void cli_help_convert(FILE *out);
void cli_help_batch(FILE *out);
void cli_help_info(FILE *out);
void cli_help_ops(FILE *out);

/* The built-in filters plus plugins: the `plugins` files first (their
 * filters win a name clash), then the default folders. Warnings go to
 * stderr. NULL (after a message) only when out of memory. */
zp_registry *cli_registry(int plugin_count, char *const *plugins);

/* ---- Signals (main.c) ------------------------------------------------------ */

/* The signals that stop zeropix: SIGINT, SIGTERM, SIGHUP and SIGQUIT. */
#define CLI_STOP_SIGNALS 4
struct sigaction;

/* Catch the stop signals with `handler`, except those the parent left
 * ignored (nohup). `saved` (CLI_STOP_SIGNALS entries, or NULL) receives the
 * previous actions, for cli_restore_signals(). */
void cli_catch_signals(void (*handler)(int), struct sigaction *saved);
void cli_restore_signals(const struct sigaction *saved);

/* Remove the temporary file of any output being written (the library's
 * zp_unlink_partial_outputs) and die of `sig`, as the shell expects of an
 * interrupted command. Async-signal-safe; the default stop handler. */
void cli_die_of_signal(int sig);

/* ---- Errors -------------------------------------------------------------- */

/* "zeropix CMD: <message>" plus "Try 'zeropix CMD --help'." on stderr.
 * Returns CLI_EXIT_USAGE so callers can `return cli_usage(...)`. */
int cli_usage(const char *cmd, const char *fmt, ...) CLI_PRINTF(2, 3);

/* "zeropix: NAME: reason" on stderr, the reason being zp_last_error() or,
 * when that is empty, zp_status_str(st). Returns CLI_EXIT_FAILED. */
int cli_fail(const char *name, zp_status st);

/* The text cli_fail would print after "NAME: " (borrowed; valid until the
 * next zeropix call). */
const char *cli_reason(zp_status st);

/* How a path argument is named in messages: "<stdin>" / "<stdout>" for "-"
 * (pass the stream's name as `dash_name`), the path itself otherwise. */
const char *cli_display_name(const char *path, const char *dash_name);

/* 1 when `arg` is "-", the standard-stream placeholder. */
int cli_is_dash(const char *arg);

/* Write `text` as a JSON string (quotes included). File names are bytes,
 * not necessarily UTF-8: a byte that is not part of valid UTF-8 becomes
 * U+FFFD and control characters are escaped, so the line stays valid JSON. */
void cli_json_string(FILE *out, const char *text);

/* ---- Option values ------------------------------------------------------- */

/* Parse `text` as a decimal integer in lo..hi for option `opt` ("--quality").
 * On error prints "zeropix CMD: --quality must be 1..100, got 120" and
 * returns CLI_EXIT_USAGE; CLI_CONTINUE on success. */
int cli_parse_int(const char *cmd, const char *opt, const char *text,
                  long lo, long hi, int *out);

/* One of the values in `allowed` (a list ending with 0), e.g. 8 or 16. The
 * message lists them: "--depth must be 8 or 16, got 12". */
int cli_parse_choice(const char *cmd, const char *opt, const char *text,
                     const int *allowed, int *out);

/* One of the words in `names` (a list ending with NULL): its index goes to
 * *out. The message lists them: "--fail-on must be none, truncated, error
 * or warning, got 'x'". */
int cli_parse_keyword(const char *cmd, const char *opt, const char *text,
                      const char *const *names, int *out);

/* A non-negative decimal count up to UINT64_MAX. */
int cli_parse_u64(const char *cmd, const char *opt, const char *text, uint64_t *out);

/* A level for --simd (none, sse4, avx2, avx512): caps the process's level
 * with zp_simd_set_cap. */
int cli_parse_simd(const char *cmd, const char *text);

/* A format name for --format: jpeg (jpg), png, pnm (ppm, pgm). */
int cli_parse_format(const char *cmd, const char *text, zp_format *out);

/* Report a getopt_long failure. `ret` is what getopt_long returned ('?' or
 * ':' with a leading ':' in the optstring), `longopts` the table used, and
 * argv/optind as getopt left them. Returns CLI_EXIT_USAGE. */
struct option;
int cli_getopt_error(const char *cmd, int ret, const struct option *longopts,
                     char **argv);

/* ---- Options of one conversion (convert_options.c) ---------------------------
 * convert and batch take the same decode, encode, limit and filter options:
 * one table, one parser, one help text. */

/* Options given explicitly, to warn when one cannot apply to the output. */
enum {
    CLI_GIVEN_QUALITY = 1u << 0,
    CLI_GIVEN_PROGRESSIVE = 1u << 1,
    CLI_GIVEN_OPTIMIZE = 1u << 2,
    CLI_GIVEN_SUBSAMPLING = 1u << 3,
    CLI_GIVEN_COMPRESSION = 1u << 4,
    CLI_GIVEN_DEPTH = 1u << 5,
    CLI_GIVEN_PNG_FILTER = 1u << 6
};

#define CLI_MAX_PLUGINS 64

typedef struct cli_job_options {
    zp_encode_options enc;  /* library defaults, then the options; enc.format
                               is ZP_FORMAT_UNKNOWN unless -f was given     */
    zp_decode_options dec;  /* complete once cli_job_options_finish() ran   */
    unsigned given;         /* CLI_GIVEN_* bits                              */
    int threads;            /* --threads; 0 when not given                   */
    int no_orient, strip, no_limits;
    int whole_frame;        /* --whole-frame: not strip by strip             */
    char *plugins[CLI_MAX_PLUGINS]; /* borrowed from argv                   */
    int plugin_count;
} cli_job_options;

/* getopt_long values of the shared options; a command numbers its own long
 * options from CLI_OPT_JOB_END. */
enum {
    CLI_OPT_PROGRESSIVE = 256, CLI_OPT_OPTIMIZE, CLI_OPT_SUBSAMPLING, CLI_OPT_COMPRESSION,
    CLI_OPT_DEPTH, CLI_OPT_NO_ORIENT, CLI_OPT_STRIP, CLI_OPT_MAX_PIXELS, CLI_OPT_NO_LIMITS,
    CLI_OPT_THREADS, CLI_OPT_PLUGIN, CLI_OPT_FAIL_ON, CLI_OPT_SIMD, CLI_OPT_WHOLE_FRAME,
    CLI_OPT_PNG_FILTER, CLI_OPT_JOB_END
};

/* The shared options, for a command's getopt_long table and optstring. */
#define CLI_JOB_SHORT_OPTIONS "f:q:"
#define CLI_JOB_LONG_OPTIONS                                            \
    {"format", required_argument, NULL, 'f'},                           \
    {"quality", required_argument, NULL, 'q'},                          \
    {"progressive", no_argument, NULL, CLI_OPT_PROGRESSIVE},            \
    {"optimize", no_argument, NULL, CLI_OPT_OPTIMIZE},                  \
    {"subsampling", required_argument, NULL, CLI_OPT_SUBSAMPLING},      \
    {"compression", required_argument, NULL, CLI_OPT_COMPRESSION},      \
    {"png-filter", required_argument, NULL, CLI_OPT_PNG_FILTER},        \
    {"depth", required_argument, NULL, CLI_OPT_DEPTH},                  \
    {"no-orient", no_argument, NULL, CLI_OPT_NO_ORIENT},                \
    {"strip", no_argument, NULL, CLI_OPT_STRIP},                        \
    {"max-pixels", required_argument, NULL, CLI_OPT_MAX_PIXELS},        \
    {"no-limits", no_argument, NULL, CLI_OPT_NO_LIMITS},                \
    {"threads", required_argument, NULL, CLI_OPT_THREADS},              \
    {"plugin", required_argument, NULL, CLI_OPT_PLUGIN},                \
    {"fail-on", required_argument, NULL, CLI_OPT_FAIL_ON},              \
    {"simd", required_argument, NULL, CLI_OPT_SIMD},                    \
    {"whole-frame", no_argument, NULL, CLI_OPT_WHOLE_FRAME}

/* Returned by cli_job_option() for an option that is not a shared one. */
#define CLI_NOT_JOB_OPTION (-2)

/* Library defaults, nothing given. */
void cli_job_options_init(cli_job_options *o);

/* Take getopt_long's answer `c` (with `arg`, its optarg) when it is a shared
 * option: CLI_CONTINUE when taken, an exit code after a message when its
 * value is wrong, CLI_NOT_JOB_OPTION when `c` is not a shared option. */
int cli_job_option(const char *cmd, cli_job_options *o, int c, const char *arg);

/* After the options: fill in the decode and encode options they imply.
 * `format` is the output format when every output has the same one
 * (ZP_FORMAT_UNKNOWN when it varies by file): a --depth that format cannot
 * hold is a usage error, and options that mean nothing for it get a note
 * on stderr. CLI_CONTINUE or CLI_EXIT_USAGE. */
int cli_job_options_finish(const char *cmd, cli_job_options *o, zp_format format);

/* The help text of the shared options from --simd to --no-limits (each
 * command documents -f and --threads in its own words). */
void cli_help_job_options(FILE *out);

/* The registry and the parsed chain for `count` operations (both NULL when
 * there are no operations and no --plugin). A mistake in the chain is a
 * usage error, reported; CLI_CONTINUE on success. Free with
 * zp_pipeline_free() and zp_registry_free(). */
int cli_job_chain(const char *cmd, const cli_job_options *o, int count, char *const *ops,
                  zp_registry **reg, zp_pipeline **pipe);

/* ---- One conversion (convert_job.c) ------------------------------------------
 * Decode, turn upright, run the chain, encode to a temporary file renamed
 * into place: the one code path of convert and of each batch worker. A job
 * keeps what can serve the next file (the decoded-pixel buffer, the parsed
 * chain), so a worker allocates nothing per file once it has seen its
 * largest image. One job per thread. */
typedef struct cli_job {
    const cli_job_options *opt;  /* borrowed                                  */
    zp_pipeline *pipe;           /* borrowed; NULL = no operations            */
    zp_run_options run;          /* threads for the chain, the pixel limit    */
} cli_job;

typedef struct cli_job_result {
    zp_status status;            /* ZP_OK or why it failed                    */
    const char *error_name;      /* the file a failure is about (the input's or
                                    the output's display name)                */
    char error[640];             /* the reason, "" on success                 */
    char warning[640];           /* damage --fail-on let through, "" if none  */
    int32_t width, height;       /* of the image written                      */
} cli_job_result;

/* `threads` is zp_run_options.threads (0 = one per core). */
void cli_job_init(cli_job *job, const cli_job_options *opt, zp_pipeline *pipe, int threads);

/* Convert `input` ("-": standard input) to `output` ("-": standard output)
 * in `format`. Returns res->status. Nothing is printed: the caller reports
 * res->error and res->warning. */
zp_status cli_job_run(cli_job *job, const char *input, const char *output, zp_format format,
                      cli_job_result *res);

#endif
