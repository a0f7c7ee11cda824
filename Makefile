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

include $(sort $(wildcard mk/*.mk))

.PHONY: demo test lint fmt-check clippy doc test-rust build

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

test-rust:
	$(CARGO) test --workspace -q
