/* taglist: the "name=value; name=value" field splitter shared by the DNS
 * TXT record parsers: DKIM keys and DMARC (RFC 6376 §3.2 tag-list, RFC
 * 7489 §6.4), MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3). Pure:
 * fields point into the caller's buffer, nothing is copied or allocated. */
#ifndef ECHOMX_TAGLIST_H
#define ECHOMX_TAGLIST_H
#include <stddef.h>

/* What counts as white space around ';' (and, with TAGLIST_TAGS, '='). */
enum taglist_ws {
	TAGLIST_WSP,	/* SP and HTAB only (RFC 5234 WSP) */
	TAGLIST_FWS	/* also CR and LF (RFC 6376 §2.8 FWS, unfolded) */
};

enum taglist_syntax {
	/* RFC 6376 §3.2: empty fields are skipped; white space around
	 * '=' is not part of the name or value; an empty name is the
	 * caller's to judge; "'...' is not tag=value". */
	TAGLIST_TAGS,
	/* RFC 8461 §3.1, RFC 8460 §3: an empty field is an error ("empty
	 * field"), except white space after the last ';' (the optional
	 * final delimiter), which ends the list; name and value are as
	 * written; an empty name or no '=' is "'...' is not name=value". */
	TAGLIST_FIELDS
};

struct taglist_iter {
	const char	*buf;
	size_t		 len;
	size_t		 pos;		/* next octet to read */
	enum taglist_syntax syntax;
	enum taglist_ws	 ws;
};

/* One field; all pointers into the buffer given to taglist_init. */
struct taglist_field {
	const char	*field;		/* the field, outer white space cut */
	size_t		 flen;
	const char	*name;		/* before the first '=' */
	size_t		 nlen;
	const char	*val;		/* after the first '=' */
	size_t		 vlen;
};

/* Start reading buf[0..len). buf need not be NUL-terminated and may hold
 * any octets; the iterator reads nothing outside it. */
void	 taglist_init(struct taglist_iter *, const char *buf, size_t len,
	    enum taglist_syntax, enum taglist_ws);

/* 1 with the next field in *out; 0 at the end; -1 with a message in err
 * (a field without '=', with TAGLIST_FIELDS also an empty field or an
 * empty name). After -1 the iterator must not be used again. */
int	 taglist_next(struct taglist_iter *, struct taglist_field *out,
	    char *err, size_t errsz);

/* The items of one value, split at sep (':' in DKIM k=/h=/s= and DMARC
 * fo=, ',' in DMARC rua=/ruf=), outer white space of kind ws cut. Every
 * separator ends an item: "" is one empty item, "a:" is "a" and "". */
struct taglist_items {
	const char	*val;
	size_t		 len;
	size_t		 pos;
	char		 sep;
	enum taglist_ws	 ws;
	int		 done;
};

void	 taglist_items_init(struct taglist_items *, const char *val,
	    size_t len, char sep, enum taglist_ws);
/* 1 with the next item in *item, *ilen (pointing into val); 0 at the
 * end. */
int	 taglist_items_next(struct taglist_items *, const char **item,
	    size_t *ilen);

/* 1 if c is white space of that kind. */
int	 taglist_is_ws(enum taglist_ws, int c);

#endif
