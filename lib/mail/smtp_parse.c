/* smtp_parse: pure parsers for what an SMTP client sends (RFC 5321 4.1,
 * RFC 3030 BDAT, RFC 6531 SMTPUTF8, RFC 6152 8BITMIME, RFC 8689
 * REQUIRETLS). Touches: nothing (no I/O, no allocation). */
#include <string.h>

#include "mail/smtp_parse.h"
#include "util/str.h"

static const struct {
	const char	*name;
	enum smtp_verb	 verb;
} smtp_verbs[] = {
	{ "HELO", SMTP_V_HELO }, { "EHLO", SMTP_V_EHLO },
	{ "MAIL", SMTP_V_MAIL }, { "RCPT", SMTP_V_RCPT },
	{ "DATA", SMTP_V_DATA }, { "BDAT", SMTP_V_BDAT },
	{ "RSET", SMTP_V_RSET }, { "NOOP", SMTP_V_NOOP },
	{ "QUIT", SMTP_V_QUIT }, { "VRFY", SMTP_V_VRFY },
	{ "EXPN", SMTP_V_EXPN }, { "HELP", SMTP_V_HELP },
	{ "STARTTLS", SMTP_V_STARTTLS }, { "AUTH", SMTP_V_AUTH },
	{ "ETRN", SMTP_V_ETRN },
};
#define SMTP_NVERBS (sizeof(smtp_verbs) / sizeof(smtp_verbs[0]))

const char *
smtp_verb_name(enum smtp_verb v)
{
	size_t i;

	for (i = 0; i < SMTP_NVERBS; i++)
		if (smtp_verbs[i].verb == v)
			return smtp_verbs[i].name;
	return "UNKNOWN";
}

static int
smtp_ws(int c)
{
	return c == ' ' || c == '\t';
}

int
smtp_parse_cmd(const char *buf, size_t len, struct smtp_cmd *cmd,
    const char **err)
{
	size_t i, vlen;

	memset(cmd, 0, sizeof(*cmd));
	if (memchr(buf, '\0', len) != NULL) {
		*err = "5.5.2 NUL octet in command";
		return -1;
	}
	for (vlen = 0; vlen < len && !smtp_ws((unsigned char)buf[vlen]);
	    vlen++)
		;
	if (vlen == 0) {
		*err = "5.5.2 Empty command";
		return -1;
	}
	for (i = 0; i < SMTP_NVERBS; i++)
		if (strlen(smtp_verbs[i].name) == vlen &&
		    str_casecmp_n(buf, smtp_verbs[i].name, vlen) == 0)
			break;
	if (i == SMTP_NVERBS) {
		*err = "5.5.2 Command unrecognized";
		return -1;
	}
	cmd->verb = smtp_verbs[i].verb;
	i = vlen;
	while (i < len && smtp_ws((unsigned char)buf[i]))
		i++;
	cmd->arg = buf + i;
	cmd->arglen = len - i;
	while (cmd->arglen > 0 &&
	    smtp_ws((unsigned char)cmd->arg[cmd->arglen - 1]))
		cmd->arglen--;
	return 0;
}

/* "FROM:" / "TO:" prefix, case-insensitive; a space after the colon is
 * tolerated (common, though RFC 5321 does not allow it). */
static int
smtp_prefix(const char **p, const char *end, const char *kw)
{
	size_t n = strlen(kw);

	if ((size_t)(end - *p) < n || str_casecmp_n(*p, kw, n) != 0)
		return -1;
	*p += n;
	while (*p < end && smtp_ws((unsigned char)**p))
		(*p)++;
	return 0;
}

static int
smtp_domain_ok(const char *d, size_t n, int *utf8)
{
	size_t i, lab = 0;

	if (n == 0 || n > 255)
		return 0;
	if (d[0] == '[')	/* address literal, RFC 5321 4.1.3 */
		return n > 2 && d[n - 1] == ']' &&
		    memchr(d + 1, '[', n - 2) == NULL &&
		    memchr(d + 1, ']', n - 2) == NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)d[i];

		if (c == '.') {
			if (lab == 0)
				return 0;
			lab = 0;
			continue;
		}
		if (c >= 0x80)
			*utf8 = 1;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (++lab > 63)
			return 0;
	}
	return lab > 0 || n > 1;
}

