/* test_params.c: bad operation parameters, one CTest per class
 * (params.CLASS), each case through the library (zp_pipeline_parse_string
 * then zp_pipeline_run) and through `zeropix convert`. A bad value is a
 * clear error, never undefined behaviour (the sanitizer build runs all of
 * this): a parse error (ZP_ERR_INVALID_ARG; CLI exit 2) when the value
 * itself is wrong, a plan error (CLI exit 1) when it is wrong for this
 * image, each message naming the operation and the parameter; a value that
 * is merely extreme works and gives finite pixels.
 *
 *   test_params CLASS ZEROPIX WORKDIR PLUGIN
 *
 * CLASS: out_of_range nonfinite sizes crop_outside kernel_sum kernel_count
 * sigma plugin plugin_defaults plan_direct.
 *
 * Built a second time with ZP_TEST_PARAMS_PLUGIN as the plugin PLUGIN: a
 * probe filter whose plan() fails loudly if the host ever hands it a value
 * its parameter table does not allow (NaN, infinity, out of range), and
 * filters with broken tables that the loader must refuse. */

#ifdef ZP_TEST_PARAMS_PLUGIN
/* ---- The plugin half ------------------------------------------------------ */
#include <math.h>
#include <stdio.h>
#include "zeropix/plugin.h"

static const zp_param_def probe_params[] = {
    {"i", ZP_PARAM_INT, -1000, 1000, 0, "an integer", NULL, 0},
    {"f", ZP_PARAM_FLOAT, -INFINITY, INFINITY, 0, "any finite number", NULL, 0},
    {"g", ZP_PARAM_FLOAT, 0, 1, 0.5, "a fraction", NULL, 0},
    {"b", ZP_PARAM_BOOL, 0, 1, 0, "a flag", NULL, 0},
    {"c", ZP_PARAM_CHOICE, 0, 2, 0, "a word", "a|b|c", 0},
    {"n", ZP_PARAM_NUMBERS, 1, 4, 0, "1 to 4 numbers", NULL, 0},
};

/* Every value as the table promises, or a message the test looks for. */
static zp_status probe_plan(const zp_plan_args *a, zp_plan *p) {
    const zp_param_value *v = a->params;
    for (int k = 0; k < 5; k++) {
        const zp_param_def *d = &probe_params[k];
        double x = v[k].number, lo = d->min, hi = d->max;
        int ok = isfinite(x) && x >= lo && x <= hi;
        if (d->type != ZP_PARAM_FLOAT) ok = ok && x == floor(x);
        if (!ok) {
            snprintf(p->message, sizeof p->message, "PROBE SAW %s = %g", d->name, x);
            return ZP_ERR_INVALID_ARG;
        }
    }
    if (v[5].is_set) {
        int ok = v[5].numbers && v[5].count >= 1 && v[5].count <= 4;
        for (int i = 0; ok && i < v[5].count; i++) ok = isfinite(v[5].numbers[i]);
        if (!ok) {
            snprintf(p->message, sizeof p->message, "PROBE SAW a bad list of %d", (int)v[5].count);
            return ZP_ERR_INVALID_ARG;
        }
    }
    return ZP_OK;
}

static zp_status probe_map(void *state, const zp_host *host, const zp_view *in, zp_view *out) {
    (void)state;
    return host->view_crop(in, 0, 0, in->width, in->height, out);
}

/* Tables the loader must refuse: a value no user could give. */
static const zp_param_def nan_default[] = {{"x", ZP_PARAM_FLOAT, 0, 1, NAN, "x", NULL, 0}};
static const zp_param_def nan_min[] = {{"x", ZP_PARAM_FLOAT, NAN, 1, 0.5, "x", NULL, 0}};
static const zp_param_def inverted[] = {{"x", ZP_PARAM_INT, 5, 1, 3, "x", NULL, 0}};
static const zp_param_def inf_default[] = {{"x", ZP_PARAM_FLOAT, -INFINITY, INFINITY, INFINITY, "x", NULL, 0}};
static const zp_param_def half_int_default[] = {{"x", ZP_PARAM_INT, 0, 10, 0.5, "x", NULL, 0}};

#define PROBE(fname, table) {ZP_FILTER_HEADER, fname, "probe", table, \
    sizeof table / sizeof table[0], probe_plan, probe_map, NULL, NULL, NULL}
static const zp_filter probe = PROBE("tq_probe", probe_params);
static const zp_filter f_nan_default = PROBE("tq_nan_default", nan_default);
static const zp_filter f_nan_min = PROBE("tq_nan_min", nan_min);
static const zp_filter f_inverted = PROBE("tq_inverted", inverted);
static const zp_filter f_inf_default = PROBE("tq_inf_default", inf_default);
static const zp_filter f_half_int = PROBE("tq_half_int", half_int_default);
static const zp_filter *const filters[] = {&probe, &f_nan_default, &f_nan_min, &f_inverted,
                                           &f_inf_default, &f_half_int};
static const zp_plugin plugin = {ZP_PLUGIN_HEADER, "tq_params", "1.0", filters, 6};

ZP_PLUGIN_ENTRY {
    (void)host;
    return &plugin;
}

#else
/* ---- The test program -------------------------------------------------------- */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "zp_test.h"
#include "test_util.h"
#include "zeropix/pipeline.h"
#include "pipeline/pipeline_internal.h"

static const char *zeropix_bin, *workdir, *plugin_path;
static zp_registry *reg;
static zp_view img_u8, img_u16, img_f32; /* 50 x 40 RGB */
static char in_png[4200], out_png[4200];

static int has(const char *text, const char *part) { return strstr(text, part) != NULL; }

/* ---- Images ------------------------------------------------------------------- */

static double noise_sample(const zp_view *v, int x, int y, int c, uint32_t *seed) {
    (void)x, (void)y, (void)c;
    uint32_t r = zp_test_rand(seed);
    if (v->dtype == ZP_U8) return (uint8_t)r;
    if (v->dtype == ZP_U16) return (uint16_t)r;
    return (float)(r % 1001) / 1000.0f;
}

static zp_view make_image(int w, int h, int ch, zp_dtype dt, uint32_t seed) {
    return zp_test_make_view(w, h, ch, dt, seed, noise_sample);
}

/* Every sample as a double (f32 may be anything, including NaN). */
static double sample(const zp_view *v, int x, int y, int c) {
    const void *s = (const char *)zp_view_pixel(v, x, y) + c * v->stride_c;
    return v->dtype == ZP_U8 ? *(const uint8_t *)s : v->dtype == ZP_U16 ? *(const uint16_t *)s
                                                                        : *(const float *)s;
}

/* All samples finite; for f32, also within +-limit. */
static int all_finite(const zp_view *v, double limit) {
    for (int y = 0; y < v->height; y++)
        for (int x = 0; x < v->width; x++)
            for (int c = 0; c < v->channels; c++) {
                double s = sample(v, x, y, c);
                if (!isfinite(s) || fabs(s) > limit) return 0;
            }
    return 1;
}

/* ---- The command line ---------------------------------------------------------- */

static char cli_err[65536];

/* zeropix with `args` (NULL-terminated, at most 300); returns the exit
 * status or 128 + signal; stderr kept in cli_err. */
static int cli_argv(const char *const *args) {
    char err[4200];
    snprintf(err, sizeof err, "%s/cli.stderr", workdir);
    return zp_test_run_cli(zeropix_bin, args, "/dev/null", err, cli_err, sizeof cli_err, &zp_test_failures);
}

