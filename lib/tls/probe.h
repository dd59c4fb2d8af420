/* probe: judge one MX address over SMTP + STARTTLS. Connect, banner, EHLO,
 * STARTTLS with SNI, the handshake; then, on further connections made one
 * after the other, the TLS versions, cipher suites and groups accepted;
 * the certificate chain (keys, signatures, validity, RFC 6125 name match,
 * trust against a CA file), a stapled OCSP response, and DANE (RFC 7672):
 * each TLSA record given by the caller matched against the presented
 * chain. No DNS here: the caller passes the TLSA records it looked up.
 *
 * probe_run() is thread-safe (no globals); run several addresses from
 * several threads if you like, but one address at a time per thread: all
 * the connections of one probe are sequential (polite). Every string that
 * came from the server is bounded and kept raw: escape it before use. */
#ifndef ECHOMX_PROBE_H
#define ECHOMX_PROBE_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tls/probe_reply.h"

struct sbuf;

/* One TLSA record (RFC 6698 §2.1), as looked up by the caller. */
struct probe_tlsa {
	uint8_t		 usage;		/* 0..3; only 2 and 3 usable for SMTP */
	uint8_t		 selector;	/* 0 cert, 1 SPKI */
	uint8_t		 mtype;		/* 0 full, 1 SHA-256, 2 SHA-512 */
	const unsigned char *data;
	size_t		 len;
};

#define PROBE_ENUM_VERSIONS	0x1	/* one handshake per version */
#define PROBE_ENUM_CIPHERS	0x2	/* TLS 1.2 and 1.3 suites accepted */
#define PROBE_ENUM_GROUPS	0x4	/* key-exchange groups accepted */
#define PROBE_ENUM_ALL		0x7

struct probe_req {
	const char	*ip;		/* "192.0.2.1" or "2001:db8::1" */
	int		 port;		/* 0 = 25 */
	const char	*mx_name;	/* SNI and RFC 6125 name; NULL: none */
	/* our EHLO name; NULL = "echomx.invalid" */
	const char	*helo_name;
	int		 timeout_ms;	/* per step: connect, each reply,
					 * handshake; 0 = 10000 */
	const char	*ca_file;	/* PEM bundle; NULL = OpenSSL default */
	const char	*ca_path;	/* hashed directory; may be NULL */
	const struct probe_tlsa *tlsa;	/* may be NULL */
	size_t		 ntlsa;
	/* PROBE_ENUM_* bits; 0 = one handshake */
	int		 enumerate;
	int		 max_connections; /* bound on connections; 0 = 100 */
	int		 budget_ms;	/* whole probe; enumeration stops when
					 * spent; 0 = 60000 */
	time_t		 now;		/* verification time; 0 = time(NULL) */
};

/* TCP connect outcome (smtp.connect). */
enum probe_conn {
	PROBE_CONN_NOT_TRIED = 0,
	PROBE_CONN_OK,
	PROBE_CONN_REFUSED,		/* ECONNREFUSED */
	PROBE_CONN_TIMEOUT,
	PROBE_CONN_UNREACHABLE,		/* ENETUNREACH, EHOSTUNREACH, ... */
	PROBE_CONN_ERROR		/* other errno: see conn_error */
};

/* How far the first (main) connection got, and why it stopped there. */
enum probe_stage {
	PROBE_STAGE_CONNECT = 0,	/* TCP did not complete */
	PROBE_STAGE_BANNER,		/* no/bad banner, or not 220 */
	PROBE_STAGE_EHLO,		/* EHLO not accepted (HELO tried) */
	PROBE_STAGE_STARTTLS,		/* not offered, or refused */
	PROBE_STAGE_HANDSHAKE,		/* TLS handshake failed */
	PROBE_STAGE_DONE		/* TLS up; chain examined */
};

