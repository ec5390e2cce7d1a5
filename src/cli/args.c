/* args.c: option-value parsing and the error reports every subcommand uses. */
#define _DEFAULT_SOURCE /* getopt_long, optopt */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

int cli_usage(const char *cmd, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "zeropix %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'zeropix %s --help'.\n", cmd);
    return CLI_EXIT_USAGE;
}

const char *cli_reason(zp_status st) {
    const char *msg = zp_last_error();
    return (msg && *msg) ? msg : zp_status_str(st);
}

int cli_fail(const char *name, zp_status st) {
    fprintf(stderr, "zeropix: %s: %s\n", name, cli_reason(st));
    return CLI_EXIT_FAILED;
}

int cli_is_dash(const char *arg) {
    return arg[0] == '-' && arg[1] == '\0';
}

const char *cli_display_name(const char *path, const char *dash_name) {
    return cli_is_dash(path) ? dash_name : path;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s) {
    unsigned char c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) n = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) n = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) n = 4, min = 0x10000;
    else return 0;
    unsigned cp = c & (0x3f >> (n - 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0; /* also stops at the NUL */
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return n;
}

void cli_json_string(FILE *out, const char *text) {
    const unsigned char *s = (const unsigned char *)text;
    fputc('"', out);
    while (*s) {
        size_t n = utf8_len(s);
        if (n == 0) {
            fputs("\\ufffd", out);
            s++;
            continue;
        }
        if (n > 1) {
            fwrite(s, 1, n, out);
            s += n;
            continue;
        }
        switch (*s) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*s < 0x20 || *s == 0x7f) fprintf(out, "\\u%04x", *s);
            else fputc(*s, out);
        }
        s++;
    }
    fputc('"', out);
}

/* strtol that accepts only a whole, in-range decimal number. */
static int to_long(const char *text, long *out) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE)
        return 0;
    *out = v;
    return 1;
}

int cli_parse_int(const char *cmd, const char *opt, const char *text,
                  long lo, long hi, int *out) {
    long v;
    if (!to_long(text, &v))
        return cli_usage(cmd, "%s must be a whole number %ld..%ld, got '%s'", opt, lo, hi, text);
    if (v < lo || v > hi)
        return cli_usage(cmd, "%s must be %ld..%ld, got %s", opt, lo, hi, text);
    *out = (int)v;
    return CLI_CONTINUE;
}

/* Append item i of n to the list of allowed values: "8 or 16", "444, 422
 * or 420". */
static void list_add(char *list, size_t size, size_t i, size_t n, const char *item) {
    size_t used = strlen(list);
    snprintf(list + used, size - used, "%s%s", i == 0 ? "" : (i + 1 == n ? " or " : ", "), item);
}

int cli_parse_choice(const char *cmd, const char *opt, const char *text,
                     const int *allowed, int *out) {
    long v;
    if (to_long(text, &v)) {
        for (const int *a = allowed; *a; a++) {
            if (v == *a) {
                *out = *a;
                return CLI_CONTINUE;
            }
        }
    }
    char list[96] = "";
    size_t n = 0;
    while (allowed[n]) n++;
    for (size_t i = 0; i < n; i++) {
        char item[16];
        snprintf(item, sizeof item, "%d", allowed[i]);
        list_add(list, sizeof list, i, n, item);
    }
    return to_long(text, &v) ? cli_usage(cmd, "%s must be %s, got %s", opt, list, text)
                             : cli_usage(cmd, "%s must be %s, got '%s'", opt, list, text);
}

int cli_parse_keyword(const char *cmd, const char *opt, const char *text,
                      const char *const *names, int *out) {
    size_t n = 0;
    for (; names[n]; n++) {
        if (strcmp(text, names[n]) == 0) {
            *out = (int)n;
            return CLI_CONTINUE;
        }
    }
    char list[128] = "";
    for (size_t i = 0; i < n; i++) list_add(list, sizeof list, i, n, names[i]);
    return cli_usage(cmd, "%s must be %s, got '%s'", opt, list, text);
}

int cli_parse_u64(const char *cmd, const char *opt, const char *text, uint64_t *out) {
    char *end;
    errno = 0;
    /* strtoull accepts "-1" and wraps it: require a leading digit. */
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno == ERANGE)
        return cli_usage(cmd, "%s must be a whole number >= 0, got '%s'", opt, text);
    *out = (uint64_t)v;
    return CLI_CONTINUE;
}

int cli_parse_format(const char *cmd, const char *text, zp_format *out) {
    static const struct { const char *name; zp_format format; } names[] = {
        {"jpeg", ZP_FORMAT_JPEG}, {"jpg", ZP_FORMAT_JPEG}, {"png", ZP_FORMAT_PNG},
        {"pnm", ZP_FORMAT_PNM},   {"ppm", ZP_FORMAT_PNM},  {"pgm", ZP_FORMAT_PNM},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(text, names[i].name) == 0) {
            *out = names[i].format;
            return CLI_CONTINUE;
        }
    }
    return cli_usage(cmd, "--format must be jpeg, png or pnm, got '%s'", text);
}

static const struct option *find_long(const struct option *longopts, int val) {
    for (const struct option *o = longopts; o->name; o++)
        if (o->val == val) return o;
    return NULL;
}

int cli_getopt_error(const char *cmd, int ret, const struct option *longopts,
                     char **argv) {
    const struct option *o = optopt ? find_long(longopts, optopt) : NULL;
    /* getopt_long has already stepped past the offending word. */
    const char *word = optind > 0 ? argv[optind - 1] : "";

    if (ret == ':') /* missing value */
        return o ? cli_usage(cmd, "option '--%s' needs a value", o->name)
                 : cli_usage(cmd, "option '-%c' needs a value", optopt);
    if (optopt == 0) { /* unknown or ambiguous long option */
        int len = (int)strcspn(word, "=");
        char matches[256] = "";
        int n = 0;
        /* getopt_long takes unique prefixes ("--qual"); name the candidates
         * of a prefix that fits several ("--no"). */
        if (strncmp(word, "--", 2) == 0 && len > 2) {
            for (const struct option *c = longopts; c->name; c++) {
                if (strncmp(c->name, word + 2, (size_t)len - 2) == 0) {
                    size_t used = strlen(matches);
                    snprintf(matches + used, sizeof matches - used, "%s--%s",
                             n++ ? ", " : "", c->name);
                }
            }
        }
        if (n > 1)
            return cli_usage(cmd, "ambiguous option '%.*s' (could be %s)", len, word, matches);
        return cli_usage(cmd, "unknown option '%.*s'", len, word);
    }
    if (o && o->has_arg == no_argument && strncmp(word, "--", 2) == 0)
        return cli_usage(cmd, "option '--%s' takes no value", o->name);
    return cli_usage(cmd, "unknown option '-%c'", optopt);
}

int cli_parse_simd(const char *cmd, const char *text) {
    zp_simd level;
    if (zp_simd_parse(text, &level) != ZP_OK)
        return cli_usage(cmd, "--simd must be none, sse4, avx2 or avx512, got '%s'", text);
    zp_simd_set_cap(level);
    return CLI_CONTINUE;
}
