"""Scale of the synthetic country: generate and write a survey as Parquet.

    .venv/bin/python benchmarks/synth_scale.py [--households 1000000] [--seed 1]
        [--year 2024] [--format parquet] [--out DIR]
    .venv/bin/python benchmarks/synth_scale.py --partitioned --households 20000000
        [--chunk 200000] [--out DIR]

Target (issue 2): 1,000,000 households (about 5 million persons) generated
and written as Parquet in under 60 s on a 2-core machine, with peak memory
under 8 GB. Prints the wall-clock time of each step, the rows written, the
bytes on disk and the peak resident memory of this process
(``getrusage(RUSAGE_SELF).ru_maxrss``; run it in a fresh process, as here).

With ``--partitioned`` (issue 17): a census of that many households written
in Parquet partitions by governorate, one chunk in memory at a time
(``insaf.survey.synth.partitioned``); prints the time, the rows, the bytes on
disk (and per million persons), the peak resident memory and the load
average. Its peer (``--peer``) is the in-memory survey of as many households,
run in a child process, which holds everything (and samples at most a fifth of
the country, so it cannot be asked for 20 million).

Peer: the same tables written with pandas (``DataFrame.to_parquet`` via
pyarrow) from the same frames, to show how much of the time is the write.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from insaf.survey import Format, write_survey
from insaf.survey.synth import STEPS, synthesize
from insaf.survey.synth.partitioned import DEFAULT_CHUNK, Chunk, write_partitioned


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--format", default="parquet", choices=[f.value for f in Format])
    parser.add_argument("--out", type=Path, default=None, help="kept if given; else a temp dir")
    parser.add_argument("--peer", action="store_true", help="also time pandas.to_parquet")
    parser.add_argument("--partitioned", action="store_true", help="a census in partitions")
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK)
    args = parser.parse_args()
    if args.partitioned:
        partitioned(args)
        return

    out = args.out or Path(tempfile.mkdtemp(prefix="insaf-synth-"))
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    survey = synthesize(
        args.households,
        args.seed,
        args.year,
        progress=lambda step: marks.append((step, time.perf_counter())),
    )
    generated = time.perf_counter()
    write_survey(survey, out, format=args.format)
    written = time.perf_counter()

    print(f"insaf synth: {args.households:,} households, seed {args.seed}, year {args.year}")
    ends = [t for _, t in marks[1:]] + [generated]
    for (step, began), ended in zip(marks, ends, strict=True):
        print(f"  {step:<12} {ended - began:6.2f} s")
    assert [s for s, _ in marks] == list(STEPS)
    rows = {t.name: t.height for t in survey.tables}
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"  generate     {generated - start:6.2f} s")
    print(f"  write        {written - generated:6.2f} s  ({args.format}, {size / 1e6:,.0f} MB)")
    print(f"  total        {written - start:6.2f} s   (target < 60 s)")
    print(f"  peak memory  {_peak_mb():6.0f} MB  (target < 8192 MB)")
    print("  rows: " + ", ".join(f"{name} {n:,}" for name, n in rows.items()))

    if args.peer:
        peer_dir = Path(tempfile.mkdtemp(prefix="insaf-synth-peer-"))
        began = time.perf_counter()
        for table in survey.tables:
            table.frame.to_pandas().to_parquet(peer_dir / f"{table.name}.parquet")
        print(f"  peer: pandas.to_parquet of the same tables {time.perf_counter() - began:.2f} s")
        shutil.rmtree(peer_dir)
    if args.out is None:
        shutil.rmtree(out)


def partitioned(args: argparse.Namespace) -> None:
    out = args.out or Path(tempfile.mkdtemp(prefix="insaf-synth-"))
    load = os.getloadavg()
    start = time.perf_counter()

    def progress(chunk: Chunk, done: int) -> None:
        seconds = time.perf_counter() - start
        print(
            f"  governorate {chunk.governorate:>2} part {chunk.part:>3}: {done:>11,} households "
            f"{seconds:8.1f} s  peak {_peak_mb():6.0f} MB",
            flush=True,
        )

    written = write_partitioned(
        out,
        households=args.households,
        seed=args.seed,
        year=args.year,
        chunk=args.chunk,
        overwrite=args.out is not None,
        progress=progress,
    )
    seconds = time.perf_counter() - start
    size = written.bytes
    print(f"insaf synth --partitioned: {args.households:,} households, chunk {args.chunk:,}")
    print(f"  rows: households {written.households:,}, persons {written.persons:,}, ")
    print(f"        consumption {written.items:,}; {len(written.files):,} files")
    print(f"  total        {seconds:8.1f} s  ({written.households / seconds:,.0f} households/s)")
    print(f"  on disk      {size / 1e9:8.2f} GB  ({size / 1e6 / (written.persons / 1e6):,.0f} MB")
    print("               per million persons, all three tables)")
    print(f"  peak memory  {_peak_mb():8.0f} MB")
    print(f"  load average {load[0]:.2f} at the start, {os.getloadavg()[0]:.2f} at the end")
    if args.out is None:
        shutil.rmtree(out)
    if args.peer:
        # The in-memory survey of as many households, in a fresh process (its own peak
        # memory): it holds everything, and cannot sample more than a fifth of the country.
        print("peer: the in-memory survey (insaf synth without --partitioned), same size:")
        peer = [sys.executable, __file__, "--households", str(args.households)]
        peer += ["--seed", str(args.seed), "--year", str(args.year)]
        result = subprocess.run(peer, capture_output=True, text=True, check=False)
        lines = (result.stdout or result.stderr).strip().splitlines()
        print("\n".join(f"  {line}" for line in lines[-6:]))


if __name__ == "__main__":
    main()
