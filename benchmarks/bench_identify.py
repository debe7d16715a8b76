"""Benchmark crmlearn.identify: record linkage on the retail world.

For each size, generates the retail world, links every touchpoint record to
the master customers and prints the time of each step, the number of
candidate pairs, the reduction ratio, the pair completeness (share of records
whose true customer is among their candidate pairs) and precision / recall at
the default threshold, for both decision methods.

The default blocks (postcode OR phonetic last name OR e-mail) grow with the
square of the customer base: every record meets every customer of its
postcode. For large bases the benchmark also runs *compound* blocks, where a
pair must agree on two fields at once (postcode AND phonetic last name, ...),
which keeps the pair count roughly linear. Without ``--default-large`` the
default blocks are only counted (not compared) above 10,000 customers.

Run from the repository root::

    .venv/bin/python benchmarks/bench_identify.py                 # 3,000 and 30,000 customers
    .venv/bin/python benchmarks/bench_identify.py --sizes 3000 --default-large
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd

from crmlearn.datasets._generator import generate
from crmlearn.identify import (
    DEFAULT_BLOCKS,
    FellegiSunter,
    candidate_pairs,
    compare,
    evaluate,
    normalize,
    rule_score,
)

SEED = 2024
COMPOUND_BLOCKS = (
    ("postcode", "phonetic_last_name"),
    ("phonetic_last_name", "birth_year"),
    ("phonetic_last_name", "first_name_canonical"),
    "email",
    "email_local",
)


def _count_pairs(left, right, blocks) -> int:
    """Upper bound of the candidate pairs (sum over blocks, overlaps counted twice)."""
    total = 0
    for key in blocks:
        key = [key] if isinstance(key, str) else list(key)
        a = left[key].dropna().value_counts()
        b = right[key].dropna().value_counts()
        total += int((a * b.reindex(a.index).fillna(0)).sum())
    return total


def _run(world, left, right, blocks, label):
    truth = world.truth.record_links.set_index("record_id")["customer_id"]
    t0 = time.perf_counter()
    pairs = candidate_pairs(left, right, blocks=blocks)
    t1 = time.perf_counter()
    features = compare(left, right, pairs)
    t2 = time.perf_counter()
    fs = FellegiSunter().fit(features)
    prob = fs.match_probability(features)
    t3 = time.perf_counter()
    rule = rule_score(features)
    t4 = time.perf_counter()
    found = pd.Series(pairs["right"].to_numpy() == truth.reindex(pairs["left"]).to_numpy())
    completeness = found.groupby(pairs["left"].to_numpy()).any().reindex(left.index, fill_value=False)
    print(f"  blocks: {label}")
    print(f"    candidate pairs {len(pairs):>12,}   reduction ratio {pairs.attrs['reduction_ratio']:.5f}"
          f"   pair completeness {completeness.mean():.4f}")
    print(f"    time: blocking {t1 - t0:.2f} s, compare {t2 - t1:.2f} s, "
          f"Fellegi-Sunter fit+score {t3 - t2:.2f} s ({fs.n_iter_} EM iterations), rule {t4 - t3:.2f} s")
    for method, score, threshold in (("fellegi_sunter", prob, 0.5), ("rule", rule, 0.75)):
        best = (pd.DataFrame({"record_id": pairs["left"].to_numpy(),
                              "candidate_id": pairs["right"].to_numpy(), "score": score.to_numpy()})
                .sort_values(["record_id", "score"], ascending=[True, False])
                .drop_duplicates("record_id"))
        links = world.touchpoint_records[["record_id", "source"]].merge(best, on="record_id", how="left")
        links["customer_id"] = links["candidate_id"].where(links["score"] >= threshold).astype("Int64")
        ev = evaluate(links, world.truth.record_links).set_index("source")
        per_source = ", ".join(f"{s} {ev.loc[s, 'recall']:.3f}" for s in ev.index if s != "all")
        print(f"    {method:<15} threshold {threshold:<4}  precision {ev.loc['all', 'precision']:.4f}"
              f"  recall {ev.loc['all', 'recall']:.4f}  F1 {ev.loc['all', 'f1']:.4f}"
              f"  (recognition: {per_source})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000])
    parser.add_argument("--default-large", action="store_true",
                        help="also compare the default blocks above 10,000 customers (slow, needs RAM)")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}, numpy {np.__version__}")
    for n in args.sizes:
        world = generate("retail", n_customers=n, seed=SEED)
        records, customers = world.touchpoint_records, world.customers
        t0 = time.perf_counter()
        left = normalize(records).set_axis(pd.Index(records["record_id"].to_numpy()))
        right = normalize(customers).set_axis(pd.Index(customers["customer_id"].to_numpy()))
        print(f"\n{n:,} customers, {len(records):,} touchpoint records "
              f"(normalize both: {time.perf_counter() - t0:.2f} s)")
        if n <= 10_000 or args.default_large:
            _run(world, left, right, DEFAULT_BLOCKS, "default " + " | ".join(DEFAULT_BLOCKS))
        else:
            est = _count_pairs(left, right, DEFAULT_BLOCKS)
            print(f"  blocks: default {' | '.join(DEFAULT_BLOCKS)}: about {est:,} candidate pairs "
                  "(not compared; pass --default-large)")
        label = " | ".join(k if isinstance(k, str) else "+".join(k) for k in COMPOUND_BLOCKS)
        _run(world, left, right, COMPOUND_BLOCKS, "compound " + label)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory {peak:,.0f} MB")


if __name__ == "__main__":
    main()
