/* convert_job.c: one conversion (decode, turn upright, run the chain,
 * encode through a temporary file renamed into place), shared by convert
 * and the batch workers, reusing the pixel buffer from file to file. */
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

void cli_job_release(cli_job *job) {
    if (!job) return;
    zp_buffer_unref(job->pixels);
    job->pixels = NULL;
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

/* A view of the header's geometry over the job's buffer, grown when this
 * image needs more than any before it. The view is upright when the
 * decoder applies the orientation, and its unoriented form is the packed
 * stored image, so the decoder writes rows straight in (no row copies). */
static zp_status pixels_for(cli_job *job, const zp_image_info *info, zp_view *out) {
    int swap = info->orientation_applied && info->orientation >= 5;
    int32_t w = swap ? info->height : info->width, h = swap ? info->width : info->height;
    size_t item = zp_dtype_size(info->dtype);
    size_t row = (size_t)w * (size_t)info->channels * item;
    row = (row + ZP_ROW_ALIGN - 1) / ZP_ROW_ALIGN * ZP_ROW_ALIGN;
    if (row && (size_t)h > SIZE_MAX / row) return ZP_ERR_OVERFLOW;
    size_t size = row * (size_t)h;
    if (!job->pixels || zp_buffer_size(job->pixels) < size) {
        zp_buffer_unref(job->pixels);
        if (!(job->pixels = zp_buffer_alloc(size))) return ZP_ERR_NOMEM;
    }
    zp_view stored;
    zp_status st = zp_view_wrap(job->pixels, zp_buffer_data(job->pixels), w, h, info->channels,
                                info->dtype, (ptrdiff_t)row, (ptrdiff_t)(info->channels * item),
                                (ptrdiff_t)item, 0, &stored);
    if (st) return st;
    if (!info->orientation_applied) {
        *out = stored;
        return ZP_OK;
    }
    st = zp_view_orient(&stored, info->orientation, out);
    zp_view_release(&stored);
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

/* The default: decode, run the chain and encode strip by strip. */
static zp_status stream_job(cli_job *job, zp_decoder *dec, const char *output, zp_format format,
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
    zp_view pixels = {0}, result = {0};
    zp_clear_error();
    zp_status st = cli_is_dash(input) ? zp_decoder_open_stream(stdin, &job->opt->dec, &dec)
                                      : zp_decoder_open_file(input, &job->opt->dec, &dec);
    /* Shrink-on-load for a leading resize or thumbnail, the same for both
     * executors, so that --whole-frame writes the same bytes. */
    zp_run_options run = job->run;
    run.shrink_on_load = 1;
    run.mode = job->opt->whole_frame ? ZP_RUN_WHOLE : ZP_RUN_STREAM;
    if (!st && !job->opt->whole_frame) {
        st = stream_job(job, dec, output, format, &run, in_name, out_name, res);
        goto done;
    }
    if (!st) st = zp_pipeline_prepare_decode(job->pipe, dec, &run);
    if (!st && (st = pixels_for(job, zp_decoder_info(dec), &pixels)) == ZP_OK)
        st = zp_decoder_read_into(dec, &pixels);
    if (st == ZP_ERR_LIMIT) {
        job_fail(res, in_name, st, "%s (%s)", cli_reason(st), limit_hint());
        goto done;
    }
    if (st) {
        job_fail(res, in_name, st, NULL);
        goto done;
    }
    note_damage(dec, res);

    /* Operations that fail on this image (a crop outside it) fail the input. */
    zp_clear_error();
    if (job->pipe) {
        if ((st = zp_pipeline_run(job->pipe, &pixels, &run, &result))) {
            job_fail(res, in_name, st, NULL);
            goto done;
        }
    } else {
        zp_view_share(&pixels, &result);
    }

    /* The decoder's metadata has the EXIF orientation reset to 1 when the
     * pixels were turned upright, so it is written as is. */
    const zp_metadata *meta = zp_decoder_metadata(dec);
    zp_encode_options enc = job->opt->enc;
    enc.format = format;
    enc.threads = job->run.threads; /* the PNG encoder's threads, as the chain's */
    zp_clear_error();
    if (cli_is_dash(output)) {
        if ((st = zp_image_encode_stream(&result, meta, stdout, &enc)))
            job_fail(res, out_name, st, NULL);
        else if (fflush(stdout) != 0)
            st = job_fail(res, out_name, ZP_ERR_IO, "write failed: %s", strerror(errno));
    } else if ((st = zp_image_encode_file(&result, meta, output, &enc))) {
        job_fail(res, out_name, st, NULL);
    }
    if (!st) {
        res->width = result.width;
        res->height = result.height;
    }
done:
    zp_view_release(&result);
    zp_view_release(&pixels);
    zp_decoder_close(dec);
    return st;
}
