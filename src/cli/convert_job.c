/* convert_job.c: one conversion (decode, turn upright, run the chain,
 * encode through a temporary file renamed into place), shared by convert
 * and the batch workers. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include "cli.h"

void cli_job_init(cli_job *job, const cli_job_options *opt, zp_pipeline *pipe, int threads) {
    memset(job, 0, sizeof *job);
    job->opt = opt;
    job->pipe = pipe;
    job->run.threads = threads;
    job->run.max_pixels = opt->dec.limits.max_pixels; /* filters obey the same limit */
}

static zp_status job_fail(cli_job_result *res, const char *name, zp_status st, const char *fmt, ...)
    CLI_PRINTF(4, 5);

/* Record a failure: `fmt` NULL means the library's reason. */
static zp_status job_fail(cli_job_result *res, const char *name, zp_status st, const char *fmt, ...) {
    res->status = st;
    res->error_name = name;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(res->error, sizeof res->error, fmt, ap);
        va_end(ap);
    } else {
        snprintf(res->error, sizeof res->error, "%s", cli_reason(st));
    }
    return st;
}

/* Say which option lifts a limit that was hit. */
static const char *limit_hint(void) {
    return strstr(zp_last_error(), "max_pixels") ? "--max-pixels N or --no-limits allows it"
                                                  : "--no-limits allows it";
}

/* Damage that --fail-on let through is said, not hidden. */
static void note_damage(zp_decoder *dec, cli_job_result *res) {
    const zp_image_info *info = zp_decoder_info(dec);
    if (info->warnings) {
        char more[32] = "";
        if (info->warnings > 1) snprintf(more, sizeof more, " (and %u more)", info->warnings - 1);
        snprintf(res->warning, sizeof res->warning, "%s%s%s", zp_decoder_warning(dec), more,
                 info->truncated ? "; the rows past the end are blank" : "");
    }
}

/* Decode, run the chain and encode, strip by strip or whole-frame as
 * run->mode says. */
static zp_status convert(cli_job *job, zp_decoder *dec, const char *output, zp_format format,
                            const zp_run_options *run, const char *in_name, const char *out_name,
                            cli_job_result *res) {
    zp_encode_options enc = job->opt->enc;
    enc.format = format;
    enc.threads = job->run.threads; /* the PNG encoder's threads, as the chain's */
    int dash = cli_is_dash(output);
    zp_output out = {dash ? NULL : output, dash ? stdout : NULL, NULL, NULL, 0, 0, 0};
    zp_clear_error();
    /* The decoder's metadata has the EXIF orientation reset to 1 when the
     * pixels are turned upright, so it is written as is. */
    zp_status st = zp_pipeline_convert(job->pipe, dec, &out, &enc, zp_decoder_metadata(dec), run);
    const char *name = out.output_failed ? out_name : in_name;
    if (st == ZP_ERR_LIMIT && !out.output_failed)
        return job_fail(res, name, st, "%s (%s)", cli_reason(st), limit_hint());
    if (st) return job_fail(res, name, st, NULL);
    if (dash && fflush(stdout) != 0)
        return job_fail(res, out_name, ZP_ERR_IO, "write failed: %s", strerror(errno));
    note_damage(dec, res);
    res->width = out.width;
    res->height = out.height;
    return ZP_OK;
}

zp_status cli_job_run(cli_job *job, const char *input, const char *output, zp_format format,
                      cli_job_result *res) {
    const char *in_name = cli_display_name(input, "<stdin>");
    const char *out_name = cli_display_name(output, "<stdout>");
    memset(res, 0, sizeof *res);

    zp_decoder *dec = NULL;
    zp_clear_error();
    zp_status st = cli_is_dash(input) ? zp_decoder_open_stream(stdin, &job->opt->dec, &dec)
                                      : zp_decoder_open_file(input, &job->opt->dec, &dec);
    if (st == ZP_ERR_LIMIT) {
        job_fail(res, in_name, st, "%s (%s)", cli_reason(st), limit_hint());
    } else if (st) {
        job_fail(res, in_name, st, NULL);
    } else {
        /* Shrink-on-load for a leading resize or thumbnail applies to both
         * executors, so --whole-frame writes the same bytes. Whole-frame
         * pixels come from the library's buffer cache, so batch workers
         * reuse memory from file to file either way. */
        zp_run_options run = job->run;
        run.shrink_on_load = 1;
        run.mode = job->opt->whole_frame ? ZP_RUN_WHOLE : ZP_RUN_STREAM;
        st = convert(job, dec, output, format, &run, in_name, out_name, res);
    }
    zp_decoder_close(dec);
    return st;
}
