/* cmd_batch.c: `zeropix batch`: many images through one chain of
 * operations, in parallel, resumable and shardable across machines. */
#define _DEFAULT_SOURCE /* getopt_long */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "batch.h"

#define CMD BATCH_CMD

void cli_help_batch(FILE *out) {
    fputs(
"Usage: zeropix batch [OPTIONS] [OPERATION...] -- INPUT...\n"
"       find ... -print0 | zeropix batch -0 [OPTIONS] [OPERATION...]\n"
"\n"
"Convert many images with the same OPERATIONs (the syntax of 'zeropix\n"
"convert'; 'zeropix ops' lists them), several at a time, for unattended\n"
"scripts: a bad file is reported and the batch goes on, an interrupted batch\n"
"run again with --skip-existing does only what is left, and --shard splits\n"
"the work between machines.\n"
"\n"
"Inputs: the INPUTs after '--', the paths in --list FILE, or, when neither\n"
"is given, the paths on standard input (one a line, or NUL-separated with\n"
"-0). A folder INPUT is searched, sub-folders included, for files named\n"
"*.jpg *.jpeg *.png *.pnm *.ppm *.pgm (names starting with '.' are skipped);\n"
"a file INPUT is always tried, whatever its name (formats are recognised by\n"
"content).\n"
"\n"
"Outputs keep the sub-folders of the inputs below the base folder: the\n"
"deepest folder holding every input (a folder INPUT counts as itself), or\n"
"--base DIR. So 'zeropix batch -o out -- photos' writes photos/2023/a.jpg\n"
"to out/2023/a.jpg. Each output is written to a temporary file and renamed\n"
"into place when complete: an output file that exists is always whole, and\n"
"a failed or interrupted conversion leaves nothing behind.\n"
"\n"
"Output names:\n"
"  -o, --output DIR      write into DIR (made when missing), keeping each\n"
"                        input's name; with -f, its extension becomes the\n"
"                        format's (.jpg, .png, .pnm)\n"
"  -o, --output TEMPLATE a name with placeholders: %s the input's name\n"
"                        without extension, %e its extension, %% a '%'.\n"
"                        'thumbs/%s_small.jpg' writes into thumbs/ (keeping\n"
"                        sub-folders); a TEMPLATE without a folder,\n"
"                        '%s_small.jpg', writes next to each input\n"
"  -f, --format FMT      jpeg, png or pnm (default: from the output name's\n"
"                        extension)\n"
"      --base DIR        name outputs by the inputs' paths below DIR (every\n"
"                        input must be inside it); default: see above\n"
"      --overwrite-inputs  allow an output to replace an input file (refused\n"
"                        by default, before anything is done); two inputs\n"
"                        with one output name are always refused\n"
"Inputs:\n"
"  -l, --list FILE       read input paths from FILE ('-': standard input)\n"
"  -0, --null            paths in the list or on standard input are\n"
"                        separated by NUL bytes (find -print0), not lines\n"
"Work:\n"
"  -j, --jobs N          convert N files at a time, each worker decoding,\n"
"                        filtering and encoding its own images (default: one\n"
"                        per core); memory is about N images\n"
"      --threads N       threads per worker for the operations (default 1,\n"
"                        or the cores shared out when there are fewer files\n"
"                        than workers); the result is the same for any N\n"
"      --skip-existing   skip an input whose output exists and is complete\n"
"                        (it ends as its format must: PNG IEND, JPEG EOI,\n"
"                        PNM size). Outputs are renamed into place only when\n"
"                        written, so after Ctrl-C or kill every output there\n"
"                        is whole; the check also catches files a power loss\n"
"                        left empty. Settings and dates are not compared\n"
"      --fail-fast       stop at the first failure: start no more files\n"
"      --shard K/N       do only part K of N (1 <= K <= N): the inputs whose\n"
"                        path below the base folder hashes to K - 1 modulo N.\n"
"                        N machines given the same inputs, K = 1..N, do each\n"
"                        input exactly once, in any order\n"
"      --shard auto      K and N from a Slurm job array (SLURM_ARRAY_TASK_ID,\n"
"                        _MIN, _STEP and _COUNT) or a Kubernetes indexed Job\n"
"                        (JOB_COMPLETION_INDEX, 0-based, with N from\n"
"                        --shard-count or ZEROPIX_SHARD_COUNT)\n"
"      --shard-count N   N for --shard auto\n"
"Reporting:\n"
"      --report FILE     write one JSON object per line per input: input,\n"
"                        output, status (done, skipped, failed, cancelled),\n"
"                        error (null unless failed), width, height (of the\n"
"                        output, null unless done), milliseconds, and warning\n"
"                        when --fail-on let damage through. Replaced at each\n"
"                        run; lines are written as inputs finish\n"
"      --progress MODE   auto (default): a live line on a terminal, nothing\n"
"                        otherwise; live; plain (a line every 5 s, for logs);\n"
"                        none. Shows done/total, failures, images/s and ETA\n"
"      --progress-interval S  seconds between plain lines (default 5)\n"
"      --quiet           print failures only: no progress, no summary, no\n"
"                        warnings (the exit status still tells)\n"
"Conversion (as for 'zeropix convert'):\n", out);
    cli_help_job_options(out);
    fputs(
"  -h, --help            show this help\n"
"\n"
"Failures: a file that cannot be read, decoded, filtered or written is\n"
"reported with its path and the reason, and the batch goes on. The summary\n"
"on standard error counts done, skipped and failed files. Ctrl-C (or\n"
"SIGTERM, SIGHUP) stops starting files, lets the running ones finish,\n"
"prints the summary and exits 130 (143, 129); a second Ctrl-C stops at once\n"
"and removes the files being written. Temporary files left by a killed run\n"
"(.zeropix-PID-N.tmp) are removed from the output folders by the next run\n"
"(with --shard, only those over an hour old: another machine may be writing).\n"
"\n"
"Exit status: 0 every input done or skipped; 1 an input failed or was not\n"
"started (--fail-fast); 2 usage error, nothing done (bad option, a mistake in\n"
"the chain, two inputs with one output, an output that is an input).\n"
"\n"
"Examples:\n"
"  zeropix batch -o thumbs thumbnail:256,256 -- photos\n"
"  zeropix batch -o 'web/%s_1200.jpg' -q 85 resize:1200 -- *.png\n"
"  find photos -name '*.jpg' -print0 | zeropix batch -0 -j 8 -f png -o out blur:sigma=1.5\n"
"  zeropix batch --skip-existing --report run.jsonl -o out -f png -- photos\n"
"  zeropix batch --shard 2/4 -o /shared/out -- /shared/photos\n"
"  zeropix batch --shard auto -o out -- photos    # in a Slurm array job\n", out);
}

