"""Simulate the three fictional firms of the CRM world, with known ground truth.

:func:`generate` returns a :class:`~crmlearn.datasets._world.World`: every table of
:mod:`crmlearn.schema` plus the truth the firm cannot see. All randomness comes
from ``numpy.random.default_rng(seed)``; each table stage draws from its own child
generator (``rng.spawn``), so the same seed gives the same tables byte for byte.
The observation period runs from 2023-01-01 to 2025-12-31 (option
``observation_end``). Rates are per week, spends in EUR.

Common to all firms
-------------------
Customers get gender-consistent German first and last names (common names are
common, so several real "Thomas Müller" live in different towns), a birth year,
an e-mail derived from the name (umlauts written out: jürgen.müller becomes
juergen.mueller@web.de), a postcode with its town, a signup date (= first
purchase or contract start), an acquisition channel and its cost. Each customer
has 1-4 *touchpoint records* in the firm's systems with typos, umlaut spellings
(Müller/Mueller/Muller), nicknames (Thomas/Tom), changed e-mail providers,
postcode typos, gaps and duplicates; ``truth.record_links`` gives the owner.

retail: Gipfelglück Outdoor GmbH (non-contractual)
--------------------------------------------------
Customers are acquired uniformly over the first ``acquisition_months`` (12) months;
the first purchase happens at signup. Process ``"bgnbd"`` (Fader, Hardie & Lee 2005):

* purchase rate while alive  λ ~ Gamma(r, rate α), defaults r = 0.9, α = 12
  (mean 0.075 purchases a week, about 3.9 a year);
* dropout probability  p ~ Beta(a, b), defaults a = 0.9, b = 4.0 (mean 0.18);
* repeat purchases follow a Poisson process with rate λ; right after each repeat
  purchase the customer drops out with probability p. Simulated exactly: the
  number of repeat purchases until dropout K ~ Geometric(p), the number of
  Poisson arrivals in the customer's window N ~ Poisson(λ·T); the first min(K, N)
  arrival times are kept. The dropout date is the K-th repeat purchase if N ≥ K.

Process ``"pareto"`` (Schmittlein, Morrison & Colombo 1987): λ ~ Gamma(r, α) as
above, lifetime τ ~ Exponential(μ) with μ ~ Gamma(s, rate β), defaults s = 0.8,
β = 60 (mean lifetime about 1.4 years with a long tail); purchases are Poisson(λ)
until τ.

Several purchases of a customer may fall on the same day; they stay separate
transactions (``customer_summary`` counts purchase *days*).

Spend (Fader & Hardie Gamma-Gamma): per customer ν ~ Gamma(q, rate γ), each
purchase amount z ~ Gamma(p, rate ν), defaults p = 6, q = 4, γ = 45, so the mean
basket E[p/ν] = p·γ/(q-1) = 90 EUR; amounts are rounded to cents, at least 1 EUR,
and are the revenue *after* discount. ``truth.mean_spend`` = p/ν.

Needs segments hiker, camper, climber, family, casual (shares 28/18/12/17/25 %)
set the product categories bought, the preferred channel (online/store/phone,
used for 80 % of purchases), survey importances and campaign uplift. Each
purchase has 1 + Poisson(0.7) order lines, plus associations: a tent adds a
sleeping mat with probability 0.5, a stove a gas cartridge with 0.6, a climbing
rope carabiners with 0.5. A family's child grows: children's hiking shoes are
bought in the size that fits the child's age (Gr. 24, 27, 30, 33, one size per
300 days). Line amounts split the purchase amount in proportion to list prices;
rounding is fixed on the most expensive line. Product cost = Σ line amount ×
cost share. 15 % of purchases (70 % of campaign purchases) use a 10 % voucher:
discount = amount/9. Delivery cost: online 4.90, phone 5.90, store 0 EUR.
Returns: 6 % of online and 3 % of phone purchases come back 3-20 days later
(half of them completely, otherwise 20-80 %), as their own negative row.

Wallet: share of wallet ~ Beta(2, 3); wallet = λ·52·mean_spend / share (EUR a year).
Service contacts: Poisson(0.35 a year while active + 0.8 per return). Surveys:
25 % of customers answer once or twice after a purchase; a latent satisfaction
falls with the dropout propensity, so detractors (NPS 0-6) drop out more.
Campaigns: six campaigns, each with members split 80/20 into treatment and
control at random; a treated customer who is still alive makes one extra
"campaign purchase" in the response window with probability = the true uplift of
their segment (``truth.params["campaigns"]``). ``responded`` = any purchase in the
window, so the control group's response rate is the organic baseline.

subscription: FunkNetz Mobil (contractual)
------------------------------------------
Customers sign up over the whole period; the monthly intake falls linearly from
1.6 to 0.4 times the average month. Each has one contract: plan S 5GB 9.99,
M 20GB 19.99 or L unlimited 34.99 EUR a month (mix by needs segment
data_heavy/price_sensitive/family/basic); a share ``minimum_term_share`` (0.6)
has a 24-month minimum term, the rest can cancel monthly. Churn is
shifted-beta-geometric (Fader & Hardie 2007): each customer's monthly churn
probability θ ~ Beta(α, β), defaults α = 0.7, β = 3.5 (mean 0.17), so the
cohort's churn rate falls with tenure as the risky customers leave first. The
simulation steps through the calendar months (month 1 = signup month): in each
month an active customer cancels with probability θ, the contract then ends on
the last day of that month. With a 24-month term the probability is 0 in months
1-23 (churn draws there are ignored), so the earliest end is after month 24.
Complaints happen with probability 0.012·(1 + 4θ) a month and multiply θ by 1.5
from the next month on. Retention experiment: in January, April, July and
October 2024 the customers with a complaint in the previous three months (not yet
in a test) are split 50/50 at random; the treatment group gets 5 EUR off for 12
months (``discount`` on the invoices, an outbound call) and θ × ``retention_effect``
(0.6) during those 12 months; ``responded`` = still active 180 days after the
campaign start. One invoice per active month (channel "invoice", on the signup
day, then on the 1st of each month): fee + with probability 0.2 extra usage or
roaming ~ Gamma(2, scale 4) EUR − retention discount; product cost = 0.35 ×
amount (network cost). Every churner calls to cancel (reason "cancellation") in
their last month; hotline questions come at 0.04 a month. Surveys: after 30 % of
inbound phone contacts and each November for ``survey_share`` (0.3) of the active
customers; satisfaction = −0.8·z(θ) + noise − 0.6 after a complaint, so
detractors churn more. ``truth.churn_prob`` = θ (before complaint and offer
effects), ``mean_spend`` = expected monthly invoice, wallet = yearly telecom
budget = 12 × invoice / share with share ~ Beta(4, 2).

b2b: Bürobedarf Nord GmbH (office supplies wholesaler)
------------------------------------------------------
Companies (name from industry patterns such as "Schröder Logistik GmbH", "Praxis
Dr. Köhler", "Stadtwerke Lüneburg"; a buyer contact person) mostly exist
already: they are acquired uniformly over the first 6 months. Yearly potential
(wallet) ~ LogNormal(log median, σ) with ``size_params`` median = 6000 EUR,
σ = 1.2; share of wallet ~ Beta(3, 3). Mean order (list value) m = 250 ×
(wallet/6000)^0.5 EUR, × 0.4 for the 20 % "small-order" accounts; orders are
Poisson with weekly rate λ = share × wallet / (52 m) (a first order at signup);
order list values ~ Gamma(shape 2.5, mean m), at least 5 EUR. Lifetime ~
Exponential with rate −ln(1 − ``yearly_churn``)/52 a week (5 % a year). Accounts
with wallet ≥ 15 000 EUR hold a framework contract (12 months minimum, monthly fee
0) with discount rate 0.03 + 0.03·ln(wallet/15000), clipped to 3-15 %; discount
= list value × rate, amount = list value − discount. Each order has
1 + Poisson(1.5) lines drawn by category weights (paper, coffee and stationery
often, furniture rarely); a wireless mouse is followed by a wireless keyboard in
the account's next order with probability 0.4. Product cost shares 0.60-0.75 by
category; delivery cost 15 EUR + 2 % of the amount per order; 5 % of orders are
partly returned (10-100 %). Sales visits (outbound, 180 EUR) at
min(0.1 + 5·(wallet/50000)^0.7, 12) a year, +1 for service-oriented small-order
accounts; service calls (phone 6.50, e-mail 3.20 EUR) at 0.5 a year + 0.5 per
return + 1.5 a year for small-order accounts. So about 20 % of the accounts end
below zero at contribution margin III (revenue − product cost − delivery −
contact costs); ``truth.params["small_order_accounts"]`` lists the small-order
accounts. Two campaigns (catalogue letter 2024, paper offer 2025) with an 80/20
split and a true uplift of one extra order with probability 0.10 and 0.06.
Surveys each October for half of the active accounts. Touchpoint records come
from "erp", "webshop" and "field_crm": the buyer contact person plus the company
name as typed there ("GmbH" vs "Gmbh", "Schröder" vs "Schroeder").
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from ..errors import CRMDataError
from ..schema import TABLES, TRUTH_TABLES
from ._shipped import canonical
from ._world import Truth, World

__all__ = ["generate", "SCENARIOS", "OBSERVATION_START"]

SCENARIOS = ("retail", "subscription", "b2b")
OBSERVATION_START = pd.Timestamp("2023-01-01")
OBSERVATION_END = pd.Timestamp("2025-12-31")
DEFAULT_N = {"retail": 3000, "subscription": 3000, "b2b": 400}
COMMON_OPTIONS = ("observation_end", "acquisition_months", "survey_share")
OPTIONS = {
    "retail": COMMON_OPTIONS + ("process", "purchase_params", "pareto_params", "spend_params",
                                "return_rate"),
    "subscription": COMMON_OPTIONS + ("churn_params", "minimum_term_share", "retention_effect"),
    "b2b": COMMON_OPTIONS + ("size_params", "yearly_churn"),
}
DEFAULT_ACQUISITION_MONTHS = {"retail": 12, "subscription": None, "b2b": 6}


# --- small shared helpers -----------------------------------------------------------

def day_dates(start: pd.Timestamp, days) -> np.ndarray:
    """Midnight dates ``start + floor(days)`` as datetime64[ns] (NaN days -> NaT)."""
    days = np.asarray(days, dtype=float)
    out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    ok = ~np.isnan(days)
    out[ok] = np.datetime64(start.date(), "D") + np.floor(days[ok]).astype("timedelta64[D]")
    return out.astype("datetime64[ns]")


def month_start_day(start: pd.Timestamp, months) -> np.ndarray:
    """Day offset (from ``start``) of the first day of month ``months`` after start."""
    m0 = np.datetime64(start.date(), "M")
    d = (m0 + np.asarray(months).astype("timedelta64[M]")).astype("datetime64[D]")
    return (d - np.datetime64(start.date(), "D")).astype(np.int64)


def group_starts(counts: np.ndarray) -> np.ndarray:
    """Start position of each group in a flat array grouped by counts."""
    return np.cumsum(counts) - counts


def rank_in_group(group: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within runs of equal values of a sorted ``group`` array."""
    n = len(group)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.ones(n, dtype=bool)
    new[1:] = group[1:] != group[:-1]
    first = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    return np.arange(n) - first


