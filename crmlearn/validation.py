"""Check tables against the schema and say exactly what is wrong.

Every check raises :class:`crmlearn.CRMDataError` with a message that names the
table, the column, the rule, a few offending rows and the fix. Nothing is ever
dropped or changed in the caller's DataFrame: the functions return a *new*
table with parsed types, or raise.

>>> import pandas as pd
>>> bad = pd.DataFrame({"customer_id": [1, 2], "date": ["2024-01-05", "2024-13-01"],
...                     "amount": [10.0, 5.0]})
>>> validate_transactions(bad)
Traceback (most recent call last):
...
crmlearn.errors.CRMDataError: transactions: column 'date' has 1 value that is not a date (row 1: ...
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from .errors import CRMDataError, describe_rows
from .schema import TRANSACTIONS, Table, table

__all__ = ["validate_table", "validate_transactions", "RowLabels"]

_KINDS = ["purchase", "return"]


class RowLabels:
    """Turn positions of bad rows into words: DataFrame index labels or file lines.

    ``RowLabels(df)`` names rows by their index label; ``RowLabels(df, line_offset=2)``
    names them as lines of the CSV file they came from (header on line 1).
    """

    def __init__(self, df: pd.DataFrame, line_offset: int | None = None):
        self._index = df.index
        self._offset = line_offset

    def __call__(self, mask: np.ndarray, values: pd.Series | None = None, limit: int = 5) -> str:
        """Describe the rows where ``mask`` is true, with their values if few."""
        positions = np.flatnonzero(np.asarray(mask))
        if self._offset is not None:
            labels = [int(p) + self._offset for p in positions]
            text = describe_rows(labels, limit).replace("row", "line", 1)
        else:
            labels = list(self._index[positions])
            text = describe_rows(labels, limit)
        if values is not None and len(positions) <= limit:
            shown = ", ".join(repr(_plain(v)) for v in values.iloc[positions[:limit]])
            text += f": {shown}"
        return text


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    return value


def _values(n: int, singular: str, plural: str) -> str:
    """'1 value that is missing' / '3 values that are missing'."""
    return f"{n} value {singular}" if n == 1 else f"{n} values {plural}"


def _parse_dates(col: pd.Series, name: str, column: str, rows: RowLabels) -> pd.Series:
    if ptypes.is_datetime64_any_dtype(col):
        parsed = col
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_localize(None)
    else:
        parsed = pd.to_datetime(col, errors="coerce", format="ISO8601")
        bad = parsed.isna() & col.notna()
        if bad.any():
            n = int(bad.sum())
            raise CRMDataError(
                f"{name}: column {column!r} has {_values(n, 'that is not a date', 'that are not dates')} "
                f"({rows(bad.to_numpy(), col)}); write dates as YYYY-MM-DD or pass "
                "date_format= to read_transactions"
            )
    return parsed.astype("datetime64[ns]")


def _check_kind(df: pd.DataFrame, spec: Table, column: str, rows: RowLabels) -> pd.Series:
    col = df[column]
    kind = spec[column].kind
    name = spec.name
    if kind == "date":
        return _parse_dates(col, name, column, rows)
    if column.endswith("_id") and (ptypes.is_object_dtype(col) or ptypes.is_string_dtype(col)):
        # Identifiers are labels: text ids such as "K-1001" are fine as they are.
        return col
    if kind in ("int", "float"):
        if ptypes.is_bool_dtype(col) or not (
            ptypes.is_numeric_dtype(col) or ptypes.is_object_dtype(col) or ptypes.is_string_dtype(col)
        ):
            raise CRMDataError(f"{name}: column {column!r} must be numeric, got dtype {col.dtype}")
        num = pd.to_numeric(col, errors="coerce")
        bad = num.isna() & col.notna()
        if bad.any():
            raise CRMDataError(
                f"{name}: column {column!r} has "
                f"{_values(int(bad.sum()), 'that is not a number', 'that are not numbers')} "
                f"({rows(bad.to_numpy(), col)}); expected {kind} values in {spec[column].unit}"
            )
        if kind == "int":
            frac = num.notna() & (num != np.floor(num))
            if frac.any():
                raise CRMDataError(
                    f"{name}: column {column!r} must hold whole numbers, but "
                    f"{int(frac.sum())} do not ({rows(frac.to_numpy(), col)})"
                )
        return num
    if kind == "bool":
        if ptypes.is_bool_dtype(col):
            return col
        raise CRMDataError(f"{name}: column {column!r} must be True/False, got dtype {col.dtype}")
    return col


def _strictly_increasing(col: pd.Series) -> bool:
    """Cheap proof of uniqueness for the common case of sorted numeric ids."""
    if not ptypes.is_numeric_dtype(col) or len(col) < 2:
        return len(col) < 2
    values = col.to_numpy()
    return bool((values[1:] > values[:-1]).all())


def validate_table(
    df: pd.DataFrame,
    name: str,
    *,
    required: list[str] | None = None,
    line_offset: int | None = None,
) -> pd.DataFrame:
    """Check a table against its schema and return a new table with parsed types.

    Parameters
    ----------
    df : pandas.DataFrame
        The table; never modified.
    name : str
        Table name in :mod:`crmlearn.schema` (e.g. ``"customers"``).
    required : list of str, optional
        Columns that must be present; default: the schema's required columns.
    line_offset : int, optional
        If the rows came from a CSV file, the file line of row 0 (2 with a
        header line), so messages name lines instead of index labels.

    Returns
    -------
    pandas.DataFrame
        A copy with schema columns converted (dates parsed, numbers numeric).

    Raises
    ------
    CRMDataError
        Missing column, wrong type, missing value in a column that may not be
        empty, or a duplicate key, with the offending rows named.

    """
    if not isinstance(df, pd.DataFrame):
        raise CRMDataError(f"{name}: expected a pandas DataFrame, got {type(df).__name__}")
    spec = table(name)
    rows = RowLabels(df, line_offset)
    need = spec.required if required is None else required
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise CRMDataError(
            f"{name}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)}; the table has columns "
            f"{', '.join(repr(str(c)) for c in df.columns)}. Rename yours (e.g. "
            f"df.rename(columns={{'your_name': {missing[0]!r}}})) or see "
            "crmlearn.schema for the expected columns"
        )
    out = df.copy()
    for column in df.columns:
        if column not in spec:
            continue
        nulls = df[column].isna()
        if nulls.any() and not spec[column].nullable:
            raise CRMDataError(
                f"{name}: column {column!r} has {_values(int(nulls.sum()), 'missing', 'missing')} "
                f"({rows(nulls.to_numpy())}); every row needs a {column}"
            )
        out[column] = _check_kind(df, spec, column, rows)
    if spec.key and spec.key in df.columns and not _strictly_increasing(out[spec.key]):
        dup = out[spec.key].duplicated(keep=False)
        if dup.any():
            n_dup = int(out[spec.key][dup].nunique())
            raise CRMDataError(
                f"{name}: column {spec.key!r} must be unique, but "
                f"{_values(n_dup, 'occurs more than once', 'occur more than once')} "
                f"({rows(dup.to_numpy(), out[spec.key])})"
            )
    return out


def validate_transactions(
    df: pd.DataFrame,
    *,
    observation_end=None,
    line_offset: int | None = None,
) -> pd.DataFrame:
    """Check a transactions table and return a clean copy.

    Rules (each broken rule raises :class:`CRMDataError` naming the rows):

    - columns ``customer_id``, ``date`` and ``amount`` are present
      (``transaction_id``, ``kind`` and the cost columns are optional);
    - no missing customer id, every date parses, every amount is a number;
    - ``transaction_id``, when present, is unique;
    - amounts are never zero; with a ``kind`` column, purchases are positive
      and returns (``kind == 'return'``) negative; without one, every amount
      must be positive (returns are never guessed from a sign);
    - no date lies after ``observation_end`` (when given).

    Returns
    -------
    pandas.DataFrame
        A copy with parsed dates and numeric amounts, and a categorical ``kind``
        column (``'purchase'`` or ``'return'``; all ``'purchase'`` where the
        input had none).

    """
    name = "transactions"
    required = ["customer_id", "date", "amount"]
    out = validate_table(df, name, required=required, line_offset=line_offset)
    rows = RowLabels(df, line_offset)
    amount = out[TRANSACTIONS["amount"].name]
    if "kind" in out.columns:
        codes, labels = pd.factorize(out["kind"])
        known = np.isin(np.asarray(labels, dtype=object), _KINDS)
        unknown = (codes < 0) | ~known[np.maximum(codes, 0)]
        if unknown.any():
            raise CRMDataError(
                f"{name}: column 'kind' must be 'purchase' or 'return'; "
                f"{rows(unknown, out['kind'])}"
            )
        kind = pd.Categorical(out["kind"], categories=_KINDS)
        is_return = kind.codes == 1
    else:
        kind = pd.Categorical.from_codes(np.zeros(len(out), dtype=np.int8), categories=_KINDS)
        is_return = np.zeros(len(out), dtype=bool)
    out["kind"] = kind
    a = amount.to_numpy(dtype=float)
    zero = a == 0
    if zero.any():
        raise CRMDataError(
            f"{name}: column 'amount' has {_values(int(zero.sum()), 'equal to 0', 'equal to 0')} "
            f"({rows(zero)}); a purchase must have a positive amount. Remove free items "
            "or give them their real price"
        )
    neg_purchase = (a < 0) & ~is_return
    if neg_purchase.any():
        hint = (
            "returns belong in rows with kind='return'"
            if "kind" in df.columns
            else "add a column 'kind' with 'return' for these rows, or use "
            "read_transactions(..., returns='negative') to mark negative amounts as returns"
        )
        raise CRMDataError(
            f"{name}: column 'amount' has {_values(int(neg_purchase.sum()), 'below 0', 'below 0')} "
            f"in purchase rows ({rows(neg_purchase, amount)}); {hint}"
        )
    pos_return = (a > 0) & is_return
    if pos_return.any():
        raise CRMDataError(
            f"{name}: return rows must have a negative amount, but {int(pos_return.sum())} "
            f"are positive ({rows(pos_return, amount)})"
        )
    if observation_end is not None:
        end = pd.Timestamp(observation_end)
        late = (out["date"] > end).to_numpy()
        if late.any():
            n = int(late.sum())
            raise CRMDataError(
                f"{name}: {n} date{'s' if n != 1 else ''} in column 'date' lie after the "
                f"observation end {end.date()} ({rows(late, out['date'])}); "
                "pass a later observation_end or filter the transactions first"
            )
    return out


def number_in_range(value, name: str, low=None, high=None, *, low_open=False, hint="") -> float:
    """Return ``value`` as a float after checking it is a finite real number in range.

    ``low`` is inclusive unless ``low_open``; ``high`` is inclusive. ``hint``
    is appended to the error message (e.g. "; use whole days").

    >>> number_in_range(3, "years", 1)
    3.0
    >>> number_in_range(0, "rate", 0, low_open=True)
    Traceback (most recent call last):
    ...
    crmlearn.errors.CRMDataError: rate must be > 0, got 0
    """
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise CRMDataError(f"{name} must be a finite number, got {value!r}{hint}")
    value = float(value)
    if low is not None and (value < low or (low_open and value == low)):
        rule = f"> {low:g}" if low_open else f">= {low:g}"
        raise CRMDataError(f"{name} must be {rule}, got {value:g}{hint}")
    if high is not None and value > high:
        raise CRMDataError(f"{name} must be <= {high:g}, got {value:g}{hint}")
    return value
