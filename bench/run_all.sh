#!/usr/bin/env bash
# bench/run_all.sh — every measurement of issue 7, at each corpus size, in one run.
#
# Usage: bench/run_all.sh [--max-sections N] [--min-sections N] [--skip-groonga] [--skip-koe]
#                         [--duration 10s] [--rounds 3] [--index-rounds-1m 1]
#                         [--runs 5] [--work DIR] [--keep] [--out FILE]
#
# For each size in 1k, 10k, 100k, 1M sections (those <= --max-sections,
# default 100000, and >= --min-sections, default 1000) it:
#   1. generates the corpus (bench/gen_corpus.py, seed 7) and dumps its sections
#      (`koe corpus dump`, or bench/tsv_to_jsonl.py when koe is missing);
#   2. MeCab alone over the same section text (the analyzer's share);
#   3. indexing, alternating koe and Groonga for --rounds rounds (medians):
#      time, sections/s, MB/s of text, index size on disk, peak RSS;
#   4. in-process latency p50/p99 for search and match (build/koe-bench);
#   5. HTTP with wrk at 8 and 64 connections for search, match and a mix
#      (80/20), koe and Groonga served side by side on 127.0.0.1 and measured
#      alternately, --rounds rounds each (medians): requests/s, p50, p99,
#      errors, server RSS;
# then prints Markdown tables (and the koe/Groonga ratios and the issue's
# targets at 100k) to stdout and to bench/results/<UTC date>.md, with the raw
# records in bench/results/<UTC date>.tsv.
#
# Environment: KOE, KOE_BENCH (binaries), KOE_PORT, GRN_PORT, KOE_SERVE_ARGS
# (extra `koe serve` arguments, e.g. "--threads 64").
# The machine must be otherwise idle: the load average at start and end is
# recorded with the figures.
#
# Needs: python3, mecab + ipadic-utf8, /usr/bin/time, wrk, groonga-bin and
# groonga-tokenizer-mecab (unless --skip-groonga), build/koe (index, serve,
# corpus dump) and build/koe-bench (latency). Missing koe pieces are reported
# as n/a rather than failing the run. Servers listen on 127.0.0.1 only and
# are killed on exit.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
MAX=100000
MIN=1000
SKIP_GROONGA=0
SKIP_KOE=0
DURATION=10s
ROUNDS=3
INDEX_ROUNDS_1M=1
RUNS=5
WORK=""
KEEP=0
OUT=""
WRK_THREADS=1
SEED=7
KOE=${KOE:-$ROOT/build/koe}
KOE_BENCH=${KOE_BENCH:-$ROOT/build/koe-bench}
KOE_PORT=${KOE_PORT:-18180}
GRN_PORT=${GRN_PORT:-18181}
DIC=/var/lib/mecab/dic/ipadic-utf8

while [ $# -gt 0 ]; do
  case "$1" in
    --max-sections) MAX=$2; shift 2 ;;
    --min-sections) MIN=$2; shift 2 ;;
    --skip-groonga) SKIP_GROONGA=1; shift ;;
    --skip-koe) SKIP_KOE=1; shift ;;
    --duration) DURATION=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --index-rounds-1m) INDEX_ROUNDS_1M=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "run_all.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

need() { command -v "$1" >/dev/null || { echo "run_all.sh: $1 not found ($2)" >&2; exit 2; }; }
need python3 "python3"
need mecab "apt-get install mecab mecab-ipadic-utf8"
need wrk "apt-get install wrk"
need curl "apt-get install curl"
[ -x /usr/bin/time ] || { echo "run_all.sh: /usr/bin/time not found (apt-get install time)" >&2; exit 2; }
[ "$SKIP_GROONGA" = 1 ] || need groonga "apt-get install groonga-bin groonga-tokenizer-mecab"

HAVE_KOE=0; HAVE_SERVE=0; HAVE_DUMP=0; HAVE_KBENCH=0
if [ "$SKIP_KOE" = 0 ] && [ -x "$KOE" ]; then
  HAVE_KOE=1
  # CLI11 answers --help for unknown subcommands too: look for them in the listing
  "$KOE" --help 2>&1 | grep -qE '^ +serve( |$)' && HAVE_SERVE=1
  "$KOE" corpus --help 2>&1 | grep -qE '^ +dump( |$)' && HAVE_DUMP=1
  [ -x "$KOE_BENCH" ] && HAVE_KBENCH=1
