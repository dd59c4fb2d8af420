/* accept: the one decision whether DATA gets 250. For now a config rule
 * (accept_rule); the responder's outbound policy inference replaces the
 * body of accept_decide() later, keeping this interface. */
#ifndef ECHOMX_ACCEPT_H
#define ECHOMX_ACCEPT_H

enum accept_rule { ACCEPT_RULE_TLS_AFTER_WINDOW, ACCEPT_RULE_ALL,
	ACCEPT_RULE_NEVER };

struct accept_input {
	enum accept_rule rule;
	int		 tls;		/* this connection runs TLS */
	double		 now;
	double		 window_end;	/* the test session's window */
	long long	 session_id;	/* 0: not known */
};

enum accept_verdict { ACCEPT_YES, ACCEPT_NO };

/* Pure. *why: text for the 451 reply and the log (static). */
enum accept_verdict accept_decide(const struct accept_input *,
	    const char **why);
/* "tls-after-window" | "all" | "never"; -1 when unknown. */
int	 accept_rule_parse(const char *, enum accept_rule *);

#endif
