/* cmd_ops.c: `zeropix ops`: the filters (built-in and plugins) and their
 * parameters, printed from the filters' own parameter tables; and the
 * registry set-up that `convert` shares. */
#define _DEFAULT_SOURCE /* getopt_long */
#include <getopt.h>
#include <string.h>
#include "cli.h"

#define CMD "ops"

static void print_warning(void *user, const char *message) {
    (void)user;
    fprintf(stderr, "zeropix: warning: %s\n", message);
}

zp_registry *cli_registry(int plugin_count, char *const *plugins) {
    zp_registry *reg = NULL;
    if (zp_registry_new(print_warning, NULL, &reg) != ZP_OK) {
        fprintf(stderr, "zeropix: %s\n", zp_last_error());
        return NULL;
    }
    /* Files named on the command line first: their filters win over
     * same-named ones found in the plugin folders. */
    for (int i = 0; i < plugin_count; i++) (void)zp_registry_load_plugin(reg, plugins[i]);
    zp_registry_load_default(reg);
    return reg;
}

void cli_help_ops(FILE *out) {
    fprintf(out,
"Usage: zeropix ops [--plugin FILE]... [NAME]\n"
"\n"
"Without NAME, list every filter with a one-line summary: the built-ins,\n"
"then plugins from %s and from the\n"
"folders in ZEROPIX_PLUGIN_PATH (colon-separated). With NAME, show that\n"
"filter's parameters: type, range, default and what each does.\n"
"\n"
"An operation is written NAME or NAME:PARAM=VALUE,PARAM=VALUE and several\n"
"go after INPUT and OUTPUT of `zeropix convert`, applied in order:\n"
"  zeropix convert in.jpg out.jpg crop:x=10,y=10,w=200,h=200 blur:sigma=2\n"
"Leading parameters may be given by position (\"rotate:90\", \"resize:800\");\n"
"a list of numbers separates its items with ';' (\"kernel=1;2;1;2;4;2;1;2;1\").\n"
"\n"
"Options:\n"
"      --plugin FILE   load a plugin file as well (repeatable)\n"
"  -h, --help          show this help\n"
"\n"
"Examples:\n"
"  zeropix ops\n"
"  zeropix ops resize\n"
"  zeropix ops --plugin ./vignette.so vignette\n", zp_plugin_dir());
}

static const char *type_name(zp_param_type t) {
    switch (t) {
    case ZP_PARAM_INT: return "integer";
    case ZP_PARAM_FLOAT: return "number";
    case ZP_PARAM_BOOL: return "boolean";
    case ZP_PARAM_CHOICE: return "choice";
    case ZP_PARAM_NUMBERS: return "numbers";
    }
    return "?";
}

/* The word at `index` of "a|b|c" into buf. */
static const char *choice_word(const char *choices, int index, char *buf, size_t size) {
    const char *p = choices;
    for (int i = 0; i < index && p; i++) {
        p = strchr(p, '|');
        if (p) p++;
    }
    if (!p) return "?";
    size_t n = strcspn(p, "|");
    snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), p);
    return buf;
}

static void print_filter(const zp_filter *f, const char *origin) {
    printf("%s: %s\n", f->name, f->summary ? f->summary : "");
    printf("  kind: %s%s%s\n", f->map ? "view (no pixel is copied)" : "pixel",
           strcmp(origin, "built-in") ? ", from " : "", strcmp(origin, "built-in") ? origin : "");
    if (!f->param_count) {
        printf("  no parameters\n");
        return;
    }
    printf("  parameters (in order; the first ones may be given by position):\n");
    for (uint32_t i = 0; i < f->param_count; i++) {
        const zp_param_def *p = &f->params[i];
        char range[128], def[96], word[64];
        switch (p->type) {
        case ZP_PARAM_INT: snprintf(range, sizeof range, "%.0f..%.0f", p->min, p->max); break;
        case ZP_PARAM_FLOAT: snprintf(range, sizeof range, "%g..%g", p->min, p->max); break;
        case ZP_PARAM_BOOL: snprintf(range, sizeof range, "true|false"); break;
        case ZP_PARAM_CHOICE: snprintf(range, sizeof range, "%s", p->choices); break;
        case ZP_PARAM_NUMBERS: snprintf(range, sizeof range, "%.0f..%.0f numbers", p->min, p->max); break;
        }
        if (p->required) snprintf(def, sizeof def, "required");
        else if (p->type == ZP_PARAM_CHOICE) snprintf(def, sizeof def, "default %s", choice_word(p->choices, (int)p->def, word, sizeof word));
        else if (p->type == ZP_PARAM_BOOL) snprintf(def, sizeof def, "default %s", p->def ? "true" : "false");
        else if (p->type == ZP_PARAM_NUMBERS) snprintf(def, sizeof def, "no default");
        else snprintf(def, sizeof def, "default %g", p->def);
        printf("    %-12s %s, %s, %s\n", p->name, type_name(p->type), range, def);
        if (p->help) printf("    %-12s %s\n", "", p->help);
    }
}

int cli_cmd_ops(int argc, char **argv) {
    static const struct option long_options[] = {
        {"plugin", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *plugins[64];
    int plugin_count = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (plugin_count == 64) return cli_usage(CMD, "at most 64 --plugin files");
            plugins[plugin_count++] = optarg;
            break;
        case 'h': cli_help_ops(stdout); return CLI_EXIT_OK;
        default: return cli_getopt_error(CMD, c, long_options, argv);
        }
    }
    if (argc - optind > 1) return cli_usage(CMD, "expected at most one filter NAME");
    zp_registry *reg = cli_registry(plugin_count, plugins);
    if (!reg) return CLI_EXIT_FAILED;
    int rc = CLI_EXIT_OK;
    if (optind < argc) {
        const char *name = argv[optind];
        const zp_filter *f = zp_registry_find(reg, name);
        if (!f) {
            const char *near = zp_registry_suggest(reg, name);
            rc = near ? cli_usage(CMD, "no filter '%s' (did you mean '%s'?)", name, near)
                      : cli_usage(CMD, "no filter '%s' ('zeropix ops' lists them)", name);
        } else {
            for (size_t i = 0; i < zp_registry_count(reg); i++)
                if (zp_registry_filter(reg, i) == f) print_filter(f, zp_registry_origin(reg, i));
        }
    } else {
        for (size_t i = 0; i < zp_registry_count(reg); i++) {
            const zp_filter *f = zp_registry_filter(reg, i);
            const char *origin = zp_registry_origin(reg, i);
            printf("%-12s %s%s%s%s\n", f->name, f->summary ? f->summary : "",
                   strcmp(origin, "built-in") ? " [" : "", strcmp(origin, "built-in") ? origin : "",
                   strcmp(origin, "built-in") ? "]" : "");
        }
        printf("\n'zeropix ops NAME' shows a filter's parameters.\n");
    }
    zp_registry_free(reg);
    return rc;
}
