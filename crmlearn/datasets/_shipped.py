"""The classroom samples in ``datasets/``: writing, loading, checksums, dictionary."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CRMDataError
from ..schema import TABLES, TRUTH_TABLES, Table
from ._world import Truth, World

__all__ = [
    "SCENARIOS",
    "CLASSROOM",
    "data_dir",
    "canonical",
    "write_world",
    "load",
    "open_world",
    "manifest_lines",
    "verify_manifest",
    "data_dictionary",
]

SCENARIOS = ("retail", "subscription", "b2b")
# The fixed classroom samples: what `python -m crmlearn.datasets.build` writes.
CLASSROOM = {
    "retail": {"n_customers": 3000, "seed": 2024},
    "subscription": {"n_customers": 3000, "seed": 2024},
    "b2b": {"n_customers": 400, "seed": 2024},
}
MANIFEST = "MANIFEST.sha256"

_PKG = Path(__file__).resolve().parents[1]
# Text columns use pandas' default string dtype: "str" from pandas 3 on, object before.
_STR = "str" if int(pd.__version__.split(".")[0]) >= 3 else object


def data_dir() -> Path:
    """Folder of the shipped datasets, wherever crmlearn is installed.

    A wheel carries them inside the package (``crmlearn/_shipped_datasets``);
    a checkout (or editable install) has them in the top-level ``datasets/``.
    """
    for candidate in (_PKG / "_shipped_datasets", _PKG.parent / "datasets"):
        if (candidate / MANIFEST).is_file():
            return candidate
    raise CRMDataError(
        "the shipped datasets were not found next to the crmlearn package; reinstall "
        "crmlearn (pip install -e .) or rebuild them with python -m crmlearn.datasets.build"
    )


def canonical(df: pd.DataFrame, spec: Table) -> pd.DataFrame:
    """Return ``df`` with the schema's column order and canonical dtypes.

    ``int`` -> int64 (Int64 when the column may be empty), ``float`` -> float64,
    ``date`` -> datetime64[ns], ``bool`` -> bool, ``str`` -> pandas' default
    string dtype (missing as NaN). Generated and loaded tables go through this, so both
    compare equal.
    """
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for col in spec.columns:
        values = df[col.name] if col.name in df.columns else pd.Series([np.nan] * len(df))
        values = values.reset_index(drop=True)
        if col.kind == "int":
            values = values.astype("Int64" if col.nullable else np.int64)
        elif col.kind == "float":
            values = values.astype(np.float64)
        elif col.kind == "date":
            values = pd.to_datetime(values).astype("datetime64[ns]")
        elif col.kind == "bool":
            values = values.astype(bool)
        else:
            values = values.astype(object).where(values.notna(), np.nan).astype(_STR)
        out[col.name] = values
    return out


def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d").encode("utf-8")


def write_world(world: World, folder) -> list[Path]:
    """Write a world's tables, truth and parameters as CSV/JSON into ``folder``.

    The output is byte-for-byte deterministic for a given world. Returns the
    paths written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in TABLES.items():
        path = folder / f"{name}.csv"
        path.write_bytes(_csv_bytes(canonical(world.tables[name], spec)))
        written.append(path)
    truth = {"truth_customers": world.truth.customers, "truth_record_links": world.truth.record_links}
    for name, df in truth.items():
        path = folder / f"{name}.csv"
        path.write_bytes(_csv_bytes(canonical(df, TRUTH_TABLES[name])))
        written.append(path)
    meta = {
        "scenario": world.scenario,
        "firm": world.firm,
        "seed": world.seed,
        "n_customers": int(len(world.tables["customers"])),
        "observation_start": str(world.observation_start.date()),
        "observation_end": str(world.observation_end.date()),
        "description": world.description,
        "params": world.truth.params,
        "generated_by": "python -m crmlearn.datasets.build",
    }
    path = folder / "world.json"
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    written.append(path)
    return written


def _read(path: Path, spec: Table) -> pd.DataFrame:
    dtypes = {c.name: "string" for c in spec.columns if c.kind == "str"}
    dates = [c.name for c in spec.columns if c.kind == "date"]
    df = pd.read_csv(path, dtype=dtypes, parse_dates=dates, keep_default_na=False, na_values=[""])
    return canonical(df, spec)


