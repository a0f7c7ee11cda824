#!/usr/bin/env bash
# The Python package as pip users get it (mk/dist.mk, `make test-dist`):
#   1. the wheel: `auditwheel show` must find it manylinux_2_17 (glibc 2.17+); installed into
#      a fresh venv with no Rust toolchain on PATH, then smoke-tested against the sandbox;
#   2. the sdist: installed into another fresh venv, where pip builds it from source
#      (maturin, cargo), then the same smoke test.
# Environment: ROOT, DIST_DIR, WORK, VERSION, PYTHON, TOOLS (venv with auditwheel),
# SDIST_TARGET_DIR (cargo's target directory for the sdist build), SANDBOX.
source "$(dirname "$0")/lib.sh"

: "${ROOT:?}" "${DIST_DIR:?}" "${WORK:?}" "${VERSION:?}" "${PYTHON:?}" "${TOOLS:?}" "${SDIST_TARGET_DIR:?}" "${SANDBOX:?}"
rm -rf "$WORK"
mkdir -p "$WORK/cwd"
wheel=$(ls "$DIST_DIR"/python/tuma-"$VERSION"-*.whl)
sdist=$DIST_DIR/python/tuma-$VERSION.tar.gz
[ -f "$sdist" ] || fail "no sdist at $sdist"

"$TOOLS/bin/auditwheel" show "$wheel" > "$WORK/auditwheel.txt"
sed 's/^/  /' "$WORK/auditwheel.txt"
check "auditwheel: $(basename "$wheel") is manylinux_2_17_x86_64" \
  grep -q 'consistent with the following platform tag: "manylinux_2_17_x86_64"' <(tr '\n' ' ' < "$WORK/auditwheel.txt" | tr -s ' ')

# The smoke test runs from an empty directory: `import tuma` must find the installed package.
smoke() {
  local venv=$1
  (cd "$WORK/cwd" && TUMA_EXPECTED_VERSION=$VERSION "$ROOT/tests/c/run.sh" "$SANDBOX" \
    "$venv/bin/python" "$ROOT/tests/dist/smoke.py")
}

# 1. The wheel, with no Rust anywhere on PATH.
"$PYTHON" -m venv "$WORK/venv-wheel"
without_rust "$WORK/venv-wheel/bin/pip" install -q --disable-pip-version-check --no-index "$wheel"
check "pip installs the wheel without Rust and without an index" \
  test -n "$(ls "$WORK"/venv-wheel/lib/python*/site-packages/tuma/_tuma*.so)"
without_rust smoke "$WORK/venv-wheel"

# 2. The sdist: pip fetches maturin (the build backend) from PyPI and builds with cargo.
"$PYTHON" -m venv "$WORK/venv-sdist"
CARGO_TARGET_DIR=$SDIST_TARGET_DIR "$WORK/venv-sdist/bin/pip" install -v --disable-pip-version-check \
  --no-binary tuma "$sdist" > "$WORK/pip-sdist.log" 2>&1 || { tail -n 40 "$WORK/pip-sdist.log" >&2; fail "pip install of the sdist"; }
check "pip builds the sdist from source (maturin's PEP 517 backend, cargo)" \
  grep -q 'maturin pep517 build-wheel' "$WORK/pip-sdist.log"
grep -E '^\s*(Finished|Compiling tuma)' "$WORK/pip-sdist.log" | sed 's/^ */  cargo: /' || true
smoke "$WORK/venv-sdist"
echo "python: all checks passed"