/* Parse "<path>" at *p; copies the mailbox (source route dropped). */
static int
smtp_path(const char **p, const char *end, char *out, int *utf8,
    int allow_null, const char **err)
{
	const char *s = *p, *close, *mb, *at = NULL, *q;
	int inquote = 0;
	size_t n;

	*utf8 = 0;
	if (s >= end || *s != '<') {
		*err = "5.5.4 Syntax: path must be in angle brackets";
		return -1;
	}
	/* Find the closing '>' outside a quoted local part. */
	for (q = s + 1; q < end; q++) {
		if (*q == '\\' && inquote && q + 1 < end) {
			q++;
			continue;
		}
		if (*q == '"')
			inquote = !inquote;
		else if (*q == '>' && !inquote)
			break;
	}
	if (q >= end) {
		*err = "5.5.4 Syntax: missing '>'";
		return -1;
	}
	close = q;
	mb = s + 1;
	if (mb < close && *mb == '@') {	/* source route: @a,@b:mailbox */
		const char *colon = memchr(mb, ':', (size_t)(close - mb));

		if (colon == NULL) {
			*err = "5.1.7 Syntax: bad source route";
			return -1;
		}
		mb = colon + 1;
	}
	n = (size_t)(close - mb);
	if (n == 0) {
		if (!allow_null) {
			*err = "5.1.3 Syntax: empty address";
			return -1;
		}
		out[0] = '\0';
		*p = close + 1;
		return 0;
	}
	if (n > SMTP_PATH_MAX) {
		*err = "5.1.3 Path too long";
		return -1;
	}
	inquote = 0;
	for (q = mb; q < close; q++) {
		unsigned char c = (unsigned char)*q;

		if (c == '\\' && inquote && q + 1 < close) {
			q++;
			continue;
		}
		if (c == '"') {
			inquote = !inquote;
			continue;
		}
		if (inquote)
			continue;
		if (c == '@')
			at = q;
		else if (c < 0x21 || c == 0x7f || c == '<' || c == '(' ||
		    c == ')' || c == ',' || c == ';' || c == '[' ||
		    c == ']') {
			if (at == NULL || (c != '[' && c != ']')) {
				*err = "5.1.3 Syntax: bad character in "
				    "address";
				return -1;
			}
		} else if (c >= 0x80)
			*utf8 = 1;
	}
	if (inquote) {
		*err = "5.1.3 Syntax: unterminated quoted string";
		return -1;
	}
	if (at != NULL) {
		if (at == mb || (size_t)(at - mb) > 64) {
			*err = "5.1.3 Syntax: bad local part";
			return -1;
		}
		if (!smtp_domain_ok(at + 1, (size_t)(close - at - 1), utf8)) {
			*err = "5.1.2 Syntax: bad domain";
			return -1;
		}
	}
	memcpy(out, mb, n);
	out[n] = '\0';
	*p = close + 1;
	return 0;
}

static int
smtp_kw_is(const char *k, size_t klen, const char *name)
{
	return strlen(name) == klen && str_casecmp_n(k, name, klen) == 0;
}

int
smtp_parse_mail(const char *arg, size_t len, uint64_t size_limit,
    struct smtp_mail *m, int *code, const char **err)
{
	const char *p = arg, *end = arg + len;