def load(scenario: str) -> World:
    """Load the fixed classroom sample of a scenario from the shipped CSV files.

    Parameters
    ----------
    scenario : {"retail", "subscription", "b2b"}
        The firm: the outdoor retailer, the mobile provider or the office-supply
        wholesaler.

    Returns
    -------
    World
        The same tables and truth as ``generate(scenario, **CLASSROOM[scenario])``.

    Examples
    --------
    >>> world = load("retail")
    >>> world.firm
    'Gipfelglück Outdoor GmbH'

    """
    if scenario not in SCENARIOS:
        raise CRMDataError(
            f"scenario must be one of {', '.join(map(repr, SCENARIOS))}, got {scenario!r}"
        )
    folder = data_dir() / scenario
    meta = json.loads((folder / "world.json").read_text("utf-8"))
    tables = {name: _read(folder / f"{name}.csv", spec) for name, spec in TABLES.items()}
    truth = Truth(
        params=meta["params"],
        customers=_read(folder / "truth_customers.csv", TRUTH_TABLES["truth_customers"]),
        record_links=_read(folder / "truth_record_links.csv", TRUTH_TABLES["truth_record_links"]),
    )
    return World(
        scenario=scenario,
        seed=meta["seed"],
        observation_start=pd.Timestamp(meta["observation_start"]),
        observation_end=pd.Timestamp(meta["observation_end"]),
        tables=tables,
        truth=truth,
        firm=meta["firm"],
        description=meta["description"],
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_lines(root: Path) -> list[str]:
    """``sha256  relative/path`` lines for every shipped data file under ``root``."""
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.name != MANIFEST and p.suffix in {".csv", ".json", ".md"}
    )
    return [f"{_sha256(p)}  {p.relative_to(root).as_posix()}" for p in files]


def verify_manifest(root=None) -> list[str]:
    """Compare the shipped files with ``MANIFEST.sha256``; return the problems found.

    An empty list means every file listed is present with the recorded
    checksum and no unlisted data file exists.
    """
    root = Path(root) if root is not None else data_dir()
    recorded = {}
    for line in (root / MANIFEST).read_text("utf-8").splitlines():
        digest, rel = line.split("  ", 1)
        recorded[rel] = digest
    actual = dict(reversed(line.split("  ", 1)) for line in manifest_lines(root))
    problems = []
    for rel, digest in recorded.items():
        if rel not in actual:
            problems.append(f"missing: {rel}")
        elif actual[rel] != digest:
            problems.append(f"changed: {rel}")
    problems += [f"not in manifest: {rel}" for rel in actual if rel not in recorded]
    return problems


def data_dictionary() -> pd.DataFrame:
    """Every column of every table: table, column, kind, unit, meaning, scenarios.

    >>> dd = data_dictionary()
    >>> dd.loc[(dd.table == "transactions") & (dd.column == "amount"), "unit"].item()
    'EUR'
    """
    rows = []
    for group, tables in (("table", TABLES), ("truth", TRUTH_TABLES)):
        for spec in tables.values():
            for col in spec.columns:
                rows.append(
                    {
                        "table": spec.name,
                        "column": col.name,
                        "kind": col.kind,
                        "unit": col.unit,
                        "may_be_empty": col.nullable,
                        "meaning": col.meaning,
                        "scenarios": " ".join(spec.scenarios),
                        "group": group,
                    }
                )
    return pd.DataFrame(rows)


def open_world(scenario: str, n_customers: int | None = None, seed: int | None = None) -> World:
    """Return the classroom sample, or a freshly generated world if a size or seed is given.

    Lessons call this with their parameters, so the same notebook runs on the
    shipped sample by default and on any simulated firm when a learner (or
    papermill) sets ``n_customers`` or ``seed``.

    >>> open_world("b2b").firm
    'Bürobedarf Nord GmbH'
    """
    if n_customers is None and seed is None:
        return load(scenario)
    from ._generator import generate

    defaults = CLASSROOM.get(scenario, {})
    return generate(
        scenario,
        n_customers=n_customers if n_customers is not None else defaults.get("n_customers"),
        seed=seed if seed is not None else defaults.get("seed", 2024),
    )
