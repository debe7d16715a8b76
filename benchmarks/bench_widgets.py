"""Time one update of every crmlearn widget on a classroom-size sample.

Each widget is driven through a sweep of control positions with ``.set``,
exactly as a click in the notebook would drive it (recompute, headline,
redraw, PNG). Prints the median and 95th percentile time per update, as wall
clock and as CPU time of this process (the CPU time hardly changes when other
jobs share the machine; the wall clock does), and checks that no update
produced an error or a 'nan'/'inf' headline.

Run from the repository root::

    .venv/bin/python benchmarks/bench_widgets.py              # 3,000 customers
    .venv/bin/python benchmarks/bench_widgets.py --n 10000 --rounds 3
    .venv/bin/python benchmarks/bench_widgets.py --save /tmp/widgets   # PNG per widget
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import crmlearn  # noqa: E402
from crmlearn.datasets._generator import generate  # noqa: E402
from crmlearn.widgets import (  # noqa: E402
    ABCExplorer,
    BudgetSplitWhatIf,
    ChurnWhatIf,
    CLVWhatIf,
    NPSSimulator,
    RFMExplorer,
    ValueCategoryExplorer,
)

SEED = 2024


def classroom_inputs(n):
    world = generate("retail", n_customers=n, seed=SEED)
    summary = crmlearn.customer_summary(world.transactions, observation_end=world.observation_end)
    rng = np.random.default_rng(SEED)
    # a stand-in potential: the unrealized share of a gamma-distributed wallet
    potential = (summary["revenue"] * rng.gamma(1.2, 1.2, len(summary))).rename("potential")
    margin = (0.3 * summary["revenue"] - 40.0).rename("margin")
    return summary, margin, potential


def sweeps():
    """Control positions per widget: the ends of every range and points inside."""
    return {
        "CLV what-if": [
            *({"retention": r} for r in (0, 20, 50, 80, 90, 95, 99, 100)),
            *({"discount": d} for d in (0, 2.5, 10, 30)),
            {"infinite": True}, {"retention": 100, "discount": 0}, {"infinite": False},
            *({"years": y} for y in (1, 5, 20, 50)),
            *({"margin": m} for m in (0, 500, 2000)),
            *({"acquisition_cost": a} for a in (0, 1000, 3000)),
            {"timing": "start"}, {"timing": "end"},
        ],
        "Churn/retention what-if": [
            *({"retention": r} for r in (0, 50, 80, 95, 100)),
            *({"change": c} for c in (-20, -5, 0, 5, 20)),
            *({"customers": n} for n in (0, 5000, 100_000)),
            *({"new_customers_per_year": n} for n in (0, 5000, 20_000)),
            *({"margin_per_customer": m} for m in (-200, 0, 1000)),
            *({"years": y} for y in (1, 10, 20)),
            *({"discount": d} for d in (0, 30)),
            {"retention_cost_per_customer": 200}, {"acquisition_cost": 1000},
        ],
        "Budget split": [
            *({"retention_share": x} for x in (0, 25, 50, 75, 100)),
            *({"budget": b} for b in (0, 1_000_000, 3_000_000)),
            {"base_retention": 100}, {"max_retention": 0}, {"half_gap_cost": 5},
            {"acquisition_cost": 10}, {"margin_per_customer": -200}, {"years": 20},
        ],
        "NPS simulator": [
            *({"promoters": p} for p in (0, 10, 500, 1000)),
            *({"detractors": d} for d in (0, 300, 1000)),
            {"promoters": 0, "passives": 0, "detractors": 0},
            {"passives": 200}, {"detractors_to_passives": 100}, {"passives_to_promoters": 1000},
        ],
        "ABC explorer": [
            *({"a_share": a} for a in (1, 10, 20, 40, 80)),
            *({"c_share": c} for c in (1, 30, 80)),
            {"method": "cumulative"},
            *({"cut_a": c} for c in (10, 50, 80, 99)),
            *({"cut_b": c} for c in (10, 90, 100)),
            {"method": "rank"},
        ],
        "RFM explorer": [
            *({"bins": b} for b in (3, 4, 5)),
            *({"r_weight": x} for x in (0, 2.5, 5)),
            *({"f_weight": x} for x in (0, 5)),
            *({"m_weight": x} for x in (0, 1, 5)),
            {"bins": 4}, {"bins": 5},
        ],
        "Value categories": [
            *({"mvc_top": x} for x in (1, 10, 20, 35, 50)),
            *({"mgc_top": x} for x in (1, 10, 20, 35, 50)),
        ],
    }


def _p95(sorted_values):
    return sorted_values[min(len(sorted_values) - 1, int(round(0.95 * (len(sorted_values) - 1))))]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000, help="customers in the sample")
    parser.add_argument("--rounds", type=int, default=2, help="passes through each sweep")
    parser.add_argument("--save", type=Path, default=None, help="folder for one PNG per widget")
    args = parser.parse_args(argv)

    summary, margin, potential = classroom_inputs(args.n)
    widgets = {}
    build_times = {}
    for name, make in {
        "CLV what-if": lambda: CLVWhatIf(),
        "Churn/retention what-if": lambda: ChurnWhatIf(),
        "Budget split": lambda: BudgetSplitWhatIf(),
        "NPS simulator": lambda: NPSSimulator(),
        "ABC explorer": lambda: ABCExplorer(summary["revenue"]),
        "RFM explorer": lambda: RFMExplorer(summary),
        "Value categories": lambda: ValueCategoryExplorer(margin, potential),
    }.items():
        t0 = time.perf_counter()
        widgets[name] = make()
        build_times[name] = time.perf_counter() - t0
    try:  # the readiness widget needs crmlearn.crm
        from crmlearn.widgets import ReadinessAssessment

        t0 = time.perf_counter()
        widgets["Readiness"] = ReadinessAssessment()
        build_times["Readiness"] = time.perf_counter() - t0
        questions = list(widgets["Readiness"].controls)
        readiness_sweep = [{q: v} for q, v in zip(questions, itertools.cycle((1, 5, 2, 4)))]
    except ImportError:
        readiness_sweep = None
    plan = sweeps()
    if readiness_sweep:
        plan["Readiness"] = readiness_sweep

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.n:,} customers, {args.rounds} rounds per sweep, {os.cpu_count()} CPUs, "
          f"load average {load:.1f}; times per update in ms")
    print(f"{'':<26}{'':>8}{'':>9}{'--- wall clock ---':>27}{'--- CPU time ---':>20}")
    print(f"{'widget':<26}{'updates':>8}{'build':>9}{'median':>9}{'p95':>9}{'max':>9}"
          f"{'median':>10}{'p95':>10}")
    failed = []
    for name, steps in plan.items():
        widget = widgets[name]
        times = []
        cpu = []
        for _ in range(args.rounds):
            widget.reset()
            for step in steps:
                before = widget.n_updates
                t0, c0 = time.perf_counter(), time.process_time()
                widget.set(**step)
                elapsed, used = time.perf_counter() - t0, time.process_time() - c0
                if widget.n_updates > before:  # a no-op .set does not count
                    times.append(elapsed * 1000)
                    cpu.append(used * 1000)
                text = widget.headline_text.lower()
                if widget.error is not None or "nan" in text.split() or " inf" in text:
                    failed.append((name, step, widget.error, widget.headline_text))
        times.sort()
        cpu.sort()
        print(f"{name:<26}{len(times):>8}{build_times[name] * 1000:>9.0f}"
              f"{statistics.median(times):>9.1f}{_p95(times):>9.1f}{times[-1]:>9.1f}"
              f"{statistics.median(cpu):>10.1f}{_p95(cpu):>10.1f}")
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            widget.reset()
            slug = name.lower().replace("/", "-").replace(" ", "_")
            (args.save / f"{slug}.png").write_bytes(widget.image.value)
    for item in failed:
        print("FAILED", *item, sep="\n  ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
