/* log: key=value event lines to stderr or syslog, with escaping of every
 * peer-supplied string. Touches: libc, syslog. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/log.h"
#include "util/str.h"

static int log_fg = 1;
static int log_max = LOG_INFO;
static char log_prog[64] = "echomx";

static const struct {
	const char *name;
	int fac;
} log_facs[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int
log_init(const char *prog, int foreground, const char *facility)
{
	int fac = LOG_MAIL;
	size_t i;

	if (facility) {
		for (i = 0; i < sizeof(log_facs) / sizeof(log_facs[0]); i++)
			if (strcasecmp(facility, log_facs[i].name) == 0)
				break;
		if (i == sizeof(log_facs) / sizeof(log_facs[0]))
			return -1;
		fac = log_facs[i].fac;
	}
	str_copy(log_prog, prog, sizeof(log_prog));
	log_fg = foreground;
	if (!foreground)
		openlog(log_prog, LOG_PID | LOG_NDELAY, fac);
	return 0;
}

void
log_set_level(int prio)
{
	log_max = prio;
}

int
log_level_from_name(const char *s, int *prio)
{
	static const struct { const char *n; int p; } lv[] = {
		{ "debug", LOG_DEBUG }, { "info", LOG_INFO },
		{ "notice", LOG_NOTICE }, { "warning", LOG_WARNING },
		{ "error", LOG_ERR },
	};
	size_t i;

	for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++)
		if (strcasecmp(s, lv[i].n) == 0) {
			*prio = lv[i].p;
			return 0;
		}
	return -1;
}

void
log_event(int prio, const char *sid, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	int n;

	if (prio > log_max)
		return;
	n = snprintf(line, sizeof(line), "sid=%s ", sid && *sid ? sid : "-");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (log_fg) {
		struct timespec ts;
		struct tm tm;
		char tbuf[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ldZ %s: %s\n", tbuf,
		    ts.tv_nsec / 1000000, log_prog, line);
	} else
		syslog(prio, "%s", line);
}

static int
log_needs_quote(const unsigned char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 1;
	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '"' ||
		    s[i] == '\\' || s[i] == '=')
			return 1;
	return 0;
}

int
log_esc_sbuf(struct sbuf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;
	int r = 0;

	if (!log_needs_quote(u, len))
		return sbuf_add(b, s, len);
	r |= sbuf_add(b, "\"", 1);
	for (i = 0; i < len; i++) {
		if (u[i] == '"' || u[i] == '\\')
			r |= sbuf_addf(b, "\\%c", u[i]);
		else if (u[i] < ' ' || u[i] >= 0x7f)
			r |= sbuf_addf(b, "\\x%02x", u[i]);
		else
			r |= sbuf_add(b, s + i, 1);
	}
	r |= sbuf_add(b, "\"", 1);
	return r ? -1 : 0;
}

const char *
log_esc(const char *s, size_t len)
{
	static _Thread_local char ring[8][2200];
	static _Thread_local unsigned slot;
	struct sbuf b;
	char *out = ring[slot++ % 8];
	int cut = len > 512;

	sbuf_init(&b, 2100);
	if (cut)
		len = 512;
	if (log_esc_sbuf(&b, s, len) == -1 || (cut && sbuf_adds(&b, "...")))
		str_copy(out, "\"(unprintable)\"", sizeof(ring[0]));
	else
		str_copy(out, b.data ? b.data : "\"\"", sizeof(ring[0]));
	sbuf_free(&b);
	return out;
}

const char *
log_escs(const char *s)
{
	return s ? log_esc(s, strlen(s)) : "-";
}