/* ---- One case ------------------------------------------------------------------------
 * `chain`: operations separated by spaces (lists use ';'). `stage`: 'P' the
 * parser refuses it, 'R' it parses and zp_pipeline_run refuses it for this
 * 50 x 40 image, 'O' it runs. `msg`: what the message must contain, from
 * "operation N 'name': " on (P and R). */
typedef struct pcase {
    const char *chain;
    char stage;
    zp_status status;
    const char *msg;
} pcase;

static int cli_cases = 1; /* run each case through the command line too */
static int plugin_cli;    /* pass --plugin PLUGIN */

static void check_api(const pcase *c, const zp_view *in) {
    zp_pipeline *p = NULL;
    zp_clear_error();
    zp_status st = zp_pipeline_parse_string(reg, c->chain, &p);
    if (c->stage == 'P') {
        if (st != c->status || p != NULL || !has(zp_last_error(), c->msg)) {
            fprintf(stderr, "parse '%.200s': %s '%s', expected %s containing '%s'\n", c->chain,
                    zp_status_str(st), zp_last_error(), zp_status_str(c->status), c->msg);
            zp_test_failures++;
        }
        zp_pipeline_free(p);
        return;
    }
    if (st != ZP_OK) {
        fprintf(stderr, "parse '%.200s': %s (%s), expected it to parse\n", c->chain, zp_status_str(st),
                zp_last_error());
        zp_test_failures++;
        return;
    }
    zp_run_options opt;
    zp_run_options_init(&opt);
    opt.threads = 2;
    zp_view out = {0};
    zp_clear_error();
    st = zp_pipeline_run(p, in, &opt, &out);
    zp_pipeline_free(p);
    if (c->stage == 'R') {
        if (st != c->status || !has(zp_last_error(), c->msg)) {
            fprintf(stderr, "run '%s' (%s): %s '%s', expected %s containing '%s'\n", c->chain,
                    zp_dtype_name(in->dtype), zp_status_str(st), zp_last_error(),
                    zp_status_str(c->status), c->msg);
            zp_test_failures++;
        }
        if (!st) zp_view_release(&out);
        return;
    }
    if (st != ZP_OK) {
        fprintf(stderr, "run '%s' (%s): %s (%s), expected success\n", c->chain,
                zp_dtype_name(in->dtype), zp_status_str(st), zp_last_error());
        zp_test_failures++;
        return;
    }
    if (!all_finite(&out, 1e30)) {
        fprintf(stderr, "run '%s' (%s): non-finite or absurd samples in the output\n", c->chain,
                zp_dtype_name(in->dtype));
        zp_test_failures++;
    }
    zp_view_release(&out);
}

static void check_cli(const pcase *c) {
    const char *args[300];
    char *copy = strdup(c->chain);
    int n = 0;
    args[n++] = "convert";
    if (plugin_cli) {
        args[n++] = "--plugin";
        args[n++] = plugin_path;
    }
    args[n++] = in_png;
    args[n++] = out_png;
    char *save = NULL;
    for (char *t = strtok_r(copy, " ", &save); t && n < 298; t = strtok_r(NULL, " ", &save))
        args[n++] = t;
    args[n] = NULL;
    unlink(out_png);
    int rc = cli_argv(args);
    int want = c->stage == 'P' ? 2 : c->stage == 'R' ? 1 : 0;
    char line[8400] = "";
    if (c->stage == 'P') snprintf(line, sizeof line, "zeropix convert: %s", c->msg);
    if (c->stage == 'R') snprintf(line, sizeof line, "zeropix: %s: %s", in_png, c->msg);
    struct stat st;
    int wrote = stat(out_png, &st) == 0;
    if (rc != want || !has(cli_err, line) || wrote != (want == 0)) {
        fprintf(stderr, "zeropix convert ... %.200s: exit %d%s, expected %d and '%s'; stderr:\n%s\n",
                c->chain, rc, wrote ? " (wrote the output)" : "", want, line, cli_err);
        zp_test_failures++;
    }
    free(copy);
}

static void check(const pcase *c) {
    check_api(c, &img_u8);
    if (c->stage != 'P') { /* plan errors and results for every sample type */
        check_api(c, &img_u16);
        check_api(c, &img_f32);
    }
    if (cli_cases) check_cli(c);
}

static void check_all(const pcase *cases, size_t n) {
    for (size_t i = 0; i < n; i++) check(&cases[i]);
    printf("  %zu cases\n", n);
}

#define INV ZP_ERR_INVALID_ARG
#define CHECK_ALL(cases) check_all(cases, sizeof cases / sizeof cases[0])

/* ---- params.out_of_range ------------------------------------------------------------ */

static void test_out_of_range(void) {
    static const pcase cases[] = {
        {"blur:sigma=1000.5", 'P', INV, "operation 1 'blur': sigma must be 0.1..1000, got 1000.5"},
        {"levels:gamma=0", 'P', INV, "operation 1 'levels': gamma must be 0.1..10, got 0"},
        {"levels:contrast=-0.5", 'P', INV, "operation 1 'levels': contrast must be 0..10, got -0.5"},
        {"levels:brightness=1.01", 'P', INV, "operation 1 'levels': brightness must be -1..1, got 1.01"},
        {"invert levels:gamma=1e300", 'P', INV, "operation 2 'levels': gamma must be 0.1..10, got 1e300"},
        {"threshold:value=1.5", 'P', INV, "operation 1 'threshold': value must be 0..1, got 1.5"},
        {"threshold:value=-0.001", 'P', INV, "operation 1 'threshold': value must be 0..1, got -0.001"},
        {"sharpen:amount=10.5", 'P', INV, "operation 1 'sharpen': amount must be 0..10, got 10.5"},
        {"sharpen:threshold=2", 'P', INV, "operation 1 'sharpen': threshold must be 0..1, got 2"},
        {"convolve:kernel=0;0;0;0;1;0;0;0;0,offset=1.5", 'P', INV,
         "operation 1 'convolve': offset must be -1..1, got 1.5"},
        {"convolve:kernel=0;0;0;0;1;0;0;0;0,scale=2e6", 'P', INV,
         "operation 1 'convolve': scale must be -1e+06..1e+06, got 2e6"},
        {"rotate:45", 'R', INV, "operation 1 'rotate': angle = 45: must be 90, 180, 270 or -90"},
        {"rotate:0", 'R', INV, "operation 1 'rotate': angle = 0: must be 90, 180, 270 or -90"},
        {"rotate:360", 'P', INV, "operation 1 'rotate': angle must be -90..270, got 360"},
        {"rotate:-180", 'P', INV, "operation 1 'rotate': angle must be -90..270, got -180"},
        {"flip:axis=diagonal", 'P', INV, "operation 1 'flip': axis must be one of x|y|both, got 'diagonal'"},
        {"resize:64,kernel=cubic", 'P', INV, "operation 1 'resize': kernel must be one of"},
        {"thumbnail:64,64,upscale=2", 'P', INV,
         "operation 1 'thumbnail': upscale must be true or false (1/0, yes/no, on/off), got '2'"},
        {"resize:width=65536", 'P', INV, "operation 1 'resize': width must be 0..65535, got 65536"},
        {"resize:scale=65536", 'P', INV, "operation 1 'resize': scale must be 0..65535, got 65536"},
        {"thumbnail:height=70000", 'P', INV, "operation 1 'thumbnail': height must be 0..65535, got 70000"},
        {"box_blur:radius=2001", 'P', INV, "operation 1 'box_blur': radius must be 1..2000, got 2001"},
        {"crop:x=2147483648", 'P', INV, "operation 1 'crop': x must be 0..2147483647, got 2147483648"},
        {"crop:w=99999999999999999999999", 'P', INV,
         "operation 1 'crop': w must be 0..2147483647, got 99999999999999999999999"},
        {"crop:x=-0", 'O', ZP_OK, NULL},
        {"crop:x=+5", 'O', ZP_OK, NULL},
        {"extract:channels=3", 'R', INV,
         "operation 1 'extract': channels: 3 is not a channel of this 3-channel image (0..2)"},
        {"extract:channels=-1", 'R', INV, "operation 1 'extract': channels: -1 is not a channel"},
        {"extract:channels=0.5", 'R', INV, "operation 1 'extract': channels: 0.5 is not a channel"},
        {"extract:channels=1e300", 'R', INV, "operation 1 'extract': channels: 1e+300 is not a channel"},
        {"extract:channels=0;1;2;0;1", 'P', INV, "operation 1 'extract': channels needs 1..4 numbers, got 5"},
        {"grayscale extract:channels=1", 'R', INV,
         "operation 2 'extract': channels: 1 is not a channel of this 1-channel image (0..0)"},
        {"resize:scale=0.5,width=10", 'R', INV,
         "operation 1 'resize': scale cannot be combined with width or height"},
        /* the extremes of every range work */
        {"levels:brightness=-1,contrast=10,gamma=0.1", 'O', ZP_OK, NULL},
        {"levels:brightness=1,contrast=0,gamma=10", 'O', ZP_OK, NULL},
        {"sharpen:sigma=0.1,amount=10,threshold=1", 'O', ZP_OK, NULL},
        {"threshold:value=0 threshold:value=1", 'O', ZP_OK, NULL},
        {"convolve:kernel=0;0;0;0;1;0;0;0;0,scale=-1e6,offset=-1", 'O', ZP_OK, NULL},
        {"convolve:kernel=0;0;0;0;1;0;0;0;0,scale=1e6,offset=1", 'O', ZP_OK, NULL},
        {"rotate:-90 rotate:270 rotate:180", 'O', ZP_OK, NULL},
        {"box_blur:radius=2000", 'O', ZP_OK, NULL},
    };
    CHECK_ALL(cases);
}

