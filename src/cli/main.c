/* main.c: the zeropix command: dispatch to subcommands, top-level help and
 * version. */
#include <signal.h>
#include <string.h>
#include "cli.h"

static int cmd_version(int argc, char **argv);
static int unknown_command(const char *name);
static int cmd_help(int argc, char **argv);
static void help_version(FILE *out);
static void help_help(FILE *out);

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    void (*help)(FILE *out);
    const char *summary;
} command;

static const command commands[] = {
    {"convert", cli_cmd_convert, cli_help_convert,
     "convert one image to JPEG, PNG or PNM, keeping ICC and EXIF"},
    {"batch", cli_cmd_batch, cli_help_batch,
     "convert many images in parallel: resumable, with a report, shardable"},
    {"ops", cli_cmd_ops, cli_help_ops,
     "list the filters for convert, or one filter's parameters"},
    {"info", cli_cmd_info, cli_help_info,
     "show format, size, depth, orientation and metadata (headers only)"},
    {"version", cmd_version, help_version,
     "print the zeropix, libjpeg-turbo and libpng versions"},
    {"help", cmd_help, help_help,
     "show this help, or a command's: zeropix help convert"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void help_main(FILE *out) {
    fputs("Usage: zeropix COMMAND [OPTIONS] [ARGUMENTS]\n"
          "       zeropix --help | --version\n"
          "\n"
          "Convert and inspect JPEG, PNG and PNM images.\n"
          "\n"
          "Commands:\n", out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fputs("\n"
          "Run 'zeropix COMMAND --help' for a command's options and examples.\n"
          "A file argument of '-' means standard input or output.\n"
          "\n"
          "Examples:\n"
          "  zeropix convert photo.jpg photo.png\n"
          "  zeropix convert in.jpg out.jpg crop:x=10,y=10,w=200,h=200 blur:sigma=2\n"
          "  zeropix batch -o thumbs thumbnail:256,256 -- photos\n"
          "  zeropix ops resize\n"
          "  zeropix convert -q 80 --progressive scan.png scan.jpg\n"
          "  zeropix convert --format jpeg - - < in.png > out.jpg\n"
          "  zeropix info --json samples/*.png\n"
          "\n"
          "Exit status:\n"
          "  0  success\n"
          "  1  an input or output failed (cannot read or write, corrupt or\n"
          "     truncated data, over a limit); the message names the file\n"
          "  2  usage error (unknown command or option, bad option value,\n"
          "     missing argument, unknown output format); nothing was done\n", out);
}

static void help_version(FILE *out) {
    fputs("Usage: zeropix version [--simd]   (or zeropix --version)\n"
          "\n"
          "Print the zeropix version and the libjpeg-turbo and libpng versions\n"
          "it was built with.\n"
          "\n"
          "Options:\n"
          "      --simd   also print the vector instructions this CPU offers and,\n"
          "               for each kernel family, the level it runs at. The level\n"
          "               is capped by ZEROPIX_SIMD=none|sse4|avx2|avx512 (or the\n"
          "               --simd LEVEL option of convert and batch)\n"
          "  -h, --help   show this help\n"
          "\n"
          "Examples:\n"
          "  zeropix version\n"
          "  zeropix version --simd\n"
          "  ZEROPIX_SIMD=sse4 zeropix version --simd\n", out);
}

static void help_help(FILE *out) {
    fputs("Usage: zeropix help [COMMAND]\n"
          "\n"
          "Show the list of commands, or the help of COMMAND (the same as\n"
          "'zeropix COMMAND --help').\n"
          "\n"
          "Options:\n"
          "  -h, --help   show this help\n"
          "\n"
          "Examples:\n"
          "  zeropix help\n"
          "  zeropix help convert\n", out);
}

static int is_help_flag(const char *arg) {
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

static const command *find_command(const char *name) {
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

static int cmd_version(int argc, char **argv) {
    if (argc == 2 && is_help_flag(argv[1])) {
        help_version(stdout);
        return CLI_EXIT_OK;
    }
    int simd = argc == 2 && strcmp(argv[1], "--simd") == 0;
    if (argc > 1 && !simd)
        return cli_usage("version", "takes no arguments but --simd, got '%s'", argv[1]);
    /* The library's text already reads "zeropix 0.1.0 (libjpeg-turbo ..., libpng ...)". */
    puts(zp_version_string());
    if (simd) {
        zp_simd_family fam[16];
        int n = zp_simd_families(fam, 16);
        printf("simd: cpu %s, active %s\n", zp_simd_name(zp_simd_detected()),
               zp_simd_name(zp_simd_active()));
        for (int i = 0; i < n && i < 16; i++)
            printf("  %-7s %s\n", fam[i].family, zp_simd_name(fam[i].level));
    }
    return CLI_EXIT_OK;
}

static int cmd_help(int argc, char **argv) {
    if (argc == 1) {
        help_main(stdout);
        return CLI_EXIT_OK;
    }
    if (argc == 2 && is_help_flag(argv[1])) {
        help_help(stdout);
        return CLI_EXIT_OK;
    }
    const command *c = argc == 2 ? find_command(argv[1]) : NULL;
    if (!c) {
        if (argc == 2)
            return unknown_command(argv[1]);
        return cli_usage("help", "takes at most one COMMAND");
    }
    c->help(stdout);
    return CLI_EXIT_OK;
}

/* Levenshtein distance, for "did you mean" on short command names. */
static size_t edit_distance(const char *a, const char *b) {
    size_t lb = strlen(b), row[32];
    if (lb >= sizeof row / sizeof row[0]) return (size_t)-1;
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; a[i - 1]; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static int unknown_command(const char *name) {
    if (name[0] == '-' && name[1] != '\0') {
        fprintf(stderr, "zeropix: unknown option '%s'\n", name);
    } else {
        fprintf(stderr, "zeropix: unknown command '%s'\n", name);
        const command *best = NULL;
        size_t best_d = 3; /* suggest only close matches */
        for (size_t i = 0; i < N_COMMANDS; i++) {
            size_t d = edit_distance(name, commands[i].name);
            if (d < best_d) best_d = d, best = &commands[i];
        }
        if (best)
            fprintf(stderr, "Did you mean 'zeropix %s'?\n", best->name);
        else if (strchr(name, '.') || strchr(name, '/'))
            fprintf(stderr, "To convert a file: zeropix convert %s OUTPUT\n", name);
    }
    fputs("Run 'zeropix --help' for the list of commands.\n", stderr);
    return CLI_EXIT_USAGE;
}

static const int stop_signals[CLI_STOP_SIGNALS] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void cli_die_of_signal(int sig) {
    zp_unlink_partial_outputs();
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_catch_signals(void (*handler)(int), struct sigaction *saved) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < CLI_STOP_SIGNALS; i++) {
        struct sigaction old;
        memset(&old, 0, sizeof old);
        sigaction(stop_signals[i], NULL, &old);
        if (saved) saved[i] = old;
        /* A signal ignored by our parent (nohup, a background job's SIGINT)
         * stays ignored, as the convention is. */
        if (old.sa_handler != SIG_IGN) sigaction(stop_signals[i], &sa, NULL);
    }
}

void cli_restore_signals(const struct sigaction *saved) {
    for (size_t i = 0; i < CLI_STOP_SIGNALS; i++) sigaction(stop_signals[i], &saved[i], NULL);
}

static void install_signal_handlers(void) {
    /* Interrupted (Ctrl-C, kill, hang-up): remove the temporary file of an
     * output being written, then die of the same signal as the shell expects. */
    cli_catch_signals(cli_die_of_signal, NULL);
    /* Over the file-size limit: let the write fail with EFBIG, so the
     * conversion reports it and cleans up, instead of being killed. */
    signal(SIGXFSZ, SIG_IGN);
}

int main(int argc, char **argv) {
    install_signal_handlers();
    if (argc < 2) {
        fputs("Usage: zeropix COMMAND [OPTIONS] [ARGUMENTS]\n"
              "Run 'zeropix --help' for the list of commands.\n", stderr);
        return CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (is_help_flag(name))
        name = "help";
    else if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0)
        name = "version";

    const command *c = find_command(name);
    if (!c)
        return unknown_command(name);
    /* The subcommand sees its own name as argv[0]. */
    int status = c->run(argc - 1, argv + 1);
    if ((fflush(stdout) != 0 || ferror(stdout)) && status == CLI_EXIT_OK) {
        perror("zeropix: <stdout>");
        status = CLI_EXIT_FAILED;
    }
    return status;
}
