/* conf_keys: every configuration key, its type and default. The example
 * conf/echomx.conf documents each one (tests/unit/test_conf.c checks).
 * Touches: nothing. Sections are owned by the program that reads them;
 * add keys to your own section only. */
#include <stddef.h>

#include "util/conf.h"
#include "util/paths.h"

#define G	CONF_SCOPE_GLOBAL
#define V	CONF_SCOPE_VS
#define GV	(CONF_SCOPE_GLOBAL | CONF_SCOPE_VS)

const struct conf_keydef conf_keys[] = {
	/* --- common --- */
	{ "base_domain", G, CONF_T_STR, "echomx.test", NULL, 0, 0 },
	{ "enforced_domain", G, CONF_T_STR, "et.$base_domain", NULL, 0, 0 },
	{ "unenforced_domain", G, CONF_T_STR, "ut.$base_domain", NULL, 0, 0 },
	{ "state_dir", G, CONF_T_PATH, "/var/lib/echomx", NULL, 0, 0 },
	{ "db_path", G, CONF_T_PATH, "$state_dir/echomx.db", NULL, 0, 0 },
	{ "spool_dir", G, CONF_T_PATH, "$state_dir/spool", NULL, 0, 0 },
	{ "user", G, CONF_T_STR, "echomx", NULL, 0, 0 },
	{ "syslog_facility", G, CONF_T_ENUM, "mail",
	  "mail|daemon|user|local0|local1|local2|local3|local4|local5|local6|"
	  "local7", 0, 0 },
	{ "log_level", G, CONF_T_ENUM, "info",
	  "debug|info|notice|warning|error", 0, 0 },
	{ "ca_cert", G, CONF_T_PATH, "$state_dir/ca/ca.crt", NULL, 0, 0 },
	{ "ca_key", G, CONF_T_KEYFILE, "$state_dir/ca/ca.key", NULL, 0, 0 },

	/* --- listener (echomx-smtpd) --- */
	{ "listen", G, CONF_T_ADDRLIST, "0.0.0.0:25 [::]:25", NULL, 0, 0 },
	{ "smtpd_hostname", G, CONF_T_STR, "mx.$base_domain", NULL, 0, 0 },
	{ "downgrade_window", G, CONF_T_DURATION, "180s", NULL, 0, 0 },
	{ "test_session_limit", G, CONF_T_DURATION, "2h", NULL, 0, 0 },
	{ "accept_rule", G, CONF_T_ENUM, "tls-after-window",
	  "tls-after-window|all|never", 0, 0 },
	{ "command_timeout", G, CONF_T_DURATION, "300s", NULL, 0, 0 },
	{ "connection_time_limit", G, CONF_T_DURATION, "1800s", NULL, 0, 0 },
	{ "line_length_limit", G, CONF_T_INT, "512", NULL, 512, 65536 },
	{ "text_line_limit", G, CONF_T_INT, "1000", NULL, 1000, 1048576 },
	{ "message_size_limit", G, CONF_T_SIZE, "10M", NULL, 0, 0 },
	{ "recipient_limit", G, CONF_T_INT, "100", NULL, 1, 100000 },
	{ "max_sessions", G, CONF_T_INT, "10000", NULL, 1, 1000000 },
	{ "max_sessions_per_peer", G, CONF_T_INT, "20", NULL, 1, 1000000 },
	{ "max_errors", G, CONF_T_INT, "10", NULL, 1, 1000 },

	/* --- virtual servers ([vs NAME] sections) --- */
	{ "hostname", V, CONF_T_STR, "$vs.$enforced_domain", NULL, 0, 0 },
	{ "test_domain", V, CONF_T_ENUM, "enforced", "enforced|unenforced",
	  0, 0 },
	{ "addresses", V, CONF_T_ADDRLIST, "", NULL, 0, 0 },
	{ "default", V, CONF_T_BOOL, "no", NULL, 0, 0 },
	{ "starttls", V, CONF_T_BOOL, "yes", NULL, 0, 0 },
	{ "cert_kind", V, CONF_T_ENUM, "ca",
	  "none|selfsigned|ca|expired|wrongname", 0, 0 },
	{ "cert_file", V, CONF_T_PATH, "$state_dir/certs/$vs.crt", NULL, 0,
	  0 },
	{ "key_file", V, CONF_T_KEYFILE, "$state_dir/certs/$vs.key", NULL, 0,
	  0 },
	{ "key_type", V, CONF_T_ENUM, "ec-p256", "rsa2048|rsa4096|ec-p256",
	  0, 0 },
	{ "tls_versions", V, CONF_T_ENUMLIST, "1.2 1.3", "1.0|1.1|1.2|1.3",
	  0, 0 },
	{ "tlsa", V, CONF_T_ENUM, "none", "none|matching|wrong", 0, 0 },
	{ "tlsa_usage", V, CONF_T_ENUM, "3", "2|3", 0, 0 },
	{ "in_sts_policy", V, CONF_T_BOOL, "no", NULL, 0, 0 },
	{ "dnssec", V, CONF_T_ENUM, "secure", "secure|bogus", 0, 0 },

	/* --- inbound checker (echomx check) --- */
	{ "trust_anchor", G, CONF_T_PATH, "/usr/share/dns/root.key", NULL, 0,
	  0 },
	{ "ca_file", G, CONF_T_PATH, "/etc/ssl/certs/ca-certificates.crt",
	  NULL, 0, 0 },
	{ "resolver", G, CONF_T_STR, "", NULL, 0, 0 },
	{ "check_timeout", G, CONF_T_DURATION, "10s", NULL, 0, 0 },
	{ "check_total_timeout", G, CONF_T_DURATION, "120s", NULL, 0, 0 },
	{ "check_ipv6", G, CONF_T_BOOL, "yes", NULL, 0, 0 },
	{ "check_connections_per_ip", G, CONF_T_INT, "1", NULL, 1, 16 },
	{ "scoring_file", G, CONF_T_PATH, ECHOMX_SYSCONFDIR_S
	  "/echomx/scoring.conf", NULL, 0, 0 },
	{ "public_suffix_list", G, CONF_T_PATH,
	  "/usr/share/publicsuffix/public_suffix_list.dat", NULL, 0, 0 },

	/* --- dns-rotator (echomx-rotator) --- */
	{ "zone_dir", G, CONF_T_PATH, "$state_dir/zones", NULL, 0, 0 },
	{ "zone_template_dir", G, CONF_T_PATH, ECHOMX_PREFIX_S
	  "/share/echomx/zones", NULL, 0, 0 },
	{ "dnssec_key_dir", G, CONF_T_PATH, "$state_dir/dnssec", NULL, 0, 0 },
	{ "mx_rotation", G, CONF_T_DURATION, "5m", NULL, 0, 0 },
	{ "nsec_mode", G, CONF_T_ENUM, "nsec", "nsec|nsec3", 0, 0 },
	{ "signature_validity", G, CONF_T_DURATION, "14d", NULL, 0, 0 },
	{ "resign_before", G, CONF_T_DURATION, "7d", NULL, 0, 0 },
	{ "reload_command", G, CONF_T_STR, "", NULL, 0, 0 },
	{ "update_server", G, CONF_T_STR, "", NULL, 0, 0 },
	{ "update_tsig_key_file", G, CONF_T_KEYFILE, "", NULL, 0, 0 },
	{ "update_timeout", G, CONF_T_DURATION, "10s", NULL, 0, 0 },
	{ "sts_policy_dir", G, CONF_T_PATH, "$state_dir/mta-sts", NULL, 0, 0 },
	{ "sts_mode", G, CONF_T_ENUM, "enforce", "enforce|testing|none", 0,
	  0 },
	{ "sts_max_age", G, CONF_T_DURATION, "1d", NULL, 0, 0 },
	{ "tlsrpt_address", G, CONF_T_STR, "tlsrpt@$base_domain", NULL, 0, 0 },
	{ "report_domain", G, CONF_T_STR, "$base_domain", NULL, 0, 0 },
	{ "zone_ttl", G, CONF_T_DURATION, "60s", NULL, 0, 0 },
	{ "zone_nameservers", G, CONF_T_LIST, "ns1.$base_domain", NULL, 0, 0 },
	{ "zone_ns_addresses", G, CONF_T_LIST, "", NULL, 0, 0 },
	{ "sts_host_addresses", G, CONF_T_LIST, "", NULL, 0, 0 },
	{ "report_spf", G, CONF_T_STR, "v=spf1 a mx -all", NULL, 0, 0 },
	{ "report_dmarc", G, CONF_T_STR, "v=DMARC1; p=reject; adkim=s; aspf=s",
	  NULL, 0, 0 },
	{ "dkim_selector", G, CONF_T_STR, "echomx", NULL, 0, 0 },
	{ "dkim_key_file", G, CONF_T_KEYFILE,
	  "$state_dir/dkim/$dkim_selector.key", NULL, 0, 0 },

	/* --- responder (later issues) --- */
};

const size_t conf_nkeys = sizeof(conf_keys) / sizeof(conf_keys[0]);
