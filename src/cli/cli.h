/*
 * cli.h - the subcommands of the centralino binary.
 *
 * Each command takes the arguments after its name (argv[0] is the command
 * name) and returns the process exit status: 0 on success, 1 on a failure
 * of the work, 2 on a usage error.
 */
#ifndef CENTRALINO_CLI_H
#define CENTRALINO_CLI_H

int cmd_run(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_staffing(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_backup(int argc, char **argv);

#endif
