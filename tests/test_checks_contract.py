"""crmlearn.checks: the contract every task of every exercise keeps.

Parametrized over all registered tasks (``_registry.TASKS``): each task's typical
mistakes differ from its expected answer and each has a hint; ``evaluate`` rejects
each mistake with that hint and 0 points and never states the expected number; ``...``
is not done yet; a hashed choice stores one hash per letter; the answer the task
computes itself passes. ``Task.compute`` is cached, so each Expected is computed once.
The per-exercise files (tests/test_checks*.py) check the right answers computed
independently and the wrong answers a student would give.
"""

from __future__ import annotations

import math

import pytest

from crmlearn.checks import _registry, evaluate

_registry._load_exercises()
TASKS = sorted(_registry.TASKS.values(), key=lambda t: _registry._natural_key(t.id))
GRADED = [t for t in TASKS if t.kind != "text"]
NUMBERS = [t for t in TASKS if t.kind == "number"]
HASHED = [t for t in TASKS if t.kind == "hashed_choice"]
TEXTS = [t for t in TASKS if t.kind == "text"]


def each(tasks):
    """Parametrize a test over ``tasks`` (argument ``t``), named by task id."""
    return pytest.mark.parametrize("t", tasks, ids=[t.id for t in tasks])


def _answer(t, stored):
    """Return what a student types for a stored value: the letter for a hashed choice."""
    if t.kind != "hashed_choice":
        return stored
    letters = [c for c in t.choices if _registry.choice_hash(t.id, c) == stored]
    assert len(letters) == 1, (t.id, stored)
    return letters[0]


def test_every_exercise_has_tasks():
    assert {t.exercise for t in TASKS} == {f"ex{i:02d}" for i in range(15)}
    assert set(_registry.KINDS) == {t.kind for t in TASKS}


@each(TASKS)
def test_task_has_a_hint_and_points(t):
    assert t.hint and t.points >= 1
    if t.kind in ("choice", "hashed_choice", "category"):
        assert t.choices


@each(TASKS)
def test_mistakes_differ_from_the_answer_and_have_a_hint(t):
    expected = t.compute()
    assert expected.mistakes or t.kind == "text", t.id
    for wrong, hint in expected.mistakes:
        assert hint
        if t.kind == "number":
            assert not math.isclose(float(wrong), float(expected.value),
                                    rel_tol=t.rtol, abs_tol=t.atol), (t.id, wrong)
        else:
            assert wrong != expected.value, (t.id, wrong)


@each(GRADED)
def test_mistakes_fail_with_their_hint(t):
    for wrong, hint in t.compute().mistakes:
        result = evaluate(t.id, _answer(t, wrong))
        assert result.status == "failed", (t.id, wrong, result)
        assert result.points == 0 and result.max_points == t.points
        assert hint in result.message, (t.id, wrong, result.message)


@each(NUMBERS)
def test_messages_for_mistakes_never_show_the_answer(t):
    expected = t.compute()
    right = float(expected.value)
    for wrong, _ in expected.mistakes:
        message = evaluate(t.id, wrong).message
        for shown in {f"{right:.2f}", f"{right:.3f}"}:
            assert shown not in message, (t.id, wrong, message)


@each(TASKS)
def test_ellipsis_is_not_done(t):
    result = evaluate(t.id, ...)
    assert result.status == "not_done" and result.points == 0
    assert result.max_points == t.points
    assert "not done yet" in result.message


@each(HASHED)
def test_hashed_choice_stores_one_hash_per_letter(t):
    expected = t.compute()
    stored = [expected.value] + [wrong for wrong, _ in expected.mistakes]
    assert sorted(stored) == sorted(_registry.choice_hash(t.id, c) for c in t.choices)


@each(GRADED)
def test_the_tasks_own_answer_passes(t):
    result = evaluate(t.id, _answer(t, t.compute().value))
    assert result.status == "passed", (t.id, result.message)
    assert result.points == result.max_points == t.points


@each(TEXTS)
def test_a_written_answer_is_recorded_from_min_words(t):
    assert evaluate(t.id, " ".join(["word"] * t.min_words)).status == "passed"
    short = evaluate(t.id, " ".join(["word"] * (t.min_words - 1)))
    assert short.status == "failed" and "at least" in short.message
