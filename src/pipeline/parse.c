/* parse.c: operation chains ("crop:x=10,y=10,w=200,h=200 blur:sigma=2")
 * parsed against the filters' parameter tables. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "pipeline_internal.h"
#include "core/core_internal.h"

static void stage_free(zp__stage *s) {
    if (!s->values) return;
    for (uint32_t i = 0; i < s->filter->param_count; i++) free((void *)s->values[i].numbers);
    free(s->values);
    free(s->text);
}

void zp_pipeline_free(zp_pipeline *p) {
    if (!p) return;
    for (size_t i = 0; i < p->count; i++) stage_free(&p->stages[i]);
    free(p->stages);
    free(p);
}

size_t zp_pipeline_length(const zp_pipeline *p) { return p ? p->count : 0; }

/* Error prefix for operation `index` (1-based) named `name`. */
#define OPFAIL(st, fmt, ...) \
    zp__fail(st, "operation %d '%s': " fmt, index, name, __VA_ARGS__)

static const char *suggest_param(const zp_filter *f, const char *key) {
    const char *best = NULL;
    size_t best_d = 3;
    for (uint32_t i = 0; i < f->param_count; i++) {
        size_t d = zp__edit_distance(key, f->params[i].name);
        if (d < best_d) {
            best_d = d;
            best = f->params[i].name;
        }
    }
    return best;
}

static void list_params(const zp_filter *f, char *buf, size_t size) {
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; i < f->param_count && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", f->params[i].name);
    if (!f->param_count) snprintf(buf, size, "none");
}

static int parse_bool(const char *v, double *out) {
    static const char *const yes[] = {"1", "true", "yes", "on"}, *const no[] = {"0", "false", "no", "off"};
    for (int i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i])) { *out = 1; return 1; }
        if (!strcasecmp(v, no[i])) { *out = 0; return 1; }
    }
    return 0;
}

/* A plain decimal number: [+-]digits[.digits][e[+-]digits], nothing else
 * (no hex, no spaces, no "inf"), and finite. */
static int parse_number(const char *v, double *out) {
    const char *p = v;
    int digits = 0;
    if (*p == '+' || *p == '-') p++;
    while (isdigit((unsigned char)*p)) p++, digits++;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++) digits++;
    if (!digits) return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!isdigit((unsigned char)*p)) return 0;
        while (isdigit((unsigned char)*p)) p++;
    }
    if (*p) return 0;
    double d = strtod(v, NULL);
    if (!isfinite(d)) return 0;
    *out = d;
    return 1;
}

/* A whole number written as one: [+-]digits. */
static int parse_integer(const char *v, double *out) {
    const char *p = v + (*v == '+' || *v == '-');
    if (!*p) return 0;
    for (; *p; p++)
        if (!isdigit((unsigned char)*p)) return 0;
    return parse_number(v, out);
}

/* The index of `v` among "a|b|c", or -1. */
static int parse_choice(const char *choices, const char *v) {
    int index = 0;
    for (const char *p = choices; *p; index++) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (strlen(v) == n && !strncasecmp(p, v, n)) return index;
        if (!bar) break;
        p = bar + 1;
    }
    return -1;
}

