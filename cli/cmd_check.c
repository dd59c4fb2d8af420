/* cmd_check: placeholder until its issue lands; says so and fails. */
#include <stdio.h>

#include "cli/cli.h"

int
cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "echomx check: not built yet\n");
	return 1;
}
