"""Checks for exercise 08: value categories, potential value and needs segments.

The expected answers are recomputed from the shipped retail classroom world as
in lesson 08: current customers are those with a positive net spend in the last
365 days (:func:`crmlearn.segment.yearly_spend`), the actual value is their
margin of that year after goods, delivery and service contacts, the potential
comes from the wallet in the simulation's truth
(:func:`crmlearn.value.potential_from_wallet`), and the categories from
:func:`crmlearn.value.value_categories`. The needs segments are
:func:`crmlearn.segment.needs_segments` with ``seed=0``. The typical mistakes
(a cost left out, all years instead of the last one, all customers rated
instead of the current ones, the wallet or the share of wallet used as the
potential, the rule order of the categories ignored, ...) are computed the same
way.
"""

from __future__ import annotations

import functools

import pandas as pd

from ._registry import Expected, retail, task

#: tasks q1 and q2: the customer whose actual value and share of wallet are asked for
VALUE_CUSTOMER = 421

#: task q3: the customer whose value category is asked for
CATEGORY_CUSTOMER = 169

#: task q4: quantile of the unrealized potential from which a customer is MGC
MGC_QUANTILE = 0.9

#: task q6: the needs segment is named by its top category
LIFT_CATEGORY = "Karabiner"

#: task q5: the top categories of the two climbing segments found with k=5
CLIMBING = ("Kletterschuhe", "Karabiner")

#: the needs segments of the simulation's truth that task q5 talks about
TRUE_NEEDS = ("camper", "casual", "climber", "family", "hiker")


@functools.lru_cache(maxsize=1)
def _spend() -> pd.Series:
    from crmlearn import segment

    world = retail()
    return segment.yearly_spend(world.transactions, as_of=world.observation_end,
                                customers=world.customers)


def _window(table: pd.DataFrame, all_years: bool) -> pd.DataFrame:
    if all_years:
        return table
    end = retail().observation_end
    return table[table.date > end - pd.Timedelta(days=365)]


@functools.cache
def _current(all_customers: bool = False) -> pd.Index:
    spend = _spend()
    return spend.index[spend >= 0] if all_customers else spend.index[spend > 0]


@functools.cache
def _actual(*, delivery: bool = True, service: bool = True, all_years: bool = False,
            purchases_only: bool = False, goods: bool = True,
            all_customers: bool = False) -> pd.Series:
    """Actual value (yearly margin) per current customer, optionally with one mistake."""
    world = retail()
    current = _current(all_customers)
    tx = _window(world.transactions, all_years)
    if purchases_only:
        tx = tx[tx.kind.eq("purchase")]
    sums = (tx.groupby("customer_id")[["amount", "product_cost", "delivery_cost"]].sum()
            .reindex(current, fill_value=0))
    contacts = _window(world.contacts, all_years)
    cost = contacts.groupby("customer_id").cost.sum().reindex(current, fill_value=0)
    value = sums.amount - goods * sums.product_cost
    value = value - delivery * sums.delivery_cost - service * cost
    return value.rename("actual_value")


@functools.cache
def _potential(all_customers: bool = False) -> pd.DataFrame:
    from crmlearn import value

    current = _current(all_customers)
    wallet = retail().truth.customers.set_index("customer_id").wallet.reindex(current)
    return value.potential_from_wallet(wallet, _spend()[current])


@functools.cache
def _categories(variant: str = "right", **options) -> pd.Series:
    from crmlearn import value

    actual, potential = _actual(), _potential()
    if variant == "right":
        return value.value_categories(actual, potential.potential, **options)
    if variant == "all_customers":
        return value.value_categories(_actual(all_customers=True),
                                      _potential(all_customers=True).potential, **options)
    if variant == "wallet":
        return value.value_categories(actual, potential.wallet, **options)
    if variant == "share_of_wallet":
        return value.value_categories(actual, potential.share_of_wallet, **options)
    if variant == "spend":
        return value.value_categories(potential.spend, potential.potential, **options)
    raise ValueError(variant)


def _drop_equal(right, mistakes, tol: float = 0.0) -> Expected:
    """Keep only the mistakes whose answer differs from the right one."""
    if isinstance(right, str):
        return Expected(right, [(w, h) for w, h in mistakes if w != right])
    return Expected(right, [(w, h) for w, h in mistakes if abs(float(w) - float(right)) > tol])


@task("ex08.q1", "number", points=2, atol=0.006,
      hint="over the last 365 days: net amount - cost of the goods - delivery cost - cost of "
           "the service contacts, per current customer")
