"""Time every lesson notebook top to bottom on the classroom sample.

The lessons issue sets a target of 30 seconds per lesson. Each notebook is
executed in a fresh kernel from its own folder (as JupyterLab would run it),
without writing anything back; the kernel start-up is timed separately and
not counted, so the figure is what a lecturer waits for after "Run all".
Prints, per lesson, the median wall-clock time over ``--rounds`` runs and the
slowest cell, then the median over all lessons and the lessons above target.

Run from the repository root::

    .venv/bin/python benchmarks/bench_notebooks.py              # every lesson, 1 round
    .venv/bin/python benchmarks/bench_notebooks.py --rounds 3 05 13
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 30.0


def lessons(prefixes: list[str]) -> list[Path]:
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if prefixes:
        paths = [p for p in paths if p.name[:2] in prefixes]
        if not paths:
            raise SystemExit(f"no lesson matches {prefixes}; lessons are numbered 00-14")
    return paths


def time_once(path: Path) -> tuple[float, float, int]:
    """Return (seconds for all cells, seconds of the slowest cell, its index)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    cell_times: list[float] = []
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            t0 = time.perf_counter()
            client.execute_cell(cell, index)
            cell_times.append(time.perf_counter() - t0)
        total = time.perf_counter() - start
    slowest = max(range(len(cell_times)), key=cell_times.__getitem__)
    return total, cell_times[slowest], slowest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers, e.g. 05 13 (default: all)")
    parser.add_argument("--rounds", type=int, default=1, help="runs per lesson (median is printed)")
    args = parser.parse_args(argv)

    medians = {}
    print(f"{'lesson':<42} {'median s':>9} {'slowest cell':>14}")
    for path in lessons(args.lessons):
        runs = [time_once(path) for _ in range(args.rounds)]
        total = statistics.median(r[0] for r in runs)
        worst = max(runs, key=lambda r: r[1])
        medians[path.name] = total
        flag = "  above target" if total > TARGET_S else ""
        print(f"{path.name:<42} {total:9.1f} {worst[1]:8.1f} (#{worst[2]}){flag}", flush=True)
    over = [name for name, t in medians.items() if t > TARGET_S]
    print(f"\nmedian over {len(medians)} lessons: {statistics.median(medians.values()):.1f} s; "
          f"slowest {max(medians.values()):.1f} s; target {TARGET_S:.0f} s; above target: "
          f"{', '.join(over) if over else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
