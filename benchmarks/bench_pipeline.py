"""Time the retail RFM/CLV pipeline on a million simulated customers (DuckDB + Parquet).

    python benchmarks/bench_pipeline.py                  # 1,000,000 customers, print the timings
    python benchmarks/bench_pipeline.py --save           # ... and record them for the retail case study
    python benchmarks/bench_pipeline.py --customers 100000 --seed 3 --memory-limit 500MB

The steps are those of crmlearn.casestudy.time_pipeline: simulate the retailer
in chunks of 250,000 customers, write each chunk's transactions to a Parquet
file, build the customer table with DuckDB straight from the files (within a
memory limit), check it against pandas' in-memory customer_summary, then RFM,
ABC, BG/NBD, Gamma-Gamma and the predicted CLV over three years.

Prints one line per step (wall-clock seconds, rows handled), the pipeline total
(without the simulation and the pandas check), file and memory sizes, and the
peak resident memory of this process. With --save the figures go to
benchmarks/results/pipeline_<customers>.json; the retail case study quotes
benchmarks/results/pipeline_1000000.json. Timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

from crmlearn import __version__, casestudy

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--chunk", type=int, default=250_000, help="customers simulated per Parquet file")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB's memory limit (default 1GB)")
    parser.add_argument("--no-pandas", action="store_true", help="skip the in-memory pandas comparison")
    parser.add_argument("--save", action="store_true", help=f"write the figures to {RESULTS.name}/")
    args = parser.parse_args(argv)
    machine = {"python": platform.python_version(), "system": platform.system(), "arch": platform.machine(),
               "cpus": os.cpu_count(), "crmlearn": __version__,
               "load_average": round(os.getloadavg()[0], 1)}  # other work on the machine slows every step
    print(f"retail pipeline, {args.customers:,} customers, seed {args.seed} "
          f"(Python {machine['python']}, {machine['arch']}, {machine['cpus']} CPUs, "
          f"load average {machine['load_average']})", flush=True)
    t0 = time.perf_counter()
    table = casestudy.time_pipeline(args.customers, seed=args.seed, chunk_size=args.chunk,
                                    memory_limit=args.memory_limit, compare_pandas=not args.no_pandas,
                                    progress=True)
    wall = time.perf_counter() - t0
    for row in table.itertuples():
        print(f"  {row.step:<30} {row.seconds:8.2f} s  {row.rows:>12,} rows   {row.tool}")
    a = table.attrs
    unit = 1024 if sys.platform != "darwin" else 1024**2  # ru_maxrss: KiB on Linux, bytes on macOS
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / unit
    print(f"  {'pipeline (without simulation and pandas check)':<30} {a['pipeline_seconds']:8.2f} s")
    print(f"  {'wall clock, everything':<30} {wall:8.2f} s")
    print(f"transactions: {a['transactions']:,}; Parquet files: {a['parquet_mb']:,.1f} MB; "
          f"as a pandas DataFrame: {a['pandas_mb'] or float('nan'):,.1f} MB")
    if a["max_difference"] is not None:
        print(f"DuckDB vs pandas customer table: largest difference {a['max_difference']:.2g}")
    print(f"total predicted CLV: {a['total_clv']:,.0f} EUR")
    print(f"peak memory of this process: {peak:,.0f} MB")
    if args.save:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"pipeline_{args.customers}.json"
        record = casestudy.pipeline_record(table, seed=args.seed, chunk_size=args.chunk, machine=machine,
                                           peak_memory_mb=round(peak), wall_seconds=round(wall, 1))
        path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        print(f"saved: {path.relative_to(RESULTS.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
