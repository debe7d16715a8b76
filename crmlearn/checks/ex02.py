"""Checks for exercise 02: the 10 Cs of CRM, one computation per C.

The tasks follow lesson 02 (``notebooks/02_ten_cs_of_crm.ipynb``) on the shipped
retail classroom data: an association rule and the time to the next purchase
(customer knowledge), membership tiers with a changed threshold (segmentation),
the survey's importance ratings per needs segment (value as the customer sees
it), detractors among satisfied expectations (satisfaction) and customers who
cost more than they brought (profitability). Every answer is recomputed with
:mod:`crmlearn.knowledge`, :mod:`crmlearn.segment` and pandas as in the lesson;
the typical mistakes are computed the same way. The question on tiers and
loyalty cannot be computed, so only salted hashes of its letters are stored
(see :func:`crmlearn.checks._registry.choice_hash`).
"""

from __future__ import annotations

import functools
import math

from ._registry import Expected, retail, retail_summary, task

#: task q1: the rule whose confidence is asked for (antecedent, consequent)
RULE = ("Zelte", "Isomatten")

#: task q2: the category bought again (children outgrow their hiking shoes)
REPEAT_CATEGORY = "Kinder-Wanderschuhe"

#: task q2, a trap: the lesson's stove -> cartridge pair
LESSON_PAIR = ("Kocher", "Gaskartuschen")

#: task q3: the calendar year and the changed tier thresholds (given in the task text)
TIER_YEAR = 2024
TIERS = {"Basis": 0.0, "Silber": 100.0, "Gold": 500.0, "Platin": 1000.0}

#: task q4: the answer letters of the needs segments, in the order of the task text
SEGMENT_LETTERS = {"camper": "a", "casual": "b", "climber": "c", "family": "d", "hiker": "e"}


def _distinct(right: float, mistakes, rtol: float, atol: float):
    """Keep the numeric mistakes that the checker can tell apart from the right answer."""
    return [(float(w), h) for w, h in mistakes
            if math.isfinite(float(w))
            and not math.isclose(float(w), float(right), rel_tol=rtol, abs_tol=atol)]


@task("ex02.q1", "number", points=2, rtol=1e-4, atol=5e-4,
      hint="use knowledge.association_rules(world.order_lines, world.products) and read the "
           "confidence of the row with antecedent Zelte and consequent Isomatten")
def q1() -> Expected:
    """Confidence of the rule RULE."""
    from crmlearn import knowledge

    world = retail()
    rules = knowledge.association_rules(world.order_lines, world.products)
    rules = rules.set_index(["antecedent", "consequent"])
    row = rules.loc[RULE]
    back = rules.loc[RULE[::-1]]
    right = float(row.confidence)
    return Expected(right, _distinct(right, [
        (back.confidence, "that is the rule the other way round (Isomatten → Zelte); the task "
                          "starts from the tent baskets"),
        (row.support, "that is the support (share of all baskets with both); confidence divides "
                      "by the baskets with the first item only"),
        (row.lift, "that is the lift; the task asks for the confidence"),
        (row.n_both, "that is the number of baskets with both items; the task asks for a share"),
    ], 1e-4, 5e-4))


@functools.cache
def _timing(first: str, then: str):
    from crmlearn import knowledge

    world = retail()
    return knowledge.next_purchase_timing(world.order_lines, world.transactions, world.products,
                                          first=first, then=then)


@task("ex02.q2", "number", points=2, atol=0.006,
      hint="use knowledge.next_purchase_timing with first and then both set to the children's "
           "hiking shoes, and take the median of the days column")
def q2() -> Expected:
    """Median days from the first pair of children's hiking shoes to the next pair."""
    world = retail()
    days = _timing(REPEAT_CATEGORY, REPEAT_CATEGORY).days
    right = float(days.median())
    cycle = world.products.loc[world.products.category == REPEAT_CATEGORY, "replacement_days"]
    return Expected(right, _distinct(right, [
        (days.mean(), "that is the mean; long gaps pull it up, the task asks for the median"),
        (cycle.max(), "that is the catalogue's replacement cycle, an assumption; the task asks "
                      "what the customers actually did"),
        (_timing(*LESSON_PAIR).days.median(), "that is the lesson's stove-to-cartridge time; "
                                              "set first and then to the children's shoes"),
        (days.fillna(0).median(), "customers who never bought a second pair have no time at "
                                  "all (NaN); counting them as 0 days is wrong"),
        (days.isna().mean(), "that is the share who never bought a second pair"),
        (days.notna().sum(), "that is the number of customers who bought a second pair"),
    ], 1e-6, 0.006))