/* ---- params.nonfinite ---------------------------------------------------------------- */

static void test_nonfinite(void) {
    static const char *const bad[] = {"nan", "NaN", "-nan", "nan(1)", "inf", "-inf", "+inf",
                                      "infinity", "-Infinity", "1e999", "-1e999", "1e99999999999"};
    /* Scalars: FLOAT parameters say "finite number", INT ones "whole number". */
    static const struct { const char *op, *param; int is_int; } scalars[] = {
        {"blur", "sigma", 0},      {"sharpen", "sigma", 0},   {"sharpen", "amount", 0},
        {"levels", "gamma", 0},    {"levels", "brightness", 0}, {"threshold", "value", 0},
        {"resize", "scale", 0},    {"convolve", "scale", 0},  {"convolve", "offset", 0},
        {"crop", "x", 1},          {"crop", "h", 1},          {"resize", "width", 1},
        {"thumbnail", "height", 1}, {"rotate", "angle", 1},   {"box_blur", "radius", 1},
    };
    char chain[256], msg[256];
    int n = 0;
    for (size_t s = 0; s < sizeof scalars / sizeof scalars[0]; s++)
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            const char *extra = !strcmp(scalars[s].op, "convolve") ? "kernel=0;0;0;0;1;0;0;0;0," : "";
            snprintf(chain, sizeof chain, "%s:%s%s=%s", scalars[s].op, extra, scalars[s].param, bad[b]);
            snprintf(msg, sizeof msg, "operation 1 '%s': %s must be a %s, got '%s'", scalars[s].op,
                     scalars[s].param, scalars[s].is_int ? "whole number" : "finite number", bad[b]);
            pcase c = {chain, 'P', INV, msg};
            /* the command line for a few values of each, all of them for blur */
            cli_cases = s == 0 || b % 4 == 0;
            check(&c);
            n++;
        }
    /* Kernels: first, middle and last entry. */
    static const char *const where[] = {"%s;0;0;0;1;0;0;0;0", "0;0;0;0;%s;0;0;0;0",
                                        "0;0;0;0;1;0;0;0;%s"};
    for (size_t w = 0; w < 3; w++)
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            char kernel[128];
            snprintf(kernel, sizeof kernel, where[w], bad[b]);
            snprintf(chain, sizeof chain, "convolve:kernel=%s", kernel);
            snprintf(msg, sizeof msg, "operation 1 'convolve': kernel: '%s' is not a finite number", bad[b]);
            pcase c = {chain, 'P', INV, msg};
            cli_cases = w == 1 || b % 3 == 0;
            check(&c);
            n++;
        }
    cli_cases = 1;
    static const pcase more[] = {
        /* finite but huge: a range error, or the kernel's own bound */
        {"blur:sigma=1e308", 'P', INV, "operation 1 'blur': sigma must be 0.1..1000, got 1e308"},
        {"resize:scale=1e308", 'P', INV, "operation 1 'resize': scale must be 0..65535, got 1e308"},
        {"crop:x=1e308", 'P', INV, "operation 1 'crop': x must be a whole number, got '1e308'"},
        {"crop:x=1e3", 'P', INV, "operation 1 'crop': x must be a whole number, got '1e3'"},
        {"convolve:kernel=0;0;0;0;1e308;0;0;0;0", 'R', INV,
         "operation 1 'convolve': kernel entry 5 is 1e+308; entries must be finite, within -1e6..1e6"},
        {"convolve:kernel=0;0;0;0;-1e7;0;0;0;0", 'R', INV,
         "operation 1 'convolve': kernel entry 5 is -1e+07"},
        {"convolve:kernel=1e6;-1e6;1e6;-1e6;1e6;-1e6;1e6;-1e6;1e6", 'O', ZP_OK, NULL},
        {"convolve:kernel=0;0;0;0;1e-320;0;0;0;0", 'O', ZP_OK, NULL}, /* a denormal weight */
        {"blur:sigma=1e-999", 'P', INV, "operation 1 'blur': sigma must be 0.1..1000, got 1e-999"},
        /* other types */
        {"extract:channels=nan", 'P', INV, "operation 1 'extract': channels: 'nan' is not a finite number"},
        {"extract:channels=0;inf", 'P', INV, "operation 1 'extract': channels: 'inf' is not a finite number"},
        {"thumbnail:64,64,upscale=nan", 'P', INV, "operation 1 'thumbnail': upscale must be true or false"},
        {"flip:axis=inf", 'P', INV, "operation 1 'flip': axis must be one of x|y|both, got 'inf'"},
        {"resize:64,kernel=nan", 'P', INV, "operation 1 'resize': kernel must be one of"},
        /* hexadecimal floats are not plain decimals */
        {"blur:sigma=0x1p1", 'P', INV, "operation 1 'blur': sigma must be a finite number, got '0x1p1'"},
        {"convolve:kernel=0x1;0;0;0;1;0;0;0;0", 'P', INV, "operation 1 'convolve': kernel: '0x1' is not a finite number"},
    };
    CHECK_ALL(more);
    printf("  %d generated cases\n", n);
}

