"""Notebooks: stored state is clean and current; parameterised runs work.

Executing every notebook top to bottom and comparing the outputs of cells
marked ``# NBVAL_CHECK_OUTPUT`` is done by nbval (``--nbval-lax`` in
pyproject's pytest options collects ``notebooks/*.ipynb``). This module adds
what nbval does not check.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("nbtools", ROOT / "tools" / "nbtools.py")
nbtools = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nbtools)

LESSONS = nbtools.lessons()
BOLD_NUMBER = re.compile(r"\*\*(-?[\d][\d.,]*\s?%?)\*\*")


def ids(paths):
    return [p.name for p in paths]


def test_there_are_lessons():
    assert LESSONS and LESSONS[0].name == "00_start_here.ipynb"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_stored_notebook_is_executed_and_clean(path):
    assert nbtools.problems(path) == []


def test_navigation_is_current():
    assert nbtools.nav(write=False) == [], "run: python tools/nbtools.py nav"


def checked_outputs(nb) -> str:
    texts = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in cell.source:
            for o in cell.outputs:
                texts.append(str(o.get("text", "")))
                texts.append(str(o.get("data", {}).get("text/plain", "")))
                texts.append(str(o.get("data", {}).get("text/markdown", "")))
    return "\n".join(texts)


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_numbers_quoted_in_text_are_computed(path):
    """Every **bold number** in a lesson's prose appears in a checked output.

    nbval then guarantees that checked output is what the code computes now,
    so the prose cannot go stale silently.
    """
    nb = nbformat.read(path, as_version=4)
    shown = checked_outputs(nb)
    missing = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for number in BOLD_NUMBER.findall(cell.source):
            if number.strip() not in shown:
                missing.append(number)
    assert not missing, f"{path.name}: bold numbers not in any NBVAL_CHECK_OUTPUT output: {missing}"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_lesson_shape(path):
    """Learning goals at the top, a recap, try-it prompts, German key terms."""
    nb = nbformat.read(path, as_version=4)
    md = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.search(r"^## (Learning goals|What you will learn)", md, re.M), "learning goals"
    assert re.search(r"^## Recap", md, re.M), "recap section"
    assert len(re.findall(r"\*\*Try it", md)) >= 2, "at least two 'Try it' prompts"
    assert "German" in md or "Deutsch" in md, "German key terms"
    code = [c for c in nb.cells if c.cell_type == "code"]
    first = next(c for c in code if "parameters" not in c.metadata.get("tags", []))
    assert "import crmlearn" in first.source or "from crmlearn" in first.source
    long_cells = [i for i, c in enumerate(code) if len(c.source.splitlines()) > 12]
    assert not long_cells, f"code cells longer than 12 lines (move logic to crmlearn): {long_cells}"
    assert json.dumps(nb.metadata.get("kernelspec", {})).count("python3") == 1


PARAMETERISED = [p for p in LESSONS
                 if any("parameters" in c.metadata.get("tags", []) for c in nbformat.read(p, 4).cells)]


@pytest.mark.notebook
@pytest.mark.parametrize("path", PARAMETERISED, ids=ids(PARAMETERISED))
def test_papermill_runs_with_other_parameters(path, tmp_path):
    """A learner can rerun a lesson on a freshly generated, smaller world."""
    import papermill as pm

    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params = {}
    if "n_customers" in cell.source:
        params["n_customers"] = 400
    if "seed" in cell.source:
        params["seed"] = 11
    out = tmp_path / path.name
    pm.execute_notebook(str(path), str(out), parameters=params, cwd=str(path.parent),
                        kernel_name="python3", execution_timeout=180, progress_bar=False)
    ran = nbformat.read(out, as_version=4)
    errors = [o for c in ran.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors
