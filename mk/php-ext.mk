# Native PHP extension over libtuma (bindings/php-ext), libtuma linked statically.
#
#   make test-php-ext      builds libtuma (debug artifacts) and the extension with phpize, runs
#                          the .phpt suite against the sandbox, the suite again under valgrind
#                          (USE_ZEND_ALLOC=0, zero bytes definitely lost, no memory errors),
#                          then the end-to-end shop test (php -S serving a callback receiver)
#   make php-ext-arginfo   regenerates bindings/php-ext/tuma_arginfo.h from tuma.stub.php
#                          with PHP's own build/gen_stub.php
#   make bench-php-ext     extension vs the FFI wrapper (bindings/php), calls/s
#
# Everything is built under $(TARGET_DIR)/php-ext; the source tree is left untouched.

TEST_TARGETS += test-php-ext

PHPEXT_SRC := bindings/php-ext
PHPEXT_DIR := $(TARGET_DIR)/php-ext
PHPEXT_PREFIX := $(PHPEXT_DIR)/prefix
PHPEXT_BUILD := $(PHPEXT_DIR)/build
PHPEXT_SO := $(PHPEXT_BUILD)/modules/tuma.so
PHPEXT_FILES := config.m4 tuma.c php_tuma.h tuma_arginfo.h tuma.stub.php
PHPEXT_CFLAGS := -g -O2 -Wall -Wextra -Wno-unused-parameter -Werror
PHPEXT_APT := php8.2-dev php8.2-cli valgrind
# PHP's own test runner, shipped by php8.2-dev next to phpize's build files.
PHPEXT_RUN_TESTS = php -n $$(php-config --extension-dir)/build/run-tests.php -P -n -q --show-diff \
  -d extension=$(PHPEXT_SO)
# tests/c/valgrind.supp: what a forked child (088_fork.phpt) inherits and leaves alone.
PHPEXT_VALGRIND_OPTS := --show-leak-kinds=definite --errors-for-leak-kinds=definite --num-callers=30 \
  --suppressions=$(ROOT)/tests/c/valgrind.supp

.PHONY: php-ext-tools php-ext-build test-php-ext php-ext-phpt php-ext-valgrind php-ext-e2e \
  php-ext-arginfo bench-php-ext

# Debian's php8.2-dev (phpize, headers, run-tests.php, gen_stub.php), php8.2-cli and valgrind.
php-ext-tools:
	@missing=""; \
	command -v phpize >/dev/null || missing="$$missing php8.2-dev"; \
	command -v php >/dev/null || missing="$$missing php8.2-cli"; \
	command -v valgrind >/dev/null || missing="$$missing valgrind"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(APT_INSTALL) $$missing || { DEBIAN_FRONTEND=noninteractive apt-get update -q && $(APT_INSTALL) $$missing; }; \
	fi