/* ---- params.sizes ---------------------------------------------------------------------- */

static void test_sizes(void) {
    static const pcase cases[] = {
        {"resize:width=0,height=0", 'R', INV, "operation 1 'resize': give width, height or scale"},
        {"resize:0", 'R', INV, "operation 1 'resize': give width, height or scale"},
        {"resize:scale=0", 'R', INV, "operation 1 'resize': give width, height or scale"},
        {"resize:width=-5", 'P', INV, "operation 1 'resize': width must be 0..65535, got -5"},
        {"resize:height=-1", 'P', INV, "operation 1 'resize': height must be 0..65535, got -1"},
        {"resize:scale=-0.5", 'P', INV, "operation 1 'resize': scale must be 0..65535, got -0.5"},
        {"thumbnail:0,0", 'R', INV, "operation 1 'thumbnail': give width or height of the box"},
        {"thumbnail:width=-1", 'P', INV, "operation 1 'thumbnail': width must be 0..65535, got -1"},
        {"crop:w=-1", 'P', INV, "operation 1 'crop': w must be 0..2147483647, got -1"},
        {"crop:h=-3", 'P', INV, "operation 1 'crop': h must be 0..2147483647, got -3"},
        {"crop:x=1,y=1,w=-10,h=-10", 'P', INV, "operation 1 'crop': w must be 0..2147483647, got -10"},
        {"box_blur:radius=0", 'P', INV, "operation 1 'box_blur': radius must be 1..2000, got 0"},
        {"box_blur:radius=-2", 'P', INV, "operation 1 'box_blur': radius must be 1..2000, got -2"},
        {"extract:channels=", 'P', INV, "operation 1 'extract': channels needs 1..4 numbers, got 0"},
        {"extract:channels=;;;", 'P', INV, "operation 1 'extract': channels needs 1..4 numbers, got 0"},
        /* the smallest sizes work */
        {"resize:1,1", 'O', ZP_OK, NULL},
        {"resize:scale=1e-9", 'O', ZP_OK, NULL},
        {"thumbnail:1,1", 'O', ZP_OK, NULL},
        {"resize:1 resize:65535,1", 'O', ZP_OK, NULL},
        {"crop:49,39,1,1 blur:sigma=1000", 'O', ZP_OK, NULL},
        {"crop:49,39,1,1 resize:width=300,height=200,kernel=lanczos3", 'O', ZP_OK, NULL},
        {"crop:0,0,1,40 box_blur:radius=2000 sharpen:sigma=50,amount=10", 'O', ZP_OK, NULL},
        {"crop:0,0,50,1 convolve:kernel=1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1;1", 'O', ZP_OK, NULL},
        {"crop:7,3,1,1 rotate:90 transpose flip:both extract:channels=2 thumbnail:5,5,upscale=1", 'O', ZP_OK, NULL},
    };
    CHECK_ALL(cases);

    /* Every filter on 1 x 1, 1 x N and N x 1 images of every type: no
     * out-of-bounds read at an edge (the sanitizer build checks). */
    static const char *const chains[] = {
        "blur:sigma=1000", "blur:sigma=0.1", "box_blur:radius=2000", "sharpen:sigma=3,amount=10",
        "convolve:kernel=1;2;1;2;4;2;1;2;1", "convolve:kernel=-1;-1;-1;-1;8;-1;-1;-1;-1,offset=0.5",
        "resize:width=7,height=5,kernel=lanczos3", "resize:scale=3,kernel=bicubic",
        "resize:1,1,kernel=nearest", "thumbnail:3,3,upscale=yes,kernel=bilinear", "levels:0.5,2,3",
        "threshold", "invert", "grayscale", "drop_alpha", "extract:channels=0", "rotate:270",
        "transpose", "flip:both", "crop:0,0,1,1",
    };
    const int sizes[][2] = {{1, 1}, {1, 9}, {9, 1}, {2, 2}, {3, 1}};
    const zp_dtype types[] = {ZP_U8, ZP_U16, ZP_F32};
    int runs = 0;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t t = 0; t < 3; t++)
            for (int ch = 1; ch <= 4; ch++) {
                zp_view v = make_image(sizes[s][0], sizes[s][1], ch, types[t], (uint32_t)(s * 31 + t * 7 + (size_t)ch));
                for (size_t k = 0; k < sizeof chains / sizeof chains[0]; k++) {
                    pcase c = {chains[k], 'O', ZP_OK, NULL};
                    if ((!strcmp(chains[k], "drop_alpha") || !strcmp(chains[k], "grayscale")) &&
                        (ch == 1 || ch == 2))
                        continue; /* their own conditions, tested by the filter tests */
                    zp_clear_error();
                    check_api(&c, &v);
                    runs++;
                }
                zp_view_release(&v);
            }
    printf("  %d runs on degenerate images\n", runs);
    /* and one through the command line: a 1 x 1 PNG */
    zp_view one = make_image(1, 1, 3, ZP_U8, 1);
    char one_png[4300];
    snprintf(one_png, sizeof one_png, "%s/one.png", workdir);
    CHECK_OK(zp_image_encode_file(&one, NULL, one_png, NULL));
    zp_view_release(&one);
    const char *args[] = {"convert", one_png, out_png, "blur:sigma=1000", "box_blur:2000",
                          "resize:9,7", "sharpen:amount=10", NULL};
    unlink(out_png);
    CHECK(cli_argv(args) == 0);
    CHECK(access(out_png, F_OK) == 0);
}

/* ---- params.crop_outside ------------------------------------------------------------------ */

