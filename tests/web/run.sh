#!/usr/bin/env bash
# Browser tests of koe's web pages against a real `koe serve`.
# Usage: tests/web/run.sh KOE_BINARY DB_DIR OUT_DIR
#   KOE_BINARY  the koe executable (e.g. build/koe)
#   DB_DIR      an index made by `koe index --corpus corpus --db DB_DIR`
#   OUT_DIR     where screenshots (desktop 1280x900, phone 375x812) and the desk's store
#               (desk.sqlite, made anew each run) are written
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 KOE_BINARY DB_DIR OUT_DIR" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
koe="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
db="$2"
out="$(mkdir -p "$3" && cd "$3" && pwd)"
chromium="${KOE_CHROMIUM:-/usr/bin/chromium}"

[ -x "$koe" ] || { echo "[web][run] not an executable: $koe" >&2; exit 2; }
[ -d "$db" ] || { echo "[web][run] no index directory: $db" >&2; exit 2; }
[ -x "$chromium" ] || { echo "[web][run] no Chromium at $chromium (apt-get install -y chromium)" >&2; exit 2; }
command -v node >/dev/null || { echo "[web][run] node is not installed" >&2; exit 2; }

if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

# The voice desk: a fresh store in the output directory, its users made by the CLI (the
# passwords are the tests' own), and voices imported from a small export like a city's.
store="$out/desk.sqlite"
rm -f "$store" "$store-wal" "$store-shm"
add_user() {  # NAME ROLE PASSWORD [DIVISION]
  printf '%s\n' "$3" | "$koe" users add --store "$store" --db "$db" --name "$1" --role "$2" \
    ${4:+--division "$4"} --password-stdin >/dev/null
}
add_user clerk clerk 'clerk-pass-1'
add_user koho division 'koho-pass-1' '広報プロモーション課'
add_user admin admin 'admin-pass-1'
add_user locked clerk 'locked-pass-1'
"$koe" voices import --store "$store" --db "$db" --in "$here/desk-voices.csv" >/dev/null
desk_token="$("$koe" users token --store "$store" --db "$db" --name clerk --label 'browser tests')"

port="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
base="http://127.0.0.1:$port"
log="$out/koe-serve.log"

"$koe" serve --db "$db" --store "$store" --host 127.0.0.1 --port "$port" --web-root "$repo/api/web" >"$log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# Wait up to 30 s for the server to answer /healthz with 200.
ready=""
for _ in $(seq 1 150); do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "[web][run] koe serve exited early; its log ($log):" >&2
    cat "$log" >&2
    exit 1
  fi
  if node -e "fetch('$base/healthz').then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"; then
    ready=1
    break
  fi
  sleep 0.2
done
if [ -z "$ready" ]; then
  echo "[web][run] koe serve did not answer $base/healthz within 30 s; its log ($log):" >&2
  cat "$log" >&2
  exit 1
fi

cd "$here"
status=0
KOE_BASE_URL="$base" KOE_SCREENSHOT_DIR="$out" KOE_DESK_TOKEN="$desk_token" \
  node --test --test-concurrency=1 --test-reporter=spec \
  search.test.mjs project.test.mjs voice.test.mjs \
  desk-login.test.mjs desk-inbox.test.mjs desk-voice.test.mjs desk-division.test.mjs desk-stats.test.mjs \
  desk-import.test.mjs desk-csrf.test.mjs \
  a11y.test.mjs screenshots.test.mjs || status=$?
exit "$status"
