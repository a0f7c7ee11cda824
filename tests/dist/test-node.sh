#!/usr/bin/env bash
# The npm packages as users get them (mk/dist.mk, `make test-dist`): an empty project, with
# no Rust toolchain on PATH, installs dist/node/tuma-X.tgz; npm resolves its optional
# dependency @tuma/<platform> to the packed platform tarball (an `overrides` entry stands in
# for the registry, so a wrong package name or version fails here). Then a CommonJS and an
# ES module smoke test against the sandbox, and `tsc --strict` on a file using the types.
# Environment: ROOT, DIST_DIR, WORK, VERSION, NODE_ABI, TSC_VERSION, TYPES_NODE_VERSION,
# SANDBOX.
source "$(dirname "$0")/lib.sh"

: "${ROOT:?}" "${DIST_DIR:?}" "${WORK:?}" "${VERSION:?}" "${NODE_ABI:?}" "${TSC_VERSION:?}" "${TYPES_NODE_VERSION:?}" "${SANDBOX:?}"
main=$DIST_DIR/node/tuma-$VERSION.tgz
platform=$DIST_DIR/node/tuma-$NODE_ABI-$VERSION.tgz
[ -f "$main" ] && [ -f "$platform" ] || fail "missing $main or $platform"

check "tuma-$VERSION.tgz holds no native addon" bash -c "! tar -tzf '$main' | grep -q '\.node$'"
check "it has an optional dependency on @tuma/$NODE_ABI $VERSION" \
  test "$(tar -xzOf "$main" package/package.json | node -p "JSON.parse(require('fs').readFileSync(0)).optionalDependencies['@tuma/$NODE_ABI']")" = "$VERSION"
check "tuma-$NODE_ABI-$VERSION.tgz holds the addon" \
  grep -qx "package/tuma.$NODE_ABI.node" <(tar -tzf "$platform")

rm -rf "$WORK"
mkdir -p "$WORK"
cat > "$WORK/package.json" <<EOF
{
  "name": "tuma-dist-smoke",
  "version": "1.0.0",
  "private": true,
  "overrides": { "@tuma/$NODE_ABI": "file:$platform" }
}
EOF
cp "$ROOT"/tests/dist/node/smoke.cjs "$ROOT"/tests/dist/node/smoke.mjs \
  "$ROOT"/tests/dist/node/smoke.ts "$ROOT"/tests/dist/node/tsconfig.json "$WORK/"
(
  cd "$WORK"
  without_rust npm install --no-audit --no-fund --loglevel=error \
    "$main" "typescript@$TSC_VERSION" "@types/node@$TYPES_NODE_VERSION"
)
check "npm installs tuma and, through its optionalDependencies, @tuma/$NODE_ABI" \
  test -f "$WORK/node_modules/@tuma/$NODE_ABI/tuma.$NODE_ABI.node" -a -f "$WORK/node_modules/tuma/tuma.js"

export TUMA_EXPECTED_VERSION=$VERSION
(cd "$WORK" && without_rust "$ROOT/tests/c/run.sh" "$SANDBOX" node smoke.cjs)
(cd "$WORK" && without_rust "$ROOT/tests/c/run.sh" "$SANDBOX" node smoke.mjs)
check "tsc --strict type-checks a file importing tuma's types" \
  bash -c "cd '$WORK' && ./node_modules/.bin/tsc -p tsconfig.json"
echo "node: all checks passed"
