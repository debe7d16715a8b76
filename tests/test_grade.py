"""crmlearn.grade: a folder of good and broken submissions gives the right score table.

The submissions are made from exercise 00: the solution version (correct), the
untouched student version, and broken variants (wrong answers, an endless loop,
an exception, a deleted check cell, reordered cells, invalid JSON). This module
is also where ex00's solution and student versions are executed
(tests/test_exercises.py runs the other exercises).
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import nbformat
import pytest

from crmlearn import grade
from crmlearn.checks import _registry

ROOT = Path(__file__).resolve().parents[1]
NAME = "ex00_data_and_customer_table.ipynb"
SOLUTION = ROOT / "exercises" / "solutions" / NAME
STUDENT = ROOT / "exercises" / "student" / NAME
TIMEOUT = 15
TASKS = [t.id for t in _registry.exercise_tasks("ex00")]
POINTS = {t.id: t.points for t in _registry.exercise_tasks("ex00")}

pytestmark = [pytest.mark.notebook, pytest.mark.slow]


def _task_cell(nb, task_id, kind="code"):
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == kind and cell.metadata.get("crmlearn", {}).get("task") == task_id:
            return index
    raise KeyError(task_id)


def _set_answer(nb, task_id, line):
    cell = nb.cells[_task_cell(nb, task_id)]
    kept = [ln for ln in cell.source.split("\n") if ln.startswith("check(")]
    cell.source = "\n".join([line, *kept])


def make_submissions(folder: Path) -> None:
    def solution():
        return nbformat.read(SOLUTION, as_version=4)

    nbformat.write(solution(), folder / "alice.ipynb")                     # correct

    nb = solution()                                                           # partly wrong
    _set_answer(nb, "ex00.q3", 'answer = summary.loc[1022, "revenue"]')
    _set_answer(nb, "ex00.q4", "answer = ...  # your code here")
    _set_answer(nb, "ex00.q6", 'answer = "d"')
    nbformat.write(nb, folder / "bob.ipynb")

    nb = solution()                                                           # endless loop
    _set_answer(nb, "ex00.q2", "while True:\n    pass")
    nbformat.write(nb, folder / "carol.ipynb")

    nb = solution()                                                           # raises
    _set_answer(nb, "ex00.q5", 'raise RuntimeError("my own bug")')
    nbformat.write(nb, folder / "dave.ipynb")

    nb = solution()                                                           # deleted check cell
    del nb.cells[_task_cell(nb, "ex00.q1")]
    nbformat.write(nb, folder / "erin.ipynb")

    nb = solution()                                                           # reordered cells
    q3 = [nb.cells[_task_cell(nb, "ex00.q3", "markdown")], nb.cells[_task_cell(nb, "ex00.q3")]]
    rest = [c for c in nb.cells if c not in q3]
    at = rest.index(nb.cells[_task_cell(nb, "ex00.q5")]) + 1
    q7 = nb.cells[_task_cell(nb, "ex00.q7")]
    rest.remove(q7)
    nb.cells = rest[:2] + [q7] + rest[2:at] + q3 + rest[at:]
    for cell in nb.cells:                                                     # metadata lost too
        cell.metadata.pop("crmlearn", None)
    nbformat.write(nb, folder / "frank.ipynb")

    (folder / "gina.ipynb").write_text('{"cells": [ this is not json', encoding="utf-8")

    nbformat.write(nbformat.read(STUDENT, as_version=4), folder / "henry.ipynb")  # untouched


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    make_submissions(folder)
    before = _digests(folder)
    out = tmp_path_factory.mktemp("scores") / "scores.csv"
    code = grade.main([str(folder), "--out", str(out), "--timeout", str(TIMEOUT), "--jobs", "2"])
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {"code": code, "rows": rows, "before": before, "after": _digests(folder)}


def _by(rows, student):
    return {r["task"]: r for r in rows if r["student"] == student}


def test_exit_code_and_columns(graded):
    assert graded["code"] == 0
    assert list(graded["rows"][0]) == grade.COLUMNS
    students = sorted({r["student"] for r in graded["rows"]})
    assert students == ["alice", "bob", "carol", "dave", "erin", "frank", "gina", "henry"]
    for student in students:
        assert sorted(_by(graded["rows"], student)) == sorted(TASKS)


def test_submissions_are_untouched(graded):
    assert graded["before"] == graded["after"]
    assert len(graded["before"]) == 8


def test_correct_submission_gets_full_points(graded):
    rows = _by(graded["rows"], "alice")
    assert {r["status"] for r in rows.values()} == {"passed"}
    assert all(int(r["points"]) == int(r["max_points"]) == POINTS[t] for t, r in rows.items())
    assert rows["ex00.q7"]["reason"].startswith("written answer for the lecturer: The transactions")


def test_untouched_student_version_is_not_done(graded):
    rows = _by(graded["rows"], "henry")
    assert {r["status"] for r in rows.values()} == {"not_done"}
    assert {r["points"] for r in rows.values()} == {"0"}


def test_partly_wrong_submission(graded):
    rows = _by(graded["rows"], "bob")
    assert rows["ex00.q3"]["status"] == "failed"
    assert "included returns in revenue" in rows["ex00.q3"]["reason"]
    assert rows["ex00.q4"]["status"] == "not_done"
    assert rows["ex00.q6"]["status"] == "failed"
    for t in ("ex00.q1", "ex00.q2", "ex00.q5", "ex00.q7"):
        assert rows[t]["status"] == "passed"
    assert sum(int(r["points"]) for r in rows.values()) == sum(POINTS.values()) - 5


def test_endless_loop_is_stopped_and_the_rest_graded(graded):
    rows = _by(graded["rows"], "carol")
    assert rows["ex00.q2"]["status"] == "error"
    assert f"timed out after {TIMEOUT} s" in rows["ex00.q2"]["reason"]
    assert all(rows[t]["status"] == "passed" for t in TASKS if t != "ex00.q2")


def test_exception_is_reported(graded):
    rows = _by(graded["rows"], "dave")
    assert rows["ex00.q5"]["status"] == "error"
    assert "RuntimeError: my own bug" in rows["ex00.q5"]["reason"]
    assert all(rows[t]["status"] == "passed" for t in TASKS if t != "ex00.q5")


def test_deleted_check_cell(graded):
    rows = _by(graded["rows"], "erin")
    assert rows["ex00.q1"]["status"] == "not_done"
    assert rows["ex00.q1"]["reason"] == "check cell missing"
    assert int(rows["ex00.q1"]["points"]) == 0
    assert all(rows[t]["status"] == "passed" for t in TASKS if t != "ex00.q1")


def test_reordered_cells_are_graded_by_task_id(graded):
    rows = _by(graded["rows"], "frank")
    assert {r["status"] for r in rows.values()} == {"passed"}


def test_invalid_json_gets_zero_with_reason(graded):
    rows = _by(graded["rows"], "gina")
    assert {r["status"] for r in rows.values()} == {"error"}
    assert all("not a readable notebook" in r["reason"] for r in rows.values())


def test_unknown_exercise_gives_one_error_row(tmp_path):
    (tmp_path / "x.ipynb").write_text("no", encoding="utf-8")
    rows = grade.grade_folder(tmp_path, timeout=TIMEOUT)
    assert [(r["student"], r["task"], r["status"]) for r in rows] == [("x", "*", "error")]
