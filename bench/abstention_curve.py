#!/usr/bin/env python3
"""The out-of-scope rule's whole curve, from a running koe server and labeled voices.

For each voice of each set, asks POST /api/v1/match for its best projects (with their
strength and evidence, which koe reports whatever it decides), then replays the rule
"out of scope when strength < S or evidence < E" over a grid of S and E and prints, per
point: out-of-scope recall, in-scope voices wrongly abstained, and end-to-end accuracy, over
all the sets together and per set. Standard library only.

  bench/abstention_curve.py --server http://127.0.0.1:8080 SET_DIR [SET_DIR...] [--json OUT]

SET_DIR holds comments.jsonl in the format of ../shared/eval (id, text, gold, primary, scope).
Sets over different corpora need different servers: give SERVER=DIR pairs with --pair.
"""
import argparse
import json
import sys
import urllib.request


def match(server, text):
    req = urllib.request.Request(server.rstrip("/") + "/api/v1/match",
                                 data=json.dumps({"text": text, "limit": 5}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)


def load(server, set_dir):
    rows = []
    with open(f"{set_dir}/comments.jsonl", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            v = json.loads(line)
            try:
                m = match(server, v["text"])
            except Exception as e:  # a voice koe refuses (nothing to match) counts as abstained
                m = {"matches": []}
            top = m["matches"][0] if m["matches"] else None
            rows.append({
                "set": set_dir, "id": v["id"], "scope": v["scope"], "gold": v.get("gold") or [],
                "top": top["project"]["name"] if top else None,
                "strength": top["strength"] if top else 0.0,
                "evidence": top["evidence"] if top else 0.0,
                "coverage": top.get("coverage", 1.0) if top else 0.0,
                "referral": (m.get("referral") or {}).get("body"),
            })
    return rows


def score(rows, s, e, c=0.0):
    oos = [r for r in rows if r["scope"] == "out"]
    ins = [r for r in rows if r["scope"] == "in"]
    abstain = lambda r: r["top"] is None or r["strength"] < s or r["evidence"] < e or r["coverage"] < c
    oos_recall = sum(abstain(r) for r in oos) / len(oos) if oos else float("nan")
    wrongly = sum(abstain(r) for r in ins) / len(ins) if ins else float("nan")
    right = sum(abstain(r) for r in oos) + sum((not abstain(r)) and r["top"] in r["gold"] for r in ins)
    return oos_recall, wrongly, right / len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pair", action="append", required=True, help="SERVER=SET_DIR")
    ap.add_argument("--json", help="write every voice's strength and evidence here")
    ap.add_argument("--strengths", default="0,0.8,1.0,1.2,1.4,1.55,1.7,1.9,2.1,2.4,2.8")
    ap.add_argument("--evidences", default="0,0.2,0.35,0.5,0.65,0.8,1.0")
    ap.add_argument("--coverages", default="0")
    args = ap.parse_args()
    rows = []
    for pair in args.pair:
        server, set_dir = pair.split("=", 1)
        rows += load(server, set_dir)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, ensure_ascii=False, indent=1)
    sets = sorted({r["set"] for r in rows})
    print("S\tE\tC\toos_recall\twrongly_abstained\tend_to_end\t" + "\t".join(f"e2e:{s.rstrip('/').split('/')[-1]}" for s in sets))
    for s in map(float, args.strengths.split(",")):
        for e in map(float, args.evidences.split(",")):
          for c in map(float, args.coverages.split(",")):
            o, w, a = score(rows, s, e, c)
            per = [score([r for r in rows if r["set"] == st], s, e, c)[2] for st in sets]
            print(f"{s}\t{e}\t{c}\t{o:.3f}\t{w:.3f}\t{a:.3f}\t" + "\t".join(f"{x:.3f}" for x in per))


if __name__ == "__main__":
    sys.exit(main())
