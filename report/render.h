/* render: a check result as JSON (schema "echomx-check/1", documented in
 * docs/check-json.md) or as text for people. Every string that came from
 * the network is escaped: JSON-escaped (valid UTF-8 out, whatever came
 * in) or, for text, shown with \xHH for anything not printable. */
#ifndef ECHOMX_RENDER_H
#define ECHOMX_RENDER_H
#include <stddef.h>

#include "report/score.h"

struct sbuf;

#define RENDER_SCHEMA	"echomx-check/1"

/* Append s[0..len) as a JSON string (with the quotes). Invalid UTF-8
 * octets are written as \u00XX (Latin-1 reading). */
void	 render_json_str(struct sbuf *, const char *s, size_t len);
/* Append s with control and non-ASCII octets as \xHH, backslash as \\ ;
 * '\n' is kept when keep_nl (multi-line server replies). */
void	 render_text_esc(struct sbuf *, const char *s, int keep_nl);

/* Whole documents, appended to out. */
void	 render_json(struct sbuf *out, const struct check_result *,
	    const struct score_result *, const struct score_table *);
void	 render_text(struct sbuf *out, const struct check_result *,
	    const struct score_result *, int colour);

#endif
