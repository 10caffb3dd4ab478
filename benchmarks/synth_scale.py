"""Scale of the synthetic country: generate and write a survey as Parquet.

    .venv/bin/python benchmarks/synth_scale.py [--households 1000000] [--seed 1]
        [--year 2024] [--format parquet] [--out DIR]

Target (issue 2): 1,000,000 households (about 5 million persons) generated
and written as Parquet in under 60 s on a 2-core machine, with peak memory
under 8 GB. Prints the wall-clock time of each step, the rows written, the
bytes on disk and the peak resident memory of this process
(``getrusage(RUSAGE_SELF).ru_maxrss``; run it in a fresh process, as here).

Peer: the same tables written with pandas (``DataFrame.to_parquet`` via
pyarrow) from the same frames, to show how much of the time is the write.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from insaf.survey import Format, write_survey
from insaf.survey.synth import STEPS, synthesize


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
    args = parser.parse_args()

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


if __name__ == "__main__":
    main()
