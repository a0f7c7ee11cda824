# Python binding (crates/python, import name `tuma`): builds the abi3 wheel with maturin,
# installs it into a fresh venv as a user would, then runs pytest against the sandbox,
# mypy --strict on an example that uses every method, and stubtest on the stubs.
#
# The wheel is a dev-profile build in the shared $(TARGET_DIR): it reuses the core and its
# dependencies compiled by `cargo build`/`cargo test`, so only pyo3 and the binding crate
# are compiled again (maturin changes pyo3's build environment).

PYTHON ?= python3
PY_TOOLS := $(TARGET_DIR)/python-tools
PY_TEST_VENV := $(TARGET_DIR)/python-test-venv
PY_WHEELS := $(TARGET_DIR)/wheels
PY_BUILD_REQS := crates/python/requirements-build.txt
PY_TEST_REQS := tests/python/requirements.txt
export MYPY_CACHE_DIR := $(TARGET_DIR)/mypy-cache

TEST_TARGETS += test-python

.PHONY: test-python python-wheel

$(PY_TOOLS)/.stamp: $(PY_BUILD_REQS)
	rm -rf $(PY_TOOLS)
	$(PYTHON) -m venv $(PY_TOOLS)
	$(PY_TOOLS)/bin/pip install -q --disable-pip-version-check -r $(PY_BUILD_REQS)
	touch $@

python-wheel: $(PY_TOOLS)/.stamp
	rm -f $(PY_WHEELS)/tuma-*.whl
	CARGO_TARGET_DIR=$(TARGET_DIR) $(PY_TOOLS)/bin/maturin build -q -m crates/python/Cargo.toml --out $(PY_WHEELS)

test-python: python-wheel
	CARGO_TARGET_DIR=$(TARGET_DIR) $(CARGO) build -q -p tuma-sandbox
	rm -rf $(PY_TEST_VENV)
	$(PYTHON) -m venv $(PY_TEST_VENV)
	$(PY_TEST_VENV)/bin/pip install -q --disable-pip-version-check -r $(PY_TEST_REQS) $(PY_WHEELS)/tuma-*.whl
	cd tests/python && TUMA_SANDBOX_BIN=$(TARGET_DIR)/debug/tuma-sandbox \
		$(PY_TEST_VENV)/bin/python -m pytest -q -p no:cacheprovider
	cd examples/python && $(PY_TEST_VENV)/bin/python -m mypy --strict --no-incremental .
	cd $(TARGET_DIR) && $(PY_TEST_VENV)/bin/python -m mypy.stubtest tuma \
		--allowlist $(ROOT)/crates/python/stubtest-allowlist.txt
