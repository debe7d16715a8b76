"""crmlearn.checks.ex11: customer-centricity (channels, lifecycle, profiles, silos)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _checks_helpers import (
    assert_letter_not_in_source,
    assert_numbers_not_in_source,
    assert_right_answers_pass,
    assert_tasks_numbered,
    wrong_answer_tests,
)

import crmlearn
from crmlearn import crm, datasets, segment
from crmlearn.checks import evaluate

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def world():
    return datasets.load("retail")


@pytest.fixture(scope="module")
def parts(world):
    """The building blocks of lesson 11, computed here independently of the checks."""
    tx = world.transactions
    purchases = tx[tx.kind == "purchase"]
    summary = crmlearn.customer_summary(tx, observation_end=world.observation_end)
    stages = segment.lifecycle_stages(summary)
    alive = (world.truth.customers.set_index("customer_id").alive_at_end
             .reindex(summary.index).astype(bool))
    channels = purchases.groupby("customer_id").channel.nunique()
    return {"tx": tx, "purchases": purchases, "stages": stages, "alive": alive,
            "channels": channels, "revenue": purchases.groupby("customer_id").amount.sum()}


def _recent_response(world, source, members, keep=lambda d: d <= 90, before=True):
    start = world.campaigns.set_index("campaign_id").loc[3, "start_date"]
    if before:
        source = source[source.date < start]
    days = (start - source.groupby("customer_id").date.max()).dt.days
    days = days.reindex(members.customer_id).to_numpy()
    return members.responded.to_numpy()[keep(days)].mean()


def _overlap(table, channel="store", own_top=None):
    full = table.groupby("customer_id").amount.sum()
    view = table[table.channel == channel].groupby("customer_id").amount.sum()
    k = len(full) // 5
    top_view = view.nlargest(own_top or k).index
    return full.nlargest(k).index.isin(top_view).mean()


@pytest.fixture(scope="module")
def right(world, parts):
    rev, n = parts["revenue"], parts["channels"]
    share = parts["stages"].value_counts(normalize=True)
    claims = {"a": share["active"] > 0.5, "b": share["lapsed"] > 0.5 and share["new"] == 0,
              "c": share["at risk"] > share["active"], "d": 0.15 <= share["new"] <= 0.35}
    assert sum(claims.values()) == 1
    members = world.campaign_members.query("campaign_id == 3 and group == 'treatment'")
    return {
        "ex11.q1": rev[n >= 2].sum() / rev.sum(),
        "ex11.q2": next(k for k, v in claims.items() if v),
        "ex11.q3": parts["alive"][parts["stages"] == "lapsed"].mean(),
        "ex11.q4": "c",
        "ex11.q5": _recent_response(world, parts["purchases"], members),
        "ex11.q6": _overlap(parts["purchases"]),
        "ex11.q7": "Step 6: one customer record for all channels, because the store misses half.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered("ex11", 7)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_rounded_and_equivalent_answers_pass(right):
    for task_id in ("ex11.q1", "ex11.q3", "ex11.q5", "ex11.q6"):
        assert evaluate(task_id, round(float(right[task_id]), 3)).status == "passed", task_id
        assert evaluate(task_id, np.float64(right[task_id])).status == "passed", task_id
    assert evaluate("ex11.q2", "B").status == "passed"
    assert evaluate("ex11.q4", "c)").status == "passed"


def test_the_data_still_tell_the_lesson_story(parts, right):
    """Task texts and the model solution rely on these facts of the classroom data."""
    assert right["ex11.q2"] == "b"
    assert right["ex11.q1"] > 0.5 and 0.4 < right["ex11.q6"] < 0.6
    assert 0 < right["ex11.q3"] < 0.5
    assert len(crm.ten_steps_checklist()) == 11


@pytest.fixture(scope="module")
def wrong(world, parts, right):
    p, tx = parts["purchases"], parts["tx"]
    rev, n = parts["revenue"], parts["channels"]
    net = tx.groupby("customer_id").amount.sum()
    stages, alive = parts["stages"], parts["alive"]
    lapsed = stages == "lapsed"
    treated = world.campaign_members.query("campaign_id == 3 and group == 'treatment'")
    everyone = world.campaign_members.query("campaign_id == 3")
    store = p[p.channel == "store"]
    return [
        ("ex11.q1", (n >= 2).mean(), "share of customers"),
        ("ex11.q1", rev[n == 2].sum() / rev.sum(), "exactly two channels"),
        ("ex11.q1", rev[n == 3].sum() / rev.sum(), "all three channels"),
        ("ex11.q1", net[n.reindex(net.index) >= 2].sum() / net.sum(), "net revenue"),
        ("ex11.q1", p.customer_id.map(n >= 2).mean(), "share of purchases"),
        ("ex11.q1", int((n >= 2).sum()), "count of customers"),
        ("ex11.q1", 100 * right["ex11.q1"], "percentage"),
        ("ex11.q2", "a", "more than half"),
        ("ex11.q2", "c", "'at risk' and the 'active' bars"),
        ("ex11.q2", "d", "bar of 'new'"),
        ("ex11.q2", "new", "answer with one letter"),
        ("ex11.q3", lapsed[alive].mean(), "turned the question round"),
        ("ex11.q3", alive.mean(), "all customers still alive"),
        ("ex11.q3", lapsed.mean(), "share of customers who are lapsed"),
        ("ex11.q3", 1 - right["ex11.q3"], "really gone"),
        ("ex11.q3", int((alive & lapsed).sum()), "that is a count"),
        ("ex11.q3", alive[stages == "at risk"].mean(), "'at risk' stage"),
        ("ex11.q3", alive[stages == "active"].mean(), "'active' stage"),
        ("ex11.q3", alive[lapsed], "you passed a Series"),
        ("ex11.q4", "a", "demographic"),
        ("ex11.q4", "b", "psychographic"),
        ("ex11.q4", "d", "mixes the three kinds"),
        ("ex11.q5", _recent_response(world, p, everyone), "kept the control group"),
        ("ex11.q5", _recent_response(world, tx, treated), "returns as purchases"),
        ("ex11.q5", _recent_response(world, p, treated, keep=lambda d: d < 90), "use <="),
        ("ex11.q5", _recent_response(world, p, treated, before=False), "after the campaign"),
        ("ex11.q5", _recent_response(world, p, treated, keep=lambda d: ~(d <= 90)),
         "had NOT bought recently"),
        ("ex11.q5", treated.responded.mean(), "whole treatment group"),
        ("ex11.q6", _overlap(p, "online"), "online channel"),
        ("ex11.q6", _overlap(p, "phone"), "phone channel"),
        ("ex11.q6", _overlap(tx), "net revenue"),
        ("ex11.q6", _overlap(p, own_top=store.customer_id.nunique() // 5), "store buyers only"),
        ("ex11.q6", store.amount.sum() / p.amount.sum(), "share of revenue the store sees"),
        ("ex11.q6", 1 - right["ex11.q6"], "misses"),
        ("ex11.q7", "step six", "at least"),
        ("ex11.q7", pd.Series(["step 6"]), "holding one value"),
    ]


N_WRONG = 36


TestWrongAnswers = wrong_answer_tests("ex11", N_WRONG)


def test_expected_answers_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source("ex11", right, ('ex11.q1', 'ex11.q3', 'ex11.q5', 'ex11.q6'))
    assert_letter_not_in_source("ex11", "_BEHAVIOURAL_RIGHT", "c")
