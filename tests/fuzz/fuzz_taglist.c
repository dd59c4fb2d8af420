/* fuzz_taglist: the tag=value field splitter, in both syntaxes and both
 * white-space kinds, with its promises checked: every field inside the
 * input, in order, name and value inside the field, and an end. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "mail/taglist.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
run(const char *buf, size_t len, enum taglist_syntax syn, enum taglist_ws ws)
{
	struct taglist_iter it;
	struct taglist_field f;
	const char *prev = buf;
	char err[256];
	size_t n = 0;
	int r;

	taglist_init(&it, buf, len, syn, ws);
	while ((r = taglist_next(&it, &f, err, sizeof(err))) == 1) {
		if (f.field < prev || f.field + f.flen > buf + len ||
		    f.flen == 0 || f.name != f.field ||
		    f.val < f.name + f.nlen || f.val + f.vlen !=
		    f.field + f.flen || taglist_is_ws(ws,
		    (unsigned char)f.field[0]) || taglist_is_ws(ws,
		    (unsigned char)f.field[f.flen - 1]))
			abort();
		if (syn == TAGLIST_FIELDS && (f.nlen == 0 ||
		    f.name[f.nlen] != '='))
			abort();
		prev = f.field + f.flen;
		if (++n > len)
			abort();	/* more fields than octets */
	}
	if (r != 0 && r != -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;

	run(buf, size, TAGLIST_TAGS, TAGLIST_FWS);
	run(buf, size, TAGLIST_TAGS, TAGLIST_WSP);
	run(buf, size, TAGLIST_FIELDS, TAGLIST_WSP);
	run(buf, size, TAGLIST_FIELDS, TAGLIST_FWS);
	return 0;
}
