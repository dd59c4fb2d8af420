/* cmd_history: placeholder until its issue lands; says so and fails. */
#include <stdio.h>

#include "cli/cli.h"

int
cmd_history(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "echomx history: not built yet\n");
	return 1;
}
