"""Instant feedback for the exercise notebooks in ``exercises/``.

>>> from crmlearn.checks import check
>>> check("ex05.q1", 1500)                          # doctest: +SKIP
ex05.q1 ✗ not yet right. Hint: you forgot to subtract the acquisition cost

- :func:`check` compares an answer with a task, prints a pass/fail line with a
  targeted hint and records the result.
- :func:`results` and :func:`results_json` return what was recorded in this
  session; :func:`summary` prints the tally; :func:`reset` forgets it.

How answers are protected: the expected answers are not stored in the package.
Each task (``crmlearn/checks/exNN.py``) recomputes its answer from the shipped
classroom data with the crmlearn functions, together with the typical mistakes
(gross instead of net revenue, ``n_purchases`` instead of ``frequency``, ...);
multiple-choice answers that cannot be computed are stored as salted hashes.
Messages name the mistake, never the expected value.

How the grader reads results: in a notebook every check displays a bundle with
the MIME type ``application/vnd.crmlearn.check+json`` holding the task id and
the answer given. :mod:`crmlearn.grade` collects these bundles from the
executed notebook and checks each answer *again* in its own process, so a
result cannot be faked by editing outputs or the recorded results.
"""

from __future__ import annotations

import html
import json
from typing import Any

import pandas as pd

from ._registry import (
    ERROR,
    FAILED,
    NOT_DONE,
    PASSED,
    TASKS,
    CheckResult,
    evaluate,
    exercise_tasks,
)

__all__ = [
    "MIME_TYPE",
    "CheckResult",
    "check",
    "evaluate",
    "reset",
    "results",
    "results_json",
    "summary",
    "tasks",
]

MIME_TYPE = "application/vnd.crmlearn.check+json"

_RESULTS: dict[str, CheckResult] = {}

_SYMBOL = {PASSED: "✓", FAILED: "✗", NOT_DONE: "…", ERROR: "!"}
_COLOUR = {PASSED: "#1b7837", FAILED: "#b2182b", NOT_DONE: "#6b6b6b", ERROR: "#b35806"}


def _text(result: CheckResult) -> str:
    points = f"({result.points}/{result.max_points} points)" if result.max_points else ""
    if result.status == PASSED:
        head = "correct" if result.message == "correct" else result.message
        return f"{result.task} {_SYMBOL[PASSED]} {head} {points}".rstrip()
    if result.status == FAILED:
        return f"{result.task} {_SYMBOL[FAILED]} not yet right. Hint: {result.message}"
    if result.status == NOT_DONE:
        return f"{result.task} {_SYMBOL[NOT_DONE]} {result.message}"
    return f"{result.task} {_SYMBOL[ERROR]} {result.message}"


def _html(result: CheckResult) -> str:
    colour = _COLOUR.get(result.status, "#333")
    return (
        f'<div style="border-left: 4px solid {colour}; padding: 0.3em 0.8em; '
        f'margin: 0.3em 0">{html.escape(_text(result))}</div>'
    )


def _show(result: CheckResult) -> None:
    """Display the result: rich bundle in a notebook, a plain line elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with jupyter
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(
            {
                "text/plain": _text(result),
                "text/html": _html(result),
                MIME_TYPE: result.to_dict(),
            },
            raw=True,
        )
    else:
        print(_text(result))


def check(task_id: str, answer: Any) -> None:
    """Check ``answer`` for task ``task_id`` and show whether it is right.

    Prints (in a notebook: displays) one line: correct, not yet right with a
    hint, or not done yet when the answer is still ``...``. The result is
    recorded for :func:`summary` and :func:`results`; a later check of the
    same task replaces it.

    Parameters
    ----------
    task_id : str
        The task, e.g. ``"ex00.q3"`` (written above each task).
    answer
        Your answer: a number, or a short text such as ``"b"`` or ``"A"``.

    Returns
    -------
    None
        Use :func:`evaluate` to get the result as an object.

    """
    result = evaluate(task_id, answer)
    _RESULTS[result.task] = result
    _show(result)


def results() -> pd.DataFrame:
    """Return the results recorded in this session, one row per task checked."""
    columns = ["task", "status", "points", "max_points", "message"]
    rows = [{c: getattr(r, c) for c in columns} for r in _RESULTS.values()]
    return pd.DataFrame(rows, columns=columns)


def results_json() -> str:
    """Return the recorded results (with the answers) as a JSON string."""
    return json.dumps([r.to_dict() for r in _RESULTS.values()], ensure_ascii=False)


def reset() -> None:
    """Forget every recorded result."""
    _RESULTS.clear()


def tasks(exercise: str) -> list[str]:
    """Return the task ids of an exercise, e.g. ``tasks("ex00")``."""
    return [t.id for t in exercise_tasks(exercise)]


def summary(exercise: str | None = None) -> None:
    """Print the tally: tasks passed, failed and not done, and the points.

    Parameters
    ----------
    exercise : str, optional
        The exercise, e.g. ``"ex00"``; by default every exercise with a
        recorded result.

    """
    if exercise is None:
        exercises = sorted({r.task.split(".")[0] for r in _RESULTS.values() if r.task in TASKS})
    else:
        exercises = [exercise]
    if not exercises:
        print("no task checked yet: run the task cells above first")
        return
    for ex in exercises:
        counts = {PASSED: 0, FAILED: 0, NOT_DONE: 0, ERROR: 0}
        points = max_points = 0
        for t in exercise_tasks(ex):
            r = _RESULTS.get(t.id)
            status = r.status if r is not None else NOT_DONE
            counts[status] += 1
            points += r.points if r is not None else 0
            max_points += t.points
        n = sum(counts.values())
        parts = [f"{counts[PASSED]} of {n} tasks passed"]
        if counts[FAILED]:
            parts.append(f"{counts[FAILED]} not yet right")
        if counts[NOT_DONE]:
            parts.append(f"{counts[NOT_DONE]} not done yet")
        if counts[ERROR]:
            parts.append(f"{counts[ERROR]} could not be checked")
        print(f"{ex}: " + ", ".join(parts) + f"; {points} of {max_points} points")
