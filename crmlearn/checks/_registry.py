"""Task definitions and the comparison logic behind :func:`crmlearn.checks.check`.

Each exercise module (``ex00.py``, ``ex05.py``, ...) registers its tasks with
:func:`task`. A task is a function that *computes* the expected answer from the
shipped classroom data (or from the numbers given in the task) together with
the typical wrong answers and a hint for each. Nothing here stores a right
answer in plain text: numbers are recomputed at check time with the crmlearn
functions, and the few multiple-choice answers that cannot be computed are kept
as salted SHA-256 hashes (:func:`choice_hash`).

:func:`evaluate` compares an answer with a task and returns a
:class:`CheckResult`; it prints nothing and records nothing, so the grader can
re-run it on the answers a notebook reported.
"""

from __future__ import annotations

import functools
import hashlib
import math
import numbers
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "CheckResult",
    "Expected",
    "TASKS",
    "Task",
    "choice_hash",
    "classroom_world",
    "evaluate",
    "exercise_tasks",
    "jsonable",
    "retail",
    "retail_summary",
    "task",
]

KINDS = ("number", "category", "choice", "hashed_choice", "text")
NOT_DONE = "not_done"
PASSED = "passed"
FAILED = "failed"
ERROR = "error"


# --------------------------------------------------------------------------------------
# shared data, loaded once per process
# --------------------------------------------------------------------------------------


@functools.cache
def classroom_world(scenario: str):
    """Return a classroom world (the same one the notebooks load), loaded once per process.

    ``scenario`` is ``"retail"``, ``"subscription"`` or ``"b2b"``.
    """
    from crmlearn import datasets

    try:
        return datasets.load(scenario)
    except Exception:  # the shipped files are missing or being rebuilt: same world
        from crmlearn.datasets._generator import generate

        return generate(scenario, **datasets.CLASSROOM[scenario])


def retail():
    """Return the retail classroom world (the same one the notebooks load)."""
    return classroom_world("retail")


@functools.lru_cache(maxsize=1)
def retail_summary() -> pd.DataFrame:
    """Return the customer table of the retail classroom world."""
    from crmlearn import customer_summary

    world = retail()
    return customer_summary(world.transactions, observation_end=world.observation_end)


