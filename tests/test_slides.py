"""Lessons work as slides: every section is a slide, and nbconvert builds the deck."""

import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("nbtools", ROOT / "tools" / "nbtools.py")
nbtools = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nbtools)
LESSONS = nbtools.lessons()


@pytest.mark.parametrize("path", LESSONS, ids=[p.name for p in LESSONS])
def test_every_section_is_a_slide(path):
    nb = nbformat.read(path, as_version=4)
    roles = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    assert None not in roles, "run: python tools/nbtools.py nav"
    skipped = {nbtools.NAV_TAG, nbtools.INDEX_TAG}
    headings = [
        c
        for c in nb.cells
        if c.cell_type == "markdown"
        and c.source.startswith(("# ", "## "))
        and not skipped & set(c.metadata.get("tags", []))
    ]
    assert roles.count("slide") == len(headings)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert all(c.metadata["slideshow"]["slide_type"] == "skip" for c in params)


def test_nbconvert_builds_a_deck_with_one_section_per_slide():
    from nbconvert import SlidesExporter

    path = LESSONS[0]
    nb = nbformat.read(path, as_version=4)
    html, _ = SlidesExporter().from_notebook_node(nb)
    n_slides = sum(c.metadata["slideshow"]["slide_type"] == "slide" for c in nb.cells)
    assert html.count("<section") >= n_slides
    assert "reveal" in html.lower()