static void test_crop_outside(void) {
    static const pcase cases[] = {
        /* right and bottom: the origin past the edge, or the extent past it */
        {"crop:x=50", 'R', INV, "operation 1 'crop': x = 50 is past the image width 50 (x must be 0..49)"},
        {"crop:x=10,w=41", 'R', INV,
         "operation 1 'crop': x + w = 51 is past the image width 50 (w may be at most 40, or 0 for up to the edge)"},
        {"crop:y=40", 'R', INV, "operation 1 'crop': y = 40 is past the image height 40 (y must be 0..39)"},
        {"crop:y=1,h=40", 'R', INV,
         "operation 1 'crop': y + h = 41 is past the image height 40 (h may be at most 39, or 0 for up to the edge)"},
        {"crop:x=0,y=0,w=51,h=40", 'R', INV, "operation 1 'crop': x + w = 51 is past the image width 50"},
        {"crop:x=0,y=0,w=50,h=41", 'R', INV, "operation 1 'crop': y + h = 41 is past the image height 40"},
        /* left and top: a negative origin is not a value crop takes */
        {"crop:x=-1", 'P', INV, "operation 1 'crop': x must be 0..2147483647, got -1"},
        {"crop:y=-10,h=5", 'P', INV, "operation 1 'crop': y must be 0..2147483647, got -10"},
        {"crop:-1,-1,10,10", 'P', INV, "operation 1 'crop': x must be 0..2147483647, got -1"},
        /* far outside: no integer overflow on the way to the message */
        {"crop:x=2147483647,y=2147483647,w=2147483647,h=2147483647", 'R', INV,
         "operation 1 'crop': x = 2147483647 is past the image width 50"},
        {"crop:x=1,y=0,w=2147483647", 'R', INV, "operation 1 'crop': x + w = 2147483648 is past the image width 50"},
        /* the edges themselves are inside */
        {"crop:x=49,y=39", 'O', ZP_OK, NULL},
        {"crop:x=0,y=0,w=50,h=40", 'O', ZP_OK, NULL},
        /* after a rotate the image is 40 x 50: checked against that */
        {"rotate:90 crop:x=0,y=45,w=10,h=5", 'O', ZP_OK, NULL},
        {"rotate:90 crop:x=45", 'R', INV, "operation 2 'crop': x = 45 is past the image width 40 (x must be 0..39)"},
        {"rotate:90 crop:x=0,w=41", 'R', INV, "operation 2 'crop': x + w = 41 is past the image width 40"},
        {"rotate:-90 crop:y=50", 'R', INV, "operation 2 'crop': y = 50 is past the image height 50"},
        {"crop:y=45", 'R', INV, "operation 1 'crop': y = 45 is past the image height 40"},
        {"transpose crop:y=49,h=1", 'O', ZP_OK, NULL},
        {"rotate:180 crop:x=49,y=39,w=1,h=2", 'R', INV, "operation 2 'crop': y + h = 41 is past the image height 40"},
        /* after a crop, a resize or a thumbnail: the new size counts */
        {"crop:10,10,20,20 crop:x=20", 'R', INV, "operation 2 'crop': x = 20 is past the image width 20"},
        {"crop:10,10,20,20 crop:x=19,y=19", 'O', ZP_OK, NULL},
        {"resize:width=25 crop:x=0,w=26", 'R', INV, "operation 2 'crop': x + w = 26 is past the image width 25"},
        {"thumbnail:10,10 crop:y=8", 'R', INV, "operation 2 'crop': y = 8 is past the image height 8"},
        {"blur rotate:90 flip:x crop:0,0,40,50 crop:39,49,1,1 crop:x=1", 'R', INV,
         "operation 6 'crop': x = 1 is past the image width 1"},
    };
    CHECK_ALL(cases);
}

/* ---- params.kernel_sum ----------------------------------------------------------------------- */

/* Run one chain on `in`; the output (caller releases) or a failed check. */
static zp_view run_ok(const char *chain, const zp_view *in) {
    zp_pipeline *p = NULL;
    zp_view out = {0};
    CHECK_OK(zp_pipeline_parse_string(reg, chain, &p));
    if (p) CHECK_OK(zp_pipeline_run(p, in, NULL, &out));
    zp_pipeline_free(p);
    return out;
}

/* A w x h image of `dt`: value a left of column `edge`, b from it on
 * (fractions of full scale), every channel. */
static zp_view step_image(int w, int h, int ch, zp_dtype dt, int edge, double a, double b) {
    zp_view v;
    if (zp_view_alloc(w, h, ch, dt, &v)) exit(1);
    const double max = dt == ZP_U8 ? 255 : dt == ZP_U16 ? 65535 : 1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            for (int c = 0; c < ch; c++) {
                double f = (x < edge ? a : b) * max;
                void *s = (char *)zp_view_pixel(&v, x, y) + c * v.stride_c;
                if (dt == ZP_U8) *(uint8_t *)s = (uint8_t)lround(f);
                else if (dt == ZP_U16) *(uint16_t *)s = (uint16_t)lround(f);
                else *(float *)s = (float)f;
            }
    return v;
}

/* Every sample of columns [x0, x1) equals `want` (a fraction of full scale)
 * within `tol` units of the type. */
static void expect_columns(const zp_view *v, int x0, int x1, double want, double tol, const char *what) {
    const double max = v->dtype == ZP_U8 ? 255 : v->dtype == ZP_U16 ? 65535 : 1;
    for (int y = 0; y < v->height; y++)
        for (int x = x0; x < x1; x++)
            for (int c = 0; c < v->channels; c++) {
                double s = sample(v, x, y, c);
                if (!(fabs(s - want * max) <= tol)) {
                    fprintf(stderr, "%s (%s): sample (%d, %d, %d) = %g, expected %g\n", what,
                            zp_dtype_name(v->dtype), x, y, c, s, want * max);
                    zp_test_failures++;
                    return;
                }
            }
}