def _gold(year: int, thresholds) -> int:
    from crmlearn import segment

    world = retail()
    spend = segment.yearly_spend(world.transactions, year=year, customers=world.customers)
    return int((segment.membership_tiers(spend, thresholds) == "Gold").sum())


@task("ex02.q3", "number", points=2,
      hint="compute segment.yearly_spend for the year, then segment.membership_tiers(spend, "
           "thresholds) with Gold starting at 500 EUR, and count the Gold customers")
def q3() -> Expected:
    """Task: the number of Gold customers in TIER_YEAR with the Gold threshold raised to 500 EUR."""
    from crmlearn import segment

    world = retail()
    spend = segment.yearly_spend(world.transactions, year=TIER_YEAR, customers=world.customers)
    tiers = segment.membership_tiers(spend, TIERS)
    right = int((tiers == "Gold").sum())
    t = world.transactions
    gross = (t[(t.kind == "purchase") & (t.date.dt.year == TIER_YEAR)]
             .groupby("customer_id").amount.sum()
             .reindex(world.customers.customer_id, fill_value=0.0))
    total = retail_summary().net_revenue
    return Expected(right, _distinct(right, [
        (_gold(TIER_YEAR, segment.DEFAULT_TIERS),
         "you used the default thresholds (Gold from 300 EUR); pass the task's thresholds"),
        (int((tiers >= "Gold").sum()), "you counted Gold and Platin; the task asks for Gold only"),
        (_gold(TIER_YEAR + 1, TIERS), "that is the following year; the task asks for the year "
                                      "given"),
        (int((segment.membership_tiers(gross, TIERS) == "Gold").sum()),
         "you left out the returns; tiers use the net spend of the year"),
        (int((segment.membership_tiers(total, TIERS) == "Gold").sum()),
         "you used the net revenue over all years; tiers use the spend of one calendar year"),
        (int((tiers == "Silber").sum()), "that is the number of Silber customers"),
    ], 1e-6, 1e-9))


def _importance_by_segment():
    world = retail()
    needs = world.truth.customers.set_index("customer_id").needs_segment
    s = world.surveys
    return s.filter(like="importance_").groupby(s.customer_id.map(needs).rename("segment")).mean()


@task("ex02.q4", "choice", points=1, choices=("a", "b", "c", "d", "e"),
      hint="average the importance answers per needs segment (as in the lesson) and sort by "
           "importance_sustainability")
def q4() -> Expected:
    """Task: the needs segment rating sustainability highest (letter from the data)."""
    imp = _importance_by_segment()
    right_segment = str(imp.importance_sustainability.idxmax())
    right = SEGMENT_LETTERS[right_segment]
    mistakes = []
    for column in ("importance_price", "importance_quality", "importance_service"):
        top = str(imp[column].idxmax())
        if top != right_segment:
            name = column.removeprefix("importance_")
            mistakes.append((SEGMENT_LETTERS[top], f"that segment rates {name} highest; the task "
                                                   f"asks about sustainability"))
    lowest = str(imp.importance_sustainability.idxmin())
    mistakes.append((SEGMENT_LETTERS[lowest], "that segment cares least about sustainability; "
                                              "sort from the highest mean"))
    return Expected(right, [(w, h) for w, h in mistakes if w != right])


@task("ex02.q5", "number", points=2, rtol=1e-4, atol=5e-4,
      hint="keep the answers with experience - expectation == 0, then compute the share of "
           "them with an NPS of 0 to 6")
