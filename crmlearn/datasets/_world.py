"""The container for one simulated firm: its tables and the simulation's truth."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..schema import TABLES

__all__ = ["World", "Truth"]


@dataclass
class Truth:
    """What the simulation knows and the firm does not.

    Attributes
    ----------
    params : dict
        The process parameters the world was simulated with (JSON-serialisable).
    customers : pandas.DataFrame
        One row per customer, columns of ``schema.TRUTH_CUSTOMERS``: needs segment,
        purchase and dropout parameters, dropout date, wallet size, ...
    record_links : pandas.DataFrame
        The true customer behind each touchpoint record (``schema.TRUTH_RECORD_LINKS``).

    """

    params: dict
    customers: pd.DataFrame
    record_links: pd.DataFrame


@dataclass
class World:
    """One fictional firm: its CRM tables plus the ground truth.

    Tables are reached as attributes (``world.transactions``) or through
    ``world.tables["transactions"]``. A table a scenario does not have (for
    example ``contracts`` for the retailer) is an empty DataFrame with the
    schema's columns.
    """

    scenario: str
    seed: int | None
    observation_start: pd.Timestamp
    observation_end: pd.Timestamp
    tables: dict[str, pd.DataFrame]
    truth: Truth
    firm: str = ""
    description: str = field(default="", repr=False)

    def __getattr__(self, name: str) -> pd.DataFrame:
        # Called only when normal lookup fails: expose tables as attributes.
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(
            f"World has no attribute {name!r}; its tables are: {', '.join(tables)}"
        )

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.tables))

    def __repr__(self) -> str:
        rows = ", ".join(f"{k}={len(v):,}" for k, v in self.tables.items() if len(v))
        return (
            f"World(scenario={self.scenario!r}, firm={self.firm!r}, seed={self.seed}, "
            f"period={self.observation_start.date()}..{self.observation_end.date()}, {rows})"
        )

    def summary_table(self) -> pd.DataFrame:
        """Rows and columns of each table, for a first look."""
        return pd.DataFrame(
            {
                "rows": [len(self.tables[t]) for t in TABLES if t in self.tables],
                "columns": [self.tables[t].shape[1] for t in TABLES if t in self.tables],
                "description": [TABLES[t].description for t in TABLES if t in self.tables],
            },
            index=pd.Index([t for t in TABLES if t in self.tables], name="table"),
        )
