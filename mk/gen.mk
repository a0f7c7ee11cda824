# The generated bindings code (crates/gen): every operation, callback kind and utility is
# declared once in the core's table (crates/core/src/ops/table.rs); `make gen` rewrites
# what the bindings derive from it, then the C header and the PHP extension's arginfo.
# `cargo test -p tuma-gen` (part of test-rust) fails when a committed file is stale.

.PHONY: gen gen-check

gen:
	$(CARGO) run -q -p tuma-gen
	$(MAKE) -s header
	$(MAKE) -s php-ext-arginfo

gen-check:
	$(CARGO) run -q -p tuma-gen -- --check
