"""Benchmark: the observatory served as ``insaf serve`` serves it, under open-loop load.

    python benchmarks/web_serve.py [--indicators 1000] [--years 20] [--rate 200] [--seconds 30]

1. Builds (once; ``--reuse`` keeps it) a SQLite observatory of ``--indicators``
   indicators x ``--years`` years x 55 series (total; sex; age group;
   governorate; urban/rural; disability; nationality; wealth quintile;
   sex x governorate): about 1.1 million observations, published through
   ``services.publish`` (disclosure control and progress included).
2. Starts the platform exactly as ``insaf serve`` does (``insaf.web.server``:
   gunicorn, gthread workers) on 127.0.0.1.
3. Sends an open-loop load: requests are *scheduled* at a constant rate
   whatever the server does, over ``--connections`` keep-alive connections;
   a request waits for a free connection if all are busy, and its latency is
   counted from its scheduled time (so queueing shows, as with wrk2). Half the
   requests are indicator pages (a random indicator, disaggregation and
   language), half the matching API answer: 27,000 different URLs drawn
   uniformly, so most requests miss the page cache (emptied before each run):
   the STEADY figures are those of pages and answers built from the database.
4. Reports median, p95, p99 and errors at ``--rate`` (overall, pages, API),
   with the load average and the server's CPU time per request; then the same
   rate over ``--hot`` distinct URLs (CACHED: mostly served from the cache, as
   popular pages are); then steps the rate up (uniform URLs again, the page
   cache emptied before each step) to find the highest one held with p95 under
   500 ms and no error.

The load generator is ``benchmarks/loadgen.mjs`` (Node.js, no dependency, raw
keep-alive sockets: about half a millisecond of CPU per request on the
reference machine) when ``node`` is on the PATH, else
the same open-loop client in Python asyncio (``--client python``), which needs
several times more CPU and so competes more with the server. Only loopback
addresses are used. The machine's load average is printed with every figure:
on a shared machine, note it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BREAKDOWNS = [
    "sex",
    "age_group",
    "governorate",
    "urban",
    "disability",
    "nationality",
    "wealth_quintile",
    "governorate+sex",
]


def build(data: Path, indicators: int, years: int) -> None:
    """The observatory database (SQLite in ``data``), through the platform's own services."""
    os.environ["INSAF_DATA"] = str(data)
    os.environ.pop("DATABASE_URL", None)
    from insaf.web import server

    server.setup(data)
    server.prepare(demo=False, say=print)
    from insaf.observatory import DEMO_CATALOGUE, Observation, load_catalogue
    from insaf.web.observatory import services

    demo = load_catalogue(DEMO_CATALOGUE)
    template = demo.indicators[0]
    specs = [
        template.model_copy(
            update={
                "code": f"IND{k:04d}",
                "headline": k < 6,
                "disaggregations": [b.split("+") for b in BREAKDOWNS],
            }
        )
        for k in range(indicators)
    ]
    catalogue = demo.model_copy(update={"indicators": specs, "frameworks": []})
    t0 = time.perf_counter()
    services.sync_catalogue(actor=None, catalogue=catalogue)
    dims = {d.code: [c.code for c in d.categories] for d in catalogue.dimensions}
    rng = random.Random(1)
    first = 2025 - years
    total_cells = 0
    batch: list[Observation] = []
    for k, spec in enumerate(specs):
        level = rng.uniform(5, 60)
        trend = rng.uniform(-0.6, 0.3)
        for year in range(first, 2025):
            base = level + trend * (year - first)
            keys: list[tuple[tuple[str, str], ...]] = [()]
            for b in BREAKDOWNS:
                parts = b.split("+")
                if len(parts) == 1:
                    keys += [((parts[0], c),) for c in dims[parts[0]]]
                else:
                    keys += [
                        ((parts[0], a), (parts[1], c))
                        for a in dims[parts[0]]
                        for c in dims[parts[1]]
                    ]
            for key in keys:
                n = 9000 // (1 + 6 * len(key)) + rng.randint(0, 200)
                if len(key) == 2 and rng.random() < 0.02:
                    n = rng.randint(5, 25)  # a few cells below the minimum count
                value = max(0.1, base + rng.gauss(0, 2))
                se = value * rng.uniform(0.02, 0.12)
                batch.append(
                    Observation(
                        indicator=spec.code,
                        period=year,
                        area="DEMO",
                        disaggregation=key,
                        value=value,
                        se=se,
                        ci_low=value - 1.96 * se,
                        ci_high=value + 1.96 * se,
                        n=n,
                    )
                )
        if (k + 1) % 50 == 0 or k + 1 == len(specs):
            report = services.publish(actor=None, observations=batch, source=f"benchmark {k + 1}")
            total_cells += report.cells
            batch = []
            print(
                f"  {k + 1} indicators, {total_cells} observations, "
                f"{time.perf_counter() - t0:.0f} s",
                flush=True,
            )
    print(f"built {total_cells} observations in {time.perf_counter() - t0:.0f} s")


