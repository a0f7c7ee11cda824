# What users install (docs/install.md): every artifact built once in the `dist` profile
# (stripped, LTO, one codegen unit) and written to dist/, then installed and smoke-tested the
# way a user would, from the artifact rather than the build tree.
#
#   make dist          dist/python  tuma-X-cp39-abi3-manylinux_2_17_x86_64.whl (zig, glibc
#                                   2.17+) and the sdist tuma-X.tar.gz
#                      dist/node    tuma-X.tgz (JS, loader, types; optionalDependencies on
#                                   @tuma/<platform>) and tuma-linux-x64-gnu-X.tgz (the addon)
#                      dist/c       libtuma-X-x86_64-linux-gnu.tar.gz (libtuma.so.X + symlinks,
#                                   libtuma.a, tuma.h, a relocatable tuma.pc)
#                      dist/php     tuma-X.tgz, the PECL package of the extension
#                      dist/rust    tuma-X.crate and tuma-sandbox-X.crate (`cargo package`)
#   make test-dist     `make dist`, then each artifact installed into a fresh place (venvs,
#                      an empty npm project without Rust on PATH, a temporary prefix, the
#                      PECL tarball built with phpize) and smoke-tested against the sandbox;
#                      ends with every artifact and its size, checked against the limits
#   make install-libtuma [PREFIX=/usr/local] [DESTDIR=]   libtuma.so.X with its SONAME and
#                      symlinks, libtuma.a, tuma.h, tuma.pc (a `dist` build)
#   make uninstall [PREFIX=/usr/local] [DESTDIR=]        removes them again
#
# One cargo run builds libtuma and the Node addon together (they share every dependency);
# the wheel is a second build (zig as C compiler and linker, its own target directory under
# target/). Not part of `make test`. Needs, besides the toolchains, php8.2-dev and php-pear
# (installed from Debian when missing) and the registries (PyPI, npm, crates.io).