/* A check's own state: ok, failed (with why), or could not be tested. */
enum probe_state {
	PROBE_NOT_TESTED = 0,		/* could-not-test: see the reason */
	PROBE_OK,
	PROBE_FAIL
};

/* TLS protocol versions, an index into probe_result.versions[]. */
enum probe_ver {
	PROBE_TLS10 = 0, PROBE_TLS11, PROBE_TLS12, PROBE_TLS13,
	PROBE_NVER
};
enum probe_ver_state {
	PROBE_VER_NOT_TESTED = 0,	/* not asked, or our OpenSSL cannot */
	PROBE_VER_ACCEPTED,		/* handshake completed */
	PROBE_VER_REFUSED,		/* the server refused the handshake */
	PROBE_VER_ERROR			/* connection failed before TLS */
};

#define PROBE_NAME_MAX		64
#define PROBE_TEXT_MAX		256
#define PROBE_CIPHERS_MAX	96
#define PROBE_GROUPS_MAX	16
#define PROBE_CHAIN_MAX		10
#define PROBE_DN_MAX		256
#define PROBE_SANS_MAX		1024

struct probe_cipher {
	char		 name[PROBE_NAME_MAX];	/* OpenSSL name */
	char		 iana[PROBE_NAME_MAX];	/* RFC name, "" if unknown */
	uint16_t	 id;			/* IANA code point */
	/* enumerated at: TLS 1.3, or the highest of 1.2/1.1/1.0 */
	enum probe_ver	 version;
	/* forward secret (ECDHE/DHE/1.3) */
	int		 fs;
	int		 anon;			/* no server authentication
						 * (aNULL: ADH, AECDH) */
	int		 bits;			/* symmetric strength */
};

struct probe_cert {
	char		 subject[PROBE_DN_MAX];	/* RFC 2253, truncated */
	char		 issuer[PROBE_DN_MAX];
	char		 sans[PROBE_SANS_MAX];	/* "a.example,b.example" DNS
						 * names; truncated */
	char		 key_type[16];	/* "RSA", "EC", "Ed25519", "DSA", ... */
	int		 key_bits;
	char		 key_curve[32];	/* EC: "prime256v1"..., else "" */
	/* "sha256WithRSAEncryption" */
	char		 sig_alg[PROBE_NAME_MAX];
	int64_t		 not_before;	/* unix time */
	int64_t		 not_after;
	unsigned char	 sha256[32];	/* of the certificate DER */
	unsigned char	 spki_sha256[32]; /* of the SubjectPublicKeyInfo DER */
	int		 is_ca;		/* basicConstraints CA:TRUE */
	int		 self_signed;	/* subject == issuer and verifies */
	unsigned char	*der;		/* owned; the certificate */
	size_t		 der_len;
	unsigned char	*spki;		/* owned; the SPKI */
	size_t		 spki_len;
};

enum probe_dane_state {
	PROBE_DANE_NOT_TESTED = 0,	/* no chain to match against */
	PROBE_DANE_MATCH,		/* matches the presented chain */
	PROBE_DANE_NOMATCH,
	PROBE_DANE_UNUSABLE,		/* usage 0/1 (RFC 7672 §3.1.3) or an
					 * unknown usage/selector/mtype */
	PROBE_DANE_MALFORMED		/* data length wrong for the mtype */
};

struct probe_dane_rec {
	enum probe_dane_state state;
	int		 depth;		/* matched cert's depth, or -1 */
	char		 why[PROBE_TEXT_MAX];
};

/* OCSP (RFC 6960): the stapled response (RFC 6066 status_request). */
enum probe_ocsp {
	PROBE_OCSP_NOT_TESTED = 0,
	PROBE_OCSP_NONE,		/* no response stapled */
	PROBE_OCSP_GOOD,
	PROBE_OCSP_REVOKED,
	PROBE_OCSP_UNKNOWN,		/* the responder says "unknown" */
	PROBE_OCSP_INVALID		/* unparsable, unverifiable, not for
					 * this cert, or out of date */
};

