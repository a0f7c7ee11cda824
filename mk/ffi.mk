# libtuma (crates/ffi): C ABI, header, pkg-config, C tests and the PHP FFI wrapper.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]   libtuma.so.X (SONAME libtuma.so.0) and its
#                                                 symlinks, libtuma.a, tuma.h, tuma.pc: a `dist`
#                                                 build (mk/dist.mk, install-libtuma)
#   make uninstall [PREFIX=/usr/local] [DESTDIR=] removes them (mk/dist.mk)
#   make header                                   regenerate include/tuma.h (+ PHP variant)
#   make test-c                                   C tests (dynamic + static, valgrind, ASan, C++)
#   make test-php                                 PHP FFI wrapper tests (lifecycle under valgrind)
#
# The C and PHP tests use the debug artifacts in $(TARGET_DIR)/debug (no release build).

TEST_TARGETS += test-c test-php

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CXX ?= g++
PKG_CONFIG ?= pkg-config
FFI_SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
TUMA_VERSION := $(shell sed -n 's/^\#define TUMA_VERSION "\(.*\)"/\1/p' include/tuma.h)

C_BUILD := $(TARGET_DIR)/c-tests
C_PREFIX := $(C_BUILD)/prefix
C_WARN := -std=c11 -Wall -Wextra -Wpedantic -Werror -g
CXX_WARN := -std=c++17 -Wall -Wextra -Wpedantic -Werror -g
C_PKG := PKG_CONFIG_PATH=$(C_PREFIX)/lib/pkgconfig $(PKG_CONFIG)
VALGRIND := valgrind --quiet --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite --error-exitcode=1 \
  --num-callers=30 --suppressions=tests/c/valgrind.supp
SANDBOX_RUN := tests/c/run.sh $(TARGET_DIR)/debug/tuma-sandbox
# The sandbox and a private redis-server (TUMA_TEST_REDIS_URL), for the fork tests.
SANDBOX_REDIS_RUN := tests/c/with_redis.sh $(SANDBOX_RUN)

.PHONY: install header ffi-tools ffi-build test-c test-php

# $(1): directory holding libtuma.so/.a; $(2): installation prefix (with DESTDIR).
# $(3): prefix written into tuma.pc.
define tuma_install
	install -d $(2)/lib/pkgconfig $(2)/include
	install -m 644 include/tuma.h $(2)/include/tuma.h
	install -m 755 $(1)/libtuma.so $(2)/lib/libtuma.so
	install -m 644 $(1)/libtuma.a $(2)/lib/libtuma.a
	sed -e 's|@PREFIX@|$(3)|' -e 's|@VERSION@|$(TUMA_VERSION)|' crates/ffi/tuma.pc.in > $(2)/lib/pkgconfig/tuma.pc
endef

install: install-libtuma

header:
	TUMA_UPDATE_HEADER=1 $(CARGO) test -q -p tuma-ffi --lib header

# Tools the C and PHP tests need, installed from Debian when missing.
ffi-tools:
	@missing=""; \
	command -v $(CC) >/dev/null || missing="$$missing gcc"; \
	command -v $(CXX) >/dev/null || missing="$$missing g++"; \
	command -v valgrind >/dev/null || missing="$$missing valgrind"; \
	command -v php >/dev/null || missing="$$missing php8.2-cli"; \
	command -v $(PKG_CONFIG) >/dev/null || missing="$$missing pkg-config"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(FFI_SUDO) apt-get update -q && \
	  $(FFI_SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

ffi-build:
	$(CARGO) build -p tuma-ffi -p tuma-sandbox

test-c: ffi-tools ffi-build deps-redis
	rm -rf $(C_BUILD)
	$(call tuma_install,$(TARGET_DIR)/debug,$(C_PREFIX),$(C_PREFIX))
	$(C_PKG) --exists --print-errors 'tuma = $(TUMA_VERSION)'
	$(CC) $(C_WARN) -o $(C_BUILD)/test_tuma_dynamic tests/c/test_tuma.c \
	  $$($(C_PKG) --cflags --libs tuma) -lpthread -Wl,-rpath,$(C_PREFIX)/lib
	$(CC) $(C_WARN) -o $(C_BUILD)/test_tuma_static tests/c/test_tuma.c \
	  $$($(C_PKG) --cflags tuma) -L$(C_PREFIX)/lib -Wl,-Bstatic -ltuma -Wl,-Bdynamic \
	  $$($(C_PKG) --static --libs-only-l tuma | sed 's/-ltuma\b//')
	! ldd $(C_BUILD)/test_tuma_static | grep -q libtuma
	$(CXX) $(CXX_WARN) -o $(C_BUILD)/header_cxx tests/c/header_cxx.cpp \
	  $$($(C_PKG) --cflags --libs tuma) -Wl,-rpath,$(C_PREFIX)/lib
	$(C_BUILD)/header_cxx
	# Under valgrind (threads run one at a time) 100 threads share a handle, not 1,000.
	TUMA_C_MANY_THREADS=100 $(SANDBOX_REDIS_RUN) $(VALGRIND) $(C_BUILD)/test_tuma_dynamic
	TUMA_C_MANY_THREADS=100 $(SANDBOX_REDIS_RUN) $(VALGRIND) $(C_BUILD)/test_tuma_static
	$(CC) $(C_WARN) -fsanitize=address,undefined -fno-omit-frame-pointer -o $(C_BUILD)/test_tuma_asan \
	  tests/c/test_tuma.c $$($(C_PKG) --cflags tuma) -L$(C_PREFIX)/lib -Wl,-Bstatic -ltuma -Wl,-Bdynamic \
	  $$($(C_PKG) --static --libs-only-l tuma | sed 's/-ltuma\b//')
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
	  $(SANDBOX_REDIS_RUN) $(C_BUILD)/test_tuma_asan

test-php: ffi-tools ffi-build deps-redis
	TUMA_LIB=$(TARGET_DIR)/debug/libtuma.so $(SANDBOX_REDIS_RUN) php -d ffi.enable=1 bindings/php/tests/run.php
	TUMA_LIB=$(TARGET_DIR)/debug/libtuma.so USE_ZEND_ALLOC=0 $(SANDBOX_REDIS_RUN) \
	  $(VALGRIND) php -d ffi.enable=1 -d opcache.enable_cli=0 bindings/php/tests/lifecycle.php
	TUMA_LIB=$(TARGET_DIR)/debug/libtuma.so $(SANDBOX_RUN) tests/php/fleet.sh