enum {
    OPT_BASE = CLI_OPT_JOB_END, OPT_OVERWRITE_INPUTS, OPT_SKIP_EXISTING, OPT_FAIL_FAST,
    OPT_SHARD, OPT_SHARD_COUNT, OPT_REPORT, OPT_PROGRESS, OPT_PROGRESS_INTERVAL, OPT_QUIET
};

static const struct option long_options[] = {
    CLI_JOB_LONG_OPTIONS,
    {"output", required_argument, NULL, 'o'},
    {"base", required_argument, NULL, OPT_BASE},
    {"overwrite-inputs", no_argument, NULL, OPT_OVERWRITE_INPUTS},
    {"list", required_argument, NULL, 'l'},
    {"null", no_argument, NULL, '0'},
    {"jobs", required_argument, NULL, 'j'},
    {"skip-existing", no_argument, NULL, OPT_SKIP_EXISTING},
    {"fail-fast", no_argument, NULL, OPT_FAIL_FAST},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"shard-count", required_argument, NULL, OPT_SHARD_COUNT},
    {"report", required_argument, NULL, OPT_REPORT},
    {"progress", required_argument, NULL, OPT_PROGRESS},
    {"progress-interval", required_argument, NULL, OPT_PROGRESS_INTERVAL},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct batch_args {
    cli_job_options job;
    batch_naming naming;
    const char *output, *base, *list, *report, *shard;
    int nul, workers, overwrite_inputs, skip_existing, fail_fast, quiet, shard_count;
    batch_progress progress;
    double interval;
    char **ops, **inputs;
    int op_count, input_count, have_dashdash;
} batch_args;