def cents(x) -> np.ndarray:
    """Round EUR amounts to cents."""
    return np.round(np.asarray(x, dtype=float), 2)


def split_amounts(amount: np.ndarray, line_txn: np.ndarray, line_weight: np.ndarray):
    """Split each purchase amount over its lines in proportion to the weights.

    ``line_txn`` must be sorted and every purchase must have a line. Line amounts
    are rounded to cents and the rounding difference goes to the line with the
    largest weight, so the lines add up exactly.
    """
    n_txn = len(amount)
    counts = np.bincount(line_txn, minlength=n_txn)
    starts = group_starts(counts)
    wsum = np.add.reduceat(line_weight, starts)
    line_amt = cents(amount[line_txn] * line_weight / wsum[line_txn])
    diff = cents(amount - np.add.reduceat(line_amt, starts))
    wmax = np.maximum.reduceat(line_weight, starts)
    cand = np.nonzero(line_weight == wmax[line_txn])[0]
    first = np.ones(len(cand), dtype=bool)
    first[1:] = line_txn[cand[1:]] != line_txn[cand[:-1]]
    top = cand[first]  # one line per purchase, in purchase order
    line_amt[top] = cents(line_amt[top] + diff)
    return line_amt


def count_in_window(cust_sorted_key: np.ndarray, cust: np.ndarray, lo, hi, width: int):
    """Count events with key ``cust*width + day`` in [lo, hi] (days) for each member."""
    a = np.searchsorted(cust_sorted_key, cust * width + lo, side="left")
    b = np.searchsorted(cust_sorted_key, cust * width + hi, side="right")
    return b - a


