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
int cli_cmd_info(int argc, char **argv);
int cli_cmd_ops(int argc, char **argv);
/* Help texts, printed by `CMD --help` and `zeropix help CMD`. */
void cli_help_convert(FILE *out);
void cli_help_info(FILE *out);
void cli_help_ops(FILE *out);

/* The built-in filters plus plugins: the `plugins` files first (their
 * filters win a name clash), then the default folders. Warnings go to
 * stderr. NULL (after a message) only when out of memory. */
zp_registry *cli_registry(int plugin_count, char *const *plugins);

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

#endif
