#!/usr/bin/env bash
# Usage: bench/groonga/load.sh SECTIONS_JSONL DBDIR
# Creates a fresh Groonga database DBDIR/db with table Sections (one record per
# section) and a TokenMecab + NormalizerAuto full-text index over `text`, loads
# the sections, and prints timings as key=value lines on stdout:
#   groonga_records groonga_load_s groonga_index_s groonga_total_s groonga_peak_rss_kb groonga_db_bytes
# (groonga_db_bytes = disk blocks actually allocated, du -s --block-size=1)
# The JSONL -> `load` conversion is done first and is NOT timed (koe is timed
# from its TSV input, which it must parse; Groonga is handed ready JSON).
# Data are loaded first and the index column created afterwards (Groonga's
# static index construction, its fastest way to index a bulk load).
set -euo pipefail
JSONL=${1:?usage: load.sh SECTIONS_JSONL DBDIR}
DBDIR=${2:?usage: load.sh SECTIONS_JSONL DBDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
command -v groonga >/dev/null || { echo "load.sh: groonga not installed (apt-get install groonga-bin groonga-tokenizer-mecab)" >&2; exit 2; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "load.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }

rm -rf "$DBDIR"; mkdir -p "$DBDIR"
DB="$DBDIR/db"
LOADCMD="$DBDIR/.load.grn"
python3 "$HERE/jsonl_to_load.py" "$JSONL" > "$LOADCMD"

groonga -n "$DB" > "$DBDIR/.schema.out" <<'GRN'
plugin_register tokenizers/mecab
table_create Sections TABLE_NO_KEY
column_create Sections department COLUMN_SCALAR ShortText
column_create Sections project_id COLUMN_SCALAR ShortText
column_create Sections project COLUMN_SCALAR ShortText
column_create Sections division COLUMN_SCALAR ShortText
column_create Sections kind COLUMN_SCALAR ShortText
column_create Sections label COLUMN_SCALAR ShortText
column_create Sections text COLUMN_SCALAR Text
column_create Sections source COLUMN_SCALAR ShortText
table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenMecab --normalizer NormalizerAuto
GRN
grep -q '\[\[-[0-9]' "$DBDIR/.schema.out" && { echo "load.sh: schema failed:" >&2; cat "$DBDIR/.schema.out" >&2; exit 1; }

# Accumulated per step: elapsed seconds and max RSS (KB).
"$TIME" -f '%e %M' -o "$DBDIR/.t_load" groonga "$DB" < "$LOADCMD" > "$DBDIR/.load.out"
echo 'column_create Terms sections_text COLUMN_INDEX|WITH_POSITION Sections text' > "$DBDIR/.index.grn"
"$TIME" -f '%e %M' -o "$DBDIR/.t_index" groonga "$DB" < "$DBDIR/.index.grn" > "$DBDIR/.index.out"
grep -q '\[\[-[0-9]' "$DBDIR/.load.out" "$DBDIR/.index.out" && { echo "load.sh: groonga reported an error:" >&2; head -c 2000 "$DBDIR/.load.out" "$DBDIR/.index.out" >&2; exit 1; }

read -r LOAD_S LOAD_KB < "$DBDIR/.t_load"
read -r INDEX_S INDEX_KB < "$DBDIR/.t_index"
RECORDS=$(sed -n 's/^\[\[0,[^]]*\],\([0-9]*\)\]$/\1/p' "$DBDIR/.load.out" | tail -1)
rm -f "$LOADCMD"
DB_BYTES=$(du -s --block-size=1 "$DBDIR" | cut -f1)   # allocated, not apparent (Groonga files are sparse)
echo "groonga_records=${RECORDS:-?}"
echo "groonga_load_s=$LOAD_S"
echo "groonga_index_s=$INDEX_S"
echo "groonga_total_s=$(python3 -c "print(round($LOAD_S+$INDEX_S,2))")"
echo "groonga_peak_rss_kb=$(( LOAD_KB > INDEX_KB ? LOAD_KB : INDEX_KB ))"
echo "groonga_db_bytes=$DB_BYTES"