def survey_scores(rng, n_answers, satisfaction, segment_importance, exp_shift=None):
    """NPS, CSAT, expectation/experience and importances from a latent satisfaction."""
    s = satisfaction + rng.normal(0, 0.45, n_answers)
    nps = np.clip(np.round(7.0 + 2.0 * s), 0, 10)
    csat = np.clip(np.round(3.8 + 0.8 * s + rng.normal(0, 0.45, n_answers)), 1, 5)
    base = 3.4 if exp_shift is None else 3.4 + exp_shift
    expectation = np.clip(np.round(base + rng.normal(0, 0.8, n_answers)), 1, 5)
    experience = np.clip(np.round(expectation + 0.9 * s + rng.normal(0, 0.6, n_answers)), 1, 5)
    imp = np.clip(np.round(segment_importance + rng.normal(0, 0.7, segment_importance.shape)),
                  1, 5)
    return {
        "nps": nps, "csat": csat, "expectation": expectation, "experience": experience,
        "importance_price": imp[:, 0], "importance_quality": imp[:, 1],
        "importance_service": imp[:, 2], "importance_sustainability": imp[:, 3],
    }


def zscore(x: np.ndarray) -> np.ndarray:
    """Standardise (rank-based, robust to heavy tails)."""
    from scipy.special import ndtri

    r = np.argsort(np.argsort(x, kind="stable"), kind="stable")
    return ndtri((r + 0.5) / len(x))


