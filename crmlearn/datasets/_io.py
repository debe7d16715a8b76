"""Read a learner's own transaction export, German or international, and check it."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CRMDataError
from ..validation import RowLabels, validate_transactions

__all__ = ["read_transactions", "ReadReport"]

# Formats tried in order when date_format is not given. A file must parse
# completely with one of them; if two different formats both parse it (for
# example 03/04/2024 as day/month and as month/day) we ask instead of guessing.
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M",
                "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d")

_GERMAN_NUMBER = re.compile(r"^[-+]?\d{1,3}(\.\d{3})*(,\d+)?$|^[-+]?\d+(,\d+)?$")
_OPTIONAL = ("transaction_id", "product_id", "channel", "kind")


@dataclass(frozen=True)
class ReadReport:
    """What :func:`read_transactions` found, kept in ``df.attrs['read_report']``."""

    path: str
    rows: int
    purchases: int
    returns: int
    customers: int
    first_date: str
    last_date: str
    separator: str
    decimal: str
    date_format: str

    def __str__(self) -> str:
        return (
            f"Read {self.rows:,} rows from {self.path}: {self.purchases:,} purchases, "
            f"{self.returns:,} returns, {self.customers:,} customers, "
            f"{self.first_date} to {self.last_date} "
            f"(separator {self.separator!r}, decimal {self.decimal!r}, dates {self.date_format})"
        )


def _sniff_separator(text: str) -> str:
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=";,\t|").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        counts = {sep: first.count(sep) for sep in ";,\t|"}
        return max(counts, key=counts.get)


def _pick_date_format(values: pd.Series, column: str, rows: RowLabels) -> str:
    sample = values.dropna()
    fitting = []
    for fmt in DATE_FORMATS:
        parsed = pd.to_datetime(sample, format=fmt, errors="coerce")
        if parsed.notna().all():
            fitting.append(fmt)
    if len(fitting) == 1 or (fitting and fitting[0] == "%Y-%m-%d"):
        return fitting[0]
    if len(fitting) > 1:
        raise CRMDataError(
            f"transactions: the dates in column {column!r} fit more than one format "
            f"({' and '.join(fitting)}), e.g. {sample.iloc[0]!r}; pass date_format= "
            "to say which one is meant"
        )
    # Nothing parses everything: report the rows that defeat the most promising format.
    best = max(DATE_FORMATS, key=lambda f: pd.to_datetime(sample, format=f, errors="coerce").notna().sum())
    bad = pd.to_datetime(values, format=best, errors="coerce").isna() & values.notna()
    raise CRMDataError(
        f"transactions: column {column!r} has {int(bad.sum())} value(s) that are not dates "
        f"in any known format ({rows(bad.to_numpy(), values)}); expected e.g. 2024-03-31 or "
        "31.03.2024, or pass date_format="
    )


def _to_number(values: pd.Series, decimal: str, column: str, rows: RowLabels) -> pd.Series:
    text = values.str.strip().str.replace("\u20ac", "", regex=False).str.replace(" ", "", regex=False)
    if decimal == ",":
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    num = pd.to_numeric(text, errors="coerce")
    bad = num.isna() & values.notna()
    if bad.any():
        raise CRMDataError(
            f"transactions: column {column!r} has {int(bad.sum())} value(s) that are not numbers "
            f"({rows(bad.to_numpy(), values)}); expected amounts like 12.50 "
            f"(or 12,50 with decimal=',')"
        )
    return num


def read_transactions(
    path,
    *,
    customer_id: str = "customer_id",
    date: str = "date",
    amount: str = "amount",
    transaction_id: str | None = None,
    product_id: str | None = None,
    channel: str | None = None,
    kind: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    date_format: str | None = None,
    encoding: str | None = None,
    returns: str = "error",
    observation_end=None,
    verbose: bool = True,
) -> pd.DataFrame:
    """Read a transactions CSV file (e.g. an export from a shop or ERP system).

    The file needs one row per purchase with a customer id, a date and an
    amount. Other column names are mapped with keyword arguments, for example
    ``read_transactions("export.csv", customer_id="Kundennummer", date="Datum",
    amount="Umsatz")``. German exports (separator ``;``, decimal comma,
    ``31.12.2024``) are recognised without further arguments.

    Parameters
    ----------
    path : str or Path or file-like
        The CSV file.
    customer_id, date, amount : str
        Names of the required columns in the file.
    transaction_id, product_id, channel, kind : str, optional
        Names of optional columns. By default a column called
        ``transaction_id``/``product_id``/``channel``/``kind`` is used if present.
    sep : str, optional
        Field separator; detected from the file when not given (``;``, ``,``, tab, ``|``).
    decimal : {".", ","}, optional
        Decimal mark of the amounts; detected when not given (``,`` if every
        amount looks like ``1.234,56`` or ``12,5``).
    date_format : str, optional
        ``strftime`` format of the dates; detected when not given. Ambiguous
        files (03/04/2024) raise an error asking for it.
    encoding : str, optional
        Text encoding; UTF-8 (with or without BOM) and then Windows-1252 are tried.
    returns : {"error", "negative"}
        What a negative amount means: ``"error"`` (default) stops with the rows
        named; ``"negative"`` marks those rows as returns (``kind='return'``).
        With a ``kind`` column in the file, its values are used instead.
    observation_end : date-like, optional
        If given, dates after it are an error.
    verbose : bool
        Print a one-line report of what was read (rows, purchases, returns,
        customers, period, detected format).

    Returns
    -------
    pandas.DataFrame
        Columns ``transaction_id`` (numbered from 1 in file order if the file
        has none), ``customer_id``, ``date``, ``amount``, ``kind`` and the optional
        columns found. Every row of the file is kept; nothing is dropped. The
        :class:`ReadReport` is in ``df.attrs["read_report"]``.

    Raises
    ------
    CRMDataError
        With the file line numbers of the offending rows: missing column,
        unparseable date or amount, missing customer id, zero amount, negative
        amount (unless ``returns="negative"``), duplicate transaction id,
        dates after ``observation_end``.

    """
    if returns not in ("error", "negative"):
        raise CRMDataError(f"returns must be 'error' or 'negative', got {returns!r}")
    if decimal not in (None, ".", ","):
        raise CRMDataError(f"decimal must be '.' or ',', got {decimal!r}")
    name = str(path) if isinstance(path, (str, Path)) else getattr(path, "name", "<file>")
    text = _read_text(path, encoding)
    if not text.strip():
        raise CRMDataError(f"transactions: the file {name} is empty")
    sep = sep or _sniff_separator(text)
    raw = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                      na_values=[""], skipinitialspace=True)
    raw.columns = [str(c).strip() for c in raw.columns]
    if raw.empty:
        raise CRMDataError(f"transactions: the file {name} has a header but no rows")

    mapping = {customer_id: "customer_id", date: "date", amount: "amount"}
    for target, given in zip(_OPTIONAL, (transaction_id, product_id, channel, kind), strict=True):
        if given is not None:
            mapping[given] = target
        elif target in raw.columns:
            mapping[target] = target
    missing = [src for src in mapping if src not in raw.columns]
    if missing:
        raise CRMDataError(
            f"transactions: the file {name} has no column {', '.join(map(repr, missing))}; "
            f"its columns are {', '.join(map(repr, raw.columns))} (separator {sep!r}). "
            "Map yours with e.g. read_transactions(path, customer_id='Kundennummer', "
            "date='Datum', amount='Umsatz')"
        )
    df = raw[list(mapping)].rename(columns=mapping)
    rows = RowLabels(df, line_offset=2)

    if decimal is None:
        amounts = df["amount"].dropna().str.strip()
        german = len(amounts) and amounts.str.match(_GERMAN_NUMBER).all()
        decimal = "," if german and amounts.str.contains(",").any() else "."
    df["amount"] = _to_number(df["amount"], decimal, "amount", rows)
    fmt = date_format or _pick_date_format(df["date"], date, rows)
    parsed = pd.to_datetime(df["date"], format=fmt, errors="coerce")
    bad = parsed.isna() & df["date"].notna()
    if bad.any():
        raise CRMDataError(
            f"transactions: column {date!r} has {int(bad.sum())} value(s) not in format {fmt} "
            f"({rows(bad.to_numpy(), df['date'])})"
        )
    df["date"] = parsed.dt.normalize()
    ids = df["customer_id"].str.strip()
    if ids.notna().all() and ids.str.fullmatch(r"\d+").all():
        df["customer_id"] = ids.astype(np.int64)
    else:
        df["customer_id"] = ids
    if "transaction_id" not in df.columns:
        df.insert(0, "transaction_id", np.arange(1, len(df) + 1, dtype=np.int64))
    elif df["transaction_id"].notna().all() and df["transaction_id"].str.fullmatch(r"\d+").all():
        df["transaction_id"] = df["transaction_id"].astype(np.int64)
    if "kind" not in df.columns:
        negative = (df["amount"] < 0).to_numpy()
        if returns == "negative":
            df["kind"] = np.where(negative, "return", "purchase")
    clean = validate_transactions(df, observation_end=observation_end, line_offset=2)
    order = ["transaction_id", "customer_id", "date", "amount", "kind"]
    clean = clean[order + [c for c in clean.columns if c not in order]]
    is_return = clean["kind"] == "return"
    report = ReadReport(
        path=Path(name).name,
        rows=len(clean),
        purchases=int((~is_return).sum()),
        returns=int(is_return.sum()),
        customers=int(clean["customer_id"].nunique()),
        first_date=str(clean["date"].min().date()),
        last_date=str(clean["date"].max().date()),
        separator=sep,
        decimal=decimal,
        date_format=fmt,
    )
    clean.attrs["read_report"] = report
    if verbose:
        print(report)
    return clean


def _read_text(path, encoding: str | None) -> str:
    if hasattr(path, "read"):
        data = path.read()
        return data if isinstance(data, str) else data.decode(encoding or "utf-8-sig")
    p = Path(path)
    if not p.exists():
        raise CRMDataError(f"transactions: no file at {p} (working folder: {Path.cwd().name})")
    data = p.read_bytes()
    if encoding:
        return data.decode(encoding)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")
