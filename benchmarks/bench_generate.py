"""How long does simulating a firm take? Classroom size and one million customers.

    python benchmarks/bench_generate.py [--customers 1000000] [--repeat 3] [--scenario retail]

Prints the median wall time over the repeats, the rows produced and the peak
resident memory of this process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

from crmlearn.datasets import CLASSROOM, SCENARIOS, generate


def run(scenario, n, repeat):
    times = []
    for i in range(repeat):
        t0 = time.perf_counter()
        world = generate(scenario, n_customers=n, seed=100 + i, progress=False)
        times.append(time.perf_counter() - t0)
    rows = ", ".join(f"{k} {len(v):,}" for k, v in world.tables.items() if len(v))
    return statistics.median(times), rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scenario", default="retail", choices=SCENARIOS)
    args = ap.parse_args()
    for scenario in SCENARIOS:
        t, rows = run(scenario, CLASSROOM[scenario]["n_customers"], args.repeat)
        print(f"{scenario:>12} classroom ({CLASSROOM[scenario]['n_customers']:,} customers): "
              f"median {t:.2f} s  [{rows}]")
    t, rows = run(args.scenario, args.customers, args.repeat)
    print(f"{args.scenario:>12} {args.customers:,} customers: median {t:.1f} s  [{rows}]")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"peak resident memory of this process: {peak:.2f} GB")


if __name__ == "__main__":
    main()
