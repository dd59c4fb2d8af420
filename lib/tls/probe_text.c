/* probe_text: short evidence texts of a probe result, and the names of
 * its enum values. Touches: nothing (formats the result only). Server
 * text is copied raw: the caller escapes. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tls/probe.h"
#include "tls/probe_int.h"
#include "util/str.h"

void
probe_say(char *dst, size_t sz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(dst, sz, fmt, ap);
	va_end(ap);
}

const char *
probe_conn_name(enum probe_conn c)
{
	switch (c) {
	case PROBE_CONN_OK:
		return "ok";
	case PROBE_CONN_REFUSED:
		return "refused";
	case PROBE_CONN_TIMEOUT:
		return "timeout";
	case PROBE_CONN_UNREACHABLE:
		return "unreachable";
	case PROBE_CONN_ERROR:
		return "error";
	default:
		return "not-tried";
	}
}

const char *
probe_stage_name(enum probe_stage s)
{
	static const char *const n[] = { "connect", "banner", "ehlo",
	    "starttls", "handshake", "done" };

	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

const char *
probe_state_name(enum probe_state s)
{
	return s == PROBE_OK ? "ok" : s == PROBE_FAIL ? "fail" :
	    "could-not-test";
}

const char *
probe_ver_name(enum probe_ver v)
{
	static const char *const n[] = { "TLSv1.0", "TLSv1.1", "TLSv1.2",
	    "TLSv1.3" };

	return (unsigned)v < PROBE_NVER ? n[v] : "?";
}

const char *
probe_ver_state_name(enum probe_ver_state s)
{
	switch (s) {
	case PROBE_VER_ACCEPTED:
		return "accepted";
	case PROBE_VER_REFUSED:
		return "refused";
	case PROBE_VER_ERROR:
		return "error";
	default:
		return "not-tested";
	}
}

const char *
probe_dane_state_name(enum probe_dane_state s)
{
	switch (s) {
	case PROBE_DANE_MATCH:
		return "match";
	case PROBE_DANE_NOMATCH:
		return "no-match";
	case PROBE_DANE_UNUSABLE:
		return "unusable";
	case PROBE_DANE_MALFORMED:
		return "malformed";
	default:
		return "could-not-test";
	}
}

const char *
probe_ocsp_name(enum probe_ocsp o)
{
	switch (o) {
	case PROBE_OCSP_NONE:
		return "none";
	case PROBE_OCSP_GOOD:
		return "good";
	case PROBE_OCSP_REVOKED:
		return "revoked";
	case PROBE_OCSP_UNKNOWN:
		return "unknown";
	case PROBE_OCSP_INVALID:
		return "invalid";
	default:
		return "could-not-test";
	}
}

static void
add_time(struct sbuf *out, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[32];

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		str_copy(buf, "?", sizeof(buf));
	sbuf_adds(out, buf);
}

static void
add_reply(struct sbuf *out, const struct probe_reply *r)
{
	sbuf_add(out, r->text, r->textlen);
	if (r->truncated)
		sbuf_adds(out, "...");
}

static void
add_key(struct sbuf *out, const struct probe_cert *c)
{
	sbuf_addf(out, "%s %d bits", c->key_type, c->key_bits);
	if (c->key_curve[0])
		sbuf_addf(out, " (%s)", c->key_curve);
	sbuf_addf(out, ", %s", c->sig_alg);
}

static void
add_hex(struct sbuf *out, const unsigned char *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		char two[2] = { hx[p[i] >> 4], hx[p[i] & 15] };

		sbuf_add(out, two, 2);
	}
}

int
probe_result_text(const struct probe_result *r, enum probe_field f,
    struct sbuf *out)
{
	size_t i;
	int v;

	switch (f) {
	case PROBE_F_CONNECT:
		if (r->conn == PROBE_CONN_OK)
			sbuf_addf(out, "connected in %d ms", r->connect_ms);
		else
			sbuf_addf(out, "%s: %s", probe_conn_name(r->conn),
			    r->conn_error);
		break;
	case PROBE_F_BANNER:
		if (r->have_banner)
			add_reply(out, &r->banner);
		else
			sbuf_addf(out, "no banner: %s", r->stop_why);
		break;
	case PROBE_F_EHLO:
		if (!r->have_ehlo) {
			sbuf_adds(out, "no EHLO reply");
			break;
		}
		{
			char names[256];

			probe_reply_ehlo_names(r->ehlo_keys, names,
			    sizeof(names));
			sbuf_addf(out, "%skeywords: %s; reply: ",
			    r->used_helo ? "EHLO refused, HELO used; " : "",
			    names[0] ? names : "(none)");
			add_reply(out, &r->ehlo);
		}
		break;
	case PROBE_F_STARTTLS:
		if (r->have_starttls) {
			add_reply(out, &r->starttls);
			if (r->plaintext_after_starttls)
				sbuf_addf(out, " (and %d octets of plaintext "
				    "after it, discarded)",
				    r->plaintext_after_starttls);
		} else if (r->have_ehlo && !(r->ehlo_keys &
		    PROBE_EHLO_STARTTLS))
			sbuf_adds(out, "STARTTLS not offered");
		else
			sbuf_addf(out, "not reached: %s", r->stop_why);
		break;
	case PROBE_F_HANDSHAKE:
		if (r->handshake == PROBE_OK)
			sbuf_addf(out, "%s %s%s%s in %d ms", r->version,
			    r->cipher, r->group[0] ? " " : "", r->group,
			    r->handshake_ms);
		else if (r->tls_error[0]) {
			sbuf_addf(out, "handshake failed: %s", r->tls_error);
			if (r->tls_alert[0])
				sbuf_addf(out, " (alert: %s)", r->tls_alert);
		} else
			sbuf_addf(out, "not reached: %s", r->stop_why);
		break;
	case PROBE_F_VERSIONS:
		for (v = 0; v < PROBE_NVER; v++) {
			sbuf_addf(out, "%s%s:%s", v ? " " : "",
			    probe_ver_name((enum probe_ver)v),
			    probe_ver_state_name(r->versions[v]));
			if (r->versions[v] == PROBE_VER_ERROR &&
			    r->version_error[v][0])
				sbuf_addf(out, "(%s)", r->version_error[v]);
		}
		break;
	case PROBE_F_CIPHERS:
		for (i = 0; i < r->nciphers; i++)
			sbuf_addf(out, "%s%s%s%s%s", i ? " " : "",
			    r->ciphers[i].version == PROBE_TLS13 ?
			    "1.3:" : "", r->ciphers[i].name,
			    r->ciphers[i].fs ? "" : "(no-fs)",
			    r->ciphers[i].anon ? "(anon)" : "");
		if (r->nciphers == 0)
			sbuf_adds(out, "none enumerated");
		if (!r->ciphers_done)
			sbuf_adds(out, " (enumeration incomplete)");
		break;
	case PROBE_F_GROUPS:
		for (i = 0; i < r->ngroups; i++)
			sbuf_addf(out, "%s%s", i ? " " : "", r->groups[i]);
		if (r->ngroups == 0)
			sbuf_adds(out, "none enumerated");
		if (!r->groups_done)
			sbuf_adds(out, " (enumeration incomplete)");
		break;
	case PROBE_F_CHAIN:
		if (r->nchain == 0)
			sbuf_adds(out, "no certificate");
		for (i = 0; i < r->nchain; i++) {
			const struct probe_cert *c = &r->chain[i];

			sbuf_addf(out, "%s#%zu subject=%s issuer=%s ",
			    i ? "; " : "", i, c->subject, c->issuer);
			if (c->sans[0])
				sbuf_addf(out, "sans=%s ", c->sans);
			sbuf_adds(out, "key=");
			add_key(out, c);
			sbuf_adds(out, " valid=");
			add_time(out, c->not_before);
			sbuf_adds(out, "..");
			add_time(out, c->not_after);
			sbuf_adds(out, " sha256=");
			add_hex(out, c->sha256, sizeof(c->sha256));
		}
		break;
	case PROBE_F_TRUST:
		sbuf_addf(out, "%s: %s", probe_state_name(r->trust),
		    r->verify_text[0] ? r->verify_text : "no chain");
		break;
	case PROBE_F_EXPIRY:
		if (r->nchain == 0) {
			sbuf_adds(out, "no certificate");
			break;
		}
		sbuf_adds(out, "notBefore ");
		add_time(out, r->chain[0].not_before);
		sbuf_adds(out, " notAfter ");
		add_time(out, r->chain[0].not_after);
		if (r->leaf_expired)
			sbuf_addf(out, ", expired %lld days ago",
			    (long long)(-r->leaf_seconds_left / 86400));
		else if (r->leaf_not_yet_valid)
			sbuf_adds(out, ", not yet valid");
		else
			sbuf_addf(out, ", %lld days left",
			    (long long)(r->leaf_seconds_left / 86400));
		if (r->chain_expired && !r->leaf_expired &&
		    !r->leaf_not_yet_valid)
			sbuf_adds(out, "; a chain certificate is out of date");
		break;
	case PROBE_F_NAME:
		if (r->name == PROBE_OK)
			sbuf_addf(out, "matches %s", r->name_matched);
		else if (r->name == PROBE_FAIL)
			sbuf_addf(out, "does not match; certificate names: "
			    "%s (subject %s)", r->nchain && r->chain[0].sans[0]
			    ? r->chain[0].sans : "(no DNS SAN)",
			    r->nchain ? r->chain[0].subject : "");
		else
			sbuf_adds(out, r->nchain ? "no MX name given" :
			    "no certificate");
		break;
	case PROBE_F_KEY:
		if (r->nchain == 0)
			sbuf_adds(out, "no certificate");
		else
			add_key(out, &r->chain[0]);
		break;
	case PROBE_F_OCSP:
		sbuf_addf(out, "%s: %s", probe_ocsp_name(r->ocsp),
		    r->ocsp_text[0] ? r->ocsp_text : "not checked");
		if (r->ocsp_url[0])
			sbuf_addf(out, "; AIA responder %s", r->ocsp_url);
		break;
	case PROBE_F_DANE:
		sbuf_addf(out, "%s: %s", probe_dane_state_name(r->dane_state),
		    r->dane_text);
		for (i = 0; i < r->ntlsa && r->dane != NULL; i++)
			sbuf_addf(out, "; #%zu %s: %s", i,
			    probe_dane_state_name(r->dane[i].state),
			    r->dane[i].why);
		break;
	default:
		break;
	}
	return out->over ? -1 : 0;
}
