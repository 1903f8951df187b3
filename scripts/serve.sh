#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, indexes corpus/ into db/
# and serves the API, the pages and the voice desk on http://127.0.0.1:8080/ (Ctrl-C stops
# it). The desk's store, desk.sqlite3 (KOE_STORE to put it elsewhere), is created on first
# run; the server's log says how to add the first account while it has none.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/koe corpus check corpus
build/koe index --corpus corpus --db db
exec build/koe serve --db db --store "${KOE_STORE:-desk.sqlite3}" --host 127.0.0.1 --port "${KOE_PORT:-8080}"