DIST_DIR := $(ROOT)/dist
DIST_WORK := $(TARGET_DIR)/dist-work
DIST_TEST := $(TARGET_DIR)/dist-test
DIST_TOOLS := $(TARGET_DIR)/dist-tools
DIST_TOOLS_REQS := tests/dist/requirements.txt
# maturin --zig sets its own C compiler for the same triple: a target directory of its own
# keeps it from rebuilding crates that other builds compiled with the system's cc.
DIST_ZIG_TARGET_DIR := $(TARGET_DIR)/dist-zig
# pip builds the sdist in a temporary directory; cargo's output stays here between runs.
DIST_SDIST_TARGET_DIR := $(TARGET_DIR)/dist-sdist
DIST_VERSION := $(shell sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
DIST_SOMAJOR := $(firstword $(subst ., ,$(DIST_VERSION)))
DIST_TRIPLE := x86_64-unknown-linux-gnu
DIST_NODE_ABI := linux-x64-gnu
DIST_C_NAME := libtuma-$(DIST_VERSION)-x86_64-linux-gnu
# The packages of the one native cargo run (see above); `make install-libtuma` alone builds
# just libtuma, and `make test-dist` passes this list so that nothing is linked twice.
DIST_NATIVE := $(CARGO) build --profile dist -p tuma-ffi -p tuma-node
LIBTUMA_BUILD ?= $(CARGO) build --profile dist -p tuma-ffi
PREFIX ?= /usr/local
DESTDIR ?=
# Limits of the issue, in bytes (1 MB = 1,000,000 bytes).
DIST_MAX_WHEEL := 4000000
DIST_MAX_NODE_UNPACKED := 5000000
DIST_MAX_LIBTUMA := 5000000

.PHONY: dist dist-native dist-python dist-node dist-c dist-php dist-rust dist-tools \
  dist-php-tools dist-sizes test-dist install-libtuma uninstall

dist: dist-python dist-node dist-c dist-php dist-rust
	@$(MAKE) -s --no-print-directory dist-sizes

$(DIST_TOOLS)/.stamp: $(DIST_TOOLS_REQS)
	rm -rf $(DIST_TOOLS)
	$(PYTHON) -m venv $(DIST_TOOLS)
	$(DIST_TOOLS)/bin/pip install -q --disable-pip-version-check -r $(DIST_TOOLS_REQS)
	touch $@

dist-tools: $(DIST_TOOLS)/.stamp

# pecl (php-pear) and phpize (php8.2-dev), from Debian when missing.
dist-php-tools:
	@missing=""; \
	command -v pecl >/dev/null || missing="$$missing php-pear"; \
	command -v phpize >/dev/null || missing="$$missing php8.2-dev"; \
	command -v php >/dev/null || missing="$$missing php8.2-cli"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(APT_INSTALL) $$missing || { DEBIAN_FRONTEND=noninteractive apt-get update -q && $(APT_INSTALL) $$missing; }; \
	fi

# --- the wheel and the sdist --------------------------------------------------------------
dist-python: dist-tools
	rm -rf $(DIST_DIR)/python && mkdir -p $(DIST_DIR)/python
	PATH=$(DIST_TOOLS)/bin:$$PATH CARGO_TARGET_DIR=$(DIST_ZIG_TARGET_DIR) $(DIST_TOOLS)/bin/maturin build -q \
	  -m crates/python/Cargo.toml --profile dist --zig --compatibility manylinux2014 \
	  --target $(DIST_TRIPLE) --out $(DIST_DIR)/python
	$(DIST_TOOLS)/bin/maturin sdist -m crates/python/Cargo.toml --out $(DIST_DIR)/python

# --- libtuma and the Node addon: one cargo run ----------------------------------------------
dist-native:
	$(DIST_NATIVE)

# The napi-rs layout: crates/node/npm/<platform>/ are the platform packages (all declared,
# the host's built), tests/dist/npm-stage.js lays them out with the main package and packs.
dist-node: dist-native
	rm -rf $(DIST_DIR)/node && mkdir -p $(DIST_WORK)
	node tests/dist/npm-stage.js $(NODE_DIR) $(DIST_WORK)/npm $(DIST_DIR)/node \
	  $(DIST_NODE_ABI)=$(TARGET_DIR)/dist/libtuma_node.so > $(DIST_WORK)/npm-pack.jsonl
	@sed 's/"files".*//' $(DIST_WORK)/npm-pack.jsonl

# $(1): directory holding libtuma.so/.a; $(2): installation prefix (with DESTDIR);
# $(3): the prefix written into tuma.pc.
define libtuma_install
	install -d $(2)/lib/pkgconfig $(2)/include
	install -m 644 include/tuma.h $(2)/include/tuma.h
	install -m 755 $(1)/libtuma.so $(2)/lib/libtuma.so.$(DIST_VERSION)
	ln -sfn libtuma.so.$(DIST_VERSION) $(2)/lib/libtuma.so.$(DIST_SOMAJOR)
	ln -sfn libtuma.so.$(DIST_SOMAJOR) $(2)/lib/libtuma.so
	install -m 644 $(1)/libtuma.a $(2)/lib/libtuma.a
	sed -e 's|@PREFIX@|$(3)|' -e 's|@VERSION@|$(DIST_VERSION)|' crates/ffi/tuma.pc.in > $(2)/lib/pkgconfig/tuma.pc
	chmod 644 $(2)/lib/pkgconfig/tuma.pc
endef

# The prebuilt tarball: unpack anywhere; tuma.pc finds its prefix from its own place.
dist-c: dist-native
	rm -rf $(DIST_DIR)/c $(DIST_WORK)/c && mkdir -p $(DIST_DIR)/c
	$(call libtuma_install,$(TARGET_DIR)/dist,$(DIST_WORK)/c/$(DIST_C_NAME),$${pcfiledir}/../..)
	tar -C $(DIST_WORK)/c --owner=0 --group=0 --numeric-owner -czf $(DIST_DIR)/c/$(DIST_C_NAME).tar.gz $(DIST_C_NAME)

install-libtuma:
	$(LIBTUMA_BUILD)
	$(call libtuma_install,$(TARGET_DIR)/dist,$(DESTDIR)$(PREFIX),$(PREFIX))
	@# A system prefix: refresh the dynamic linker's cache.
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null && \
	  { [ "$(PREFIX)" = /usr/local ] || [ "$(PREFIX)" = /usr ]; }; then ldconfig; fi
	@echo "installed libtuma $(DIST_VERSION) into $(DESTDIR)$(PREFIX)"

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/include/tuma.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/tuma.pc \
	  $(DESTDIR)$(PREFIX)/lib/libtuma.a $(DESTDIR)$(PREFIX)/lib/libtuma.so \
	  $(DESTDIR)$(PREFIX)/lib/libtuma.so.$(DIST_SOMAJOR) $(DESTDIR)$(PREFIX)/lib/libtuma.so.$(DIST_VERSION)
	-rmdir $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include 2>/dev/null
	@echo "removed libtuma $(DIST_VERSION) from $(DESTDIR)$(PREFIX)"

# --- the PECL package -----------------------------------------------------------------------
dist-php: dist-php-tools
	rm -rf $(DIST_DIR)/php $(DIST_WORK)/pecl && mkdir -p $(DIST_DIR)/php $(DIST_WORK)/pecl
	@# pecl warns when package.xml's release date is not today: expected between releases.
	set -o pipefail; cd $(DIST_WORK)/pecl && pecl package $(ROOT)/bindings/php-ext/package.xml \
	  | { grep -v '^Warning: Channel validator warning: field "date"' || true; }
	mv $(DIST_WORK)/pecl/tuma-$(DIST_VERSION).tgz $(DIST_DIR)/php/

# --- the crates -----------------------------------------------------------------------------
# tuma-sandbox is a dev-dependency of tuma (with a version): packaged together, cargo checks
# the pair against crates.io plus each other, and builds the packaged sources.
dist-rust:
	rm -rf $(DIST_DIR)/rust && mkdir -p $(DIST_DIR)/rust
	$(CARGO) package -q -p tuma -p tuma-sandbox --allow-dirty
	cp $(TARGET_DIR)/package/tuma-$(DIST_VERSION).crate $(TARGET_DIR)/package/tuma-sandbox-$(DIST_VERSION).crate $(DIST_DIR)/rust/

# --- sizes ----------------------------------------------------------------------------------
dist-sizes:
	@DIST_DIR=$(DIST_DIR) WORK=$(DIST_WORK) VERSION=$(DIST_VERSION) NODE_ABI=$(DIST_NODE_ABI) \
	  MAX_WHEEL=$(DIST_MAX_WHEEL) MAX_NODE_UNPACKED=$(DIST_MAX_NODE_UNPACKED) MAX_LIBTUMA=$(DIST_MAX_LIBTUMA) \
	  bash tests/dist/sizes.sh

# --- installed and smoke-tested -------------------------------------------------------------
test-dist: dist
	$(CARGO) build -q -p tuma-sandbox
	@echo "== C: make install-libtuma / uninstall, readelf, the README's example"
	ROOT=$(ROOT) DIST_DIR=$(DIST_DIR) WORK=$(DIST_TEST)/c VERSION=$(DIST_VERSION) MAKE="$(MAKE)" \
	  LIBTUMA_BUILD="$(DIST_NATIVE)" SANDBOX=$(TARGET_DIR)/debug/tuma-sandbox bash tests/dist/test-c.sh
	@echo "== PHP: the extension from the PECL package"
	ROOT=$(ROOT) DIST_DIR=$(DIST_DIR) WORK=$(DIST_TEST)/php VERSION=$(DIST_VERSION) \
	  LIBTUMA_PREFIX=$(DIST_TEST)/c/prefix SANDBOX=$(TARGET_DIR)/debug/tuma-sandbox bash tests/dist/test-php.sh
	@echo "== Python: the wheel and the sdist"
	ROOT=$(ROOT) DIST_DIR=$(DIST_DIR) WORK=$(DIST_TEST)/python VERSION=$(DIST_VERSION) PYTHON=$(PYTHON) \
	  TOOLS=$(DIST_TOOLS) SDIST_TARGET_DIR=$(DIST_SDIST_TARGET_DIR) SANDBOX=$(TARGET_DIR)/debug/tuma-sandbox \
	  bash tests/dist/test-python.sh
	@echo "== Node: the npm tarballs"
	ROOT=$(ROOT) DIST_DIR=$(DIST_DIR) WORK=$(DIST_TEST)/node VERSION=$(DIST_VERSION) NODE_ABI=$(DIST_NODE_ABI) \
	  TSC_VERSION=$$(node -p 'require("./$(NODE_DIR)/package.json").devDependencies.typescript') \
	  TYPES_NODE_VERSION=$$(node -p 'require("./$(NODE_DIR)/package.json").devDependencies["@types/node"]') \
	  SANDBOX=$(TARGET_DIR)/debug/tuma-sandbox bash tests/dist/test-node.sh
	@echo "== Rust: the packaged crates"
	ROOT=$(ROOT) DIST_DIR=$(DIST_DIR) VERSION=$(DIST_VERSION) bash tests/dist/test-rust.sh
	@echo "== artifacts"
	@$(MAKE) -s --no-print-directory dist-sizes
	@echo "make test-dist: all passed"
