/* echomx: the command-line front. Thin: each subcommand parses its
 * options and calls the libraries. Touches: nothing directly. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
} cli_cmds[] = {
	{ "init", cmd_init, "init [-c FILE] [-o key=value]... [-n]" },
	{ "history", cmd_history,
	  "history [-c FILE] [-o key=value]... [--json] [--session ID] "
	  "[--since TIME]" },
	{ "check", cmd_check,
	  "check DOMAIN [--json | --text] [--dkim-selector S]... "
	  "[--resolver ADDR[@PORT]] [--trust-anchor FILE] [--ca FILE] "
	  "[--no-ipv6] [--timeout SECONDS]" },
};

static void
cli_usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: echomx COMMAND [ARGS]\ncommands:\n");
	for (i = 0; i < sizeof(cli_cmds) / sizeof(cli_cmds[0]); i++)
		fprintf(fp, "  echomx %s\n", cli_cmds[i].usage);
	fprintf(fp, "See echomx(8) and README.md.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		cli_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		cli_usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(cli_cmds) / sizeof(cli_cmds[0]); i++)
		if (strcmp(argv[1], cli_cmds[i].name) == 0)
			return cli_cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "echomx: unknown command '%s'\n", argv[1]);
	cli_usage(stderr);
	return 2;
}
