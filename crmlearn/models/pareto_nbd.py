"""Pareto/NBD: Poisson purchases with an exponential lifetime.

Story (Schmittlein, Morrison & Colombo 1987): while active, a customer buys at
a Poisson rate ``lambda`` ~ Gamma(``r``, ``alpha``); her unobserved lifetime is
exponential with rate ``mu`` ~ Gamma(``s``, ``beta``). Unlike BG/NBD, a
customer can drop out at any moment, not only right after a purchase.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln, hyp2f1

from ..errors import CRMDataError
from ._base import (
    FittedModel,
    aggregate_rows,
    factorize_rows,
    maximise_log_likelihood,
    require_repeat_buyers,
    rfm_facts,
    wrap_like,
)
from ._validation import as_float_array, check_rfm

__all__ = ["ParetoNBD"]


def _log_tail(t, x, r, alpha, s, beta):
    r"""Log of the 'dropped out before t' building block, in a stable form.

    Fader, Hardie & Lee (2005, note) write the likelihood with

    .. math::

        A(t) = \frac{{}_2F_1(r+s+x,\ s+1;\ r+s+x+1;\ \frac{\alpha-\beta}{\alpha+t})}
                    {(\alpha+t)^{r+s+x}}\quad(\alpha \ge \beta)

    and the mirror image with ``r + x`` and ``beta`` for ``alpha < beta``.
    Euler's transformation :math:`{}_2F_1(a,b;c;z)=(1-z)^{c-a-b}{}_2F_1(c-a,c-b;c;z)`
    turns both into series with first argument 1 that converge on ``[0, 1]``:

    .. math::

        A(t) = (\alpha+t)^{-(r+x)}(\beta+t)^{-s}\,
               {}_2F_1\big(1,\ r+x;\ r+s+x+1;\ \tfrac{\alpha-\beta}{\alpha+t}\big)
               \quad(\alpha \ge \beta)

        A(t) = (\alpha+t)^{-(r+x)+1}(\beta+t)^{-(s+1)}\,
               {}_2F_1\big(1,\ s+1;\ r+s+x+1;\ \tfrac{\beta-\alpha}{\beta+t}\big)
               \quad(\alpha < \beta)

    Everything is returned on the log scale. The parameters may also be
    columns of shape ``(k, 1)`` (k parameter sets at once, used for the
    numerical gradient); the result then has shape ``(k, len(t))``.
    """
    if np.ndim(alpha) == 0:
        return _log_tail_case(t, x, r, alpha, s, beta, alpha >= beta)
    r, alpha, s, beta = np.broadcast_arrays(r, alpha, s, beta)
    out = np.empty(np.broadcast_shapes(alpha.shape, np.shape(t)))
    ge = alpha[:, 0] >= beta[:, 0]
    for rows, case in ((ge, True), (~ge, False)):
        if rows.any():
            out[rows] = _log_tail_case(t, x, r[rows], alpha[rows], s[rows], beta[rows], case)
    return out


def _log_tail_case(t, x, r, alpha, s, beta, alpha_ge_beta):
    """One of the two stable forms of :func:`_log_tail`."""
    c = r + s + x + 1.0
    if alpha_ge_beta:
        z = (alpha - beta) / (alpha + t)
        return (
            -(r + x) * np.log(alpha + t) - s * np.log(beta + t) + np.log(hyp2f1(1.0, r + x, c, z))
        )
    z = (beta - alpha) / (beta + t)
    return (
        (1.0 - r - x) * np.log(alpha + t)
        - (s + 1.0) * np.log(beta + t)
        + np.log(hyp2f1(1.0, s + 1.0, c, z))
    )


def _log_alive_and_total(x, tx, big_t, r, alpha, s, beta, tail_tx=None, tail_t=None):
    """Return (log of the 'alive at T' term, log of the bracket of the likelihood).

    ``tail_tx`` and ``tail_t`` may hold precomputed ``_log_tail`` values (the
    fit evaluates them once per distinct (x, t_x) and (x, T) pair).
    """
    log_alive = -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)
    log_c = np.log(s) - np.log(r + s + x)
    if tail_tx is None:
        tail_tx = _log_tail(tx, x, r, alpha, s, beta)
    if tail_t is None:
        tail_t = _log_tail(big_t, x, r, alpha, s, beta)
    l_tx = log_c + tail_tx
    l_t = log_c + tail_t
    hi = np.maximum(log_alive, l_tx)
    inner = np.exp(log_alive - hi) + np.exp(l_tx - hi) - np.exp(l_t - hi)
    return log_alive, hi + np.log(inner)


class ParetoNBD(FittedModel):
    r"""Pareto/NBD model for non-contractual repeat purchases.

    With ``x`` repeat purchases, the last at ``t_x``, observed up to ``T``:

    .. math::

        L = \frac{\Gamma(r+x)\,\alpha^r\beta^s}{\Gamma(r)}
            \Big[\frac{1}{(\alpha+T)^{r+x}(\beta+T)^s}
            + \frac{s}{r+s+x}\big(A(t_x) - A(T)\big)\Big]

    where ``A`` involves the Gauss hypergeometric function
    (see :func:`_log_tail`; the ``alpha >= beta`` and ``alpha < beta`` cases
    are both handled in a form that stays finite). The first term is "alive
    at ``T``", the second "died somewhere between ``t_x`` and ``T``".

    Attributes
    ----------
    params_ : dict
        ``r``, ``alpha`` (purchase rate heterogeneity) and ``s``, ``beta``
        (drop-out rate heterogeneity); ``alpha``, ``beta`` in the time unit of
        the inputs.
    log_likelihood_ : float
        Total log-likelihood at the estimates.

    References
    ----------
    Schmittlein, D. C., Morrison, D. G. & Colombo, R. (1987). "Counting Your
    Customers: Who Are They and What Will They Do Next?" *Management Science*
    33(1), 1-24. Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005). "A Note
    on Deriving the Pareto/NBD Model and Related Expressions."

    Examples
    --------
    >>> from crmlearn.models import ParetoNBD, load_cdnow_summary
    >>> d = load_cdnow_summary()
    >>> pn = ParetoNBD().fit(d["frequency"], d["recency"], d["T"])
    >>> {k: round(v, 3) for k, v in pn.params_.items()}
    {'r': 0.553, 'alpha': 10.578, 's': 0.606, 'beta': 11.668}
    >>> round(pn.log_likelihood_, 1)
    -9595.0

    """

    _param_names = ("r", "alpha", "s", "beta")

    def fit(self, frequency, recency, T):
        """Estimate ``r, alpha, s, beta`` by maximum likelihood.

        Parameters
        ----------
        frequency : array-like of int
            Repeat purchases ``x`` per customer.
        recency : array-like of float
            Time of the last repeat purchase since the first (``<= T``).
        T : array-like of float
            Time from the first purchase to the end of calibration.

        Returns
        -------
        ParetoNBD
            ``self``, fitted.

        """
        x, tx, big_t, _ = check_rfm(frequency, recency, T)
        require_repeat_buyers(x, "Pareto/NBD")
        (ux, utx, ut), w = aggregate_rows(x, tx, big_t)
        lg_x, lg_inv = np.unique(ux, return_inverse=True)
        n_x = np.bincount(lg_inv, weights=w)
        # The costly hypergeometric terms depend on (x, t_x) or on (x, T) only:
        # evaluate them once per distinct pair, then look them up per row.
        (px, ptx), code_tx = factorize_rows(ux, utx)
        (qx, qt), code_t = factorize_rows(ux, ut)

        def neg_ll_many(thetas):
            # thetas: (k, 4) log-parameter sets -> (k,) negative log-likelihoods
            r, alpha, s, beta = np.exp(thetas).T[:, :, None]  # each (k, 1)
            const = (
                np.sum(n_x * (gammaln(r + lg_x) - gammaln(r)), axis=1)
                + w.sum() * (r * np.log(alpha) + s * np.log(beta))[:, 0]
            )
            # bracket = alive(T) - c*A(T) + c*A(t_x): the first two terms depend
            # on (x, T) only, the last on (x, t_x) only.
            log_alive = -(r + qx) * np.log(alpha + qt) - s * np.log(beta + qt)
            l_t = np.log(s) - np.log(r + s + qx) + _log_tail(qt, qx, r, alpha, s, beta)
            gap = np.minimum(l_t - log_alive, 0.0)  # c*A(T) <= alive(T)
            alive_minus = log_alive + np.log1p(-np.exp(gap))
            l_tx = np.log(s) - np.log(r + s + px) + _log_tail(ptx, px, r, alpha, s, beta)
            log_bracket = np.logaddexp(alive_minus[:, code_t], l_tx[:, code_tx])
            return -(const + np.sum(w * log_bracket, axis=1))

        def neg_ll(theta):
            return float(neg_ll_many(np.asarray(theta)[None, :])[0])

        def neg_ll_and_grad(theta):
            # No closed form for the derivatives of 2F1 in its parameters:
            # central differences, all nine points evaluated in one batch.
            step = 1e-5 * np.eye(4)
            values = neg_ll_many(np.vstack([theta, theta + step, theta - step]))
            return values[0], (values[1:5] - values[5:9]) / 2e-5

        scale = max(float(np.mean(big_t)), 1e-3) / 4.0
        start = np.log([1.0, scale, 1.0, scale])
        theta = maximise_log_likelihood(
            neg_ll_and_grad,
            start,
            jac=True,
            facts=rfm_facts(x, len(x)),
            model="Pareto/NBD",
            n_weight=float(w.sum()),
        )
        self._store(theta, -neg_ll(theta), len(x))
        self.data_ranges_ = {"max_frequency": int(x.max()), "max_T": float(big_t.max())}
        return self

    @classmethod
    def from_params(cls, r: float, alpha: float, s: float, beta: float) -> ParetoNBD:
        """Build a model with given parameters (no fit), e.g. from a paper.

        Examples
        --------
        >>> ParetoNBD.from_params(r=0.553, alpha=10.578, s=0.606, beta=11.669)
        ParetoNBD(r=0.553, alpha=10.58, s=0.606, beta=11.67; not fitted to data)

        """
        model = cls()
        model.params_ = {"r": float(r), "alpha": float(alpha), "s": float(s), "beta": float(beta)}
        return model

    def log_likelihood(self, frequency, recency, T) -> float:
        """Total log-likelihood of the given customers at the current parameters.

        Examples
        --------
        >>> from crmlearn.models import load_cdnow_summary
        >>> d = load_cdnow_summary()
        >>> pn = ParetoNBD.from_params(r=0.553, alpha=10.578, s=0.606, beta=11.669)
        >>> round(pn.log_likelihood(d["frequency"], d["recency"], d["T"]), 1)
        -9595.0

        """
        r, alpha, s, beta = self._require_fit()
        x, tx, big_t, _ = check_rfm(frequency, recency, T)
        _, log_bracket = _log_alive_and_total(x, tx, big_t, r, alpha, s, beta)
        const = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        return float(np.sum(const + log_bracket))

    def prob_alive(self, frequency, recency, T):
        r"""Probability that each customer is still active at ``T``.

        ``P(alive) = [1/((alpha+T)^(r+x) (beta+T)^s)] / [bracket of L]``, the
        share of the likelihood that comes from the "alive at T" term.

        Parameters
        ----------
        frequency, recency, T : array-like or scalar
            As in :meth:`fit`.

        Returns
        -------
        numpy.ndarray or pandas.Series
            Values in [0, 1].

        Examples
        --------
        >>> pn = ParetoNBD.from_params(r=0.553, alpha=10.578, s=0.606, beta=11.669)
        >>> pn.prob_alive([0, 5], [0, 10.0], [30, 30]).round(3).tolist()
        [0.357, 0.143]

        """
        r, alpha, s, beta = self._require_fit()
        x, tx, big_t, index = check_rfm(frequency, recency, T)
        log_alive, log_bracket = _log_alive_and_total(x, tx, big_t, r, alpha, s, beta)
        alive = np.clip(np.exp(log_alive - log_bracket), 0.0, 1.0)
        return wrap_like(alive, index, "prob_alive", frequency)

    def expected_purchases(self, t, frequency, recency, T):
        r"""Return the expected repeat purchases in the next ``t`` time units, per customer.

        .. math::

            E[Y(t)\mid x, t_x, T] = \frac{(r+x)(\beta+T)}{(\alpha+T)(s-1)}
            \Big[1 - \Big(\frac{\beta+T}{\beta+T+t}\Big)^{s-1}\Big]\,P(\text{alive})

        (for ``s = 1`` the bracket over ``s - 1`` becomes ``log((beta+T+t)/(beta+T))``).

        Parameters
        ----------
        t : float or array-like
            Forecast window, in the time unit of the fit.
        frequency, recency, T : array-like or scalar
            As in :meth:`fit`.

        Returns
        -------
        numpy.ndarray or pandas.Series
            Expected number of purchases (>= 0).

        Examples
        --------
        >>> pn = ParetoNBD.from_params(r=0.553, alpha=10.578, s=0.606, beta=11.669)
        >>> round(float(pn.expected_purchases(39, 2, 30.43, 38.86)), 3)
        1.455

        """
        r, alpha, s, beta = self._require_fit()
        x, tx, big_t, index = check_rfm(frequency, recency, T)
        t_arr, _ = as_float_array(t, "t")
        if np.any(t_arr < 0):
            raise CRMDataError("t (forecast length) must be >= 0.")
        log_alive, log_bracket = _log_alive_and_total(x, tx, big_t, r, alpha, s, beta)
        alive = np.clip(np.exp(log_alive - log_bracket), 0.0, 1.0)
        growth = _growth(np.log1p(t_arr / (beta + big_t)), s)
        out = (r + x) * (beta + big_t) / (alpha + big_t) * growth * alive
        return wrap_like(np.maximum(out, 0.0), index, "expected_purchases", frequency)

    def expected_purchases_new(self, t):
        r"""Return the expected repeat purchases in ``(0, t]`` for a customer who just arrived.

        .. math::

            E[X(t)] = \frac{r\beta}{\alpha(s-1)}\Big[1 - \Big(\frac{\beta}{\beta+t}\Big)^{s-1}\Big]

        Parameters
        ----------
        t : float or array-like
            Time since the first purchase.

        Returns
        -------
        numpy.ndarray or float
            Expected number of repeat purchases.

        Examples
        --------
        >>> pn = ParetoNBD.from_params(r=0.553, alpha=10.578, s=0.606, beta=11.669)
        >>> round(float(pn.expected_purchases_new(39)), 3)
        1.213

        """
        r, alpha, s, beta = self._require_fit()
        t_arr = np.asarray(t, dtype=float)
        value = r * beta / alpha * _growth(np.log1p(t_arr / beta), s)
        return value if value.ndim else float(value)


def _growth(log_ratio, s):
    """``(1 - exp(-(s-1) * log_ratio)) / (s - 1)``, equal to ``log_ratio`` at s = 1."""
    k = s - 1.0
    if abs(k) < 1e-10:
        return log_ratio
    return -np.expm1(-k * log_ratio) / k