static void test_kernel_sum(void) {
    const zp_dtype types[] = {ZP_U8, ZP_U16, ZP_F32};
    for (int t = 0; t < 3; t++) {
        const zp_dtype dt = types[t];
        const double unit = dt == ZP_F32 ? 1e-5 : 0.5; /* rounding tolerance, in units */
        /* A flat image: any zero-sum kernel gives exactly 0, plus the offset. */
        zp_view flat = step_image(20, 12, 4, dt, 0, 0.6, 0.6), out;
        static const char *const zero_sum[] = {
            "convolve:kernel=-1;-1;-1;-1;8;-1;-1;-1;-1",            /* Laplacian      */
            "convolve:kernel=-1;0;1;-2;0;2;-1;0;1",                 /* Sobel x        */
            "convolve:kernel=0;0;0;0;0;0;0;0;0",                    /* all zero       */
            "convolve:kernel=0;0;0;0;0;0;0;0;0,scale=0",
            "convolve:kernel=-0;-0;-0;-0;-0;-0;-0;-0;-0",
            "convolve:kernel=0.1;0.2;-0.3;0;0;0;0;0;0",             /* sum lost to rounding */
            "convolve:kernel=-1;-1;-1;-1;-1;-1;-1;-1;-1;-1;-1;-1;24;-1;-1;-1;-1;-1;-1;-1;-1;-1;-1;-1;-1", /* 5x5 */
        };
        for (size_t k = 0; k < sizeof zero_sum / sizeof zero_sum[0]; k++) {
            out = run_ok(zero_sum[k], &flat);
            if (out.data) expect_columns(&out, 0, out.width, 0.0, unit * 1.01, zero_sum[k]);
            zp_view_release(&out);
        }
        char chain[512];
        snprintf(chain, sizeof chain, "%s,offset=0.25", zero_sum[0]);
        out = run_ok(chain, &flat);
        if (out.data) expect_columns(&out, 0, out.width, 0.25, unit * 1.01, "Laplacian + offset");
        zp_view_release(&out);
        /* An all-zero kernel is all zero on any image, offset aside. */
        zp_view noisy = make_image(20, 12, 3, dt, 9);
        out = run_ok("convolve:kernel=0;0;0;0;0;0;0;0;0,offset=0.5", &noisy);
        if (out.data) expect_columns(&out, 0, out.width, 0.5, unit * 1.01, "all-zero kernel");
        zp_view_release(&out);
        zp_view_release(&noisy);
        zp_view_release(&flat);

        /* An edge: the Sobel kernel finds it (scale 1: zero sum means no
         * normalisation), 0 far from it. Step 0.2 -> 0.6 at column 10:
         * columns 9 and 10 see (0.6 - 0.2) * (1 + 2 + 1) = 1.6, clamped to
         * full scale (convolve clamps every type, f32 to 0..1). */
        zp_view step = step_image(20, 6, 1, dt, 10, 0.2, 0.6);
        out = run_ok("convolve:kernel=-1;0;1;-2;0;2;-1;0;1", &step);
        if (out.data) {
            expect_columns(&out, 0, 9, 0.0, unit * 1.01, "Sobel, left of the edge");
            expect_columns(&out, 11, 20, 0.0, unit * 1.01, "Sobel, right of the edge");
            expect_columns(&out, 9, 11, 1.0, unit * 1.01, "Sobel, the edge");
        }
        zp_view_release(&out);
        /* The other direction: -1.6, clamped to 0; with offset 1, 1 - 1.6. */
        out = run_ok("convolve:kernel=1;0;-1;2;0;-2;1;0;-1", &step);
        if (out.data) expect_columns(&out, 9, 11, 0.0, unit * 1.01, "Sobel reversed");
        zp_view_release(&out);
        out = run_ok("convolve:kernel=1;0;-1;2;0;-2;1;0;-1,offset=1", &step);
        if (out.data) {
            expect_columns(&out, 9, 11, 0.0, unit * 1.01, "Sobel reversed + 1");
            expect_columns(&out, 0, 9, 1.0, unit * 1.01, "Sobel reversed + 1, flat part");
        }
        zp_view_release(&out);
        zp_view_release(&step);

        /* A tiny non-zero sum means a huge 1/sum scale: finite, clamped. */
        zp_view n2 = make_image(16, 9, 2, dt, 4);
        static const char *const tiny[] = {
            "convolve:kernel=1e-6;0;0;0;0;0;0;0;0", "convolve:kernel=1e-6;1;-1;0;0;0;0;0;0",
            "convolve:kernel=1e6;-1e6;1e6;-1e6;1e-6;-1e6;1e6;-1e6;1e6",
        };
        for (size_t k = 0; k < sizeof tiny / sizeof tiny[0]; k++) {
            out = run_ok(tiny[k], &n2);
            if (out.data && !all_finite(&out, 1e30)) {
                fprintf(stderr, "%s (%s): non-finite output\n", tiny[k], zp_dtype_name(dt));
                zp_test_failures++;
            }
            zp_view_release(&out);
        }
        zp_view_release(&n2);
    }
    /* The command line: an edge detector and an all-zero kernel work. */
    static const pcase cli[] = {
        {"convolve:kernel=-1;-1;-1;-1;8;-1;-1;-1;-1", 'O', ZP_OK, NULL},
        {"convolve:kernel=-1;0;1;-2;0;2;-1;0;1,offset=0.5", 'O', ZP_OK, NULL},
        {"convolve:kernel=0;0;0;0;0;0;0;0;0", 'O', ZP_OK, NULL},
        {"convolve:kernel=0;0;0;0;0;0;0;0;0,scale=1e6,offset=-1", 'O', ZP_OK, NULL},
    };
    CHECK_ALL(cli);
    /* ... and the all-zero one is black, every sample. */
    const char *args[] = {"convert", in_png, out_png, "convolve:kernel=0;0;0;0;0;0;0;0;0", NULL};
    unlink(out_png);
    CHECK(cli_argv(args) == 0);
    zp_image res;
    if (zp_image_decode_file(out_png, NULL, &res) == ZP_OK) {
        expect_columns(&res.view, 0, res.view.width, 0.0, 0.0, "CLI all-zero kernel");
        zp_image_release(&res);
    } else {
        fprintf(stderr, "cannot read %s: %s\n", out_png, zp_last_error());
        zp_test_failures++;
    }
}

/* ---- params.kernel_count -------------------------------------------------------------------- */

/* "1;1;...;1" of n entries. */
static const char *ones(int n) {
    static char buf[8][4096];
    static int next;
    char *b = buf[next++ % 8];
    b[0] = '\0';
    for (int i = 0; i < n; i++) strcat(b, i ? ";1" : "1");
    return b;
}

static void test_kernel_count(void) {
    char chains[24][4200], msgs[24][256];
    pcase cases[24];
    int n = 0;
    const int parse_bad[] = {0, 1, 4, 8, 226, 300};    /* outside 9..225 numbers */
    const int plan_bad[] = {10, 16, 24, 26, 36, 48, 64, 100, 224}; /* not an odd square */
    const int good[] = {9, 25, 49, 81, 121, 169, 225};
    for (size_t i = 0; i < sizeof parse_bad / sizeof parse_bad[0]; i++, n++) {
        snprintf(chains[n], sizeof chains[n], "convolve:kernel=%s", ones(parse_bad[i]));
        snprintf(msgs[n], sizeof msgs[n], "operation 1 'convolve': kernel needs 9..225 numbers, got %d", parse_bad[i]);
        cases[n] = (pcase){chains[n], 'P', INV, msgs[n]};
    }
    for (size_t i = 0; i < sizeof plan_bad / sizeof plan_bad[0]; i++, n++) {
        snprintf(chains[n], sizeof chains[n], "convolve:kernel=%s", ones(plan_bad[i]));
        snprintf(msgs[n], sizeof msgs[n], "operation 1 'convolve': kernel must have 9, 25, 49, 81, "
                 "121, 169 or 225 numbers (a square of odd side 3..15, row by row), not %d", plan_bad[i]);
        cases[n] = (pcase){chains[n], 'R', INV, msgs[n]};
    }
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++, n++) {
        snprintf(chains[n], sizeof chains[n], "convolve:kernel=%s", ones(good[i]));
        cases[n] = (pcase){chains[n], 'O', ZP_OK, NULL};
    }
    check_all(cases, (size_t)n);
    static const pcase more[] = {
        {"convolve", 'P', INV, "operation 1 'convolve': kernel is required"},
        {"convolve:scale=2", 'P', INV, "operation 1 'convolve': kernel is required"},
        {"convolve:kernel=", 'P', INV, "operation 1 'convolve': kernel needs 9..225 numbers, got 0"},
        {"convolve:kernel=;;;;;;;;", 'P', INV, "operation 1 'convolve': kernel needs 9..225 numbers, got 0"},
        {"convolve:kernel=1;2;3;4;5;6;7;8;9;", 'O', ZP_OK, NULL}, /* a trailing separator */
        {"convolve:kernel=1;2;3,kernel=1;2;3;4;5;6;7;8;9", 'P', INV, "operation 1 'convolve': kernel"},
    };
    CHECK_ALL(more);
    /* Sixty thousand numbers (as long as one command-line argument may be,
     * 128 KiB): refused by count, quickly. */
    size_t len = 60000 * 2 + 32, at = strlen("convolve:kernel=1");
    char *huge = malloc(len);
    strcpy(huge, "convolve:kernel=1");
    for (int i = 1; i < 60000; i++, at += 2) memcpy(huge + at, ";1", 3);
    pcase c = {huge, 'P', INV, "operation 1 'convolve': kernel needs 9..225 numbers, got 60000"};
    cli_cases = 1;
    check(&c);
    free(huge);
    /* Spaces separate items too (one argument on the command line). */
    const char *ops[1] = {"convolve:kernel=0 0 0 0 1 0 0 0 0"};
    zp_pipeline *p = NULL;
    CHECK_OK(zp_pipeline_parse(reg, 1, ops, &p));
    zp_pipeline_free(p);
    const char *eight[1] = {"convolve:kernel=1 1 1 1 1 1 1 1"};
    CHECK_STATUS(zp_pipeline_parse(reg, 1, eight, &p), ZP_ERR_INVALID_ARG);
    CHECK(has(zp_last_error(), "operation 1 'convolve': kernel needs 9..225 numbers, got 8"));
    const char *args[] = {"convert", in_png, out_png, "convolve:kernel=1 1 1 1 1 1 1 1 1 1", NULL};
    unlink(out_png);
    CHECK(cli_argv(args) == 1);
    CHECK(has(cli_err, "operation 1 'convolve': kernel must have 9, 25"));
    CHECK(access(out_png, F_OK) != 0);
}

