#!/usr/bin/env python3
"""koe section JSON Lines (stdin or FILE) -> Groonga `load --table Sections` command (stdout), streamed."""
import json
import sys

COLS = ("department", "project_id", "project", "division", "kind", "label", "text", "source")


def main():
    src = open(sys.argv[1], encoding="utf-8") if len(sys.argv) > 1 else sys.stdin
    out = sys.stdout
    out.write("load --table Sections\n[\n")
    first = True
    for line in src:
        if not line.strip():
            continue
        s = json.loads(line)
        rec = {k: (s.get(k) or "") for k in COLS}
        out.write(("" if first else ",\n") + json.dumps(rec, ensure_ascii=False))
        first = False
    out.write("\n]\n")


if __name__ == "__main__":
    main()
