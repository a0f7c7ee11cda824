# Benchmarks (issue 12): `make bench` builds release artifacts, installs the pinned peers
# into throwaway places (a venv under target/, bench/node/node_modules), runs every
# benchmark in bench/ and writes BENCHMARKS.md. A few minutes; not part of `make test`.
#
#   make bench              the full suite (5 rounds for in-process Rust figures, 3 otherwise)
#   make bench BENCH_ARGS=--quick    a quarter of the calls, for a smoke run
#   make bench-only BENCH_ONLY=1,inflight [BENCH_OUT=/tmp/b.md]
#                           some sections only (1…9, inflight, store), written to BENCH_OUT
#
# Needs cc, redis-server (apt), python3 with venv, node and npm.

BENCH_DIR := $(TARGET_DIR)/bench
BENCH_VENV := $(BENCH_DIR)/venv
BENCH_WHEELS := $(BENCH_DIR)/wheels
BENCH_ADDON_DIR := $(BENCH_DIR)/node-addon
BENCH_ARGS ?=
BENCH_ONLY ?= inflight
BENCH_OUT ?= $(BENCH_DIR)/only.md

.PHONY: bench bench-only bench-build bench-c bench-python bench-node

bench-build:
	$(CARGO) build -q --release -p tuma-bench -p tuma-ffi

bench-c: bench-build
	mkdir -p $(BENCH_DIR)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -o $(BENCH_DIR)/c-bench bench/c/bench.c \
	  -Iinclude -L$(TARGET_DIR)/release -ltuma -lpthread -Wl,-rpath,$(TARGET_DIR)/release

# A release abi3 wheel (the tests use a dev build) plus the pinned peers, in a fresh venv.
# (python.mk is read after this file: its variables are only used inside recipes.)
bench-python:
	$(MAKE) -s $(PY_TOOLS)/.stamp
	rm -rf $(BENCH_VENV) $(BENCH_WHEELS)
	CARGO_TARGET_DIR=$(TARGET_DIR) $(PY_TOOLS)/bin/maturin build -q --release \
	  -m crates/python/Cargo.toml --out $(BENCH_WHEELS)
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install -q --disable-pip-version-check \
	  -r bench/python/requirements.txt $(BENCH_WHEELS)/tuma-*.whl

# The release addon goes to its own directory: crates/node keeps the debug build the tests use.
bench-node: node-install
	cd bench/node && { $(NPM) ci --no-audit --no-fund --loglevel=error \
	  || $(NPM) install --no-save --no-audit --no-fund --loglevel=error; }
	rm -rf $(BENCH_ADDON_DIR)
	cd $(NODE_DIR) && ./node_modules/.bin/napi build --platform --release \
	  --target-dir $(TARGET_DIR) --output-dir $(BENCH_ADDON_DIR)

bench: deps-redis bench-c bench-python bench-node
	$(TARGET_DIR)/release/tuma-bench run --out $(ROOT)/BENCHMARKS.md \
	  --c-bench $(BENCH_DIR)/c-bench \
	  --python $(BENCH_VENV)/bin/python \
	  --node $$(command -v node) --node-addon $$(ls $(BENCH_ADDON_DIR)/*.node) \
	  --command "make bench$(if $(BENCH_ARGS), BENCH_ARGS='$(BENCH_ARGS)')" $(BENCH_ARGS)

bench-only: deps-redis bench-c bench-python bench-node
	$(TARGET_DIR)/release/tuma-bench run --only $(BENCH_ONLY) --out $(BENCH_OUT) \
	  --c-bench $(BENCH_DIR)/c-bench \
	  --python $(BENCH_VENV)/bin/python \
	  --node $$(command -v node) --node-addon $$(ls $(BENCH_ADDON_DIR)/*.node) \
	  --command "make bench-only BENCH_ONLY=$(BENCH_ONLY)" $(BENCH_ARGS)
	@echo "bench: wrote $(BENCH_OUT)"