def start_server(data: Path, port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    code = (
        "from pathlib import Path; from insaf.web import server; "
        f"server.setup(Path({str(data)!r})); server.prepare(demo=False, say=print); "
        f"server.serve(host='127.0.0.1', port={port}, workers={workers}, threads={threads}, "
        "access_log=False)"
    )
    env = {**os.environ, "INSAF_DATA": str(data)}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            import urllib.request

            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("the server did not start")


async def _read_response(reader: asyncio.StreamReader) -> int:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length, chunked, close = None, False, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            close = True
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    if close:
        raise ConnectionResetError("server closed")
    return status


async def _worker(
    port: int,
    queue: asyncio.Queue[tuple[float, str, str] | None],
    out: list[tuple[str, float, int]],
) -> None:
    loop = asyncio.get_running_loop()
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while True:
        item = await queue.get()
        if item is None:
            break
        scheduled, path, kind = item
        for attempt in range(2):
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                assert reader is not None
                writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                await writer.drain()
                status = await asyncio.wait_for(_read_response(reader), timeout=30)
                out.append((kind, loop.time() - scheduled, status))
                break
            except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, OSError):
                if writer is not None:
                    writer.close()
                reader = writer = None
                if attempt == 1:
                    out.append((kind, loop.time() - scheduled, 0))


def _paths(indicators: int, count: int, seed: int, distinct: int = 0) -> list[tuple[str, str]]:
    """``(kind, path)``: pages and API answers alternately, random indicator and breakdown.

    With ``distinct``, the requests are drawn from that many different pages and
    API answers only (so most are served from the cache after the first).
    """
    rng = random.Random(seed)
    out = []
    for i in range(distinct or count):
        code = f"IND{rng.randrange(indicators):04d}"
        breakdown = rng.choice(["", *BREAKDOWNS]).replace("+", "%2B")
        lang = rng.choice(["ar", "en"])
        if i % 2 == 0:
            out.append(("page", f"/{lang}/indicators/{code}/?breakdown={breakdown}"))
        else:
            query = f"breakdown={breakdown}&limit=100"
            out.append(("api", f"/api/observatory/indicators/{code}/observations?{query}"))
    if distinct:
        pages = [p for p in out if p[0] == "page"]
        answers = [p for p in out if p[0] == "api"]
        out = [rng.choice(pages if i % 2 == 0 else answers) for i in range(count)]
    return out


async def _load(
    port: int, paths: list[tuple[str, str]], rate: float, connections: int
) -> list[tuple[str, float, int]]:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, str, str] | None] = asyncio.Queue()
    out: list[tuple[str, float, int]] = []
    workers = [asyncio.create_task(_worker(port, queue, out)) for _ in range(connections)]
    start = loop.time() + 0.2
    for i, (kind, path) in enumerate(paths):
        when = start + i / rate
        delay = when - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((when, path, kind))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return out


def _summary(
    seconds: list[float], rows: list[tuple[str, float, int]], kind: str | None = None
) -> dict[str, Any]:
    errors = sum(1 for k, _s, status in rows if status not in (200, 304) and kind in (None, k))
    latencies = sorted(s * 1000 for s in seconds)
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "errors": errors,
        "median": statistics.median(latencies),
        "p95": q[94],
        "p99": q[98],
        "max": latencies[-1],
    }


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and all its descendants, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pending.extend(int(c) for c in children)
    return total


def _empty_page_cache(data: Path) -> None:
    """Remove every cached page and answer (the server keeps running; WAL allows it)."""
    import sqlite3

    path = data / "cache.sqlite3"
    if path.exists():
        with sqlite3.connect(path, timeout=30) as db:
            db.execute("DELETE FROM cache")