static int cores(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static int parse_template(const char *t) {
    const char *slash = strrchr(t, '/');
    for (const char *p = t; *p; p++) {
        if (*p != '%') continue;
        if (slash && p < slash)
            return cli_usage(CMD, "-o '%s': placeholders go in the file name, not the folder", t);
        p++;
        if (*p != 's' && *p != 'e' && *p != '%')
            return cli_usage(CMD, "-o '%s': unknown placeholder '%%%.1s' (%%s name, %%e "
                             "extension, %%%% a '%%')", t, *p ? p : "");
    }
    return CLI_CONTINUE;
}

/* In batch_progress order: "live" is PROGRESS_TTY. */
static int parse_progress(const char *text, batch_progress *out) {
    static const char *const names[] = {"auto", "live", "plain", "none", NULL};
    int i, r = cli_parse_keyword(CMD, "--progress", text, names, &i);
    if (r == CLI_CONTINUE) *out = (batch_progress)i;
    return r;
}

static int parse_seconds(const char *text, double *out) {
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !(v >= 0.01 && v <= 86400))
        return cli_usage(CMD, "--progress-interval must be seconds, 0.01..86400, got '%s'", text);
    *out = v;
    return CLI_CONTINUE;
}

static int parse_args(int argc, char **argv, batch_args *a) {
    int r = CLI_CONTINUE, c;
    cli_job_options_init(&a->job);
    a->progress = PROGRESS_AUTO;
    opterr = 0;
    /* '+': options stop at the first OPERATION, so that what follows is
     * the chain and, after '--', the inputs. */
    while (r == CLI_CONTINUE &&
           (c = getopt_long(argc, argv, "+:" CLI_JOB_SHORT_OPTIONS "o:l:0j:h", long_options,
                            NULL)) != -1) {
        switch (c) {
        case 'h': cli_help_batch(stdout); return CLI_EXIT_OK;
        case 'o': a->output = optarg; break;
        case OPT_BASE: a->base = optarg; break;
        case OPT_OVERWRITE_INPUTS: a->overwrite_inputs = 1; break;
        case 'l': a->list = optarg; break;
        case '0': a->nul = 1; break;
        case 'j': r = cli_parse_int(CMD, "--jobs", optarg, 1, 256, &a->workers); break;
        case OPT_SKIP_EXISTING: a->skip_existing = 1; break;
        case OPT_FAIL_FAST: a->fail_fast = 1; break;
        case OPT_SHARD: a->shard = optarg; break;
        case OPT_SHARD_COUNT:
            r = cli_parse_int(CMD, "--shard-count", optarg, 1, 1000000, &a->shard_count);
            break;
        case OPT_REPORT: a->report = optarg; break;
        case OPT_PROGRESS: r = parse_progress(optarg, &a->progress); break;
        case OPT_PROGRESS_INTERVAL: r = parse_seconds(optarg, &a->interval); break;
        case OPT_QUIET: a->quiet = 1; break;
        default:
            r = cli_job_option(CMD, &a->job, c, optarg);
            if (r == CLI_NOT_JOB_OPTION) return cli_getopt_error(CMD, c, long_options, argv);
        }
    }
    if (r != CLI_CONTINUE) return r;

    /* OPERATION... [-- INPUT...]. getopt has eaten a '--' that came right
     * after the options. */
    char **tail = argv + optind;
    int rest = argc - optind;
    a->ops = tail;
    if (optind > 1 && strcmp(argv[optind - 1], "--") == 0) {
        a->have_dashdash = 1;
        a->inputs = tail, a->input_count = rest;
    } else {
        a->op_count = rest;
        for (int i = 0; i < rest; i++) {
            if (strcmp(tail[i], "--") == 0) {
                a->have_dashdash = 1;
                a->op_count = i;
                a->inputs = tail + i + 1, a->input_count = rest - i - 1;
                break;
            }
        }
    }

    for (int i = 0; i < a->op_count; i++) {
        struct stat st;
        if (a->ops[i][0] == '-')
            return cli_usage(CMD, "'%s' after the operations: options go before them", a->ops[i]);
        if (!strchr(a->ops[i], ':') && stat(a->ops[i], &st) == 0)
            return cli_usage(CMD, "'%s' is a file, not an operation: put the inputs after "
                             "'--'", a->ops[i]);
    }

    if (!a->output) return cli_usage(CMD, "missing -o DIR or -o TEMPLATE (where to write)");
    if (a->output[0] == '\0' || cli_is_dash(a->output))
        return cli_usage(CMD, "-o must name a folder or a TEMPLATE (batch writes files, not "
                         "standard output)");
    if (strchr(a->output, '%')) {
        if ((r = parse_template(a->output)) != CLI_CONTINUE) return r;
        a->naming.tmpl = a->output;
    } else {
        a->naming.out_dir = a->output;
    }
    a->naming.format = a->job.enc.format;
    if (a->input_count && a->list)
        return cli_usage(CMD, "give the inputs after '--' or with --list, not both");
    if (!a->input_count && !a->list) {
        if (isatty(STDIN_FILENO))
            return cli_usage(CMD, "no inputs: give them after '--', with --list FILE, or on "
                             "standard input");
        a->list = "-";
    }
    if (a->quiet) a->progress = PROGRESS_NONE;
    if (a->progress == PROGRESS_AUTO) a->progress = isatty(STDERR_FILENO) ? PROGRESS_TTY
                                                                          : PROGRESS_NONE;
    if (a->interval == 0) a->interval = a->progress == PROGRESS_TTY ? 0.1 : 5;
    return CLI_CONTINUE;
}

