/* score: MECSA's three categories (confidentiality, phishing and identity
 * theft, integrity), each 0-100 from additive points per finding with the
 * weights of scoring.conf, and the domain's colour (red / yellow / white /
 * green, or grey when nothing could be judged). Pure functions over a check_result. */
#ifndef ECHOMX_SCORE_H
#define ECHOMX_SCORE_H
#include <stddef.h>

#include "responder/check.h"

struct sbuf;

enum score_cat {
	SCORE_CONF,		/* confidentiality */
	SCORE_PHISH,		/* phishing and identity theft */
	SCORE_INTEG,		/* integrity */
	SCORE_NCAT
};

struct score_rule {
	enum score_cat	 cat;
	char		 id[48];
	enum check_status status;
	int		 points;
};

struct score_table {
	size_t		 n;
	struct score_rule rule[256];
	int		 builtin;	/* the built-in table was used */
};

/* One counted finding id in a category. */
struct score_item {
	char		 id[48];
	enum check_status status;	/* worst over subjects; CNT: none
					 * of its subjects was tested */
	int		 points;
	int		 max;		/* best points possible for the id */
};

struct score_catres {
	int		 score;		/* 0..100 */
	int		 sum;		/* raw points */
	int		 untested_max;	/* points taken out of the maximum */
	int		 tested;	/* the tested ids weigh at least as
					 * much as the untested ones */
	size_t		 nitem;
	struct score_item item[64];
};

struct score_result {
	struct score_catres cat[SCORE_NCAT];
	const char	*colour;	/* "red" "yellow" "white" "green",
					 * or "grey": not judged */
	char		 colour_why[256];
};

/* The rules text (pure): 0, or -1 with "NAME:LINE: what" in err. */
int	 score_parse(const char *buf, size_t len, const char *name,
	    struct score_table *, struct sbuf *err);
/* Load path; a missing file gives the built-in table (builtin = 1).
 * Other errors: -1 with the reason in err. */
int	 score_load(const char *path, struct score_table *, struct sbuf *err);
extern const char score_builtin_text[];

void	 score_compute(const struct score_table *,
	    const struct check_result *, struct score_result *);
/* The colour alone (findings.md). why gets the reason. */
const char *score_colour(const struct check_result *, char *why,
	    size_t whysz);

const char *score_cat_name(enum score_cat);

#endif
