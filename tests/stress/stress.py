#!/usr/bin/env python3
"""koe's stress suite (issue 15): hostile and heavy clients against a real `koe serve`.

Each probe starts its own `koe serve` on 127.0.0.1 (a free port) over an index built from a
corpus, runs for a bounded time, prints one line of figures and says whether the issue's
target held. The exit status is non-zero when a target was missed, the server died or it
answered 5xx. Python 3 standard library only.

    tests/stress/stress.py all [--short] [--koe build/koe]
    tests/stress/stress.py soak --seconds 120
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MB = 1024 * 1024

# ---------------------------------------------------------------------------------------------
# figures


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def statuses(counter: Counter) -> str:
    return " ".join(f"{k}:{v}" for k, v in sorted(counter.items(), key=lambda kv: str(kv[0]))) or "-"


@dataclass
class Outcome:
    name: str
    ok: bool
    line: str
    seconds: float = 0.0


@dataclass
class Stats:
    """What a load generator saw: latencies by kind, statuses, client-side errors."""

    latencies: dict = field(default_factory=dict)
    status: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)

    def add(self, kind: str, seconds: float, status: int) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.status[status] += 1

    def count(self) -> int:
        return sum(self.status.values())

    def non_2xx(self) -> int:
        return sum(v for k, v in self.status.items() if not 200 <= k < 300)

    def server_errors(self) -> int:
        return sum(v for k, v in self.status.items() if k >= 500)

    def describe(self, kind: str) -> str:
        lat = self.latencies.get(kind, [])
        if not lat:
            return f"{kind} n=0"
        return f"{kind} n={len(lat)} p50 {ms(percentile(lat, .5))} p99 {ms(percentile(lat, .99))} max {ms(max(lat))}"


# ---------------------------------------------------------------------------------------------
# HTTP/1.1 over asyncio streams: the client measures; nothing here may hide what the server did


class Closed(Exception):
    pass


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict, bytes]:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        raise Closed("closed before a response" if not e.partial else "closed inside a response head")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/"):
        raise Closed(f"not an HTTP response: {lines[0][:60]!r}")
    status = int(parts[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    try:
        body = await reader.readexactly(length) if length else b""
    except asyncio.IncompleteReadError:
        raise Closed("closed inside a response body")
    return status, headers, body


class Conn:
    """One keep-alive connection; reconnects when the server closed it."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port, limit=4 * MB)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, target: str, body: bytes | None = None,
                      content_type: str = "application/json", timeout: float = 30.0) -> tuple[int, dict, bytes]:
        if self.writer is None:
            await self.open()
        head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if body is not None:
            head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        try:
            self.writer.write(head.encode() + b"\r\n" + (body or b""))
            await self.writer.drain()
            status, headers, payload = await asyncio.wait_for(read_response(self.reader), timeout)
        except BaseException:
            self.close()
            raise
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, payload


def search_target(q: str, extra: str = "") -> str:
    return "/api/v1/search?q=" + urllib.parse.quote(q) + extra