def finalise(name: str, data: dict) -> pd.DataFrame:
    """Build a table with exactly the schema's columns, order and canonical dtypes."""
    spec = TABLES.get(name) or TRUTH_TABLES[name]
    if set(data) != set(spec.names):
        raise RuntimeError(  # a bug in the generator, not a user error
            f"generator built table {name!r} with columns {sorted(data)}, schema has "
            f"{spec.names}"
        )
    return canonical(pd.DataFrame({c: data[c] for c in spec.names}), spec)


def empty(name: str) -> pd.DataFrame:
    """Return an empty table with the schema's columns and kinds."""
    spec = TABLES.get(name) or TRUTH_TABLES[name]
    kinds = {"int": np.int64, "float": np.float64, "str": object, "bool": bool,
             "date": "datetime64[ns]"}
    return finalise(name, {c.name: np.array([], dtype=kinds[c.kind]) for c in spec.columns})


class _Progress:
    def __init__(self, enabled: bool, stages: int, scenario: str):
        self.bar = None
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=stages, desc=f"generate {scenario}", unit="stage")

    def step(self, label: str):
        if self.bar is not None:
            self.bar.set_postfix_str(label)
            self.bar.update(1)

    def close(self):
        if self.bar is not None:
            self.bar.close()


# --- validation -----------------------------------------------------------------------

