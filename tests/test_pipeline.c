/* test_pipeline.c: the executor end to end: operation syntax and its
 * errors, view stages folded with no pixel work, identical bytes for any
 * thread count, point filters in place, isolation of a crop, and the
 * plugin loader with broken plugins (warnings, never a crash). */
#include <string.h>
#include "zp_test.h"
#include "zeropix/pipeline.h"
#include "core/core_internal.h"

static char warnings[8192];
static void collect(void *user, const char *msg) {
    (void)user;
    strncat(warnings, msg, sizeof warnings - strlen(warnings) - 2);
    strcat(warnings, "\n");
}

static zp_view random_image(int w, int h, int ch, zp_dtype dt, uint32_t seed) {
    zp_view v;
    if (zp_view_alloc(w, h, ch, dt, &v)) exit(1);
    for (int y = 0; y < h; y++) {
        uint8_t *row = zp_view_pixel(&v, 0, y);
        for (size_t i = 0; i < (size_t)w * ch * zp_dtype_size(dt); i++) row[i] = (uint8_t)zp_test_rand(&seed);
    }
    if (dt == ZP_F32)
        for (int y = 0; y < h; y++)
            for (int i = 0; i < w * ch; i++) ((float *)zp_view_pixel(&v, 0, y))[i] = (float)(zp_test_rand(&seed) % 1000) / 999.0f;
    return v;
}

static int views_equal(const zp_view *a, const zp_view *b) {
    if (a->width != b->width || a->height != b->height || a->channels != b->channels || a->dtype != b->dtype) return 0;
    size_t item = zp_dtype_size(a->dtype);
    for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width; x++)
            for (int c = 0; c < a->channels; c++)
                if (memcmp((char *)zp_view_pixel(a, x, y) + c * a->stride_c,
                           (char *)zp_view_pixel(b, x, y) + c * b->stride_c, item)) return 0;
    return 1;
}

static zp_status run(const zp_registry *reg, const char *chain, const zp_view *in, int threads, zp_view *out) {
    zp_pipeline *p;
    zp_status st = zp_pipeline_parse_string(reg, chain, &p);
    if (st) return st;
    zp_run_options opt;
    zp_run_options_init(&opt);
    opt.threads = threads;
    st = zp_pipeline_run(p, in, &opt, out);
    zp_pipeline_free(p);
    return st;
}

static void expect_parse_error(const zp_registry *reg, const char *chain, const char *text) {
    zp_pipeline *p = NULL;
    zp_status st = zp_pipeline_parse_string(reg, chain, &p);
    CHECK(st != ZP_OK && p == NULL);
    if (!strstr(zp_last_error(), text)) {
        fprintf(stderr, "parse '%s': message '%s' lacks '%s'\n", chain, zp_last_error(), text);
        zp_test_failures++;
    }
}

