#!/usr/bin/env bash
# bench/desk_import.sh — a city's year of voices imported into the desk, each one routed and
# masked, as `koe voices import` does it (issue 12: 10,000 voices in 60 s or less).
#
#   bench/desk_import.sh [--voices N] [--corpus DIR] [--work DIR]
#
# Writes N voices (default 10,000; seeded, koe's own labeled voices with varied endings) as a
# city's CSV export with Japanese columns, indexes the corpus (default tests/data/corpus-city,
# 84 projects) unless the work directory holds its index, then times the import into a fresh
# store with /usr/bin/time: wall, user and system seconds, voices/s and peak RSS.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KOE=${KOE:-$ROOT/build/koe}
N=10000
CORPUS=$ROOT/tests/data/corpus-city
WORK=${TMPDIR:-/tmp}/koe-desk-import
while (($#)); do
  case "$1" in
    --voices) N=$2; shift 2 ;;
    --corpus) CORPUS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "desk_import.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$WORK"
[[ -d $WORK/db ]] || "$KOE" index --corpus "$CORPUS" --db "$WORK/db" >/dev/null
python3 - "$ROOT" "$N" "$WORK/voices.csv" <<'PY'
import csv, json, random, sys
root, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
random.seed(12)
texts = [json.loads(l)["text"] for f in ("city_voices.jsonl", "voices.jsonl")
         for l in open(f"{root}/tests/data/{f}", encoding="utf-8") if l.strip()]
tails = ["", "よろしくお願いします。", "早めの対応を望みます。", "市の考えを聞かせてください。", "近所の人も困っています。"]
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["受付番号", "受付日", "受付方法", "内容"])
    for i in range(n):
        w.writerow([f"R6-{i:05d}", f"2024/{random.randint(1, 12)}/{random.randint(1, 28)}",
                    random.choice(["手紙", "電話", "メール", "窓口"]), random.choice(texts) + random.choice(tails)])
PY
rm -f "$WORK"/store.sqlite3*
/usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" \
  "$KOE" voices import --store "$WORK/store.sqlite3" --db "$WORK/db" --in "$WORK/voices.csv"
read -r wall user sys rss <"$WORK/time.txt"
python3 -c "import sys; w=float('$wall'); print(f'imported $N voices: wall {w:.1f} s ({$N/w:,.0f} voices/s), user $user s, sys $sys s, peak RSS {int($rss)//1024} MB')"
