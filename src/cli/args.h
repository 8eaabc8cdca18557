/*
 * args.h - command-line options shared by the subcommands: one getopt
 * loop and one number parser, so that every command names the flag that
 * is wrong in the same words.
 */
#ifndef CENTRALINO_CLI_ARGS_H
#define CENTRALINO_CLI_ARGS_H

#include <getopt.h>
#include <stdio.h>

enum {
	CLI_OPEN_LO = 1, /* the lower bound itself is refused */
	CLI_OPEN_HI = 2, /* the upper bound itself is refused */
	CLI_WHOLE = 4,   /* a whole number */
};

/** Apply option c (its value arg, may be NULL) to opts: 0 or 2. */
typedef int(cli_option_h)(int c, const char *arg, void *opts);

/**
 * Run getopt_long over argv (argv[0] is the command) with long options
 * only, and -h/--help. Returns -1 for --help, 2 after a message naming
 * an unknown option, a missing value or a stray argument, the first
 * nonzero result of opth, or 0.
 */
int cli_options(int argc, char **argv, const char *cmd,
                const struct option *opts, cli_option_h *opth, void *arg);

/**
 * Parse --flag's value into *x within [lo, hi] (flags: CLI_OPEN_LO,
 * CLI_OPEN_HI, CLI_WHOLE). Returns 0, or 2 after "CMD: --FLAG: ...".
 */
int cli_number(const char *cmd, const char *flag, const char *arg, double lo,
               double hi, unsigned flags, double *x);

#endif
