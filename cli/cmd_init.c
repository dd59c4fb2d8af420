/* cmd_init: placeholder until its issue lands; says so and fails. */
#include <stdio.h>

#include "cli/cli.h"

int
cmd_init(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "echomx init: not built yet\n");
	return 1;
}
