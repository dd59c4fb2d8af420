/* rotate: MX preference rotation as a pure function of the time, and the
 * --now parser. Touches: nothing. */
#include <ctype.h>
#include <string.h>
#include <time.h>

#include "dns-rotator/rotate.h"
#include "util/str.h"

size_t
rotate_first(size_t n, uint64_t now, uint64_t period)
{
	uint64_t slot;

	if (n == 0)
		return 0;
	slot = period ? now / period : 0;
	return (size_t)(slot % n);
}

unsigned
rotate_pref(size_t i, size_t n, uint64_t now, uint64_t period)
{
	size_t first = rotate_first(n, now, period);

	if (n == 0 || i >= n)
		return 0;
	return (unsigned)(ROTATE_PREF_STEP * (1 + (i + n - first) % n));
}

uint64_t
rotate_next(uint64_t now, uint64_t period)
{
	if (period == 0)
		return now + 86400;
	return (now / period + 1) * period;
}

static int
rotate_digits(const char *s, size_t n, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int
rotate_parse_time(const char *s, uint64_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0, oh, om;
	long off = 0;
	size_t n = strlen(s);
	const char *p;
	time_t t;

	if (n > 0 && n <= 12 && strspn(s, "0123456789") == n)
		return str_to_u64(s, out);
	if (n < 10 || s[4] != '-' || s[7] != '-' ||
	    rotate_digits(s, 4, &y) || rotate_digits(s + 5, 2, &mo) ||
	    rotate_digits(s + 8, 2, &d))
		return -1;
	p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (strlen(p) < 9 || p[3] != ':' || p[6] != ':' ||
		    rotate_digits(p + 1, 2, &h) ||
		    rotate_digits(p + 4, 2, &mi) ||
		    rotate_digits(p + 7, 2, &se))
			return -1;
		p += 9;
		if (*p == 'Z')
			p++;
		else if (*p == '+' || *p == '-') {
			if (strlen(p) != 6 || p[3] != ':' ||
			    rotate_digits(p + 1, 2, &oh) ||
			    rotate_digits(p + 4, 2, &om) || oh > 23 ||
			    om > 59)
				return -1;
			off = (oh * 3600L + om * 60L) * (*p == '+' ? 1 : -1);
			p += 6;
		}
	}
	if (*p != '\0' || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || se > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	t = timegm(&tm);
	if (t == (time_t)-1 || (long long)t - off < 0)
		return -1;
	*out = (uint64_t)((long long)t - off);
	return 0;
}
