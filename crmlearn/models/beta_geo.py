"""BG/NBD: the beta-geometric / negative-binomial model of repeat buying.

Story (Fader, Hardie & Lee 2005): while active, a customer buys at a Poisson
rate ``lambda``; rates vary across customers as Gamma(shape ``r``, rate
``alpha``). After every purchase she may drop out for good with probability
``p``; ``p`` varies across customers as Beta(``a``, ``b``).
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, expit, gammaln, hyp2f1

from ..errors import CRMDataError
from ._base import (
    FittedModel,
    aggregate_rows,
    maximise_log_likelihood,
    require_repeat_buyers,
    rfm_facts,
    wrap_like,
)
from ._validation import as_float_array, check_rfm

__all__ = ["BetaGeo"]


class BetaGeo(FittedModel):
    r"""BG/NBD model for non-contractual repeat purchases.

    For a customer with ``x`` repeat purchases, the last one at time ``t_x``,
    observed for ``T`` time units since her first purchase, the likelihood is

    .. math::

        L = \frac{B(a, b + x)}{B(a, b)} \frac{\Gamma(r + x)\,\alpha^r}{\Gamma(r)\,
            (\alpha + T)^{r + x}}
          + \delta_{x>0} \frac{B(a + 1, b + x - 1)}{B(a, b)}
            \frac{\Gamma(r + x)\,\alpha^r}{\Gamma(r)\,(\alpha + t_x)^{r + x}}

    The first term: she is still alive at ``T``; the second: she dropped out
    right after her last purchase at ``t_x``. ``fit`` maximises the sum of
    ``log L`` over customers (identical rows are evaluated once and weighted).

    Attributes
    ----------
    params_ : dict
        Fitted ``r``, ``alpha`` (in the time unit of the inputs), ``a``, ``b``.
    log_likelihood_ : float
        Total log-likelihood at the estimates (same scale as the paper).
    n_customers_ : int
        Number of customers used in the fit.

    References
    ----------
    Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "Counting Your
    Customers the Easy Way: An Alternative to the Pareto/NBD Model."
    *Marketing Science* 24(2), 275-284.

    Examples
    --------
    >>> from crmlearn.models import BetaGeo, load_cdnow_summary
    >>> cdnow = load_cdnow_summary()
    >>> bg = BetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    >>> {k: round(v, 3) for k, v in bg.params_.items()}
    {'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
    >>> round(bg.log_likelihood_, 1)
    -9582.4
    >>> round(float(bg.prob_alive(2, 30.43, 38.86)), 3)
    0.727

    """

    _param_names = ("r", "alpha", "a", "b")

    def fit(self, frequency, recency, T):
        """Estimate ``r, alpha, a, b`` by maximum likelihood.

        Parameters
        ----------
        frequency : array-like of int
            Repeat purchases ``x`` per customer (>= 0).
        recency : array-like of float
            Time of the last repeat purchase since the first purchase, ``t_x``
            (0 when ``x = 0``; ``<= T``).
        T : array-like of float
            Time from the first purchase to the end of the calibration period.

        Returns
        -------
        BetaGeo
            ``self``, fitted.

        Raises
        ------
        crmlearn.CRMDataError
            Bad inputs (negative, missing, ``recency > T``, ...) or no
            convergence.

        """
        x, tx, big_t, _ = check_rfm(frequency, recency, T)
        require_repeat_buyers(x, "BG/NBD")
        (ux, utx, ut), w = aggregate_rows(x, tx, big_t)
        data = _BGData(ux, utx, ut, w)
        start = np.log([1.0, max(float(np.mean(big_t)), 1e-3) / 10.0, 1.0, 1.0])
        theta = maximise_log_likelihood(
            lambda th: data.neg_ll_and_grad(np.exp(th)),
            start,
            jac=True,
            facts=rfm_facts(x, len(x)),
            model="BG/NBD",
            n_weight=float(w.sum()),
        )
        ll = -data.neg_ll_and_grad(np.exp(theta))[0]
        self._store(theta, ll, len(x))
        self.data_ranges_ = {"max_frequency": int(x.max()), "max_T": float(big_t.max())}
        return self

    def prob_alive(self, frequency, recency, T):
        r"""Probability that each customer is still active at ``T``.

        .. math::

            P(\text{alive}) = \Big[1 + \delta_{x>0} \frac{a}{b + x - 1}
                \Big(\frac{\alpha + T}{\alpha + t_x}\Big)^{r + x}\Big]^{-1}

        Parameters
        ----------
        frequency, recency, T : array-like or scalar
            As in :meth:`fit`.

        Returns
        -------
        numpy.ndarray or pandas.Series
            Values in [0, 1]; a Series with the input's index if ``frequency``
            is a Series.

        Examples
        --------
        >>> bg = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> bg.prob_alive([0, 5], [0, 10.0], [30, 30]).round(3).tolist()
        [1.0, 0.078]

        """
        r, alpha, a, b = self._require_fit()
        x, tx, big_t, index = check_rfm(frequency, recency, T)
        log_odds = _log_death_odds(x, tx, big_t, r, alpha, a, b)
        return wrap_like(expit(-log_odds), index, "prob_alive", frequency)

    def expected_purchases(self, t, frequency, recency, T):
        r"""Return the expected repeat purchases in the next ``t`` time units, per customer.

        .. math::

            E[Y(t) \mid x, t_x, T] = \frac{a + b + x - 1}{a - 1}
            \Big[1 - \Big(\frac{\alpha + T}{\alpha + T + t}\Big)^{r + x}
            {}_2F_1\Big(r + x, b + x; a + b + x - 1; \frac{t}{\alpha + T + t}\Big)\Big]
            \times P(\text{alive})

        (equation 10 in Fader, Hardie & Lee 2005).

        Parameters
        ----------
        t : float or array-like
            Length of the forecast window, in the time unit of the fit.
        frequency, recency, T : array-like or scalar
            As in :meth:`fit`.

        Returns
        -------
        numpy.ndarray or pandas.Series
            Expected number of purchases (>= 0).

        Examples
        --------
        >>> bg = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> round(float(bg.expected_purchases(39, 2, 30.43, 38.86)), 3)
        1.226

        """
        r, alpha, a, b = self._require_fit()
        x, tx, big_t, index = check_rfm(frequency, recency, T)
        t_arr, _ = as_float_array(t, "t")
        if np.any(t_arr < 0):
            raise CRMDataError("t (forecast length) must be >= 0.")
        if t_arr.size == 1:
            t_arr = np.full_like(x, t_arr[0])
        z = t_arr / (alpha + big_t + t_arr)
        ratio = (r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + t_arr))
        a1 = a if abs(a - 1.0) > 1e-7 else 1.0 + 1e-7  # the formula is continuous at a = 1
        bracket = 1.0 - np.exp(ratio) * hyp2f1(r + x, b + x, a1 + b + x - 1.0, z)
        front = (a1 + b + x - 1.0) / (a1 - 1.0)
        alive = expit(-_log_death_odds(x, tx, big_t, r, alpha, a, b))
        out = np.maximum(front * bracket * alive, 0.0)
        return wrap_like(out, index, "expected_purchases", frequency)

    def expected_purchases_new(self, t):
        r"""Return the expected repeat purchases in ``(0, t]`` for a customer who just arrived.

        .. math::

            E[X(t)] = \frac{a + b - 1}{a - 1}\Big[1 - \Big(\frac{\alpha}{\alpha + t}\Big)^r
            {}_2F_1\Big(r, b; a + b - 1; \frac{t}{\alpha + t}\Big)\Big]

        Parameters
        ----------
        t : float or array-like
            Time since the first purchase, in the time unit of the fit.

        Returns
        -------
        numpy.ndarray or float
            Expected number of repeat purchases.

        Examples
        --------
        >>> bg = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> round(float(bg.expected_purchases_new(39)), 3)
        1.197

        """
        r, alpha, a, b = self._require_fit()
        t_arr = np.asarray(t, dtype=float)
        z = t_arr / (alpha + t_arr)
        a1 = a if abs(a - 1.0) > 1e-7 else 1.0 + 1e-7  # continuous at a = 1
        value = (
            (a1 + b - 1.0)
            / (a1 - 1.0)
            * (1.0 - (alpha / (alpha + t_arr)) ** r * hyp2f1(r, b, a1 + b - 1.0, z))
        )
        return value if value.ndim else float(value)

    @classmethod
    def from_params(cls, r: float, alpha: float, a: float, b: float) -> BetaGeo:
        """Build a model with given parameters (no fit), e.g. from a paper.

        Examples
        --------
        >>> BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        BetaGeo(r=0.243, alpha=4.414, a=0.793, b=2.426; not fitted to data)

        """
        model = cls()
        model.params_ = {"r": float(r), "alpha": float(alpha), "a": float(a), "b": float(b)}
        return model

    def log_likelihood(self, frequency, recency, T) -> float:
        """Total log-likelihood of the given customers at the current parameters.

        Examples
        --------
        >>> from crmlearn.models import load_cdnow_summary
        >>> d = load_cdnow_summary()
        >>> bg = BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> round(bg.log_likelihood(d["frequency"], d["recency"], d["T"]), 1)
        -9582.4

        """
        params = np.array(self._require_fit())
        x, tx, big_t, _ = check_rfm(frequency, recency, T)
        (ux, utx, ut), w = aggregate_rows(x, tx, big_t)
        return float(-_BGData(ux, utx, ut, w).neg_ll_and_grad(params)[0])


def _log_death_odds(x, tx, big_t, r, alpha, a, b):
    """Log of a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x); -inf when x = 0."""
    out = np.full(np.broadcast(x, tx, big_t).shape, -np.inf)
    x, tx, big_t = np.broadcast_arrays(x, tx, big_t)
    pos = x > 0
    xp = x[pos]
    out[pos] = (
        np.log(a)
        - np.log(b + xp - 1.0)
        + (r + xp) * (np.log(alpha + big_t[pos]) - np.log(alpha + tx[pos]))
    )
    return out


class _BGData:
    """Distinct (x, t_x, T) profiles with counts, split by x = 0 and x > 0."""

    def __init__(self, x, tx, big_t, w):
        self.ux, self.xinv = np.unique(x, return_inverse=True)
        self.nx = np.bincount(self.xinv, weights=w)  # customers per distinct x
        zero = x == 0
        self.w0, self.T0 = w[zero], big_t[zero]
        pos = ~zero
        self.w1, self.x1, self.tx1, self.T1 = w[pos], x[pos], tx[pos], big_t[pos]

    def neg_ll_and_grad(self, params):
        """Negative total LL and its gradient w.r.t. the log-parameters."""
        r, alpha, a, b = params
        ux, nx = self.ux, self.nx
        # Terms that depend on x only: evaluated once per distinct x.
        ll = np.sum(
            nx
            * (
                gammaln(r + ux)
                - gammaln(r)
                + r * np.log(alpha)
                + gammaln(a + b)
                + gammaln(b + ux)
                - gammaln(b)
                - gammaln(a + b + ux)
            )
        )
        g_r = np.sum(nx * (digamma(r + ux) - digamma(r) + np.log(alpha)))
        g_alpha = np.sum(nx) * r / alpha
        g_a = np.sum(nx * (digamma(a + b) - digamma(a + b + ux)))
        g_b = np.sum(nx * (digamma(a + b) + digamma(b + ux) - digamma(b) - digamma(a + b + ux)))

        # x = 0: only the "still alive" term A3 = -r log(alpha + T).
        log_at0 = np.log(alpha + self.T0)
        ll -= r * np.sum(self.w0 * log_at0)
        g_r -= np.sum(self.w0 * log_at0)
        g_alpha -= r * np.sum(self.w0 / (alpha + self.T0))

        # x > 0: log(exp(A3) + exp(A4)) with weights on the two terms.
        x, w = self.x1, self.w1
        log_at = np.log(alpha + self.T1)
        log_atx = np.log(alpha + self.tx1)
        a3 = -(r + x) * log_at
        a4 = np.log(a) - np.log(b + x - 1.0) - (r + x) * log_atx
        hi = np.maximum(a3, a4)
        e3, e4 = np.exp(a3 - hi), np.exp(a4 - hi)
        total = e3 + e4
        ll += np.sum(w * (hi + np.log(total)))
        p3 = w * e3 / total  # weight of the "alive" term (times the row count)
        p4 = w - p3
        g_r -= np.sum(p3 * log_at + p4 * log_atx)
        g_alpha -= np.sum((r + x) * (p3 / (alpha + self.T1) + p4 / (alpha + self.tx1)))
        g_a += np.sum(p4) / a
        g_b -= np.sum(p4 / (b + x - 1.0))

        grad = np.array([g_r, g_alpha, g_a, g_b]) * params  # chain rule: d/dlog(theta)
        return -ll, -grad