def lines_of(path: Path) -> list[str]:
    return [l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


KEYWORDS = lines_of(REPO / "bench" / "queries" / "keywords.txt")
VOICES = lines_of(REPO / "bench" / "queries" / "voices.txt")


class Running:
    """Tells load generators to stop. Cancelling them instead is unreliable: Python 3.11's
    wait_for can swallow a cancellation that arrives as the response does."""

    def __init__(self, until: float = float("inf")):
        self.until = until

    def __bool__(self) -> bool:
        return time.monotonic() < self.until

    def stop(self) -> None:
        self.until = 0.0


async def mixed_load(port: int, conns: int, running: Running, stats: Stats, match_every: int = 5) -> None:
    """`conns` keep-alive clients cycling searches and, one request in `match_every`, a match
    (bench/'s 4:1 mix) while `running`."""

    async def client(k: int) -> None:
        c = Conn(port)
        rnd = random.Random(k)
        n = 0
        while running:
            n += 1
            kind = "match" if n % match_every == 0 else "search"
            started = time.perf_counter()
            try:
                if kind == "search":
                    status, _, _ = await c.request("GET", search_target(rnd.choice(KEYWORDS)))
                else:
                    body = json.dumps({"text": rnd.choice(VOICES)}, ensure_ascii=False).encode()
                    status, _, _ = await c.request("POST", "/api/v1/match", body)
                stats.add(kind, time.perf_counter() - started, status)
            except (OSError, Closed, asyncio.TimeoutError) as e:
                stats.errors[type(e).__name__] += 1
                await asyncio.sleep(0.01)
        c.close()

    await asyncio.gather(*(client(k) for k in range(conns)))


# ---------------------------------------------------------------------------------------------
# the server under test


def read_proc_status(pid: int) -> tuple[int, int]:
    """VmRSS and VmHWM in kB (0, 0 once the process is gone)."""
    rss = hwm = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
    except OSError:
        pass
    return rss, hwm


def clean_env(extra: dict | None = None) -> dict:
    """The environment without the caller's koe settings, so every run uses the defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOE_")}
    env.update(extra or {})
    return env


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def cpu_wait_seconds(pid: int) -> float:
    """Time the process's threads spent runnable but waiting for a CPU so far (schedstat): on a
    shared machine, what tells a slow koe from a starved one."""
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[1])
            except (OSError, IndexError, ValueError):
                pass
    except OSError:
        pass
    return total / 1e9


def http_sync(port: int, target: str, timeout: float = 5.0) -> tuple[int, bytes]:
    """One GET on a fresh connection, for set-up and health checks."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


class Server:
    """`koe serve` in a child process, its output in a log file."""

    def __init__(self, ctx: "Context", db: Path, name: str, env: dict | None = None):
        self.ctx, self.db, self.name = ctx, db, name
        self.env = clean_env(env)
        self.log = ctx.work / f"{name}.serve.log"
        self.proc = None
        self.port = 0

    def __enter__(self) -> "Server":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                [str(self.ctx.koe), "serve", "--db", str(self.db), "--host", "127.0.0.1", "--port", "0"],
                stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=REPO)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not self.port:
            if self.proc.poll() is not None:
                raise RuntimeError(f"koe serve exited {self.proc.returncode}: {self.log.read_text()[-500:]}")
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", self.log.read_text(errors="replace"))
            if m:
                self.port = int(m.group(1))
            else:
                time.sleep(0.05)
        if not self.port:
            raise RuntimeError(f"koe serve did not say its port: {self.log}")
        while time.monotonic() < deadline:
            try:
                if http_sync(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"koe serve never became healthy: {self.log}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def rss(self) -> tuple[int, int]:
        return read_proc_status(self.proc.pid)

    def healthy(self) -> bool:
        try:
            return self.alive() and http_sync(self.port, "/healthz")[0] == 200 and \
                http_sync(self.port, search_target("市民"))[0] == 200
        except OSError:
            return False

    def logged_5xx(self) -> int:
        """5xx lines in the access log: what the server says it answered, our clients aside."""
        return len(re.findall(rb'"status":5\d\d', self.log.read_bytes()))

    def stop(self) -> None:
        if not self.alive():
            return
        # A queued 5,000-voice batch would keep a draining server busy for minutes.
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(3)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class RssSampler:
    def __init__(self, pid: int, every: float = 0.05):
        self.pid, self.every = pid, every
        self.samples: list[tuple[float, int, int]] = []
        self.task = None

    async def run(self) -> None:
        t0 = time.monotonic()
        while True:
            rss, hwm = read_proc_status(self.pid)
            self.samples.append((time.monotonic() - t0, rss, hwm))
            await asyncio.sleep(self.every)

    def __enter__(self):
        self.task = asyncio.get_running_loop().create_task(self.run())
        return self

    def __exit__(self, *exc):
        self.task.cancel()

    def peak(self) -> int:
        return max((s[1] for s in self.samples), default=0)

    def at(self, t: float) -> int:
        """RSS at the first sample from `t` seconds on."""
        for s in self.samples:
            if s[0] >= t:
                return s[1]
        return self.samples[-1][1] if self.samples else 0


# ---------------------------------------------------------------------------------------------
# the run's settings and shared index


@dataclass
class Context:
    koe: Path
    work: Path
    short: bool
    corpus: Path
    base_db: Path = None
    seconds: float | None = None  # overrides a probe's duration

    def duration(self, short: float, long: float) -> float:
        if self.seconds:
            return self.seconds
        return short if self.short else long

    def koe_run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        r = subprocess.run([str(self.koe), *args], capture_output=True, text=True, cwd=REPO,
                           env=clean_env())
        if check and r.returncode != 0:
            raise RuntimeError(f"koe {' '.join(args)} exited {r.returncode}: {r.stderr[-500:]}")
        return r

    def supports_rebuild(self) -> bool:
        return "--rebuild" in self.koe_run("index", "--help", check=False).stdout

    def private_copy(self, name: str) -> tuple[Path, Path]:
        """A corpus and an index of it that only this probe changes."""
        root = self.work / name
        if root.exists():
            shutil.rmtree(root)
        corpus = root / self.corpus.name
        shutil.copytree(self.corpus, corpus)
        db = root / "db"
        self.koe_run("index", "--corpus", str(corpus), "--db", str(db))
        return corpus, db


async def koe_async(ctx: Context, *args: str) -> tuple[int, str, float]:
    started = time.monotonic()
    p = await asyncio.create_subprocess_exec(str(ctx.koe), *args, stdout=asyncio.subprocess.PIPE,
                                             stderr=asyncio.subprocess.STDOUT, cwd=REPO,
                                             env=clean_env())
    out, _ = await p.communicate()
    return p.returncode, out.decode(errors="replace"), time.monotonic() - started


# ---------------------------------------------------------------------------------------------
# probes


async def probe_slow_clients(ctx: Context) -> Outcome:
    """120 connections dripping a request head at 1 byte/s and 120 open and silent; a new
    client's search must still answer within 0.5 s."""
    seconds = ctx.duration(6, 30)
    drip_n, idle_n = 120, 120
    with Server(ctx, ctx.base_db, "slow") as srv:
        loop = asyncio.get_running_loop()
        until = loop.time() + seconds
        reconnects = Counter()

        async def dripper(k: int) -> None:
            head = (f"GET {search_target('市民')} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-{k}: "
                    + "a" * 10_000).encode()
            while loop.time() < until:
                try:
                    _, w = await asyncio.open_connection("127.0.0.1", srv.port)
                    for b in head:
                        if loop.time() >= until:
                            break
                        w.write(bytes([b]))
                        await w.drain()
                        await asyncio.sleep(1.0)
                    w.close()
                except OSError:
                    reconnects["drip"] += 1  # the server gave up on us: come back, as an attacker would
                    await asyncio.sleep(0.1)

        async def idler() -> None:
            while loop.time() < until:
                try:
                    r, w = await asyncio.open_connection("127.0.0.1", srv.port)
                    await asyncio.wait_for(r.read(1), max(0.01, until - loop.time()))
                    reconnects["idle"] += 1
                    w.close()
                except asyncio.TimeoutError:
                    w.close()
                except OSError:
                    reconnects["idle"] += 1
                    await asyncio.sleep(0.1)

        stats = Stats()

        async def searcher() -> None:
            await asyncio.sleep(1.5)  # every attacker connected first
            rnd = random.Random(1)
            while loop.time() < until:
                c = Conn(srv.port)  # a new visitor each time: a fresh connection
                started = time.perf_counter()
                try:
                    status, _, _ = await c.request("GET", search_target(rnd.choice(KEYWORDS)), timeout=10)
                    stats.add("search", time.perf_counter() - started, status)
                except (OSError, Closed, asyncio.TimeoutError) as e:
                    stats.errors[type(e).__name__] += 1
                c.close()
                await asyncio.sleep(0.1)

        tasks = [dripper(k) for k in range(drip_n)] + [idler() for _ in range(idle_n)] + [searcher()]
        rss0 = srv.rss()[0]
        await asyncio.gather(*tasks)
        lat = stats.latencies.get("search", [])
        worst = max(lat, default=float("inf"))
        ok = bool(lat) and worst < 0.5 and stats.non_2xx() == 0 and not stats.errors and srv.healthy()
        return Outcome("slow-clients", ok,
                       f"{drip_n} dripping + {idle_n} idle for {seconds:.0f} s; {stats.describe('search')} "
                       f"(target every search < 500 ms); statuses {statuses(stats.status)} client errors "
                       f"{sum(stats.errors.values())}; attackers cut off and back {dict(reconnects)}; "
                       f"RSS {mb(rss0)} -> {mb(srv.rss()[0])}")


async def probe_big_request_lines(ctx: Context) -> Outcome:
    """Several 20 MB request lines at once: the server's memory must rise by < 100 MB."""
    n = 4 if ctx.short else 8
    size = 20 * MB
    with Server(ctx, ctx.base_db, "bigline") as srv:
        rss0, hwm0 = srv.rss()
        answers = Counter()
        sent = []

        async def one(k: int) -> None:
            r, w = await asyncio.open_connection("127.0.0.1", srv.port)
            reply = asyncio.ensure_future(read_response(r))
            chunk = b"a" * (256 * 1024)
            total = 0
            try:
                w.write(b"GET /api/v1/search?q=")
                while total < size:  # an attacker keeps sending whatever the server answered
                    w.write(chunk)
                    await asyncio.wait_for(w.drain(), 10)
                    total += len(chunk)
                w.write(b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                await asyncio.wait_for(w.drain(), 10)
            except (OSError, asyncio.TimeoutError):
                pass
            sent.append(total)
            try:
                status, _, _ = await asyncio.wait_for(reply, 15)
                answers[status] += 1
            except (OSError, Closed, asyncio.TimeoutError) as e:
                answers[type(e).__name__] += 1
            w.close()

        with RssSampler(srv.proc.pid, 0.02) as sampler:
            await asyncio.gather(*(one(k) for k in range(n)))
            await asyncio.sleep(0.3)
        rss1, hwm1 = srv.rss()
        rise = max(sampler.peak(), hwm1) - rss0
        # HWM counts from start-up, so its rise over the probe is the peak the probe caused.
        hwm_rise = hwm1 - hwm0
        ok = rise < 100 * 1024 and srv.healthy() and not any(isinstance(k, int) and k >= 500 for k in answers)
        return Outcome("big-request-lines", ok,
                       f"{n} x 20 MB request lines at once; answers {statuses(answers)}; client sent at most "
                       f"{max(sent) / MB:.1f} MB each before the server stopped reading; RSS {mb(rss0)} -> peak "
                       f"{mb(sampler.peak())} -> {mb(rss1)}, VmHWM {mb(hwm0)} -> {mb(hwm1)} (rise "
                       f"{max(rise, hwm_rise) / 1024:.1f} MB, target < 100 MB)")


def voice_batch(n: int, seed: int) -> bytes:
    rnd = random.Random(seed)
    return json.dumps([{"id": f"v{k}", "text": rnd.choice(VOICES)} for k in range(n)], ensure_ascii=False).encode()


async def probe_batch_flood(ctx: Context) -> Outcome:
    """8 clients posting 5,000-voice batches to /api/v1/route again and again while searches
    run: the searches' p99 must stay under 100 ms."""
    seconds = ctx.duration(10, 40)
    clients, voices = 8, 5000
    body = voice_batch(voices, 7)
    env = {"KOE_MAX_ROUTE_VOICES": str(voices), "KOE_MAX_ROUTE_BYTES": str(max(4 * MB, 2 * len(body)))}
    with Server(ctx, ctx.base_db, "batch", env) as srv:
        loop = asyncio.get_running_loop()
        until = 0.0
        routes = Stats()

        async def poster(k: int) -> None:
            c = Conn(srv.port)
            while loop.time() < until:
                started = time.perf_counter()
                try:
                    status, _, _ = await c.request("POST", "/api/v1/route", body,
                                                   timeout=max(0.1, until - loop.time()))
                    routes.add("route", time.perf_counter() - started, status)
                except asyncio.TimeoutError:
                    break  # still queued when the probe ends
                except (OSError, Closed) as e:
                    routes.errors[type(e).__name__] += 1
                    await asyncio.sleep(0.1)
            c.close()

        async def searcher(stats: Stats, running: Running) -> None:
            c = Conn(srv.port)
            rnd = random.Random(3)
            while running:
                started = time.perf_counter()
                try:
                    status, _, _ = await c.request("GET", search_target(rnd.choice(KEYWORDS)))
                    stats.add("search", time.perf_counter() - started, status)
                except (OSError, Closed, asyncio.TimeoutError) as e:
                    stats.errors[type(e).__name__] += 1
                await asyncio.sleep(0.02)
            c.close()

        # The same searches alone first: on a shared machine, what the tail is without koe's
        # batches tells noise from their effect.
        alone = Stats()
        await searcher(alone, Running(time.monotonic() + ctx.duration(3, 10)))
        until = loop.time() + seconds
        searches = Stats()

        async def searches_beside_batches() -> None:
            await asyncio.sleep(1.0)  # the batches are queued and running
            await searcher(searches, Running(time.monotonic() + seconds - 1.0))

        cpu0, wait0 = cpu_seconds(srv.proc.pid), cpu_wait_seconds(srv.proc.pid)
        with RssSampler(srv.proc.pid, 0.5) as sampler:
            await asyncio.gather(searches_beside_batches(), *(poster(k) for k in range(clients)))
        cpu = cpu_seconds(srv.proc.pid) - cpu0
        waited = cpu_wait_seconds(srv.proc.pid) - wait0
        lat = searches.latencies.get("search", [])
        p99 = percentile(lat, .99)
        done = routes.status.get(200, 0)
        ok = bool(lat) and p99 < 0.1 and searches.non_2xx() == 0 and routes.server_errors() == 0 and \
            not searches.errors and srv.healthy()
        return Outcome("batch-flood", ok,
                       f"{clients} clients x {voices}-voice batches ({len(body) / MB:.1f} MB) for {seconds:.0f} s: "
                       f"{done} batches routed, route statuses {statuses(routes.status)}, server CPU "
                       f"{cpu / seconds:.2f} cores, its threads waiting for a CPU {waited / seconds:.2f} of each "
                       f"second; meanwhile {searches.describe('search')} (target p99 < 100 ms; "
                       f"before the batches {alone.describe('search')}), search non-2xx "
                       f"{searches.non_2xx() + alone.non_2xx()}; RSS peak {mb(sampler.peak())}")


async def probe_soak(ctx: Context) -> Outcome:
    """64 connections cycling searches and matches: 0 errors, 0 5xx, RSS flat after warm-up."""
    seconds = ctx.duration(12, 60)
    warm = 4 if seconds < 30 else 10
    conns = 64
    with Server(ctx, ctx.base_db, "soak") as srv:
        stats = Stats()
        loop = asyncio.get_running_loop()
        cpu0, wait0 = cpu_seconds(srv.proc.pid), cpu_wait_seconds(srv.proc.pid)
        with RssSampler(srv.proc.pid, 0.5) as sampler:
            await mixed_load(srv.port, conns, Running(time.monotonic() + seconds), stats)
        cpu = cpu_seconds(srv.proc.pid) - cpu0
        waited = cpu_wait_seconds(srv.proc.pid) - wait0
        rss_warm, rss_end = sampler.at(warm), sampler.samples[-1][1]
        growth = rss_end - rss_warm
        # Flat: what the allocator keeps for 64 connections' buffers is warm by then; a leak of
        # a few hundred bytes a request would show as tens of MB over the run.
        ok = stats.non_2xx() == 0 and not stats.errors and growth < max(8 * 1024, rss_warm // 10) and srv.healthy()
        return Outcome("soak", ok,
                       f"{conns} connections x {seconds:.0f} s: {stats.count()} requests "
                       f"({stats.count() / seconds:.0f}/s; server CPU {cpu:.1f} s = {cpu / max(1, stats.count()) * 1000:.1f} ms a "
                       f"request, {cpu / seconds:.2f} cores, waiting for a CPU {waited / seconds:.2f} of each second), "
                       f"{stats.describe('search')}, {stats.describe('match')}; "
                       f"statuses {statuses(stats.status)}, client errors {sum(stats.errors.values())}; RSS at "
                       f"{warm} s {mb(rss_warm)}, at end {mb(rss_end)} (growth {growth / 1024:+.1f} MB, "
                       f"target flat), peak {mb(sampler.peak())}")


# Made-up katakana words: no document holds them, so a search finds only the text put in.
def marker(k: int) -> str:
    rnd = random.Random(1000 + k)
    return "".join(rnd.choice("ピポパペプズンドコケロミタヌモルガ") for _ in range(6))


ANCHOR_FILE = Path("2026") / "shichokoshitsu.tsv"
ANCHOR = "桑都ペイの返礼品への活用"


class TextChanger:
    """Replaces a phrase of one plan document with a new marker word each time."""

    def __init__(self, corpus: Path):
        self.path = corpus / ANCHOR_FILE
        self.current = ANCHOR
        self.k = 0

    def next(self) -> str:
        self.k += 1
        word = marker(self.k) + "の返礼品への活用"
        text = self.path.read_text(encoding="utf-8")
        assert self.current in text, f"{self.current} not in {self.path}"
        self.path.write_text(text.replace(self.current, word, 1), encoding="utf-8")
        self.current = word
        return marker(self.k)


@dataclass
class Live:
    """When a search first found new text, in seconds after the index command returned: `sent`
    is when that search was sent (the new text was visible to it), `answered` when its answer
    arrived (that plus its wait behind the load's requests)."""

    sent: float
    answered: float
    polls: int
    seen: Counter


async def time_until_live(port: int, word: str, limit: float = 10.0) -> Live:
    """Polls a search for `word` on one connection until it finds it."""
    c = Conn(port)
    seen = Counter()
    started = time.monotonic()
    try:
        while time.monotonic() - started < limit:
            sent = time.monotonic() - started
            try:
                status, _, body = await c.request("GET", search_target(word))
                seen[status] += 1
                if status == 200 and json.loads(body)["total_all_words"] >= 1:
                    return Live(sent, time.monotonic() - started, sum(seen.values()), seen)
            except (OSError, Closed, asyncio.TimeoutError) as e:
                seen[type(e).__name__] += 1
            await asyncio.sleep(0.002)
        return Live(float("inf"), float("inf"), sum(seen.values()), seen)
    finally:
        c.close()


def describe_live(lives: list[Live]) -> str:
    first = sum(l.polls == 1 for l in lives)
    return (f"new text visible to a search sent {ms(max(l.sent for l in lives))} max after the command returned "
            f"(target <= 300 ms; the first search sent found it in {first}/{len(lives)} rounds), its answer "
            f"arriving after {ms(percentile([l.answered for l in lives], .5))} median, "
            f"{ms(max(l.answered for l in lives))} max behind the load")


async def probe_reindex_under_load(ctx: Context) -> Outcome:
    """`koe index` on the served index while load runs: 0 non-2xx, the new text searchable
    within 0.3 s of the command returning."""
    rounds = 3 if ctx.short else 10
    corpus, db = ctx.private_copy("reindex")
    changer = TextChanger(corpus)
    with Server(ctx, db, "reindex") as srv:
        loop = asyncio.get_running_loop()
        stats = Stats()
        running = Running()
        load = asyncio.ensure_future(mixed_load(srv.port, 16, running, stats))
        await asyncio.sleep(1.0)
        lives, index_s = [], []
        failures = []
        for _ in range(rounds):
            word = changer.next()
            rc, out, took = await koe_async(ctx, "index", "--corpus", str(corpus), "--db", str(db))
            if rc != 0:
                failures.append(f"koe index exited {rc}: {out[-200:]}")
            index_s.append(took)
            lives.append(await time_until_live(srv.port, word))
            await asyncio.sleep(0.3)
        running.stop()
        await load
        ok = not failures and stats.non_2xx() == 0 and max(l.sent for l in lives) <= 0.3 and srv.healthy() and \
            all(k == 200 for l in lives for k in l.seen)
        return Outcome("reindex-under-load", ok,
                       f"{rounds} x koe index (one document changed) under 16 connections of load: index "
                       f"{percentile(index_s, .5):.2f} s median; {describe_live(lives)}; load {stats.count()} requests, "
                       f"{stats.describe('search')}, statuses "
                       f"{statuses(stats.status)}, client errors {sum(stats.errors.values())}"
                       + (f"; {failures[0]}" if failures else ""))


async def probe_rebuild_in_place(ctx: Context) -> Outcome:
    """Delete the index and build it again while load runs (the old way answers 503 for a
    while), then `koe index --rebuild` (built aside, swapped in): 0 non-2xx."""
    corpus, db = ctx.private_copy("rebuild")
    changer = TextChanger(corpus)
    rounds = 2 if ctx.short else 5
    with Server(ctx, db, "rebuild") as srv:
        loop = asyncio.get_running_loop()
        figures = []
        ok = True

        async def under_load(action) -> tuple[Stats, object]:
            stats = Stats()
            running = Running()
            load = asyncio.ensure_future(mixed_load(srv.port, 16, running, stats))
            await asyncio.sleep(0.5)
            result = await action()
            await asyncio.sleep(0.5)
            running.stop()
            await load
            return stats, result

        async def delete_and_index():
            word = changer.next()
            shutil.rmtree(db)
            rc, out, took = await koe_async(ctx, "index", "--corpus", str(corpus), "--db", str(db))
            return rc, took, await time_until_live(srv.port, word)

        stats, (rc, took, live) = await under_load(delete_and_index)
        figures.append(f"rm -rf + koe index: {stats.count()} requests, non-2xx {stats.non_2xx()} "
                       f"({statuses(stats.status)}), index {took:.2f} s, new text answered {ms(live.answered)} after it")
        ok &= rc == 0  # its 503s are the old behaviour this probe reports, not a target

        if ctx.supports_rebuild():
            async def rebuilds():
                lives, out_took, rcs = [], [], []
                for _ in range(rounds):
                    word = changer.next()
                    rc, out, took = await koe_async(ctx, "index", "--rebuild", "--corpus", str(corpus), "--db", str(db))
                    rcs.append((rc, out))
                    lives.append(await time_until_live(srv.port, word))
                    out_took.append(took)
                # An incremental run on the swapped-in index keeps working.
                word = changer.next()
                rc, out, _ = await koe_async(ctx, "index", "--corpus", str(corpus), "--db", str(db))
                rcs.append((rc, out))
                lives.append(await time_until_live(srv.port, word))
                return rcs, out_took, lives

            stats, (rcs, took, lives) = await under_load(rebuilds)
            litter = sorted(p.name for p in db.iterdir())
            bad_rc = [out[-200:] for rc, out in rcs if rc != 0]
            figures.append(f"{rounds} x koe index --rebuild then 1 incremental: {stats.count()} requests, non-2xx "
                           f"{stats.non_2xx()} ({statuses(stats.status)}, target 0), rebuild "
                           f"{percentile(took, .5):.2f} s median, {describe_live(lives)}; db holds {litter}"
                           + (f"; koe index failed: {bad_rc[0]}" if bad_rc else ""))
            ok &= stats.non_2xx() == 0 and not stats.errors and not bad_rc and max(l.sent for l in lives) <= 0.3
            ok &= len([n for n in litter if n.startswith("gen-")]) == 1
        else:
            figures.append("koe index --rebuild: not in this koe")
            ok = False
        ok &= srv.healthy()
        return Outcome("rebuild-in-place", ok, "; ".join(figures))


async def probe_kill_during_index(ctx: Context) -> Outcome:
    """kill -9 `koe index` at several moments of a big run: the last committed state still
    opens and searches, and the next `koe index` succeeds (no stale lock, no litter)."""
    sections = 4000 if ctx.short else 20000
    root = ctx.work / "kill9"
    if root.exists():
        shutil.rmtree(root)
    big = root / "big-corpus"
    subprocess.run([sys.executable, str(REPO / "bench" / "gen_corpus.py"), "--sections", str(sections),
                    "--out", str(big), "--quiet", "--seed", "15"], check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    small = REPO / "corpus"

    def sections_of(port: int) -> int:
        status, body = http_sync(port, "/healthz")
        return json.loads(body)["sections"] if status == 200 else -status

    # How long an uninterrupted run takes, to aim the kills.
    scratch = root / "scratch-db"
    started = time.monotonic()
    r = ctx.koe_run("index", "--corpus", str(big), "--db", str(scratch))
    full_seconds = time.monotonic() - started
    full_sections = int(re.search(r"(\d+) sections", r.stdout).group(1))
    shutil.rmtree(scratch)

    modes = [("update", [])] + ([("rebuild", ["--rebuild"])] if ctx.supports_rebuild() else [])
    figures, ok = [], True
    for mode, flags in modes:
        db = root / f"db-{mode}"
        ctx.koe_run("index", "--corpus", str(small), "--db", str(db))
        with Server(ctx, db, f"kill9-{mode}") as srv:
            before = sections_of(srv.port)
            seen = []
            for fraction in (0.1, 0.4, 0.7, 0.85, 0.95):
                p = subprocess.Popen([str(ctx.koe), "index", *flags, "--corpus", str(big), "--db", str(db)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO,
                                     env=clean_env())
                time.sleep(full_seconds * fraction)
                finished = p.poll() is not None
                p.kill()
                p.wait()
                now = sections_of(srv.port)
                cli = ctx.koe_run("search", "--db", str(db), "市民", check=False)
                seen.append(f"{fraction:.0%}:{'done' if finished else 'killed'}:{now}")
                ok &= now in (before, full_sections) and cli.returncode == 0
            left = sorted(p.name for p in db.iterdir() if p.name.startswith("gen-") or p.name.endswith(".tmp"))
            # The next run must take the lock and finish.
            r = ctx.koe_run("index", *flags, "--corpus", str(big), "--db", str(db), check=False)
            after = sections_of(srv.port)
            cli = ctx.koe_run("search", "--db", str(db), "市民", check=False)
            entries = sorted(p.name for p in db.iterdir())
            litter = [n for n in entries if n.endswith(".tmp")] + \
                ([n for n in entries if n.startswith("gen-")][1:] if mode == "rebuild" else [])
            ok &= r.returncode == 0 and after == full_sections and cli.returncode == 0 and not litter and srv.healthy()
            figures.append(f"{mode}: kills at {' '.join(seen)} (sections before {before}, full {full_sections}); "
                           f"left by the kills {left or 'nothing'}; next run exit {r.returncode}, sections {after}, litter after it "
                           f"{litter or 'none'}")
    if len(modes) == 1:
        figures.append("rebuild: --rebuild not in this koe")
        ok = False
    return Outcome("kill-9-during-index", ok,
                   f"{full_sections} sections, a full run {full_seconds:.1f} s; " + "; ".join(figures))


# ---- hostile requests


@dataclass
class Case:
    name: str
    data: bytes
    expect: tuple = ()        # acceptable first answers (status codes or "closed"/"reset"/"timeout"); () = any non-5xx
    fast: bool = False        # must be answered within 2 s (it must not hold a worker or a connection)
    no_leak: bool = False     # a traversal attempt: the body must not hold a file from outside the web root
    wait: float = 8.0


def req(method: str, target: str | bytes, headers: list | None = None, body: bytes = b"",
        version: bytes = b"HTTP/1.1") -> bytes:
    t = target if isinstance(target, bytes) else target.encode()
    head = method.encode() + b" " + t + b" " + version + b"\r\nHost: 127.0.0.1\r\n"
    for h in headers or []:
        head += (h if isinstance(h, bytes) else h.encode()) + b"\r\n"
    return head + b"\r\n" + body


def post(target: str, body: bytes, ctype: str = "application/json", extra: list | None = None) -> bytes:
    return req("POST", target, [f"Content-Type: {ctype}", f"Content-Length: {len(body)}", *(extra or [])], body)


def hostile_cases(short: bool) -> list[Case]:
    deep = 60_000
    cases = [
        # deep JSON, numbers out of range, media types
        Case("deep JSON in a /route voice id", post("/api/v1/route", b'[{"id":' + b"[" * deep + b"]" * deep +
                                                    b',"text":"x"}]'), (400,)),
        Case("deep JSON under the voices", post("/api/v1/route", b"[" * deep + b"]" * deep), (400,)),
        Case("deep JSON objects under the voices", post("/api/v1/route", b'{"a":' * deep + b"1" + b"}" * deep), (400,)),
        Case("deep JSON in a /match body", post("/api/v1/match", b'{"text":' + b"[" * 30_000 + b"]" * 30_000 + b"}"),
             (400,)),
        Case("deep JSON over /match's limit", post("/api/v1/match", b"[" * deep + b"]" * deep), (413,)),
        Case("1e309 in a /match body", post("/api/v1/match", b'{"text":"\xe5\xb8\x82\xe6\xb0\x91","limit":1e309}'),
             (400,)),
        Case("1e309 as a voice id", post("/api/v1/route", b'[{"id":1e309,"text":"x"}]'), (400, 200)),
        Case("-1e309 and 1e-400", post("/api/v1/route", b'[{"id":-1e309,"text":"x"},{"id":1e-400,"text":"y"}]'),
             (400, 200)),
        Case("limit=1e309 in a search", req("GET", search_target("市民", "&limit=1e309")), (400,)),
        Case("limit=99999999999999999999", req("GET", search_target("市民", "&limit=99999999999999999999")), (400,)),
        Case("multipart to /match", post("/api/v1/match", b'--XYZ\r\nContent-Disposition: form-data; name="text"'
                                         b'\r\n\r\nabc\r\n--XYZ--\r\n', "multipart/form-data; boundary=XYZ"), (415,)),
        Case("multipart to /route", post("/api/v1/route", b"--XYZ\r\n\r\n" + b"a" * 5000 + b"\r\n--XYZ--\r\n",
                                         "multipart/form-data; boundary=XYZ"), (415,)),
        # framing
        Case("POST with a body and no Content-Length",
             req("POST", "/api/v1/match", ["Content-Type: application/json"], '{"text":"市民"}'.encode()),
             (400,), fast=True),
        Case("POST with no body and no Content-Length", req("POST", "/api/v1/match", ["Content-Type: application/json"]),
             (400, 411), fast=True),
    ]
    for garbage in ["abc", "-1", "1.5", "0x10", "+5", "1e3", "5 5", "5,5", "99999999999999999999999", ""]:
        cases.append(Case(f"Content-Length {garbage!r}",
                          req("POST", "/api/v1/match", ["Content-Type: application/json", f"Content-Length: {garbage}"],
                              b'{"text":"x"}'), (400, 413), fast=True))
    cases += [
        Case("two equal Content-Lengths", req("POST", "/api/v1/match", ["Content-Type: application/json",
                                                                       "Content-Length: 12", "Content-Length: 12"],
                                              b'{"text":"x"}'), (400,), fast=True),
        Case("two different Content-Lengths", req("POST", "/api/v1/match", ["Content-Type: application/json",
                                                                           "Content-Length: 12", "Content-Length: 3"],
                                                  b'{"text":"x"}'), (400,), fast=True),
        Case("Content-Length beside chunked", req("POST", "/api/v1/match", ["Content-Type: application/json",
                                                                           "Content-Length: 12",
                                                                           "Transfer-Encoding: chunked"],
                                                  b'c\r\n{"text":"x"}\r\n0\r\n\r\n'), (400,), fast=True),
        Case("Transfer-Encoding gzip", req("POST", "/api/v1/match", ["Transfer-Encoding: gzip"], b"abc"), (400,),
             fast=True),
        Case("Transfer-Encoding twice", req("POST", "/api/v1/match", ["Transfer-Encoding: chunked",
                                                                     "Transfer-Encoding: chunked"], b"0\r\n\r\n"),
             (400,), fast=True),
        Case("chunk size not hex", req("POST", "/api/v1/match", ["Content-Type: application/json",
                                                                "Transfer-Encoding: chunked"], b"zz\r\nabc\r\n0\r\n\r\n"),
             (400,), fast=True),
        Case("chunk size 2^72", req("POST", "/api/v1/match", ["Content-Type: application/json",
                                                             "Transfer-Encoding: chunked"],
                                    b"ffffffffffffffffff\r\nabc\r\n"), (400, 413), fast=True),
        Case("Expect: 100-continue for 20 MB", req("POST", "/api/v1/match", ["Content-Type: application/json",
                                                                            f"Content-Length: {20 * MB}",
                                                                            "Expect: 100-continue"]), (413,), fast=True),
        # paths
        Case("/static/koe.css%00.js", req("GET", "/static/koe.css%00.js"), (400, 404), fast=True),
        Case("/static/koe.css%00", req("GET", "/static/koe.css%00"), (400, 404), fast=True),
        Case("/%00", req("GET", "/%00"), (400, 404), fast=True),
        Case("/api/v1/search%00", req("GET", "/api/v1/search%00?q=x"), (400, 404), fast=True),
        Case("raw NUL in the target", req("GET", b"/static/koe.css\x00.js"), (400,), fast=True),
    ]
    for t in ["/static/../../../../../../etc/passwd", "/static/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
              "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/static/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
              "/static/..%5c..%5c..%5c..%5cetc%5cpasswd", "/static/..\\..\\..\\..\\etc\\passwd",
              "/static/%252e%252e/%252e%252e/etc/passwd", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
              "/static/....//....//....//etc/passwd", "/static/.%2e/.%2e/.%2e/.%2e/etc/passwd",
              "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "/static/..;/..;/..;/etc/passwd",
              "/static/koe.css/../../../src/server.cpp", "/static/../../src/server.cpp", "/static/../../CMakeLists.txt",
              "/../../../../etc/passwd", "/static/%00../../etc/passwd", "/static/..%00/etc/passwd",
              "/static/~/.bashrc", "/static/.", "/static/..", "/static/", "/projects/..%2f..%2f..%2fetc%2fpasswd",
              "/api/v1/projects/..%2f..%2fetc%2fpasswd", "http://127.0.0.1/static/../../../etc/passwd",
              "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fproc%2fself%2fenviron"]:
        cases.append(Case(f"traversal {t}", req("GET", t), (400, 403, 404), fast=True, no_leak=True))
    bad = b"\xff\xfe\xc0\xaf\xed\xa0\x80"
    cases += [
        # invalid UTF-8 everywhere
        Case("invalid UTF-8 in a path", req("GET", b"/api/v1/projects/" + bad), (400, 404), fast=True),
        Case("invalid UTF-8 percent-encoded in q", req("GET", "/api/v1/search?q=%FF%FE%C0%AF"), (400,), fast=True),
        Case("raw invalid UTF-8 in q", req("GET", b"/api/v1/search?q=" + bad), (400,), fast=True),
        Case("invalid UTF-8 in a parameter name", req("GET", b"/api/v1/search?q=x&" + bad + b"=1"), (200, 400),
             fast=True),
        Case("invalid UTF-8 in division", req("GET", "/api/v1/search?q=%E5%B8%82&division=%FF"), (200, 400),
             fast=True),
        Case("invalid UTF-8 in a header value", req("GET", "/healthz", [b"X-Test: " + bad]), (200, 400), fast=True),
        Case("invalid UTF-8 in Origin", req("GET", "/api/v1/projects", [b"Origin: https://" + bad]), (200, 400),
             fast=True),
        Case("invalid UTF-8 in Content-Type", post("/api/v1/match", b'{"text":"x"}', ctype="application/json; " +
                                                   bad.decode("latin-1")), (200, 400, 415), fast=True),
        Case("invalid UTF-8 in a /match text", post("/api/v1/match", b'{"text":"' + bad + b'"}'), (400,), fast=True),
        Case("invalid UTF-8 in a JSON key", post("/api/v1/match", b'{"' + bad + b'":1,"text":"x"}'), (400,),
             fast=True),
        Case("invalid UTF-8 in a voice id", post("/api/v1/route", b'[{"id":"' + bad + b'","text":"x"}]'), (400, 200),
             fast=True),
        Case("invalid UTF-8 in CSV", post("/api/v1/route", b"id,text\r\n1," + bad * 10 + b"\r\n", "text/csv"),
             (200, 400), fast=True),
        Case("\\u escape of a lone surrogate", post("/api/v1/match", b'{"text":"\\ud800"}'), (400,), fast=True),
        # sizes
        Case("a 1 MB header", req("GET", "/healthz", ["X-Big: " + "a" * MB]), (431, "reset", "closed")),
        Case("100,000 headers", req("GET", "/healthz", [f"X-{k}: v" for k in range(100_000)]),
             (431, "reset", "closed")),
        Case("a 1 MB method", b"A" * MB + b" / HTTP/1.1\r\n\r\n", (400, 431, "reset", "closed")),
        Case("a 20 MB /match body", post("/api/v1/match", b'{"text":"' + b"a" * (20 * MB) + b'"}'),
             (413, "reset", "closed")),
        Case("a 20 MB /route body", post("/api/v1/route", b"[" + b'{"text":"a"},' * (20 * MB // 13) + b"]"),
             (413, "reset", "closed")),
        Case("a 20 MB chunked /match body", req("POST", "/api/v1/match", ["Content-Type: application/json",
                                                                         "Transfer-Encoding: chunked"],
                                                b"".join([b"100000\r\n" + b"a" * MB + b"\r\n"] * 20) + b"0\r\n\r\n"),
             (413, "reset", "closed")),
        Case("a 20 MB chunked /route body", req("POST", "/api/v1/route", ["Content-Type: text/csv",
                                                                         "Transfer-Encoding: chunked"],
                                                b"".join([b"100000\r\n" + b"a" * MB + b"\r\n"] * 20) + b"0\r\n\r\n"),
             (413, "reset", "closed")),
        Case("a 20 MB body to a GET", req("GET", "/api/v1/projects", [f"Content-Length: {20 * MB}"], b"a" * (20 * MB)),
             (413, "reset", "closed")),
        # not HTTP/1.x
        Case("HTTP/0.9", b"GET /\r\n\r\n", (400,), fast=True),
        Case("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x12\x04\x00\x00\x00\x00\x00"
             b"\x00\x03\x00\x00\x00\x64\x00\x04\x40\x00\x00\x00\x00\x02\x00\x00\x00\x00", (400,), fast=True),
        Case("HTTP/2.0 request line", req("GET", "/healthz", version=b"HTTP/2.0"), (400,), fast=True),
        Case("HTTP/1.2", req("GET", "/healthz", version=b"HTTP/1.2"), (400,), fast=True),
        Case("TLS ClientHello", bytes.fromhex("16030100a5010000a10303") + bytes(32) + b"\x00" * 64, (400, "closed"),
             fast=True),
        Case("bare LF line ends", b"GET /healthz HTTP/1.1\nHost: x\n\n", (200, 400), fast=True),
        Case("a header without a colon", req("GET", "/healthz", ["NoColonHere"]), (400,), fast=True),
        Case("an obsolete folded header", req("GET", "/healthz", ["X-A: a", " folded"]), (200, 400), fast=True),
        Case("a NUL in a header", req("GET", "/healthz", [b"X-A: a\x00b"]), (400,), fast=True),
        Case("CONNECT", b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\n\r\n", (400, 404, 405), fast=True),
        Case("OPTIONS *", b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", (400, 404), fast=True),
        Case("TRACE", req("TRACE", "/healthz"), (405,), fast=True),
        Case("lower-case get", req("get", "/healthz"), (400, 404, 405), fast=True),
        Case("absolute-form target", req("GET", "http://evil.example/healthz"), (200, 400, 404), fast=True),
        Case("a 15 KB query", req("GET", search_target("市民" * 2500)), (200, 400, 414, 431), fast=True),
        Case("10,000 parameters", req("GET", "/api/v1/search?q=x" + "&division=a" * 1300), (200, 400, 431),
             fast=True),
    ]
    for seed in range(3 if short else 10):
        rnd = random.Random(seed)
        cases.append(Case(f"random bytes #{seed}", bytes(rnd.getrandbits(8) for _ in range(64 * 1024)),
                          (400, 431, "closed", "reset"), fast=True))
    return cases


async def run_case(port: int, case: Case) -> tuple[object, float, bytes]:
    started = time.monotonic()
    try:
        r, w = await asyncio.open_connection("127.0.0.1", port, limit=4 * MB)
    except OSError as e:
        return "refused", 0.0, b""
    reply = asyncio.ensure_future(read_response(r))
    try:
        view = memoryview(case.data)
        for at in range(0, len(view), MB):
            if reply.done():
                break
            w.write(view[at:at + MB])
            await asyncio.wait_for(w.drain(), case.wait)
    except (OSError, asyncio.TimeoutError):
        pass
    try:
        status, _, body = await asyncio.wait_for(reply, case.wait)
        result = status
    except asyncio.TimeoutError:
        result, body = "timeout", b""
    except Closed:
        result, body = "closed", b""
    except ConnectionResetError:
        result, body = "reset", b""
    except OSError as e:
        result, body = type(e).__name__, b""
    w.close()
    return result, time.monotonic() - started, body


async def probe_hostile(ctx: Context) -> Outcome:
    """A battery of malformed and oversized requests: no crash, no 5xx, the server healthy
    afterwards, traversal leaks nothing, %00 is no extension, framing is strict."""
    # The short run shortens the body deadline so the slowloris part ends in seconds; the long
    # run keeps every default and waits for it.
    body_timeout = 3000 if ctx.short else 30000
    env = {"KOE_BODY_TIMEOUT_MS": str(body_timeout)}
    with Server(ctx, ctx.base_db, "hostile", env) as srv:
        counts = Counter()
        problems = []
        rss0 = srv.rss()[0]
        cases = hostile_cases(ctx.short)
        sem = asyncio.Semaphore(8)

        async def one(case: Case) -> None:
            async with sem:
                result, took, body = await run_case(srv.port, case)
            counts[result] += 1
            if isinstance(result, int) and result >= 500:
                problems.append(f"{case.name}: {result}")
            elif case.expect and result not in case.expect:
                problems.append(f"{case.name}: {result} (expected {'/'.join(map(str, case.expect))})")
            if case.fast and took > 2.0:
                problems.append(f"{case.name}: answered after {took:.1f} s")
            if case.no_leak and (b"root:" in body or b"#include" in body or b"project(" in body
                                 or b"PATH=" in body):
                problems.append(f"{case.name}: the body holds a file from outside the web root")
            if case.name.startswith("/static/koe.css%00") and isinstance(result, int) and result == 200:
                problems.append(f"{case.name}: served")

        await asyncio.gather(*(one(c) for c in cases))

        # Slowloris bodies: 40 POSTs that promise 1,000 bytes and send one a second. A search
        # must still answer at once, and each slow body ends in a 408 at the body deadline.
        slow_n = 40
        slow_results = Counter()

        async def slow_body() -> None:
            r, w = await asyncio.open_connection("127.0.0.1", srv.port)
            w.write(b"POST /api/v1/match HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1000\r\n\r\n{")
            try:
                status, _, _ = await asyncio.wait_for(read_response(r), body_timeout / 1000 + 10)
                slow_results[status] += 1
            except (Closed, OSError, asyncio.TimeoutError) as e:
                slow_results[type(e).__name__] += 1
            w.close()

        async def slow_body_dripping() -> None:
            r, w = await asyncio.open_connection("127.0.0.1", srv.port)
            w.write(b"POST /api/v1/match HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 1000\r\n\r\n")
            reply = asyncio.ensure_future(read_response(r))
            deadline = time.monotonic() + body_timeout / 1000 + 10
            try:
                while not reply.done() and time.monotonic() < deadline:
                    w.write(b" ")
                    await w.drain()
                    try:
                        await asyncio.wait_for(asyncio.shield(reply), 1.0)
                    except asyncio.TimeoutError:
                        pass
                slow_results[reply.result()[0] if reply.done() else "timeout"] += 1
            except (Closed, OSError) as e:
                slow_results[type(e).__name__] += 1
            finally:
                if not reply.done():
                    reply.cancel()
                w.close()

        meanwhile = Stats()

        async def searches() -> None:
            await asyncio.sleep(0.5)
            for k in range(10):
                c = Conn(srv.port)
                started = time.perf_counter()
                try:
                    status, _, _ = await c.request("GET", search_target(KEYWORDS[k]), timeout=5)
                    meanwhile.add("search", time.perf_counter() - started, status)
                except (OSError, Closed, asyncio.TimeoutError) as e:
                    meanwhile.errors[type(e).__name__] += 1
                c.close()
                await asyncio.sleep(0.2)

        slow_started = time.monotonic()
        await asyncio.gather(searches(), *(slow_body_dripping() for _ in range(slow_n // 2)),
                             *(slow_body() for _ in range(slow_n // 2)))
        slow_seconds = time.monotonic() - slow_started
        worst = max(meanwhile.latencies.get("search", [float("inf")]))
        if worst >= 0.5 or meanwhile.non_2xx() or meanwhile.errors:
            problems.append(f"searches beside slow bodies: {meanwhile.describe('search')} "
                            f"{statuses(meanwhile.status)} {dict(meanwhile.errors)}")
        if set(slow_results) != {408}:
            problems.append(f"slow bodies ended {statuses(slow_results)} (expected 408)")

        alive = srv.alive()
        healthy = srv.healthy()
        logged = srv.logged_5xx()
        ok = alive and healthy and not problems and logged == 0
        return Outcome("hostile", ok,
                       f"{len(cases)} requests: {statuses(counts)}; 5xx {sum(v for k, v in counts.items() if isinstance(k, int) and k >= 500)} "
                       f"(access log 5xx {logged}); {slow_n} slowloris bodies (body deadline {body_timeout} ms) "
                       f"ended {statuses(slow_results)} after {slow_seconds:.1f} s while "
                       f"{meanwhile.describe('search')}; server {'alive' if alive else 'DEAD'}, healthz "
                       f"{'200' if healthy else 'FAILED'}, RSS {mb(rss0)} -> {mb(srv.rss()[0])}"
                       + (f"; problems: {' | '.join(problems[:12])}" if problems else ""))


PROBES = {
    "hostile": probe_hostile,
    "slow": probe_slow_clients,
    "bigline": probe_big_request_lines,
    "batch": probe_batch_flood,
    "soak": probe_soak,
    "reindex": probe_reindex_under_load,
    "rebuild": probe_rebuild_in_place,
    "kill9": probe_kill_during_index,
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("probe", nargs="?", default="all", choices=["all", *PROBES], help="one probe, or all of them")
    ap.add_argument("--short", action="store_true", help="every probe in a few seconds (CI)")
    ap.add_argument("--koe", default=str(REPO / "build" / "koe"), help="the koe binary (default build/koe)")
    ap.add_argument("--corpus", default=str(REPO / "tests" / "data" / "corpus-city"),
                    help="the corpus the served index is built from (default tests/data/corpus-city)")
    ap.add_argument("--seconds", type=float, help="override the duration of the timed probes")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs, indexes)")
    args = ap.parse_args()

    koe = Path(args.koe).resolve()
    if not os.access(koe, os.X_OK):
        print(f"stress: no koe binary at {koe} (build it, or pass --koe)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="koe-stress-"))
    ctx = Context(koe=koe, work=work, short=args.short, corpus=Path(args.corpus).resolve(), seconds=args.seconds)
    started = time.monotonic()
    outcomes = []
    try:
        ctx.base_db = work / "base-db"
        ctx.koe_run("index", "--corpus", str(ctx.corpus), "--db", str(ctx.base_db))
        names = list(PROBES) if args.probe == "all" else [args.probe]
        for name in names:
            t0 = time.monotonic()
            try:
                outcome = asyncio.run(asyncio.wait_for(PROBES[name](ctx), 900))
            except Exception as e:  # a probe that cannot run is a failed probe, said plainly
                outcome = Outcome(name, False, f"could not run: {type(e).__name__}: {e}")
            outcome.seconds = time.monotonic() - t0
            outcomes.append(outcome)
            print(f"{'ok  ' if outcome.ok else 'FAIL'} {outcome.name} ({outcome.seconds:.0f} s): {outcome.line}",
                  flush=True)
    finally:
        if args.keep:
            print(f"stress: work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    failed = [o.name for o in outcomes if not o.ok]
    print(f"stress: {len(outcomes) - len(failed)}/{len(outcomes)} probes held in {time.monotonic() - started:.0f} s"
          + (f"; missed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