/* --shard K/N or auto: 1 <= k <= n. */
static int parse_shard(const batch_args *a, unsigned *k, unsigned *n) {
    *k = *n = 1;
    if (!a->shard) return CLI_CONTINUE;
    long kk, nn;
    char *end;
    if (strcmp(a->shard, "auto") == 0) {
        const char *id = getenv("SLURM_ARRAY_TASK_ID"), *idx = getenv("JOB_COMPLETION_INDEX");
        const char *from, *count_var; /* the variables K and N come from */
        if (id && *id) {
            const char *min = getenv("SLURM_ARRAY_TASK_MIN"), *step = getenv("SLURM_ARRAY_TASK_STEP");
            long lo = min && *min ? strtol(min, NULL, 10) : 0;
            long st = step && *step ? strtol(step, NULL, 10) : 1;
            kk = (strtol(id, &end, 10) - lo) / (st > 0 ? st : 1) + 1;
            if (*end) kk = 0;
            from = "SLURM_ARRAY_TASK_ID", count_var = "SLURM_ARRAY_TASK_COUNT";
        } else if (idx && *idx) {
            kk = strtol(idx, &end, 10) + 1;
            if (*end) kk = 0;
            from = "JOB_COMPLETION_INDEX", count_var = "ZEROPIX_SHARD_COUNT";
        } else {
            return cli_usage(CMD, "--shard auto: neither SLURM_ARRAY_TASK_ID nor "
                             "JOB_COMPLETION_INDEX is set");
        }
        const char *count = getenv(count_var);
        nn = a->shard_count ? a->shard_count : count && *count ? strtol(count, &end, 10) : 0;
        if (nn < 1)
            return cli_usage(CMD, "--shard auto: the shard count is unknown (give "
                             "--shard-count N or set %s)", count_var);
        if (kk < 1 || kk > nn)
            return cli_usage(CMD, "--shard auto: %s=%s gives part %ld, outside 1..%ld", from,
                             getenv(from), kk, nn);
    } else {
        errno = 0;
        kk = strtol(a->shard, &end, 10);
        int ok = end != a->shard && *end == '/';
        if (ok) {
            const char *num = end + 1;
            nn = strtol(num, &end, 10);
            ok = end != num && !*end && !errno && nn >= 1 && nn <= 1000000 && kk >= 1 && kk <= nn;
        }
        if (!ok)
            return cli_usage(CMD, "--shard must be K/N with 1 <= K <= N <= 1000000, or auto, "
                             "got '%s'", a->shard);
    }
    *k = (unsigned)kk;
    *n = (unsigned)nn;
    return CLI_CONTINUE;
}