static void test_syntax(const zp_registry *reg) {
    expect_parse_error(reg, "blurr:sigma=2", "operation 1 'blurr': unknown filter (did you mean 'blur'?)");
    expect_parse_error(reg, "crop:x=1,y=1,w=5,h=5 blur:sigmaa=2", "operation 2 'blur': unknown parameter 'sigmaa' (did you mean 'sigma'?)");
    expect_parse_error(reg, "blur:sigma=abc", "sigma must be a finite number, got 'abc'");
    expect_parse_error(reg, "blur:sigma=nan", "sigma must be a finite number");
    expect_parse_error(reg, "blur:sigma=inf", "sigma must be a finite number");
    expect_parse_error(reg, "blur:sigma=-1", "sigma must be");
    expect_parse_error(reg, "blur:sigma=1,sigma=2", "sigma is given twice");
    expect_parse_error(reg, "rotate:45.5", "angle must be a whole number");
    expect_parse_error(reg, "flip:axis=diagonal", "axis must be one of");
    expect_parse_error(reg, "convolve:kernel=1;2;x", "'x' is not a finite number");
    expect_parse_error(reg, "transpose:1", "too many values");
    expect_parse_error(reg, ":x=1", "not NAME");
    expect_parse_error(reg, "zzzzzzzz", "unknown filter ('zeropix ops' lists them)");
    /* Numbers are plain decimals; items are never silently dropped. */
    expect_parse_error(reg, "crop:x=0x10", "x must be a whole number, got '0x10'");
    expect_parse_error(reg, "crop:x=1e2", "x must be a whole number, got '1e2'");
    {   /* a space inside one operation (parse_string would split there) */
        const char *op[1] = {"crop:x= 5"};
        zp_pipeline *sp = NULL;
        CHECK(zp_pipeline_parse(reg, 1, op, &sp) != ZP_OK && sp == NULL);
        CHECK(strstr(zp_last_error(), "x must be a whole number, got ' 5'") != NULL);
    }
    expect_parse_error(reg, "blur:sigma=0x1p1", "sigma must be a finite number, got '0x1p1'");
    expect_parse_error(reg, "crop:x=1,,y=2", "an empty parameter");
    expect_parse_error(reg, "rotate:angle=90,", "an empty parameter");
    expect_parse_error(reg, "blur:", "nothing after ':'");
    expect_parse_error(reg, "crop:y=3,4", "value '4' without a name after a named one");
    expect_parse_error(reg, "BLURR", "did you mean 'blur'?");
    /* Positional values, choices, lists. */
    zp_pipeline *p;
    CHECK_OK(zp_pipeline_parse_string(reg, "rotate:90 flip:y blur:1.5 convolve:kernel=0;0;0;0;1;0;0;0;0", &p));
    CHECK(zp_pipeline_length(p) == 4);
    zp_pipeline_free(p);
    /* Chain length limit. */
    const char *many[ZP_MAX_OPERATIONS + 1];
    for (int i = 0; i <= ZP_MAX_OPERATIONS; i++) many[i] = "transpose";
    CHECK_STATUS(zp_pipeline_parse(reg, ZP_MAX_OPERATIONS + 1, many, &p), ZP_ERR_LIMIT);
    CHECK_OK(zp_pipeline_parse(reg, ZP_MAX_OPERATIONS, many, &p));
    zp_pipeline_free(p);
    /* Every built-in is findable and suggestions are sensible. */
    CHECK(zp_registry_find(reg, "resize") != NULL);
    CHECK(zp_registry_suggest(reg, "thumbnial") && !strcmp(zp_registry_suggest(reg, "thumbnial"), "thumbnail"));
    CHECK(zp_registry_suggest(reg, "qqqqqqqqqqqq") == NULL);
}

static void test_fold_views(const zp_registry *reg) {
    zp_view in = random_image(101, 77, 3, ZP_U8, 1), out;
    const uint64_t before = zp__pixels_alloc_count();
    CHECK_OK(run(reg, "crop:x=3,y=5,w=60,h=40 flip:x rotate:90 transpose extract:channels=2;1;0", &in, 2, &out));
    CHECK(zp__pixels_alloc_count() == before); /* no pixel memory at all */
    CHECK(out.owner == in.owner);
    /* Same as the direct view computation. */
    zp_view a, b;
    CHECK_OK(zp_view_crop(&in, 3, 5, 60, 40, &a));
    CHECK_OK(zp_view_flip(&a, ZP_FLIP_X, &a));
    CHECK_OK(zp_view_rotate(&a, 90, &a));
    CHECK_OK(zp_view_transpose(&a, &a));
    CHECK_OK(zp_view_channels(&a, 2, 3, -1, &b));
    CHECK(views_equal(&out, &b));
    zp_view_release(&a);
    zp_view_release(&b);
    zp_view_release(&out);
    zp_view_release(&in);
}

static void test_threads_identical(const zp_registry *reg) {
    const char *chains[] = {
        "blur:sigma=2.5 resize:width=90 sharpen:sigma=1,amount=1.5",
        "box_blur:radius=3 levels:gamma=1.7 invert",
        "convolve:kernel=1;2;1;2;4;2;1;2;1 thumbnail:width=40,height=40 grayscale",
        "resize:scale=1.7,kernel=bicubic threshold:value=0.5",
    };
    const zp_dtype types[2] = {ZP_U8, ZP_U16};
    for (int t = 0; t < 2; t++)
        for (size_t c = 0; c < sizeof chains / sizeof chains[0]; c++) {
            zp_view in = random_image(203, 301, 3, types[t], 7 + (uint32_t)c), one, many;
            CHECK_OK(run(reg, chains[c], &in, 1, &one));
            CHECK_OK(run(reg, chains[c], &in, 2, &many));
            CHECK(views_equal(&one, &many));
            zp_view_release(&many);
            CHECK_OK(run(reg, chains[c], &in, 7, &many));
            if (!views_equal(&one, &many)) fprintf(stderr, "threads differ: %s\n", chains[c]);
            CHECK(views_equal(&one, &many));
            zp_view_release(&one);
            zp_view_release(&many);
            zp_view_release(&in);
        }
}

