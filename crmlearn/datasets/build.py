"""Rebuild the shipped classroom samples: ``python -m crmlearn.datasets.build``.

Writes ``datasets/<scenario>/`` for each scenario (tables, truth, world.json),
the data dictionary (CSV and Markdown) and ``MANIFEST.sha256``. The output is
deterministic: running it again on any machine gives the same bytes, which
``--check`` verifies without touching the shipped files.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

from . import generate
from ._shipped import CLASSROOM, MANIFEST, data_dictionary, manifest_lines, write_world

_DICT_HEADER = """# Data dictionary

Every column of every table in the synthetic CRM world. Generated from
`crmlearn/schema.py` by `python -m crmlearn.datasets.build`; do not edit by hand.
Truth tables hold what only the simulation knows (for checking methods).

"""


def _markdown(dd) -> str:
    parts = [_DICT_HEADER]
    for (group, table), rows in dd.groupby(["group", "table"], sort=False):
        label = "truth" if group == "truth" else "table"
        parts.append(f"## `{table}` ({label}; scenarios: {rows.scenarios.iloc[0]})\n\n")
        parts.append("| column | kind | unit | may be empty | meaning |\n|---|---|---|---|---|\n")
        for r in rows.itertuples():
            parts.append(
                f"| `{r.column}` | {r.kind} | {r.unit} | {'yes' if r.may_be_empty else 'no'} "
                f"| {r.meaning} |\n"
            )
        parts.append("\n")
    return "".join(parts)


def _write_german_example(folder: Path) -> None:
    """Write a small shop export in German CSV format, for the read_transactions examples.

    Semicolon separator, decimal comma, dates as 31.12.2024, German column
    names, returns as negative amounts: the way many German systems export.
    """
    world = generate("retail", n_customers=60, seed=7, progress=False)
    tx = world.transactions
    export = pd.DataFrame({
        "Belegnummer": tx["transaction_id"],
        "Kundennummer": tx["customer_id"] + 100000,
        "Datum": tx["date"].dt.strftime("%d.%m.%Y"),
        "Umsatz": tx["amount"].map(lambda a: f"{a:.2f}".replace(".", ",")),
        "Kanal": tx["channel"].map({"online": "Onlineshop", "store": "Filiale", "phone": "Telefon"}),
    })
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kassenexport_gipfelglueck.csv").write_bytes(
        export.to_csv(sep=";", index=False, lineterminator="\n").encode("utf-8")
    )


def build(out: Path) -> list[str]:
    """Generate every classroom sample into ``out`` and return the manifest lines."""
    out.mkdir(parents=True, exist_ok=True)
    for scenario, kwargs in CLASSROOM.items():
        world = generate(scenario, **kwargs, progress=False)
        write_world(world, out / scenario)
    _write_german_example(out / "examples")
    dd = data_dictionary()
    dd.to_csv(out / "data_dictionary.csv", index=False, lineterminator="\n")
    (out / "DATA_DICTIONARY.md").write_text(_markdown(dd), "utf-8")
    lines = manifest_lines(out)
    (out / MANIFEST).write_text("\n".join(lines) + "\n", "utf-8")
    return lines


def main(argv=None) -> int:
    """Command-line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "datasets")
    parser.add_argument("--check", action="store_true",
                        help="rebuild into a temporary folder and compare with the shipped files")
    args = parser.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            fresh = build(Path(tmp))
        generated = {line.split("  ", 1)[1] for line in fresh}
        shipped = [
            line
            for line in (args.out / MANIFEST).read_text("utf-8").splitlines()
            if line.split("  ", 1)[1] in generated  # published/ data are copied, not generated
        ]
        differ = sorted(set(fresh) ^ set(shipped))
        if differ:
            print("rebuilt datasets differ from the shipped ones:\n" + "\n".join(differ))
            return 1
        print(f"rebuilt datasets match the shipped ones ({len(fresh)} files)")
        return 0
    lines = build(args.out)
    print(f"wrote {len(lines)} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
