/* check_core: the findings list (add, sort, free), status names and the
 * domain argument's normalisation. Pure. Touches: nothing. */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "responder/check.h"
#include "util/mem.h"
#include "util/str.h"

const char *
check_status_name(enum check_status s)
{
	switch (s) {
	case CHECK_PASS: return "pass";
	case CHECK_INFO: return "info";
	case CHECK_WARN: return "warn";
	case CHECK_FAIL: return "fail";
	case CHECK_CNT: return "could-not-test";
	}
	return "?";
}

struct check_result *
check_result_new(const char *domain)
{
	struct check_result *r = xcalloc(1, sizeof(*r));

	str_copy(r->domain, domain ? domain : "", sizeof(r->domain));
	r->tested = 1;
	return r;
}

void
check_add(struct check_result *r, const char *id, const char *subject,
    enum check_status st, const char *fmt, ...)
{
	struct check_finding *f;
	struct sbuf s;
	va_list ap;

	if (r->nfind % 32 == 0)
		r->find = xrealloc(r->find, (r->nfind + 32) * sizeof(*f));
	f = &r->find[r->nfind++];
	memset(f, 0, sizeof(*f));
	f->id = xstrdup(id);
	f->subject = xstrdup(subject ? subject : "");
	f->status = st;
	sbuf_init(&s, 16384);
	va_start(ap, fmt);
	sbuf_vaddf(&s, fmt, ap);
	va_end(ap);
	f->evidence = s.data ? sbuf_take(&s) : xstrdup("");
	sbuf_free(&s);
	check_text(id, &f->why, &f->fix, &f->rfc);
}

void
check_result_free(struct check_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nfind; i++) {
		free(r->find[i].id);
		free(r->find[i].subject);
		free(r->find[i].evidence);
	}
	free(r->find);
	free(r);
}

/* Families in report order; inside a family the original order (the
 * judge emits MX hosts by preference) is kept. */
static const char *const check_order[] = {
	"dns.", "dnssec.", "smtp.", "tls.", "dane.", "mtasts.", "tlsrpt.",
	"spf.", "dmarc.", "dkim.",
};

static int
check_rank(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(check_order) / sizeof(check_order[0]); i++)
		if (strncmp(id, check_order[i], strlen(check_order[i])) == 0)
			return (int)i;
	return (int)i;
}

void
check_sort(struct check_result *r)
{
	size_t i, j;

	/* stable insertion sort by family */
	for (i = 1; i < r->nfind; i++) {
		struct check_finding t = r->find[i];
		int k = check_rank(t.id);

		for (j = i; j > 0 && check_rank(r->find[j - 1].id) > k; j--)
			r->find[j] = r->find[j - 1];
		r->find[j] = t;
	}
}

int
check_domain_norm(const char *in, char *out, size_t outsz,
    const char **why)
{
	size_t i, n = strlen(in), lab = 0;

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0 || n > 253 || n + 1 > outsz) {
		*why = "the domain name is empty or longer than 253 octets";
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '.') {
			if (lab == 0) {
				*why = "the domain name has an empty label";
				return -1;
			}
			lab = 0;
		} else if (isalnum(c) || c == '-' || c == '_') {
			if (++lab > 63) {
				*why = "a label is longer than 63 octets";
				return -1;
			}
		} else {
			*why = "the domain name has a character outside "
			    "letters, digits, '-', '_' and '.' (use the "
			    "A-label form of an IDN)";
			return -1;
		}
		out[i] = (char)tolower(c);
	}
	if (lab == 0) {
		*why = "the domain name has an empty label";
		return -1;
	}
	out[n] = '\0';
	return 0;
}