	memset(m, 0, sizeof(*m));
	*code = 501;
	if (smtp_prefix(&p, end, "FROM:") == -1) {
		*err = "5.5.4 Syntax: MAIL FROM:<address>";
		return -1;
	}
	if (smtp_path(&p, end, m->path, &m->utf8_path, 1, err) == -1)
		return -1;
	if (p < end && !smtp_ws((unsigned char)*p)) {
		*err = "5.5.4 Syntax: text after the address";
		return -1;
	}
	while (p < end && smtp_ws((unsigned char)*p))
		p++;
	if ((size_t)(end - p) > SMTP_PARAMS_MAX) {
		*err = "5.5.4 Parameters too long";
		return -1;
	}
	memcpy(m->params, p, (size_t)(end - p));
	m->params[end - p] = '\0';
	while (p < end) {
		const char *k = p, *eq = NULL, *v = NULL;
		size_t klen, vlen = 0;

		while (p < end && !smtp_ws((unsigned char)*p)) {
			if (*p == '=' && eq == NULL)
				eq = p;
			p++;
		}
		klen = (size_t)((eq ? eq : p) - k);
		if (eq) {
			v = eq + 1;
			vlen = (size_t)(p - v);
		}
		while (p < end && smtp_ws((unsigned char)*p))
			p++;
		if (smtp_kw_is(k, klen, "SIZE") && v != NULL) {
			char num[24];
			uint64_t u;

			if (vlen == 0 || vlen >= sizeof(num)) {
				*err = "5.5.4 Bad SIZE value";
				*code = 501;
				return -1;
			}
			memcpy(num, v, vlen);
			num[vlen] = '\0';
			if (str_to_u64(num, &u) == -1) {
				*err = "5.5.4 Bad SIZE value";
				*code = 501;
				return -1;
			}
			if (size_limit > 0 && u > size_limit) {
				*err = "5.3.4 Message size exceeds fixed limit";
				*code = 552;
				return -1;
			}
			m->has_size = 1;
			m->size = u;
		} else if (smtp_kw_is(k, klen, "BODY") && v != NULL) {
			if (smtp_kw_is(v, vlen, "7BIT"))
				m->body = SMTP_BODY_7BIT;
			else if (smtp_kw_is(v, vlen, "8BITMIME"))
				m->body = SMTP_BODY_8BITMIME;
			else {
				*err = "5.5.4 Unsupported BODY value";
				*code = 555;
				return -1;
			}
		} else if (smtp_kw_is(k, klen, "SMTPUTF8") && v == NULL)
			m->smtputf8 = 1;
		else if (smtp_kw_is(k, klen, "REQUIRETLS") && v == NULL)
			m->requiretls = 1;
		else {
			*err = "5.5.4 Unsupported MAIL parameter";
			*code = 555;
			return -1;
		}
	}
	if (m->utf8_path && !m->smtputf8) {
		*err = "5.6.7 Non-ASCII address needs SMTPUTF8";
		*code = 553;
		return -1;
	}
	*code = 0;
	return 0;
}

int
smtp_parse_rcpt(const char *arg, size_t len, struct smtp_rcpt *r,
    int *code, const char **err)
{
	const char *p = arg, *end = arg + len;

	memset(r, 0, sizeof(*r));
	*code = 501;
	if (smtp_prefix(&p, end, "TO:") == -1) {
		*err = "5.5.4 Syntax: RCPT TO:<address>";
		return -1;
	}
	if (smtp_path(&p, end, r->path, &r->utf8_path, 0, err) == -1)
		return -1;
	while (p < end && smtp_ws((unsigned char)*p))
		p++;
	if (p < end) {
		*err = "5.5.4 Unsupported RCPT parameter";
		*code = 555;
		return -1;
	}
	if (strchr(r->path, '@') == NULL) {
		if (str_casecmp_n(r->path, "postmaster", 11) != 0) {
			*err = "5.1.3 Syntax: address needs a domain";
			return -1;
		}
		r->postmaster = 1;
	}
	*code = 0;
	return 0;
}

int
smtp_parse_bdat(const char *arg, size_t len, uint64_t *size, int *last,
    const char **err)
{
	char num[24];
	size_t i = 0, j;

	*last = 0;
	*size = 0;
	while (i < len && arg[i] >= '0' && arg[i] <= '9')
		i++;
	if (i == 0 || i >= sizeof(num)) {
		*err = "5.5.4 Syntax: BDAT size [LAST]";
		return -1;
	}
	memcpy(num, arg, i);
	num[i] = '\0';
	if (str_to_u64(num, size) == -1) {
		*err = "5.5.4 Syntax: BDAT size [LAST]";
		return -1;
	}
	j = i;
	while (j < len && smtp_ws((unsigned char)arg[j]))
		j++;
	if (j == len)
		return 0;
	if (j == i || len - j != 4 || str_casecmp_n(arg + j, "LAST", 4)) {
		*err = "5.5.4 Syntax: BDAT size [LAST]";
		return -1;
	}
	*last = 1;
	return 0;
}

int
smtp_parse_helo(const char *arg, size_t len, char *out, size_t outsz,
    const char **err)
{
	size_t i, n = 0;

	while (n < len && !smtp_ws((unsigned char)arg[n]))
		n++;
	if (n == 0) {
		*err = "5.5.4 Syntax: EHLO hostname";
		return -1;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)arg[i];

		if (c < 0x21 || c == 0x7f) {
			*err = "5.5.4 Syntax: bad character in hostname";
			return -1;
		}
	}
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, arg, n);
	out[n] = '\0';
	return 0;
}

const char *
smtp_path_domain(const char *path)
{
	const char *at = strrchr(path, '@');

	return at ? at + 1 : "";
}
