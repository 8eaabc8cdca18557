/*
 * main.c - the centralino binary: one program, several subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static int cmd_version(int argc, char **argv);

static const struct command commands[] = {
    {"run", cmd_run, "start the contact center on a configuration"},
    {"simulate", cmd_simulate, "run the routing engine in simulated time"},
    {"staffing", cmd_staffing, "Erlang C / Erlang A staffing figures"},
    {"bench", cmd_bench, "benchmarks (bench routing ...)"},
    {"check-config", cmd_check_config, "report every error in a config"},
    {"report", cmd_report, "queue and agent reports from the journal"},
    {"backup", cmd_backup, "a consistent copy of the store, while it runs"},
    {"version", cmd_version, "print the version"},
};

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 && argv &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: centralino version\n\nPrint the version.\n");
		return 0;
	}
	printf("centralino %s\n", CENTRALINO_VERSION);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: centralino COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-14s %s\n", commands[i].name,
		        commands[i].summary);
	fprintf(f, "\n'centralino COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(0, NULL);

	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "centralino: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
