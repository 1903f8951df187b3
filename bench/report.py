#!/usr/bin/env python3
"""Formats run_all.sh's raw records (size, engine, metric, value TSV) as Markdown tables.

    python3 bench/report.py bench/results/<stamp>.tsv

Repeated measurements (rounds) are reduced to their median; errors are summed
over rounds; server RSS is the maximum over rounds.
"""

import statistics
import sys
from collections import defaultdict

TARGETS_AT = 100000


def load(path):
    host = {}
    rec = defaultdict(list)
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) != 4:
            continue
        size, eng, metric, val = parts
        if size == "host":
            host[metric] = val
            continue
        rec[(int(size), eng, metric)].append(val)
    return host, rec


def num(vals):
    out = []
    for v in vals:
        try:
            out.append(float(v))
        except ValueError:
            pass
    return out


class R:
    def __init__(self, rec):
        self.rec = rec

    def med(self, size, eng, metric):
        v = num(self.rec.get((size, eng, metric), []))
        return statistics.median(v) if v else None

    def sum(self, size, eng, metric):
        v = num(self.rec.get((size, eng, metric), []))
        return sum(v) if v else None

    def max(self, size, eng, metric):
        v = num(self.rec.get((size, eng, metric), []))
        return max(v) if v else None

    def n(self, size, eng, metric):
        return len(self.rec.get((size, eng, metric), []))

    def raw(self, size, eng, metric):
        v = self.rec.get((size, eng, metric), [])
        return v[-1] if v else None


def f(x, nd=1):
    if x is None:
        return "n/a"
    if nd == 0:
        return f"{x:,.0f}"
    return f"{x:,.{nd}f}"


def mb(kb):
    return None if not kb else kb / 1024


def ratio(a, b, nd=2):
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.{nd}f}"


def human_size(s):
    return f"{s // 1000000}M" if s >= 1000000 else f"{s // 1000}k"


