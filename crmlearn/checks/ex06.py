"""Checks for exercise 06: contribution margins of the b2b wholesaler.

The expected answers are recomputed from the shipped ``b2b`` classroom world
with :func:`crmlearn.value.contribution_margins` on the inputs of
:func:`crmlearn.value.margin_inputs`, the table that lesson 06 builds step by
step. The typical mistakes (returns or discounts not deducted, sales visits
counted as service cost, the sunk acquisition cost kept in, the
small-order fee charged per customer instead of per order) are computed the
same way. The question about moving visits between stages is kept as salted
hashes of its letters.
"""

from __future__ import annotations

import functools

import pandas as pd

from ._registry import Expected, classroom_world, task

#: the account of tasks q1 and q2 (discounts, returns, visits, calls and mailings)
ACCOUNT = 24

#: the account of task q3
ACCOUNT_CM3 = 40

#: task q5: fee per order (EUR) and the order value below which it is charged
FEE, MINIMUM = 10.0, 50.0


@functools.cache
def _inputs(*, returns: bool = True, discounts: bool = True,
            visits_as_service: bool = False) -> pd.DataFrame:
    """Return the per-customer inputs of lesson 06 (optionally with a typical mistake)."""
    from crmlearn import value

    world = classroom_world("b2b")
    inputs = value.margin_inputs(
        world.transactions, world.contacts, world.customers,
        campaigns=world.campaigns, campaign_members=world.campaign_members,
        marketing_channels=() if visits_as_service else ("visit",),
    )
    if returns and discounts:
        return inputs
    # the mistake: deduct only the discounts, only the returns, or nothing (per row,
    # a flag that is False multiplies its part by 0)
    tx = world.transactions
    returned = -tx.amount.where(tx.kind.eq("return"), 0.0)
    deducted = tx.discount * discounts + returned * returns
    deductions = deducted.groupby(tx.customer_id).sum().reindex(inputs.index, fill_value=0.0)
    return inputs.assign(deductions=deductions.round(2) + 0.0)


@functools.cache
def _margins(*, ongoing: bool = False, **mistake) -> pd.DataFrame:
    from crmlearn import value

    inputs = _inputs(**mistake)
    columns = [c for c in inputs.columns if not (ongoing and c == "acquisition_cost")]
    return value.contribution_margins(data=inputs, **{c: c for c in columns})


def _distinct(right, mistakes):
    """Drop mistakes that happen to equal the right answer (no misleading hints)."""
    return Expected(right, [(w, h) for w, h in mistakes if abs(float(w) - float(right)) > 0.01])


@task("ex06.q1", "number", points=2, atol=0.006,
      hint="CM I = gross revenue - deductions (discounts and returns) - product cost; "
           "take it from value.contribution_margins")
def q1() -> Expected:
    """CM I of account ACCOUNT."""
    right = _margins().loc[ACCOUNT]
    return _distinct(float(right.cm1), [
        (float(_margins(returns=False).loc[ACCOUNT, "cm1"]),
         "you forgot the returns: returned goods are a deduction from gross revenue"),
        (float(_margins(discounts=False).loc[ACCOUNT, "cm1"]),
         "you forgot the discounts: they are a deduction from gross revenue"),
        (float(_margins(returns=False, discounts=False).loc[ACCOUNT, "cm1"]),
         "you started from gross revenue: subtract the deductions (discounts and returns) first"),
        (float(right.net_revenue), "that is the net revenue: subtract the product cost too"),
        (float(right.cm2), "that is CM II: CM I stops after the product cost"),
    ])


@task("ex06.q2", "number", points=2, atol=0.006,
      hint="CM II = CM I - service cost - delivery cost; sales visits are marketing cost "
           "in this lesson, calls and e-mails are service cost")
def q2() -> Expected:
    """CM II of account ACCOUNT."""
    right = _margins().loc[ACCOUNT]
    return _distinct(float(right.cm2), [
        (float(_margins(visits_as_service=True).loc[ACCOUNT, "cm2"]),
         "you counted the sales visits as service cost; the lesson puts them into marketing "
         "cost (CM III stage)"),
        (float(right.cm1), "that is CM I: subtract the service and delivery cost"),
        (float(right.cm1 - _inputs().loc[ACCOUNT, "service_cost"]),
         "you forgot the delivery cost: it belongs to the CM II stage"),
        (float(right.cm1 - _inputs().loc[ACCOUNT, "delivery_cost"]),
         "you forgot the service cost (calls and e-mails)"),
        (float(right.cm3), "that is CM III: CM II stops before marketing and acquisition"),
        (float(_margins(returns=False).loc[ACCOUNT, "cm2"]),
         "you forgot the returns: they are a deduction from gross revenue"),
    ])


@task("ex06.q3", "number", points=1, atol=0.006,
      hint="CM III = CM II - marketing cost (visits, mailings) - acquisition cost")
