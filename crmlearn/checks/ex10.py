"""Checks for exercise 10: customize (the four types, co-purchases, next-best offers).

The tasks follow lesson 10 (``notebooks/10_customize.ipynb``). The numeric
answers are recomputed from the shipped retail classroom data: the
co-purchase figures (confidence, lift) from the purchases up to the cut-off
date, the offers with :func:`crmlearn.customize.next_best_offers`, the typical
mistakes the same way (basket instead of customer counts from
:func:`crmlearn.knowledge.association_rules`, offers made at the end of the
data, ...). The letter of q6 is derived from the data; only the classification
of new cases (q1) is stored, as salted hashes
(:func:`crmlearn.checks._registry.choice_hash`).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd

from ._registry import Expected, retail, task

#: tasks q2 and q3: the rule "bought ANTECEDENT -> also bought CONSEQUENT" (categories)
ANTECEDENT = "Kocher"
CONSEQUENT = "Gaskartuschen"

#: tasks q4-q6: offers per customer (given in the task text)
N_OFFERS = 3


def _distinct(right: float, mistakes, rtol: float, atol: float):
    """Keep the numeric mistakes that the checker can tell apart from the right answer."""
    return [(float(w), h) for w, h in mistakes
            if math.isfinite(float(w))
            and not math.isclose(float(w), float(right), rel_tol=rtol, abs_tol=atol)]


def _cutoff() -> pd.Timestamp:
    """Return the lesson's cut-off date: one year before the end of the data."""
    return retail().observation_end - pd.DateOffset(years=1)


@functools.lru_cache(maxsize=1)
def _purchase_lines() -> pd.DataFrame:
    """Order lines of purchases with customer, date and category (as in the lesson)."""
    w = retail()
    bought = w.transactions[w.transactions.kind == "purchase"][
        ["transaction_id", "customer_id", "date"]]
    return w.order_lines.merge(bought).merge(w.products[["product_id", "category"]])


def _owned(until=None) -> pd.DataFrame:
    """Return the (customer, category) pairs bought up to ``until`` (all if None)."""
    lines = _purchase_lines()
    if until is not None:
        lines = lines[lines.date <= until]
    return lines[["customer_id", "category"]].drop_duplicates()


def _rule(owned: pd.DataFrame, i: str, j: str) -> dict[str, float]:
    """Count customers for the rule i -> j and return its confidence and lift."""
    buyers = owned.groupby("category").customer_id.apply(set)
    n = owned.customer_id.nunique()
    both = len(buyers[i] & buyers[j])
    n_i, n_j = len(buyers[i]), len(buyers[j])
    return {"n": n, "both": both, "n_i": n_i, "n_j": n_j, "conf": both / n_i,
            "reverse": both / n_j, "lift": both / n_i / (n_j / n)}


def _basket_rule(until=None) -> dict[str, float]:
    """Confidence and lift of the rule counted per basket (lesson 02's association rules)."""
    from crmlearn import knowledge

    w = retail()
    lines = w.order_lines
    if until is not None:
        keep = w.transactions.transaction_id[w.transactions.date <= until]
        lines = lines[lines.transaction_id.isin(keep)]
    rules = knowledge.association_rules(lines, w.products, min_support=1e-9,
                                        min_confidence=1e-9)
    row = rules[(rules.antecedent == ANTECEDENT) & (rules.consequent == CONSEQUENT)]
    if row.empty:
        return {"conf": math.nan, "lift": math.nan}
    return {"conf": float(row.confidence.iloc[0]), "lift": float(row.lift.iloc[0])}


@functools.lru_cache(maxsize=8)
def _offers(n: int = N_OFFERS, at_cutoff: bool = True) -> pd.DataFrame:
    """Next-best offers for every customer, made at the cut-off (or at the end of the data)."""
    from crmlearn import customize

    w = retail()
    return customize.next_best_offers(w.order_lines, w.transactions, w.products,
                                      as_of=_cutoff() if at_cutoff else None, n=n)


@functools.lru_cache(maxsize=1)
def _later() -> frozenset:
    lines = _purchase_lines()
    return frozenset(lines[lines.date > _cutoff()][["customer_id", "category"]]
                     .itertuples(index=False, name=None))


def _rates(table: pd.DataFrame) -> tuple[float, float]:
    """(hit rate, new-category hit rate) of an offer table, as in the lesson."""
    from crmlearn import customize

    w = retail()
    r = customize.offer_hit_rates(table, w.order_lines, w.transactions, w.products, _cutoff())
    return float(r["hit rate"]), float(r["new-category hit rate"])


