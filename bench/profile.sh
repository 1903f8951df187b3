#!/usr/bin/env bash
# bench/profile.sh — where koe's time goes (issue 7, "Findings"), with perf.
#
#   bench/profile.sh index CORPUS_DIR [OUTDIR]              # perf record `koe index`
#   bench/profile.sh serve DB search|match|mix [SECS] [OUTDIR]   # perf record `koe serve` under wrk -c64
#   bench/profile.sh groonga-serve GRN_DBDIR search|match|mix [SECS] [OUTDIR]   # same for Groonga
#
# Prints two tables: time per shared object (koe vs libmecab vs libxapian vs
# libc/kernel) and the top 40 symbols (self time), and keeps OUTDIR/perf.data
# (default /tmp/koe-profile) for `perf report -i`. Uses the cpu-clock software
# event (works in VMs without PMU access). Needs linux-perf and wrk; for
# readable koe symbols build with -g (RelWithDebInfo) and no -fomit-frame-pointer
# stripping, or use --call-graph dwarf (set PERF_CALLGRAPH=dwarf).
# Servers listen on 127.0.0.1 only and are killed on exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
KOE=${KOE:-$ROOT/build/koe}
PORT=${PORT:-18182}
CG=${PERF_CALLGRAPH:-fp}
command -v perf >/dev/null || { echo "profile.sh: perf not found (apt-get install linux-perf)" >&2; exit 2; }

mode=${1:?usage: see header}
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

report() {  # perf.data
  echo "### time by shared object"
  echo '```'
  perf report -i "$1" --stdio --no-children --sort dso -g none --percent-limit 0.5 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | sed 's/ *-* *-* *$//' | head -15
  echo '```'
  echo "### top symbols (self)"
  echo '```'
  perf report -i "$1" --stdio --no-children --sort dso,symbol -g none 2>/dev/null \
    | grep -v '^#' | grep -v '^$' | sed 's/ *-* *-* *$//' | cut -c1-160 | head -40
  echo '```'
}

serve_profile() {  # engine db workload secs outdir
  local engine=$1 db=$2 wl=$3 secs=$4 out=$5 pid script url
  mkdir -p "$out"
  if [ "$engine" = koe ]; then
    "$KOE" serve --db "$db" --host 127.0.0.1 --port "$PORT" > "$out/serve.log" 2>&1 &
    pid=$!; script="$HERE/wrk/$wl.lua"
    url="http://127.0.0.1:$PORT"; probe="$url/api/v1/search?q=%E5%BA%83%E5%A0%B1&limit=1"
  else
    "$HERE/groonga/serve.sh" "$db" "$PORT" > "$out/serve.log" 2>&1 &
    pid=$!; script="$HERE/wrk/groonga_$wl.lua"
    url="http://127.0.0.1:$PORT"; probe="$url/d/status"
  fi
  PIDS+=("$pid")
  for _ in $(seq 600); do curl -s -o /dev/null -m 2 "$probe" && break; kill -0 "$pid" || { cat "$out/serve.log" >&2; exit 1; }; sleep 0.1; done
  wrk -t1 -c8 -d3s -s "$script" "$url" > /dev/null   # warm-up
  perf record -q -e cpu-clock -F 999 --call-graph "$CG" -p "$pid" -o "$out/perf.data" -- sleep "$secs" 2>/dev/null &
  local ppid=$!
  wrk -t1 -c64 -d"${secs}s" -s "$script" "$url" | grep WRK_RESULT || true
  wait "$ppid" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  report "$out/perf.data"
}

case "$mode" in
  index)
    corpus=${2:?usage: profile.sh index CORPUS_DIR [OUTDIR]}
    out=${3:-/tmp/koe-profile}; mkdir -p "$out"; rm -rf "$out/db"
    perf record -q -e cpu-clock -F 999 --call-graph "$CG" -o "$out/perf.data" -- \
      "$KOE" index --corpus "$corpus" --db "$out/db" 2>"$out/index.err" | tail -1
    report "$out/perf.data"
    ;;
  serve)
    serve_profile koe "${2:?DB}" "${3:?workload}" "${4:-15}" "${5:-/tmp/koe-profile}"
    ;;
  groonga-serve)
    serve_profile groonga "${2:?GRN_DBDIR}" "${3:?workload}" "${4:-15}" "${5:-/tmp/grn-profile}"
    ;;
  *) echo "profile.sh: unknown mode $mode" >&2; exit 2 ;;
esac