struct probe_result {
	/* --- the main connection --- */
	enum probe_stage stage;
	enum probe_conn	 conn;
	char		 conn_error[PROBE_TEXT_MAX];	/* errno text */
	int		 connect_ms;

	int		 have_banner;
	struct probe_reply banner;	/* 421 etc.: could-not-test */
	int		 have_ehlo;
	struct probe_reply ehlo;	/* the EHLO (or HELO) reply */
	int		 used_helo;	/* EHLO refused, HELO accepted */
	unsigned	 ehlo_keys;	/* PROBE_EHLO_* */
	uint64_t	 ehlo_size;
	int		 have_starttls;
	struct probe_reply starttls;	/* the reply to STARTTLS */

	/* Could-not-test reason for the whole address when stage stops
	 * before STARTTLS for a reason that is not the server's choice
	 * (timeout, 421, greylisting 4xx, unreachable); "" otherwise. */
	char		 not_tested[PROBE_TEXT_MAX];
	char		 stop_why[PROBE_TEXT_MAX];	/* why stage stopped */
	int		 plaintext_after_starttls; /* octets the server sent
					 * after its 220 to STARTTLS
					 * (discarded, RFC 3207 §4.2) */

	enum probe_state handshake;	/* NOT_TESTED before STARTTLS */
	char		 tls_error[PROBE_TEXT_MAX];	/* OpenSSL error text */
	/* alert received, if any */
	char		 tls_alert[PROBE_NAME_MAX];
	int		 handshake_ms;
	char		 version[16];	/* "TLSv1.3" */
	char		 cipher[PROBE_NAME_MAX];
	char		 group[PROBE_NAME_MAX];	/* "X25519", "" if unknown */

	/* --- enumeration (PROBE_ENUM_*), each on its own connection ---
	 * Versions above the one the main handshake chose are REFUSED by
	 * inference (a server picks the highest common version; the error
	 * text says "inferred"); the others take one handshake each. Suites:
	 * offer all, remove the chosen one, repeat (N accepted = N + 1
	 * handshakes); steps at TLS <= 1.2 stop at the ServerHello. If an
	 * extra connection fails before TLS (421, tarpit, rate limit) no
	 * more are made: ciphers_done / groups_done stay 0. */
	enum probe_ver_state versions[PROBE_NVER];
	char		 version_error[PROBE_NVER][PROBE_NAME_MAX];
	int		 ciphers_done;	/* enumeration ran to its end */
	size_t		 nciphers;
	struct probe_cipher ciphers[PROBE_CIPHERS_MAX];	/* server order */
	int		 groups_done;
	size_t		 ngroups;
	char		 groups[PROBE_GROUPS_MAX][32];
	int		 connections;	/* made in all */
	int64_t		 now;		/* the verification time used */
	int		 total_ms;

	/* --- certificate chain as presented (depth 0 = leaf) --- */
	size_t		 nchain;
	struct probe_cert chain[PROBE_CHAIN_MAX];

	/* trust: the presented chain leads to an anchor of the CA file
	 * (X509_verify_cert, purpose sslserver), validity dates NOT
	 * considered: expiry is separate (leaf_expired, chain_expired) so
	 * that an expired but otherwise trusted chain is "trusted, expired".
	 * NOT_TESTED when there is no chain or the CA file cannot be read
	 * (verify_text says why). */
	enum probe_state trust;
	int		 verify_code;	/* X509_V_OK or X509_V_ERR_* */
	char		 verify_text[PROBE_TEXT_MAX];
	int		 verify_depth;	/* depth of the error */
	int		 leaf_expired;	/* now > notAfter */
	int		 leaf_not_yet_valid;
	int64_t		 leaf_seconds_left;	/* notAfter - now */
	int		 chain_expired;	/* some presented cert expired */

