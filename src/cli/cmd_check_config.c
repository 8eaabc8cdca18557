/*
 * cmd_check_config.c - `centralino check-config FILE`: report every error
 * in a configuration, or a one-line summary of what it defines.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: centralino check-config FILE\n\n"
	           "Check a YAML configuration without starting anything.\n"
	           "Every error is printed as FILE:LINE:COLUMN: FIELD: "
	           "MESSAGE.\n"
	           "Exit status: 0 valid, 1 errors found, 2 usage.\n");
}

int cmd_check_config(int argc, char **argv)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;

	if (argc == 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc != 2 || (argv[1][0] == '-' && argv[1][1])) {
		usage(stderr);
		return 2;
	}
	int err = config_load(argv[1], &cfg, &errs);
	if (err) {
		config_errors_print(&errs, stderr);
		if (!errs.n && !errs.dropped)
			fprintf(stderr, "%s: %s\n", argv[1], strerror(err));
		config_errors_free(&errs);
		return 1;
	}
	printf("%s: ok: %zu tenants, %zu skills, %zu queues, %zu agents\n",
	       argv[1], cfg->ntenants, cfg->nskills, cfg->nqueues,
	       cfg->nagents);
	config_free(cfg);
	config_errors_free(&errs);
	return 0;
}
