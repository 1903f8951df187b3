#!/usr/bin/env bash
# Regenerates dictionaries/synonyms-sudachi.tsv from the npm package pinned by package-lock.json.
# Needs node and npm (and the npm registry); the build itself only copies the table.
#   dictionaries/sudachi/generate.sh [--tiers=variants,abbreviations,acronyms,alphabet,related]
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
node compile.mjs "$@"