static zp_status parse_value(int index, const char *name, const zp_param_def *def,
                             const char *v, zp_param_value *out) {
    double d;
    switch (def->type) {
    case ZP_PARAM_INT:
        if (!parse_integer(v, &d))
            return OPFAIL(ZP_ERR_INVALID_ARG, "%s must be a whole number, got '%s'", def->name, v);
        if (d < def->min || d > def->max)
            return OPFAIL(ZP_ERR_INVALID_ARG, "%s must be %.0f..%.0f, got %s", def->name,
                          def->min, def->max, v);
        out->number = d;
        return ZP_OK;
    case ZP_PARAM_FLOAT:
        if (!parse_number(v, &d))
            return OPFAIL(ZP_ERR_INVALID_ARG, "%s must be a finite number, got '%s'", def->name, v);
        if (d < def->min || d > def->max)
            return OPFAIL(ZP_ERR_INVALID_ARG, "%s must be %g..%g, got %s", def->name, def->min,
                          def->max, v);
        out->number = d;
        return ZP_OK;
    case ZP_PARAM_BOOL:
        if (!parse_bool(v, &d))
            return OPFAIL(ZP_ERR_INVALID_ARG, "%s must be true or false (1/0, yes/no, on/off), got '%s'",
                          def->name, v);
        out->number = d;
        return ZP_OK;
    case ZP_PARAM_CHOICE: {
        int k = parse_choice(def->choices, v);
        if (k < 0)
            return OPFAIL(ZP_ERR_INVALID_ARG, "%s must be one of %s, got '%s'", def->name,
                          def->choices, v);
        out->number = k;
        return ZP_OK;
    }
    case ZP_PARAM_NUMBERS: {
        size_t cap = strlen(v) / 2 + 1, n = 0;
        double *list = malloc(cap * sizeof *list);
        if (!list) return zp__fail(ZP_ERR_NOMEM, "out of memory");
        char *copy = strdup(v), *save = NULL;
        if (!copy) {
            free(list);
            return zp__fail(ZP_ERR_NOMEM, "out of memory");
        }
        for (char *t = strtok_r(copy, " \t;", &save); t; t = strtok_r(NULL, " \t;", &save)) {
            if (!parse_number(t, &list[n])) {
                zp_status st = OPFAIL(ZP_ERR_INVALID_ARG, "%s: '%s' is not a finite number",
                                      def->name, t);
                free(copy);
                free(list);
                return st;
            }
            n++;
        }
        free(copy);
        if (n < def->min || n > def->max) {
            free(list);
            return OPFAIL(ZP_ERR_INVALID_ARG, "%s needs %.0f..%.0f numbers, got %zu", def->name,
                          def->min, def->max, n);
        }
        free((void *)out->numbers);
        out->numbers = list;
        out->count = (int32_t)n;
        return ZP_OK;
    }
    }
    return OPFAIL(ZP_ERR_INVALID_ARG, "%s has an unknown type", def->name);
}