def q1() -> Expected:
    """Actual value (last year's margin) of customer VALUE_CUSTOMER."""
    c = VALUE_CUSTOMER
    return _drop_equal(float(_actual().loc[c]), [
        (float(_actual(delivery=False).loc[c]),
         "you forgot the delivery cost"),
        (float(_actual(service=False).loc[c]),
         "you forgot the cost of the service contacts (world.contacts of the last year)"),
        (float(_actual(all_years=True).loc[c]),
         "you used all years of data; the actual value is measured over the last 365 days"),
        (float(_actual(purchases_only=True).loc[c]),
         "you left out the returns: keep every transaction of the year, returns carry negative "
         "amounts and give the goods back"),
        (float(_actual(goods=False, delivery=False, service=False).loc[c]),
         "that is the spend of the year; subtract the costs the customer causes"),
        (float(_actual(delivery=False, service=False).loc[c]),
         "you subtracted only the cost of the goods; delivery and service contacts are costs "
         "too"),
    ], tol=0.01)


@task("ex08.q2", "number", points=2, rtol=1e-4, atol=5e-4,
      hint="use value.potential_from_wallet with the wallet from the truth and the spend of "
           "the last year (spend), then read share_of_wallet")
def q2() -> Expected:
    """Share of wallet of customer VALUE_CUSTOMER."""
    c = VALUE_CUSTOMER
    world = retail()
    row = _potential().loc[c]
    tx = world.transactions
    everything = tx[tx.customer_id.eq(c)].amount.sum()
    last = _window(tx, all_years=False)
    purchases = last[last.customer_id.eq(c) & last.kind.eq("purchase")].amount.sum()
    return _drop_equal(float(row.share_of_wallet), [
        (float(row.potential / row.wallet),
         "that is the unrealized part of the wallet; the share of wallet is what the customer "
         "spends with us"),
        (float(row.wallet / row.spend), "you divided the wrong way round: spend with us / wallet"),
        (float(everything / row.wallet),
         "you used the spend of all years; the wallet is a yearly budget, so use the last "
         "year's spend"),
        (float(purchases / row.wallet),
         "you left out the returns: the spend is the net spend of the year"),
        (float(row.potential), "that is the potential in EUR; the task asks for a share"),
    ], tol=1e-3)


@task("ex08.q3", "category", points=2, choices=("MVC", "MGC", "Migrator", "BZC"),
      hint="rate only the current customers: value.value_categories(actual, potential) with the "
           "actual value of q1 and the potential in EUR (column potential)")
def q3() -> Expected:
    """Value category of customer CATEGORY_CUSTOMER."""
    c = CATEGORY_CUSTOMER
    return _drop_equal(str(_categories().loc[c]), [
        (str(_categories("all_customers").loc[c]),
         "you rated all customers; only the current ones (spend > 0 in the last year) are rated, "
         "and the former ones pull the thresholds down"),
        (str(_categories("wallet").loc[c]),
         "you used the whole wallet as potential; the potential is the part the customer does "
         "not spend with us yet (column potential)"),
        (str(_categories("share_of_wallet").loc[c]),
         "you passed the share of wallet as the potential; the function wants the potential in "
         "EUR (column potential)"),
        (str(_categories("spend").loc[c]),
         "you used the spend as the actual value; the actual value is the margin after the costs "
         "(q1)"),
    ])


@task("ex08.q4", "number", points=1,
      hint="pass mgc_quantile to value.value_categories (the MVC rule stays as it is) and count "
           "the customers whose category is MGC")
def q4() -> Expected:
    """Task: the number of MGC when only the top 10 % by potential qualify."""
    potential = _potential().potential
    n = int((_categories(mgc_quantile=MGC_QUANTILE) == "MGC").sum())
    return _drop_equal(n, [
        (int((_categories() == "MGC").sum()),
         "that is the count with the default rule (top 20 % of the potential)"),
        (int((potential >= potential.quantile(MGC_QUANTILE)).sum()),
         "you counted every customer in the top 10 % of the potential; the rules are applied in "
         "order, so BZC and MVC among them keep their category"),
        (int((_categories(mvc_quantile=MGC_QUANTILE) == "MGC").sum()),
         "you changed the MVC rule (mvc_quantile); the task changes the MGC rule"),
        (int((_categories(mvc_quantile=MGC_QUANTILE, mgc_quantile=MGC_QUANTILE) == "MGC").sum()),
         "you changed the MVC rule too; only the MGC rule changes"),
        (n / len(potential), "you gave a share; the task asks for the number of customers"),
    ])


