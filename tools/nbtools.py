"""Keep the lesson notebooks executed, clean and linked.

    python tools/nbtools.py run [NOTEBOOK ...]   # execute in place, then clean
    python tools/nbtools.py nav                  # regenerate navigation and lesson tables
    python tools/nbtools.py check                # fail if navigation is stale or outputs unclean

``run`` executes each notebook top to bottom in its own folder (as a learner
would), with a per-cell timeout, then strips what would make diffs noisy or
leak the machine: execution timestamps, widget state, absolute paths.
``nav`` writes the previous/next links at the end of every lesson, the lesson
list in ``notebooks/00_start_here.ipynb`` and the table in README.md, all from
the file names and first headings, each followed by a link to the German-English
glossary ``notebooks/glossary.md``, and sets each cell's slideshow role (every
``##`` section becomes a slide; see :func:`slide_type`). Both are idempotent.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAV_TAG = "navigation"
INDEX_TAG = "lesson-index"
README_BEGIN = "<!-- lessons:begin -->"
README_END = "<!-- lessons:end -->"
CELL_TIMEOUT = 180
GLOSSARY = NOTEBOOKS / "glossary.md"
GLOSSARY_LINE = "German key terms of all lessons, with English terms and meanings: [glossary]({path})."


def lessons() -> list[Path]:
    """Lesson notebooks in order: ``NN_name.ipynb`` in notebooks/."""
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def title(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise ValueError(f"{path.name}: the first markdown cell needs a '# Title' heading")


def _nav_markdown(prev: Path | None, nxt: Path | None) -> str:
    parts = []
    if prev is not None:
        parts.append(f"← [{title(prev)}]({prev.name})")
    parts.append("[Overview](00_start_here.ipynb#Lessons)")
    if nxt is not None:
        parts.append(f"[{title(nxt)}]({nxt.name}) →")
    return "---\n" + " | ".join(parts)


def _index_markdown(paths: list[Path]) -> str:
    lines = ["## Lessons", "", "| # | lesson |", "|---|---|"]
    for p in paths:
        lines.append(f"| {p.name[:2]} | [{title(p)}]({p.name}) |")
    lines += ["", GLOSSARY_LINE.format(path=GLOSSARY.name)]
    return "\n".join(lines)


def _readme_table(paths: list[Path]) -> str:
    lines = ["| # | lesson |", "|---|---|"]
    for p in paths:
        lines.append(f"| {p.name[:2]} | [{title(p)}](notebooks/{p.name}) |")
    lines += ["", GLOSSARY_LINE.format(path=f"notebooks/{GLOSSARY.name}")]
    return "\n".join(lines)


def _set_tagged_cell(nb, tag: str, source: str, at_end: bool) -> bool:
    """Put a markdown cell with ``tag`` holding ``source``; return True if changed."""
    for cell in nb.cells:
        if tag in cell.get("metadata", {}).get("tags", []):
            if cell.source == source:
                return False
            cell.source = source
            return True
    cell = nbformat.v4.new_markdown_cell(source, metadata={"tags": [tag]})
    if at_end:
        nb.cells.append(cell)
    else:
        nb.cells.insert(1, cell)
    return True


def slide_type(cell) -> str:
    """Slide role of a cell for RISE / ``nbconvert --to slides``.

    Title and ``##`` headings open a slide; the parameters cell, the
    navigation/index cells and the closing versions cell are skipped; every
    other cell continues the current slide.
    """
    tags = cell.get("metadata", {}).get("tags", [])
    if {"parameters", NAV_TAG, INDEX_TAG} & set(tags):
        return "skip"
    src = cell.source.lstrip()
    if cell.cell_type == "code" and src.startswith("crmlearn.versions()"):
        return "skip"
    if cell.cell_type == "markdown" and (src.startswith("# ") or src.startswith("## ")):
        return "slide"
    return "-"


def set_slides(nb) -> bool:
    """Give every cell its slideshow metadata; return True if anything changed."""
    changed = False
    for cell in nb.cells:
        want = slide_type(cell)
        if cell.metadata.get("slideshow", {}).get("slide_type") != want:
            cell.metadata["slideshow"] = {"slide_type": want}
            changed = True
    return changed


def _write(nb, path: Path) -> None:
    text = nbformat.writes(nb) + "\n"
    if not path.exists() or path.read_text("utf-8") != text:
        path.write_text(text, "utf-8")


def nav(write: bool = True) -> list[str]:
    """Regenerate navigation; return the names of files that were (or would be) changed."""
    paths = lessons()
    changed = []
    for i, path in enumerate(paths):
        nb = nbformat.read(path, as_version=4)
        dirty = False
        if i > 0 or len(paths) > 1:
            prev = paths[i - 1] if i > 0 else None
            nxt = paths[i + 1] if i + 1 < len(paths) else None
            dirty |= _set_tagged_cell(nb, NAV_TAG, _nav_markdown(prev, nxt), at_end=True)
        if path.name.startswith("00_"):
            dirty |= _set_tagged_cell(nb, INDEX_TAG, _index_markdown(paths), at_end=False)
        dirty |= set_slides(nb)
        if dirty:
            changed.append(path.name)
            if write:
                _write(nb, path)
    readme = ROOT / "README.md"
    text = readme.read_text("utf-8")
    if README_BEGIN in text:
        head, rest = text.split(README_BEGIN, 1)
        _, tail = rest.split(README_END, 1)
        new = f"{head}{README_BEGIN}\n{_readme_table(paths)}\n{README_END}{tail}"
        if new != text:
            changed.append("README.md")
            if write:
                readme.write_text(new, "utf-8")
    return changed


_ABS_PATH = re.compile(r"(/root/|/home/\w+|/Users/\w+|/tmp/|[A-Z]:\\\\Users)")


def clean(nb) -> None:
    """Strip volatile metadata in place: timestamps, widget state, kernel details."""
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    lang = nb.metadata.get("language_info", {})
    nb.metadata["language_info"] = {"name": lang.get("name", "python")}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("ExecuteTime", None)


def problems(path: Path) -> list[str]:
    """What is wrong with a stored notebook: not executed, errors, paths, TODOs."""
    nb = nbformat.read(path, as_version=4)
    out = []
    expected = 1
    for i, cell in enumerate(nb.cells):
        if "TODO" in cell.source:
            out.append(f"cell {i}: contains TODO")
        if cell.cell_type != "code":
            continue
        if cell.execution_count != expected:
            out.append(f"cell {i}: execution_count {cell.execution_count}, expected {expected} "
                       "(run tools/nbtools.py run)")
            break
        expected += 1
        for o in cell.outputs:
            if o.output_type == "error":
                out.append(f"cell {i}: stored error {o.ename}")
            text = str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
            if _ABS_PATH.search(text):
                out.append(f"cell {i}: output contains a machine path")
    if "widgets" in nb.metadata or any("execution" in c.metadata for c in nb.cells):
        out.append("volatile metadata not stripped (run tools/nbtools.py run)")
    return out


def run(paths: list[Path]) -> None:
    """Execute notebooks in place (in their own folder) and clean them."""
    from nbclient import NotebookClient

    for path in paths:
        print(f"running {path.relative_to(ROOT)} ...", flush=True)
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute()
        clean(nb)
        _write(nb, path)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "nav", "check"}:
        print(__doc__)
        return 2
    if argv[0] == "run":
        targets = [Path(a).resolve() for a in argv[1:]] or lessons()
        run(targets)
        nav()
        return 0
    if argv[0] == "nav":
        changed = nav()
        print("updated: " + ", ".join(changed) if changed else "navigation up to date")
        return 0
    stale = nav(write=False)
    bad = {p.name: problems(p) for p in lessons()}
    bad = {k: v for k, v in bad.items() if v}
    for name, msgs in bad.items():
        print(f"{name}: " + "; ".join(msgs))
    if stale:
        print("navigation stale in: " + ", ".join(stale) + " (run tools/nbtools.py nav)")
    return 1 if (bad or stale) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