php-ext-build: ffi-tools php-ext-tools ffi-build
	@# tuma_arginfo.h records the SHA-1 of the stub it was generated from (gen_stub.php's own check).
	@test "$$(sha1sum < $(PHPEXT_SRC)/tuma.stub.php | cut -d' ' -f1)" = \
	  "$$(sed -n 's/^ \* Stub hash: \([0-9a-f]*\).*/\1/p' $(PHPEXT_SRC)/tuma_arginfo.h)" || \
	  { echo "bindings/php-ext/tuma_arginfo.h is stale: run 'make php-ext-arginfo'"; exit 1; }
	@# package.xml (PECL) lists every test.
	@for t in $(PHPEXT_SRC)/tests/*.phpt; do grep -q "name=\"$$(basename $$t)\"" $(PHPEXT_SRC)/package.xml || \
	  { echo "$$t is missing from bindings/php-ext/package.xml"; exit 1; }; done
	rm -rf $(PHPEXT_DIR)
	mkdir -p $(PHPEXT_BUILD)
	$(call tuma_install,$(TARGET_DIR)/debug,$(PHPEXT_PREFIX),$(PHPEXT_PREFIX))
	cp $(addprefix $(PHPEXT_SRC)/,$(PHPEXT_FILES)) $(PHPEXT_BUILD)/
	cd $(PHPEXT_BUILD) && phpize >/dev/null && ./configure -q --with-tuma=$(PHPEXT_PREFIX)
	$(MAKE) -s -C $(PHPEXT_BUILD) CFLAGS="$(PHPEXT_CFLAGS)" >/dev/null
	@# Static: the extension needs no libtuma.so at run time.
	! ldd $(PHPEXT_SO) | grep -q libtuma
	php -n -d extension=$(PHPEXT_SO) -r 'exit(extension_loaded("tuma") ? 0 : 1);'

test-php-ext: php-ext-build deps-redis
	$(MAKE) -s php-ext-phpt php-ext-valgrind php-ext-e2e

# $(1): extra run-tests.php options; $(2): log file; $(3): environment. Fails unless every
# test passed (none failed, skipped, leaked or borked) and there are at least 30.
define phpext_phpt
	rm -rf $(PHPEXT_BUILD)/tests && cp -r $(PHPEXT_SRC)/tests $(PHPEXT_BUILD)/tests
	set -o pipefail; $(3) TUMA_ROOT=$(ROOT) REPORT_EXIT_STATUS=1 $(SANDBOX_REDIS_RUN) \
	  $(PHPEXT_RUN_TESTS) $(1) $(PHPEXT_BUILD)/tests 2>&1 | tee $(2) | grep -v '^TEST [0-9]*/[0-9]* \[.*PASS' | tail -n 60
	@n=$$(sed -n 's/^Number of tests : *\([0-9]*\).*/\1/p' $(2)); \
	p=$$(sed -n 's/^Tests passed *: *\([0-9]*\).*/\1/p' $(2)); \
	echo "php-ext phpt$(if $(1), ($(1)),): $$p passed, $$((n - p)) failed"; \
	test -n "$$n" && test "$$n" -ge 30 && test "$$n" = "$$p"
endef

php-ext-phpt:
	$(call phpext_phpt,,$(PHPEXT_DIR)/phpt.log)

# The whole suite under valgrind (run-tests.php -m sets USE_ZEND_ALLOC=0 and
# ZEND_DONT_UNLOAD_MODULES=1): a test with a definite leak or a memory error is LEAK.
# PCRE's JIT is off: valgrind cannot see into its generated code and reports false
# "uninitialised value" errors there.
php-ext-valgrind:
	$(call phpext_phpt,-m -d pcre.jit=0,$(PHPEXT_DIR)/valgrind.log,USE_ZEND_ALLOC=0 VALGRIND_OPTS="$(PHPEXT_VALGRIND_OPTS)")

php-ext-e2e:
	$(SANDBOX_RUN) env TUMA_EXT=$(PHPEXT_SO) php -n -d extension=$(PHPEXT_SO) $(PHPEXT_SRC)/e2e/shop_test.php

# gen_stub.php needs nikic/PHP-Parser 4.x; Debian's php-parser provides it (no download).
php-ext-arginfo: php-ext-tools
	@[ -d /usr/share/php/PhpParser ] || $(APT_INSTALL) php-parser || \
	  { DEBIAN_FRONTEND=noninteractive apt-get update -q && $(APT_INSTALL) php-parser; }
	rm -rf $(PHPEXT_DIR)/gen-stub && mkdir -p $(PHPEXT_DIR)/gen-stub
	cp $$(php-config --extension-dir)/build/gen_stub.php $(PHPEXT_DIR)/gen-stub/
	v=$$(sed -n 's/.*\$$version = "\(4[0-9.]*\)";.*/\1/p' $(PHPEXT_DIR)/gen-stub/gen_stub.php); \
	mkdir -p $(PHPEXT_DIR)/gen-stub/PHP-Parser-$$v && ln -s /usr/share/php $(PHPEXT_DIR)/gen-stub/PHP-Parser-$$v/lib
	php $(PHPEXT_DIR)/gen-stub/gen_stub.php $(PHPEXT_SRC)/tuma.stub.php

bench-php-ext: php-ext-build
	TUMA_LIB=$(TARGET_DIR)/debug/libtuma.so TUMA_EXT=$(PHPEXT_SO) $(SANDBOX_RUN) \
	  php -n $(PHPEXT_SRC)/bench/compare.php
