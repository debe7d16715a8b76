"""Shared pieces of the exercise-check tests (tests/test_checks*.py).

The contract every task keeps (its own mistakes fail with their hints, ``...`` is not
done, ...) is tested once for all tasks in tests/test_checks_contract.py. What stays
in the per-exercise files is what only they know: the right answers computed
independently in the test, rounded and equivalent forms, and lists of plausible wrong
answers with the hint each should get. This module runs those lists and the checks
that the right numbers are not written in a checks module's source.
"""

from __future__ import annotations

import numbers
import re
from pathlib import Path

import numpy as np
import pytest

from crmlearn import checks
from crmlearn.checks import _registry, evaluate

CHECKS_DIR = Path(checks.__file__).parent

#: how a right number could show up in a message: 0.12, 0.123, 0.1234, 12%
SHOWN_FORMATS = (".2f", ".3f", "g", ".0%")


def assert_tasks_numbered(exercise: str, n_tasks: int) -> None:
    """Assert that ``exercise`` has the tasks q1 to q<n_tasks>, the last one written."""
    tasks = _registry.exercise_tasks(exercise)
    assert [t.id for t in tasks] == [f"{exercise}.q{i}" for i in range(1, n_tasks + 1)]
    kinds = [t.kind for t in tasks]
    assert kinds.count("text") == 1 and kinds[-1] == "text", kinds


def assert_right_answers_pass(right: dict) -> None:
    """Assert that each answer of ``right`` (task id -> answer) passes with full points."""
    for task_id, answer in right.items():
        result = evaluate(task_id, answer)
        assert result.status == "passed", (task_id, result.message)
        assert result.points == result.max_points > 0


def assert_answer_not_shown(message: str, right, answer=None) -> None:
    """Assert that ``message`` does not state the right answer (unless it echoes a text ``answer``)."""
    if isinstance(right, (bool, np.bool_)):
        return
    if isinstance(right, (numbers.Real, np.number)):
        for fmt in SHOWN_FORMATS:
            shown = format(float(right), fmt)
            if not (isinstance(answer, str) and shown in answer):
                assert shown not in message, (shown, message)
    elif isinstance(right, str) and len(right) > 1:
        assert f"'{right.lower()}' is" not in message.lower(), message


def assert_wrong_answer_fails(task_id: str, answer, hint: str | None, right=None) -> None:
    """Assert that ``answer`` fails with 0 points, shows ``hint`` and does not state ``right``.

    An answer to a task that does not exist is an error instead of a fail.
    """
    result = evaluate(task_id, answer)
    status = "failed" if task_id in _registry.TASKS else "error"
    assert result.status == status, (task_id, answer, result)
    assert result.points == 0
    if hint is not None:
        assert hint in result.message, (task_id, result.message)
    assert_answer_not_shown(result.message, right, answer)


def wrong_answer_tests(exercises: str | tuple[str, ...], n_cases: int, ids=None):
    """Return a test class for the wrong answers of a test module.

    The module defines the fixtures ``wrong``, a list of ``n_cases`` tuples
    ``(task id, answer, part of the expected hint or None)``, and ``right``, the right
    answers (task id -> answer) computed in the test. Assign the class to a name
    starting with ``Test`` so that pytest collects it::

        TestWrongAnswers = wrong_answer_tests("ex01", N_WRONG)
    """
    exercises = (exercises,) if isinstance(exercises, str) else tuple(exercises)
    ids = ids or [f"{i:02d}" for i in range(n_cases)]

    class WrongAnswers:
        @pytest.mark.parametrize("index", range(n_cases), ids=ids)
        def test_fails_with_hint(self, index, wrong, right):
            assert len(wrong) == n_cases
            task_id, answer, hint = wrong[index]
            assert_wrong_answer_fails(task_id, answer, hint, right.get(task_id))

        def test_every_task_has_a_case(self, wrong):
            tasks = {t.id for ex in exercises for t in _registry.exercise_tasks(ex)}
            assert tasks <= {task_id for task_id, _, _ in wrong}

    return WrongAnswers


def checks_source(exercise: str | None = None) -> str:
    """Return the source of ``crmlearn/checks/<exercise>.py`` (None: of every module).

    The digits of salted hashes are masked: they are no stored answers.
    """
    paths = [CHECKS_DIR / f"{exercise}.py"] if exercise else sorted(CHECKS_DIR.glob("*.py"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in paths)
    return re.sub(r"[0-9a-f]{64}", "<hash>", text)


def assert_numbers_not_in_source(exercise: str | None, right: dict, task_ids,
                                 formats=(".2f", ".3f"), min_digits: int = 0) -> None:
    """Assert that the right numbers of ``task_ids`` are not written in the checks source.

    Each number is looked for in each of ``formats``; a form with fewer than
    ``min_digits`` significant digits (``0.05``, ``7``) is too common to tell.
    """
    source = checks_source(exercise)
    for task_id in task_ids:
        number = float(right[task_id])
        for fmt in formats:
            shown = format(number, fmt)
            if len(shown.replace(".", "").replace("-", "").lstrip("0")) >= min_digits:
                assert shown not in source, (task_id, shown)


def assert_letter_not_in_source(exercise: str | None, marker: str, letter: str,
                                length: int = 300) -> None:
    """Assert that the right letter is not written (in quotes) just after ``marker``."""
    after = checks_source(exercise).split(marker)[1][:length]
    assert f'"{letter}"' not in after and f"'{letter}'" not in after, (marker, letter)
