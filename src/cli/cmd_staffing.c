/* cmd_staffing.c - placeholder until the command lands. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_staffing(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "%s: not built yet\n", argv[0]);
	return 1;
}
