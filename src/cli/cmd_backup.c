/*
 * cmd_backup.c - `centralino backup FILE`: a consistent copy of the store
 * while the daemon runs.
 *
 * The store is opened read-only (no migration, no run) and copied with
 * SQLite's online backup in one read transaction (store_backup()): in WAL
 * mode the daemon keeps writing meanwhile and the copy is the database as
 * of one commit. Every refusal names the file and the reason and exits
 * 1; a usage error exits 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/config.h"
#include "store/store.h"

struct backup_opts {
	const char *dest;
	const char *config;
	const char *store;
	bool force;
};

static void usage(FILE *f)
{
	fputs("usage: centralino backup FILE [--config CONFIG | --store DB] "
	      "[--force]\n"
	      "\n"
	      "Copy the store into FILE while the daemon runs: a consistent "
	      "copy, as of one\ncommit (SQLite's online backup). See "
	      "docs/store.md for restoring it.\n"
	      "\n"
	      "  --config CONFIG  the store of this configuration "
	      "(store.path)\n"
	      "  --store DB       the store's file (default "
	      "var/centralino.db)\n"
	      "  --force          replace FILE if it exists\n"
	      "  --help           this text\n",
	      f);
}

/* Options and FILE, in any order. Returns 0, -1 for --help, or 2. */
static int parse_args(int argc, char **argv, struct backup_opts *o)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"store", required_argument, NULL, 's'},
	    {"force", no_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'h')
			return -1;
		if (c == 'c')
			o->config = optarg;
		else if (c == 's')
			o->store = optarg;
		else if (c == 'f')
			o->force = true;
		else {
			fprintf(stderr, "backup: %s '%s'\n",
			        c == ':' ? "missing value for"
			                 : "unknown option",
			        argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc)
		o->dest = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "backup: unexpected argument '%s'\n",
		        argv[optind]);
		return 2;
	}
	if (!o->dest || !*o->dest) {
		fprintf(stderr, "backup: missing FILE, the copy to write\n");
		return 2;
	}
	if (o->config && o->store) {
		fprintf(stderr, "backup: --config and --store name the store "
		                "twice; give one\n");
		return 2;
	}
	return 0;
}

/* The store's path: --store, the configuration's, or the default. */
static int store_path(const struct backup_opts *o, char *buf, size_t size)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;

	if (!o->config) {
		snprintf(buf, size, "%s",
		         o->store ? o->store : "var/centralino.db");
		return 0;
	}
	if (config_load(o->config, &cfg, &errs)) {
		config_errors_print(&errs, stderr);
		config_errors_free(&errs);
		return 1;
	}
	snprintf(buf, size, "%s", cfg->store_path);
	config_free(cfg);
	return 0;
}

/* The directory part of path ("." when none). */
static void dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(buf, size, ".");
	else if (slash == path)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

/*
 * FILE is about to be replaced: a -wal file beside it would be replayed
 * over the copy when it is opened. An empty one (a reader's leftover) is
 * removed with its -shm; one with frames holds changes of a database
 * still open (or crashed) on FILE: refused. 0 or 1, with the message.
 */
static int stale_wal(const char *dest)
{
	char wal[512], shm[512];
	struct stat st;

	snprintf(wal, sizeof(wal), "%s-wal", dest);
	snprintf(shm, sizeof(shm), "%s-shm", dest);
	if (stat(wal, &st))
		return 0;
	if (st.st_size > 0) {
		fprintf(stderr,
		        "backup: %s holds changes not yet in %s: a database "
		        "is open on it; stop what uses it first\n",
		        wal, dest);
		return 1;
	}
	if ((unlink(wal) && errno != ENOENT) ||
	    (unlink(shm) && errno != ENOENT)) {
		fprintf(stderr, "backup: cannot remove %s: %s\n", wal,
		        strerror(errno));
		return 1;
	}
	return 0;
}

/*
 * Refuse what would go wrong: no such store, FILE being the store itself
 * or a directory, FILE existing without --force, a destination directory
 * that is missing or not writable. 0 or 1, with the message.
 */
static int check_paths(const char *src, const struct backup_opts *o)
{
	struct stat s, d;
	char dir[512];

	if (stat(src, &s)) {
		fprintf(stderr, "backup: %s: %s\n", src,
		        errno == ENOENT ? "no such store" : strerror(errno));
		return 1;
	}
	if (!S_ISREG(s.st_mode)) {
		fprintf(stderr, "backup: %s: not a store (not a file)\n", src);
		return 1;
	}
	if (!stat(o->dest, &d)) {
		if (d.st_dev == s.st_dev && d.st_ino == s.st_ino) {
			fprintf(stderr, "backup: %s is the store itself\n",
			        o->dest);
			return 1;
		}
		if (S_ISDIR(d.st_mode)) {
			fprintf(stderr,
			        "backup: %s is a directory; name the "
			        "file to write\n",
			        o->dest);
			return 1;
		}
		if (!o->force) {
			fprintf(stderr,
			        "backup: %s exists; --force replaces "
			        "it\n",
			        o->dest);
			return 1;
		}
		if (stale_wal(o->dest))
			return 1;
	}
	dir_of(o->dest, dir, sizeof(dir));
	if (access(dir, W_OK)) {
		fprintf(stderr, "backup: cannot write in %s: %s\n", dir,
		        strerror(errno));
		return 1;
	}
	return 0;
}

static int copy(const char *src, const char *dest)
{
	const struct store_params p = {.read_only = true};
	struct store *s = NULL;
	struct stat st;
	char err[600];
	int e;

	e = store_open(&s, src, &p, err, sizeof(err));
	if (e == EBADMSG)
		fprintf(stderr,
		        "backup: %s: not a store (corrupt, or not a "
		        "database)\n",
		        src);
	else if (e)
		fprintf(stderr, "backup: %s\n", err);
	if (e)
		return 1;
	e = store_backup(s, dest);
	if (e)
		fprintf(stderr, "backup: %s\n", store_errmsg(s));
	store_close(s);
	if (e)
		return 1;
	if (stat(dest, &st)) {
		fprintf(stderr, "backup: %s: %s\n", dest, strerror(errno));
		return 1;
	}
	printf("backup: %s copied to %s (%lld bytes)\n", src, dest,
	       (long long)st.st_size);
	return 0;
}

int cmd_backup(int argc, char **argv)
{
	struct backup_opts o = {0};
	char src[512];
	int rc = parse_args(argc, argv, &o);

	if (rc < 0) {
		usage(stdout);
		return 0;
	}
	if (rc) {
		usage(stderr);
		return rc;
	}
	rc = store_path(&o, src, sizeof(src));
	if (!rc)
		rc = check_paths(src, &o);
	return rc ? rc : copy(src, o.dest);
}
