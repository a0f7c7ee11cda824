# Fuzzing with cargo-fuzz (libFuzzer): the phone parser, every callback parser, every
# decoder of provider answers, the JSON entry points of the bindings, and libtuma's C
# entry points through their extern "C" signatures (c_abi_client, c_abi_callbacks,
# c_abi_utilities: NULL pointers, invalid UTF-8, huge and deeply nested JSON; each first
# runs its fixed edge cases, in under two seconds).
#
#   make test-fuzz                 each target for FUZZ_SMOKE_SECONDS (part of make test)
#   make fuzz [FUZZ_SECONDS=300]   each target for longer
#
# cargo-fuzz needs nightly-only flags (-Z sanitizer); the one stable toolchain of this
# machine accepts them with RUSTC_BOOTSTRAP=1, which is set only for these commands.

FUZZ_TOOLS := $(TARGET_DIR)/tools
CARGO_FUZZ := $(FUZZ_TOOLS)/bin/cargo-fuzz
FUZZ_TARGETS := phone callbacks answers json_entry_points c_abi_client c_abi_callbacks c_abi_utilities
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_SECONDS ?= 300
FUZZ_RUN = cd fuzz && RUSTC_BOOTSTRAP=1 $(CARGO_FUZZ)

TEST_TARGETS += test-fuzz

.PHONY: test-fuzz fuzz fuzz-build

$(CARGO_FUZZ):
	$(CARGO) install -q cargo-fuzz --version 0.13.1 --locked --root $(FUZZ_TOOLS)

fuzz-build: $(CARGO_FUZZ)
	$(FUZZ_RUN) build

test-fuzz: fuzz-build
	@set -o pipefail; for t in $(FUZZ_TARGETS); do \
	  echo "fuzz $$t for $(FUZZ_SMOKE_SECONDS) s"; \
	  ( $(FUZZ_RUN) run $$t -- -max_total_time=$(FUZZ_SMOKE_SECONDS) -rss_limit_mb=2048 ) 2>&1 | tail -n 4 \
	    || { echo "fuzz target $$t failed"; exit 1; }; \
	done

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_RUN) run $$t -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 || exit 1; \
	done
