"""Exercise notebooks: the build is current, solutions pass, student versions run."""

from __future__ import annotations

import importlib.util
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import nbformat
import pytest

from crmlearn.checks import MIME_TYPE, _registry

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build_exercises", ROOT / "tools" / "build_exercises.py")
build_exercises = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_exercises)

SOURCES = build_exercises.sources()
CELL_TIMEOUT = 120


def _exercise(path: Path) -> str:
    return path.name.split("_")[0]


def test_every_exercise_has_a_checks_module_and_tasks():
    ids = [_exercise(p) for p in SOURCES]
    assert ids[0] == "ex00"
    modules = sorted(p.stem for p in (ROOT / "crmlearn" / "checks").glob("ex[0-9][0-9].py"))
    assert modules == ids
    for ex in ids:
        assert 4 <= len(_registry.exercise_tasks(ex)) <= 8, ex


def test_student_and_solution_versions_are_current():
    assert build_exercises.stale() == [], "run: python tools/build_exercises.py"


def test_build_check_command_passes(capsys):
    assert build_exercises.main(["--check"]) == 0
    assert "current" in capsys.readouterr().out


def test_split_solution_placeholders():
    code = "x = 1\n# BEGIN SOLUTION\ns = load()\nanswer = s.loc[1]\n# END SOLUTION\ncheck('ex00.q1', answer)"
    student = build_exercises.split_solution(code, "student")
    assert student == "x = 1\nanswer = ...  # your code here\ncheck('ex00.q1', answer)"
    solution = build_exercises.split_solution(code, "solutions")
    assert "BEGIN" not in solution and "answer = s.loc[1]" in solution
    assert build_exercises.split_solution("# BEGIN SOLUTION\n# END SOLUTION", "student") == (
        "answer = ...  # your code here")
    with pytest.raises(ValueError, match="without"):
        build_exercises.split_solution("# BEGIN SOLUTION\nx = 1", "student")


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_source_shape(path):
    """4-8 tasks, each with a heading and a check cell; one decide-and-justify task."""
    nb = nbformat.read(path, as_version=4)
    tasks = _registry.exercise_tasks(_exercise(path))
    assert 4 <= len(tasks) <= 8
    assert sum(t.kind == "text" for t in tasks) == 1
    headings = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    for t in tasks:
        assert f"Task {t.id}" in headings, t.id
        cells = [c for c in code if f'check("{t.id}"' in c]
        assert len(cells) == 1 and "# BEGIN SOLUTION" in cells[0], t.id
    assert "import" in code[0] and "datasets.load" in code[0]
    assert "summary(" in code[-1]


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_student_version_hides_the_solutions(path):
    student = nbformat.read(ROOT / "exercises" / "student" / path.name, as_version=4)
    solution = nbformat.read(ROOT / "exercises" / "solutions" / path.name, as_version=4)
    text = nbformat.writes(student)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    assert not any("solution" in c.metadata.get("tags", []) for c in student.cells)
    assert student.metadata.crmlearn.exercise == _exercise(path)
    tagged = {c.metadata.crmlearn.task for c in student.cells
              if c.cell_type == "code" and "crmlearn" in c.metadata}
    assert tagged == {t.id for t in _registry.exercise_tasks(_exercise(path))}
    assert len(solution.cells) > len(student.cells)
    for cell in student.cells + solution.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def _run(path: str) -> str:
    from crmlearn.grade import run_notebook

    return run_notebook(path, timeout=CELL_TIMEOUT)


# ex00's solution and student versions are executed by tests/test_grade.py (as the
# "correct" and the "untouched" submissions), so this module runs only the others.
EXECUTED_HERE = [p for p in SOURCES if _exercise(p) != "ex00"]


@pytest.fixture(scope="module")
def executed(request):
    """Student and solution notebooks executed on demand, two kernels at a time.

    Only the exercises whose tests were selected (``-k ex07``) are run; they
    are all submitted at once so that both workers stay busy.
    """
    selected = {item.callspec.params["path"].name for item in request.session.items
                if "executed" in getattr(item, "fixturenames", ())
                and hasattr(item, "callspec") and "path" in item.callspec.params}
    pool = ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn"))
    futures = {(version, name): pool.submit(_run, str(ROOT / "exercises" / version / name))
               for name in sorted(selected) for version in ("solutions", "student")}
    done = {}

    def get(version: str, path: Path):
        key = (version, path.name)
        if key not in done:
            future = futures.get(key) or pool.submit(_run, str(ROOT / "exercises" / version / path.name))
            done[key] = nbformat.reads(future.result(), as_version=4)
        return done[key]

    yield get
    pool.shutdown(cancel_futures=True)


def _bundles(nb) -> dict[str, dict]:
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            payload = out.get("data", {}).get(MIME_TYPE)
            if payload:
                found[payload["task"]] = payload
    return found


def _errors(nb) -> list[str]:
    return [f"{o.ename}: {o.evalue}" for c in nb.cells for o in c.get("outputs", [])
            if o.output_type == "error"]


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", EXECUTED_HERE, ids=[p.name for p in EXECUTED_HERE])
def test_solution_version_passes_every_check(path, executed):
    nb = executed("solutions", path)
    assert _errors(nb) == []
    bundles = _bundles(nb)
    tasks = _registry.exercise_tasks(_exercise(path))
    assert set(bundles) == {t.id for t in tasks}
    assert {b["status"] for b in bundles.values()} == {"passed"}, bundles
    tally = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert f"{len(tasks)} of {len(tasks)} tasks passed" in tally


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("path", EXECUTED_HERE, ids=[p.name for p in EXECUTED_HERE])
def test_student_version_runs_and_reports_not_done(path, executed):
    nb = executed("student", path)
    assert _errors(nb) == []
    bundles = _bundles(nb)
    tasks = _registry.exercise_tasks(_exercise(path))
    assert set(bundles) == {t.id for t in tasks}
    assert {b["status"] for b in bundles.values()} == {"not_done"}
    tally = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert f"0 of {len(tasks)} tasks passed, {len(tasks)} not done yet" in tally
