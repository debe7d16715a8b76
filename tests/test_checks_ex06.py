"""crmlearn.checks.ex06: contribution margins of the b2b wholesaler."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _checks_helpers import (
    CHECKS_DIR,
    assert_numbers_not_in_source,
    assert_right_answers_pass,
    assert_tasks_numbered,
    wrong_answer_tests,
)

import crmlearn
from crmlearn import datasets, value
from crmlearn.checks import _registry, evaluate

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def world():
    return datasets.load("b2b")


@pytest.fixture(scope="module")
def parts(world):
    """The building blocks of lesson 06, computed here independently of the checks."""
    tx, contacts = world.transactions, world.contacts
    summary = crmlearn.customer_summary(tx, observation_end=world.observation_end)
    sums = tx.groupby("customer_id")[["discount", "product_cost", "delivery_cost"]].sum()
    is_visit = contacts.channel.eq("visit")
    mailed = world.campaign_members.query("group == 'treatment'").merge(world.campaigns)
    return {
        "summary": summary,
        "sums": sums,
        "visits": contacts[is_visit].groupby("customer_id").cost.sum(),
        "service": contacts[~is_visit].groupby("customer_id").cost.sum(),
        "mailings": mailed.groupby("customer_id").cost_per_contact.sum(),
        "acquisition": world.customers.set_index("customer_id").acquisition_cost,
    }


def _inputs(parts, *, deductions=None, visits_as_service=False):
    p = parts
    service, marketing = p["service"], p["visits"].add(p["mailings"], fill_value=0)
    if visits_as_service:
        service, marketing = service.add(p["visits"], fill_value=0), p["mailings"]
    if deductions is None:
        deductions = p["sums"].discount + p["summary"].returns
    return pd.DataFrame({
        "revenue": p["summary"].revenue + p["sums"].discount,
        "deductions": deductions,
        "product_cost": p["sums"].product_cost,
        "service_cost": service,
        "delivery_cost": p["sums"].delivery_cost,
        "marketing_cost": marketing,
        "acquisition_cost": p["acquisition"],
    }).fillna(0.0)


def _margins(inputs, ongoing=False):
    cols = [c for c in inputs.columns if not (ongoing and c == "acquisition_cost")]
    return value.contribution_margins(data=inputs, **{c: c for c in cols})


@pytest.fixture(scope="module")
def inputs(parts):
    return _inputs(parts)


@pytest.fixture(scope="module")
def margins(inputs):
    return _margins(inputs)


@pytest.fixture(scope="module")
def ongoing(inputs):
    return _margins(inputs, ongoing=True)


def _below_with_fee(world, base, fee=10.0, minimum=50.0, per_order=True):
    tx = world.transactions
    buys = tx[tx.kind.eq("purchase")]
    small = buys[buys.amount < minimum].groupby("customer_id").size()
    if not per_order:
        small = (small > 0).astype(int)
    fees = (small * fee).reindex(base.index, fill_value=0.0)
    return int((base.cm3 + fees < 0).sum())


@pytest.fixture(scope="module")
def right(world, margins, ongoing):
    return {
        "ex06.q1": margins.loc[24, "cm1"],
        "ex06.q2": margins.loc[24, "cm2"],
        "ex06.q3": margins.loc[40, "cm3"],
        "ex06.q4": (ongoing.cm3 < 0).sum(),
        "ex06.q5": _below_with_fee(world, ongoing),
        "ex06.q6": "b",
        "ex06.q7": "Phone instead of visits, because a visit costs more than the margin.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered("ex06", 7)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_rounded_and_equivalent_answers_pass(right):
    for task_id in ("ex06.q1", "ex06.q2", "ex06.q3"):
        assert evaluate(task_id, round(float(right[task_id]), 2)).status == "passed"
    assert evaluate("ex06.q4", int(right["ex06.q4"])).status == "passed"
    assert evaluate("ex06.q4", float(right["ex06.q4"])).status == "passed"
    assert evaluate("ex06.q5", np.int64(right["ex06.q5"])).status == "passed"
    assert evaluate("ex06.q6", " B)").status == "passed"


@pytest.fixture(scope="module")
def wrong(world, parts, inputs, margins, ongoing):
    s = parts["sums"]
    no_returns = _margins(_inputs(parts, deductions=s.discount))
    no_discounts = _margins(_inputs(parts, deductions=parts["summary"].returns))
    neither = _margins(_inputs(parts, deductions=0.0))
    as_service = _margins(_inputs(parts, visits_as_service=True))
    n_below = int((ongoing.cm3 < 0).sum())
    fee_right = _below_with_fee(world, ongoing)
    return [
        ("ex06.q1", no_returns.loc[24, "cm1"], "forgot the returns"),
        ("ex06.q1", no_discounts.loc[24, "cm1"], "forgot the discounts"),
        ("ex06.q1", neither.loc[24, "cm1"], "started from gross revenue"),
        ("ex06.q1", margins.loc[24, "net_revenue"], "net revenue"),
        ("ex06.q1", margins.loc[24, "cm2"], "that is CM II"),
        ("ex06.q1", margins.loc[[24], "cm1"], "holding one value"),
        ("ex06.q1", -margins.loc[24, "cm1"], "sign"),
        ("ex06.q2", as_service.loc[24, "cm2"], "visits as service cost"),
        ("ex06.q2", margins.loc[24, "cm1"], "that is CM I"),
        ("ex06.q2", margins.loc[24, "cm1"] - inputs.loc[24, "service_cost"], "delivery cost"),
        ("ex06.q2", margins.loc[24, "cm1"] - inputs.loc[24, "delivery_cost"], "service cost"),
        ("ex06.q2", margins.loc[24, "cm3"], "that is CM III"),
        ("ex06.q2", no_returns.loc[24, "cm2"], "forgot the returns"),
        ("ex06.q3", ongoing.loc[40, "cm3"], "left out the acquisition cost"),
        ("ex06.q3", margins.loc[40, "cm2"], "that is CM II"),
        ("ex06.q3", no_returns.loc[40, "cm3"], "forgot the returns"),
        ("ex06.q3", no_discounts.loc[40, "cm3"], "forgot the discounts"),
        ("ex06.q3", margins.loc[24, "cm3"], None),
        ("ex06.q4", int((margins.cm3 < 0).sum()), "sunk"),
        ("ex06.q4", int((ongoing.cm2 < 0).sum()), "CM II"),
        ("ex06.q4", float((ongoing.cm3 < 0).mean()), "the share"),
        ("ex06.q4", len(ongoing) - n_below, "above zero"),
        ("ex06.q4", str(n_below), "a number"),
        ("ex06.q5", _below_with_fee(world, ongoing, per_order=False), "every small order"),
        ("ex06.q5", _below_with_fee(world, margins), "sunk acquisition"),
        ("ex06.q5", _below_with_fee(world, ongoing, fee=15.0, minimum=100.0), "lesson's fee"),
        ("ex06.q5", n_below, "without any fee"),
        ("ex06.q5", n_below - fee_right, "lifts above zero"),
        ("ex06.q6", "a", "CM I subtracts only"),
        ("ex06.q6", "c", "stays the same"),
        ("ex06.q6", "d", "subtotal between"),
        ("ex06.q6", "e", "answer with one letter"),
        ("ex06.q7", "phone", "at least"),
        ("ex06.q7", 1, "in quotes"),
    ]


N_WRONG = 34
TestWrongAnswers = wrong_answer_tests("ex06", N_WRONG)


def test_expected_margins_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source("ex06", right, ("ex06.q1", "ex06.q2", "ex06.q3"), formats=(".2f",))
    # the right letter of q6 is kept only as a salted hash
    source = (CHECKS_DIR / "ex06.py").read_text(encoding="utf-8")
    hashed = source.split("_STAGE_RIGHT =")[1].split("@task")[0]
    assert '"b"' not in hashed and "'b'" not in hashed
    assert _registry.choice_hash("ex06.q6", "b") in hashed
