"""crmlearn.checks.ex09: interact (contact history, response, uplift, targeting, learning)."""

from __future__ import annotations

import numpy as np
import pytest
from _checks_helpers import (
    assert_numbers_not_in_source,
    assert_right_answers_pass,
    assert_tasks_numbered,
    wrong_answer_tests,
)

from crmlearn import checks, datasets, interact
from crmlearn.checks import evaluate

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def world():
    return datasets.load("retail")


@pytest.fixture(scope="module")
def parts(world):
    """The numbers of lesson 09, computed here independently of the checks module."""
    members = world.campaign_members
    history = interact.contact_history(world, 1421)
    camp = history[history.kind == "campaign"]
    up = interact.uplift(members).set_index("campaign_id")
    cost = world.campaigns.set_index("campaign_id").loc[4, "cost_per_contact"]
    return {
        "history": history,
        "camp": camp,
        "rates": interact.response_rates(members).set_index(["campaign_id", "group"]),
        "up": up,
        "up90": interact.uplift(members, confidence=0.9).set_index("campaign_id"),
        "value": interact.targeting_value(interact.uplift(members.query("campaign_id == 4")),
                                          30, cost).iloc[0],
        "m3": members[members.campaign_id == 3],
        "m4": members[members.campaign_id == 4],
    }


def _clear_campaigns(up) -> str:
    above = set(up.index[up.ci_low > 0])
    letters = {"a": above == {4}, "b": above == {2, 4}, "c": above == set(up.index),
               "d": not above}
    assert sum(letters.values()) == 1
    return next(k for k, v in letters.items() if v)


@pytest.fixture(scope="module")
def right(parts):
    camp, up = parts["camp"], parts["up"]
    return {
        "ex09.q1": int(camp.detail.str.contains("[treatment] responded", regex=False).sum()),
        "ex09.q2": parts["rates"].loc[(3, "treatment"), "response_rate"],
        "ex09.q3": up.loc[4, "uplift"],
        "ex09.q4": up.loc[4, "ci_low"],
        "ex09.q5": _clear_campaigns(up),
        "ex09.q6": parts["value"].decision,
        "ex09.q7": (2 + 9) / (2 + 8 + 60),
        "ex09.q8": "Keep a control group: the profit interval still spans zero at 30 EUR.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered("ex09", 8)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_rounded_and_equivalent_answers_pass(right):
    for task_id in ("ex09.q2", "ex09.q3", "ex09.q4", "ex09.q7"):
        assert evaluate(task_id, round(float(right[task_id]), 3)).status == "passed", task_id
    assert evaluate("ex09.q1", np.int64(right["ex09.q1"])).status == "passed"
    assert evaluate("ex09.q1", float(right["ex09.q1"])).status == "passed"
    assert evaluate("ex09.q5", f" {right['ex09.q5'].upper()})").status == "passed"
    assert evaluate("ex09.q6", right["ex09.q6"].title() + " ").status == "passed"


def test_the_data_still_tell_the_lesson_story(parts, right):
    """The task texts and the solution note rely on these facts of the classroom data."""
    assert right["ex09.q1"] >= 1 and len(parts["camp"]) > right["ex09.q1"]
    assert right["ex09.q5"] == "b"
    assert right["ex09.q6"] == "test further" and parts["value"].incremental_profit > 0


def _wrong(parts, right):
    camp, up, up90, rates = parts["camp"], parts["up"], parts["up90"], parts["rates"]
    m3, m4 = parts["m3"], parts["m4"]
    t3 = m3[m3.group == "treatment"]
    r4 = up.loc[4]
    resp4 = m4.groupby("group").responded.sum()
    return [
        ("ex09.q1", int(camp.detail.str.endswith(" responded").sum()), "control group"),
        ("ex09.q1", int(camp.detail.str.contains("[treatment]", regex=False).sum()),
         "every treatment membership"),
        ("ex09.q1", len(camp), "every campaign membership"),
        ("ex09.q1", len(parts["history"]), "every event"),
        ("ex09.q1", "1", "a number"),
        ("ex09.q2", rates.loc[(3, "control"), "response_rate"], "control group"),
        ("ex09.q2", m3.responded.mean(), "mixed treatment and control"),
        ("ex09.q2", t3.responded.sum() / len(m3), "all members of the campaign"),
        ("ex09.q2", t3.responded.sum() / rates.members.sum(), "members of all campaigns"),
        ("ex09.q2", float(t3.responded.sum()), "number of responders"),
        ("ex09.q2", 100 * right["ex09.q2"], "percentage"),
        ("ex09.q3", r4.rate_treatment, "response rate alone"),
        ("ex09.q3", r4.rate_treatment / r4.rate_control, "divided the two rates"),
        ("ex09.q3", r4.uplift / r4.rate_control, "relative uplift"),
        ("ex09.q3", -r4.uplift, "wrong way round"),
        ("ex09.q3", float(resp4["treatment"] - resp4["control"]), "responder counts"),
        ("ex09.q3", 100 * r4.uplift, "percentage"),
        ("ex09.q4", r4.ci_high, "upper end"),
        ("ex09.q4", up90.loc[4, "ci_low"], "90 %"),
        ("ex09.q4", r4.uplift - r4.se, "one standard error"),
        ("ex09.q4", r4.uplift, "middle of the interval"),
        ("ex09.q4", up.loc[4, ["ci_low"]], "holding one value"),
        ("ex09.q5", "a", "another interval"),
        ("ex09.q5", "c", "a positive uplift is not enough"),
        ("ex09.q5", "d", "lower end ci_low is positive"),
        ("ex09.q5", "e", "answer with one letter"),
        ("ex09.q6", "contact", "only at the expected profit"),
        ("ex09.q6", "do not contact", "upper end of the profit interval"),
        ("ex09.q6", "maybe", "answer with one of"),
        ("ex09.q6", 1, "in quotes"),
        ("ex09.q7", 9 / 60, "raw response rate"),
        ("ex09.q7", 2 / 10, "prior mean"),
        ("ex09.q7", 11 / 79, "non-responses"),
        ("ex09.q7", 11 / 59, "not alpha / beta"),
        ("ex09.q7", 53 / 70, "added the non-responses to alpha"),
        ("ex09.q8", "yes", "at least"),
        ("ex09.q8", 42, "in quotes"),
    ]


N_WRONG = 37


@pytest.fixture(scope="module")
def wrong(parts, right):
    return _wrong(parts, right)


TestWrongAnswers = wrong_answer_tests("ex09", N_WRONG)


def test_expected_answers_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source("ex09", right, ("ex09.q2", "ex09.q3", "ex09.q4", "ex09.q7"),
                                 formats=(".3f", ".4f"))


def test_check_and_summary(capsys):
    checks.check("ex09.q7", 0.2)
    checks.summary("ex09")
    out = capsys.readouterr().out
    assert "ex09.q7 ✗ not yet right. Hint: that is the prior mean" in out
    assert "ex09: 0 of 8 tasks passed, 1 not yet right, 7 not done yet; 0 of 11 points" in out
