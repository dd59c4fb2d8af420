/* cli: the subcommands of bin/echomx, one cli/cmd_NAME.c each. Each gets
 * argv with argv[0] = the subcommand name and returns the exit status
 * (0 ran, 1 could not do it, 2 usage or configuration error). */
#ifndef ECHOMX_CLI_H
#define ECHOMX_CLI_H

int	cmd_init(int argc, char **argv);
int	cmd_history(int argc, char **argv);
int	cmd_check(int argc, char **argv);

#endif
