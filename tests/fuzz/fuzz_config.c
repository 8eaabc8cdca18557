/*
 * fuzz_config.c - libFuzzer target: any bytes through config_parse().
 * Nothing may crash, hang or leak (the build runs under ASan); a crash
 * found here becomes a vector in tests/fuzz/corpus/config/.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_errors errs = {0};
	struct config *cfg = NULL;
	if (!config_parse((const char *)data, size, "fuzz.yaml", &cfg, &errs))
		config_free(cfg);
	config_errors_free(&errs);
	return 0;
}