def q5() -> Expected:
    """Share of detractors (NPS 0-6) among the answers whose expectation was met exactly."""
    s = retail().surveys
    gap = s.experience - s.expectation
    met = gap == 0
    detractor = s.nps <= 6
    right = float(detractor[met].mean())
    return Expected(right, _distinct(right, [
        (float((s.nps >= 9)[met].mean()), "that is the share of promoters (9-10); detractors "
                                          "answer 0 to 6"),
        (float(detractor.mean()), "that is the share over all answers; keep only the answers "
                                  "whose expectation was met"),
        (float(detractor[gap < 0].mean()), "those are the answers whose expectation was missed "
                                           "(gap below 0); the task asks for a gap of 0"),
        (float(detractor[gap > 0].mean()), "those are the answers whose expectation was "
                                           "exceeded; the task asks for a gap of 0"),
        (float((s.nps < 6)[met].mean()), "a detractor answers 0 to 6, so 6 counts too"),
        (float((s.nps <= 8)[met].mean()), "you counted the passives (7-8) as detractors; "
                                          "detractors answer 0 to 6"),
        (float(detractor[met].sum()), "that is a number of answers; the task asks for a share"),
    ], 1e-4, 5e-4))


@task("ex02.q6", "number", points=2,
      hint="profit per customer = sum of (amount - product cost - delivery cost) minus service "
           "contact cost minus acquisition cost; count the customers below 0")
def q6() -> Expected:
    """Task: the number of customers whose rough profit (lesson's C9) is below zero."""
    world = retail()
    tx = world.transactions
    service = world.contacts.groupby("customer_id").cost.sum()
    acquisition = world.customers.set_index("customer_id").acquisition_cost

    def below(lines, product=True, delivery=True, with_service=True, with_acquisition=True):
        margin = lines.amount - (lines.product_cost if product else 0) \
            - (lines.delivery_cost if delivery else 0)
        profit = margin.groupby(lines.customer_id).sum()
        if with_service:
            profit = profit.sub(service, fill_value=0)
        if with_acquisition:
            profit = profit.sub(acquisition, fill_value=0)
        return profit < 0

    right = below(tx)
    buys = tx[tx.kind == "purchase"]
    return Expected(int(right.sum()), _distinct(int(right.sum()), [
        (below(tx, with_acquisition=False).sum(), "you left out the acquisition cost"),
        (below(tx, with_service=False).sum(), "you left out the cost of the service contacts"),
        (below(tx, delivery=False).sum(), "you left out the delivery cost"),
        (below(buys).sum(), "returns take revenue (and product cost) back; keep them in"),
        (right.mean(), "that is the share of customers; the task asks for their number"),
        (below(tx, with_service=False, with_acquisition=False).sum(),
         "you left out both the service cost and the acquisition cost"),
    ], 1e-6, 1e-9))


_TIERS_RIGHT = "75d6587975d293848138d564d9b34a4d57ac3628f02e8e7b35c21a9d2759ba59"
_TIERS_WRONG = {
    "d1f193bcdb992c796ae091db658d00229e64cb6b0d45ca501f8d928402311dda":
        "high spenders land in Platin and also buy again; the table cannot show what the card "
        "itself adds",
    "4476ef71ce4fb6baf4e36eb663b82ae0132b5089fbc3cd55e58cee351ee0ef8d":
        "tiers are meant to separate customers by spend; equal rates in every tier are not "
        "a goal",
    "96fdaa5c288b1d01cd7a6fdd1bc3ecf9dcabfe0681a5d2ee3a0c2b4b7d5719e0":
        "a repurchase rate says nothing about profit, and many Basis customers do come back",
}


@task("ex02.q7", "hashed_choice", points=1, choices=("a", "b", "c", "d"),
      hint="ask what else differs between Basis and Platin customers besides the card")
def q7() -> Expected:
    """Interpretation: what the repurchase rates per tier show (hashed multiple choice)."""
    return Expected(_TIERS_RIGHT, list(_TIERS_WRONG.items()))


@task("ex02.q8", "text", points=1, min_words=5)
def q8() -> Expected:
    """Decide and justify: which hit rate to judge personal offers by (text, recorded)."""
    return Expected(None)
