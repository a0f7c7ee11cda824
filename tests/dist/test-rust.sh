#!/usr/bin/env bash
# The crates as `cargo publish` would upload them (mk/dist.mk, `make test-dist`). `make dist`
# already ran `cargo package -p tuma -p tuma-sandbox`, which resolves both against
# crates.io and builds the packaged sources; this checks what the .crate files hold.
# Environment: ROOT, DIST_DIR, VERSION.
source "$(dirname "$0")/lib.sh"

: "${ROOT:?}" "${DIST_DIR:?}" "${VERSION:?}"
for name in tuma tuma-sandbox; do
  crate=$DIST_DIR/rust/$name-$VERSION.crate
  [ -f "$crate" ] || fail "missing $crate"
  manifest=$(tar -xzOf "$crate" "$name-$VERSION/Cargo.toml")
  check "$name-$VERSION.crate: every dependency comes from crates.io (none by path only)" python3 -c '
import sys, tomllib
m = tomllib.loads(sys.stdin.read())
tables = [m.get(k, {}) for k in ("dependencies", "dev-dependencies", "build-dependencies")]
tables += [t.get(k, {}) for t in m.get("target", {}).values() for k in ("dependencies", "dev-dependencies", "build-dependencies")]
bad = [n for t in tables for n, d in t.items() if isinstance(d, dict) and ("path" in d or "git" in d or "version" not in d)]
sys.exit(1 if bad else 0)' <<<"$manifest"
  for field in description license repository readme documentation keywords categories; do
    grep -q "^$field = " <<<"$manifest" || fail "$name-$VERSION.crate: no $field in Cargo.toml"
  done
  echo "ok - $name-$VERSION.crate: description, license, repository, readme, documentation, keywords, categories"
  readme=$(sed -n 's/^readme = "\(.*\)"/\1/p' <<<"$manifest")
  check "$name-$VERSION.crate: holds its readme ($readme) and Cargo.lock" \
    bash -c "tar -tzf '$crate' | grep -qx '$name-$VERSION/$readme' && tar -tzf '$crate' | grep -qx '$name-$VERSION/Cargo.lock'"
done
check "tuma-$VERSION.crate: src/lib.rs and the bundled Daraja certificates" \
  bash -c "tar -tzf '$DIST_DIR/rust/tuma-$VERSION.crate' | grep -qx 'tuma-$VERSION/src/lib.rs' && tar -tzf '$DIST_DIR/rust/tuma-$VERSION.crate' | grep -q '^tuma-$VERSION/certs/.*\.pem$'"
echo "rust: all checks passed"
