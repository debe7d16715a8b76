"""crmlearn.checks.ex01: what CRM is and why it pays (profile card, 20/80, benefits, targeting)."""

from __future__ import annotations

import numpy as np
import pytest
from _checks_helpers import (
    assert_numbers_not_in_source,
    assert_right_answers_pass,
    assert_tasks_numbered,
    wrong_answer_tests,
)

import crmlearn
from crmlearn import crm, datasets, value
from crmlearn.checks import evaluate

EX = "ex01"
RESPONSE = {"V1": 0.3, "V2": 0.3, "V3": 0.3, "V4": 0.2, "V5": 0.05}

pytestmark = pytest.mark.usefixtures("clean_checks")


@pytest.fixture(scope="module")
def world():
    return datasets.load("retail")


@pytest.fixture(scope="module")
def summary(world):
    return crmlearn.customer_summary(world.transactions, observation_end=world.observation_end)


def _channel_saving(contacts, share):
    """Saving of moving ``share`` of the phone contacts to chat, computed by hand."""
    per_contact = contacts.groupby("channel").cost.mean()
    moved = share * (contacts.channel == "phone").sum()
    return moved * (per_contact["phone"] - per_contact["chat"])


def _automation(items, minutes, review, hourly, setup):
    """Staff hours and EUR saved by the automatic rule, computed by hand."""
    manual = items * minutes / 60
    automated = items * review * minutes / 60 + setup
    return manual - automated, (manual - automated) * hourly


def _targeted(summary, world, **response):
    purchases = world.transactions[world.transactions.kind == "purchase"]
    margin = round(1 - purchases.product_cost.sum() / purchases.amount.sum(), 2)
    return crm.watering_can_vs_targeted(summary, budget=2 * len(summary), scale=5, margin=margin,
                                        seed=1, **response).segments


@pytest.fixture(scope="module")
def right(world, summary):
    """The right answers, computed here independently of the checks module."""
    revenue = summary.net_revenue.clip(lower=0)
    answers = world.surveys[world.surveys.customer_id == 193].sort_values("date")
    segments = _targeted(summary, world, response_by_segment=RESPONSE)
    return {
        "ex01.q1": int(answers.nps.iloc[-1]),
        "ex01.q2": value.top_share(revenue, 0.2),
        "ex01.q3": value.gini(revenue),
        "ex01.q4": "b",
        "ex01.q5": _channel_saving(world.contacts, 0.5),
        "ex01.q6": _automation(len(world.customers) * 12, 3, 0.2, 40, 80)[1],
        "ex01.q7": segments.index[segments.spend_targeted == 0][0],
        "ex01.q8": "Targeted, because the best fifth of customers brings most of the revenue.",
    }


def test_every_task_is_covered():
    assert_tasks_numbered(EX, 8)


def test_right_answers_pass(right):
    assert_right_answers_pass(right)


def test_rounded_and_equivalent_answers_pass(right):
    assert evaluate("ex01.q1", float(right["ex01.q1"])).status == "passed"
    assert evaluate("ex01.q1", np.int64(right["ex01.q1"])).status == "passed"
    assert evaluate("ex01.q2", round(right["ex01.q2"], 3)).status == "passed"
    assert evaluate("ex01.q3", round(right["ex01.q3"], 3)).status == "passed"
    assert evaluate("ex01.q4", " B)").status == "passed"
    assert evaluate("ex01.q5", round(right["ex01.q5"], 2)).status == "passed"
    assert evaluate("ex01.q6", int(right["ex01.q6"])).status == "passed"
    assert evaluate("ex01.q7", right["ex01.q7"].lower()).status == "passed"


@pytest.fixture(scope="module")
def wrong(world, summary, right):
    """Plausible wrong answers: (task, answer, part of the hint expected or None)."""
    s = summary
    revenue = s.net_revenue.clip(lower=0)
    answers = world.surveys[world.surveys.customer_id == 193].sort_values("date")
    items = len(world.customers) * 12
    hours, _ = _automation(items, 3, 0.2, 40, 80)
    lesson = _targeted(summary, world, max_response=0.3)
    segments = _targeted(summary, world, response_by_segment=RESPONSE)
    contacts = world.contacts
    phone = contacts[contacts.channel == "phone"]
    phone_only = 0.5 * phone.cost.sum()
    return [
        ("ex01.q1", answers.nps.iloc[0], "first NPS"),
        ("ex01.q1", answers.nps.mean(), "averaged"),
        ("ex01.q1", answers.csat.iloc[-1], "CSAT"),
        ("ex01.q1", len(answers), "number of survey answers"),
        ("ex01.q1", str(right["ex01.q1"]), "a number"),
        ("ex01.q1", answers.nps, "you passed a Series"),
        ("ex01.q2", value.top_share(s.revenue, 0.2), "gross revenue"),
        ("ex01.q2", 1 - right["ex01.q2"], "other 80 %"),
        ("ex01.q2", 0.8, "rule of thumb"),
        ("ex01.q2", 0.2, "share of customers"),
        ("ex01.q2", value.gini(revenue), "Gini coefficient"),
        ("ex01.q2", value.top_share(s.n_purchases, 0.2), "purchases"),
        ("ex01.q2", 100 * right["ex01.q2"], "percentage"),
        ("ex01.q3", value.gini(s.revenue), "gross revenue"),
        ("ex01.q3", value.top_share(revenue, 0.2), "top-20 % share"),
        ("ex01.q3", 1 - right["ex01.q3"], "complement"),
        ("ex01.q3", right["ex01.q3"] + 0.003, "close, but not close enough"),
        ("ex01.q4", "a", "80 %"),
        ("ex01.q4", "c", "even spread"),
        ("ex01.q4", "d", "close to 1"),
        ("ex01.q4", "e", "answer with one letter"),
        ("ex01.q5", _channel_saving(world.contacts, 0.3), "30 % shift"),
        ("ex01.q5", -right["ex01.q5"], "sign"),
        ("ex01.q5", phone_only, "only the phone cost"),
        ("ex01.q6", _automation(items, 3, 0.2, 40, 0)[1], "set-up hours"),
        ("ex01.q6", hours, "staff hours"),
        ("ex01.q6", _automation(len(world.customers), 3, 0.2, 40, 80)[1], "12 classifications"),
        ("ex01.q6", _automation(items, 3, 0.0, 40, 80)[1], "review share"),
        ("ex01.q6", _automation(items, 2, 0.1, 40, 0)[1], "lesson's assumptions"),
        ("ex01.q6", items * 3 / 60 * 40, "by hand"),
        ("ex01.q6", _automation(items, 3, 0.2, 40, -80)[1], "smaller, not larger"),
        ("ex01.q7", lesson.index[lesson.spend_targeted == 0][0], "lesson's run"),
        ("ex01.q7", segments.spend_targeted.idxmax(), "most money"),
        ("ex01.q7", "V6", "answer with one of"),
        ("ex01.q7", 5, "in quotes"),
        ("ex01.q8", "targeted", "at least"),
        ("ex01.q8", 1, "in quotes"),
    ]


N_WRONG = 37
TestWrongAnswers = wrong_answer_tests(EX, N_WRONG)


def test_expected_answers_are_not_stored_in_plain_text(right):
    assert_numbers_not_in_source(EX, right, ("ex01.q2", "ex01.q3", "ex01.q5", "ex01.q6"),
                                 formats=(".2f", ".3f", ".0f"), min_digits=3)
