/* test_dkimkey: DKIM key records (RFC 6376 §3.6.1, RFC 8463): tags,
 * revocation, and key sizes read from real keys made with openssl. */
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "mail/dkimkey.h"

static const char spki512[] =
	"MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAOiKzxr2dxBzIKxd/JOv4RLHmPnH"
	"dtrnmgV1erKUEk7rzivCM1b2gruV4Xu5UInCavXYtBX0J3ZirFwrlkdEndkC"
	"AwEAAQ==";

static const char spki1024[] =
	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDJd/nwMOsaxF82mQ+RLmf8"
	"0FtJf9+C2NjS+Doj7U8bpj2/P+JMLlQg8KzTd/7tBebHJ8wlQiX40+2xPRo1"
	"No+t9YahMfjYY4eAFLx20H6yJbPQR4z5o/TOdk+7/xUYqfJjMYoLjxqsNW9e"
	"n6lqqr1C+RLTKpY2XOiOkrjE2tEHgwIDAQAB";

static const char spki2048[] =
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxv6sXRTI7EeNDkg5"
	"cM2yB7s5eHHgt3BkNYmPyeTVjGazvhdXHpCwrdO8fWaF+dL9W+3LOmx6ux38"
	"eU2Nm4K/wzjhW3NW5ltNVV3a7AWG4WaLAh21q9f5DzdDMYATzYW3++aVoMIE"
	"Ytf1KV/85RHwiS94StGFx6uEHyluK99y+M3N4zBqtvF0Ggj9fiH861fYQzCt"
	"YZDsuEYVI4afKTF9Dqw3rslCWq6opS57f97haxeiBG4mbO0ZBZXJhSvsrPny"
	"CZ8oaZxpV1f+2rRDi1VOHkqe30FbhLgeki+qtMcTBBrp+76oOo4HzJI9ohbs"
	"QK6H3rYY7Hett3KNvewZki/IcQIDAQAB";

static const char spki3072[] =
	"MIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEA5DI8Mz0N+ykDy3f8"
	"vdCojKkiV1VqZUBMvDhwFofLrhWsPSjOQPLekEiisCRJsLh/5BQMAc7yHTpV"
	"X/2vi7jrH+N/b6X5mFC1Kn5PhiHG1OolO8qq3W0n3ueMCR+M1oUHRMAl5OQ/"
	"sv1GBMgxhUyvWQOwt4AerzjV4qDjx8nqSyWvocehfPTVIk1km4aAtwIe9cLA"
	"6bGGo3SvE6CVk7MLEF9fktaZJrxwRLF8bEgCVac1h0g+4z5yyI096+JWq9EF"
	"Ve/OC2HclEwFhKUrczjbSykvis4bBMQYKJUpZyuzIRWsoO/ngYFyq0cQghSE"
	"tpoIDjQk5CdcUsMf9x+f44KmWGI+7lod+vROkL75XANh1yubkzXJq+b+BFRx"
	"hpCxdbmLVt/1Aohi6Df4SkPVnVmm1bSoV3U0srpJZd8an0Ntfq2+ArVVIWbk"
	"W2ke0OHnQZIc1crqa9YQPTWP4B6uNVJVETZAGOZ439unP+9vBJmtX4aZxfyW"
	"oLZD1Lo8heoZ8PP/AgMBAAE=";

static const char pkcs1_1024[] =
	"MIGJAoGBAMl3+fAw6xrEXzaZD5EuZ/zQW0l/34LY2NL4OiPtTxumPb8/4kwu"
	"VCDwrNN3/u0F5scnzCVCJfjT7bE9GjU2j631hqEx+Nhjh4AUvHbQfrIls9BH"
	"jPmj9M52T7v/FRip8mMxiguPGqw1b16fqWqqvUL5EtMqljZc6I6SuMTa0QeD"
	"AgMBAAE=";

static const char ed25519[] =
	"rJfPavei82/Kpllqf/8b7dnzzUF/w2WG/qFYHu0Gr2A=";

static const char ec256[] =
	"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ7JQh9EMYeXKenHoQlP/QGsz"
	"wEpj+zfJpdAegJinB7oPHywnI+JCenP653tmPWUHCS1yZZMF+iVsTIRgt0Gk"
	"RA==";