/* ---- params.sigma -------------------------------------------------------------------------- */

static void test_sigma(void) {
    static const pcase cases[] = {
        {"blur:sigma=0", 'P', INV, "operation 1 'blur': sigma must be 0.1..1000, got 0"},
        {"blur:sigma=-0", 'P', INV, "operation 1 'blur': sigma must be 0.1..1000, got -0"},
        {"blur:sigma=-1", 'P', INV, "operation 1 'blur': sigma must be 0.1..1000, got -1"},
        {"blur:-0.5", 'P', INV, "operation 1 'blur': sigma must be 0.1..1000, got -0.5"},
        {"blur:sigma=0.0999", 'P', INV, "operation 1 'blur': sigma must be 0.1..1000, got 0.0999"},
        {"blur:sigma=1000.001", 'P', INV, "operation 1 'blur': sigma must be 0.1..1000, got 1000.001"},
        {"blur:sigma=1e9", 'P', INV, "operation 1 'blur': sigma must be 0.1..1000, got 1e9"},
        {"blur:sigma=1e308", 'P', INV, "operation 1 'blur': sigma must be 0.1..1000, got 1e308"},
        {"sharpen:sigma=0", 'P', INV, "operation 1 'sharpen': sigma must be 0.1..1000, got 0"},
        {"sharpen:sigma=-3", 'P', INV, "operation 1 'sharpen': sigma must be 0.1..1000, got -3"},
        {"sharpen:sigma=1e9", 'P', INV, "operation 1 'sharpen': sigma must be 0.1..1000, got 1e9"},
        {"crop:1,1,5,5 blur:sigma=0", 'P', INV, "operation 2 'blur': sigma must be 0.1..1000, got 0"},
        /* the extremes: ceil(3 * 1000) = 3000 pixels each side of a 50 x 40 image */
        {"blur:sigma=0.1", 'O', ZP_OK, NULL},
        {"blur:sigma=1000", 'O', ZP_OK, NULL},
        {"sharpen:sigma=1000,amount=10", 'O', ZP_OK, NULL},
        {"sharpen:sigma=0.1,amount=10", 'O', ZP_OK, NULL},
        {"blur:999.9999", 'O', ZP_OK, NULL},
    };
    CHECK_ALL(cases);
    /* A huge sigma on a flat image keeps it flat (weights sum to 1, edges
     * replicated), and makes any image nearly flat. */
    const zp_dtype types[] = {ZP_U8, ZP_U16, ZP_F32};
    for (int t = 0; t < 3; t++) {
        zp_view flat = step_image(30, 20, 3, types[t], 0, 0.4, 0.4);
        zp_view out = run_ok("blur:sigma=1000", &flat);
        if (out.data) expect_columns(&out, 0, out.width, 0.4, types[t] == ZP_F32 ? 1e-5 : 1.0, "blur 1000, flat");
        zp_view_release(&out);
        out = run_ok("sharpen:sigma=1000,amount=10", &flat);
        if (out.data) expect_columns(&out, 0, out.width, 0.4, types[t] == ZP_F32 ? 1e-4 : 1.0, "sharpen 1000, flat");
        zp_view_release(&out);
        zp_view_release(&flat);
    }
}

/* ---- params.plugin ----------------------------------------------------------------------------- */

