/*
 * fuzz_scenario.c - libFuzzer target: any bytes as a simulation scenario,
 * through sim_scenario_load() and, when that succeeds, through
 * sim_scenario_setup() against a fresh simulator.
 *
 * A scenario names its configuration by path, and there is no entry point
 * that parses one from memory. So a directory under /tmp is made once, at
 * start, with a small valid configuration (config.yaml: two tenants that
 * both have a queue "sales", so the ambiguous-queue path is reachable),
 * and each run rewrites scenario.yaml next to it; both go at exit (a
 * crash leaves them behind, a few hundred bytes). Making and removing the
 * files on every run was rejected: the file system then took most of the
 * time. Nothing carries over from one run to the next but these two
 * constant paths.
 *
 * Inputs with '/' or '\' are skipped: they could point `config:`
 * (directly, or through a YAML escape) at any file on the machine,
 * /dev/stdin included, and a fuzzer that blocks or reads the whole disk
 * finds nothing. The scenario parser still sees every other byte.
 * Nothing may crash, hang or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "centralino/sim.h"
#include "core/config.h"

#define INPUT_MAX (64u * 1024)

static const char config_yaml[] =
    "tenants:\n"
    "  - name: shop\n"
    "  - name: bank\n"
    "skills: [language-it, billing]\n"
    "queues:\n"
    "  - {name: sales, tenant: shop}\n"
    "  - {name: sales, tenant: bank}\n"
    "  - {name: support, tenant: shop}\n"
    "agents:\n"
    "  - {name: a1, tenant: shop, skills: {language-it: 3},"
    " queues: [sales, support]}\n"
    "  - {name: b1, tenant: bank, skills: {billing: 2}, queues: [sales]}\n";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int file_write(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f)
		return -1;
	if (len && fwrite(buf, 1, len, f) != len)
		err = -1;
	if (fclose(f))
		err = -1;
	return err;
}

/* Load the scenario, and set a simulator up from it when it loads. */
static void scenario_try(const char *path)
{
	struct config_errors errs = {0};
	struct sim_scenario *sc = NULL;
	struct sim_params p = {0};
	struct sim *sim = NULL;

	if (!sim_scenario_load(path, &sc, &errs) && !sim_alloc(&sim, 1))
		sim_scenario_setup(sc, sim, &p, &errs);
	sim_free(sim);
	sim_scenario_free(sc);
	config_errors_free(&errs);
}

static char dir[] = "/tmp/fuzz_scenario.XXXXXX";
static char config[64], scenario[64];

static void files_remove(void)
{
	unlink(scenario);
	unlink(config);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (!mkdtemp(dir))
		abort(); /* a broken /tmp would hide every finding */
	snprintf(config, sizeof(config), "%s/config.yaml", dir);
	snprintf(scenario, sizeof(scenario), "%s/scenario.yaml", dir);
	atexit(files_remove);
	if (file_write(config, config_yaml, sizeof(config_yaml) - 1))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > INPUT_MAX || memchr(data, '/', size) ||
	    memchr(data, '\\', size))
		return -1; /* not added to the corpus */
	if (file_write(scenario, data, size))
		abort();
	scenario_try(scenario);
	return 0;
}
