#!/usr/bin/env bash
# libtuma as a C user gets it (mk/dist.mk, `make test-dist`):
#   1. `make install-libtuma` / `make uninstall` with PREFIX and DESTDIR: the files, the
#      symlinks, and nothing left behind;
#   2. an install into a temporary prefix: SONAME, exported symbols (readelf), tuma.pc;
#      the README's C example built against it with pkg-config (dynamic and static) and run
#      against the sandbox;
#   3. the prebuilt tarball of dist/c, unpacked anywhere: its relocatable tuma.pc.
# Environment: ROOT, DIST_DIR, WORK (scratch directory), VERSION, MAKE, LIBTUMA_BUILD,
# SANDBOX (the tuma-sandbox binary). Leaves WORK/prefix for the PHP test.
source "$(dirname "$0")/lib.sh"

: "${ROOT:?}" "${DIST_DIR:?}" "${WORK:?}" "${VERSION:?}" "${MAKE:?}" "${LIBTUMA_BUILD:?}" "${SANDBOX:?}"
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
major=${VERSION%%.*}
real=libtuma.so.$VERSION
soname=libtuma.so.$major
rm -rf "$WORK"
mkdir -p "$WORK"

install_libtuma() { "$MAKE" -s -C "$ROOT" --no-print-directory install-libtuma LIBTUMA_BUILD="$LIBTUMA_BUILD" "$@" >/dev/null; }

# --- 1. make install-libtuma / make uninstall, PREFIX and DESTDIR --------------------------
stage=$WORK/destdir
install_libtuma PREFIX=/opt/tuma DESTDIR="$stage"
lib=$stage/opt/tuma/lib
check "DESTDIR install: $real, libtuma.a, tuma.h, tuma.pc" \
  test -f "$lib/$real" -a -f "$lib/libtuma.a" -a -f "$stage/opt/tuma/include/tuma.h" -a -f "$lib/pkgconfig/tuma.pc"
check "DESTDIR install: $soname -> $real, libtuma.so -> $soname" \
  test "$(readlink "$lib/$soname")" = "$real" -a "$(readlink "$lib/libtuma.so")" = "$soname"
check "tuma.pc names PREFIX, not DESTDIR" grep -qx 'prefix=/opt/tuma' "$lib/pkgconfig/tuma.pc"
"$MAKE" -s -C "$ROOT" --no-print-directory uninstall PREFIX=/opt/tuma DESTDIR="$stage" >/dev/null
check "make uninstall removes every installed file" test -z "$(find "$stage" ! -type d)"

# --- 2. an install into a temporary prefix, then the README's example against it ----------
prefix=$WORK/prefix
install_libtuma PREFIX="$prefix"
lib=$prefix/lib
export PKG_CONFIG_PATH=$lib/pkgconfig
check "readelf: the SONAME of $real is $soname" \
  grep -q "Library soname: \[$soname\]" <(readelf -d "$lib/$real")
others=$(readelf --dyn-syms --wide "$lib/$real" |
  awk '$7 != "UND" && ($5 == "GLOBAL" || $5 == "WEAK") && $8 != "" { print $8 }' | sed 's/@.*//' | grep -v '^tuma_' || true)
count=$(readelf --dyn-syms --wide "$lib/$real" | awk '$7 != "UND" && $5 == "GLOBAL"' | grep -c ' tuma_' || true)
check "readelf: only tuma_* symbols are exported ($count of them)" test -z "$others" -a "$count" -gt 40
check "pkg-config: tuma $VERSION" test "$($PKG_CONFIG --modversion tuma)" = "$VERSION"

awk '/^```c$/ { inside = 1; next } /^```$/ { if (inside) exit } inside' "$ROOT/README.md" > "$WORK/readme_example.c"
check "README.md has a C example" grep -q 'tuma_client_new' "$WORK/readme_example.c"
$CC -std=c11 -Wall -Wextra -Werror -o "$WORK/readme_example" "$WORK/readme_example.c" \
  $($PKG_CONFIG --cflags --libs tuma) -Wl,-rpath,"$lib"