static void test_in_place_and_reuse(const zp_registry *reg) {
    zp_view in = random_image(64, 48, 3, ZP_U8, 3), copy, out;
    CHECK_OK(zp_view_alloc(64, 48, 3, ZP_U8, &copy));
    CHECK_OK(zp_view_copy(&in, &copy));
    uint64_t before = zp__pixels_alloc_count();
    /* invert straight on the input: the input must not change. */
    CHECK_OK(run(reg, "invert", &in, 2, &out));
    CHECK(views_equal(&in, &copy));
    CHECK(out.owner != in.owner);
    CHECK(*(uint8_t *)zp_view_pixel(&out, 5, 5) == 255 - *(uint8_t *)zp_view_pixel(&in, 5, 5));
    zp_view_release(&out);
    CHECK(zp__pixels_alloc_count() == before + 1);
    /* blur then three point filters: one buffer, the rest in place. */
    before = zp__pixels_alloc_count();
    CHECK_OK(run(reg, "blur:sigma=1 invert levels:gamma=2 invert", &in, 2, &out));
    CHECK(zp__pixels_alloc_count() == before + 1);
    zp_view_release(&out);
    /* blur blur blur: two buffers, used in turn. */
    before = zp__pixels_alloc_count();
    CHECK_OK(run(reg, "blur:sigma=1 blur:sigma=1 blur:sigma=1", &in, 2, &out));
    CHECK(zp__pixels_alloc_count() == before + 2);
    zp_view_release(&out);
    zp_view_release(&copy);
    zp_view_release(&in);
}

/* A filter on a crop of a larger image equals the filter on a packed copy
 * of the crop, though the parent has extreme values around it. */
static void test_isolation(const zp_registry *reg) {
    const char *ops[] = {"blur:sigma=3", "box_blur:radius=4", "sharpen:sigma=2,amount=2",
                         "convolve:kernel=1;1;1;1;1;1;1;1;1", "resize:width=17,height=9",
                         "resize:scale=2.5,kernel=lanczos3"};
    zp_view parent = random_image(80, 70, 4, ZP_U8, 11);
    for (int y = 0; y < 70; y++)
        for (int x = 0; x < 80; x++)
            if (x < 20 || x >= 50 || y < 10 || y >= 45) memset(zp_view_pixel(&parent, x, y), (x + y) & 1 ? 255 : 0, 4);
    zp_view crop, packed;
    CHECK_OK(zp_view_crop(&parent, 20, 10, 30, 35, &crop));
    CHECK_OK(zp_view_alloc(30, 35, 4, ZP_U8, &packed));
    CHECK_OK(zp_view_copy(&crop, &packed));
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        zp_view a, b;
        CHECK_OK(run(reg, ops[i], &crop, 2, &a));
        CHECK_OK(run(reg, ops[i], &packed, 2, &b));
        if (!views_equal(&a, &b)) fprintf(stderr, "isolation broken: %s\n", ops[i]);
        CHECK(views_equal(&a, &b));
        zp_view_release(&a);
        zp_view_release(&b);
    }
    zp_view_release(&crop);
    zp_view_release(&packed);
    zp_view_release(&parent);
}

static void test_plan_errors(const zp_registry *reg) {
    zp_view in = random_image(50, 40, 3, ZP_U8, 5), out;
    /* The pixel limit holds for every stage's output, not only decoding. */
    zp_pipeline *p;
    CHECK_OK(zp_pipeline_parse_string(reg, "invert resize:scale=30", &p));
    zp_run_options opt;
    zp_run_options_init(&opt);
    opt.max_pixels = 1000000;
    CHECK_STATUS(zp_pipeline_run(p, &in, &opt, &out), ZP_ERR_LIMIT);
    CHECK(strstr(zp_last_error(), "operation 2 'resize'") && strstr(zp_last_error(), "max_pixels"));
    opt.max_pixels = 0; /* the opt-out */
    CHECK_OK(zp_pipeline_run(p, &in, &opt, &out));
    CHECK(out.width == 1500 && out.height == 1200);
    zp_view_release(&out);
    CHECK_STATUS(zp_pipeline_run(p, &in, NULL, &out), ZP_OK); /* 1.8 MP is under the default */
    zp_view_release(&out);
    zp_pipeline_free(p);
    CHECK(run(reg, "crop:x=40,y=0,w=20,h=10", &in, 1, &out) != ZP_OK);
    CHECK(strstr(zp_last_error(), "operation 1 'crop'") != NULL);
    CHECK(run(reg, "invert crop:x=0,y=39,w=5,h=5", &in, 1, &out) != ZP_OK);
    CHECK(strstr(zp_last_error(), "operation 2 'crop'") != NULL);
    zp_view_release(&in);
}

