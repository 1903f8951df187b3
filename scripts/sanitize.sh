#!/usr/bin/env bash
# Builds the Catch2 suites with AddressSanitizer (leaks included) and UndefinedBehaviorSanitizer
# into build-asan/ and runs them through CTest; any report fails the run. MeCab, Xapian and
# ICU are uninstrumented system libraries: a report from them that is not koe's is silenced,
# line by line with its reason, in scripts/sanitizers/*.supp — never by turning a check off.
#
#   scripts/sanitize.sh [ctest arguments...]      (e.g. -R plan_parser)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
started=$(date +%s)

# -O1 keeps the stacks readable and the build quick; -fno-sanitize-recover makes UB fatal.
# GCC's -Wmaybe-uninitialized misfires inside libstdc++'s <regex> under -fsanitize.
flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
[[ "$(${CXX:-c++} --version)" == *clang* ]] || flags+=" -Wno-maybe-uninitialized"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKOE_ALLOCATOR=system \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=$flags" \
  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" \
  "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
cmake --build build-asan -j2 --target koe koe_indexer_tests koe_search_tests koe_wire_tests koe_http_tests koe_desk_tests \
  koe_api_tests koe_cli_tests
built=$(date +%s)
echo "[sanitize] built in $((built - started)) s"

supp=$root/scripts/sanitizers
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
status=0
(cd build-asan && ctest --output-on-failure -j2 "$@") || status=$?
echo "[sanitize] tests ran in $(($(date +%s) - built)) s; total $(($(date +%s) - started)) s"
exit "$status"
