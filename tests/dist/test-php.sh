#!/usr/bin/env bash
# The PHP extension as a PECL user gets it (mk/dist.mk, `make test-dist`): the package
# dist/php/tuma-X.tgz (`pecl package`) unpacked and built with phpize against libtuma
# installed in a prefix (LIBTUMA_PREFIX, from test-c.sh), loaded, smoke-tested against the
# sandbox, and run through the .phpt tests it ships. composer.json is checked for what PIE
# reads from it.
# Environment: ROOT, DIST_DIR, WORK, VERSION, LIBTUMA_PREFIX, SANDBOX.
source "$(dirname "$0")/lib.sh"

: "${ROOT:?}" "${DIST_DIR:?}" "${WORK:?}" "${VERSION:?}" "${LIBTUMA_PREFIX:?}" "${SANDBOX:?}"
rm -rf "$WORK"
mkdir -p "$WORK"
tarball=$DIST_DIR/php/tuma-$VERSION.tgz
check "$(basename "$tarball") is a PECL package of tuma $VERSION" \
  grep -q "<release>$VERSION</release>" <(tar -xzOf "$tarball" package.xml)

tar -xzf "$tarball" -C "$WORK"
src=$WORK/tuma-$VERSION
check "the package holds config.m4, the sources, composer.json and the tests" \
  test -f "$src/config.m4" -a -f "$src/tuma.c" -a -f "$src/composer.json" -a -f "$src/tests/001_loaded.phpt"
(
  cd "$src"
  phpize >/dev/null
  ./configure -q --with-tuma="$LIBTUMA_PREFIX" >/dev/null
  make -s -j2 >/dev/null 2>"$WORK/make.log" || { cat "$WORK/make.log" >&2; exit 1; }
)
so=$src/modules/tuma.so
check "phpize && ./configure --with-tuma=PREFIX && make builds modules/tuma.so" test -f "$so"
check "tuma.so needs no libtuma.so at run time" bash -c "! ldd '$so' | grep -q libtuma"
check "php loads it" php -n -d extension="$so" -r 'exit(extension_loaded("tuma") ? 0 : 1);'

TUMA_EXPECTED_VERSION=$VERSION "$ROOT/tests/c/run.sh" "$SANDBOX" \
  php -n -d extension="$so" "$ROOT/tests/dist/smoke.php"

# The tests shipped in the package, run as `pecl run-tests` would (they read the repository's
# header and test certificate through TUMA_ROOT).
log=$WORK/phpt.log
set +e
TUMA_ROOT=$ROOT REPORT_EXIT_STATUS=1 "$ROOT/tests/c/run.sh" "$SANDBOX" \
  php -n "$(php-config --extension-dir)/build/run-tests.php" -P -n -q --show-diff \
  -d extension="$so" "$src/tests" >"$log" 2>&1
status=$?
set -e
total=$(sed -n 's/^Number of tests : *\([0-9]*\).*/\1/p' "$log")
passed=$(sed -n 's/^Tests passed *: *\([0-9]*\).*/\1/p' "$log")
if [ "$status" != 0 ] || [ -z "$total" ] || [ "$total" != "$passed" ]; then
  grep -v '^PASS' "$log" | tail -n 40 >&2
  fail "the package's .phpt tests: ${passed:-0} of ${total:-?} passed"
fi
echo "ok - the package's $total .phpt tests pass"

# PIE reads composer.json (type php-ext, the extension's name, its configure options).
check "composer.json has what PIE needs (php-ext, extension tuma, --with-tuma=PREFIX)" php -n -r '
  $c = json_decode((string) file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
  $opts = array_column($c["php-ext"]["configure-options"] ?? [], "needs-value", "name");
  exit(preg_match("~^[a-z0-9_.-]+/[a-z0-9_.-]+$~", $c["name"]) && $c["type"] === "php-ext"
    && $c["php-ext"]["extension-name"] === "tuma" && ($opts["with-tuma"] ?? false) === true
    && isset($c["require"]["php"]) ? 0 : 1);' "$src/composer.json"
echo "php: all checks passed"