static void test_plugins(const char *dir) {
    zp_registry *reg;
    warnings[0] = '\0';
    CHECK_OK(zp_registry_new(collect, NULL, &reg));
    size_t builtins = zp_registry_count(reg);
    char path[4096];
    snprintf(path, sizeof path, "%s/tp_good.so", dir);
    CHECK_OK(zp_registry_load_plugin(reg, path));
    CHECK(zp_registry_count(reg) == builtins + 2);
    CHECK(warnings[0] == '\0');
    CHECK(!strcmp(zp_registry_origin(reg, builtins), path));

    /* Broken ones: a warning naming the path and the reason each. */
    snprintf(path, sizeof path, "%s/tp_wrong_abi.so", dir);
    CHECK(zp_registry_load_plugin(reg, path) != ZP_OK);
    CHECK(strstr(warnings, "tp_wrong_abi.so: built for plugin ABI 2.0, this zeropix speaks 1.x") != NULL);
    snprintf(path, sizeof path, "%s/tp_no_entry.so", dir);
    CHECK(zp_registry_load_plugin(reg, path) != ZP_OK);
    CHECK(strstr(warnings, "tp_no_entry.so: not a zeropix plugin (no zeropix_plugin_entry symbol)") != NULL);
    snprintf(path, sizeof path, "%s/not_a_plugin.so", dir);
    CHECK(zp_registry_load_plugin(reg, path) != ZP_OK);
    CHECK(strstr(warnings, "not_a_plugin.so: not loaded:") != NULL);
    snprintf(path, sizeof path, "%s/missing.so", dir);
    CHECK(zp_registry_load_plugin(reg, path) != ZP_OK);
    snprintf(path, sizeof path, "%s/tp_mixed.so", dir);
    CHECK(zp_registry_load_plugin(reg, path) != ZP_OK);
    CHECK(strstr(warnings, "filter 'blur' skipped: the name is taken by built-in") != NULL);
    CHECK(strstr(warnings, "filter 'tp_noplan' skipped: a filter has no plan callback") != NULL);
    CHECK(strstr(warnings, "filter 'tp_both' skipped: a filter must have exactly one of map and process") != NULL);
    CHECK(zp_registry_find(reg, "tp_mirror") != NULL); /* older, smaller descriptor: fine */
    CHECK(zp_registry_find(reg, "tp_mirror")->done == NULL);
    CHECK(zp_registry_count(reg) == builtins + 3);

    /* The loaded filters run, built-in blur is still the built-in. */
    zp_view in = random_image(20, 10, 3, ZP_U8, 9), out;
    CHECK_OK(run(reg, "tp_add:amount=5 tp_half tp_mirror blur:0.5", &in, 2, &out));
    CHECK(out.width == 10 && out.height == 10);
    zp_view_release(&out);
    zp_view_release(&in);

    /* A directory: every library in it, bad ones warned about. */
    zp_registry *reg2;
    warnings[0] = '\0';
    CHECK_OK(zp_registry_new(collect, NULL, &reg2));
    CHECK(zp_registry_load_dir(reg2, dir) == 2); /* tp_good and tp_mixed */
    CHECK(strstr(warnings, "tp_wrong_abi.so") && strstr(warnings, "not_a_plugin.so"));
    CHECK(zp_registry_load_dir(reg2, "/nonexistent/zeropix") == 0);
    zp_registry_free(reg2);
    zp_registry_free(reg);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: test_pipeline TEST_PLUGIN_DIR\n");
        return 2;
    }
    zp_registry *reg;
    CHECK_OK(zp_registry_new(collect, NULL, &reg));
    test_syntax(reg);
    test_fold_views(reg);
    test_threads_identical(reg);
    test_in_place_and_reuse(reg);
    test_isolation(reg);
    test_plan_errors(reg);
    zp_registry_free(reg);
    test_plugins(argv[1]);
    return zp_test_finish("test_pipeline");
}
