#!/usr/bin/env bash
# Configures and builds koe into build/ (the koe binary lands at build/koe).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
