#!/usr/bin/env bash
# koe's stress suite (issue 15): every probe against its own `koe serve`.
#   tests/stress/run.sh [--short] [--koe build/koe]     (what CI runs: --short)
# One probe: tests/stress/stress.py soak [--seconds 120]; see tests/stress/README.md.
set -euo pipefail
exec python3 "$(dirname "$0")/stress.py" all "$@"
