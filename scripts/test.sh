#!/usr/bin/env bash
# The README's second command: installs what is missing (Chromium and Node.js too), builds,
# and runs every test: the Catch2 suites through CTest, the same suites under ASan+UBSan, a
# short run of each fuzzer, the stress suite's short form, then the browser tests.
#   KOE_SKIP_BROWSER_TESTS=1, KOE_SKIP_SANITIZERS=1, KOE_SKIP_FUZZ=1, KOE_SKIP_STRESS=1 skip a part.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { echo "[test] $1 ($(($(date +%s) - started)) s so far)"; }
scripts/install-deps.sh --browser
scripts/build.sh
step "format"
scripts/check-format.sh
step "unit and API tests"
(cd build && ctest --output-on-failure -j2)
if [[ "${KOE_SKIP_SANITIZERS:-}" != "1" ]]; then
  step "sanitizers"
  scripts/sanitize.sh
fi
if [[ "${KOE_SKIP_FUZZ:-}" != "1" ]]; then
  step "fuzzing"
  scripts/fuzz.sh --seconds 20
fi
if [[ "${KOE_SKIP_STRESS:-}" != "1" && -x tests/stress/run.sh ]]; then
  step "stress"
  tests/stress/run.sh --short --koe build/koe
fi
if [[ "${KOE_SKIP_BROWSER_TESTS:-}" != "1" ]]; then
  step "browser tests"
  rm -rf build/web-db
  build/koe index --corpus corpus --db build/web-db >/dev/null
  tests/web/run.sh build/koe build/web-db build/screenshots
fi
step "done"
