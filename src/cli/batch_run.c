/* batch_run.c: the run of `zeropix batch`: a pool of workers taking inputs
 * from a shared atomic index, progress on standard error, the JSON-lines
 * report, the summary, and a clean stop on Ctrl-C. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "batch.h"

typedef enum item_status { ST_DONE, ST_SKIPPED, ST_FAILED, ST_CANCELLED } item_status;
static const char *const status_names[] = {"done", "skipped", "failed", "cancelled"};

typedef struct run_state {
    const batch_list *list;
    const batch_settings *set;
    atomic_size_t next;          /* the next input to take: the only shared
                                    state a worker touches per file; the
                                    inputs below it are the ones started  */
    atomic_size_t done, skipped, failed;
    atomic_int stop;             /* --fail-fast or a signal: start no more */
    pthread_mutex_t print_lock;  /* progress, messages and report lines   */
    pthread_mutex_t end_lock;
    pthread_cond_t end_cond;     /* signalled when a worker ends          */
    int running;                 /* workers not ended (under end_lock)    */
    int line_shown;              /* a live progress line is on screen     */
    double t0;
} run_state;

/* Set by the signal handler; read by the workers and the progress loop. */
static volatile sig_atomic_t stop_signal;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- Signals ------------------------------------------------------------------ */

/* The first Ctrl-C (or TERM, HUP, QUIT) stops starting files; a second one
 * removes the temporary files being written and dies at once, as the
 * handler of the other commands does. */
static void on_signal(int sig) {
    if (!stop_signal) {
        stop_signal = sig;
        return;
    }
    cli_die_of_signal(sig);
}

/* ---- Printing (under print_lock) -------------------------------------------------- */

static void clear_line(run_state *r) {
    if (r->line_shown) fputs("\r\033[K", stderr);
    r->line_shown = 0;
}

