# Thin wrapper over Meson + Ninja. `make` builds ./build/crm and the web UI;
# `make run` also installs what is missing and starts a demo server;
# `make test` runs the whole suite (see docs/TESTING.md).

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DB         ?= var/crm.db
LISTEN     ?= 127.0.0.1:8080
# The Maven sales dataset `make run` imports with the demo data when it is there.
MAVEN_DIR  ?= ../shared/datasets/maven-crm-sales-opportunities

.PHONY: all deps build web run test test-fast bench fuzz format check-format clean

all: build web

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

web:
	@if [ -f web/package.json ]; then cd web && ( [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error ) && npx vite build --logLevel warn; fi

run: deps all
	@mkdir -p $(dir $(DB))
	./$(BUILD)/crm serve --db $(DB) --listen $(LISTEN) --static-dir web/dist --demo \
		$(if $(wildcard $(MAVEN_DIR)/sales_pipeline.csv),--demo-maven $(MAVEN_DIR))

test:
	@scripts/deps.sh test
	@scripts/test.sh

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build
	@bench/run.sh

fuzz:
	@scripts/deps.sh test
	@scripts/fuzz.sh

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'fuzz/*.c' 'bench/*.c')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) web/dist
