"""customer_summary on ten million transactions vs. a plain pandas groupby.

    python benchmarks/bench_summary.py [--customers 1000000] [--transactions 10000000] [--repeat 3]

Prints the median wall time of each, their ratio and the peak memory that
tracemalloc sees during one call. Both compute the same columns (checked).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np
import pandas as pd

from crmlearn import customer_summary


def make_transactions(n_customers: int, n_transactions: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    customer = rng.integers(1, n_customers + 1, n_transactions)
    day = rng.integers(0, 3 * 365, n_transactions)
    return pd.DataFrame({
        "transaction_id": np.arange(1, n_transactions + 1),
        "customer_id": customer,
        "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(day, unit="D"),
        "amount": np.round(rng.gamma(6.0, 10.0, n_transactions), 2) + 0.01,
        "kind": "purchase",
    })


def pandas_baseline(tx: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """The straightforward pandas way to the same table (no validation)."""
    occ = tx.groupby(["customer_id", "date"], sort=True)["amount"].sum().reset_index()
    g = occ.groupby("customer_id", sort=True)
    first, last, n = g["date"].min(), g["date"].max(), g.size()
    revenue = g["amount"].sum()
    first_amount = g["amount"].first()
    freq = n - 1
    return pd.DataFrame({
        "first_purchase": first, "last_purchase": last, "n_purchases": n, "frequency": freq,
        "recency": (last - first).dt.days.astype(float), "T": (end - first).dt.days.astype(float),
        "revenue": revenue, "monetary_value": ((revenue - first_amount) / freq.where(freq > 0)).fillna(0.0),
        "days_since_last": (end - last).dt.days,
    })


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), peak, result


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--transactions", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tx = make_transactions(args.customers, args.transactions)
    end = tx["date"].max()
    print(f"{len(tx):,} transactions of {tx.customer_id.nunique():,} customers "
          f"({tx.memory_usage(deep=True).sum() / 1e6:,.0f} MB in memory)")
    ours_t, ours_mem, ours = timed(lambda: customer_summary(tx, observation_end=end), args.repeat)
    base_t, base_mem, base = timed(lambda: pandas_baseline(tx, end), args.repeat)
    for col in ["n_purchases", "recency", "T", "revenue", "monetary_value"]:
        np.testing.assert_allclose(ours[col].to_numpy(float), base[col].to_numpy(float), rtol=1e-9, atol=0.01)
    print(f"customer_summary (validates input, adds returns columns): median {ours_t:6.2f} s, "
          f"peak {ours_mem / 1e9:.2f} GB")
    print(f"plain pandas groupby (no validation):                     median {base_t:6.2f} s, "
          f"peak {base_mem / 1e9:.2f} GB")
    print(f"ratio customer_summary / pandas: {ours_t / base_t:.2f}")


if __name__ == "__main__":
    main()
