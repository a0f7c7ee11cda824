# tuma — two commands on a fresh machine:
#   make demo   builds and runs the demo against the embedded sandbox (no credentials)
#   make test   everything: format check, clippy, docs, Rust tests, bindings' tests
#
# Each binding adds its own file under mk/ that appends to TEST_TARGETS (and may add
# installers for the tools it needs). One target/ directory is shared by every step.

SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TERM_COLOR := never
export RUST_BACKTRACE := 1
ROOT := $(abspath .)
TARGET_DIR := $(ROOT)/target

TEST_TARGETS := test-rust

# Debian packages the tests need, installed once (CI machines start clean).
APT_INSTALL = DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends
APT_UPDATED := $(TARGET_DIR)/.apt-updated
$(APT_UPDATED):
	mkdir -p $(TARGET_DIR)
	DEBIAN_FRONTEND=noninteractive apt-get update -q
	touch $@

include $(sort $(wildcard mk/*.mk))

.PHONY: demo test lint fmt-check clippy doc test-rust build deps-redis

demo:
	$(CARGO) run -q -p tuma-cli -- demo

build:
	$(CARGO) build --workspace --all-targets

test: lint $(TEST_TARGETS)
	@echo "make test: all passed"

lint: fmt-check clippy doc

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps -q

deps-redis:
	@command -v redis-server >/dev/null || { $(MAKE) -s $(APT_UPDATED) && $(APT_INSTALL) redis-server; }

test-rust: deps-redis
	$(CARGO) test --workspace -q