static char warnings[16384];
static void collect(void *user, const char *msg) {
    (void)user;
    strncat(warnings, msg, sizeof warnings - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

/* The loader refused filter `name` with a warning containing `why`. */
static void expect_refused(zp_registry *preg, const char *name, const char *why, const char *tag) {
    char line[256];
    snprintf(line, sizeof line, "filter '%s' skipped: %s", name, why);
    if (zp_registry_find(preg, name) || !has(warnings, line)) {
        fprintf(stderr, "%s%s: the loader should refuse it with '%s'\n", tag, name, line);
        zp_test_failures++;
    }
}

/* The loader refuses a filter whose table has a default users could never
 * give (+inf for a FLOAT of range -inf..inf, 0.5 for an INT), since plan()
 * would then be handed, whenever the user leaves the parameter out, a value
 * plugin.h says it never sees. Only a plugin's own table can cause it. */
static void test_plugin_defaults(void) {
    zp_registry *preg;
    CHECK_OK(zp_registry_new(collect, NULL, &preg));
    (void)zp_registry_load_plugin(preg, plugin_path);
    expect_refused(preg, "tq_inf_default", "default", "");
    expect_refused(preg, "tq_half_int", "default", "");
    zp_registry_free(preg);
}

/* The host checks a plugin's parameters exactly as a built-in's: nothing
 * outside its table ever reaches its plan() (which would say "PROBE SAW"). */
static void test_plugin(void) {
    zp_registry *preg;
    CHECK_OK(zp_registry_new(collect, NULL, &preg));
    CHECK(zp_registry_load_plugin(preg, plugin_path) != ZP_OK); /* some filters are refused */
    CHECK(zp_registry_find(preg, "tq_probe") != NULL);
    printf("  loader warnings:\n%s", warnings);
    static const struct { const char *name, *why; } refused[] = {
        {"tq_nan_default", "default of a parameter is not finite"},
        {"tq_nan_min", "a parameter range has min > max"},
        {"tq_inverted", "a parameter range has min > max"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        expect_refused(preg, refused[i].name, refused[i].why, "");
    zp_registry *saved = reg;
    reg = preg;
    plugin_cli = 1;
    static const pcase cases[] = {
        {"tq_probe:f=nan", 'P', INV, "operation 1 'tq_probe': f must be a finite number, got 'nan'"},
        {"tq_probe:f=inf", 'P', INV, "operation 1 'tq_probe': f must be a finite number, got 'inf'"},
        {"tq_probe:f=-1e999", 'P', INV, "operation 1 'tq_probe': f must be a finite number, got '-1e999'"},
        {"tq_probe:f=1e308", 'O', ZP_OK, NULL},
        {"tq_probe:f=-1e308", 'O', ZP_OK, NULL},
        {"tq_probe:g=1.0001", 'P', INV, "operation 1 'tq_probe': g must be 0..1, got 1.0001"},
        {"tq_probe:g=nan", 'P', INV, "operation 1 'tq_probe': g must be a finite number, got 'nan'"},
        {"tq_probe:i=1001", 'P', INV, "operation 1 'tq_probe': i must be -1000..1000, got 1001"},
        {"tq_probe:i=2.5", 'P', INV, "operation 1 'tq_probe': i must be a whole number, got '2.5'"},
        {"tq_probe:i=inf", 'P', INV, "operation 1 'tq_probe': i must be a whole number, got 'inf'"},
        {"tq_probe:i=-1000", 'O', ZP_OK, NULL},
        {"tq_probe:b=2", 'P', INV, "operation 1 'tq_probe': b must be true or false"},
        {"tq_probe:c=d", 'P', INV, "operation 1 'tq_probe': c must be one of a|b|c, got 'd'"},
        {"tq_probe:c=C", 'O', ZP_OK, NULL},
        {"tq_probe:n=nan", 'P', INV, "operation 1 'tq_probe': n: 'nan' is not a finite number"},
        {"tq_probe:n=1;2;3;4;5", 'P', INV, "operation 1 'tq_probe': n needs 1..4 numbers, got 5"},
        {"tq_probe:n=", 'P', INV, "operation 1 'tq_probe': n needs 1..4 numbers, got 0"},
        {"tq_probe:n=1e308;-1e308", 'O', ZP_OK, NULL},
        {"tq_probe:1000,1e300,1,yes,b,1;2;3;4", 'O', ZP_OK, NULL},
        {"tq_probe", 'O', ZP_OK, NULL},
    };
    CHECK_ALL(cases);
    plugin_cli = 0;
    reg = saved;
    zp_registry_free(preg);
}

/* ---- params.plan_direct ------------------------------------------------------------------------ */

/* Defence in depth, below the parser: every built-in's plan(), called as
 * the executor calls it but with a value the parser would never pass (NaN,
 * infinities, out of range, not whole), fails with a message naming the
 * parameter, or (for a value its own checks accept) plans a sane output;
 * never undefined behaviour. Reported, not required by plugin.h (the host
 * guarantees the table's types and ranges). */
static void test_plan_direct(void) {
    const double hostile[] = {NAN, INFINITY, -INFINITY, 1e300, -1e300, -1, 0.5, 2147483648.0, -0.0};
    static const double kernel9[9] = {0, 0, 0, 0, 1, 0, 0, 0, 0};
    static const double chan0[1] = {0};
    int calls = 0, refused = 0;
    for (size_t f = 0; f < zp_registry_count(reg); f++) {
        const zp_filter *flt = zp_registry_filter(reg, f);
        for (uint32_t k = 0; k < flt->param_count; k++) {
            const zp_param_def *d = &flt->params[k];
            for (size_t h = 0; h < sizeof hostile / sizeof hostile[0] + 2; h++) {
                zp_param_value values[64];
                memset(values, 0, sizeof values);
                for (uint32_t i = 0; i < flt->param_count; i++) {
                    values[i].number = flt->params[i].def;
                    if (flt->params[i].type == ZP_PARAM_NUMBERS) {
                        int kern = !strcmp(flt->name, "convolve");
                        values[i].numbers = kern ? kernel9 : chan0;
                        values[i].count = kern ? 9 : 1;
                        values[i].is_set = 1;
                    }
                }
                /* resize and thumbnail need a size to be valid at all */
                if (!strcmp(flt->name, "resize") || !strcmp(flt->name, "thumbnail"))
                    values[0].number = 20;
                double v;
                double list[9];
                zp_param_value *pv = &values[k];
                if (d->type == ZP_PARAM_NUMBERS) {
                    if (h >= sizeof hostile / sizeof hostile[0]) continue;
                    int n = pv->count;
                    memcpy(list, pv->numbers, sizeof(double) * (size_t)n);
                    list[n / 2] = hostile[h];
                    pv->numbers = list;
                    v = hostile[h];
                } else {
                    /* the hostile values, then just outside the range */
                    v = h < sizeof hostile / sizeof hostile[0] ? hostile[h]
                        : h == sizeof hostile / sizeof hostile[0] ? d->min - 1 : d->max + 1;
                    pv->number = v;
                }
                pv->is_set = 1;
                int in_range = isfinite(v) && v >= d->min && v <= d->max &&
                               (d->type == ZP_PARAM_FLOAT || v == floor(v));
                if (d->type == ZP_PARAM_BOOL) in_range = v == 0 || v == 1;
                if (d->type == ZP_PARAM_NUMBERS) in_range = isfinite(v) && fabs(v) <= 1e6;
                if (in_range) continue; /* a value the parser could pass: not hostile */
                zp_plan_args args = {sizeof args, zp__host(), values, 50, 40, 3, ZP_U8, ZP_DEFAULT_MAX_PIXELS};
                zp_plan plan;
                memset(&plan, 0, sizeof plan);
                plan.struct_size = sizeof plan;
                plan.width = 50, plan.height = 40, plan.channels = 3, plan.dtype = ZP_U8;
                zp_status st = flt->plan(&args, &plan);
                calls++;
                plan.message[sizeof plan.message - 1] = '\0';
                if (st != ZP_OK) {
                    refused++;
                    if (!has(plan.message, d->name) && !(d->type == ZP_PARAM_NUMBERS && has(plan.message, "kernel entry"))) {
                        fprintf(stderr, "%s: %s = %g refused, but the message '%s' does not name it\n",
                                flt->name, d->name, v, plan.message);
                        zp_test_failures++;
                    }
                } else {
                    /* accepted: the plan must still be sane */
                    int sane = plan.width >= 1 && plan.height >= 1 && plan.channels >= 1 &&
                               plan.channels <= 4 && plan.halo_x >= 0 && plan.halo_y >= 0;
                    fprintf(stderr, "%s: plan() accepts %s = %g%s\n", flt->name, d->name, v,
                            sane ? " (a sane plan: the parser never passes it)" : " with an impossible plan");
                    if (!sane || !isfinite(v)) zp_test_failures++;
                }
                if (flt->done) flt->done(plan.state);
            }
        }
    }
    printf("  %d hostile plan() calls, %d refused\n", calls, refused);
}

/* ---- main ---------------------------------------------------------------------------------------- */

int main(int argc, char **argv) {
    static const struct { const char *name; void (*fn)(void); } tests[] = {
        {"out_of_range", test_out_of_range}, {"nonfinite", test_nonfinite},
        {"sizes", test_sizes},               {"crop_outside", test_crop_outside},
        {"kernel_sum", test_kernel_sum},     {"kernel_count", test_kernel_count},
        {"sigma", test_sigma},               {"plugin", test_plugin},
        {"plugin_defaults", test_plugin_defaults}, {"plan_direct", test_plan_direct},
    };
    if (argc != 5) {
        fprintf(stderr, "usage: %s CLASS ZEROPIX WORKDIR PLUGIN\n", argv[0]);
        return 2;
    }
    zeropix_bin = argv[2];
    workdir = argv[3];
    plugin_path = argv[4];
    if (zp_test_make_dirs(workdir) != 0) return 1;
    /* Plugins from the environment would change what names mean. */
    unsetenv("ZEROPIX_PLUGIN_PATH");
    snprintf(in_png, sizeof in_png, "%s/in.png", workdir);
    snprintf(out_png, sizeof out_png, "%s/out.png", workdir);
    CHECK_OK(zp_registry_new(NULL, NULL, &reg));
    img_u8 = make_image(50, 40, 3, ZP_U8, 1);
    img_u16 = make_image(50, 40, 3, ZP_U16, 2);
    img_f32 = make_image(50, 40, 3, ZP_F32, 3);
    CHECK_OK(zp_image_encode_file(&img_u8, NULL, in_png, NULL));
    int found = 0;
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        if (!strcmp(argv[1], tests[i].name)) {
            tests[i].fn();
            found = 1;
        }
    zp_view_release(&img_u8);
    zp_view_release(&img_u16);
    zp_view_release(&img_f32);
    zp_registry_free(reg);
    if (!found) {
        fprintf(stderr, "%s: no class '%s'\n", argv[0], argv[1]);
        return 2;
    }
    char name[64];
    snprintf(name, sizeof name, "params.%s", argv[1]);
    return zp_test_finish(name);
}
#endif