def q3() -> Expected:
    """Full CM III (acquisition cost included) of account ACCOUNT_CM3."""
    right = _margins().loc[ACCOUNT_CM3]
    return _distinct(float(right.cm3), [
        (float(_margins(ongoing=True).loc[ACCOUNT_CM3, "cm3"]),
         "you left out the acquisition cost; this task asks for CM III with it"),
        (float(right.cm2), "that is CM II: subtract marketing and acquisition cost"),
        (float(_margins(returns=False).loc[ACCOUNT_CM3, "cm3"]),
         "you forgot the returns: they are a deduction from gross revenue"),
        (float(_margins(discounts=False).loc[ACCOUNT_CM3, "cm3"]),
         "you forgot the discounts: they are a deduction from gross revenue"),
    ])


@task("ex06.q4", "number", points=1,
      hint="compute the ongoing margins (all inputs except acquisition_cost) and count the "
           "customers whose cm3 is below 0")
def q4() -> Expected:
    """Task: the number of accounts below zero at ongoing CM III."""
    ongoing = _margins(ongoing=True)
    full = _margins()
    n = int((ongoing.cm3 < 0).sum())
    mistakes = [
        (int((full.cm3 < 0).sum()), "you kept the acquisition cost: it is sunk, leave it out "
                                    "for the ongoing CM III"),
        (int((ongoing.cm2 < 0).sum()), "you counted below zero at CM II; the task asks for CM III"),
        (int((ongoing.cm1 < 0).sum()), "you counted below zero at CM I; the task asks for CM III"),
        (float((ongoing.cm3 < 0).mean()), "you gave the share; the task asks for the number "
                                          "of accounts"),
        (len(ongoing) - n, "you counted the accounts above zero"),
    ]
    return Expected(n, [(w, h) for w, h in mistakes if w != n])


def _below_with_fee(*, per_order: bool = True, ongoing: bool = True,
                    fee: float = FEE, minimum: float = MINIMUM) -> int:
    tx = classroom_world("b2b").transactions
    buys = tx[tx.kind.eq("purchase")]
    small = buys[buys.amount < minimum].groupby("customer_id").size()
    if not per_order:
        small = small.clip(upper=1)
    margins = _margins(ongoing=ongoing)
    fees = (small * fee).reindex(margins.index, fill_value=0.0)
    return int((margins.cm3 + fees < 0).sum())


@task("ex06.q5", "number", points=2,
      hint="count the orders below the minimum per customer, multiply by the fee, add it to "
           "the ongoing CM III and count the accounts still below zero")
def q5() -> Expected:
    """Accounts below zero at ongoing CM III with a FEE fee on orders below MINIMUM."""
    right = _below_with_fee()
    ongoing = _margins(ongoing=True)
    before = int((ongoing.cm3 < 0).sum())
    mistakes = [
        (_below_with_fee(per_order=False), "the fee is charged on every small order, not "
                                           "once per customer"),
        (_below_with_fee(ongoing=False), "you started from CM III with the sunk acquisition "
                                         "cost; use the ongoing CM III"),
        (_below_with_fee(fee=15.0, minimum=100.0), "that is the lesson's fee (15 EUR below "
                                                   "100 EUR); use the numbers of this task"),
        (before, "that is the number without any fee: add the fee income to the margins"),
        (before - right, "you counted the accounts the fee lifts above zero; the task asks "
                         "how many remain below zero"),
    ]
    return Expected(right, [(w, h) for w, h in mistakes if w != right])


_STAGE_RIGHT = "789f898972256cac35982985a5ba2f5a08ff1d96aaf439def2e8e075563180ca"
_STAGE_WRONG = {
    "56e6403354b77d8b0f7b2391f09addba8e6f295a997a2f2149cf78f6fc56f697":
        "CM I subtracts only deductions and product cost; visits are neither",
    "f2d03108d386881ee9783cf5ff37f180fdcc959d7ce253f4fa42cb3ba78b5878":
        "CM III subtracts the visits in either case, so its total stays the same",
    "547dd351dc9468d0edf99af987384a57ac9064e99d9511b31b9aec32c64b74b7":
        "CM III subtracts the visits in either case; the subtotal between the two stages moves",
}


@task("ex06.q6", "hashed_choice", points=1, choices=("a", "b", "c", "d"),
      hint="a cost moved between two stages is subtracted earlier, but still subtracted: "
           "which subtotals lie between the two stages?")
def q6() -> Expected:
    """Task: which firm totals change if visits move from marketing to service cost."""
    return Expected(_STAGE_RIGHT, list(_STAGE_WRONG.items()))


@task("ex06.q7", "text", points=1, min_words=5)
def q7() -> Expected:
    """Decide and justify: small-order fee or phone instead of visits (text, recorded)."""
    return Expected(None)