def _popular(customers) -> pd.DataFrame:
    """Offer every customer the three most popular categories (the lesson's baseline)."""
    top = _owned(_cutoff()).category.value_counts().index[:N_OFFERS]
    return pd.DataFrame({"customer_id": np.repeat(customers, len(top)),
                         "category": np.tile(top, len(customers))})


# --------------------------------------------------------------------------------------
# q1: classify new cases (hashed multiple choice)
# --------------------------------------------------------------------------------------

_TRANSPARENT_RIGHT = "b0c6c0150d23d30798445463056e51a4edfe4b07da4246325735d15b72f9ba48"
_TRANSPARENT_WRONG = {
    "c04d8dfe118da2530cb715750cc1666f56e4a7d54dc9955daa066289470004a2":
        "the chalk bags are the ones on the shelf; only their look is personal, so the "
        "presentation changes and the product does not",
    "8223fba6db095539c11c746e184e6677a2c70291e972fe317ce895a53790a3b0":
        "every hiker gets the same pole and sets it up alone: the firm changes nothing per "
        "customer",
    "9d8825c0dc8a44c862bc0a76b31584207908dfd8b1f52322167a1317048239f3":
        "here customer and firm work out the need together in a dialogue; transparent "
        "customization happens without asking the customer",
}


@task("ex10.q1", "hashed_choice", points=1, choices=("a", "b", "c", "d"),
      hint="ask the two questions of the grid for each case: is the product changed, and is "
           "the presentation changed? Transparent changes the product without asking")
def q1() -> Expected:
    """Task: which of four new cases is transparent customization (hashed multiple choice)."""
    return Expected(_TRANSPARENT_RIGHT, list(_TRANSPARENT_WRONG.items()))


# --------------------------------------------------------------------------------------
# q2, q3: confidence and lift of one rule, counted over customers up to the cut-off
# --------------------------------------------------------------------------------------


@task("ex10.q2", "number", points=2, atol=5e-4,
      hint="confidence(i -> j) = customers who bought both i and j / customers who bought i, "
           "counting only purchases up to the cut-off")
def q2() -> Expected:
    """Confidence(ANTECEDENT -> CONSEQUENT) over customers, purchases up to the cut-off."""
    r = _rule(_owned(_cutoff()), ANTECEDENT, CONSEQUENT)
    everything = _rule(_owned(), ANTECEDENT, CONSEQUENT)
    basket = _basket_rule(_cutoff())
    return Expected(r["conf"], _distinct(r["conf"], [
        (r["reverse"], f"you divided by the buyers of {CONSEQUENT}; the rule starts from "
                       f"{ANTECEDENT}, so divide by the buyers of {ANTECEDENT}"),
        (r["both"] / r["n"], "that is the support (share of all customers who bought both); "
                             "confidence divides by the buyers of the first category"),
        (r["lift"], "that is the lift; the task asks for the confidence"),
        (r["n_j"] / r["n"], f"that is the share of all customers who bought {CONSEQUENT}, "
                            f"whatever else they bought"),
        (everything["conf"], "you used all purchases; count only those up to the cut-off "
                             "(the offers are made on that day)"),
        (basket["conf"], "you counted baskets (both categories in one purchase); the task "
                         "counts customers who ever bought them up to the cut-off"),
        (r["both"], "that is the number of customers who bought both; divide it by the buyers "
                    f"of {ANTECEDENT}"),
    ], 1e-6, 5e-4))


@task("ex10.q3", "number", points=2, rtol=1e-4, atol=5e-3,
      hint="lift(i -> j) = confidence(i -> j) / (buyers of j / all customers), with customers "
           "counted up to the cut-off")
def q3() -> Expected:
    """Lift(ANTECEDENT -> CONSEQUENT) over customers, purchases up to the cut-off."""
    r = _rule(_owned(_cutoff()), ANTECEDENT, CONSEQUENT)
    everything = _rule(_owned(), ANTECEDENT, CONSEQUENT)
    basket = _basket_rule(_cutoff())
    return Expected(r["lift"], _distinct(r["lift"], [
        (r["conf"], "that is the confidence; the lift divides it by the share of all customers "
                    f"who bought {CONSEQUENT}"),
        (r["conf"] / (r["n_i"] / r["n"]), f"divide by the share of customers who bought "
                                          f"{CONSEQUENT} (the second category), not "
                                          f"{ANTECEDENT}"),
        (1 / r["lift"], "you divided the wrong way round: confidence / share of buyers"),
        (r["conf"] * r["n_j"] / r["n"], "you multiplied by the share of "
                                        f"{CONSEQUENT} buyers; divide by it"),
        (everything["lift"], "you used all purchases; count only those up to the cut-off"),
        (basket["lift"], "you counted baskets (both categories in one purchase); the task "
                         "counts customers who ever bought them up to the cut-off"),
    ], 1e-4, 5e-3))


