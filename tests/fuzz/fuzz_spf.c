/* fuzz_spf: SPF record parser, macro expander and check_host() with the
 * input as the domain's TXT record (every other name: a canned answer
 * derived from the input, so includes and redirects recurse into it). */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "mail/spf.h"
#include "mail/spf_eval.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fz { const char *buf; size_t len; };

static int
fz_lookup(void *ctx, const char *name, int rrtype,
    struct spf_dns_answer *out)
{
	const struct fz *f = ctx;
	static const unsigned char a4[4] = { 192, 0, 2, 1 };
	size_t h = strlen(name);

	switch (rrtype) {
	case SPF_DNS_T_TXT:
		spf_eval_answer_add_txt(out, f->buf, f->len);
		break;
	case SPF_DNS_T_A:
		if (h % 3 == 0)
			spf_eval_answer_add_addr(out, AF_INET, a4);
		else
			out->status = h % 3 == 1 ? SPF_DNS_NXDOMAIN :
			    SPF_DNS_TEMPFAIL;
		break;
	case SPF_DNS_T_MX:
	case SPF_DNS_T_PTR:
		spf_eval_answer_add_name(out, "mx.example.com", 10);
		break;
	default:
		out->status = SPF_DNS_NODATA;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct spf_dns_ops ops = { fz_lookup };
	struct spf_eval_request rq;
	struct spf_eval_result res;
	struct spf_eval_analysis an;
	struct spf_macro_vars v;
	struct spf_record *r;
	struct fz f = { (const char *)data, size };
	struct sbuf b;
	char err[256];

	r = spf_parse((const char *)data, size, err, sizeof(err));
	spf_record_free(r);
	memset(&v, 0, sizeof(v));
	v.s = "a@b.example";
	v.d = "b.example";
	v.i = "192.0.2.1";
	sbuf_init(&b, 4096);
	(void)spf_macro_expand((const char *)data, size, &v, 1, 1, &b);
	sbuf_free(&b);
	memset(&rq, 0, sizeof(rq));
	rq.family = AF_INET;
	memcpy(rq.ip, (const unsigned char[]){ 192, 0, 2, 1 }, 4);
	rq.domain = "fuzz.example.com";
	rq.sender = "user@fuzz.example.com";
	rq.helo = "helo.example.com";
	rq.now = 1;
	spf_eval_check_host(&ops, &f, &rq, &res);
	spf_eval_analyze(&ops, &f, "fuzz.example.com", &an);
	return 0;
}
