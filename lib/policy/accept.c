/* accept: when the listener answers DATA with 250. Pure: the caller
 * gathers the facts. Touches: nothing. */
#include <string.h>

#include "policy/accept.h"

int
accept_rule_parse(const char *s, enum accept_rule *r)
{
	if (strcmp(s, "tls-after-window") == 0)
		*r = ACCEPT_RULE_TLS_AFTER_WINDOW;
	else if (strcmp(s, "all") == 0)
		*r = ACCEPT_RULE_ALL;
	else if (strcmp(s, "never") == 0)
		*r = ACCEPT_RULE_NEVER;
	else
		return -1;
	return 0;
}

enum accept_verdict
accept_decide(const struct accept_input *in, const char **why)
{
	switch (in->rule) {
	case ACCEPT_RULE_ALL:
		*why = "accept-all";
		return ACCEPT_YES;
	case ACCEPT_RULE_NEVER:
		*why = "4.7.0 Test in progress, not accepting mail now";
		return ACCEPT_NO;
	case ACCEPT_RULE_TLS_AFTER_WINDOW:
		break;
	}
	if (in->now < in->window_end) {
		*why = "4.7.0 Test in progress (downgrade window), try again "
		    "later";
		return ACCEPT_NO;
	}
	if (!in->tls) {
		*why = "4.7.0 Test in progress: deliver with STARTTLS, try "
		    "again later";
		return ACCEPT_NO;
	}
	*why = "tls-after-window";
	return ACCEPT_YES;
}
