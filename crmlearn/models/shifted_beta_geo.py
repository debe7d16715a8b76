"""Shifted-beta-geometric (sBG): retention of subscribers in a contractual setting.

Story (Fader & Hardie 2007): at the end of every period each customer cancels
with her own constant probability ``theta``; ``theta`` varies across customers
as Beta(``alpha``, ``beta``). Because the customers most likely to cancel
leave first, the retention rate of the cohort *rises* over time.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaln, hyp2f1

from ..errors import CRMDataError
from ._base import FittedModel, maximise_log_likelihood
from ._validation import as_float_array, check_positive_number

__all__ = ["ShiftedBetaGeo"]


def _log_pmf(t, alpha, beta):
    """Log P(T = t) = log B(alpha + 1, beta + t - 1) - log B(alpha, beta), t >= 1."""
    return betaln(alpha + 1.0, beta + t - 1.0) - betaln(alpha, beta)


def _log_survival(t, alpha, beta):
    """Log S(t) = log P(T > t) = log B(alpha, beta + t) - log B(alpha, beta)."""
    return betaln(alpha, beta + t) - betaln(alpha, beta)


class ShiftedBetaGeo(FittedModel):
    r"""Shifted-beta-geometric model of contract renewals.

    ``T`` is the period in which a customer cancels (``T = 1``: she leaves at
    the end of the first period). With :math:`B` the beta function,

    .. math::

        P(T = t) = \frac{B(\alpha + 1, \beta + t - 1)}{B(\alpha, \beta)},\qquad
        S(t) = P(T > t) = \frac{B(\alpha, \beta + t)}{B(\alpha, \beta)},\qquad
        r_t = \frac{S(t)}{S(t-1)} = \frac{\beta + t - 1}{\alpha + \beta + t - 1}.

    ``fit`` takes the number of customers still active at ``t = 0, 1, ..., n``
    and maximises

    .. math::

        LL = \sum_{t=1}^{n} (s_{t-1} - s_t) \log P(T = t) + s_n \log S(n).

    Attributes
    ----------
    params_ : dict
        ``alpha`` and ``beta`` of the beta distribution of churn probabilities.
    log_likelihood_ : float
        Total log-likelihood at the estimates.

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2007). "How to Project Customer
    Retention." *Journal of Interactive Marketing* 21(1), 76-90.
    Fader, P. S. & Hardie, B. G. S. (2010). "Customer-Base Valuation in a
    Contractual Setting: The Perils of Ignoring Heterogeneity." *Marketing
    Science* 29(1), 85-93.

    Examples
    --------
    >>> regular = [1000, 631, 468, 382, 326, 289, 262, 241]
    >>> sbg = ShiftedBetaGeo().fit(regular)
    >>> {k: round(v, 3) for k, v in sbg.params_.items()}
    {'alpha': 0.704, 'beta': 1.182}
    >>> round(sbg.log_likelihood_, 1)
    -1680.3
    >>> [round(1000 * s) for s in sbg.survival([8, 12])]
    [220, 170]

    """

    _param_names = ("alpha", "beta")

    def fit(self, survivors):
        """Estimate ``alpha, beta`` from survivor counts of one cohort.

        Parameters
        ----------
        survivors : array-like of int
            Customers still active at ``t = 0, 1, 2, ...``; ``survivors[0]`` is
            the cohort size. Counts must be whole, non-negative and must not
            increase.

        Returns
        -------
        ShiftedBetaGeo
            ``self``, fitted.

        """
        s, _ = as_float_array(survivors, "survivors")
        if s.size < 2:
            raise CRMDataError(
                "survivors needs at least two counts: the cohort size at t=0 and the number "
                "still active at t=1."
            )
        if np.any(s < 0) or np.any(s != np.round(s)):
            raise CRMDataError("survivors must be whole, non-negative counts of customers.")
        rises = np.flatnonzero(np.diff(s) > 0) + 1
        if rises.size:
            raise CRMDataError(
                "survivors must not increase (a cohort only loses customers), but it rises at "
                f"t = {', '.join(str(int(t)) for t in rises[:5])}. Pass one cohort's counts of "
                "customers still active at t = 0, 1, 2, ..."
            )
        if s[0] == 0:
            raise CRMDataError("survivors[0] (the cohort size) must be > 0.")
        lost = s[:-1] - s[1:]
        t = np.arange(1, s.size, dtype=float)
        n = float(s.size - 1)
        last = s[-1]

        def neg_ll(theta):
            a, b = np.exp(theta)
            return -(np.sum(lost * _log_pmf(t, a, b)) + last * _log_survival(n, a, b))

        facts = (
            f"Data: cohort of {int(s[0])} customers over {int(n)} periods, "
            f"{int(last)} still active at the end."
        )
        theta = maximise_log_likelihood(
            neg_ll, np.zeros(2), jac=False, facts=facts, model="sBG", n_weight=float(s[0])
        )
        self._store(theta, -neg_ll(theta), int(s[0]))
        return self

    @classmethod
    def from_params(cls, alpha: float, beta: float) -> ShiftedBetaGeo:
        """Build a model with given parameters (no fit).

        Examples
        --------
        >>> ShiftedBetaGeo.from_params(alpha=0.668, beta=3.806)
        ShiftedBetaGeo(alpha=0.668, beta=3.806; not fitted to data)

        """
        model = cls()
        model.params_ = {"alpha": float(alpha), "beta": float(beta)}
        return model

    def _t(self, t, name="t", minimum=0):
        arr = np.asarray(t, dtype=float)
        if np.any(~np.isfinite(arr)) or np.any(arr < minimum):
            raise CRMDataError(f"{name} must be a period number >= {minimum}, got {t!r}.")
        return arr

    def survival(self, t):
        """Share of the cohort still active after ``t`` periods, ``S(t)``.

        Parameters
        ----------
        t : int or array-like
            Period(s), ``t >= 0`` (``S(0) = 1``).

        Returns
        -------
        numpy.ndarray or float
            Survival probability.

        Examples
        --------
        >>> m = ShiftedBetaGeo.from_params(alpha=0.704, beta=1.182)
        >>> m.survival([0, 1, 7]).round(3).tolist()
        [1.0, 0.627, 0.24]

        """
        alpha, beta = self._require_fit()
        out = np.exp(_log_survival(self._t(t), alpha, beta))
        return out if out.ndim else float(out)

    def retention(self, t):
        """Retention rate in period ``t``: ``(beta + t - 1) / (alpha + beta + t - 1)``.

        The share of customers active at ``t - 1`` who are still active at ``t``.

        Parameters
        ----------
        t : int or array-like
            Period(s), ``t >= 1``.

        Returns
        -------
        numpy.ndarray or float
            Retention rate (rises with ``t``).

        Examples
        --------
        >>> m = ShiftedBetaGeo.from_params(alpha=0.704, beta=1.182)
        >>> m.retention([1, 2, 10]).round(3).tolist()
        [0.627, 0.756, 0.935]

        """
        alpha, beta = self._require_fit()
        tt = self._t(t, minimum=1)
        out = (beta + tt - 1.0) / (alpha + beta + tt - 1.0)
        return out if out.ndim else float(out)

    def churn_probability(self, t):
        """Probability that a new customer cancels exactly in period ``t``, ``P(T = t)``.

        Parameters
        ----------
        t : int or array-like
            Period(s), ``t >= 1``.

        Returns
        -------
        numpy.ndarray or float
            Probability.

        Examples
        --------
        >>> m = ShiftedBetaGeo.from_params(alpha=0.704, beta=1.182)
        >>> round(m.churn_probability(1), 3)
        0.373

        """
        alpha, beta = self._require_fit()
        out = np.exp(_log_pmf(self._t(t, minimum=1), alpha, beta))
        return out if out.ndim else float(out)

    def discounted_expected_lifetime(self, discount):
        r"""Discounted expected lifetime (DEL) of a new customer, in periods.

        Each period's payment is made at the start of the period, so the first
        counts in full:

        .. math::

            DEL = \sum_{t=0}^{\infty} \frac{S(t)}{(1 + d)^t}
                = {}_2F_1\Big(1, \beta; \alpha + \beta; \frac{1}{1 + d}\Big)

        Multiply by the margin per period to get the expected CLV.

        Parameters
        ----------
        discount : float
            Discount rate ``d`` per period (> 0), e.g. 0.10.

        Returns
        -------
        float
            Expected discounted number of payments.

        Examples
        --------
        >>> m = ShiftedBetaGeo.from_params(alpha=0.668, beta=3.806)
        >>> round(m.discounted_expected_lifetime(0.10), 2)
        5.92

        """
        alpha, beta = self._require_fit()
        d = check_positive_number(discount, "discount")
        return float(hyp2f1(1.0, beta, alpha + beta, 1.0 / (1.0 + d)))

    def discounted_expected_residual_lifetime(self, discount, periods_alive: int = 1):
        r"""Discounted expected residual lifetime (DERL) of an active customer.

        For a customer who has been active for ``n = periods_alive`` periods
        (she has renewed ``n - 1`` times) and is about to decide on renewal
        number ``n`` (Fader & Hardie 2010, eq. 6):

        .. math::

            DERL(d \mid n) = \sum_{k=0}^{\infty} \frac{S(n + k)}{S(n - 1)\,(1 + d)^k}
            = \frac{\beta + n - 1}{\alpha + \beta + n - 1}\,
              {}_2F_1\Big(1, \beta + n; \alpha + \beta + n; \frac{1}{1 + d}\Big)

        i.e. the next payment (made at renewal, now) counts in full if she
        renews. Multiply by the margin per period for the residual value.

        Parameters
        ----------
        discount : float
            Discount rate ``d`` per period (> 0).
        periods_alive : int
            ``n >= 1``: periods the customer has been active so far.

        Returns
        -------
        float
            Expected discounted number of future payments.

        Examples
        --------
        >>> m = ShiftedBetaGeo.from_params(alpha=0.668, beta=3.806)
        >>> [round(m.discounted_expected_residual_lifetime(0.10, n), 2) for n in (1, 5)]
        [5.41, 6.9]

        """
        alpha, beta = self._require_fit()
        d = check_positive_number(discount, "discount")
        n = int(periods_alive)
        if n != periods_alive or n < 1:
            raise CRMDataError(f"periods_alive must be a whole number >= 1, got {periods_alive!r}.")
        front = (beta + n - 1.0) / (alpha + beta + n - 1.0)
        return float(front * hyp2f1(1.0, beta + n, alpha + beta + n, 1.0 / (1.0 + d)))
