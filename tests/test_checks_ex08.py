"""crmlearn.checks.ex08: actual and potential value, value categories, needs segments."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _checks_helpers import (
    assert_numbers_not_in_source,
    assert_right_answers_pass,
    assert_tasks_numbered,
    wrong_answer_tests,
)

from crmlearn import checks, datasets, segment, value
from crmlearn.checks import evaluate

SOURCE = Path(checks.__file__).parent / "ex08.py"

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def world():
    return datasets.load("retail")


def _rate(world, keep, *, all_years=False, purchases_only=False):
    """Actual value per customer in ``keep`` over the last year (or all years)."""
    end = world.observation_end
    tx, contacts = world.transactions, world.contacts
    if not all_years:
        tx = tx[tx.date > end - pd.Timedelta(days=365)]
        contacts = contacts[contacts.date > end - pd.Timedelta(days=365)]
    if purchases_only:
        tx = tx[tx.kind == "purchase"]
    sums = tx.groupby("customer_id")[["amount", "product_cost", "delivery_cost"]].sum()
    sums = sums.reindex(keep, fill_value=0)
    service = contacts.groupby("customer_id").cost.sum().reindex(keep, fill_value=0)
    return pd.DataFrame({"amount": sums.amount, "goods": sums.product_cost,
                         "delivery": sums.delivery_cost, "service": service})


@pytest.fixture(scope="module")
def data(world):
    """The lesson's steps, computed here independently of the checks."""
    end = world.observation_end
    spend = segment.yearly_spend(world.transactions, as_of=end, customers=world.customers)
    current = spend.index[spend > 0]
    parts = _rate(world, current)
    actual = parts.amount - parts.goods - parts.delivery - parts.service
    truth = world.truth.customers.set_index("customer_id")
    potential = value.potential_from_wallet(truth.wallet.reindex(current), spend[current])
    categories = value.value_categories(actual, potential.potential)
    shares = segment.category_shares(world.order_lines, world.products, world.transactions)
    five = segment.needs_segments(world.order_lines, world.products, world.transactions,
                                  k=5, seed=0)
    four = segment.needs_segments(world.order_lines, world.products, world.transactions,
                                  k=4, seed=0)
    top = segment.segment_profiles(shares, five).drop(columns="customers").idxmax(axis=1)
    return {
        "spend": spend, "current": current, "parts": parts, "actual": actual,
        "truth": truth, "potential": potential, "categories": categories,
        "five": five.set_index("customer_id").segment,
        "four": four.set_index("customer_id").segment,
        "top": top,
    }


def _lift(categories, needs):
    combined = pd.crosstab(categories, needs.reindex(categories.index))
    within = combined.div(combined.sum(axis=1), axis=0)
    return combined, within, within / (combined.sum() / combined.to_numpy().sum())


