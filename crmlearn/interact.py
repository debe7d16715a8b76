"""Interact: contact histories, campaign response and uplift experiments.

The third step of IDIC (Peppers & Rogers) asks two things of every interaction:
it should happen *in the context of the previous ones* (the firm remembers), and
the firm should *learn from it* (each campaign is an experiment). This module
gives the numbers for both:

================================  ==================================================
function                          answers
================================  ==================================================
:func:`contact_history`           what happened with this customer so far?
:func:`response_rates`            how many members of a campaign responded?
:func:`uplift`                    how many responded *because of* the campaign?
:func:`targeting_value`           whom is it worth contacting next time?
:func:`update_response_estimate`  what do we believe after each new batch?
================================  ==================================================

Campaign members are split at random into a ``treatment`` group (contacted) and
a ``control`` group (held out). In the retail and b2b data ``responded`` means
"bought in the response window"; in the subscription data it means "still a
customer 180 days after a retention offer".
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from .errors import CRMDataError, describe_rows
from .validation import validate_table

__all__ = [
    "HISTORY_KINDS",
    "contact_history",
    "response_rates",
    "uplift",
    "targeting_value",
    "update_response_estimate",
]

#: Kinds of events in a contact history, in the order used for same-day events.
HISTORY_KINDS = ("contract", "campaign", "purchase", "return", "contact", "survey")

_GROUPS = ("treatment", "control")


# --- contact history ---------------------------------------------------------------------

def _tables(world_or_tables) -> Mapping:
    tables = getattr(world_or_tables, "tables", world_or_tables)
    if not isinstance(tables, Mapping):
        raise CRMDataError(
            "world_or_tables: expected a World (from crmlearn.datasets) or a dict of tables "
            f"such as {{'transactions': ..., 'contacts': ...}}; got {type(world_or_tables).__name__}"
        )
    return tables


def _has(tables: Mapping, name: str) -> bool:
    df = tables.get(name)
    return isinstance(df, pd.DataFrame) and len(df) > 0


def _fmt_eur(x: float) -> str:
    return f"{x:,.2f} EUR"


def contact_history(world_or_tables, customer_id: int) -> pd.DataFrame:
    """One customer's timeline: every purchase, return, contact, campaign and survey.

    Each interaction should build on the previous ones; this table is what a
    service agent or a campaign planner should see before the next one. It
    merges, for one customer:

    - ``purchase`` / ``return``: rows of ``transactions`` (with the products of
      ``order_lines`` when that table is given),
    - ``contact``: rows of ``contacts`` (direction, channel, reason),
    - ``campaign``: campaign memberships (on the campaign's start date, with
      the group and whether the customer responded),
    - ``survey``: survey answers (NPS, CSAT, touchpoint),
    - ``contract``: contract starts and ends (subscription and b2b).

    Tables that are missing or empty are skipped.

    Parameters
    ----------
    world_or_tables : World or dict of pandas.DataFrame
        A :class:`~crmlearn.datasets._world.World` or a mapping from table names
        (``"transactions"``, ``"order_lines"``, ``"products"``, ``"contacts"``,
        ``"campaigns"``, ``"campaign_members"``, ``"surveys"``, ``"contracts"``,
        ``"customers"``) to tables. Never modified.
    customer_id : int
        The customer. If a ``customers`` table is given, the id must be in it.

    Returns
    -------
    pandas.DataFrame
        Columns ``date``, ``kind`` (one of :data:`HISTORY_KINDS`), ``detail``
        (a short description) and ``amount`` (EUR for purchases, returns and
        contact costs, otherwise NaN), sorted by date and, within a day, by
        kind in the order of :data:`HISTORY_KINDS`. Index 0, 1, 2, ...

    Examples
    --------
    >>> tables = {
    ...     "transactions": pd.DataFrame({"transaction_id": [1, 2], "customer_id": [5, 5],
    ...         "date": pd.to_datetime(["2024-03-01", "2024-03-10"]),
    ...         "amount": [80.0, -20.0], "kind": ["purchase", "return"],
    ...         "channel": ["online", "online"]}),
    ...     "contacts": pd.DataFrame({"contact_id": [1], "customer_id": [5],
    ...         "date": pd.to_datetime(["2024-03-08"]), "channel": ["phone"],
    ...         "direction": ["inbound"], "reason": ["complaint"], "cost": [6.5]})}
    >>> contact_history(tables, 5)[["date", "kind", "amount"]]
            date      kind  amount
    0 2024-03-01  purchase    80.0
    1 2024-03-08   contact     6.5
    2 2024-03-10    return   -20.0

    """
    tables = _tables(world_or_tables)
    if isinstance(customer_id, bool) or not isinstance(customer_id, (int, np.integer)):
        raise CRMDataError(f"customer_id must be a whole number; got {customer_id!r}")
    if _has(tables, "customers"):
        known = tables["customers"]["customer_id"]
        if not (known == customer_id).any():
            raise CRMDataError(
                f"customer_id {customer_id} is not in the customers table (ids run from "
                f"{known.min()} to {known.max()}); check the number"
            )
    parts = []

    if _has(tables, "transactions"):
        tx = tables["transactions"]
        tx = tx[tx["customer_id"] == customer_id]
        kind = tx["kind"].astype(str) if "kind" in tx.columns else pd.Series("purchase", tx.index)
        items = pd.Series("", index=tx.index)
        if (_has(tables, "order_lines") and "transaction_id" in tx.columns and len(tx)):
            lines = tables["order_lines"]
            lines = lines[lines["transaction_id"].isin(tx["transaction_id"])]
            if _has(tables, "products"):
                names = tables["products"].set_index("product_id")["name"]
                label = lines["product_id"].map(names).fillna(lines["product_id"].astype(str))
            else:
                label = "product " + lines["product_id"].astype(str)
            joined = label.astype(str).groupby(lines["transaction_id"].to_numpy()).agg(", ".join)
            items = tx["transaction_id"].map(joined).fillna("")
        channel = tx["channel"].astype(str) if "channel" in tx.columns else pd.Series("", tx.index)
        detail = [
            (f"{k} ({c})" if c else k) + (f": {i}" if i else "")
            for k, c, i in zip(kind, channel, items, strict=True)
        ]
        parts.append(pd.DataFrame({"date": pd.to_datetime(tx["date"]).to_numpy(),
                                   "kind": kind.to_numpy(), "detail": detail,
                                   "amount": tx["amount"].to_numpy(dtype=float)}))

    if _has(tables, "contacts"):
        c = tables["contacts"]
        c = c[c["customer_id"] == customer_id]
        detail = [f"{d} {ch}: {r}" for d, ch, r in zip(c["direction"], c["channel"], c["reason"],
                                                        strict=True)]
        parts.append(pd.DataFrame({"date": pd.to_datetime(c["date"]).to_numpy(), "kind": "contact",
                                   "detail": detail, "amount": c["cost"].to_numpy(dtype=float)}))

    if _has(tables, "campaign_members"):
        m = tables["campaign_members"]
        m = m[m["customer_id"] == customer_id]
        if _has(tables, "campaigns"):
            camp = tables["campaigns"].set_index("campaign_id")
            date = m["campaign_id"].map(camp["start_date"])
            name = m["campaign_id"].map(camp["name"]).fillna("campaign")
        else:
            date = pd.Series(pd.NaT, index=m.index)
            name = "campaign " + m["campaign_id"].astype(str)
        detail = [f"{n} [{g}] {'responded' if r else 'no response'}"
                  for n, g, r in zip(name, m["group"], m["responded"], strict=True)]
        parts.append(pd.DataFrame({"date": pd.to_datetime(date).to_numpy(), "kind": "campaign",
                                   "detail": detail, "amount": np.nan}))

    if _has(tables, "surveys"):
        s = tables["surveys"]
        s = s[s["customer_id"] == customer_id]
        detail = [f"after {t}: NPS {n}, CSAT {c}" for t, n, c in zip(s["touchpoint"], s["nps"],
                                                                    s["csat"], strict=True)]
        parts.append(pd.DataFrame({"date": pd.to_datetime(s["date"]).to_numpy(), "kind": "survey",
                                   "detail": detail, "amount": np.nan}))

    if _has(tables, "contracts"):
        k = tables["contracts"]
        k = k[k["customer_id"] == customer_id]
        parts.append(pd.DataFrame({"date": pd.to_datetime(k["start_date"]).to_numpy(),
                                   "kind": "contract",
                                   "detail": [f"contract start: {p}" for p in k["plan"]],
                                   "amount": np.nan}))
        ended = k[k["end_date"].notna()]
        parts.append(pd.DataFrame({"date": pd.to_datetime(ended["end_date"]).to_numpy(),
                                   "kind": "contract",
                                   "detail": [f"contract end: {p}" for p in ended["plan"]],
                                   "amount": np.nan}))

    columns = ["date", "kind", "detail", "amount"]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({"date": pd.Series([], dtype="datetime64[ns]"),
                             "kind": pd.Series([], dtype=object),
                             "detail": pd.Series([], dtype=object),
                             "amount": pd.Series([], dtype=float)})
    out = pd.concat(parts, ignore_index=True)[columns]
    rank = out["kind"].map({k: i for i, k in enumerate(HISTORY_KINDS)}).fillna(len(HISTORY_KINDS))
    order = np.lexsort((np.arange(len(out)), rank.to_numpy(), out["date"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


# --- campaign response --------------------------------------------------------------------

def _members(campaign_members, segments, by) -> tuple[pd.DataFrame, list[str]]:
    """Validate members, attach segment columns and return (table, group-by columns)."""
    if not isinstance(campaign_members, pd.DataFrame):
        raise CRMDataError(
            f"campaign_members: expected a pandas DataFrame, got {type(campaign_members).__name__}"
        )
    m = validate_table(campaign_members, "campaign_members")
    bad = ~m["group"].isin(_GROUPS).to_numpy()
    if bad.any():
        raise CRMDataError(
            f"campaign_members: column 'group' must be 'treatment' or 'control'; "
            f"{describe_rows(m.index[bad])} have {sorted(set(m.loc[bad, 'group'].astype(str)))}"
        )
    m["responded"] = m["responded"].astype(bool)
    seg_cols: list[str] = []
    if segments is not None:
        if isinstance(segments, pd.Series):
            name = segments.name if segments.name is not None else "segment"
            seg = segments.rename(name).to_frame()
        elif isinstance(segments, pd.DataFrame):
            if "customer_id" not in segments.columns:
                raise CRMDataError(
                    "segments: a DataFrame needs a column 'customer_id' plus the segment "
                    "column(s); or pass a Series indexed by customer_id"
                )
            seg = segments.set_index("customer_id")
        else:
            raise CRMDataError(
                "segments: expected a Series indexed by customer_id or a DataFrame with "
                f"'customer_id'; got {type(segments).__name__}"
            )
        if seg.index.duplicated().any():
            dup = seg.index[seg.index.duplicated()].unique()[:5]
            raise CRMDataError(
                f"segments: customer_id {', '.join(map(str, dup))} appear more than once; "
                "give each customer one segment"
            )
        seg_cols = [str(c) for c in seg.columns]
        clash = [c for c in seg_cols if c in m.columns]
        if clash:
            raise CRMDataError(
                f"segments: column(s) {', '.join(map(repr, clash))} already exist in "
                "campaign_members; rename them"
            )
        seg.columns = seg_cols
        m = m.join(seg, on="customer_id")
    if by is None:
        by_cols = seg_cols
    else:
        by_cols = [by] if isinstance(by, str) else list(by)
        missing = [c for c in by_cols if c not in m.columns]
        if missing:
            raise CRMDataError(
                f"by: column(s) {', '.join(map(repr, missing))} are neither in campaign_members "
                f"nor in segments; available: {', '.join(map(repr, map(str, m.columns)))}"
            )
    return m, by_cols


def response_rates(campaign_members: pd.DataFrame, by=None, segments=None) -> pd.DataFrame:
    """Members, responders and response rate per campaign, group and segment.

    ``response_rate = responders / members`` in each cell. A response rate alone
    does not show what the campaign caused (the control group responds too);
    see :func:`uplift` for that.

    Parameters
    ----------
    campaign_members : pandas.DataFrame
        Columns ``campaign_id``, ``customer_id``, ``group`` ('treatment' or
        'control') and ``responded`` (bool). Never modified.
    by : str or list of str, optional
        Extra columns to split by (from ``campaign_members`` or ``segments``).
        Default: the columns of ``segments`` if given, else none.
    segments : pandas.Series or pandas.DataFrame, optional
        Segment labels per customer: a Series indexed by ``customer_id`` (its
        name becomes the column, ``"segment"`` if unnamed), or a DataFrame with
        ``customer_id`` and segment columns (e.g. from
        :func:`crmlearn.segment.needs_segments`). Members without a segment keep
        a missing label (shown as NaN), they are not dropped.

    Returns
    -------
    pandas.DataFrame
        Columns ``campaign_id``, the ``by`` columns, ``group``, ``members``,
        ``responders``, ``response_rate`` (share 0-1); one row per cell.

    Examples
    --------
    >>> m = pd.DataFrame({"campaign_id": [1] * 5, "customer_id": [1, 2, 3, 4, 5],
    ...                   "group": ["treatment"] * 3 + ["control"] * 2,
    ...                   "responded": [True, False, True, False, False]})
    >>> response_rates(m)
       campaign_id      group  members  responders  response_rate
    0            1    control        2           0       0.000000
    1            1  treatment        3           2       0.666667

    """
    m, by_cols = _members(campaign_members, segments, by)
    keys = ["campaign_id", *by_cols, "group"]
    g = m.groupby(keys, dropna=False, observed=True, sort=True)["responded"]
    out = pd.DataFrame({"members": g.size(), "responders": g.sum().astype(np.int64)})
    out["response_rate"] = out["responders"] / out["members"]
    out = out.reset_index()
    out["group"] = out["group"].astype(str)
    return out


def uplift(campaign_members: pd.DataFrame, by=None, confidence: float = 0.95,
           segments=None) -> pd.DataFrame:
    """Uplift of a campaign: treatment response rate minus control response rate.

    Members were assigned to treatment and control *at random*, so apart from
    chance both groups are alike in everything but the contact. The difference
    of their response rates is therefore the effect *caused* by the contact
    (the average treatment effect), not just a correlation::

        p_t = responders_t / n_t,   p_c = responders_c / n_c
        uplift = p_t - p_c
        se = sqrt(p_t (1 - p_t) / n_t + p_c (1 - p_c) / n_c)
        CI = uplift -/+ z * se,    z = Phi^-1(1 - (1 - confidence) / 2)

    (the normal approximation for a difference of two proportions; reliable
    when each group has at least a handful of responders and non-responders).
    Responders in the control group would have responded anyway; contacting
    them costs money and earns nothing extra.

    Parameters
    ----------
    campaign_members : pandas.DataFrame
        Columns ``campaign_id``, ``customer_id``, ``group``, ``responded``.
    by : str or list of str, optional
        Extra columns to split by (e.g. a segment), see :func:`response_rates`.
    confidence : float, default 0.95
        Confidence level of the interval, between 0 and 1.
    segments : pandas.Series or pandas.DataFrame, optional
        Segment labels per customer, as in :func:`response_rates`.

    Returns
    -------
    pandas.DataFrame
        One row per campaign (and ``by`` cell): ``campaign_id``, the ``by``
        columns, ``n_treatment``, ``n_control``, ``rate_treatment``,
        ``rate_control``, ``uplift``, ``se``, ``ci_low``, ``ci_high`` (rates
        and uplift as shares 0-1, i.e. percentage points / 100).

    Raises
    ------
    CRMDataError
        If a campaign (or cell) has no treated or no control member: without
        both groups there is nothing to compare.

    Examples
    --------
    >>> m = pd.DataFrame({"campaign_id": 1, "customer_id": range(300),
    ...                   "group": ["treatment"] * 200 + ["control"] * 100,
    ...                   "responded": [True] * 40 + [False] * 160 + [True] * 10 + [False] * 90})
    >>> uplift(m)[["rate_treatment", "rate_control", "uplift", "ci_low", "ci_high"]].round(3)
       rate_treatment  rate_control  uplift  ci_low  ci_high
    0             0.2           0.1     0.1   0.019    0.181

    """
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not (
        0 < confidence < 1
    ):
        raise CRMDataError(f"confidence must be a number between 0 and 1, e.g. 0.95; got {confidence!r}")
    m, by_cols = _members(campaign_members, segments, by)
    keys = ["campaign_id", *by_cols]
    is_t = (m["group"] == "treatment").to_numpy()
    resp = m["responded"].to_numpy(dtype=float)
    work = pd.DataFrame({"t": is_t.astype(np.int64), "c": (~is_t).astype(np.int64),
                         "rt": resp * is_t, "rc": resp * ~is_t}, index=m.index)
    for k in keys:
        work[k] = m[k]
    agg = work.groupby(keys, dropna=False, observed=True, sort=True)[["t", "c", "rt", "rc"]].sum()
    empty = (agg["t"] == 0) | (agg["c"] == 0)
    if empty.any():
        cells = [dict(zip(keys, idx if isinstance(idx, tuple) else (idx,), strict=True))
                 for idx in agg.index[empty][:3]]
        which = "; ".join(", ".join(f"{k}={v}" for k, v in c.items()) for c in cells)
        raise CRMDataError(
            f"uplift: {int(empty.sum())} cell(s) have an empty treatment or control group "
            f"({which}); uplift compares both groups. Merge small segments (fewer 'by' "
            "columns) or leave out campaigns without a control group"
        )
    nt, nc = agg["t"].to_numpy(float), agg["c"].to_numpy(float)
    pt, pc = agg["rt"].to_numpy() / nt, agg["rc"].to_numpy() / nc
    diff = pt - pc
    se = np.sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc)
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    out = pd.DataFrame({"n_treatment": agg["t"].to_numpy(), "n_control": agg["c"].to_numpy(),
                        "rate_treatment": pt, "rate_control": pc, "uplift": diff, "se": se,
                        "ci_low": diff - z * se, "ci_high": diff + z * se}, index=agg.index)
    return out.reset_index()


def _per_campaign(value, name: str, campaign_ids: pd.Series) -> np.ndarray:
    if isinstance(value, Mapping) or isinstance(value, pd.Series):
        mapped = campaign_ids.map(value)
        if mapped.isna().any():
            missing = sorted(set(campaign_ids[mapped.isna()]))
            raise CRMDataError(
                f"{name}: no value for campaign_id {', '.join(map(str, missing[:5]))}; give one "
                "number for all campaigns or one per campaign_id"
            )
        values = mapped.to_numpy(dtype=float)
    else:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            raise CRMDataError(f"{name} must be a number in EUR (or a dict per campaign_id); got {value!r}")
        values = np.full(len(campaign_ids), float(value))
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise CRMDataError(f"{name} must be a non-negative number of EUR; got {value!r}")
    return values


def targeting_value(uplift_table: pd.DataFrame, margin_per_response, cost_per_contact) -> pd.DataFrame:
    """Compute the expected extra profit per contacted customer, to decide whom to contact.

    Contacting a customer costs ``cost_per_contact`` for sure but brings the
    margin of a response only with the *extra* probability the contact causes,
    the uplift. Per contacted customer::

        incremental_profit = uplift * margin_per_response - cost_per_contact
        break_even_uplift  = cost_per_contact / margin_per_response

    A cell is worth contacting when its uplift beats the break-even uplift.
    ``profit_ci_low`` / ``profit_ci_high`` carry the uplift's confidence
    interval through the same formula: if even the lower bound is positive the
    decision is safe; if the interval spans 0, the next campaign should keep
    testing. Each campaign is a lesson for the next one.

    Parameters
    ----------
    uplift_table : pandas.DataFrame
        The result of :func:`uplift` (columns ``campaign_id``, ``uplift``,
        ``ci_low``, ``ci_high``). Never modified.
    margin_per_response : float or mapping campaign_id -> float
        Contribution margin (EUR) of one extra response.
    cost_per_contact : float or mapping campaign_id -> float
        Cost (EUR) of contacting one customer, e.g. ``campaigns.cost_per_contact``.

    Returns
    -------
    pandas.DataFrame
        The uplift table plus ``incremental_profit``, ``profit_ci_low``,
        ``profit_ci_high`` (EUR per contacted customer), ``break_even_uplift``
        (share) and ``decision`` (``'contact'``, ``'test further'`` or
        ``'do not contact'``: lower bound above 0, interval spans 0, upper
        bound below 0). Sorted like the input.

    Examples
    --------
    >>> u = pd.DataFrame({"campaign_id": [1, 1], "segment": ["A", "B"],
    ...                   "uplift": [0.08, 0.01], "ci_low": [0.05, -0.02],
    ...                   "ci_high": [0.11, 0.04]})
    >>> targeting_value(u, margin_per_response=40.0, cost_per_contact=1.5)[
    ...     ["segment", "incremental_profit", "break_even_uplift", "decision"]]
      segment  incremental_profit  break_even_uplift      decision
    0       A                 1.7             0.0375       contact
    1       B                -1.1             0.0375  test further

    """
    if not isinstance(uplift_table, pd.DataFrame):
        raise CRMDataError(
            f"uplift_table: expected the DataFrame of uplift(), got {type(uplift_table).__name__}"
        )
    missing = [c for c in ("campaign_id", "uplift", "ci_low", "ci_high") if c not in uplift_table]
    if missing:
        raise CRMDataError(
            f"uplift_table: missing column(s) {', '.join(map(repr, missing))}; pass the result "
            "of crmlearn.interact.uplift(campaign_members)"
        )
    ids = uplift_table["campaign_id"]
    margin = _per_campaign(margin_per_response, "margin_per_response", ids)
    cost = _per_campaign(cost_per_contact, "cost_per_contact", ids)
    if np.any(margin <= 0):
        raise CRMDataError("margin_per_response must be positive (EUR per extra response)")
    out = uplift_table.copy()
    out["incremental_profit"] = out["uplift"].to_numpy(float) * margin - cost
    out["profit_ci_low"] = out["ci_low"].to_numpy(float) * margin - cost
    out["profit_ci_high"] = out["ci_high"].to_numpy(float) * margin - cost
    out["break_even_uplift"] = cost / margin
    out["decision"] = np.select(
        [out["profit_ci_low"] > 0, out["profit_ci_high"] < 0], ["contact", "do not contact"],
        default="test further")
    return out


def update_response_estimate(prior_alpha: float, prior_beta: float, responses, contacts,
                             credibility: float = 0.9) -> pd.DataFrame:
    """Learn a response rate from each batch of contacts (Beta-Binomial updating).

    Belief about the response rate ``p`` is a Beta(alpha, beta) distribution
    (prior mean ``alpha / (alpha + beta)``; ``alpha + beta`` acts like the
    number of contacts the prior is worth). After ``k`` responses out of ``n``
    contacts the belief becomes Beta(alpha + k, beta + n - k): every interaction
    moves the estimate, big batches more than small ones, and the interval
    narrows as evidence piles up.

    Parameters
    ----------
    prior_alpha, prior_beta : float
        Prior parameters, both positive; ``1, 1`` is a flat prior.
    responses, contacts : int or sequence of int
        Responses and contacts per batch (one number each for one batch, or
        equally long sequences for batches in time order); ``0 <= responses <=
        contacts``.
    credibility : float, default 0.9
        Probability inside the reported credible interval (equal tails).

    Returns
    -------
    pandas.DataFrame
        One row per step, starting with the prior (step 0): ``step``,
        ``contacts``, ``responses``, ``alpha``, ``beta``, ``mean``, ``ci_low``,
        ``ci_high`` (rates as shares 0-1).

    Examples
    --------
    >>> update_response_estimate(1, 1, responses=[3, 12], contacts=[20, 80])[
    ...     ["step", "alpha", "beta", "mean"]]
       step  alpha  beta      mean
    0     0    1.0   1.0  0.500000
    1     1    4.0  18.0  0.181818
    2     2   16.0  86.0  0.156863

    """
    for name, value in (("prior_alpha", prior_alpha), ("prior_beta", prior_beta)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value > 0:
            raise CRMDataError(f"{name} must be a positive number (1 for a flat prior); got {value!r}")
    if not 0 < credibility < 1:
        raise CRMDataError(f"credibility must be between 0 and 1; got {credibility!r}")
    k = np.atleast_1d(np.asarray(responses, dtype=float))
    n = np.atleast_1d(np.asarray(contacts, dtype=float))
    if k.shape != n.shape or k.ndim != 1:
        raise CRMDataError(
            f"responses and contacts must be equally long; got {k.size} responses and "
            f"{n.size} contacts"
        )
    bad = (k < 0) | (k > n) | (k != np.round(k)) | (n != np.round(n))
    if bad.any():
        raise CRMDataError(
            f"batches {', '.join(map(str, np.flatnonzero(bad)[:5] + 1))}: responses must be whole "
            "numbers between 0 and the number of contacts"
        )
    alpha = float(prior_alpha) + np.concatenate([[0.0], np.cumsum(k)])
    beta = float(prior_beta) + np.concatenate([[0.0], np.cumsum(n - k)])
    tail = (1 - credibility) / 2
    return pd.DataFrame({
        "step": np.arange(len(alpha)),
        "contacts": np.concatenate([[0], n]).astype(np.int64),
        "responses": np.concatenate([[0], k]).astype(np.int64),
        "alpha": alpha, "beta": beta, "mean": alpha / (alpha + beta),
        "ci_low": stats.beta.ppf(tail, alpha, beta),
        "ci_high": stats.beta.ppf(1 - tail, alpha, beta),
    })
