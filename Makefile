# Two commands for a fresh Debian 12 machine: `make run` and `make check`.
# Everything else here is a step of those two.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CONFIG     ?= examples/demo.yaml

.PHONY: all deps build run check test asan fuzz format check-format bench bench-voice bench-store clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@mkdir -p var
	$(BUILD)/centralino run --config $(CONFIG)

test: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug \
		-DCENTRALINO_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -L unit
	# the daemon too, with real SIP and HTTP peers: memory errors and
	# leaks fail
	ctest --test-dir $(ASAN_BUILD) --output-on-failure \
		-R 'integration/(voice_|web_(agent_gone|login|members|tls|webhook|openapi))'

fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug \
		-DCENTRALINO_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@scripts/run-fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

check-format:
	@scripts/check-format

format:
	@clang-format -i --style=file $$(git ls-files '*.c' '*.h')

check: check-format test asan fuzz
	@echo "make check: all passed"

bench: build
	@bench/routing.sh $(BUILD)/centralino

bench-voice: build
	@bench/voice.sh $(BUILD)/centralino

bench-store: build
	@bench/store.sh $(BUILD)/centralino

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