def _check_params(name: str, given, defaults: dict, positive=True) -> dict:
    if given is None:
        return dict(defaults)
    if not isinstance(given, dict):
        raise CRMDataError(
            f"option {name!r} must be a dict with keys {', '.join(defaults)}; got {given!r}"
        )
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise CRMDataError(
            f"option {name!r} has unknown keys {', '.join(map(repr, unknown))}; "
            f"allowed keys: {', '.join(defaults)}"
        )
    out = dict(defaults)
    for k, v in given.items():
        ok = isinstance(v, numbers.Real) and not isinstance(v, bool) and np.isfinite(v)
        if not ok or (positive and v <= 0):
            raise CRMDataError(
                f"{name}[{k!r}] must be a number > 0; got {v!r}. "
                f"Defaults: {', '.join(f'{a}={b}' for a, b in defaults.items())}"
            )
        out[k] = float(v)
    return out


def _check_share(name: str, value, default: float, lo=0.0, hi=1.0) -> float:
    if value is None:
        return default
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not (lo <= value <= hi):
        raise CRMDataError(f"option {name!r} must be a number in [{lo}, {hi}]; got {value!r}")
    return float(value)


def _common_options(scenario: str, options: dict):
    end = options.get("observation_end")
    if end is None:
        end = OBSERVATION_END
    else:
        try:
            end = pd.Timestamp(end).normalize()
        except (TypeError, ValueError):
            raise CRMDataError(
                f"option 'observation_end' must be a date like '2025-12-31'; got {end!r}"
            ) from None
        if end < OBSERVATION_START + pd.DateOffset(months=6):
            raise CRMDataError(
                f"option 'observation_end' must be at least six months after the start "
                f"{OBSERVATION_START.date()}; got {end.date()}"
            )
    total_months = (end.year - OBSERVATION_START.year) * 12 + end.month - OBSERVATION_START.month
    months = options.get("acquisition_months")
    if months is None:  # the default, cut to the observation period
        months = min(DEFAULT_ACQUISITION_MONTHS[scenario] or total_months + 1, total_months + 1)
    if isinstance(months, bool) or not isinstance(months, numbers.Integral) or not (
        1 <= months <= total_months + 1
    ):
        raise CRMDataError(
            f"option 'acquisition_months' must be a whole number of months from 1 to "
            f"{total_months + 1} (the observation period); got {months!r}"
        )
    return end, int(months)