static int gather(batch_args *a, batch_list *list) {
    int rc = CLI_CONTINUE;
    for (int i = 0; i < a->input_count && rc == CLI_CONTINUE; i++)
        rc = batch_add_arg(list, a->inputs[i]);
    if (rc == CLI_CONTINUE && a->list) rc = batch_add_list(list, a->list, a->nul);
    return rc;
}

static int run(batch_args *a) {
    unsigned k, n;
    int rc = parse_shard(a, &k, &n);
    if (rc != CLI_CONTINUE) return rc;

    /* The chain first: a mistake in it costs no reading. */
    zp_registry *reg;
    zp_pipeline *check;
    if ((rc = cli_job_chain(CMD, &a->job, a->op_count, a->ops, &reg, &check)) != CLI_CONTINUE)
        return rc;
    zp_pipeline_free(check); /* each worker parses its own */
    zp_format fixed = a->naming.format ? a->naming.format
                      : a->naming.tmpl ? zp_format_from_name(a->naming.tmpl) : ZP_FORMAT_UNKNOWN;
    rc = cli_job_options_finish(CMD, &a->job, fixed);

    batch_list list;
    memset(&list, 0, sizeof list);
    FILE *report = NULL;
    if (rc == CLI_CONTINUE) rc = gather(a, &list);
    size_t found = list.count;
    if (rc == CLI_CONTINUE) rc = batch_plan(&list, a->base, &a->naming);
    if (rc == CLI_CONTINUE && n > 1) {
        batch_shard(&list, k, n);
        if (!a->quiet)
            fprintf(stderr, "zeropix " CMD ": shard %u/%u: %zu of %zu inputs\n", k, n,
                    list.count, found);
    }
    if (rc == CLI_CONTINUE) rc = batch_check_overwrite(&list, a->overwrite_inputs);
    if (rc == CLI_CONTINUE && batch_prepare_folders(&list, n > 1, a->quiet) < 0)
        rc = CLI_EXIT_FAILED;
    if (rc == CLI_CONTINUE && a->report && !(report = fopen(a->report, "w"))) {
        fprintf(stderr, "zeropix: %s: cannot write the report: %s\n", a->report, strerror(errno));
        rc = CLI_EXIT_FAILED;
    }
    if (rc == CLI_CONTINUE) {
        if (!found && !a->quiet)
            fprintf(stderr, "zeropix " CMD ": no input files (folders are searched for .jpg, "
                    ".jpeg, .png, .pnm, .ppm and .pgm)\n");
        int workers = a->workers ? a->workers : cores();
        int threads = a->job.threads;
        if (!threads) /* the cores go to workers first, to the chain when files are few */
            threads = list.count && list.count < (size_t)workers ? cores() / (int)list.count : 1;
        batch_settings s = {&a->job, reg, a->ops, a->op_count, workers, threads < 1 ? 1 : threads,
                            a->skip_existing, a->fail_fast, a->quiet, a->progress, a->interval,
                            report, a->report};
        rc = batch_run(&list, &s);
    }
    if (report && fclose(report) != 0 && rc == CLI_EXIT_OK) {
        fprintf(stderr, "zeropix: %s: cannot write the report: %s\n", a->report, strerror(errno));
        rc = CLI_EXIT_FAILED;
    }
    batch_list_free(&list);
    zp_registry_free(reg);
    return rc;
}

int cli_cmd_batch(int argc, char **argv) {
    batch_args a;
    memset(&a, 0, sizeof a);
    int r = parse_args(argc, argv, &a);
    return r == CLI_CONTINUE ? run(&a) : r;
}
