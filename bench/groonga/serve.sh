#!/usr/bin/env bash
# Usage: bench/groonga/serve.sh DBDIR PORT
# Runs Groonga's HTTP server on 127.0.0.1:PORT in the foreground (exec, so the
# caller's $! is groonga's pid). Query cache disabled (--cache-limit 0): koe has
# no result cache and the load test cycles through a fixed query list, which a
# cache would otherwise answer from memory. Threads: 2 (= cores on the bench machine).
set -euo pipefail
DBDIR=${1:?usage: serve.sh DBDIR PORT}
PORT=${2:?usage: serve.sh DBDIR PORT}
exec groonga --protocol http -s --bind-address 127.0.0.1 -p "$PORT" \
  --cache-limit 0 -t "${GROONGA_THREADS:-2}" -l warning --log-path "$DBDIR/groonga.log" \
  --query-log-path /dev/null "$DBDIR/db"
