#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, indexes corpus/ into db/
# and serves the API and the pages on http://127.0.0.1:8080/ (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/koe corpus check corpus
build/koe index --corpus corpus --db db
exec build/koe serve --db db --host 127.0.0.1 --port "${KOE_PORT:-8080}"