static void
t_table(void)
{
	/* tags before p=, the key, error ("" = ok), type, bits, revoked */
	static const struct {
		const char *tags, *key, *err;
		int type;
		unsigned bits;
		int revoked;
	} rows[] = {
		{ "v=DKIM1; k=rsa; p=", spki2048, "", DKIMKEY_RSA, 2048, 0 },
		{ "p=", spki1024, "", DKIMKEY_RSA, 1024, 0 },
		{ "v=DKIM1; p=", spki512, "", DKIMKEY_RSA, 512, 0 },
		{ "v=DKIM1;h=sha256;t=y:s;s=email;n=notes;p=", spki3072, "",
		  DKIMKEY_RSA, 3072, 0 },
		{ "v=DKIM1; p=", pkcs1_1024, "", DKIMKEY_RSA, 1024, 0 },
		{ "v=DKIM1; k=ed25519; p=", ed25519, "", DKIMKEY_ED25519, 256,
		  0 },
		{ "v=DKIM1; k=rsa; p=", "", "", DKIMKEY_RSA, 0, 1 },
		{ "v=DKIM1; p=", ec256, "not an RSA key", 0, 0, 0 },
		{ "v=DKIM1; k=ed25519; p=", spki1024, "not 32", 0, 0, 0 },
		{ "v=DKIM1; k=rsa; p=", ed25519, "not a DER RSA", 0, 0, 0 },
		{ "v=DKIM1; k=dsa; p=", spki1024, "unknown key type", 0, 0,
		  0 },
		{ "v=DKIM2; p=", spki1024, "must be DKIM1", 0, 0, 0 },
		{ "k=rsa; v=DKIM1; p=", spki1024, "must be DKIM1", 0, 0, 0 },
		{ "v=DKIM1; h=md5; p=", spki1024, "no known hash", 0, 0, 0 },
		{ "v=DKIM1; k=rsa; k=rsa; p=", spki1024, "given twice", 0, 0,
		  0 },
		{ "v=DKIM1; p=", "MIIB!", "not valid base64", 0, 0, 0 },
		{ "v=DKIM1; p=", "QUJD=A", "not valid base64", 0, 0, 0 },
		{ "v=DKIM1; k=rsa", "", "no p= tag", 0, 0, 0 },
		{ "v=DKIM1; k", "", "not tag=value", 0, 0, 0 },
	};
	struct dkimkey k;
	char rec[2048], err[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc;

		snprintf(rec, sizeof(rec), "%s%s", rows[i].tags, rows[i].key);
		rc = dkimkey_parse(rec, strlen(rec), &k, err, sizeof(err));
		if (rows[i].err[0]) {
			T_EQ_INT(rc, -1);
			T_CONTAINS(err, rows[i].err);
			continue;
		}
		if (rc)
			fprintf(stderr, "row %zu: %s\n", i, err);
		T_EQ_INT(rc, 0);
		T_EQ_INT(k.type, rows[i].type);
		T_EQ_INT(k.bits, rows[i].bits);
		T_EQ_INT(k.revoked, rows[i].revoked);
	}
}

static void
t_flags(void)
{
	struct dkimkey k;
	char rec[2048], err[256];

	snprintf(rec, sizeof(rec), "v=DKIM1; h=sha256; t=y:s; s=email; "
	    "p=%s", spki2048);
	T_EQ_INT(dkimkey_parse(rec, strlen(rec), &k, err, sizeof(err)), 0);
	T_EQ_INT(k.testing, 1);
	T_EQ_INT(k.strict, 1);
	T_EQ_INT(k.sha1, 0);
	T_EQ_INT(k.sha256, 1);
	T_EQ_INT(k.email, 1);
	T_EQ_INT(k.spki, 1);
	/* FWS inside p= (folded TXT) is allowed */
	snprintf(rec, sizeof(rec), "v=DKIM1; s=tlsrpt; p=%.40s \r\n %s",
	    spki1024, spki1024 + 40);
	T_EQ_INT(dkimkey_parse(rec, strlen(rec), &k, err, sizeof(err)), 0);
	T_EQ_INT(k.bits, 1024);
	T_EQ_INT(k.email, 0);
	T_EQ_INT(k.testing, 0);
	T_EQ_INT(k.sha1, 1);
}

static void
t_base64(void)
{
	unsigned char out[16];
	size_t n;

	T_EQ_INT(dkimkey_base64("TWFu", 4, out, sizeof(out), &n), 0);
	T_EQ_INT(n, 3);
	T_CHECK(memcmp(out, "Man", 3) == 0);
	T_EQ_INT(dkimkey_base64("TWE=", 4, out, sizeof(out), &n), 0);
	T_EQ_INT(n, 2);
	T_EQ_INT(dkimkey_base64("TQ==", 4, out, sizeof(out), &n), 0);
	T_EQ_INT(n, 1);
	T_EQ_INT(dkimkey_base64("TQ=", 3, out, sizeof(out), &n), -1);
	T_EQ_INT(dkimkey_base64("T", 1, out, sizeof(out), &n), -1);
	T_EQ_INT(dkimkey_base64("TWFuTWFuTWFuTWFuTWFuTWFu", 24, out,
	    sizeof(out), &n), -1);	/* 18 octets > 16 */
}

T_MAIN(T_CASE(t_table), T_CASE(t_flags), T_CASE(t_base64))
