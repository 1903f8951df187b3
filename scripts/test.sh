#!/usr/bin/env bash
# The README's second command: installs what is missing (Chromium and Node.js too), builds,
# runs every test: the Catch2 suites through CTest, then the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --browser
scripts/build.sh
(cd build && ctest --output-on-failure -j2)
if [[ "${KOE_SKIP_BROWSER_TESTS:-}" == "1" ]]; then
  echo "[test] browser tests skipped (KOE_SKIP_BROWSER_TESTS=1)"
  exit 0
fi
rm -rf build/web-db
build/koe index --corpus corpus --db build/web-db >/dev/null
tests/web/run.sh build/koe build/web-db build/screenshots
