"""Grade a folder of submitted exercise notebooks.

    python -m crmlearn.grade SUBMISSIONS_DIR --out scores.csv [--timeout 60] [--jobs 4]

Every ``*.ipynb`` in ``SUBMISSIONS_DIR`` is copied to a temporary folder and
executed there from top to bottom in its own kernel (nbclient, kernel
``python3``); the submitted files are only read, never changed. Each code cell
of a task may run for ``--timeout`` seconds (cells outside the tasks, such as
imports and loading data, at least ``SETUP_TIMEOUT`` = 120 s); a cell that takes
longer (an endless loop) is interrupted and counts as an error, and the remaining
cells still run.

Results are read from the executed notebook: every ``check(...)`` call displays
a bundle with the MIME type ``application/vnd.crmlearn.check+json`` that holds
the task id and the answer given. The grader checks each answer *again* in its
own process (so edited outputs or a patched ``check`` do not help) and matches
tasks by id, wherever the cell is in the notebook.

The score table has one row per student (file name without ``.ipynb``) and task:
``student, task, points, max_points, status, reason`` with status ``passed``,
``failed``, ``not_done`` or ``error``. A broken submission (endless loop,
exception, deleted cells, invalid JSON) gets zero for the tasks it could not
show, with the reason, and never stops the grading of the others.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from .checks import MIME_TYPE
from .checks._registry import (
    ERROR,
    NOT_DONE,
    _natural_key,
    evaluate,
    exercise_tasks,
    from_jsonable,
)

__all__ = ["COLUMNS", "grade_folder", "grade_notebook", "main", "run_notebook", "write_scores"]

COLUMNS = ["student", "task", "points", "max_points", "status", "reason"]
CHECK_CALL = re.compile(r"""check\(\s*["'](ex\d+\.[A-Za-z0-9_]+)["']""")
EXERCISE_ID = re.compile(r"^ex\d+$")
KERNEL = "python3"
REASON_CHARS = 300
#: seconds a cell that belongs to no task (imports, loading data) may take at least
SETUP_TIMEOUT = 120


@dataclass
class Submission:
    """One submitted file, read but not yet executed."""

    path: Path
    nb: object | None = None
    problem: str | None = None
    exercise: str | None = None
    seconds: float = 0.0
    rows: list[dict] = field(default_factory=list)


def _short(text: str, limit: int = REASON_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell_task(cell) -> str | None:
    meta = cell.get("metadata", {}).get("crmlearn", {})
    if isinstance(meta, dict) and isinstance(meta.get("task"), str):
        return meta["task"]
    if cell.get("cell_type") == "code":
        found = CHECK_CALL.search(cell.get("source", ""))
        if found:
            return found.group(1)
    return None


def _guess_exercise(nb) -> str | None:
    meta = nb.get("metadata", {}).get("crmlearn", {})
    if isinstance(meta, dict) and EXERCISE_ID.match(str(meta.get("exercise", ""))):
        return meta["exercise"]
    for cell in nb.get("cells", []):
        task_id = _cell_task(cell)
        if task_id:
            return task_id.split(".")[0]
    return None


def read_submission(path: Path) -> Submission:
    """Read one submitted file (without executing it)."""
    import nbformat

    sub = Submission(Path(path))
    try:
        text = sub.path.read_text(encoding="utf-8")
        nb = nbformat.reads(text, as_version=4)
        if not isinstance(nb.get("cells"), list):
            raise ValueError("no list of cells")
    except Exception as exc:
        kind = "invalid JSON" if "JSON" in type(exc).__name__ or "json" in str(exc).lower() else (
            type(exc).__name__)
        sub.problem = f"not a readable notebook ({kind}: {_short(exc, 120)})"
        return sub
    sub.nb = nb
    sub.exercise = _guess_exercise(nb)
    return sub


# --------------------------------------------------------------------------------------
# executing
# --------------------------------------------------------------------------------------


def _execute(nb, workdir: Path, timeout: float) -> tuple[dict[int, str], str | None]:
    """Run every code cell of ``nb`` in place; return problems per cell and a stop reason.

    The first value maps a cell index to "timed out ..." for cells that hit the
    time limit (errors raised by the code are in the cell outputs). The second
    is set when execution had to stop (dead or stuck kernel).
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    def cell_timeout(cell) -> int:
        # cells outside the tasks (imports, loading data) may take longer on a busy machine
        return int(timeout if _cell_task(cell) else max(timeout, SETUP_TIMEOUT))

    def message(cell) -> str:
        return f"timed out after {cell_timeout(cell)} s (an endless loop?); interrupted"

    client = NotebookClient(
        nb,
        timeout=int(timeout),
        timeout_func=cell_timeout,
        kernel_name=KERNEL,
        allow_errors=True,
        # on a time-out nbclient interrupts the kernel and treats the cell as failed,
        # then goes on with the next cell in the same kernel
        interrupt_on_timeout=True,
        error_on_timeout={"ename": "CellTimeoutError", "evalue": "time limit reached",
                          "traceback": []},
        record_timing=False,
        resources={"metadata": {"path": str(workdir)}},
    )
    problems: dict[int, str] = {}
    stopped = None
    timeouts_in_a_row = 0
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if stopped:
                problems[index] = f"not run: {stopped}"
                continue
            start = time.monotonic()
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:  # only if the interrupt itself fails
                problems[index] = message(cell)
                stopped = "the kernel did not respond after a time-out"
            except DeadKernelError:
                problems[index] = "the kernel died while running this cell"
                stopped = "the kernel died in an earlier cell"
            except Exception as exc:  # anything nbclient itself trips over
                problems[index] = f"could not run: {type(exc).__name__}: {_short(exc, 120)}"
                stopped = "execution stopped at an earlier cell"
            else:
                if time.monotonic() - start >= cell_timeout(cell):
                    problems[index] = message(cell)
                    timeouts_in_a_row += 1
                    if timeouts_in_a_row >= 2:  # the interrupt did not stop the code
                        stopped = "the kernel did not respond after two time-outs"
                else:
                    timeouts_in_a_row = 0
    return problems, stopped


def _bundles(nb) -> dict[str, dict]:
    """Return the last check bundle per task id, from all outputs in notebook order."""
    found: dict[str, dict] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {}) if out.get("output_type") in (
                "display_data", "execute_result") else {}
            payload = data.get(MIME_TYPE)
            if isinstance(payload, dict) and isinstance(payload.get("task"), str):
                found[payload["task"]] = payload
    return found


def _cell_error(cell) -> str | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"the cell raised {out.get('ename', 'an error')}: {_short(out.get('evalue', ''), 160)}"
    return None


def _rows_for(sub: Submission, problems: dict[int, str], stopped: str | None) -> list[dict]:
    nb = sub.nb
    bundles = _bundles(nb)
    cells_by_task: dict[str, list[int]] = {}
    for index, cell in enumerate(nb.cells):
        task_id = _cell_task(cell)
        if task_id and cell.cell_type == "code":
            cells_by_task.setdefault(task_id, []).append(index)
    rows = []
    for t in exercise_tasks(sub.exercise):
        row = {"student": sub.path.stem, "task": t.id, "points": 0, "max_points": t.points}
        if t.id in bundles:
            answer = from_jsonable(bundles[t.id].get("answer"))
            result = evaluate(t.id, answer)
            row["points"] = result.points
            row["status"] = result.status
            if result.status == NOT_DONE:
                row["reason"] = "not done (the answer is still ...)"
            elif t.kind == "text" and isinstance(answer, str):
                row["reason"] = _short(f"written answer for the lecturer: {answer}", 1000)
            else:
                row["reason"] = _short(result.message)
        else:
            indices = cells_by_task.get(t.id, [])
            reasons = [problems[i] for i in indices if i in problems]
            reasons += [e for e in (_cell_error(nb.cells[i]) for i in indices) if e]
            if reasons:
                row["status"], row["reason"] = ERROR, _short(reasons[0])
            elif indices:
                row["status"] = NOT_DONE
                row["reason"] = "the check call is missing from the task cell"
            else:
                row["status"], row["reason"] = NOT_DONE, "check cell missing"
        rows.append(row)
    return rows


def _error_rows(student: str, exercise: str | None, reason: str) -> list[dict]:
    tasks = exercise_tasks(exercise) if exercise else []
    if not tasks:
        return [{"student": student, "task": "*", "points": 0, "max_points": 0,
                 "status": ERROR, "reason": _short(reason + "; exercise unknown (use --exercise)")}]
    return [{"student": student, "task": t.id, "points": 0, "max_points": t.points,
             "status": ERROR, "reason": _short(reason)} for t in tasks]


def grade_notebook(path, timeout: float = 60, exercise: str | None = None) -> list[dict]:
    """Grade one submitted notebook; return its rows of the score table.

    The file is copied to a temporary folder and executed there; the original
    is only read. ``exercise`` is used when the notebook does not say which
    exercise it is (e.g. when it is not a readable notebook).
    """
    path = Path(path)
    sub = read_submission(path)
    exercise = sub.exercise or exercise
    if sub.problem:
        return _error_rows(path.stem, exercise, sub.problem)
    if exercise is None or not exercise_tasks(exercise):
        return _error_rows(path.stem, None, "no crmlearn exercise tasks found in the notebook")
    sub.exercise = exercise
    with tempfile.TemporaryDirectory(prefix="crmlearn-grade-") as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        try:
            problems, stopped = _execute(sub.nb, Path(tmp), timeout)
        except Exception as exc:  # the kernel did not start, or worse
            return _error_rows(path.stem, exercise,
                               f"could not execute the notebook ({type(exc).__name__}: {exc})")
    return _rows_for(sub, problems, stopped)


def run_notebook(path, timeout: float = 120) -> str:
    """Execute a copy of the notebook at ``path`` in a temporary folder; return it as JSON text.

    The file itself is not changed. Used by the tests (and handy to preview
    what the grader sees).
    """
    import nbformat

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="crmlearn-run-") as tmp:
        shutil.copyfile(path, Path(tmp) / path.name)
        _execute(nb, Path(tmp), timeout)
    return nbformat.writes(nb)


def _grade_one(args) -> tuple[list[dict], float]:
    path, timeout, exercise = args
    start = time.perf_counter()
    try:
        rows = grade_notebook(path, timeout=timeout, exercise=exercise)
    except Exception as exc:  # never let one submission stop the others
        rows = _error_rows(Path(path).stem, exercise, f"grading failed ({type(exc).__name__}: {exc})")
    return rows, time.perf_counter() - start


def grade_folder(folder, timeout: float = 60, exercise: str | None = None, jobs: int = 1,
                 log=None) -> list[dict]:
    """Grade every ``*.ipynb`` in ``folder``; return all rows of the score table.

    ``exercise`` names the exercise for submissions that do not say; by default
    it is the exercise most readable submissions in the folder belong to.
    ``jobs`` > 1 grades that many notebooks at the same time (one process each).
    """
    paths = sorted(p for p in Path(folder).glob("*.ipynb") if p.is_file())
    if exercise is None:
        seen = [s.exercise for s in map(read_submission, paths) if s.exercise]
        exercise = max(set(seen), key=seen.count) if seen else None
    work = [(p, timeout, exercise) for p in paths]
    if jobs > 1 and len(work) > 1:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
            results = list(pool.map(_grade_one, work))
    else:
        results = [_grade_one(w) for w in work]
    rows = []
    for path, (student_rows, seconds) in zip(paths, results, strict=True):
        if log is not None:
            got = sum(r["points"] for r in student_rows)
            most = sum(r["max_points"] for r in student_rows)
            log(f"{path.stem}: {got} of {most} points ({seconds:.1f} s)")
        rows.extend(student_rows)
    rows.sort(key=lambda r: (r["student"], _natural_key(r["task"])))
    return rows


def write_scores(rows: list[dict], out) -> None:
    """Write the score table as CSV (UTF-8, comma-separated)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({c: r[c] for c in COLUMNS} for r in rows)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``python -m crmlearn.grade``."""
    parser = argparse.ArgumentParser(
        prog="python -m crmlearn.grade",
        description="Run submitted exercise notebooks and write a score table (CSV).",
    )
    parser.add_argument("submissions", type=Path, help="folder with the submitted .ipynb files")
    parser.add_argument("--out", type=Path, default=Path("scores.csv"), help="CSV file to write")
    parser.add_argument("--timeout", type=float, default=60,
                        help="seconds each task cell may run (default 60); cells outside the "
                             f"tasks get at least {SETUP_TIMEOUT} s")
    parser.add_argument("--exercise", default=None,
                        help="exercise id (e.g. ex00) for files that do not say which they are")
    parser.add_argument("--jobs", type=int, default=1,
                        help="notebooks graded at the same time (default 1)")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    start = time.perf_counter()
    rows = grade_folder(args.submissions, timeout=args.timeout, exercise=args.exercise,
                        jobs=args.jobs, log=print)
    write_scores(rows, args.out)
    students = len({r["student"] for r in rows})
    print(f"graded {students} submissions in {time.perf_counter() - start:.1f} s; "
          f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