def generate(scenario: str, n_customers: int | None = None, seed: int | None = 2024, *,
             progress: bool | None = None, **options) -> World:
    """Simulate one fictional firm: all CRM tables plus the true parameters.

    The processes, formulas and default parameters are described in the module
    docstring of :mod:`crmlearn.datasets._generator`.

    Parameters
    ----------
    scenario : {"retail", "subscription", "b2b"}
        ``"retail"``: Gipfelglück Outdoor GmbH, an outdoor retailer (non-contractual).
        ``"subscription"``: FunkNetz Mobil, a mobile-phone provider (contracts, churn).
        ``"b2b"``: Bürobedarf Nord GmbH, an office-supply wholesaler (few large accounts).
    n_customers : int, optional
        Number of customers; default 3000 (retail, subscription) or 400 (b2b).
    seed : int, default 2024
        Seed of ``numpy.random.default_rng``; the same seed gives the same tables.
    progress : bool, optional
        Show a progress bar over the generation stages. By default only for
        100 000 customers or more.
    **options
        Scenario options (all optional):

        All scenarios
            ``observation_end`` (``"2025-12-31"``): last day of the observation
            period, which starts on 2023-01-01.
            ``acquisition_months``: months over which customers sign up; retail
            12, subscription the whole period, b2b 6.
            ``survey_share``: share of customers who answer surveys; retail 0.25,
            subscription 0.3, b2b 0.5.
        retail
            ``process`` (``"bgnbd"`` or ``"pareto"``),
            ``purchase_params`` (``dict(r=0.9, alpha=12.0, a=0.9, b=4.0)``),
            ``pareto_params`` (``dict(r=0.9, alpha=12.0, s=0.8, beta=60.0)``),
            ``spend_params`` (``dict(p=6.0, q=4.0, gamma=45.0)``),
            ``return_rate`` (0.06, share of online purchases returned).
        subscription
            ``churn_params`` (``dict(alpha=0.7, beta=3.5)``),
            ``minimum_term_share`` (0.6, share of 24-month contracts),
            ``retention_effect`` (0.6, factor on the churn probability of customers
            who receive the retention offer).
        b2b
            ``size_params`` (``dict(median=6000.0, sigma=1.2)``: lognormal yearly
            potential in EUR), ``yearly_churn`` (0.05).

    Returns
    -------
    World
        ``world.tables`` holds every table of :data:`crmlearn.schema.TABLES`
        (empty with the schema's columns where the scenario has none);
        ``world.truth`` the parameters, the true customer properties and the
        true owners of the touchpoint records.

    Raises
    ------
    CRMDataError
        For an unknown scenario, a bad ``n_customers`` or an unknown or bad option.

    Examples
    --------
    >>> world = generate("retail", n_customers=50, seed=1)
    >>> world.customers.shape
    (50, 13)
    >>> world.firm
    'Gipfelglück Outdoor GmbH'

    """
    if scenario not in SCENARIOS:
        raise CRMDataError(
            f"unknown scenario {scenario!r}; choose one of {', '.join(map(repr, SCENARIOS))}"
        )
    if n_customers is None:
        n_customers = DEFAULT_N[scenario]
    if isinstance(n_customers, bool) or not isinstance(n_customers, numbers.Integral) or (
        n_customers < 1
    ):
        raise CRMDataError(f"n_customers must be a positive whole number; got {n_customers!r}")
    n_customers = int(n_customers)
    unknown = sorted(set(options) - set(OPTIONS[scenario]))
    if unknown:
        raise CRMDataError(
            f"unknown option(s) {', '.join(map(repr, unknown))} for scenario {scenario!r}; "
            f"allowed options: {', '.join(OPTIONS[scenario])}"
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise CRMDataError(f"seed must be a whole number or None; got {seed!r}")
    end, months = _common_options(scenario, options)
    show = n_customers >= 100_000 if progress is None else bool(progress)
    rng = np.random.default_rng(seed)

    if scenario == "retail":
        from . import _retail as module
    elif scenario == "subscription":
        from . import _subscription as module
    else:
        from . import _b2b as module
    opts = module.check_options(options)
    bar = _Progress(show, module.STAGES, scenario)
    try:
        result = module.simulate(rng, n_customers, OBSERVATION_START, end, months, opts, bar.step)
    finally:
        bar.close()
    tables = {name: empty(name) for name in TABLES}
    for name, data in result["tables"].items():
        tables[name] = finalise(name, data)
    params = {
        "scenario": scenario,
        "seed": None if seed is None else int(seed),
        "n_customers": n_customers,
        "observation_start": str(OBSERVATION_START.date()),
        "observation_end": str(end.date()),
        "acquisition_months": months,
        **result["params"],
    }
    truth = Truth(
        params=params,
        customers=finalise("truth_customers", result["truth_customers"]),
        record_links=finalise("truth_record_links", result["record_links"]),
    )
    return World(
        scenario=scenario,
        seed=None if seed is None else int(seed),
        observation_start=OBSERVATION_START,
        observation_end=end,
        tables=tables,
        truth=truth,
        firm=module.FIRM,
        description=module.DESCRIPTION,
    )