check "the README's example builds with \`pkg-config --cflags --libs tuma\` and needs $soname" \
  grep -q "Shared library: \[$soname\]" <(readelf -d "$WORK/readme_example")
check "it loads the installed copy" grep -q "$soname => $lib/$soname" <(ldd "$WORK/readme_example")
$CC -std=c11 -Wall -Wextra -Werror -o "$WORK/readme_example_static" "$WORK/readme_example.c" \
  $($PKG_CONFIG --cflags tuma) -L"$lib" -Wl,-Bstatic -ltuma -Wl,-Bdynamic \
  $($PKG_CONFIG --static --libs-only-l tuma | sed 's/-ltuma\b//')
check "it links statically with \`pkg-config --static\`" \
  bash -c "! ldd '$WORK/readme_example_static' | grep -q libtuma"

# The example as written talks to Statum itself; pointed at the sandbox it must succeed.
src=$(cat "$WORK/readme_example.c")
patched=${src//'\"KEY\"'/'\"sandbox-statum-key\"'}
patched=${patched//'\"SECRET\"'/'\"sandbox-statum-secret\", \"base_url\": \"" SANDBOX_STATUM "\"'}
[ "$patched" != "$src" ] || fail "the README's C example no longer has the \"KEY\"/\"SECRET\" placeholders this test replaces"
printf '%s\n' "$patched" > "$WORK/readme_sandbox.c"
run_example() {
  local bin=$1 out
  $CC -std=c11 -Wall -Wextra -Werror -DSANDBOX_STATUM="\"${TUMA_SANDBOX_URL%/}/statum/api/v2\"" -o "$bin" "$WORK/readme_sandbox.c" "${@:2}"
  out=$("$bin")
  echo "  $out"
  grep -q '"status_code":200' <<<"$out" && grep -q '"request_id":"' <<<"$out"
}
export -f run_example fail
export WORK CC
check "the README's example, dynamically linked, sends an SMS through the sandbox" \
  "$ROOT/tests/c/run.sh" "$SANDBOX" bash -c 'run_example "$WORK/readme_dynamic" $(pkg-config --cflags --libs tuma) -Wl,-rpath,'"$lib"
check "the README's example, statically linked, sends an SMS through the sandbox" \
  "$ROOT/tests/c/run.sh" "$SANDBOX" bash -c 'run_example "$WORK/readme_static" $(pkg-config --cflags tuma) -L'"$lib"' -Wl,-Bstatic -ltuma -Wl,-Bdynamic $(pkg-config --static --libs-only-l tuma | sed "s/-ltuma\b//")'

# --- 3. the prebuilt tarball ----------------------------------------------------------------
tarball=$(ls "$DIST_DIR"/c/libtuma-"$VERSION"-*.tar.gz)
mkdir -p "$WORK/unpacked"
tar -xzf "$tarball" -C "$WORK/unpacked"
top=$(ls -d "$WORK"/unpacked/libtuma-*)
export PKG_CONFIG_PATH=$top/lib/pkgconfig
check "$(basename "$tarball"): tuma.pc is relocatable (prefix from its own place)" \
  test "$($PKG_CONFIG --variable=libdir tuma)" -ef "$top/lib"
$CC -std=c11 -Wall -Wextra -Werror -o "$WORK/readme_tarball" "$WORK/readme_example.c" \
  $($PKG_CONFIG --cflags --libs tuma) -Wl,-rpath,"$top/lib"
check "the README's example builds against the unpacked tarball" \
  grep -q "$soname => $top/lib/$soname" <(ldd "$WORK/readme_tarball")
cmp -s "$top/lib/$real" "$prefix/lib/$real" || fail "the tarball's $real differs from the installed one"
echo "c: all checks passed"
