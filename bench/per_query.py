#!/usr/bin/env python3
"""Per-query latency against a running server, slowest first (bench tool).

    python3 bench/per_query.py --url http://127.0.0.1:8080 --engine koe --mode search [--top 20]
    python3 bench/per_query.py --url http://127.0.0.1:18181 --engine groonga --mode match

One request at a time on a fresh connection (no keep-alive, so no Nagle /
delayed-ACK stall), each query --repeat times (default 3), minimum kept.
Prints a summary (p50/p90/p99/max over queries) and the --top slowest queries,
with Groonga's hit count when --engine groonga: which queries cost the time.
Query files default to bench/queries/ (keywords.txt, voices.txt, voices_or.txt).
Standard library only; talks to 127.0.0.1 servers you started.
"""

import argparse
import json
import os
import statistics
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def request(url, engine, mode, q):
    if engine == "koe" and mode == "search":
        req = urllib.request.Request(f"{url}/api/v1/search?q={urllib.parse.quote(q)}&limit=10")
    elif engine == "koe":
        req = urllib.request.Request(f"{url}/api/v1/match", method="POST",
                                     data=json.dumps({"text": q, "limit": 5}).encode(),
                                     headers={"Content-Type": "application/json"})
    else:
        req = urllib.request.Request(
            f"{url}/d/select?table=Sections&match_columns=text&query={urllib.parse.quote(q)}"
            "&limit=10&output_columns=_id,_score&sort_keys=-_score&cache=no")
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as r:
        body = r.read()
    ms = (time.perf_counter() - t0) * 1000
    hits = ""
    if engine == "groonga":
        try:
            hits = json.loads(body)[1][0][0][0]
        except (ValueError, IndexError, KeyError, TypeError):
            hits = "?"
    return ms, hits


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--engine", choices=("koe", "groonga"), default="koe")
    ap.add_argument("--mode", choices=("search", "match"), default="search")
    ap.add_argument("--queries")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--top", type=int, default=20)
    a = ap.parse_args()
    qf = a.queries or os.path.join(HERE, "queries", {
        ("koe", "search"): "keywords.txt", ("koe", "match"): "voices.txt",
        ("groonga", "search"): "keywords.txt", ("groonga", "match"): "voices_or.txt"}[(a.engine, a.mode)])
    qs = [l.rstrip("\n") for l in open(qf, encoding="utf-8") if l.strip()]
    rows = []
    for q in qs:
        best, hits = None, ""
        for _ in range(a.repeat):
            ms, hits = request(a.url.rstrip("/"), a.engine, a.mode, q)
            best = ms if best is None else min(best, ms)
        rows.append((best, hits, q))
    ms = sorted(r[0] for r in rows)

    def pct(p):
        return ms[min(len(ms) - 1, int(round(p / 100 * (len(ms) - 1))))]

    print(f"{a.engine} {a.mode}: {len(ms)} queries, min of {a.repeat}; "
          f"p50 {pct(50):.2f} ms, p90 {pct(90):.2f}, p99 {pct(99):.2f}, max {ms[-1]:.2f}, "
          f"mean {statistics.mean(ms):.2f}")
    print(f"slowest {a.top}:")
    for t, hits, q in sorted(rows, reverse=True)[:a.top]:
        h = f"  hits={hits}" if hits != "" else ""
        print(f"  {t:8.2f} ms{h}  {q[:80]}")


if __name__ == "__main__":
    main()
