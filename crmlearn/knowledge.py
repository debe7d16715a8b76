r"""Customer knowledge: needs inferred from what customers buy, and when.

The second of the 10 Cs of CRM: a firm that watches behaviour learns what its
customers will need next. Parents who buy diapers soon need bottles and a
pacifier, later larger diapers; a wireless mouse is often followed by a
keyboard; in an outdoor shop a stove calls for gas cartridges, and children's
hiking shoes are outgrown within a year. Three tools make this concrete:

- :func:`association_rules`: which items are bought *together*
  (market-basket analysis with support, confidence and lift);
- :func:`next_purchase_timing`: how many days pass from buying one item to
  buying the next one;
- :func:`replacement_due`: who is due for a replacement now, so an offer can
  come at the right moment.

For items :math:`A` and :math:`B` among :math:`N` baskets (purchases):

.. math::

    \text{support}(A \Rightarrow B) &= P(A \cap B) = \frac{N_{AB}}{N} \\
    \text{confidence}(A \Rightarrow B) &= P(B \mid A) = \frac{N_{AB}}{N_A} \\
    \text{lift}(A \Rightarrow B) &= \frac{\text{confidence}}{P(B)}
        = \frac{P(A \cap B)}{P(A)\,P(B)}

A lift above 1 means that A and B are bought together more often than if
they were independent; lift is symmetric in A and B, confidence is not.

Every function returns new objects and never changes its input; bad input
raises :class:`~crmlearn.errors.CRMDataError`.

References
----------
Agrawal, R., Imieliński, T. & Swami, A. (1993). Mining association rules
between sets of items in large databases. *Proceedings of ACM SIGMOD*, 207-216.

"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from .errors import CRMDataError, describe_rows

__all__ = [
    "Baskets",
    "baskets",
    "association_rules",
    "next_purchase_timing",
    "replacement_due",
]

_LEVELS = ("category", "product")


class Baskets(NamedTuple):
    """A basket x item matrix: ``matrix[i, j]`` is True if basket i holds item j.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix of bool
        One row per purchase (basket), one column per item.
    transaction_ids : ndarray
        The transaction of each row.
    items : ndarray
        The item (category or product name) of each column.

    """

    matrix: sparse.csr_matrix
    transaction_ids: np.ndarray
    items: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        """Return the matrix as a dense boolean DataFrame (transactions x items)."""
        return pd.DataFrame(self.matrix.toarray(), index=pd.Index(self.transaction_ids,
                            name="transaction_id"), columns=pd.Index(self.items, name="item"))


def _need(df, name: str, func: str, columns) -> None:
    if not isinstance(df, pd.DataFrame):
        raise CRMDataError(f"{func}: {name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise CRMDataError(
            f"{func}: {name} has no column {missing[0]!r} (needed: {', '.join(columns)}); "
            f"pass the {name} table of the world"
        )


def _check_level(level, func: str) -> None:
    if level not in _LEVELS:
        raise CRMDataError(f"{func}: level must be 'category' or 'product', got {level!r}")


def _item_lines(order_lines, products, level: str, func: str) -> pd.DataFrame:
    """Order lines with their item label (category or product name)."""
    _check_level(level, func)
    _need(order_lines, "order_lines", func, ["transaction_id", "product_id"])
    _need(products, "products", func, ["product_id", "name", "category"])
    if products["product_id"].duplicated().any():
        dup = products.index[products["product_id"].duplicated(keep=False)]
        raise CRMDataError(
            f"{func}: products has duplicate product_id values ({describe_rows(dup)}); "
            "each product must appear once"
        )
    label = products.set_index("product_id")["category" if level == "category" else "name"]
    item = order_lines["product_id"].map(label)
    unknown = item.isna()
    if unknown.any():
        raise CRMDataError(
            f"{func}: {int(unknown.sum())} order lines have a product_id that is not in products "
            f"({describe_rows(order_lines.index[unknown])}); pass the products table of the same world"
        )
    return pd.DataFrame({"transaction_id": order_lines["transaction_id"].to_numpy(),
                         "product_id": order_lines["product_id"].to_numpy(),
                         "item": item.astype(str).to_numpy()})


def baskets(order_lines: pd.DataFrame, products: pd.DataFrame, level: str = "category") -> Baskets:
    """Build the basket x item matrix: which items each purchase contains.

    An item bought twice in one basket counts once. Rows follow the sorted
    transaction ids, columns the sorted item names.

    Parameters
    ----------
    order_lines : DataFrame
        Columns ``transaction_id`` and ``product_id``.
    products : DataFrame
        Columns ``product_id``, ``name`` and ``category``.
    level : {"category", "product"}
        Items are product categories or single products (by name).

    Returns
    -------
    Baskets
        ``matrix`` (scipy.sparse CSR, bool), ``transaction_ids`` and ``items``.

    Examples
    --------
    >>> products = pd.DataFrame({"product_id": [1, 2, 3], "name": ["Kocher", "Kartusche", "Zelt"],
    ...                          "category": ["Kochen", "Kochen", "Zelte"]})
    >>> lines = pd.DataFrame({"transaction_id": [7, 7, 8, 9], "product_id": [1, 2, 3, 2]})
    >>> baskets(lines, products, level="product").to_frame()
    item            Kartusche  Kocher   Zelt
    transaction_id
    7                    True    True  False
    8                   False   False   True
    9                    True   False  False

    """
    return _baskets(order_lines, products, level, "baskets")


def _baskets(order_lines, products, level: str, func: str) -> Baskets:
    lines = _item_lines(order_lines, products, level, func)
    rows, txn = pd.factorize(lines["transaction_id"], sort=True)
    cols, items = pd.factorize(lines["item"], sort=True)
    data = np.ones(len(lines), dtype=bool)
    matrix = sparse.csr_matrix((data, (rows, cols)), shape=(len(txn), len(items)), dtype=bool)
    matrix.sum_duplicates()
    matrix.data[:] = True
    return Baskets(matrix, np.asarray(txn), np.asarray(items, dtype=object))


def _check_share(value, name: str, func: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = np.nan
    if not 0.0 <= v <= 1.0:
        raise CRMDataError(f"{func}: {name} must be a share between 0 and 1, got {value!r}")
    return v


def association_rules(order_lines: pd.DataFrame, products: pd.DataFrame, level: str = "category",
                      min_support: float = 0.01, min_confidence: float = 0.1,
                      max_len: int = 2) -> pd.DataFrame:
    r"""Association rules A → B from market baskets, with support, confidence and lift.

    With :math:`N` baskets, :math:`N_A` baskets holding A and :math:`N_{AB}`
    holding A and B:

    .. math::

        \text{support} = \frac{N_{AB}}{N}, \quad
        \text{confidence} = \frac{N_{AB}}{N_A}, \quad
        \text{lift} = \frac{\text{confidence}}{N_B / N}.

    All pair counts come from one sparse matrix product :math:`X^\top X` of
    the 0/1 basket matrix :math:`X` (:func:`baskets`): its entry
    :math:`(A, B)` is :math:`N_{AB}`, its diagonal :math:`N_A`. With
    ``max_len=3`` the rules {A, B} → C are added for every frequent pair
    {A, B} (support >= ``min_support``), again by one matrix product.

    Parameters
    ----------
    order_lines, products : DataFrame
        As for :func:`baskets`.
    level : {"category", "product"}
        Items are categories or products.
    min_support : float
        Keep rules whose support (share of all baskets) is at least this.
    min_confidence : float
        Keep rules whose confidence is at least this.
    max_len : {2, 3}
        Largest number of items in a rule (antecedent plus consequent).

    Returns
    -------
    DataFrame
        One row per rule, sorted by lift (highest first), then support:
        ``antecedent`` (items joined by " + "), ``consequent``, ``n_antecedent``
        (:math:`N_A`), ``n_consequent`` (:math:`N_B`), ``n_both``
        (:math:`N_{AB}`), ``support``, ``confidence`` and ``lift``.
        ``attrs["n_baskets"]`` holds :math:`N`.

    Examples
    --------
    Four baskets: {stove, cartridge}, {stove, cartridge}, {stove}, {tent}.

    >>> products = pd.DataFrame({"product_id": [1, 2, 3], "name": ["Kocher", "Kartusche", "Zelt"],
    ...                          "category": ["Kocher", "Kartusche", "Zelt"]})
    >>> lines = pd.DataFrame({"transaction_id": [1, 1, 2, 2, 3, 4],
    ...                       "product_id": [1, 2, 1, 2, 1, 3]})
    >>> rules = association_rules(lines, products, min_support=0.1)
    >>> rules[["antecedent", "consequent", "n_both", "support", "confidence", "lift"]]
      antecedent consequent  n_both  support  confidence      lift
    0  Kartusche     Kocher       2      0.5    1.000000  1.333333
    1     Kocher  Kartusche       2      0.5    0.666667  1.333333

    """
    func = "association_rules"
    min_support = _check_share(min_support, "min_support", func)
    min_confidence = _check_share(min_confidence, "min_confidence", func)
    if max_len not in (2, 3):
        raise CRMDataError(f"{func}: max_len must be 2 or 3, got {max_len!r}")
    b = _baskets(order_lines, products, level, func)
    x = b.matrix.astype(np.int64).tocsc()
    n = x.shape[0]
    if n == 0:
        raise CRMDataError(f"{func}: order_lines is empty; there are no baskets to analyse")
    n_item = np.asarray(x.sum(axis=0)).ravel()
    co = (x.T @ x).tocoo()
    keep = co.row != co.col
    a, c, n_ab = co.row[keep], co.col[keep], co.data[keep]
    names = b.items
    parts = [pd.DataFrame({"antecedent": names[a], "consequent": names[c],
                           "n_antecedent": n_item[a], "n_consequent": n_item[c], "n_both": n_ab})]
    if max_len == 3:
        upper = (a < c) & (n_ab >= min_support * n)
        pa, pb = a[upper], c[upper]
        if len(pa):
            both = x[:, pa].multiply(x[:, pb]).tocsc()  # baskets holding pair k
            tri = (both.T @ x).tocoo()  # N_{AB,C}
            k, item, n_abc = tri.row, tri.col, tri.data
            ok = (item != pa[k]) & (item != pb[k])
            k, item, n_abc = k[ok], item[ok], n_abc[ok]
            n_pair = np.asarray(both.sum(axis=0)).ravel()
            parts.append(pd.DataFrame({
                "antecedent": names[pa[k]] + " + " + names[pb[k]], "consequent": names[item],
                "n_antecedent": n_pair[k], "n_consequent": n_item[item], "n_both": n_abc}))
    rules = pd.concat(parts, ignore_index=True)
    rules["support"] = rules["n_both"] / n
    rules["confidence"] = rules["n_both"] / rules["n_antecedent"]
    rules["lift"] = rules["confidence"] / (rules["n_consequent"] / n)
    rules = rules[(rules["support"] >= min_support) & (rules["confidence"] >= min_confidence)]
    rules = rules.sort_values(["lift", "support", "antecedent", "consequent"],
                              ascending=[False, False, True, True]).reset_index(drop=True)
    for col in ("n_antecedent", "n_consequent", "n_both"):
        rules[col] = rules[col].astype(np.int64)
    rules.attrs["n_baskets"] = int(n)
    return rules


def _purchases(order_lines, transactions, products, level: str, func: str) -> pd.DataFrame:
    """One row per (transaction, item) purchase with customer and date."""
    lines = _item_lines(order_lines, products, level, func)
    _need(transactions, "transactions", func, ["transaction_id", "customer_id", "date"])
    txn = transactions
    if "kind" in txn.columns:
        txn = txn[txn["kind"] == "purchase"]
    txn = txn[["transaction_id", "customer_id", "date"]].assign(date=lambda d: pd.to_datetime(d["date"]))
    out = lines.merge(txn, on="transaction_id", how="inner")
    return out.drop_duplicates(["transaction_id", "item"])


def _items(value, known, name: str, func: str) -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    unknown = [i for i in items if i not in set(known)]
    if not items or unknown:
        shown = ", ".join(sorted(map(str, known))[:8])
        raise CRMDataError(
            f"{func}: {name}={value!r} names no known item; items at this level are e.g. {shown}"
        )
    return items


def next_purchase_timing(order_lines: pd.DataFrame, transactions: pd.DataFrame,
                         products: pd.DataFrame, first, then, level: str = "category") -> pd.DataFrame:
    """Days from a customer's first purchase of one item to the next purchase of another.

    For every customer who bought ``first``, take the date of that first
    purchase and the first *later* purchase of ``then`` (in a later basket:
    later date, or same date and higher transaction id). Buying both in the
    same basket does not count, that is what :func:`association_rules` shows.
    If ``first`` and ``then`` are the same item, the result is the time to
    the first repeat purchase. Customers who never bought ``then`` afterwards
    stay in the table with ``days`` NaN: dropping them would make the need
    look more certain than it is.

    Parameters
    ----------
    order_lines, transactions, products : DataFrame
        The tables of a world; only purchases (``kind == "purchase"``) count.
    first, then : str or list of str
        Item(s) at ``level``: categories (e.g. ``"Kocher"``) or product names.
    level : {"category", "product"}
        Whether ``first`` and ``then`` name categories or products.

    Returns
    -------
    DataFrame
        One row per customer who bought ``first``, sorted by ``customer_id``:
        ``customer_id``, ``first_date``, ``next_date`` (NaT if none) and
        ``days`` (float, NaN if none).

    Examples
    --------
    >>> products = pd.DataFrame({"product_id": [1, 2], "name": ["Kocher", "Kartusche"],
    ...                          "category": ["Kocher", "Gaskartuschen"]})
    >>> txn = pd.DataFrame({"transaction_id": [1, 2, 3, 4], "customer_id": [5, 5, 6, 5],
    ...                     "date": pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01",
    ...                                             "2024-04-01"])})
    >>> lines = pd.DataFrame({"transaction_id": [1, 2, 3, 4], "product_id": [1, 2, 1, 2]})
    >>> next_purchase_timing(lines, txn, products, first="Kocher", then="Gaskartuschen")
       customer_id first_date  next_date  days
    0            5 2024-01-01 2024-03-01  60.0
    1            6 2024-02-01        NaT   NaN

    """
    func = "next_purchase_timing"
    buys = _purchases(order_lines, transactions, products, level, func)
    first = _items(first, buys["item"].unique(), "first", func)
    then = _items(then, buys["item"].unique(), "then", func)
    key = ["customer_id", "date", "transaction_id"]
    start = (buys[buys["item"].isin(first)].sort_values(key)
             .drop_duplicates("customer_id")[key].rename(columns={"date": "first_date",
                                                                  "transaction_id": "first_txn"}))
    later = buys[buys["item"].isin(then)][key].merge(start, on="customer_id")
    after = (later["date"] > later["first_date"]) | (
        (later["date"] == later["first_date"]) & (later["transaction_id"] > later["first_txn"]))
    nxt = (later[after].sort_values(key).drop_duplicates("customer_id")[["customer_id", "date"]]
           .rename(columns={"date": "next_date"}))
    out = start[["customer_id", "first_date"]].merge(nxt, on="customer_id", how="left")
    out["days"] = (out["next_date"] - out["first_date"]).dt.days.astype(float)
    return out.sort_values("customer_id").reset_index(drop=True)


def replacement_due(order_lines: pd.DataFrame, transactions: pd.DataFrame, products: pd.DataFrame,
                    as_of, category=None, level: str = "category") -> pd.DataFrame:
    r"""List the customers due for a replacement: the right moment for an offer.

    Products with a replacement cycle (``products.replacement_days``, e.g.
    socks 180 days, gas cartridges 90 days, children's shoes 300 days until
    they are outgrown) are bought again after a typical time. For each
    customer and item, take the last purchase up to ``as_of``; the item is
    *due* once

    .. math:: \text{as\_of} - \text{last purchase} \geq \text{replacement days}

    of the product bought last. At ``level="category"`` a purchase of any
    product of the category renews it (larger children's shoes replace
    smaller ones); at ``level="product"`` only the same product does.

    Parameters
    ----------
    order_lines, transactions, products : DataFrame
        The tables of a world (``products`` needs ``replacement_days``).
    as_of : date-like
        The day of the analysis; later purchases are ignored.
    category : str or list of str, optional
        Only these categories.
    level : {"category", "product"}
        Whether a purchase renews its whole category or only its own product.

    Returns
    -------
    DataFrame
        One row per customer and due item, freshly due first (smallest
        ``days_overdue``, then ``customer_id``): ``customer_id``, ``item``,
        ``category``, ``last_product`` (name), ``last_purchase``,
        ``replacement_days``, ``due_date`` and ``days_overdue`` (>= 0).

    Examples
    --------
    >>> products = pd.DataFrame({"product_id": [1, 2], "name": ["Socken", "Zelt"],
    ...     "category": ["Socken", "Zelte"], "replacement_days": [180.0, np.nan]})
    >>> txn = pd.DataFrame({"transaction_id": [1, 2, 3], "customer_id": [5, 6, 5],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-05-01", "2024-02-01"])})
    >>> lines = pd.DataFrame({"transaction_id": [1, 2, 3], "product_id": [1, 1, 2]})
    >>> replacement_due(lines, txn, products, as_of="2024-08-01")[
    ...     ["customer_id", "item", "due_date", "days_overdue"]]
       customer_id    item   due_date  days_overdue
    0            5  Socken 2024-06-29            33

    """
    func = "replacement_due"
    _need(products, "products", func, ["product_id", "name", "category", "replacement_days"])
    try:
        as_of = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        as_of = pd.NaT
    if pd.isna(as_of):
        raise CRMDataError(f"replacement_due: as_of must be a date such as '2025-12-31', got {as_of!r}")
    buys = _purchases(order_lines, transactions, products, level, func)
    info = products.set_index("product_id")[["name", "category", "replacement_days"]]
    buys = buys.join(info, on="product_id")
    if category is not None:
        cats = _items(category, products["category"].unique(), "category", func)
        buys = buys[buys["category"].isin(cats)]
    buys = buys[(buys["date"] <= as_of)]
    last = (buys.sort_values(["customer_id", "item", "date", "transaction_id"])
            .drop_duplicates(["customer_id", "item"], keep="last"))
    last = last[last["replacement_days"].notna()]
    due_date = last["date"] + pd.to_timedelta(last["replacement_days"], unit="D")
    out = pd.DataFrame({
        "customer_id": last["customer_id"].to_numpy(), "item": last["item"].to_numpy(),
        "category": last["category"].to_numpy(), "last_product": last["name"].to_numpy(),
        "last_purchase": last["date"].to_numpy(), "replacement_days": last["replacement_days"].to_numpy(),
        "due_date": due_date.to_numpy()})
    out["days_overdue"] = (as_of - out["due_date"]).dt.days.astype(np.int64)
    out = out[out["days_overdue"] >= 0]
    return out.sort_values(["days_overdue", "customer_id", "item"]).reset_index(drop=True)