	enum probe_state name;		/* RFC 6125, X509_check_host */
	/* the name that matched */
	char		 name_matched[PROBE_DN_MAX];

	enum probe_ocsp	 ocsp;
	char		 ocsp_text[PROBE_TEXT_MAX];	/* status, times */
	char		 ocsp_url[PROBE_TEXT_MAX];	/* AIA, "" if none */
	/* The AIA responder and CRLs are not contacted here: the caller
	 * does that with tls/probe_revoc.h (the checker: responder/). */

	/* --- DANE: one entry per req.tlsa[i] --- */
	size_t		 ntlsa;
	struct probe_dane_rec *dane;	/* owned, ntlsa entries */
	/* PROBE_DANE_MATCH: some usable record matches (usage 2 with the
	 * chain verified to it and the name matching); NOMATCH: usable
	 * records, none matches; UNUSABLE: only unusable records;
	 * NOT_TESTED: no records or no chain. */
	enum probe_dane_state dane_state;
	char		 dane_text[PROBE_TEXT_MAX];
};

/* Run the probe. Returns a result to free with probe_result_free(), never
 * NULL (allocation failure is fatal). Whatever failed is in the result. */
struct probe_result *probe_run(const struct probe_req *);
void	 probe_result_free(struct probe_result *);

/* Match the TLSA records against a chain already in res (res->chain and
 * res->name filled); sets res->dane, dane_state, dane_text. Called by
 * probe_run(); exposed for tests. mx_name may be NULL. */
void	 probe_dane_match(struct probe_result *res,
	    const struct probe_tlsa *, size_t ntlsa, const char *mx_name);

/* Evidence texts, one per field: appended to out (raw server text is
 * included as-is; escape out before rendering). Returns 0, -1 if out
 * overflowed its maximum. */
enum probe_field {
	PROBE_F_CONNECT,	/* "connected in 3 ms" / "refused: ..." */
	PROBE_F_BANNER,		/* "220 mx.example ESMTP" */
	PROBE_F_EHLO,		/* "keywords: STARTTLS,SIZE,..." + reply */
	PROBE_F_STARTTLS,	/* STARTTLS reply, or "not offered" */
	PROBE_F_HANDSHAKE,	/* "TLSv1.3 TLS_AES_256_GCM_SHA384 X25519" */
	PROBE_F_VERSIONS,	/* "TLSv1.0:refused TLSv1.1:refused ..." */
	PROBE_F_CIPHERS,	/* "ECDHE-RSA-AES128-GCM-SHA256(fs) ..." */
	PROBE_F_GROUPS,		/* "X25519 P-256" */
	PROBE_F_CHAIN,		/* per cert: subject, issuer, key, sig, dates */
	PROBE_F_TRUST,		/* "verified" / "error 18: self-signed ..." */
	PROBE_F_EXPIRY,		/* "notAfter 2026-...Z, 89 days left" */
	PROBE_F_NAME,		/* "mx.example matches SAN mx.example" */
	PROBE_F_KEY,		/* "RSA 2048 bits, sha256WithRSAEncryption" */
	PROBE_F_OCSP,		/* "stapled: good ..." / "not checked: ..." */
	PROBE_F_DANE,		/* "3 1 1 abcd…: match at depth 0; ..." */
	PROBE_NFIELDS
};
int	 probe_result_text(const struct probe_result *, enum probe_field,
	    struct sbuf *out);

/* Names of enum values, for JSON and logs: "ok", "refused", ... */
const char *probe_conn_name(enum probe_conn);
const char *probe_stage_name(enum probe_stage);
const char *probe_state_name(enum probe_state);	/* "ok" "fail"
						 * "could-not-test" */
const char *probe_ver_name(enum probe_ver);	/* "TLSv1.0" ... */
const char *probe_ver_state_name(enum probe_ver_state);
const char *probe_dane_state_name(enum probe_dane_state);
const char *probe_ocsp_name(enum probe_ocsp);

#endif