static void format_eta(char *buf, size_t size, double seconds) {
    long s = (long)(seconds + 0.5);
    if (s >= 3600) snprintf(buf, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else snprintf(buf, size, "%ld:%02ld", s / 60, s % 60);
}

static void print_progress(run_state *r) {
    size_t total = r->list->count, done = atomic_load(&r->done),
           failed = atomic_load(&r->failed), skipped = atomic_load(&r->skipped);
    size_t finished = done + failed + skipped, converted = done + failed;
    double elapsed = now_seconds() - r->t0;
    double rate = elapsed > 0 ? (double)converted / elapsed : 0;
    char eta[32] = "-";
    /* Skipped files cost nothing: the rate and ETA count conversions. */
    if (rate > 0) format_eta(eta, sizeof eta, (double)(total - finished) / rate);
    char line[256];
    snprintf(line, sizeof line, "zeropix batch: %zu/%zu, %zu failed, %zu skipped, "
             "%.1f images/s, ETA %s", finished, total, failed, skipped, rate, eta);
    if (r->set->progress == PROGRESS_TTY) {
        fprintf(stderr, "\r%s\033[K", line);
        r->line_shown = 1;
    } else {
        fprintf(stderr, "%s\n", line);
    }
    fflush(stderr);
}

static void report_line(run_state *r, const batch_item *it, item_status st,
                        const cli_job_result *res, double ms) {
    FILE *f = r->set->report;
    if (!f) return;
    fputs("{\"input\":", f);
    cli_json_string(f, it->input);
    fputs(",\"output\":", f);
    if (it->output) cli_json_string(f, it->output);
    else fputs("null", f);
    fprintf(f, ",\"status\":\"%s\",\"error\":", status_names[st]);
    if (st == ST_FAILED) cli_json_string(f, res ? res->error : it->name_error);
    else fputs("null", f);
    if (st == ST_DONE) fprintf(f, ",\"width\":%ld,\"height\":%ld", (long)res->width,
                               (long)res->height);
    else fputs(",\"width\":null,\"height\":null", f);
    fprintf(f, ",\"milliseconds\":%.1f", ms);
    if (res && res->warning[0]) {
        fputs(",\"warning\":", f);
        cli_json_string(f, res->warning);
    }
    fputs("}\n", f);
    fflush(f); /* whole lines, so a killed batch leaves a readable report */
}

/* ---- Workers ----------------------------------------------------------------------- */

typedef struct worker {
    run_state *r;
    cli_job job;
    zp_pipeline *pipe;
    pthread_t tid;
} worker;

static void finish_item(run_state *r, const batch_item *it, item_status st,
                        const cli_job_result *res, double ms) {
    atomic_size_t *counter = st == ST_DONE ? &r->done : st == ST_SKIPPED ? &r->skipped : &r->failed;
    atomic_fetch_add(counter, 1);
    int warn = res && res->warning[0] && !r->set->quiet;
    if (!warn && st != ST_FAILED && !r->set->report) return;
    pthread_mutex_lock(&r->print_lock);
    if (warn || st == ST_FAILED) clear_line(r);
    if (warn)
        fprintf(stderr, "zeropix: %s: warning: %s\n", it->input, res->warning);
    if (st == ST_FAILED)
        fprintf(stderr, "zeropix: %s: %s\n", res ? res->error_name : it->input,
                res ? res->error : it->name_error);
    report_line(r, it, st, res, ms);
    pthread_mutex_unlock(&r->print_lock);
}

static void *work(void *arg) {
    worker *w = arg;
    run_state *r = w->r;
    cli_job_result res;
    for (;;) {
        if (atomic_load(&r->stop) || stop_signal) break;
        size_t i = atomic_fetch_add(&r->next, 1);
        if (i >= r->list->count) break;
        const batch_item *it = &r->list->items[i];
        double t = now_seconds();
        if (!it->output) {
            finish_item(r, it, ST_FAILED, NULL, 0);
            if (r->set->fail_fast) atomic_store(&r->stop, 1);
        } else if (r->set->skip_existing && batch_output_complete(it->output)) {
            finish_item(r, it, ST_SKIPPED, NULL, (now_seconds() - t) * 1e3);
        } else {
            /* The input's own name in messages, even for a file the
             * library calls by another (an output that cannot be written
             * names the output). */
            cli_job_run(&w->job, it->input, it->output, it->format, &res);
            finish_item(r, it, res.status ? ST_FAILED : ST_DONE, &res, (now_seconds() - t) * 1e3);
            if (res.status && r->set->fail_fast) atomic_store(&r->stop, 1);
        }
    }
    pthread_mutex_lock(&r->end_lock);
    r->running--;
    pthread_cond_signal(&r->end_cond);
    pthread_mutex_unlock(&r->end_lock);
    return NULL;
}

/* ---- The run --------------------------------------------------------------------------- */

static int start_workers(run_state *r, worker *ws, int n) {
    const batch_settings *s = r->set;
    int started = 0;
    for (; started < n; started++) {
        worker *w = &ws[started];
        w->r = r;
        /* A chain per worker: a pipeline runs one image at a time. Parsed
         * once, run on every file the worker takes. */
        if (s->op_count &&
            zp_pipeline_parse(s->reg, s->op_count, (const char *const *)s->ops, &w->pipe)) {
            fprintf(stderr, "zeropix " BATCH_CMD ": %s\n", zp_last_error());
            break;
        }
        cli_job_init(&w->job, s->job, w->pipe, s->threads);
        pthread_mutex_lock(&r->end_lock);
        r->running++;
        pthread_mutex_unlock(&r->end_lock);
        if (pthread_create(&w->tid, NULL, work, w) != 0) {
            pthread_mutex_lock(&r->end_lock);
            r->running--;
            pthread_mutex_unlock(&r->end_lock);
            zp_pipeline_free(w->pipe);
            fprintf(stderr, "zeropix " BATCH_CMD ": cannot start worker %d: %s\n", started + 1,
                    strerror(errno));
            break;
        }
    }
    return started;
}

static int tell_stop(run_state *r) {
    pthread_mutex_lock(&r->print_lock);
    clear_line(r);
    fprintf(stderr, "zeropix " BATCH_CMD ": %s: no more files are started; the running ones "
            "finish (again to stop at once)\n", strsignal(stop_signal));
    pthread_mutex_unlock(&r->print_lock);
    return 1;
}

/* Wait for the workers, showing progress. */
static void wait_workers(run_state *r) {
    const batch_settings *s = r->set;
    int show = s->progress == PROGRESS_TTY || s->progress == PROGRESS_PLAIN;
    double next_show = now_seconds() + (s->progress == PROGRESS_TTY ? 0 : s->interval);
    int told_stop = 0;
    pthread_mutex_lock(&r->end_lock);
    while (r->running > 0) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        /* A signal is noticed within 0.1 s. */
        long step_ns = s->interval < 0.1 ? (long)(s->interval * 1e9) : 100000000L;
        until.tv_nsec += step_ns;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&r->end_cond, &r->end_lock, &until);
        if (r->running == 0) break;
        pthread_mutex_unlock(&r->end_lock);
        if (stop_signal && !told_stop) told_stop = tell_stop(r);
        if (show && now_seconds() >= next_show) {
            pthread_mutex_lock(&r->print_lock);
            print_progress(r);
            pthread_mutex_unlock(&r->print_lock);
            next_show = now_seconds() + s->interval;
        }
        pthread_mutex_lock(&r->end_lock);
    }
    pthread_mutex_unlock(&r->end_lock);
    if (stop_signal && !told_stop) tell_stop(r);
}

