"""The glossary (notebooks/glossary.md) collects every German key term of every lesson.

Each lesson's recap ends with a paragraph ``German key terms: ...`` (sometimes in bold).
The terms are separated by commas outside parentheses; the German part of an entry is the
text before `` (`` and may give several variants separated by `` / ``. A few entries are
irregular and handled explicitly below.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
GLOSSARY = NOTEBOOKS / "glossary.md"
LESSONS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))

KEY_TERMS = re.compile(r"^\**German key terms:\**[ \t]*(.*?)(?:\n[ \t]*\n|\Z)", re.M | re.S)
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
ROMAN = re.compile(r"[IVX]+")
ARTICLE = re.compile(r"^(der|die|das) ")

# Terms whose German part itself contains a comma outside parentheses.
COMMA_TERMS = ("Wahrscheinlichkeit, noch aktiv zu sein",)
# Entries that name two terms at once; each is looked up on its own.
COMBINED = {
    "Kundenbudget und Anteil am Kundenbudget": ("Kundenbudget", "Anteil am Kundenbudget"),
    "tatsächlicher und potenzieller Kundenwert": ("tatsächlicher Kundenwert",
                                                 "potenzieller Kundenwert"),
}
UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split at ``sep`` where no parenthesis is open; strip the parts, drop empty ones."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def key_terms_text(markdown: str) -> str | None:
    """The text after 'German key terms:' up to the end of its paragraph, on one line."""
    match = KEY_TERMS.search(markdown)
    if match is None:
        return None
    return " ".join(match.group(1).split()).rstrip(".")


def german_terms(text: str) -> list[str]:
    """The German terms of one key-terms paragraph, in order, without duplicates.

    >>> german_terms('Umsatz (revenue), Kundenbindung / Bindungsrate (retention / rate)')
    ['Umsatz', 'Kundenbindung', 'Bindungsrate']
    >>> german_terms('Deckungsbeitrag I, II, III (contribution margin I, II, III), Segment')
    ['Deckungsbeitrag I', 'Deckungsbeitrag II', 'Deckungsbeitrag III', 'Segment']
    >>> german_terms('RFM-Modell (recency = Aktualität, frequency = Häufigkeit)')
    ['RFM-Modell', 'Aktualität', 'Häufigkeit']
    """
    for term in COMMA_TERMS:
        text = text.replace(term, term.replace(",", "\0"))
    terms: list[str] = []
    previous = ""
    for entry in split_top_level(text):
        entry = entry.replace("\0", ",")
        german, _, rest = entry.partition(" (")
        german = german.strip()
        if ROMAN.fullmatch(german) and previous:
            # "Deckungsbeitrag I, II, III": a bare numeral continues the previous term.
            german = f"{previous.rsplit(' ', 1)[0]} {german}"
        previous = german
        for variant in COMBINED.get(german, (german,)):
            terms.extend(v.strip() for v in variant.split(" / "))
        # German words given inside the parentheses as "english = German".
        for part in split_top_level(rest.rstrip(")")):
            if " = " in part:
                terms.append(part.split(" = ", 1)[1].strip())
    return list(dict.fromkeys(t for t in terms if t))


def lesson_terms(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    text = key_terms_text(markdown)
    assert text, f"{path.name}: no 'German key terms:' paragraph"
    return german_terms(text)


def normal(term: str) -> str:
    return " ".join(term.split()).casefold()


def sort_key(german: str) -> str:
    """Alphabetical key: case, a leading article and punctuation ignored, ä as a, ß as ss."""
    key = ARTICLE.sub("", normal(german).translate(UMLAUTS))
    return "".join(ch for ch in key if ch.isalnum() or ch == " ")


def glossary_rows(text: str | None = None) -> list[dict]:
    """The rows of the glossary table: German variants, English, meaning, lesson links."""
    text = GLOSSARY.read_text("utf-8") if text is None else text
    rows = []
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0].lower() == "german" or set(cells[0]) <= set("-: "):
            continue  # header and separator
        assert len(cells) == 4, f"row needs 4 cells: {line}"
        rows.append({
            "german": cells[0],
            "variants": [v.strip() for v in cells[0].split(" / ")],
            "english": cells[1],
            "meaning": cells[2],
            "links": LINK.findall(cells[3]),
        })
    return rows


ROWS = glossary_rows() if GLOSSARY.exists() else []


def ids(paths):
    return [p.name[:2] for p in paths]


def test_glossary_has_rows():
    assert GLOSSARY.exists(), "notebooks/glossary.md is missing"
    assert len(ROWS) > 50
    for row in ROWS:
        assert row["german"] and row["english"] and row["meaning"], row
        assert row["links"], f"{row['german']}: no lesson listed"


@pytest.mark.parametrize("path", LESSONS, ids=ids(LESSONS))
def test_every_german_key_term_is_in_the_glossary(path):
    missing = []
    for term in lesson_terms(path):
        rows = [r for r in ROWS if normal(term) in map(normal, r["variants"])]
        if not any(path.name in dict(r["links"]).values() for r in rows):
            missing.append(term if rows else f"{term} (no row)")
    assert not missing, f"{path.name}: add to notebooks/glossary.md or list the lesson: {missing}"


def test_glossary_lists_only_lessons_that_name_the_term():
    terms = {p.name: set(map(normal, lesson_terms(p))) for p in LESSONS}
    wrong = [(row["german"], target) for row in ROWS for _, target in row["links"]
             if target in terms and not terms[target] & set(map(normal, row["variants"]))]
    assert not wrong, f"lesson listed, but the term is not among its German key terms: {wrong}"


def test_glossary_is_sorted():
    unsorted = [(a["german"], b["german"]) for a, b in pairwise(ROWS)
                if sort_key(a["variants"][0]) > sort_key(b["variants"][0])]
    assert not unsorted, f"glossary rows out of alphabetical order: {unsorted}"


def test_glossary_has_no_duplicate_terms():
    seen: dict[str, str] = {}
    duplicates = []
    for row in ROWS:
        for variant in map(normal, row["variants"]):
            if variant in seen:
                duplicates.append(variant)
            seen[variant] = row["german"]
    assert not duplicates, f"merge these rows: {duplicates}"


def test_glossary_links_resolve():
    broken = []
    for row in ROWS:
        for label, target in row["links"]:
            path = NOTEBOOKS / target
            if not path.is_file() or label != path.name[:2]:
                broken.append(f"[{label}]({target})")
    for label, target in LINK.findall(GLOSSARY.read_text("utf-8")):
        if "://" not in target and not (NOTEBOOKS / target.split("#")[0]).is_file():
            broken.append(f"[{label}]({target})")
    assert not broken, f"broken links in the glossary: {sorted(set(broken))}"