fi

STAMP=$(date -u +%Y-%m-%dT%H%MZ)
mkdir -p "$HERE/results"
OUT=${OUT:-$HERE/results/$STAMP.md}
RAW=${OUT%.md}.tsv
if [ -z "$WORK" ]; then WORK=$(mktemp -d /tmp/koe-bench.XXXXXX); fi
mkdir -p "$WORK"
: > "$RAW"

PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
  done
  if [ "$KEEP" = 0 ] && [[ "$WORK" == /tmp/koe-bench.* ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[run_all $(date -u +%H:%M:%S)] $*" >&2; }
rec() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$RAW"; }   # size engine metric value
# /usr/bin/time wrapper: run "$@", record elapsed seconds and peak RSS (KB) in $TF
TF="$WORK/.time"
timed() { /usr/bin/time -f '%e %M' -o "$TF" "$@"; }
port_free() {  # SO_REUSEADDR as servers use it, so TIME_WAIT from the last run doesn't count
  python3 -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',int(sys.argv[1])))" "$1" 2>/dev/null
}
wait_http() {  # url pid timeout_s
  local i=0
  while [ $i -lt $(( $3 * 10 )) ]; do
    kill -0 "$2" 2>/dev/null || return 1
    curl -s -o /dev/null -m 2 "$1" && return 0
    sleep 0.1; i=$((i + 1))
  done
  return 1
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
run_wrk() {  # size engine workload conns script url
  local line
  line=$(wrk -t"$WRK_THREADS" -c"$4" -d"$DURATION" --timeout 10s -s "$HERE/wrk/$5.lua" "$6" | grep '^WRK_RESULT' || true)
  [ -n "$line" ] || { log "wrk $5 -c$4 produced no result"; return 0; }
  for kv in ${line#WRK_RESULT }; do rec "$1" "$2" "http_${3}_c${4}_${kv%%=*}" "${kv#*=}"; done
}

# ---- machine ------------------------------------------------------------------
{
  echo "host	cpu	$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "host	cores	$(nproc)"
  echo "host	mem	$(free -g | awk '/^Mem/ {print $2" GiB"}')"
  echo "host	kernel	$(uname -sr)"
  echo "host	groonga	$( (groonga --version 2>/dev/null || echo n/a) | head -1 | cut -d'[' -f1)"
  echo "host	mecab	$(mecab -v 2>&1 | head -1)"
  echo "host	wrk	$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "host	koe	$( [ $HAVE_KOE = 1 ] && (cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null) || echo n/a)"
  echo "host	params	duration=$DURATION rounds=$ROUNDS runs=$RUNS wrk_threads=$WRK_THREADS seed=$SEED koe_serve_args=${KOE_SERVE_ARGS:-none}"
  echo "host	loadavg_start	$(cut -d' ' -f1-3 /proc/loadavg)"
} | while IFS=$'\t' read -r a b c; do rec host "$a" "$b" "$c"; done

SIZES=()
for s in 1000 10000 100000 1000000; do [ "$s" -le "$MAX" ] && [ "$s" -ge "$MIN" ] && SIZES+=("$s"); done
[ ${#SIZES[@]} -gt 0 ] || { echo "run_all.sh: no size of 1k, 10k, 100k, 1M lies between --min-sections and --max-sections" >&2; exit 2; }
log "sizes: ${SIZES[*]}  work: $WORK  koe: $HAVE_KOE serve: $HAVE_SERVE koe-bench: $HAVE_KBENCH groonga: $((1 - SKIP_GROONGA))"

for S in "${SIZES[@]}"; do
  D="$WORK/$S"; rm -rf "$D"; mkdir -p "$D"
  CORPUS="$D/corpus"
  log "[$S] generating corpus"
  GEN=$(python3 "$HERE/gen_corpus.py" --sections "$S" --out "$CORPUS" --seed "$SEED" --quiet)
  for kv in $GEN; do rec "$S" corpus "${kv%%=*}" "${kv#*=}"; done

  if [ $HAVE_DUMP = 1 ]; then
    "$KOE" corpus dump "$CORPUS" > "$D/sections.jsonl" 2>"$D/dump.err"; rec "$S" corpus dumper "koe corpus dump"
  else
    python3 "$HERE/tsv_to_jsonl.py" "$CORPUS" > "$D/sections.jsonl" 2>"$D/dump.err"; rec "$S" corpus dumper "bench/tsv_to_jsonl.py"
  fi
  python3 - "$D/sections.jsonl" "$D/text.txt" <<'PY' > "$D/textstat"
import json, sys
n = b = 0
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as o:
    for line in f:
        t = json.loads(line)["text"].replace("\n", " ")
        o.write(t + "\n"); n += 1; b += len(t.encode("utf-8"))
print(n, b)
PY
  read -r NSEC TBYTES < "$D/textstat"
  rec "$S" corpus dumped_sections "$NSEC"; rec "$S" corpus text_bytes "$TBYTES"

  # ---- MeCab alone --------------------------------------------------------
  log "[$S] MeCab alone over $TBYTES bytes of section text"
  for r in $(seq "$ROUNDS"); do
    timed mecab -b 1048576 -d "$DIC" -o /dev/null "$D/text.txt"
    read -r e m < "$TF"; rec "$S" mecab index_s "$e"; rec "$S" mecab peak_rss_kb "$m"
  done

  # ---- indexing, alternating ---------------------------------------------
  IR=$ROUNDS; [ "$S" -ge 1000000 ] && IR=$INDEX_ROUNDS_1M
  KOE_INDEXED=0
  for r in $(seq "$IR"); do
    if [ $HAVE_KOE = 1 ]; then
      log "[$S] koe index round $r/$IR"
      rm -rf "$D/koe.db"
      if timed "$KOE" index --corpus "$CORPUS" --db "$D/koe.db" > "$D/koe.index.out" 2>&1; then
        read -r e m < "$TF"; rec "$S" koe index_s "$e"; rec "$S" koe peak_rss_kb "$m"; KOE_INDEXED=1
        rec "$S" koe db_bytes "$(du -s --block-size=1 "$D/koe.db" | cut -f1)"
        rec "$S" koe summary "$(tail -1 "$D/koe.index.out" | tr '\t' ' ')"
      else
        log "[$S] koe index failed: $(tail -3 "$D/koe.index.out")"; rec "$S" koe index_error "$(tail -1 "$D/koe.index.out")"
        KOE_INDEXED=0
      fi
    fi
    if [ "$SKIP_GROONGA" = 0 ]; then
      log "[$S] Groonga load round $r/$IR"
      "$HERE/groonga/load.sh" "$D/sections.jsonl" "$D/grn" > "$D/grn.load.out"
      while IFS='=' read -r k v; do
        case "$k" in
          groonga_total_s) rec "$S" groonga index_s "$v" ;;
          groonga_peak_rss_kb) rec "$S" groonga peak_rss_kb "$v" ;;
          groonga_db_bytes) rec "$S" groonga db_bytes "$v" ;;
          groonga_load_s) rec "$S" groonga load_only_s "$v" ;;
          groonga_index_s) rec "$S" groonga index_only_s "$v" ;;
          groonga_records) rec "$S" groonga records "$v" ;;
        esac
      done < "$D/grn.load.out"
    fi
  done

  # ---- in-process latency ------------------------------------------------
  if [ $HAVE_KBENCH = 1 ] && [ $KOE_INDEXED = 1 ]; then
    for mode in search match; do
      qf="$HERE/queries/keywords.txt"; [ $mode = match ] && qf="$HERE/queries/voices.txt"
      log "[$S] koe-bench latency $mode"
      if out=$("$KOE_BENCH" latency --db "$D/koe.db" --queries "$qf" --mode $mode --runs "$RUNS" 2>"$D/kbench.err" | tail -1); then
        # koe-bench prints "p50_ms p99_ms [mean_ms count]"
        read -r p50 p99 mean cnt _ <<< "$out"
        rec "$S" koe "inproc_${mode}_p50_ms" "$p50"; rec "$S" koe "inproc_${mode}_p99_ms" "$p99"
        [ -n "${mean:-}" ] && rec "$S" koe "inproc_${mode}_mean_ms" "$mean"
        [ -n "${cnt:-}" ] && rec "$S" koe "inproc_${mode}_count" "$cnt"
      else
        log "[$S] koe-bench $mode failed: $(tail -2 "$D/kbench.err")"
      fi
    done
  fi

  # ---- HTTP ----------------------------------------------------------------
  KPID=""; GPID=""
  if [ $HAVE_SERVE = 1 ] && [ $KOE_INDEXED = 1 ]; then
    port_free "$KOE_PORT" || { echo "run_all.sh: port $KOE_PORT busy (set KOE_PORT)" >&2; exit 1; }
    # shellcheck disable=SC2086  # KOE_SERVE_ARGS is a word list on purpose (e.g. "--threads 64")
    "$KOE" serve --db "$D/koe.db" --host 127.0.0.1 --port "$KOE_PORT" ${KOE_SERVE_ARGS:-} > "$D/koe.serve.log" 2>&1 &
    KPID=$!; PIDS+=("$KPID")
    if ! wait_http "http://127.0.0.1:$KOE_PORT/api/v1/search?q=%E5%BA%83%E5%A0%B1&limit=1" "$KPID" 300; then
      log "[$S] koe serve did not come up: $(tail -3 "$D/koe.serve.log")"; kill "$KPID" 2>/dev/null || true; KPID=""
    fi
  fi
  if [ "$SKIP_GROONGA" = 0 ]; then
    port_free "$GRN_PORT" || { echo "run_all.sh: port $GRN_PORT busy (set GRN_PORT)" >&2; exit 1; }
    "$HERE/groonga/serve.sh" "$D/grn" "$GRN_PORT" > "$D/grn.serve.log" 2>&1 &
    GPID=$!; PIDS+=("$GPID")
    if ! wait_http "http://127.0.0.1:$GRN_PORT/d/status" "$GPID" 120; then
      log "[$S] groonga did not come up: $(tail -3 "$D/grn.serve.log")"; kill "$GPID" 2>/dev/null || true; GPID=""
    fi
  fi
  # warm-up: page the indexes in, start MeCab taggers, etc. (not recorded)
  [ -n "$KPID" ] && wrk -t1 -c8 -d3s -s "$HERE/wrk/mix.lua" "http://127.0.0.1:$KOE_PORT" >/dev/null 2>&1 || true
  [ -n "$GPID" ] && wrk -t1 -c8 -d3s -s "$HERE/wrk/groonga_mix.lua" "http://127.0.0.1:$GRN_PORT" >/dev/null 2>&1 || true
  if [ -n "$KPID$GPID" ]; then
    for wl in search match mix; do
      for c in 8 64; do
        for r in $(seq "$ROUNDS"); do
          if [ -n "$KPID" ]; then
            log "[$S] wrk koe $wl -c$c round $r/$ROUNDS"
            run_wrk "$S" koe "$wl" "$c" "$wl" "http://127.0.0.1:$KOE_PORT"
            rec "$S" koe "http_${wl}_c${c}_rss_kb" "$(rss_kb "$KPID")"
          fi
          if [ -n "$GPID" ]; then
            log "[$S] wrk groonga $wl -c$c round $r/$ROUNDS"
            run_wrk "$S" groonga "$wl" "$c" "groonga_$wl" "http://127.0.0.1:$GRN_PORT"
            rec "$S" groonga "http_${wl}_c${c}_rss_kb" "$(rss_kb "$GPID")"
          fi
        done
      done
    done
    [ -n "$KPID" ] && { rec "$S" koe server_hwm_kb "$(hwm_kb "$KPID")"; kill "$KPID"; wait "$KPID" 2>/dev/null || true; }
    [ -n "$GPID" ] && { rec "$S" groonga server_hwm_kb "$(hwm_kb "$GPID")"; kill "$GPID"; wait "$GPID" 2>/dev/null || true; }
  fi
  PIDS=()
  # keep the corpus of the largest size only if asked; free disk as we go
  [ "$KEEP" = 1 ] || rm -rf "$D/grn" "$D/text.txt" "$D/sections.jsonl"
done

rec host host loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$HERE/report.py" "$RAW" | tee "$OUT"
log "report: $OUT  raw records: $RAW"
