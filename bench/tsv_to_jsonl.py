#!/usr/bin/env python3
"""Corpus directory -> JSON Lines, one section per line (bench tool).

Stand-in for `koe corpus dump` until koe has it; same fields:
{"department","project_id","project","division","kind","label","text","items","source"}.
Uses bench/plandoc.py (not koe's parser). Streams: constant memory.

    python3 bench/tsv_to_jsonl.py CORPUS_DIR > sections.jsonl
    python3 bench/tsv_to_jsonl.py CORPUS_DIR --text-only > sections.txt   # one section text per line (for MeCab alone)
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plandoc  # noqa: E402

FIELDS = ("department", "project_id", "project", "division", "kind", "label", "text", "items", "source")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--text-only", action="store_true",
                    help="print each section's text on one line (newlines -> spaces)")
    a = ap.parse_args()
    out = sys.stdout
    n = 0
    for path in plandoc.corpus_files(a.corpus):
        rel = os.path.relpath(path, a.corpus)
        try:
            secs = plandoc.parse(path)
        except ValueError as e:
            sys.exit(f"tsv_to_jsonl: {e}")
        stem = os.path.splitext(rel)[0]
        for s in secs:
            s["source"] = rel + ":" + s["source"].rsplit(":", 1)[1]
            if s["project_id"]:
                s["project_id"] = stem + "#" + s["project_id"].rsplit("#", 1)[1]
            if a.text_only:
                out.write(s["text"].replace("\n", " ") + "\n")
            else:
                out.write(json.dumps({k: s[k] for k in FIELDS}, ensure_ascii=False) + "\n")
            n += 1
    print(f"tsv_to_jsonl: {n} sections", file=sys.stderr)


if __name__ == "__main__":
    main()