static zp_status parse_op(const zp_registry *reg, int index, const char *op, zp__stage *s) {
    const char *colon = strchr(op, ':');
    size_t name_len = colon ? (size_t)(colon - op) : strlen(op);
    char name[72];
    if (name_len == 0 || name_len >= sizeof name)
        return zp__fail(ZP_ERR_INVALID_ARG, "operation %d '%s': not NAME or NAME:PARAM=VALUE,...",
                        index, op);
    memcpy(name, op, name_len);
    name[name_len] = '\0';
    const zp_filter *f = zp_registry_find(reg, name);
    if (!f) {
        const char *near = zp_registry_suggest(reg, name);
        if (near) return OPFAIL(ZP_ERR_INVALID_ARG, "unknown filter (did you mean '%s'?)", near);
        return OPFAIL(ZP_ERR_INVALID_ARG, "%s", "unknown filter ('zeropix ops' lists them)");
    }
    s->filter = f;
    s->values = calloc(f->param_count ? f->param_count : 1, sizeof *s->values);
    s->text = strdup(op);
    if (!s->values || !s->text) return zp__fail(ZP_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < f->param_count; i++) s->values[i].number = f->params[i].def;

    if (colon && !colon[1])
        return OPFAIL(ZP_ERR_INVALID_ARG, "%s", "nothing after ':' (write NAME alone for the defaults)");
    if (colon) {
        char *copy = strdup(colon + 1);
        if (!copy) return zp__fail(ZP_ERR_NOMEM, "out of memory");
        uint32_t next_positional = 0;
        int named_seen = 0;
        zp_status st = ZP_OK;
        /* Split on every ',' by hand: an empty item is a mistake, not skipped. */
        for (char *item = copy, *next; item && !st; item = next) {
            next = strchr(item, ',');
            if (next) *next++ = '\0';
            if (!*item) {
                st = OPFAIL(ZP_ERR_INVALID_ARG, "%s", "an empty parameter (two commas, or one at an end)");
                break;
            }
            char *eq = strchr(item, '=');
            uint32_t k;
            if (eq) {
                *eq = '\0';
                for (k = 0; k < f->param_count && strcmp(f->params[k].name, item); k++) {}
                if (k == f->param_count) {
                    const char *near = suggest_param(f, item);
                    char all[512];
                    list_params(f, all, sizeof all);
                    st = near ? OPFAIL(ZP_ERR_INVALID_ARG, "unknown parameter '%s' (did you mean '%s'?)", item, near)
                              : OPFAIL(ZP_ERR_INVALID_ARG, "unknown parameter '%s' (parameters: %s)", item, all);
                    break;
                }
                named_seen = 1;
            } else {
                k = next_positional;
                if (named_seen) {
                    st = OPFAIL(ZP_ERR_INVALID_ARG, "value '%s' without a name after a named one "
                                "(positional values come first)", item);
                    break;
                }
                if (k >= f->param_count) {
                    st = OPFAIL(ZP_ERR_INVALID_ARG, "too many values: '%s' has no parameter to go to", item);
                    break;
                }
            }
            if (s->values[k].is_set) {
                st = OPFAIL(ZP_ERR_INVALID_ARG, "%s is given twice", f->params[k].name);
                break;
            }
            st = parse_value(index, name, &f->params[k], eq ? eq + 1 : item, &s->values[k]);
            s->values[k].is_set = 1;
            next_positional = k + 1;
        }
        free(copy);
        if (st) return st;
    }
    for (uint32_t i = 0; i < f->param_count; i++)
        if (f->params[i].required && !s->values[i].is_set)
            return OPFAIL(ZP_ERR_INVALID_ARG, "%s is required (%s)", f->params[i].name,
                          f->params[i].help ? f->params[i].help : "no help");
    return ZP_OK;
}

zp_status zp_pipeline_parse(const zp_registry *reg, int count, const char *const *ops,
                            zp_pipeline **out) {
    if (!reg || !out || count < 0 || (count && !ops))
        return zp__fail(ZP_ERR_INVALID_ARG, "NULL argument");
    *out = NULL;
    if (count > ZP_MAX_OPERATIONS)
        return zp__fail(ZP_ERR_LIMIT, "%d operations, over the limit of %d", count, ZP_MAX_OPERATIONS);
    zp_pipeline *p = calloc(1, sizeof *p);
    if (!p || !(p->stages = calloc(count ? (size_t)count : 1, sizeof *p->stages))) {
        free(p);
        return zp__fail(ZP_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < count; i++) {
        zp_status st = parse_op(reg, i + 1, ops[i] ? ops[i] : "", &p->stages[i]);
        p->count = (size_t)i + 1;
        if (st) {
            zp_pipeline_free(p);
            return st;
        }
    }
    *out = p;
    return ZP_OK;
}

zp_status zp_pipeline_parse_string(const zp_registry *reg, const char *chain, zp_pipeline **out) {
    if (!chain) return zp__fail(ZP_ERR_INVALID_ARG, "NULL chain");
    char *copy = strdup(chain), *save = NULL;
    const char **ops = calloc(ZP_MAX_OPERATIONS + 1, sizeof *ops);
    if (!copy || !ops) {
        free(copy);
        free(ops);
        return zp__fail(ZP_ERR_NOMEM, "out of memory");
    }
    int n = 0;
    for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
        if (n > ZP_MAX_OPERATIONS) break;
        ops[n++] = t;
    }
    zp_status st = zp_pipeline_parse(reg, n, ops, out);
    free(ops);
    free(copy);
    return st;
}