@pytest.fixture(scope="module")
def right(data):
    d = data
    _, _, lift = _lift(d["categories"], d["five"])
    karabiner = d["top"][d["top"] == "Karabiner"].index[0]
    strict = value.value_categories(d["actual"], d["potential"].potential, mgc_quantile=0.9)
    return {
        "ex08.q1": d["actual"].loc[421],
        "ex08.q2": d["potential"].loc[421, "share_of_wallet"],
        "ex08.q3": d["categories"].loc[169],
        "ex08.q4": (strict == "MGC").sum(),
        "ex08.q5": "a",
        "ex08.q6": lift.loc["MGC", karabiner],
        "ex08.q7": "Phone instead of visits, because most of them have potential.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered("ex08", 7)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_the_data_tell_the_intended_story(data):
    """Statement a of q5 holds on the shipped data, b to d do not."""
    d = data
    true4 = d["truth"].needs_segment.reindex(d["four"].index)
    table = pd.crosstab(d["four"].to_numpy(), true4.to_numpy())
    climbing = d["five"].isin(d["top"][d["top"].isin(["Kletterschuhe", "Karabiner"])].index)
    assert d["four"].reindex(d["five"].index)[climbing].value_counts(normalize=True).max() >= 0.9
    assert table["hiker"].idxmax() == table["casual"].idxmax()
    assert table["camper"].idxmax() != table["family"].idxmax()
    true5 = d["truth"].needs_segment.reindex(d["five"].index)
    assert segment.adjusted_rand_index(d["four"], true4) > segment.adjusted_rand_index(
        d["five"], true5)


def test_rounded_and_equivalent_answers_pass(right):
    assert evaluate("ex08.q1", round(float(right["ex08.q1"]), 2)).status == "passed"
    assert evaluate("ex08.q2", round(float(right["ex08.q2"]), 3)).status == "passed"
    assert evaluate("ex08.q3", right["ex08.q3"].lower()).status == "passed"
    assert evaluate("ex08.q3", f" {right['ex08.q3']} ").status == "passed"
    assert evaluate("ex08.q4", int(right["ex08.q4"])).status == "passed"
    assert evaluate("ex08.q4", float(right["ex08.q4"])).status == "passed"
    assert evaluate("ex08.q5", "A)").status == "passed"
    assert evaluate("ex08.q6", round(float(right["ex08.q6"]), 3)).status == "passed"


@pytest.fixture(scope="module")
def wrong(world, data):
    d = data
    c, p = 421, d["potential"]
    parts = d["parts"].loc[c]
    every = _rate(world, d["current"], all_years=True).loc[c]
    buys = _rate(world, d["current"], purchases_only=True).loc[c]
    actual = d["actual"]
    pot = p.potential
    keep_all = d["spend"].index[d["spend"] >= 0]
    parts_all = _rate(world, keep_all)
    actual_all = parts_all.amount - parts_all.goods - parts_all.delivery - parts_all.service
    pot_all = value.potential_from_wallet(d["truth"].wallet.reindex(keep_all),
                                          d["spend"][keep_all]).potential
    n_strict = int((value.value_categories(actual, pot, mgc_quantile=0.9) == "MGC").sum())
    combined, within, lift = _lift(d["categories"], d["five"])
    seg = d["top"][d["top"] == "Karabiner"].index[0]
    tx = world.transactions
    return [
        ("ex08.q1", parts.amount - parts.goods - parts.service, "delivery cost"),
        ("ex08.q1", parts.amount - parts.goods - parts.delivery, "service contacts"),
        ("ex08.q1", every.amount - every.goods - every.delivery - every.service, "all years"),
        ("ex08.q1", buys.amount - buys.goods - buys.delivery - buys.service, "returns"),
        ("ex08.q1", parts.amount, "spend of the year"),
        ("ex08.q1", parts.amount - parts.goods, "only the cost of the goods"),
        ("ex08.q1", -actual.loc[c], "sign"),
        ("ex08.q1", actual.loc[[c]], "holding one value"),
        ("ex08.q2", p.loc[c, "potential"] / p.loc[c, "wallet"], "unrealized part"),
        ("ex08.q2", p.loc[c, "wallet"] / p.loc[c, "spend"], "wrong way round"),
        ("ex08.q2", tx[tx.customer_id == c].amount.sum() / p.loc[c, "wallet"], "all years"),
        ("ex08.q2", buys.amount / p.loc[c, "wallet"], "returns"),
        ("ex08.q2", p.loc[c, "potential"], "potential in EUR"),
        ("ex08.q2", 100 * p.loc[c, "share_of_wallet"], "percentage"),
        ("ex08.q3", str(value.value_categories(actual_all, pot_all).loc[169]),
         "rated all customers"),
        ("ex08.q3", str(value.value_categories(actual, p.share_of_wallet).loc[169]),
         "share of wallet"),
        ("ex08.q3", str(value.value_categories(p.spend, pot).loc[169]), "spend as the actual"),
        ("ex08.q3", "BZC", None),
        ("ex08.q3", "A", "answer with one of"),
        ("ex08.q4", int((d["categories"] == "MGC").sum()), "default rule"),
        ("ex08.q4", int((pot >= pot.quantile(0.9)).sum()), "applied in order"),
        ("ex08.q4", int((value.value_categories(actual, pot, mvc_quantile=0.9) == "MGC").sum()),
         "MVC rule"),
        ("ex08.q4", n_strict / len(pot), "a share"),
        ("ex08.q5", "b", "hikers"),
        ("ex08.q5", "c", "campers"),
        ("ex08.q5", "d", "ARI"),
        ("ex08.q5", "k=4", "answer with one letter"),
        ("ex08.q6", within.loc["MGC", seg], "share among the MGC"),
        ("ex08.q6", combined.loc["MGC", seg] / combined[seg].sum(), "share of MGC within"),
        ("ex08.q6", 1 / lift.loc["MGC", seg], "wrong way round"),
        ("ex08.q6", lift.loc["MVC", seg], "among the MVC"),
        ("ex08.q6", within.loc["MGC", seg] / d["five"].value_counts(normalize=True)[seg],
         "all customers who ever bought"),
        ("ex08.q6", lift, "you passed a DataFrame"),
        ("ex08.q7", "fee", "at least"),
        ("ex08.q7", 3, "in quotes"),
    ]


N_WRONG = 35
TestWrongAnswers = wrong_answer_tests("ex08", N_WRONG)


def test_expected_answers_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source("ex08", right, ("ex08.q1", "ex08.q2", "ex08.q6"))
    assert f"= {int(right['ex08.q4'])}" not in SOURCE.read_text(encoding="utf-8")
