"""Predictive customer lifetime value from a purchase model and a spend model."""

from __future__ import annotations

import math

import numpy as np

from ..errors import CRMDataError
from ._base import wrap_like
from ._validation import check_positive_number, check_rfm

__all__ = ["predictive_clv"]


def predictive_clv(
    purchase_model,
    spend_model,
    frequency,
    recency,
    T,
    monetary_value,
    margin: float,
    discount_rate: float,
    horizon: float,
    time_unit_per_year: float = 52,
    steps_per_year: int = 12,
):
    r"""Discounted expected margin of each customer over a future horizon.

    The horizon is cut into steps (by default months: ``steps_per_year=12``).
    For step ``k`` ending at time :math:`t_k` (in the model's time unit,
    measured from the end of the calibration period)

    .. math::

        CLV = m \cdot E[Z] \sum_{k=1}^{K}
              \frac{E[Y(t_k)] - E[Y(t_{k-1})]}{(1 + d)^{t_k / u}}

    with :math:`E[Y(t)]` the purchase model's conditional expected purchases,
    :math:`E[Z]` the spend model's expected spend per purchase, ``m`` the
    margin share, ``d`` the *annual* discount rate and ``u`` the number of time
    units per year. Purchases of a step are discounted from the step's end
    (a slightly conservative convention); the last step is cut at ``horizon``.

    Parameters
    ----------
    purchase_model : BetaGeo or ParetoNBD
        Fitted purchase model (anything with ``expected_purchases(t, x, t_x, T)``).
    spend_model : GammaGamma
        Fitted spend model (anything with ``expected_spend(x, m)``).
    frequency, recency, T : array-like
        Calibration summary, in the time unit of the purchase model.
    monetary_value : array-like
        Mean repeat spend (currency); ignored for customers with frequency 0,
        who get the population mean spend.
    margin : float
        Profit share of revenue, between 0 and 1 (0.3 means 30 %).
    discount_rate : float
        Annual discount rate, between 0 and 1 (0.1 means 10 % a year).
    horizon : float
        Length of the forecast, in the model's time unit (e.g. 104 weeks).
    time_unit_per_year : float
        Time units per year: 52 for weeks, 365 for days, 12 for months.
    steps_per_year : int
        Discounting steps per year (12: monthly).

    Returns
    -------
    pandas.Series or numpy.ndarray
        CLV per customer in currency; a Series named ``"clv"`` with the index
        of ``frequency`` when it is a Series.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "RFM and CLV: Using
    Iso-Value Curves for Customer Base Analysis." *Journal of Marketing
    Research* 42(4), 415-430.

    Examples
    --------
    >>> from crmlearn.models import BetaGeo, GammaGamma
    >>> bg = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> gg = GammaGamma.from_params(p=6.25, q=3.74, v=15.44)
    >>> clv = predictive_clv(bg, gg, [0, 2, 10], [0, 30.4, 37.0], [38.9, 38.9, 38.9],
    ...                      [0, 22.35, 40.0], margin=0.3, discount_rate=0.1, horizon=52)
    >>> clv.round(2).tolist()
    [2.53, 10.97, 93.73]

    """
    m = check_positive_number(margin, "margin", allow_zero=True)
    if m > 1:
        raise CRMDataError(f"margin is a share between 0 and 1 (0.3 means 30 %), got {margin!r}.")
    d = check_positive_number(discount_rate, "discount_rate", allow_zero=True)
    if d >= 1:
        raise CRMDataError(
            f"discount_rate is an annual rate between 0 and 1 (0.1 means 10 %), got "
            f"{discount_rate!r}."
        )
    h = check_positive_number(horizon, "horizon")
    per_year = check_positive_number(time_unit_per_year, "time_unit_per_year")
    steps = int(check_positive_number(steps_per_year, "steps_per_year"))
    x, tx, big_t, index = check_rfm(frequency, recency, T)
    spend = np.asarray(spend_model.expected_spend(x, monetary_value), dtype=float)

    step = per_year / steps
    n_steps = max(1, math.ceil(h / step - 1e-9))
    edges = np.minimum(np.arange(1, n_steps + 1) * step, h)
    value = np.zeros_like(x)
    previous = np.zeros_like(x)
    for t_k in edges:
        cumulative = np.asarray(purchase_model.expected_purchases(t_k, x, tx, big_t), dtype=float)
        value += (cumulative - previous) / (1.0 + d) ** (t_k / per_year)
        previous = cumulative
    return wrap_like(m * spend * value, index, "clv", frequency)