# --------------------------------------------------------------------------------------
# task definitions
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """What a task function returns: the right answer and the typical mistakes.

    ``mistakes`` is a list of ``(wrong_answer, hint)`` pairs. For
    ``hashed_choice`` tasks ``value`` is the salted hash of the right letter and
    the wrong answers are hashes too.
    """

    value: Any
    mistakes: list[tuple[Any, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Task:
    """One exercise task: how to compute its answer and how to compare."""

    id: str
    kind: str
    compute: Callable[[], Expected]
    points: int = 1
    hint: str = "not yet right; re-read the task and check each step"
    rtol: float = 1e-6
    atol: float = 1e-9
    choices: tuple[str, ...] = ()
    min_words: int = 3
    labels: tuple[str, ...] = ()  # the choices as the task spells them, for messages

    @property
    def exercise(self) -> str:
        """Return the exercise part of the id (``"ex00"`` for ``"ex00.q3"``)."""
        return self.id.split(".")[0]


TASKS: dict[str, Task] = {}


def task(
    task_id: str,
    kind: str,
    *,
    points: int = 1,
    hint: str | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    choices: tuple[str, ...] = (),
    min_words: int = 3,
):
    """Register the decorated function as the definition of ``task_id``.

    The function takes no arguments and returns an :class:`Expected`. It is
    called once per process (the result is cached).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")

    def decorate(func: Callable[[], Expected]) -> Callable[[], Expected]:
        if task_id in TASKS:
            raise ValueError(f"task {task_id!r} is defined twice")
        TASKS[task_id] = Task(
            id=task_id,
            kind=kind,
            compute=functools.lru_cache(maxsize=1)(func),
            points=points,
            hint=hint or Task.hint,
            rtol=rtol,
            atol=atol,
            choices=tuple(c.lower() for c in choices),
            min_words=min_words,
            labels=tuple(choices),
        )
        return func

    return decorate


def exercise_tasks(exercise: str) -> list[Task]:
    """Return the tasks of one exercise (``"ex00"``) in id order."""
    _load_exercises()
    found = [t for t in TASKS.values() if t.exercise == exercise]
    return sorted(found, key=lambda t: _natural_key(t.id))


def _natural_key(task_id: str):
    ex, _, q = task_id.partition(".")
    digits = "".join(ch for ch in q if ch.isdigit())
    return (ex, int(digits) if digits else 0, q)


def _load_exercises() -> None:
    """Import every exercise module (``exNN.py``) so that its tasks are registered."""
    import importlib
    import pkgutil
    import re

    from .. import checks

    for module in pkgutil.iter_modules(checks.__path__):
        if re.fullmatch(r"ex\d\d", module.name):
            importlib.import_module(f"{checks.__name__}.{module.name}")


def choice_hash(task_id: str, letter: str) -> str:
    """Return the salted hash of a multiple-choice letter for ``task_id``.

    >>> choice_hash("ex99.q1", "B") == choice_hash("ex99.q1", " b) ")
    True
    """
    normal = _normal_choice(letter)
    return hashlib.sha256(f"crmlearn/{task_id}/{normal}".encode()).hexdigest()


# --------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------


@dataclass
class CheckResult:
    """The outcome of checking one answer."""

    task: str
    status: str  # passed, failed, not_done, error
    points: int
    max_points: int
    message: str
    answer: Any = None  # JSON-able form of the answer (for the grader)

    def to_dict(self) -> dict:
        """Return a JSON-able dict."""
        return asdict(self)


class _Missing:
    """Marker for an answer that could not be encoded as JSON."""


def jsonable(answer: Any) -> Any:
    """Return a JSON-able form of ``answer`` that :func:`from_jsonable` can read back.

    Numbers, text and Ellipsis survive exactly; anything else (a table, a list)
    is kept as its type name so that re-checking it fails the same way.

    >>> jsonable(np.int64(3)), jsonable(...), jsonable("A")
    (3, {'__ellipsis__': True}, 'A')
    """
    if answer is Ellipsis:
        return {"__ellipsis__": True}
    if answer is None or isinstance(answer, str):
        return answer
    if isinstance(answer, (bool, np.bool_)):
        return {"__type__": "bool", "value": bool(answer)}
    if isinstance(answer, numbers.Integral):
        return int(answer)
    if isinstance(answer, numbers.Real):
        value = float(answer)
        if math.isfinite(value):
            return value
        return {"__type__": "float", "value": repr(value)}
    return {"__type__": type(answer).__name__, "repr": repr(answer)[:200]}


def from_jsonable(data: Any) -> Any:
    """Invert :func:`jsonable` as far as possible (tables come back as a marker)."""
    if isinstance(data, dict):
        if data.get("__ellipsis__"):
            return Ellipsis
        kind = data.get("__type__")
        if kind == "bool":
            return bool(data.get("value"))
        if kind == "float":
            return float(data.get("value", "nan"))
        return _Opaque(str(kind), str(data.get("repr", "")))
    return data


@dataclass(frozen=True)
class _Opaque:
    """An answer of a type that JSON cannot carry (kept by type name)."""

    type_name: str
    text: str


# --------------------------------------------------------------------------------------
# comparing
# --------------------------------------------------------------------------------------


def evaluate(task_id: str, answer: Any) -> CheckResult:
    """Compare ``answer`` with task ``task_id`` and return a :class:`CheckResult`.

    The message says whether the answer is right and, if not, gives a hint;
    it never states the expected answer.
    """
    _load_exercises()
    if not isinstance(task_id, str) or task_id not in TASKS:
        known = ", ".join(sorted(TASKS, key=_natural_key))
        return CheckResult(
            str(task_id), ERROR, 0, 0,
            f"there is no task called {task_id!r}; known tasks: {known}",
            jsonable(answer),
        )
    t = TASKS[task_id]
    encoded = jsonable(answer)
    if answer is Ellipsis:
        return CheckResult(
            t.id, NOT_DONE, 0, t.points,
            "not done yet: replace the ... with your answer and run the cell again",
            encoded,
        )
    try:
        expected = t.compute()
    except Exception as exc:  # a bug or missing data, not the learner's fault
        return CheckResult(
            t.id, ERROR, 0, t.points,
            f"the checker could not compute this task ({type(exc).__name__}: {exc}); "
            f"please tell your lecturer",
            encoded,
        )
    compare = {
        "number": _check_number,
        "category": _check_category,
        "choice": _check_choice,
        "hashed_choice": _check_hashed_choice,
        "text": _check_text,
    }[t.kind]
    ok, message = compare(t, answer, expected)
    if ok:
        return CheckResult(t.id, PASSED, t.points, t.points, message, encoded)
    return CheckResult(t.id, FAILED, 0, t.points, message, encoded)


def _type_problem(answer: Any, wanted: str) -> str | None:
    """Return a hint if ``answer`` has the wrong type, else None."""
    if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray, list, tuple, dict, set)):
        size = getattr(answer, "size", None) if hasattr(answer, "size") else len(answer)
        name = type(answer).__name__
        if size == 1:
            return (f"you passed a {name} holding one value; pass the value itself "
                    f"(e.g. with .loc[customer, column] or .iloc[0])")
        return f"you passed a {name}; the task asks for {wanted}"
    if isinstance(answer, _Opaque):
        return f"you passed a {answer.type_name}; the task asks for {wanted}"
    return None


def _close(t: Task, a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=t.rtol, abs_tol=t.atol)


def _as_number(answer: Any) -> float | None:
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        return None
    return float(answer)


def _check_number(t: Task, answer: Any, expected: Expected) -> tuple[bool, str]:
    problem = _type_problem(answer, "a single number")
    if problem:
        return False, problem
    if isinstance(answer, str):
        return False, (f"you passed the text {answer[:40]!r}; the task asks for a number "
                       f"(write it without quotes, e.g. 12.5, not '12,5')")
    value = _as_number(answer)
    if value is None:
        return False, f"the task asks for a number, you passed a {type(answer).__name__}"
    if not math.isfinite(value):
        return False, "your answer is not a finite number (NaN or infinity); check the step before"
    right = float(expected.value)
    if _close(t, value, right):
        return True, "correct"
    hints = [hint for wrong, hint in expected.mistakes if _close(t, value, float(wrong))]
    if hints:
        return False, _join_hints(hints)
    if right != 0 and abs(value / 100 - right) <= 0.01 * abs(right):
        return False, "you gave a percentage; give the share as a number between 0 and 1 (35 % is 0.35)"
    if right != 0 and _close(t, value, -right):
        return False, "the size looks right but the sign does not; check what you subtract from what"
    if right != 0 and abs(value - right) <= 0.01 * abs(right):
        return False, "close, but not close enough: did you round an intermediate result?"
    return False, t.hint


def _join_hints(hints: list[str]) -> str:
    unique = list(dict.fromkeys(hints))
    return unique[0] if len(unique) == 1 else " Or: ".join(unique)


def _normal_choice(answer: str) -> str:
    return answer.strip().strip("().:").strip().lower()


def _text_answer(answer: Any, wanted: str) -> tuple[str | None, str | None]:
    """Return ``(text, problem)`` for answers that should be a short text."""
    problem = _type_problem(answer, wanted)
    if problem:
        return None, problem
    if not isinstance(answer, str):
        return None, f"the task asks for {wanted} in quotes, you passed a {type(answer).__name__}"
    return answer, None


def _check_category(t: Task, answer: Any, expected: Expected) -> tuple[bool, str]:
    wanted = "one of " + ", ".join(repr(c) for c in (t.labels or t.choices))
    text, problem = _text_answer(answer, wanted)
    if problem:
        return False, problem
    normal = _normal_choice(text)
    if t.choices and normal not in t.choices:
        return False, f"answer with {wanted}"
    if normal == str(expected.value).strip().lower():
        return True, "correct"
    hints = [hint for wrong, hint in expected.mistakes if normal == str(wrong).strip().lower()]
    return False, _join_hints(hints) if hints else t.hint


def _letter(t: Task, answer: Any) -> tuple[str | None, str | None]:
    """Return (the answer as one of the task's letters, None) or (None, what is wrong)."""
    wanted = "one letter (" + ", ".join(repr(c) for c in t.choices) + ")"
    text, problem = _text_answer(answer, wanted)
    if problem:
        return None, problem
    normal = _normal_choice(text)
    if normal not in t.choices:
        return None, f"answer with {wanted}"
    return normal, None


def _check_choice(t: Task, answer: Any, expected: Expected) -> tuple[bool, str]:
    normal, problem = _letter(t, answer)
    if problem:
        return False, problem
    if normal == str(expected.value).lower():
        return True, "correct"
    hints = [hint for wrong, hint in expected.mistakes if normal == str(wrong).lower()]
    return False, _join_hints(hints) if hints else t.hint


def _check_hashed_choice(t: Task, answer: Any, expected: Expected) -> tuple[bool, str]:
    normal, problem = _letter(t, answer)
    if problem:
        return False, problem
    digest = choice_hash(t.id, normal)
    if digest == expected.value:
        return True, "correct"
    hints = [hint for wrong, hint in expected.mistakes if digest == wrong]
    return False, _join_hints(hints) if hints else t.hint


def _check_text(t: Task, answer: Any, expected: Expected) -> tuple[bool, str]:
    text, problem = _text_answer(answer, "a written answer")
    if problem:
        return False, problem
    words = text.split()
    if len(words) < t.min_words:
        return False, (f"write your decision and a reason in at least {t.min_words} words "
                       f"(you wrote {len(words)})")
    return True, "recorded; your lecturer will read your decision and your reasons"
