"""Customize: the four types of customization and personalized offers.

The last step of IDIC adapts the firm's behaviour to the individual customer.
Gilmore & Pine (1997, "The Four Faces of Mass Customization", Harvard Business
Review 75(1)) distinguish four approaches by two questions: is the *product*
itself changed, and is its *presentation* (packaging, name, how it is offered)
changed?

=================  ===================  ========================
type (German)      product changed?     presentation changed?
=================  ===================  ========================
collaborative      yes                  yes
adaptive           no                   no
cosmetic           no                   yes
transparent        yes                  no
=================  ===================  ========================

:data:`CUSTOMIZATION_TYPES` describes them, :data:`CUSTOMIZATION_CASES` and
:func:`check_customization` make a classification exercise, and
:func:`next_best_offers` personalizes offers from purchase history, the
one-to-one end of the path from mass marketing over segments to the individual.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from .errors import CRMDataError
from .validation import validate_table

__all__ = [
    "CUSTOMIZATION_TYPES",
    "CUSTOMIZATION_CASES",
    "check_customization",
    "customization_solutions",
    "next_best_offers",
    "offer_hit_rates",
]

#: The four customization types of Gilmore & Pine (1997), one row each
#: (index ``type``): German name, whether product and presentation change,
#: a definition and an example.
CUSTOMIZATION_TYPES = pd.DataFrame(
    {
        "german": ["adaptiv", "kosmetisch", "kollaborativ", "transparent"],
        "product_changed": [False, False, True, True],
        "presentation_changed": [False, True, True, False],
        "definition": [
            "One standard product that customers can adjust to their own needs "
            "themselves, after buying it; the firm changes nothing per customer.",
            "A standard product that is packaged, labelled, named or offered "
            "differently for each customer or group; the product itself stays the same.",
            "The firm and the customer work out the customer's needs in a dialogue and "
            "the firm then builds a product made for this customer.",
            "The firm tailors the product to a customer whose needs it already knows, "
            "without asking and without the customer necessarily noticing.",
        ],
        "example": [
            "An office chair whose seat height, backrest and armrests every user sets "
            "to their own body.",
            "A gift box of trekking socks with the customer's name printed on the "
            "sleeve; the socks are the same as on the shelf.",
            "A made-to-measure hiking boot: the foot is scanned in the store and the "
            "boot is built to that shape after a fitting conversation.",
            "A hotel puts an allergy-free pillow in the room of a guest who mentioned "
            "an allergy on an earlier stay; the guest is not asked again.",
        ],
    },
    index=pd.Index(["adaptive", "cosmetic", "collaborative", "transparent"], name="type"),
)

_CASES = [
    # case_id, setting, case, answer, why
    (1, "retail", "A backpack's hip belt, shoulder straps and back length can be "
     "adjusted by the hiker with buckles and a slider.", "adaptive",
     "The same backpack for everyone; the customer adjusts it."),
    (2, "retail", "Members of the loyalty programme get their usual tent in the shop "
     "with a card 'Thank you, Ms Weber, for five years with us' and their own colour "
     "of gift wrap.", "cosmetic",
     "The tent is standard; only the presentation is personal."),
    (3, "retail", "Because the shop's system knows a customer always buys size 44 "
     "wide-fit, the online shop quietly shows only boots available in 44 wide.",
     "transparent", "The offer is tailored from known data without asking."),
    (4, "retail", "A climber describes her routes and grip problems to an expert, who "
     "then has a harness sewn with the loops and sizes they agreed on.", "collaborative",
     "Needs are worked out together and the product is made for her."),
    (5, "mobile", "A tariff's app lets each customer shift data volume and minutes "
     "between months within the same fixed plan.", "adaptive",
     "One standard plan; the customer sets it up."),
    (6, "mobile", "The same 20 GB plan is sold as 'Student Flex' with a campus-style "
     "website to students and as 'Business Mobil' with an invoice layout for firms.",
     "cosmetic", "Identical product, different name and presentation."),
    (7, "mobile", "The network raises a frequent traveller's roaming allowance in the "
     "background before a trip, based on past roaming use; no message is sent.",
     "transparent", "Changed to fit known needs, unnoticed by the customer."),
    (8, "mobile", "A key-account manager and a company's IT lead design together a "
     "contract with pooled data, device swaps and a special support line.",
     "collaborative", "Designed in dialogue, unique to this customer."),
    (9, "office supply", "A wholesaler prints each company's logo and order number on "
     "the standard copy-paper boxes it delivers to that company.", "cosmetic",
     "The paper is the same; only the packaging is personal."),
    (10, "office supply", "The webshop pre-fills a firm's reorder list with the "
     "toner model matching the printers it bought earlier; the buyer does not set "
     "this up.", "transparent",
     "Tailored from purchase history without the customer's involvement."),
    (11, "office supply", "A modular shelving system comes with spare boards and "
     "connectors so every office can rebuild it into the shape it needs.", "adaptive",
     "A standard product that users reconfigure themselves."),
    (12, "office supply", "For a new law firm the supplier visits the office, plans the "
     "furniture with the partners and orders desks cut to the room's odd corners.",
     "collaborative", "Worked out jointly and made to this customer's requirements."),
]

#: Short cases for a classification exercise, index ``case_id``; columns
#: ``setting`` (retail, mobile, office supply) and ``case``. The answers are
#: checked with :func:`check_customization` and listed by
#: :func:`customization_solutions`.
CUSTOMIZATION_CASES = pd.DataFrame(
    {"setting": [c[1] for c in _CASES], "case": [c[2] for c in _CASES]},
    index=pd.Index([c[0] for c in _CASES], name="case_id"),
)

_ANSWERS = {c[0]: c[3] for c in _CASES}
_WHY = {c[0]: c[4] for c in _CASES}
_NAMES = {**{t: t for t in CUSTOMIZATION_TYPES.index},
          **dict(zip(CUSTOMIZATION_TYPES["german"], CUSTOMIZATION_TYPES.index, strict=True))}


def check_customization(case_id: int, answer: str) -> bool:
    """Check the customization type chosen for a case of :data:`CUSTOMIZATION_CASES`.

    Parameters
    ----------
    case_id : int
        Index of the case in :data:`CUSTOMIZATION_CASES`.
    answer : str
        ``"adaptive"``, ``"cosmetic"``, ``"collaborative"`` or ``"transparent"``,
        or the German name (``"adaptiv"``, ``"kosmetisch"``, ``"kollaborativ"``,
        ``"transparent"``); case and surrounding spaces do not matter.

    Returns
    -------
    bool
        True if the answer is right.

    Examples
    --------
    >>> check_customization(1, "adaptive")
    True
    >>> check_customization(2, "Kollaborativ")
    False

    """
    if isinstance(case_id, bool) or case_id not in _ANSWERS:
        raise CRMDataError(
            f"case_id must be one of {min(_ANSWERS)}-{max(_ANSWERS)} (see CUSTOMIZATION_CASES); "
            f"got {case_id!r}"
        )
    key = answer.strip().lower() if isinstance(answer, str) else answer
    if key not in _NAMES:
        raise CRMDataError(
            f"answer must be one of 'adaptive', 'cosmetic', 'collaborative', 'transparent' "
            f"(or German: 'adaptiv', 'kosmetisch', 'kollaborativ', 'transparent'); got {answer!r}"
        )
    return _NAMES[key] == _ANSWERS[case_id]


def customization_solutions() -> pd.DataFrame:
    """Return the solutions of the classification exercise, for the teacher's copy.

    Returns
    -------
    pandas.DataFrame
        :data:`CUSTOMIZATION_CASES` plus ``answer`` (the type) and ``why``.

    Examples
    --------
    >>> customization_solutions()["answer"].value_counts().sort_index().tolist()
    [3, 3, 3, 3]

    """
    out = CUSTOMIZATION_CASES.copy()
    out["answer"] = [_ANSWERS[i] for i in out.index]
    out["why"] = [_WHY[i] for i in out.index]
    return out


# --- next best offers ---------------------------------------------------------------------

_NS_PER_DAY = 86_400 * 10**9


def _history(order_lines, transactions, products, level, as_of):
    lines = validate_table(order_lines, "order_lines", required=["transaction_id", "product_id"])
    tx = validate_table(transactions, "transactions",
                        required=["transaction_id", "customer_id", "date"])
    prods = validate_table(products, "products", required=["product_id", "name", "category"])
    if "kind" in tx.columns:
        tx = tx[tx["kind"].astype(str) != "return"]
    if as_of is None:
        end = tx["date"].max().normalize()
    else:
        try:
            end = pd.Timestamp(as_of).normalize()
        except (TypeError, ValueError):
            raise CRMDataError(f"as_of must be a date like '2025-01-01'; got {as_of!r}") from None
    tx = tx[tx["date"] <= end]
    joined = lines[["transaction_id", "product_id"]].merge(
        tx[["transaction_id", "customer_id", "date"]], on="transaction_id", how="inner")
    unknown = ~joined["product_id"].isin(prods["product_id"])
    if unknown.any():
        raise CRMDataError(
            f"order_lines: product_id {', '.join(map(str, joined.loc[unknown, 'product_id'].unique()[:5]))} "
            "not in products; pass the full product catalogue"
        )
    p = prods.set_index("product_id")
    item = joined["product_id"].map(p["category"] if level == "category" else p["name"])
    joined["item"] = item.astype(str).to_numpy()
    if "replacement_days" in p.columns:
        rep = p["replacement_days"].groupby(
            (p["category"] if level == "category" else p["name"]).astype(str)).median()
    else:
        rep = pd.Series(dtype=float)
    return joined, end, rep


def _observed_cycle(pairs: pd.DataFrame, n_items: int) -> np.ndarray:
    """Median days between consecutive purchases of an item by the same customer."""
    p = pairs.sort_values(["pair", "day"])
    same = p["pair"].to_numpy()[1:] == p["pair"].to_numpy()[:-1]
    gaps = np.diff(p["day"].to_numpy())[same]
    item = (p["pair"].to_numpy()[1:] % n_items)[same]
    out = np.full(n_items, np.nan)
    if len(gaps):
        med = pd.Series(gaps).groupby(item).median()
        out[med.index.to_numpy()] = med.to_numpy()
    return out


def _fmt_share(x: float) -> str:
    return f"{100 * x:.0f} %"


def next_best_offers(order_lines: pd.DataFrame, transactions: pd.DataFrame,
                     products: pd.DataFrame, customer_ids=None, n: int = 3, as_of=None, *,
                     level: str = "category", min_buyers: int = 10) -> pd.DataFrame:
    """Personalized offers from purchase history ("customers who bought X also bought Y").

    Only purchases up to ``as_of`` are used. With ``B`` the 0/1 matrix
    customers x items (item = category or product; 1 = bought at least once)
    and ``C = B^T B`` (``C[i, j]`` = customers who bought both i and j):

    - ``confidence(i -> j) = C[i, j] / C[i, i]``: share of i-buyers who also
      bought j;
    - ``lift(i -> j) = confidence(i -> j) / (C[j, j] / customers)``: how much
      more often i-buyers buy j than customers in general (> 1 = related).

    Candidates for a customer and their scores (higher first):

    1. **related**: items j the customer has not bought, scored by
       ``max over their items i with lift(i -> j) > 1 of confidence(i -> j)``,
       using only items i with at least ``min_buyers`` buyers;
       reason "bought Zelte; 45 % of Zelte buyers also bought Isomatten".
    2. **replacement due**: items the customer bought whose typical
       replacement time has passed since the last purchase; scored by the
       repurchase rate (share of the item's buyers with two or more purchase
       days who bought the item on two or more days). The replacement time is
       ``products.replacement_days`` (median within the category) or, where
       that is empty, the median observed gap between two purchases of the
       item by the same customer; reason
       "replacement due: Gaskartuschen last bought 120 days ago (cycle 90 days)".
    3. **popular** (fallback, e.g. for one-time buyers with little history or
       customers without purchases): items the customer has not bought, by
       the share of all customers who bought them; scores are that share.

    Items already owned are never offered unless a replacement is due. Each
    item appears once per customer (its best reason); the top ``n`` are kept.

    Parameters
    ----------
    order_lines, transactions, products : pandas.DataFrame
        Tables with the schema's columns; return rows of ``transactions`` are
        ignored. Never modified.
    customer_ids : iterable of int, optional
        Customers to make offers for (also customers without purchases, who get
        popular items). Default: every customer with a purchase up to ``as_of``.
    n : int, default 3
        Offers per customer.
    as_of : date-like, optional
        Day the offers are made; later purchases are ignored. Default: the
        latest purchase date.
    level : {"category", "product"}
        Offer product categories (default) or single products (by name).
    min_buyers : int, default 10
        Least number of buyers an item needs to serve as evidence (i).

    Returns
    -------
    pandas.DataFrame
        Columns ``customer_id``, ``rank`` (1 = best), ``category`` or
        ``product`` (per ``level``), ``score`` (a share 0-1), ``source``
        (``'related'``, ``'replacement'`` or ``'popular'``) and ``reason``
        (a sentence). Sorted by customer and rank.

    Examples
    --------
    >>> lines = pd.DataFrame({"transaction_id": [1, 1, 2, 3, 3, 4], "line_no": [1, 2, 1, 1, 2, 1],
    ...                       "product_id": [1, 2, 1, 1, 2, 3]})
    >>> tx = pd.DataFrame({"transaction_id": [1, 2, 3, 4], "customer_id": [1, 2, 3, 4],
    ...                    "date": pd.to_datetime(["2024-01-01"] * 4)})
    >>> prods = pd.DataFrame({"product_id": [1, 2, 3], "name": ["Zelt", "Matte", "Seil"],
    ...                       "category": ["Zelte", "Isomatten", "Seile"]})
    >>> offers = next_best_offers(lines, tx, prods, customer_ids=[2], n=1, min_buyers=1)
    >>> offers.loc[0, "category"], offers.loc[0, "reason"]
    ('Isomatten', 'bought Zelte; 67 % of Zelte buyers also bought Isomatten')

    """
    if level not in ("category", "product"):
        raise CRMDataError(f"level must be 'category' or 'product'; got {level!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise CRMDataError(f"n must be a positive whole number of offers; got {n!r}")
    if isinstance(min_buyers, bool) or not isinstance(min_buyers, (int, np.integer)) or min_buyers < 1:
        raise CRMDataError(f"min_buyers must be a positive whole number; got {min_buyers!r}")
    hist, end, rep_days = _history(order_lines, transactions, products, level, as_of)
    if len(hist) == 0:
        raise CRMDataError(
            f"no purchases with order lines on or before as_of={end.date()}; choose a later "
            "as_of or check that order_lines and transactions belong together"
        )
    cust_codes, cust_index = pd.factorize(hist["customer_id"], sort=True)
    item_codes, items = pd.factorize(hist["item"], sort=True)
    n_cust, n_items = len(cust_index), len(items)
    day = hist["date"].to_numpy("datetime64[ns]").astype(np.int64) // _NS_PER_DAY
    # purchase days per (customer, item) -> bought, last day, number of purchase days
    pair = cust_codes.astype(np.int64) * n_items + item_codes
    pairs = pd.DataFrame({"pair": pair, "day": day}).drop_duplicates()
    per_pair = pairs.groupby("pair")["day"].agg(["max", "size"])
    pc, pi = np.divmod(per_pair.index.to_numpy(), n_items)
    b = sparse.csr_matrix((np.ones(len(pc)), (pc, pi)), shape=(n_cust, n_items))
    co = (b.T @ b).toarray()
    buyers = np.diag(co).copy()
    popularity = buyers / n_cust
    with np.errstate(invalid="ignore", divide="ignore"):
        conf = co / buyers[:, None]
        lift = conf / popularity[None, :]
    usable = (lift > 1) & (buyers[:, None] >= min_buyers)
    np.fill_diagonal(usable, False)
    conf_ok = np.where(usable, conf, 0.0)
    # repurchase rate among repeat customers (those with 2+ purchase days)
    days_per_cust = pd.Series(day).groupby(cust_codes).nunique().reindex(
        range(n_cust), fill_value=0).to_numpy()
    loyal = days_per_cust[pc] >= 2
    again = np.bincount(pi[loyal & (per_pair["size"].to_numpy() >= 2)], minlength=n_items)
    repeat = again / np.maximum(np.bincount(pi[loyal], minlength=n_items), 1)
    cycle = pd.Series(items).map(rep_days).to_numpy(dtype=float, copy=True)
    observed = _observed_cycle(pairs, n_items)
    no_cycle = ~np.isfinite(cycle)
    cycle[no_cycle] = observed[no_cycle]
    end_day = end.value // _NS_PER_DAY

    if customer_ids is None:
        wanted = pd.Index(cust_index)
    else:
        wanted = pd.Index(pd.unique(pd.Series(list(customer_ids))))
        if wanted.hasnans:
            raise CRMDataError("customer_ids: contains missing values; pass whole numbers")
    row_of = pd.Series(np.arange(n_cust), index=cust_index)
    owned = b.tolil().rows
    last = sparse.csr_matrix((per_pair["max"].to_numpy(dtype=float) + 1.0, (pc, pi)),
                             shape=(n_cust, n_items))
    pop_order = np.argsort(-popularity, kind="stable")
    col = "category" if level == "category" else "product"

    names = [str(x) for x in items]
    last_ptr, last_idx, last_val = last.indptr, last.indices, last.data

    def reason(j: int, src: str, extra) -> str:
        if src == "related":
            i, conf_ij = extra
            return (f"bought {names[i]}; {_fmt_share(conf_ij)} of {names[i]} buyers "
                    f"also bought {names[j]}")
        if src == "replacement":
            return (f"replacement due: {names[j]} last bought {extra:.0f} days ago "
                    f"(cycle {cycle[j]:.0f} days)")
        return f"popular: {_fmt_share(popularity[j])} of customers bought {names[j]}"

    out_cust, out_rank, out_item, out_score, out_src, out_reason = [], [], [], [], [], []
    for cid in wanted:
        r = row_of.get(cid)
        cand: dict[int, tuple[float, str, object]] = {}
        mine = owned[r] if r is not None else []
        mine_set = set(mine)
        if r is not None and mine:
            sub = conf_ok[mine]  # owned items x all items
            best_src = sub.argmax(axis=0)
            best = sub[best_src, np.arange(n_items)]
            for j in np.flatnonzero(best > 0).tolist():
                if j not in mine_set:
                    cand[j] = (float(best[j]), "related", (mine[best_src[j]], float(best[j])))
            for j, lday in zip(last_idx[last_ptr[r]:last_ptr[r + 1]].tolist(),
                               last_val[last_ptr[r]:last_ptr[r + 1]].tolist(), strict=True):
                since = end_day - (lday - 1.0)
                if np.isfinite(cycle[j]) and since >= cycle[j]:
                    score = float(repeat[j])
                    if j not in cand or score > cand[j][0]:
                        cand[j] = (score, "replacement", since)
        ranked = sorted(cand.items(), key=lambda kv: (-kv[1][0], kv[0]))[:n]
        taken = {j for j, _ in ranked}
        for j in pop_order.tolist():
            if len(ranked) >= n:
                break
            if j in mine_set or j in taken:
                continue
            ranked.append((j, (float(popularity[j]), "popular", None)))
            taken.add(j)
        for rank, (j, (score, src, extra)) in enumerate(ranked, start=1):
            out_cust.append(cid)
            out_rank.append(rank)
            out_item.append(names[j])
            out_score.append(score)
            out_src.append(src)
            out_reason.append(reason(j, src, extra))
    return pd.DataFrame({"customer_id": np.asarray(out_cust, dtype=np.int64),
                         "rank": np.asarray(out_rank, dtype=np.int64), col: out_item,
                         "score": np.asarray(out_score, dtype=float), "source": out_src,
                         "reason": out_reason})


def offer_hit_rates(offers: pd.DataFrame, order_lines: pd.DataFrame, transactions: pd.DataFrame,
                    products: pd.DataFrame, cutoff) -> pd.Series:
    """Judge category offers made at ``cutoff`` by what the customers bought afterwards.

    An offer is one row (``customer_id``, ``category``) of ``offers``, e.g.
    :func:`next_best_offers` made ``as_of=cutoff`` or a baseline such as
    "the three bestsellers for everybody". With the purchases (returns left
    out) split at the cut-off:

    - ``hit rate`` = offers whose category the customer bought after the
      cut-off / offers;
    - ``new-category hit rate`` = offers bought after the cut-off in a
      category the customer had never bought up to the cut-off / offers
      (the cross-selling that an offer may have caused; a rebuy would often
      have happened anyway).

    Hit rates from history are not effects: only a control group shows what
    an offer changed (see :mod:`crmlearn.interact`).

    Returns
    -------
    Series
        ``offers`` (count), ``hit rate`` and ``new-category hit rate``.

    Examples
    --------
    >>> products = pd.DataFrame({"product_id": [1, 2], "name": ["Zelt", "Socken"],
    ...                          "category": ["tents", "socks"]})
    >>> tx = pd.DataFrame({"transaction_id": [10, 11, 12], "customer_id": [1, 1, 2],
    ...                    "date": pd.to_datetime(["2024-03-01", "2024-09-01", "2024-09-02"])})
    >>> lines = pd.DataFrame({"transaction_id": [10, 11, 12], "product_id": [1, 2, 1]})
    >>> offers = pd.DataFrame({"customer_id": [1, 2, 2], "category": ["socks", "tents", "socks"]})
    >>> offer_hit_rates(offers, lines, tx, products, cutoff="2024-06-30").round(3).to_dict()
    {'offers': 3.0, 'hit rate': 0.667, 'new-category hit rate': 0.667}

    """
    missing = [c for c in ("customer_id", "category") if c not in getattr(offers, "columns", [])]
    if missing:
        raise CRMDataError(f"offers: missing column(s) {missing}; expected one row per offer with "
                           "'customer_id' and 'category' (e.g. from next_best_offers)")
    if len(offers) == 0:
        raise CRMDataError("offers: no rows; there is nothing to judge")
    try:
        cut = pd.Timestamp(cutoff)
    except (TypeError, ValueError):
        raise CRMDataError(f"cutoff must be a date like '2025-01-01'; got {cutoff!r}") from None
    lines, _, _ = _history(order_lines, transactions, products, "category", None)
    pairs = lines[["customer_id", "item"]].rename(columns={"item": "category"})
    owned = pd.MultiIndex.from_frame(pairs[lines["date"] <= cut].drop_duplicates())
    later = pd.MultiIndex.from_frame(pairs[lines["date"] > cut].drop_duplicates())
    asked = pd.MultiIndex.from_frame(offers[["customer_id", "category"]].astype({"category": str}))
    hit = asked.isin(later)
    new = ~asked.isin(owned)
    return pd.Series({"offers": float(len(offers)), "hit rate": float(hit.mean()),
                      "new-category hit rate": float((hit & new).mean())})
