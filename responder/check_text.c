/* check_text: for every finding id, why it matters, how to fix it, and
 * the RFC. Static data. Touches: nothing. */
#include <string.h>

#include "responder/check.h"

struct check_text_row {
	const char *id, *why, *fix, *rfc;
};

static const struct check_text_row check_texts[] = {
	{ "dns.mx",
	  "Senders find your mail servers through the MX records; without "
	  "them (or with the wrong ones) mail cannot reach you.",
	  "Publish MX records naming hosts that have A/AAAA records. A "
	  "domain that receives no mail publishes a null MX (\"0 .\").",
	  "RFC 5321 5.1, RFC 7505" },
	{ "dns.mx.cname",
	  "An MX target must be a host name with addresses, not an alias; "
	  "some senders refuse CNAME targets and DANE gets harder.",
	  "Point the MX at the canonical host name.",
	  "RFC 2181 10.3, RFC 5321 5.1" },
	{ "dns.addr",
	  "An MX host without addresses cannot receive mail.",
	  "Publish A and/or AAAA records for every MX host.",
	  "RFC 5321 5.1" },
	{ "dns.ptr",
	  "Many receivers and spam filters distrust servers whose address "
	  "has no reverse name that points back to it.",
	  "Ask the address owner for a PTR record naming the MX host, with "
	  "that name resolving back to the address.",
	  "RFC 1912 2.1" },
	{ "dnssec.mx",
	  "Without DNSSEC an attacker on the path can forge your MX records "
	  "and receive your mail; bogus records make validating senders "
	  "unable to deliver at all.",
	  "Sign the zone and publish the DS record at the parent; for bogus "
	  "answers fix the signatures or the DS/DNSKEY mismatch.",
	  "RFC 4033, RFC 4035, RFC 7672 2.1" },
	{ "dnssec.addr",
	  "DANE needs the MX host's address records to be DNSSEC-secure; "
	  "bogus records make validating senders skip the host.",
	  "Sign the zone of the MX host names.",
	  "RFC 4035, RFC 7672 2.2" },
	{ "dnssec.records",
	  "The policy records (SPF, DMARC, MTA-STS, TLS-RPT) can be forged "
	  "or stripped when their zone is not signed.",
	  "Sign the zone.",
	  "RFC 4033" },
	{ "smtp.connect",
	  "The MX host must accept connections on port 25 and greet with "
	  "220, or mail to it is delayed or bounced.",
	  "Open port 25 to the world and make the server answer 220.",
	  "RFC 5321 3.1, 4.2" },
	{ "smtp.starttls",
	  "Without STARTTLS every message to this server travels in "
	  "plaintext and can be read and changed on the way.",
	  "Enable STARTTLS with a certificate for the MX name (Postfix: "
	  "smtpd_tls_security_level = may, smtpd_tls_chain_files).",
	  "RFC 3207" },
	{ "smtp.requiretls",
	  "REQUIRETLS lets senders demand TLS for the whole path of a "
	  "message; few servers offer it yet.",
	  "Optional: offer REQUIRETLS when your MTA supports it.",
	  "RFC 8689" },
	{ "tls.versions",
	  "TLS 1.0 and 1.1 are deprecated and weak; only 1.2 and 1.3 "
	  "should be accepted.",
	  "Disable TLS 1.0 and 1.1 (Postfix: smtpd_tls_protocols = "
	  ">=TLSv1.2).",
	  "RFC 8996, RFC 7525" },
	{ "tls.ciphers",
	  "Cipher suites without forward secrecy let anyone who later "
	  "obtains the server key decrypt recorded sessions.",
	  "Offer only ECDHE/DHE suites with AEAD ciphers (and TLS 1.3).",
	  "RFC 7525 4.2" },
	{ "tls.cert.trust",
	  "Senders that verify certificates (MTA-STS, policy 'verify') "
	  "refuse an untrusted certificate; others cannot detect an "
	  "attacker in the middle.",
	  "Use a certificate from a public CA (e.g. ACME) and send the full "
	  "chain; or publish DANE TLSA records.",
	  "RFC 8461 4.2, RFC 6125" },
	{ "tls.cert.expiry",
	  "An expired certificate makes verifying senders refuse delivery.",
	  "Renew the certificate, and automate renewal.",
	  "RFC 5280 4.1.2.5" },
	{ "tls.cert.name",
	  "A certificate that does not name the MX host fails verification "
	  "for MTA-STS and DANE-TA senders.",
	  "Include the MX host name in the certificate's subjectAltName.",
	  "RFC 6125 6, RFC 8461 4.2" },
	{ "tls.cert.key",
	  "Short keys and old signature algorithms can be broken.",
	  "Use RSA >= 2048 bits or ECDSA P-256, with SHA-256 signatures.",
	  "RFC 8603, NIST SP 800-57" },
	{ "tls.cert.revocation",
	  "A revoked certificate must not be used; its CA says so by OCSP "
	  "(stapled or from the responder it names) and in its CRL.",
	  "Replace a revoked certificate; enable OCSP stapling; keep the "
	  "OCSP responder and CRL named in the certificate reachable.",
	  "RFC 6960, RFC 5280 4.2.1.13, RFC 6066 8" },
	{ "dane.tlsa",
	  "DANE TLSA records let senders authenticate your MX without any "
	  "CA, and stop downgrade attacks; they only count when they and "
	  "the MX host's address records are DNSSEC-secure.",
	  "Sign the zones of the MX host and its TLSA records and publish "
	  "\"3 1 1\" TLSA records of the server key at _25._tcp.MX-NAME "
	  "(for an alias: at the final CNAME target) plus the next key "
	  "before a rollover.",
	  "RFC 7672 2.2, RFC 7671" },
	{ "dane.match",
	  "When no TLSA record matches the presented certificate, DANE "
	  "senders refuse to deliver to this server.",
	  "Update the TLSA records to match the certificate or key the "
	  "server presents (publish new records before changing keys).",
	  "RFC 7672 3, RFC 7671 8" },
	{ "dane.rollover",
	  "A key or certificate change breaks DANE delivery unless the new "
	  "TLSA record is published (and cached everywhere) first.",
	  "Keep two TLSA records during a change: current and next "
	  "(\"3 1 1\" of the next key), or add a \"2 1 1\" of the issuing "
	  "CA.",
	  "RFC 7671 8.1, RFC 7672 3.1" },
	{ "mtasts.record",
	  "The _mta-sts TXT record announces an MTA-STS policy, which "
	  "makes senders require valid TLS to your MX hosts.",
	  "Publish exactly one \"v=STSv1; id=...\" TXT at _mta-sts.DOMAIN.",
	  "RFC 8461 3.1" },
	{ "mtasts.policy",
	  "Senders ignore an MTA-STS policy they cannot fetch (valid "
	  "HTTPS, 200, text/plain, no redirect) or parse.",
	  "Serve https://mta-sts.DOMAIN/.well-known/mta-sts.txt with a "
	  "publicly trusted certificate, status 200, Content-Type "
	  "text/plain, no redirects.",
	  "RFC 8461 3.2, 3.3" },
	{ "mtasts.mode",
	  "Only mode enforce makes senders refuse unauthenticated "
	  "delivery; testing only reports.",
	  "After checking TLS-RPT reports, set mode: enforce.",
	  "RFC 8461 5" },
	{ "mtasts.mx",
	  "Senders enforcing MTA-STS refuse to deliver to an MX host that "
	  "no mx line of the policy matches.",
	  "Add an mx line for every MX host (a wildcard *.domain matches "
	  "one label).",
	  "RFC 8461 4.1" },
	{ "tlsrpt.record",
	  "TLS-RPT tells you when senders fail to set up TLS to you.",
	  "Publish \"v=TLSRPTv1; rua=mailto:...\" at _smtp._tls.DOMAIN.",
	  "RFC 8460 3" },
	{ "spf.record",
	  "SPF lists the hosts allowed to send mail from your domain; "
	  "without one (or with a broken one) anyone can forge it.",
	  "Publish exactly one TXT record starting with v=spf1.",
	  "RFC 7208 3, 4.5" },
	{ "spf.lookups",
	  "Receivers stop after 10 DNS-querying terms or 2 void lookups "
	  "and treat SPF as permerror: your SPF then protects nothing.",
	  "Flatten or remove includes so the whole tree needs at most 10 "
	  "lookups; remove includes of names that do not exist.",
	  "RFC 7208 4.6.4" },
	{ "spf.all",
	  "The all mechanism decides what happens to every other sender; "
	  "+all or ?all authorise the whole internet.",
	  "End the record with -all (or ~all while testing).",
	  "RFC 7208 5.1" },
	{ "spf.ptr",
	  "The ptr mechanism is slow and unreliable and should not be "
	  "used.",
	  "Replace ptr with ip4/ip6/a mechanisms.",
	  "RFC 7208 5.5" },
	{ "dmarc.record",
	  "DMARC tells receivers what to do with mail that fails SPF and "
	  "DKIM alignment, and where to report.",
	  "Publish \"v=DMARC1; p=reject; rua=mailto:...\" at _dmarc.DOMAIN.",
	  "RFC 7489 6.1" },
	{ "dmarc.policy",
	  "With p=none, forged mail is still delivered.",
	  "Move to p=quarantine and then p=reject once reports are clean.",
	  "RFC 7489 6.3" },
	{ "dmarc.rua",
	  "Reports to another organisation's domain are only sent when "
	  "that domain authorises them.",
	  "Ask the destination to publish DOMAIN._report._dmarc.DEST TXT "
	  "\"v=DMARC1\".",
	  "RFC 7489 7.1" },
	{ "dkim.key",
	  "The DKIM key lets receivers verify your signatures; short, "
	  "revoked or broken keys make signatures fail or forgeable.",
	  "Publish an RSA >= 2048 or Ed25519 key at SELECTOR._domainkey.",
	  "RFC 6376 3.6.1, RFC 8301" },
};

void
check_text(const char *id, const char **why, const char **fix,
    const char **rfc)
{
	size_t i;

	for (i = 0; i < sizeof(check_texts) / sizeof(check_texts[0]); i++)
		if (strcmp(check_texts[i].id, id) == 0) {
			*why = check_texts[i].why;
			*fix = check_texts[i].fix;
			*rfc = check_texts[i].rfc;
			return;
		}
	*why = "";
	*fix = "";
	*rfc = "";
}
