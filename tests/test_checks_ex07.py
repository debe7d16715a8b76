"""crmlearn.checks.ex07: ABC decisions, RFM points and segments, the win-back test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _checks_helpers import (
    assert_numbers_not_in_source,
    assert_right_answers_pass,
    assert_tasks_numbered,
    wrong_answer_tests,
)

import crmlearn
from crmlearn import checks, datasets, value
from crmlearn.checks import evaluate

SOURCE = Path(checks.__file__).parent / "ex07.py"

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def world():
    return datasets.load("retail")


@pytest.fixture(scope="module")
def data(world):
    """The series of lesson 07 and the results the tasks ask about, computed here."""
    s = crmlearn.customer_summary(world.transactions, observation_end=world.observation_end)
    margin = s.net_revenue - world.transactions.groupby("customer_id").product_cost.sum()
    scores = value.rfm_scores(s)
    segment = value.rfm_segments(scores)
    truth = world.truth.customers.set_index("customer_id").reindex(s.index)
    return {
        "summary": s,
        "margin": margin,
        "cum": value.abc_classes(s.revenue, method="cumulative", cuts=(0.8, 0.95)),
        "abc_revenue": value.abc_classes(s.revenue),
        "abc_margin": value.abc_classes(margin),
        "scores": scores,
        "segment": segment,
        "alive": truth.alive_at_end.astype(float),
    }


@pytest.fixture(scope="module")
def right(data):
    d = data
    win_back = d["segment"].isin(["at risk", "can't lose"])
    mean = d["summary"].revenue.groupby(d["segment"], observed=True).mean()
    letters = {"hibernating": "a", "at risk": "b", "can't lose": "c", "lost": "d"}
    return {
        "ex07.q1": int((d["cum"] == "A").sum()),
        "ex07.q2": int(((d["abc_revenue"] == "A") & (d["abc_margin"] != "A")).sum()),
        "ex07.q3": d["scores"].loc[1812, "rfm_sum"],
        "ex07.q4": d["segment"].loc[1676],
        "ex07.q5": letters[mean[list(letters)].idxmax()],
        "ex07.q6": d["alive"][win_back].mean(),
        "ex07.q7": "None of the lapsed segments: almost all of them are gone for good.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered("ex07", 7)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_the_data_tell_the_intended_story(right, data):
    """The task texts rely on these facts of the shipped classroom data."""
    assert right["ex07.q5"] == "c"  # can't lose: highest past revenue among the lapsed
    assert right["ex07.q6"] < 0.05  # ... and almost nobody of them is still a customer
    assert right["ex07.q4"] == "at risk"
    assert 0 < right["ex07.q2"] < (data["abc_revenue"] == "A").sum()


def test_rounded_and_equivalent_answers_pass(right):
    assert evaluate("ex07.q1", float(right["ex07.q1"])).status == "passed"
    assert evaluate("ex07.q2", np.int64(right["ex07.q2"])).status == "passed"
    assert evaluate("ex07.q3", int(right["ex07.q3"])).status == "passed"
    assert evaluate("ex07.q4", " " + right["ex07.q4"].upper() + " ").status == "passed"
    assert evaluate("ex07.q5", "C)").status == "passed"
    assert evaluate("ex07.q6", round(float(right["ex07.q6"]), 3)).status == "passed"
    assert evaluate("ex07.q6", round(float(right["ex07.q6"]), 4)).status == "passed"


@pytest.fixture(scope="module")
def wrong(data):
    d = data
    s = d["summary"]
    cum, by_rev, by_margin = d["cum"], d["abc_revenue"], d["abc_margin"]
    scores = d["scores"]
    rec = value.rfm_scores(s, recency="recency")
    first = value.rfm_scores(s, ties="first")
    net = value.rfm_scores(s, monetary="net_revenue")
    turned = value.rfm_scores(s.assign(days_since_last=s.days_since_last.max() - s.days_since_last))
    alive, segment = d["alive"], d["segment"]
    per_segment = alive.groupby(segment, observed=True).mean()
    n_right = int(((by_rev == "A") & (by_margin != "A")).sum())
    share = alive[segment.isin(["at risk", "can't lose"])].mean()
    return [
        ("ex07.q1", int((by_rev == "A").sum()), "rank recipe"),
        ("ex07.q1", int((value.abc_classes(s.net_revenue, method="cumulative") == "A").sum()),
         "net revenue"),
        ("ex07.q1", int((value.abc_classes(d["margin"], method="cumulative") == "A").sum()),
         "contribution margin"),
        ("ex07.q1", int((cum == "B").sum()), "B customers"),
        ("ex07.q1", int((cum != "C").sum()), "A and B together"),
        ("ex07.q1", float((cum == "A").mean()), "share of the customers"),
        ("ex07.q1", "A", "a number"),
        ("ex07.q2", int((by_rev != by_margin).sum()), "every customer whose class changes"),
        ("ex07.q2", float((by_rev != by_margin).mean()), "share of customers"),
        ("ex07.q2", n_right / int((by_rev == "A").sum()), "share of the A customers"),
        ("ex07.q2", int(((by_rev == "A") != (by_margin == "A")).sum()), "both directions"),
        ("ex07.q2", int(((value.abc_classes(s.net_revenue) == "A") & (by_margin != "A")).sum()),
         "net revenue"),
        ("ex07.q2", int(((by_rev == "B") & (by_margin == "C")).sum()), "from B to C"),
        ("ex07.q2", (by_rev == "A") & (by_margin != "A"), "you passed a Series"),
        ("ex07.q3", rec.loc[1812, "rfm_sum"], "column recency"),
        ("ex07.q3", turned.loc[1812, "rfm_sum"], "wrong way"),
        ("ex07.q3", first.loc[1812, "rfm_sum"], "row order"),
        ("ex07.q3", net.loc[1812, "rfm_sum"], "net revenue"),
        ("ex07.q3", int(scores.loc[1812, "rfm_code"]), "rfm_code"),
        ("ex07.q3", scores.loc[1812, "rfm_code"], "a number"),
        ("ex07.q3", scores.loc[1812, "r"] + scores.loc[1812, "f"], "monetary points"),
        ("ex07.q3", scores.loc[[1812], "rfm_sum"], "holding one value"),
        ("ex07.q4", str(value.rfm_segments(rec).loc[1676]), "column recency"),
        ("ex07.q4", str(value.rfm_segments(first).loc[1676]), "row order"),
        ("ex07.q4", str(value.rfm_segments(turned).loc[1676]), "wrong way"),
        ("ex07.q4", str(value.rfm_segments(scores.assign(f=scores.m)).loc[1676]),
         "monetary points"),
        ("ex07.q4", "lost", None),
        ("ex07.q4", "sleeping", "answer with one of"),
        ("ex07.q5", "d", "most customers"),
        ("ex07.q5", "b", "largest total revenue"),
        ("ex07.q5", "a", None),
        ("ex07.q5", "e", "answer with one letter"),
        ("ex07.q6", float(per_segment[["at risk", "can't lose"]].mean()), "averaged"),
        ("ex07.q6", float(per_segment["at risk"]), "alone"),
        ("ex07.q6", float(per_segment["can't lose"]), "alone"),
        ("ex07.q6", 1 - share, "who are gone"),
        ("ex07.q6", float(alive[segment.isin(["at risk", "can't lose"])].sum()),
         "a number of customers"),
        ("ex07.q6", float(alive.mean()), "all customers"),
        ("ex07.q6", float(per_segment["champions"]), "champions"),
        ("ex07.q6", 100 * share, "percentage"),
        ("ex07.q7", "vouchers", "at least"),
        ("ex07.q7", ["send", "them", "to", "nobody", "at", "all"], "you passed a list"),
    ]


N_WRONG = 42
TestWrongAnswers = wrong_answer_tests("ex07", N_WRONG)


def test_expected_answers_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source("ex07", right, ["ex07.q6"], formats=(".3f",))
    assert_numbers_not_in_source("ex07", right, ["ex07.q1"], formats=(".0f",))
    q5 = SOURCE.read_text(encoding="utf-8").split("def q5")[1].split("@task")[0]
    assert f'{right["ex07.q5"]!r}' not in q5
