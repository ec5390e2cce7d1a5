/* batch.h: what the parts of `zeropix batch` share: the list of inputs with
 * their outputs (batch_inputs.c) and the run over it (batch_run.c). */
#ifndef ZEROPIX_CLI_BATCH_H
#define ZEROPIX_CLI_BATCH_H

#include <stddef.h>
#include "cli.h"

#define BATCH_CMD "batch"

/* One input and what becomes of it. Strings are owned by the item. */
typedef struct batch_item {
    char *input;        /* as given (or as found in a folder)           */
    char *abs;          /* absolute, lexically normalised ("/a/b.jpg")  */
    const char *rel;    /* inside abs: the part below the base folder   */
    char *output;       /* NULL when naming failed (see name_error)     */
    char *name_error;   /* why no output name could be made, or NULL    */
    zp_format format;   /* of the output                                */
} batch_item;

typedef struct batch_list {
    batch_item *items;
    size_t count, cap;
    char *base;         /* absolute folder the inputs are named relative to,
                           without its final '/' ("" for the root)     */
    char **dirs;        /* folder INPUTs, absolute: each counts as an
                           input for the choice of the base folder      */
    size_t dir_count;
} batch_list;

/* How the outputs are named (-o and -f). */
typedef struct batch_naming {
    const char *out_dir;   /* -o DIR, or NULL with a template             */
    const char *tmpl;      /* -o 'DIR/%s.png' (contains %), or NULL        */
    zp_format format;      /* -f, or ZP_FORMAT_UNKNOWN                     */
} batch_naming;

/* ---- batch_inputs.c --------------------------------------------------------- */

/* Add one command-line INPUT: a file, or a folder searched recursively for
 * files with an image extension (hidden entries skipped, sorted by name).
 * A path that does not exist is added as is (it fails when processed).
 * Returns CLI_CONTINUE, or an exit code after a message. */
int batch_add_arg(batch_list *list, const char *path);

/* Add the paths of a list file ("-" = standard input), one a line, or
 * NUL-separated when `nul` is set; empty lines are skipped. */
int batch_add_list(batch_list *list, const char *file, int nul);

/* Absolute paths, the base folder (`base_arg`, or the deepest folder that
 * holds every input), the part of each path below it, and the output
 * names; then refuse (usage error) two inputs with one output. */
int batch_plan(batch_list *list, const char *base_arg, const batch_naming *naming);

/* Keep only shard k of n (1 <= k <= n): the inputs whose path below the
 * base hashes to k - 1 modulo n. */
void batch_shard(batch_list *list, unsigned k, unsigned n);

/* Refuse (usage error) outputs that are an existing input file, unless
 * `allow`. */
int batch_check_overwrite(const batch_list *list, int allow);

/* Create the output folders, and remove from them the temporary files that
 * killed zeropix processes left behind (".zeropix-PID-N.tmp" of a PID that
 * no longer runs here; with `shared` folders, other machines may be
 * writing, so only those older than an hour). Returns how many were
 * removed, or -1 after a message when a folder cannot be made. */
long batch_prepare_folders(const batch_list *list, int shared, int quiet);

/* 1 when `path` is a complete image file: a regular file whose content
 * ends as its format requires (PNG IEND chunk, JPEG EOI marker, PNM header
 * size plus pixel bytes). */
int batch_output_complete(const char *path);

void batch_list_free(batch_list *list);

/* ---- batch_run.c ------------------------------------------------------------ */

typedef enum batch_progress { PROGRESS_AUTO, PROGRESS_TTY, PROGRESS_PLAIN, PROGRESS_NONE } batch_progress;

typedef struct batch_settings {
    const cli_job_options *job;
    zp_registry *reg;          /* the chain's registry, or NULL            */
    char *const *ops;          /* the chain, parsed once per worker        */
    int op_count;
    int workers;               /* -j                                        */
    int threads;               /* threads per worker for the chain          */
    int skip_existing, fail_fast, quiet;
    batch_progress progress;
    double interval;           /* seconds between progress updates          */
    FILE *report;              /* JSON lines, or NULL                        */
    const char *report_name;
} batch_settings;

/* Run every item. Returns the exit code: 0, CLI_EXIT_FAILED when an input
 * failed; on SIGINT/SIGTERM/SIGHUP/SIGQUIT it stops starting files, lets
 * the running ones finish, prints the summary and dies of that signal. */
int batch_run(const batch_list *list, const batch_settings *s);

#endif