# --------------------------------------------------------------------------------------
# q4-q6: next-best offers, their evaluation and the bestseller baseline
# --------------------------------------------------------------------------------------


@task("ex10.q4", "number", points=1,
      hint="make three offers per customer with customize.next_best_offers(..., as_of=cutoff, n=3) "
           "and count the different customers among the rows whose source is 'replacement'")
def q4() -> Expected:
    """Count the customers with a replacement offer among their N_OFFERS offers."""
    o = _offers()
    rep = o[o.source == "replacement"]
    right = int(rep.customer_id.nunique())
    end = _offers(at_cutoff=False)
    one = _offers(n=1)
    return Expected(right, _distinct(right, [
        (len(rep), "you counted offers; the task asks for customers (some get two replacement "
                   "offers)"),
        (int(end[end.source == "replacement"].customer_id.nunique()),
         "you made the offers at the end of the data; make them at the cut-off (as_of=cutoff)"),
        (int((end.source == "replacement").sum()),
         "you made the offers at the end of the data and counted offers, not customers"),
        (int(one[one.source == "replacement"].customer_id.nunique()),
         f"you made one offer per customer; the task asks for {N_OFFERS}"),
        (int((o.source == "related").sum()), "you counted the 'related' offers"),
    ], 1e-9, 1e-9))


@task("ex10.q5", "number", points=2, atol=5e-4,
      hint="pair each offer's customer_id with its category and take the share of pairs that "
           "appear in `later` (bought after the cut-off)")
def q5() -> Expected:
    """Hit rate of the N_OFFERS next-best offers made at the cut-off."""
    o = _offers()
    hit, new = _rates(o)
    pairs = list(zip(o.customer_id, o.category, strict=True))
    later = _later()
    per_customer = pd.Series([p in later for p in pairs]).groupby(o.customer_id.to_numpy()).any()
    return Expected(hit, _distinct(hit, [
        (new, "you counted only hits in categories new to the customer; the task asks for all "
              "hits"),
        (_rates(_offers(at_cutoff=False))[0], "you made the offers at the end of the data; "
                                             "make them at the cut-off (as_of=cutoff)"),
        (_rates(_offers(n=1))[0], f"you evaluated one offer per customer; the task asks for "
                                 f"{N_OFFERS}"),
        (_rates(_popular(o.customer_id.unique()))[0],
         "that is the bestseller baseline; the task asks for the personalized offers"),
        (float(per_customer.mean()), "that is the share of customers with at least one hit; "
                                     "the task asks for the share of offers"),
        (float(per_customer.sum()), "that is a count of customers; the task asks for a share "
                                    "of offers"),
        (float(sum(p in later for p in pairs)), "that is the number of hits; divide by the "
                                                "number of offers"),
    ], 1e-6, 5e-4))


#: q6: what each letter claims, as (personalized better on hits, on new-category hits)
_COMPARISON_CLAIMS = {"a": (True, True), "b": (False, True), "c": (False, False),
                      "d": (True, False)}

_COMPARISON_HINTS = {
    "a": "compare the plain hit rates again: which offer is bought more often at all?",
    "b": "compare each of the two measures separately",
    "c": "look at the hits in categories the customer did not own before",
    "d": "the two measures rank the offers differently; check which wins where",
}


@task("ex10.q6", "choice", points=1, choices=("a", "b", "c", "d"),
      hint="compute both measures for both offer tables, then compare them one by one")
def q6() -> Expected:
    """Personalized offers against the bestseller baseline (letter derived from the data)."""
    o = _offers()
    mine = _rates(o)
    base = _rates(_popular(o.customer_id.unique()))
    fact = (mine[0] > base[0], mine[1] > base[1])
    right = next(k for k, v in _COMPARISON_CLAIMS.items() if v == fact)
    return Expected(right, [(k, h) for k, h in _COMPARISON_HINTS.items() if k != right])


@task("ex10.q7", "text", points=1, min_words=5)
def q7() -> Expected:
    """Decide and justify: bestsellers or personalized offers in the newsletter (recorded)."""
    return Expected(None)
