#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libavutil/error.h>
#include <libavutil/log.h>

#include "fam_internal.h"

static _Thread_local char g_error[512];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* FFmpeg logs to stderr by default; hostile streams would flood it, and every error reaches C#. */
static void init_logging(void) { av_log_set_level(AV_LOG_QUIET); }

void fam_init_once(void) { pthread_once(&g_once, init_logging); }

FAM_API void fam_set_log_level(int av_log_level) {
    fam_init_once();
    av_log_set_level(av_log_level);
}

int fam_fail(int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_error, sizeof g_error, fmt, ap);
    va_end(ap);
    return code;
}

int fam_fail_av(int averror, const char *what) {
    char text[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(averror, text, sizeof text);
    fam_fail(averror, "%s: %s", what, text);
    return averror < 0 ? averror : FAM_EINVAL;
}

FAM_API int fam_last_error(char *dst, int capacity) {
    if (!dst || capacity <= 0) return (int)strlen(g_error);
    snprintf(dst, (size_t)capacity, "%s", g_error);
    return (int)strlen(dst);
}
