"""Fit-time benchmark of crmlearn.models, side by side with `lifetimes` when importable.

Run inside the benchmark's own environment (it installs lifetimes there):

    bash benchmarks/models_env.sh

or, without the competitor, from the project venv:

    python benchmarks/bench_models.py --runs 5

Data sets
---------
- CDNOW sample: 2,357 customers, recency and T in weeks (published data).
- 1,000,000 simulated BG/NBD customers (r=0.25, alpha=4, a=0.8, b=2.5, T uniform
  26-78 weeks, seed 1), with times recorded in whole days (as transaction data
  is) and expressed in weeks.

Each figure is the median wall-clock time of ``--runs`` fits (``--big-runs`` for
the one-million-customer data).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from crmlearn.models import BetaGeo, ParetoNBD, load_cdnow_summary

try:  # the competitor, only in the benchmark's own venv
    import lifetimes
except ImportError:  # pragma: no cover - depends on the environment
    lifetimes = None


def simulate_bgnbd(n, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=1, t_min=26.0, t_max=78.0):
    """Simulate (x, t_x, T) in weeks, recorded to whole days."""
    rng = np.random.default_rng(seed)
    big_t = rng.uniform(t_min, t_max, n)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    x, tx, now = np.zeros(n), np.zeros(n), np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        nxt = now[idx] + rng.exponential(1.0 / np.maximum(lam[idx], 1e-300))
        inside = nxt <= big_t[idx]
        buy = idx[inside]
        x[buy] += 1
        tx[buy] = now[buy] = nxt[inside]
        active[idx[~inside]] = False
        active[buy[rng.random(buy.size) < p[buy]]] = False
    big_t = np.floor(big_t * 7) / 7
    tx = np.minimum(np.floor(tx * 7) / 7, big_t)
    return x, tx, big_t


def median_time(fit, runs):
    """Median seconds of ``runs`` calls of ``fit()`` (after one untimed warm-up for runs > 1)."""
    if runs > 1:
        fit()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fit()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(label, ours, theirs):
    ratio = f"{theirs / ours:8.1f}x" if theirs is not None else "       -"
    their = f"{theirs:10.3f}" if theirs is not None else "         -"
    print(f"{label:<44}{ours:10.3f}{their}{ratio}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per CDNOW figure")
    parser.add_argument("--big-runs", type=int, default=3, help="runs per 1M figure")
    parser.add_argument("--big-n", type=int, default=1_000_000)
    parser.add_argument(
        "--competitor-big-pareto",
        action="store_true",
        help="also time lifetimes' Pareto/NBD on the big data (takes very long)",
    )
    args = parser.parse_args()

    cd = load_cdnow_summary()
    f, r, t = (cd[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    x, tx, big_t = simulate_bgnbd(args.big_n)
    distinct = len(pd.DataFrame({"x": x, "tx": tx, "T": big_t}).drop_duplicates())

    competitor = lifetimes.__version__ if lifetimes else "not importable"
    print(f"crmlearn models benchmark; lifetimes {competitor}")
    print(f"numpy {np.__version__}; CDNOW runs={args.runs}; big data runs={args.big_runs}")
    print(f"big data: {args.big_n:,} customers ({distinct:,} distinct (x, t_x, T) rows)")
    print(f"{'median fit time (s)':<44}{'crmlearn':>10}{'lifetimes':>10}{'ratio':>9}")

    def lt(cls, a, b, c):
        return (lambda: cls().fit(a, b, c)) if lifetimes else None

    cases = [
        ("BG/NBD, CDNOW (2,357)", BetaGeo, f, r, t, args.runs, "BetaGeoFitter", True),
        ("Pareto/NBD, CDNOW (2,357)", ParetoNBD, f, r, t, args.runs, "ParetoNBDFitter", True),
        (
            f"BG/NBD, simulated ({args.big_n:,})",
            BetaGeo,
            x,
            tx,
            big_t,
            args.big_runs,
            "BetaGeoFitter",
            True,
        ),
        (
            f"Pareto/NBD, simulated ({args.big_n:,})",
            ParetoNBD,
            x,
            tx,
            big_t,
            args.big_runs,
            "ParetoNBDFitter",
            args.competitor_big_pareto,
        ),
    ]
    for label, model, a, b, c, runs, their_name, run_theirs in cases:
        ours = median_time(lambda m=model, a=a, b=b, c=c: m().fit(a, b, c), runs)
        theirs = None
        if lifetimes is not None and run_theirs:
            their_cls = getattr(lifetimes, their_name)
            # the competitor is slow on big data: one timed run there
            their_runs = runs if len(a) < 10_000 else 1
            theirs = median_time(lambda k=their_cls, a=a, b=b, c=c: k().fit(a, b, c), their_runs)
        row(label, ours, theirs)
    if lifetimes is not None and not args.competitor_big_pareto:
        print("(lifetimes' Pareto/NBD on the big data not run; pass --competitor-big-pareto)")


if __name__ == "__main__":
    main()
