#!/usr/bin/env bash
# Lists every artifact of dist/ with its size and checks the limits (mk/dist.mk):
# the wheel, the npm platform package once unpacked, and libtuma.so.
# Environment: DIST_DIR, WORK (dist-work: npm-pack.jsonl), VERSION, NODE_ABI, MAX_WHEEL,
# MAX_NODE_UNPACKED, MAX_LIBTUMA (bytes).
source "$(dirname "$0")/lib.sh"

: "${DIST_DIR:?}" "${WORK:?}" "${VERSION:?}" "${NODE_ABI:?}" "${MAX_WHEEL:?}" "${MAX_NODE_UNPACKED:?}" "${MAX_LIBTUMA:?}"
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1000000 }'; }
errors=0
limit() { # what, bytes, max
  if [ "$2" -le "$3" ]; then
    printf '  %-76s %10s  (limit %s: ok)\n' "$1" "$(mb "$2")" "$(mb "$3")"
  else
    printf '  %-76s %10s  (limit %s: OVER)\n' "$1" "$(mb "$2")" "$(mb "$3")"
    errors=$((errors + 1))
  fi
}

echo "artifacts in $DIST_DIR:"
(cd "$DIST_DIR" && find . -type f | sed 's|^\./||' | sort) | while read -r f; do
  printf '  %-76s %10s  %s bytes\n' "$f" "$(mb "$(size_of "$DIST_DIR/$f")")" "$(size_of "$DIST_DIR/$f")"
done

echo "limits:"
wheel=$(ls "$DIST_DIR"/python/tuma-"$VERSION"-*.whl)
limit "wheel $(basename "$wheel")" "$(size_of "$wheel")" "$MAX_WHEEL"
unpacked=$(node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse)
  const p = lines.find((l) => l.name === "@tuma/" + process.argv[2])
  if (!p) process.exit(1)
  console.log(p.unpackedSize)' "$WORK/npm-pack.jsonl" "$NODE_ABI")
limit "npm @tuma/$NODE_ABI, unpacked" "$unpacked" "$MAX_NODE_UNPACKED"
so=$(tar -tzvf "$DIST_DIR"/c/libtuma-"$VERSION"-*.tar.gz | awk -v f="lib/libtuma.so.$VERSION" '$6 ~ f"$" { print $3 }')
[ -n "$so" ] || fail "no lib/libtuma.so.$VERSION in the C tarball"
limit "libtuma.so.$VERSION" "$so" "$MAX_LIBTUMA"
[ "$errors" = 0 ] || fail "$errors artifact(s) over their size limit"
