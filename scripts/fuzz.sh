#!/usr/bin/env bash
# Builds koe's libFuzzer harnesses (fuzz/) with clang, ASan and UBSan into build-fuzz/, then
# runs each for N seconds over its seed corpus (fuzz/corpus/<harness>/) and prints, per
# harness, executions, exec/s, new coverage units and crashes. Exits non-zero on any crash.
#
#   scripts/fuzz.sh [--seconds N] [harness...]     (default: 60 seconds, every harness)
#
# Harness names are those of KOE_FUZZ_HARNESSES in fuzz/CMakeLists.txt (plan_parser, …).
# New coverage goes to build-fuzz/corpus/<harness>/ (kept between runs, never into the
# repository); a crash input lands in build-fuzz/runs/<harness>/ with the full log. Reproduce
# one with build-fuzz/fuzz/fuzz_<harness> <file>; once fixed, add it to fuzz/corpus/<harness>/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=60
harnesses=()
while (($#)); do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --seconds=*) seconds="${1#*=}"; shift ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) harnesses+=("$1"); shift ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "fuzz.sh: --seconds takes a whole number > 0" >&2; exit 2; }

read -r -a known <<<"$(sed -n 's/^set(KOE_FUZZ_HARNESSES \(.*\))$/\1/p' fuzz/CMakeLists.txt)"
((${#harnesses[@]})) || harnesses=("${known[@]}")
for h in "${harnesses[@]}"; do
  [[ " ${known[*]} " == *" $h "* ]] || { echo "fuzz.sh: no harness $h (known: ${known[*]})" >&2; exit 2; }
done

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ is missing (scripts/install-deps.sh installs it)" >&2; exit 2; }
started=$(date +%s)
CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKOE_FUZZ=ON -DKOE_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz -j2 --target "${harnesses[@]/#/fuzz_}"
echo "[fuzz] built in $(($(date +%s) - started)) s"

stat_of() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }
failed=()
printf '%-14s %12s %9s %10s %8s\n' harness executions exec/s new_units crashes >build-fuzz/summary.txt
for h in "${harnesses[@]}"; do
  run=build-fuzz/runs/$h
  rm -rf "$run"
  mkdir -p "$run" "build-fuzz/corpus/$h"
  args=("-max_total_time=$seconds" -jobs=1 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
        "-artifact_prefix=$root/$run/")
  [[ -f fuzz/$h.dict ]] && args+=("-dict=$root/fuzz/$h.dict")
  echo "[fuzz] $h: ${seconds} s"
  status=0
  # -jobs=1 runs the fuzzer in a child process whose output goes to fuzz-0.log in the cwd.
  (cd "$run" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     "$root/build-fuzz/fuzz/fuzz_$h" "${args[@]}" "$root/build-fuzz/corpus/$h" "$root/fuzz/corpus/$h" \
     >parent.log 2>&1) || status=$?
  log=$run/fuzz-0.log
  [[ -f $log ]] || log=$run/parent.log
  crashes=$(find "$run" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  runs=$(stat_of number_of_executed_units "$log")
  printf '%-14s %12s %9s %10s %8s\n' "$h" "${runs:-?}" "$(stat_of average_exec_per_sec "$log")" \
    "$(stat_of new_units_added "$log")" "$crashes" | tee -a build-fuzz/summary.txt
  if ((status != 0 || crashes > 0)) || [[ -z "$runs" ]]; then
    failed+=("$h")
    echo "[fuzz] $h FAILED (exit $status); the log's last lines ($log):" >&2
    tail -n 60 "$log" >&2
    find "$run" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) -printf '[fuzz]   input: %p\n' >&2
  fi
done
echo
cat build-fuzz/summary.txt
echo "[fuzz] total $(($(date +%s) - started)) s"
if ((${#failed[@]})); then
  echo "[fuzz] crashes in: ${failed[*]}" >&2
  exit 1
fi