@functools.cache
def _needs(k: int) -> pd.Series:
    """Needs segment per customer (k-means on category shares, seed 0)."""
    from crmlearn import segment

    world = retail()
    found = segment.needs_segments(world.order_lines, world.products, world.transactions,
                                   k=k, seed=0)
    return found.set_index("customer_id").segment


def _true_needs(index) -> pd.Series:
    truth = retail().truth.customers.set_index("customer_id")
    return truth.needs_segment.reindex(index)


def _k4_statements() -> dict[str, bool]:
    """Which statement of task q5 holds for k=4 (each checked on the data)."""
    from crmlearn import segment

    four = _needs(4)
    true = _true_needs(four.index)
    table = pd.crosstab(four.to_numpy(), true.to_numpy())
    missing = set(TRUE_NEEDS) - set(table.columns)
    if missing:
        raise RuntimeError(f"the truth has no needs segments {sorted(missing)}")
    five = _needs(5)
    ari4 = segment.adjusted_rand_index(four, true)
    ari5 = segment.adjusted_rand_index(five, _true_needs(five.index))
    climbing = five.isin([_segment_named(c) for c in CLIMBING])
    landed = four.reindex(five.index)[climbing].value_counts(normalize=True)
    return {
        "a": bool(landed.max() >= 0.9),
        "b": bool(table["hiker"].idxmax() != table["casual"].idxmax()),
        "c": bool(table["camper"].idxmax() == table["family"].idxmax()),
        "d": bool(ari4 < ari5),
    }


_K4_HINTS = {
    "a": "crosstab the segments of k=5 with those of k=4: where do the customers of the two "
         "climbing segments go?",
    "b": "look at the hikers' and the casual buyers' columns: which found segment holds most of "
         "each?",
    "c": "look at the campers' and the families' columns: is the same found segment the "
         "largest in both?",
    "d": "compare the two ARI values again: which one is larger?",
}


@task("ex08.q5", "choice", points=1, choices=("a", "b", "c", "d"),
      hint="run needs_segments with k=4 and seed=0, crosstab the result with the truth and "
           "compare the ARI with the one for k=5")
def q5() -> Expected:
    """Task: what changes with four instead of five needs segments."""
    holds = _k4_statements()
    right = [letter for letter, ok in holds.items() if ok]
    if len(right) != 1:
        raise RuntimeError(f"task q5 needs exactly one true statement, found {right}")
    return Expected(right[0], [(letter, hint) for letter, hint in _K4_HINTS.items()
                               if not holds[letter]])


@functools.cache
def _segment_named(category: str) -> int:
    """Return the k=5 needs segment whose most bought category is ``category``."""
    from crmlearn import segment

    world = retail()
    shares = segment.category_shares(world.order_lines, world.products, world.transactions)
    five = _needs(5)
    profiles = segment.segment_profiles(shares, five)
    top = profiles.drop(columns="customers").idxmax(axis=1)
    hits = list(top.index[top == category])
    if len(hits) != 1:
        raise RuntimeError(f"expected one needs segment led by {category!r}, found {hits}")
    return int(hits[0])


@task("ex08.q6", "number", points=2, rtol=1e-3, atol=5e-4,
      hint="crosstab value category by needs segment (current customers); lift = the segment's "
           "share among the MGC / its share among all current customers")
def q6() -> Expected:
    """Lift of the needs segment led by LIFT_CATEGORY among the MGC."""
    seg = _segment_named(LIFT_CATEGORY)
    categories = _categories()
    needs = _needs(5)
    combined = pd.crosstab(categories, needs.reindex(categories.index))
    within = combined.div(combined.sum(axis=1), axis=0)
    overall = combined.sum() / combined.to_numpy().sum()
    lift = within / overall
    right = float(lift.loc["MGC", seg])
    everyone = needs.value_counts(normalize=True)
    return _drop_equal(right, [
        (float(within.loc["MGC", seg]),
         "that is the segment's share among the MGC; divide it by its share among all current "
         "customers"),
        (float(combined.loc["MGC", seg] / combined[seg].sum()),
         "that is the share of MGC within the segment; divide it by the share of MGC among all "
         "current customers"),
        (1 / right, "you divided the wrong way round: share among the MGC / share among all"),
        (float(lift.loc["MVC", seg]), "that is the lift among the MVC; the task asks about the "
                                      "MGC"),
        (float(within.loc["MGC", seg] / everyone[seg]),
         "you compared with all customers who ever bought; compare with the current customers "
         "(the ones that have a value category)"),
    ], tol=1e-3)


@task("ex08.q7", "text", points=1, min_words=5)
def q7() -> Expected:
    """Decide and justify: what to do with the wholesaler's below-zero accounts (recorded)."""
    return Expected(None)
