"""crmlearn.checks: right answers pass, wrong ones fail with the intended hint."""

from __future__ import annotations

import json
import math

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
from hypothesis import given, settings
from hypothesis import strategies as st

import crmlearn
from crmlearn import checks, datasets, value
from crmlearn.checks import _registry, evaluate

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def world():
    return datasets.load("retail")


@pytest.fixture(scope="module")
def summary(world):
    return crmlearn.customer_summary(world.transactions, observation_end=world.observation_end)


@pytest.fixture(scope="module")
def export():
    path = datasets.data_dir() / "examples" / "kassenexport_gipfelglueck.csv"
    return datasets.read_transactions(path, customer_id="Kundennummer", date="Datum",
                                      amount="Umsatz", returns="negative", verbose=False)


def right_answers(world, summary, export):
    """The right answers, computed here independently of the registry."""
    t = world.transactions
    return {
        "ex00.q1": len(world.customers),
        "ex00.q2": int((t.kind == "purchase").sum()),
        "ex00.q3": summary.loc[1022, "net_revenue"],
        "ex00.q4": summary.loc[1022, "frequency"],
        "ex00.q5": export.amount.sum(),
        "ex00.q6": "b",
        "ex00.q7": "The transactions, because the customer table has no single returns.",
        "ex05.q1": 1380.0,
        "ex05.q2": value.retention_clv(80, 0.75, 0.08),
        "ex05.q3": value.abc_classes(summary.net_revenue).loc[83],
        "ex05.q4": value.top_share(summary.net_revenue, 0.2),
        "ex05.q5": "b",
        "ex05.q6": "A customers: they bring most of the revenue, so keeping them pays.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered("ex00", 7)
    assert_tasks_numbered("ex05", 6)


@pytest.fixture(scope="module")
def right(world, summary, export):
    return right_answers(world, summary, export)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_rounded_answers_pass(right):
    assert evaluate("ex00.q3", round(right["ex00.q3"], 2)).status == "passed"
    assert evaluate("ex00.q5", round(right["ex00.q5"], 2)).status == "passed"
    assert evaluate("ex05.q2", round(right["ex05.q2"], 2)).status == "passed"
    assert evaluate("ex05.q4", round(right["ex05.q4"], 3)).status == "passed"
    assert evaluate("ex00.q1", np.int64(right["ex00.q1"])).status == "passed"
    assert evaluate("ex05.q3", " " + right["ex05.q3"].lower()).status == "passed"
    assert evaluate("ex00.q6", "B)").status == "passed"


@pytest.fixture(scope="module")
def wrong(world, summary, export):
    t = world.transactions
    mine = t[t.customer_id == 1022]
    s = summary
    return [
        ("ex00.q1", len(t), "counted transactions"),
        ("ex00.q1", int((t.kind == "purchase").sum()), "counted purchases"),
        ("ex00.q1", 2999, None),
        ("ex00.q2", len(t), "counted returns as purchases"),
        ("ex00.q2", int((t.kind == "return").sum()), "counted the returns"),
        ("ex00.q3", s.loc[1022, "revenue"], "included returns in revenue"),
        ("ex00.q3", mine.amount.abs().sum(), "added the returns"),
        ("ex00.q3", s.loc[1022, "returns"], "returns only"),
        ("ex00.q3", -s.loc[1022, "net_revenue"], "sign"),
        ("ex00.q3", s.loc[1022, "net_revenue"] + 3, "close, but not close enough"),
        ("ex00.q4", s.loc[1022, "n_purchases"], "that is n_purchases"),
        ("ex00.q4", len(mine), "counted returns as purchases"),
        ("ex00.q4", "7", "a number"),
        ("ex00.q4", s.loc[[1022], "frequency"], "holding one value"),
        ("ex00.q4", s["frequency"], "you passed a Series"),
        ("ex00.q5", export.amount[export.amount > 0].sum(), "left out the returns"),
        ("ex00.q5", export.amount.abs().sum(), "added the returns"),
        ("ex00.q5", float("nan"), "not a finite number"),
        ("ex00.q6", "a", "bar at 1"),
        ("ex00.q6", "d", "15 or more"),
        ("ex00.q6", "e", "answer with one letter"),
        ("ex00.q6", 2, "in quotes"),
        ("ex00.q7", "", "at least"),
        ("ex00.q7", "transactions", "at least"),
        ("ex00.q7", 42, "in quotes"),
        ("ex05.q1", 1500.0, "forgot to subtract the acquisition cost"),
        ("ex05.q1", 780.0, "paid once"),
        ("ex05.q1", True, "a number"),
        ("ex05.q2", value.retention_clv(80, 0.75, 0.08, timing="start"), "start of each year"),
        ("ex05.q2", 80 / (1 + 0.08 - 0.75), "first margin as certain"),
        ("ex05.q2", 80 * 0.75 / (1 - 0.75), "forgot to discount"),
        ("ex05.q3", value.abc_classes(s.revenue).loc[83], "gross revenue"),
        ("ex05.q3", value.abc_classes(s.net_revenue, method="cumulative").loc[83], "cumulative"),
        ("ex05.q3", "D", "answer with one of"),
        ("ex05.q4", value.top_share(s.revenue, 0.2), "gross revenue"),
        ("ex05.q4", 1 - value.top_share(s.net_revenue, 0.2), "other 80 %"),
        ("ex05.q4", 100 * value.top_share(s.net_revenue, 0.2), "percentage"),
        ("ex05.q4", 0.8, "rule of thumb"),
        ("ex05.q5", "a", "rule of thumb"),
        ("ex05.q5", "c", "diagonal"),
        ("ex05.q5", "d", "not time"),
        ("ex05.q6", "A", "at least"),
        ("ex00.q9", 1, "no task called"),
    ]


N_WRONG = 43
TestWrongAnswers = wrong_answer_tests(("ex00", "ex05"), N_WRONG)


@pytest.mark.parametrize("task_id", ["ex00.q3", "ex00.q5", "ex05.q2", "ex05.q4"])
@settings(max_examples=40, deadline=None)
@given(offset=st.floats(min_value=0.02, max_value=1e4))
def test_numbers_far_from_the_answer_fail(task_id, offset, right):
    right = float(right[task_id])
    for wrong in (right + offset * max(1, abs(right)) / 10, right - offset * max(1, abs(right)) / 10):
        assert evaluate(task_id, wrong).status == "failed"


def test_expected_answers_are_not_stored_in_plain_text(right):
    """The numbers students could look up are not in the package source."""
    numbers = ("ex00.q2", "ex00.q3", "ex00.q5", "ex05.q2", "ex05.q4")
    assert_numbers_not_in_source(None, right, numbers, formats=(".2f", ".3f"), min_digits=3)
    assert_numbers_not_in_source(None, right, numbers, formats=(".0f",), min_digits=4)
    assert_letter_not_in_source(None, "_LORENZ_RIGHT", "b", length=200)


def test_check_prints_records_and_summarises(capsys):
    checks.check("ex05.q1", 1500)
    checks.check("ex05.q1", 1380)
    checks.check("ex05.q2", ...)
    out = capsys.readouterr().out
    assert "ex05.q1 ✗ not yet right. Hint: you forgot to subtract" in out
    assert "ex05.q1 ✓ correct (1/1 points)" in out
    assert "ex05.q2 … not done yet" in out
    table = checks.results()
    assert list(table.task) == ["ex05.q1", "ex05.q2"]
    assert list(table.status) == ["passed", "not_done"]
    data = json.loads(checks.results_json())
    assert data[0]["answer"] == 1380 and data[1]["answer"] == {"__ellipsis__": True}
    checks.summary()
    assert "ex05: 1 of 6 tasks passed, 5 not done yet; 1 of 9 points" in capsys.readouterr().out
    checks.reset()
    assert checks.results().empty
    checks.summary()
    assert "no task checked yet" in capsys.readouterr().out


def test_jsonable_roundtrip():
    for answer in (3, 2.5, "b", None, ..., True, float("inf")):
        back = _registry.from_jsonable(json.loads(json.dumps(_registry.jsonable(answer))))
        if isinstance(answer, float) and math.isinf(answer):
            assert math.isinf(back)
        else:
            assert back == answer or (back is answer)
    opaque = _registry.from_jsonable(_registry.jsonable(pd.Series([1, 2])))
    assert evaluate("ex00.q1", opaque).status == "failed"