int batch_run(const batch_list *list, const batch_settings *s) {
    run_state r;
    memset(&r, 0, sizeof r);
    r.list = list;
    r.set = s;
    pthread_mutex_init(&r.print_lock, NULL);
    pthread_mutex_init(&r.end_lock, NULL);
    pthread_cond_init(&r.end_cond, NULL);
    struct sigaction saved[CLI_STOP_SIGNALS];
    cli_catch_signals(on_signal, saved);
    r.t0 = now_seconds();

    int n = s->workers < 1 ? 1 : s->workers;
    if ((size_t)n > list->count) n = list->count ? (int)list->count : 1;
    worker *ws = calloc((size_t)n, sizeof *ws);
    int started = ws ? start_workers(&r, ws, n) : 0;
    int rc = CLI_EXIT_OK;
    if (started == 0) {
        rc = CLI_EXIT_FAILED;
    } else {
        wait_workers(&r);
        for (int i = 0; i < started; i++) {
            pthread_join(ws[i].tid, NULL);
            zp_pipeline_free(ws[i].pipe);
        }
    }
    free(ws);

    /* Inputs never started (--fail-fast, a signal): said in the report.
     * Workers take inputs in order, so those are the ones from `next` on. */
    size_t taken = atomic_load(&r.next);
    size_t cancelled = taken < list->count ? list->count - taken : 0;
    for (size_t i = list->count - cancelled; i < list->count; i++)
        report_line(&r, &list->items[i], ST_CANCELLED, NULL, 0);
    double elapsed = now_seconds() - r.t0;
    size_t done = atomic_load(&r.done), failed = atomic_load(&r.failed),
           skipped = atomic_load(&r.skipped);
    if (!s->quiet) {
        clear_line(&r);
        fprintf(stderr, "zeropix " BATCH_CMD ": %zu done, %zu skipped, %zu failed", done, skipped,
                failed);
        if (cancelled) fprintf(stderr, ", %zu not started", cancelled);
        fprintf(stderr, " (of %zu) in %.1f s, %.1f images/s\n", list->count, elapsed,
                elapsed > 0 ? (double)(done + failed) / elapsed : 0.0);
        if (failed && s->report_name)
            fprintf(stderr, "zeropix " BATCH_CMD ": the failures are listed in %s\n",
                    s->report_name);
    }
    if (failed || cancelled) rc = CLI_EXIT_FAILED;
    pthread_cond_destroy(&r.end_cond);
    pthread_mutex_destroy(&r.end_lock);
    pthread_mutex_destroy(&r.print_lock);

    int sig = stop_signal;
    cli_restore_signals(saved);
    if (sig) {
        /* Die of the signal, as the shell expects of an interrupted command
         * (every output is complete by now: nothing to remove). */
        if (s->report) fflush(s->report);
        fflush(stderr);
        cli_die_of_signal(sig);
        return 128 + sig;
    }
    return rc;
}
