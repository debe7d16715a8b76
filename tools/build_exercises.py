"""Build the student and solution versions of the exercise notebooks.

    python tools/build_exercises.py            # write exercises/student/ and exercises/solutions/
    python tools/build_exercises.py --check    # fail (exit 1) if the committed versions are stale
    python tools/build_exercises.py --out DIR  # write DIR/student/ and DIR/solutions/

The source of each exercise, ``exercises/source/exNN_*.ipynb``, holds the
solutions between marker lines in code cells::

    # BEGIN SOLUTION
    answer = summary.loc[1022, "frequency"]
    # END SOLUTION
    check("ex00.q4", answer)

The *solution* version drops the marker lines. The *student* version replaces
each region by a runnable placeholder, ``answer = ...  # your code here``, one
line per variable the rest of the cell uses (``answer`` if none), so the
notebook runs top to bottom and every check reports "not done yet". Markdown
cells tagged ``solution`` appear only in the solution version.

Both versions get clean outputs, the cell ids of the source, and metadata the
grader uses: ``metadata.crmlearn.exercise`` on the notebook and
``metadata.crmlearn.task`` on every cell that belongs to a task (the markdown
cell whose heading names the task id and the code cell that checks it).
The build is deterministic, so ``--check`` compares bytes.
"""

from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
import tempfile
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
SOURCE = EXERCISES / "source"
VERSIONS = ("student", "solutions")
BEGIN = "# BEGIN SOLUTION"
END = "# END SOLUTION"
SOLUTION_TAG = "solution"
PLACEHOLDER = "...  # your code here"
CHECK_CALL = re.compile(r"""check\(\s*["'](ex\d+\.[A-Za-z0-9_]+)["']""")
TASK_HEADING = re.compile(r"^#+ .*?\b(ex\d+\.[A-Za-z0-9_]+)\b", re.M)


def sources() -> list[Path]:
    """Source notebooks in order: ``exNN_name.ipynb`` in exercises/source/."""
    return sorted(SOURCE.glob("ex[0-9][0-9]_*.ipynb"))


def _assigned_names(code: str) -> list[str]:
    """Top-level names assigned in ``code``, in order of first assignment."""
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Name) and sub.id not in names:
                    names.append(sub.id)
    return names


def _used_names(code: str) -> set[str]:
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def split_solution(source: str, version: str) -> str:
    """Return the code of one cell for ``version`` ("student" or "solutions")."""
    lines = source.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() != BEGIN:
            out.append(line)
            i += 1
            continue
        indent = line[: len(line) - len(line.lstrip())]
        try:
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == END)
        except StopIteration:
            raise ValueError(f"'{BEGIN}' without '{END}' in cell:\n{source}") from None
        region = lines[i + 1 : end]
        if version == "solutions":
            out.extend(region)
        else:
            rest = "\n".join(lines[end + 1 :])
            assigned = _assigned_names("\n".join(region))
            used = _used_names(rest)
            names = [n for n in assigned if n in used] or assigned[-1:] or ["answer"]
            out.extend(f"{indent}{name} = {PLACEHOLDER}" for name in names)
        i = end + 1
    return "\n".join(out)


def build_notebook(source_path: Path, version: str):
    """Return the ``version`` ("student" or "solutions") of one source notebook."""
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {VERSIONS}, got {version!r}")
    nb = nbformat.read(source_path, as_version=4)
    exercise = source_path.name.split("_")[0]
    cells = []
    for cell in nb.cells:
        cell = copy.deepcopy(cell)
        tags = list(cell.get("metadata", {}).get("tags", []))
        if SOLUTION_TAG in tags and version == "student":
            continue
        meta = {k: v for k, v in cell.get("metadata", {}).items() if k in ("tags",)}
        task_id = None
        if cell.cell_type == "code":
            cell.source = split_solution(cell.source, version)
            cell.outputs = []
            cell.execution_count = None
            found = CHECK_CALL.search(cell.source)
            task_id = found.group(1) if found else None
        elif cell.cell_type == "markdown":
            found = TASK_HEADING.search(cell.source)
            task_id = found.group(1) if found else None
        if task_id is not None:
            meta["crmlearn"] = {"task": task_id}
        cell.metadata = nbformat.from_dict(meta)
        cells.append(cell)
    nb.cells = cells
    nb.metadata = nbformat.from_dict(
        {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                           "name": "python3"},
            "language_info": {"name": "python"},
            "crmlearn": {
                "exercise": exercise,
                "version": version,
                "source": f"exercises/source/{source_path.name}",
            },
        }
    )
    nbformat.validate(nb)
    return nb


def build(out_root: Path = EXERCISES) -> list[Path]:
    """Write both versions of every source notebook under ``out_root``; return the paths."""
    written = []
    for src in sources():
        for version in VERSIONS:
            nb = build_notebook(src, version)
            target = out_root / version / src.name
            target.parent.mkdir(parents=True, exist_ok=True)
            text = nbformat.writes(nb) + "\n"
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
            written.append(target)
    return written


def stale() -> list[str]:
    """Return the committed versions that differ from a fresh build (empty if current)."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = build(Path(tmp))
        expected = {p.relative_to(tmp) for p in fresh}
        for path in fresh:
            rel = path.relative_to(tmp)
            committed = EXERCISES / rel
            if not committed.exists():
                problems.append(f"missing: exercises/{rel.as_posix()}")
            elif committed.read_bytes() != path.read_bytes():
                problems.append(f"stale: exercises/{rel.as_posix()}")
        for version in VERSIONS:
            for extra in sorted((EXERCISES / version).glob("*.ipynb")):
                if extra.relative_to(EXERCISES) not in expected:
                    problems.append(f"no source for: exercises/{version}/{extra.name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if exercises/student or exercises/solutions are stale")
    parser.add_argument("--out", type=Path, default=None,
                        help="write DIR/student and DIR/solutions instead of exercises/")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for p in problems:
            print(p)
        if problems:
            print("run: python tools/build_exercises.py")
            return 1
        print(f"exercises are current ({len(sources())} source notebooks)")
        return 0
    for path in build(args.out or EXERCISES):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
