/* echomx-smtpd: placeholder until the listener lands. */
#include <stdio.h>

int
main(void)
{
	fprintf(stderr, "echomx-smtpd: not built yet\n");
	return 1;
}
