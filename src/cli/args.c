/*
 * args.c - shared option parsing (see args.h).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "cli/args.h"

int cli_options(int argc, char **argv, const char *cmd,
                const struct option *opts, cli_option_h *opth, void *arg)
{
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h')
			return -1;
		if (c == '?' || c == ':') {
			fprintf(stderr, "%s: %s '%s'\n", cmd,
			        c == ':' ? "missing value for"
			                 : "unknown option",
			        argv[optind - 1]);
			return 2;
		}
		err = opth(c, optarg, arg);
		if (err)
			return err;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", cmd,
		        argv[optind]);
		return 2;
	}
	return 0;
}

int cli_number(const char *cmd, const char *flag, const char *arg, double lo,
               double hi, unsigned flags, double *x)
{
	bool whole = flags & CLI_WHOLE;
	char *end;

	errno = 0;
	*x = strtod(arg, &end);
	if (!*arg || *end || errno || !isfinite(*x) ||
	    (whole && *x != floor(*x))) {
		fprintf(stderr, "%s: --%s: '%s' is not %s\n", cmd, flag, arg,
		        whole ? "a whole number" : "a number");
		return 2;
	}
	if (*x < lo || ((flags & CLI_OPEN_LO) && *x == lo) || *x > hi ||
	    ((flags & CLI_OPEN_HI) && *x == hi)) {
		fprintf(stderr, "%s: --%s: %s is out of range %c%g, %g%c\n",
		        cmd, flag, arg, (flags & CLI_OPEN_LO) ? '(' : '[', lo,
		        hi, (flags & CLI_OPEN_HI) ? ')' : ']');
		return 2;
	}
	return 0;
}