def run(
    port: int,
    rate: float,
    seconds: float,
    connections: int,
    indicators: int,
    client: str,
    server_pid: int,
    distinct: int = 0,
) -> dict[str, Any]:
    seed = int(rate * 1000 + seconds) + distinct
    paths = _paths(indicators, int(rate * seconds), seed=seed, distinct=distinct)
    cpu0 = _cpu_seconds(server_pid)
    if client == "node":
        with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
            f.write("".join(f"{kind}\t{path}\n" for kind, path in paths))
        try:
            done = subprocess.run(
                [
                    "node",
                    str(Path(__file__).with_name("loadgen.mjs")),
                    *("--port", str(port), "--rate", str(rate), "--seconds", str(seconds)),
                    *("--connections", str(connections), "--paths", f.name),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
        finally:
            Path(f.name).unlink()
        result: dict[str, Any] = json.loads(done.stdout)
    else:
        rows = asyncio.run(_load(port, paths, rate, connections))
        result = _summary([ms for _kind, ms, _status in rows], rows)
        result["kinds"] = {
            kind: _summary([ms for k, ms, _status in rows if k == kind], rows, kind)
            for kind in sorted({k for k, _ms, _status in rows})
        }
    result["rate"] = rate
    result["server_cpu_ms"] = 1000 * (_cpu_seconds(server_pid) - cpu0) / max(1, len(paths))
    result["load"] = os.getloadavg()
    return result


def _line(r: dict[str, Any]) -> str:
    statuses = r.get("error_statuses") or {}
    detail = f" (status {statuses})" if statuses else ""
    return (
        f"{r['requests']:.0f} requests, {r['errors']:.0f} errors{detail}, "
        f"median {r['median']:.1f} ms, p95 {r['p95']:.1f} ms, p99 {r['p99']:.1f} ms, "
        f"max {r['max']:.0f} ms"
    )


def show(r: dict[str, Any]) -> str:
    load = ", ".join(f"{x:.2f}" for x in r["load"])
    lines = [
        f"{r['rate']:.0f} req/s: {_line(r)}; server CPU {r['server_cpu_ms']:.2f} ms/request; "
        f"load average {load}"
    ]
    for kind, figures in sorted(r.get("kinds", {}).items()):
        lines.append(f"    {kind:5s} {_line(figures)}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("benchmarks/out/web"))
    parser.add_argument("--indicators", type=int, default=1000)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=0, help="default: as insaf serve")
    parser.add_argument("--threads", type=int, default=0, help="default: as insaf serve")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--max-rate", type=float, default=1600)
    parser.add_argument("--no-steps", action="store_true", help="only the steady rate")
    parser.add_argument(
        "--hot",
        type=int,
        default=400,
        help="also run the steady rate over this many distinct URLs (mostly cache hits); 0: no",
    )
    parser.add_argument(
        "--client",
        choices=["node", "python"],
        default="node" if shutil.which("node") else "python",
        help="load generator: benchmarks/loadgen.mjs (default when node is installed) or Python",
    )
    args = parser.parse_args()
    if not (args.reuse and (args.data / "insaf.sqlite3").exists()):
        shutil.rmtree(args.data, ignore_errors=True)
        args.data.mkdir(parents=True)
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--build-only",
                str(args.data),
                str(args.indicators),
                str(args.years),
            ],
            check=True,
        )
    for name in ("cache.sqlite3", "cache.sqlite3-wal", "cache.sqlite3-shm"):
        (args.data / name).unlink(missing_ok=True)  # every run starts with an empty page cache
    workers, threads = _server_shape(args.workers, args.threads)
    server = start_server(args.data.resolve(), args.port, workers, threads)
    try:
        print(
            f"server: {workers} gunicorn workers x {threads} threads, SQLite; "
            f"client: {args.client}; {os.cpu_count()} CPUs",
            flush=True,
        )
        common = (args.connections, args.indicators, args.client, server.pid)
        run(args.port, 50, 5, *common)  # warm-up
        _empty_page_cache(args.data)
        steady = run(args.port, args.rate, args.seconds, *common)
        print("STEADY " + show(steady), flush=True)
        if args.hot:
            hot = run(args.port, args.rate, args.seconds, *common, distinct=args.hot)
            print(f"CACHED ({args.hot} distinct URLs) " + show(hot), flush=True)
        best = steady if steady["p95"] < 500 and steady["errors"] == 0 else None
        rate = args.rate * 1.5
        while not args.no_steps and rate <= args.max_rate:
            _empty_page_cache(args.data)  # each step as cold as the steady run
            step = run(args.port, rate, 15, *common)
            print("  step " + show(step), flush=True)
            if step["p95"] >= 500 or step["errors"]:
                break
            best = step
            rate *= 1.25
        if best is not None and not args.no_steps:
            print(f"HIGHEST rate held with p95 < 500 ms and no error: {best['rate']:.0f} req/s")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _server_shape(workers: int, threads: int) -> tuple[int, int]:
    """Workers and threads as ``insaf serve`` chooses them, unless given."""
    from insaf.web.server import default_threads, default_workers

    return workers or default_workers(), threads or default_threads()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--build-only":
        build(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
