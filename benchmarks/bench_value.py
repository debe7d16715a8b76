"""Benchmark crmlearn.value and crmlearn.loyalty on one million customers.

Each metric is timed against a plain pandas version of the same computation
written below (no input checks beyond what pandas does itself). Prints the
median seconds over several runs, the ratio crmlearn / pandas, the peak
memory traced while running each crmlearn function once, and the peak
resident memory of the whole process.

Run from the repository root::

    .venv/bin/python benchmarks/bench_value.py            # 1,000,000 customers
    .venv/bin/python benchmarks/bench_value.py --n 200000 --repeat 3
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

from crmlearn.loyalty import csat, nps
from crmlearn.value import (
    RFM_SEGMENTS,
    abc_classes,
    contribution_margins,
    gini,
    lorenz_curve,
    rfm_scores,
    rfm_segments,
)

SEED = 20240601


def synthetic_summary(n: int, seed: int = SEED) -> pd.DataFrame:
    """A customer summary with the columns of crmlearn.schema.SUMMARY that matter here."""
    rng = np.random.default_rng(seed)
    revenue = rng.gamma(0.7, 400.0, n).round(2)
    return pd.DataFrame(
        {
            "days_since_last": rng.integers(0, 730, n),
            "n_purchases": rng.geometric(0.35, n),
            "revenue": revenue,
            "deductions": (revenue * rng.uniform(0, 0.1, n)).round(2),
            "product_cost": (revenue * rng.uniform(0.4, 0.7, n)).round(2),
            "service_cost": rng.gamma(1.0, 20.0, n).round(2),
            "delivery_cost": rng.gamma(2.0, 4.0, n).round(2),
            "marketing_cost": rng.gamma(1.0, 10.0, n).round(2),
            "acquisition_cost": rng.gamma(2.0, 15.0, n).round(2),
            "nps": rng.integers(0, 11, n),
            "csat": rng.integers(1, 6, n),
        },
        index=pd.Index(np.arange(n) + 100_000, name="customer_id"),
    )


# ----------------------------------------------------------------- plain pandas versions


def pandas_abc(values: pd.Series) -> pd.Series:
    ranks = values.rank(method="first", ascending=False)
    return pd.qcut(ranks, [0, 0.2, 0.8, 1.0], labels=["A", "B", "C"])


def pandas_abc_cumulative(values: pd.Series) -> pd.Series:
    ordered = values.clip(lower=0).sort_values(ascending=False)
    before = (ordered.cumsum() - ordered) / ordered.sum()
    classes = pd.cut(before, [-np.inf, 0.8, 0.95, np.inf], right=False, labels=["A", "B", "C"])
    return classes.reindex(values.index)


def pandas_lorenz_gini(values: pd.Series):
    ordered = values.sort_values(ascending=False, ignore_index=True)
    total = ordered.sum()
    curve = pd.DataFrame(
        {
            "customer_share": (ordered.index + 1) / len(ordered),
            "value_share": ordered.cumsum() / total,
        }
    )
    ascending = ordered.iloc[::-1].reset_index(drop=True)
    n = len(ascending)
    g = 2 * ((ascending.index + 1) * ascending).sum() / (n * total) - (n + 1) / n
    return curve, g


def pandas_rfm(summary: pd.DataFrame) -> pd.DataFrame:
    labels = [1, 2, 3, 4, 5]
    out = pd.DataFrame(index=summary.index)
    out["r"] = pd.qcut(summary["days_since_last"].rank(method="first", ascending=False), 5,
                       labels=labels).astype(int)
    out["f"] = pd.qcut(summary["n_purchases"].rank(method="first"), 5, labels=labels).astype(int)
    out["m"] = pd.qcut(summary["revenue"].rank(method="first"), 5, labels=labels).astype(int)
    out["rfm_sum"] = out["r"] + out["f"] + out["m"]
    out["rfm_code"] = (out["r"] * 100 + out["f"] * 10 + out["m"]).astype(str)
    return out


_SEGMENT_OF = {
    r * 10 + f: row.segment
    for row in RFM_SEGMENTS.itertuples()
    for r in range(row.r_min, row.r_max + 1)
    for f in range(row.f_min, row.f_max + 1)
}


def pandas_segments(scores: pd.DataFrame) -> pd.Series:
    return (scores["r"] * 10 + scores["f"]).map(_SEGMENT_OF).astype("category")


def pandas_margins(t: pd.DataFrame) -> pd.DataFrame:
    out = t[["revenue", "deductions"]].copy()
    out["net_revenue"] = t["revenue"] - t["deductions"]
    out["product_cost"] = t["product_cost"]
    out["cm1"] = out["net_revenue"] - t["product_cost"]
    out["service_cost"] = t["service_cost"]
    out["delivery_cost"] = t["delivery_cost"]
    out["cm2"] = out["cm1"] - t["service_cost"] - t["delivery_cost"]
    out["marketing_cost"] = t["marketing_cost"]
    out["acquisition_cost"] = t["acquisition_cost"]
    out["cm3"] = out["cm2"] - t["marketing_cost"] - t["acquisition_cost"]
    return out


def pandas_nps(scores: pd.Series) -> float:
    return 100.0 * ((scores >= 9).mean() - (scores <= 6).mean())


def pandas_csat(scores: pd.Series) -> float:
    return float((scores >= 4).mean())


# ----------------------------------------------------------------- harness


def median_seconds(func, repeat: int) -> float:
    func()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def traced_peak_mb(func) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of customers")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per function")
    args = parser.parse_args(argv)

    t = synthetic_summary(args.n)
    rev = t["revenue"]
    scores = rfm_scores(t)
    margin_cols = ["revenue", "deductions", "product_cost", "service_cost", "delivery_cost",
                   "marketing_cost", "acquisition_cost"]

    cases = [
        ("ABC classes (rank)", lambda: abc_classes(rev), lambda: pandas_abc(rev)),
        ("ABC classes (cumulative)", lambda: abc_classes(rev, method="cumulative"),
         lambda: pandas_abc_cumulative(rev)),
        ("Lorenz curve + Gini", lambda: (lorenz_curve(rev), gini(rev)),
         lambda: pandas_lorenz_gini(rev)),
        ("RFM scores", lambda: rfm_scores(t), lambda: pandas_rfm(t)),
        ("RFM segments", lambda: rfm_segments(scores), lambda: pandas_segments(scores)),
        ("contribution margins", lambda: contribution_margins(*margin_cols, data=t),
         lambda: pandas_margins(t)),
        ("NPS", lambda: nps(t["nps"]), lambda: pandas_nps(t["nps"])),
        ("CSAT (top 2)", lambda: csat(t["csat"]), lambda: pandas_csat(t["csat"])),
    ]

    # sanity: the fast versions agree with the pandas versions where they must
    assert (abc_classes(rev).astype(str) == pandas_abc(rev).astype(str)).mean() > 0.999
    assert abs(gini(rev) - pandas_lorenz_gini(rev)[1]) < 1e-9
    assert abs(nps(t["nps"]) - pandas_nps(t["nps"])) < 1e-9
    pd.testing.assert_frame_equal(contribution_margins(*margin_cols, data=t), pandas_margins(t),
                                  check_freq=False)

    print(f"crmlearn value/loyalty benchmark: {args.n:,} customers, median of {args.repeat} runs")
    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}, numpy {np.__version__}")
    header = f"{'metric':<26}{'crmlearn s':>12}{'pandas s':>12}{'ratio':>8}{'peak MB':>10}"
    print(header)
    print("-" * len(header))
    worst = 0.0
    for name, ours, theirs in cases:
        a = median_seconds(ours, args.repeat)
        b = median_seconds(theirs, args.repeat)
        peak = traced_peak_mb(ours)
        worst = max(worst, a / b)
        print(f"{name:<26}{a:>12.4f}{b:>12.4f}{a / b:>8.2f}{peak:>10.1f}")
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print("-" * len(header))
    print(f"worst ratio {worst:.2f} (target <= 1.5); peak resident memory of the process "
          f"{maxrss_mb:,.0f} MB (target < 2048)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