def main():
    host, rec = load(sys.argv[1])
    r = R(rec)
    sizes = sorted({k[0] for k in rec})
    P = print
    P("## Machine and parameters\n")
    for k in ("cpu", "cores", "mem", "kernel", "groonga", "mecab", "wrk", "koe", "params",
              "loadavg_start", "loadavg_end"):
        if k in host:
            P(f"- {k}: {host[k]}")
    P()

    P("## Corpus\n")
    P("| sections | documents | TSV MB | section text MB | sections read by |")
    P("|---:|---:|---:|---:|---|")
    for s in sizes:
        P(f"| {f(r.med(s, 'corpus', 'sections'), 0)} | {f(r.med(s, 'corpus', 'documents'), 0)} | "
          f"{f((r.med(s, 'corpus', 'bytes') or 0) / 1e6)} | {f((r.med(s, 'corpus', 'text_bytes') or 0) / 1e6)} | "
          f"{r.raw(s, 'corpus', 'dumper') or 'n/a'} |")
    P()

    P("## Indexing (median of rounds; koe and Groonga alternated)\n")
    P("MB/s is section text (UTF-8) per second. Groonga = `load` then static index build "
      "(TokenMecab, NormalizerAuto), from ready JSON. Index size = disk blocks allocated. "
      "MeCab alone = `mecab -d ipadic-utf8` over the same section text, output discarded.\n")
    P("| sections | engine | rounds | time s | sections/s | MB/s | index MB | peak RSS MB |")
    P("|---:|---|---:|---:|---:|---:|---:|---:|")
    for s in sizes:
        nsec = r.med(s, "corpus", "dumped_sections") or r.med(s, "corpus", "sections")
        tmb = (r.med(s, "corpus", "text_bytes") or 0) / 1e6
        for eng in ("koe", "groonga", "mecab"):
            t = r.med(s, eng, "index_s")
            if t is None:
                continue
            db = r.med(s, eng, "db_bytes")
            P(f"| {f(s, 0)} | {eng if eng != 'mecab' else 'MeCab alone'} | {r.n(s, eng, 'index_s')} | {f(t, 2)} | "
              f"{f(nsec / t if t else None, 0)} | {f(tmb / t if t else None, 2)} | "
              f"{f(db / 1e6 if db else None)} | {f(mb(r.max(s, eng, 'peak_rss_kb')))} |")
    P()
    P("MeCab's share of koe's indexing time (MeCab alone / koe index):\n")
    P("| sections | MeCab s | koe s | share |")
    P("|---:|---:|---:|---:|")
    for s in sizes:
        m, k = r.med(s, "mecab", "index_s"), r.med(s, "koe", "index_s")
        P(f"| {f(s, 0)} | {f(m, 2)} | {f(k, 2)} | {ratio(m, k) if k else 'n/a'} |")
    P()

    P("## In-process query latency (koe-bench, ms)\n")
    P("| sections | search p50 | search p99 | match p50 | match p99 |")
    P("|---:|---:|---:|---:|---:|")
    for s in sizes:
        P(f"| {f(s, 0)} | " + " | ".join(f(r.med(s, "koe", f"inproc_{m}_{p}_ms"), 2)
                                        for m in ("search", "match") for p in ("p50", "p99")) + " |")
    P()

    P("## HTTP with wrk (median of rounds; koe and Groonga alternated)\n")
    P("search = keyword queries (koe `GET /api/v1/search`, Groonga `select` ANDed words); "
      "match = citizen voices (koe `POST /api/v1/match`, Groonga `select` OR of the voice's content words); "
      "mix = 4 search : 1 match. errors = non-2xx + Groonga error bodies + socket errors, summed over rounds; "
      "RSS = server VmRSS after the run, max over rounds.\n")
    P("| sections | engine | workload | conns | req/s | p50 ms | p99 ms | errors | server RSS MB |")
    P("|---:|---|---|---:|---:|---:|---:|---:|---:|")
    for s in sizes:
        for wl in ("search", "match", "mix"):
            for c in (8, 64):
                for eng in ("koe", "groonga"):
                    base = f"http_{wl}_c{c}_"
                    rps = r.med(s, eng, base + "rps")
                    if rps is None:
                        continue
                    errs = sum((r.sum(s, eng, base + k) or 0) for k in ("non2xx", "app_errors", "socket_errors"))
                    P(f"| {f(s, 0)} | {eng} | {wl} | {c} | {f(rps, 0)} | {f(r.med(s, eng, base + 'p50_ms'), 2)} | "
                      f"{f(r.med(s, eng, base + 'p99_ms'), 2)} | {f(errs, 0)} | "
                      f"{f(mb(r.max(s, eng, base + 'rss_kb')))} |")
    P()

    P("## koe / Groonga\n")
    P("Time, size and p99: below 1 favours koe. Requests/s: above 1 favours koe.\n")
    P("| sections | index time | index size | req/s search@64 | req/s match@64 | req/s mix@8 | req/s mix@64 | p99 search@64 | p99 match@64 | p99 mix@64 |")
    P("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in sizes:
        cells = [ratio(r.med(s, "koe", "index_s"), r.med(s, "groonga", "index_s")),
                 ratio(r.med(s, "koe", "db_bytes"), r.med(s, "groonga", "db_bytes"))]
        for m in ("http_search_c64_rps", "http_match_c64_rps", "http_mix_c8_rps", "http_mix_c64_rps",
                  "http_search_c64_p99_ms", "http_match_c64_p99_ms", "http_mix_c64_p99_ms"):
            cells.append(ratio(r.med(s, "koe", m), r.med(s, "groonga", m)))
        P(f"| {f(s, 0)} | " + " | ".join(cells) + " |")
    P()

    P("## Scaling, 1k to 1M sections (koe; Groonga for reference)\n")
    P("| sections | koe index s | koe sections/s | search p99 ms | match p99 ms | koe mix@64 req/s | koe RSS MB | Groonga index s | Groonga mix@64 req/s |")
    P("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in sizes:
        kt = r.med(s, "koe", "index_s")
        nsec = r.med(s, "corpus", "dumped_sections") or s
        P(f"| {human_size(s)} | {f(kt, 2)} | {f(nsec / kt if kt else None, 0)} | "
          f"{f(r.med(s, 'koe', 'inproc_search_p99_ms'), 2)} | {f(r.med(s, 'koe', 'inproc_match_p99_ms'), 2)} | "
          f"{f(r.med(s, 'koe', 'http_mix_c64_rps'), 0)} | {f(mb(r.max(s, 'koe', 'server_hwm_kb')))} | "
          f"{f(r.med(s, 'groonga', 'index_s'), 2)} | {f(r.med(s, 'groonga', 'http_mix_c64_rps'), 0)} |")
    P()

    s = TARGETS_AT
    if s in sizes:
        P(f"## Targets at {human_size(s)} sections\n")
        P("| target | measured | met |")
        P("|---|---|---|")

        def row(name, val, ok):
            P(f"| {name} | {val} | {'n/a' if ok is None else ('yes' if ok else '**no**')} |")

        v = r.med(s, "koe", "inproc_search_p99_ms")
        row("search p99 ≤ 10 ms in-process", f(v, 2), None if v is None else v <= 10)
        v = r.med(s, "koe", "inproc_match_p99_ms")
        row("match p99 ≤ 30 ms in-process", f(v, 2), None if v is None else v <= 30)
        have = r.med(s, "koe", "http_mix_c64_rps") is not None
        e = sum((r.sum(s, "koe", f"http_{wl}_c64_{k}") or 0)
                for wl in ("search", "match", "mix") for k in ("non2xx", "app_errors", "socket_errors"))
        row("no errors over HTTP at 64 connections", f(e, 0) if have else "n/a", None if not have else e == 0)
        a, b = r.med(s, "koe", "http_mix_c64_rps"), r.med(s, "groonga", "http_mix_c64_rps")
        row("≥ 1.5× Groonga's req/s on the mix at 64 connections", ratio(a, b) + "×" if a and b else "n/a",
            None if not (a and b) else a / b >= 1.5)
        a, b = r.med(s, "koe", "index_s"), r.med(s, "groonga", "index_s")
        row("indexing no slower than Groonga + TokenMecab", ratio(a, b) + "× Groonga's time" if a and b else "n/a",
            None if not (a and b) else a <= b)
        v = r.max(s, "koe", "server_hwm_kb")
        row("server RSS < 500 MB (peak)", f(v / 1024) + " MB" if v else "n/a", None if not v else v / 1024 < 500)
        P()


if __name__ == "__main__":
    main()
