"""Gamma-Gamma: how much a customer spends per purchase.

Story (Fader & Hardie 2013): each purchase of a customer has a value
~ Gamma(shape ``p``, rate ``nu``); ``nu`` varies across customers as
Gamma(shape ``q``, rate ``v``). Spend is assumed independent of how often a
customer buys, so the model combines with BG/NBD or Pareto/NBD.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma, gammaln

from ..errors import CRMDataError, describe_rows
from ._base import FittedModel, aggregate_rows, maximise_log_likelihood, wrap_like
from ._validation import as_float_array, check_non_negative, check_same_length

__all__ = ["GammaGamma"]


def _check_spend_inputs(frequency, monetary_value, *, repeat_only: bool):
    x, index = as_float_array(frequency, "frequency")
    m, _ = as_float_array(monetary_value, "monetary_value")
    check_same_length(frequency=x, monetary_value=m)
    check_non_negative(x, "frequency", index)
    check_non_negative(m, "monetary_value", index)
    rows = np.arange(len(x)) if index is None else index
    if repeat_only:
        zero = x == 0
        if zero.any():
            raise CRMDataError(
                f"GammaGamma is fitted on repeat customers only, but {int(zero.sum())} of "
                f"{len(x)} rows have frequency 0 ({describe_rows(rows[zero])}). Pass only "
                "repeat customers, e.g. summary[summary.frequency > 0]."
            )
    bad = (x > 0) & (m <= 0)
    if bad.any():
        raise CRMDataError(
            f"monetary_value must be > 0 for customers with repeat purchases, but "
            f"{int(bad.sum())} row(s) are <= 0 ({describe_rows(rows[bad])}). Drop them or "
            "check that returns were not netted into the mean spend."
        )
    return x, m, index


class GammaGamma(FittedModel):
    r"""Gamma-Gamma model of the mean spend per purchase.

    For a customer with ``x`` repeat purchases of mean value :math:`\bar z`,

    .. math::

        f(\bar z \mid x) = \frac{\Gamma(px + q)}{\Gamma(px)\,\Gamma(q)}
            \frac{v^q\, x^{px}\, \bar z^{\,px - 1}}{(v + x\bar z)^{px + q}}

    and the expected spend of her future purchases is

    .. math::

        E[Z \mid x, \bar z] = \frac{p\,(v + x\bar z)}{px + q - 1}
        = w\,\frac{pv}{q - 1} + (1 - w)\,\bar z,\quad
        w = \frac{q - 1}{px + q - 1},

    a weighted mean of the population mean and her own mean.

    Attributes
    ----------
    params_ : dict
        ``p``, ``q`` (dimensionless), ``v`` (currency units).
    log_likelihood_ : float
        Total log-likelihood at the estimates.

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2013). "The Gamma-Gamma Model of Monetary
    Value." http://brucehardie.com/notes/025/

    Examples
    --------
    >>> from crmlearn.models import GammaGamma, load_cdnow_summary
    >>> d = load_cdnow_summary()
    >>> repeat = d[d["frequency"] > 0]
    >>> gg = GammaGamma().fit(repeat["frequency"], repeat["monetary_value"])
    >>> {k: round(v, 2) for k, v in gg.params_.items()}
    {'p': 6.25, 'q': 3.74, 'v': 15.44}
    >>> round(float(gg.expected_spend(2, 22.35)), 2)
    24.66

    """

    _param_names = ("p", "q", "v")

    def fit(self, frequency, monetary_value):
        """Estimate ``p, q, v`` by maximum likelihood on repeat customers.

        Parameters
        ----------
        frequency : array-like of int
            Number of repeat purchases ``x`` (must be > 0 for every row).
        monetary_value : array-like of float
            Mean value of those ``x`` purchases (> 0).

        Returns
        -------
        GammaGamma
            ``self``, fitted.

        Raises
        ------
        crmlearn.CRMDataError
            If a row has frequency 0 (pass ``summary[summary.frequency > 0]``),
            spend <= 0, missing values or the estimation fails.

        """
        x, m, _ = _check_spend_inputs(frequency, monetary_value, repeat_only=True)
        (ux, um), w = aggregate_rows(x, m)
        log_x, log_m = np.log(ux), np.log(um)

        def neg_ll(theta):
            p, q, v = np.exp(theta)
            px = p * ux
            log_vxm = np.log(v + ux * um)
            ll_i = (
                gammaln(px + q)
                - gammaln(px)
                - gammaln(q)
                + q * np.log(v)
                + (px - 1.0) * log_m
                + px * log_x
                - (px + q) * log_vxm
            )
            psi = digamma(px + q)
            g_p = np.sum(w * ux * (psi - digamma(px) + log_m + log_x - log_vxm))
            g_q = np.sum(w * (psi - digamma(q) + np.log(v) - log_vxm))
            g_v = np.sum(w * (q / v - (px + q) / (v + ux * um)))
            return -np.sum(w * ll_i), -np.array([g_p * p, g_q * q, g_v * v])

        facts = (
            f"Data: {len(x)} repeat customers, mean spend {np.mean(m):.2f}, "
            f"largest frequency {int(np.max(x))}."
        )
        start = np.log([1.0, 1.0, max(float(np.mean(m)), 1e-6)])
        theta = maximise_log_likelihood(
            neg_ll, start, jac=True, facts=facts, model="Gamma-Gamma", n_weight=float(w.sum())
        )
        self._store(theta, -neg_ll(theta)[0], len(x))
        return self

    @classmethod
    def from_params(cls, p: float, q: float, v: float) -> GammaGamma:
        """Build a model with given parameters (no fit).

        Examples
        --------
        >>> GammaGamma.from_params(p=6.25, q=3.74, v=15.44)
        GammaGamma(p=6.25, q=3.74, v=15.44; not fitted to data)

        """
        model = cls()
        model.params_ = {"p": float(p), "q": float(q), "v": float(v)}
        return model

    def expected_spend(self, frequency, monetary_value):
        r"""Return the expected value of a future purchase, per customer.

        ``p (v + x m) / (p x + q - 1)``; customers with ``frequency = 0`` get
        the population mean ``p v / (q - 1)`` (their ``monetary_value`` is
        ignored).

        Parameters
        ----------
        frequency : array-like of int
            Repeat purchases ``x`` (0 allowed here).
        monetary_value : array-like of float
            Mean repeat spend (ignored where ``x = 0``).

        Returns
        -------
        numpy.ndarray or pandas.Series
            Expected spend per purchase, in the currency of ``monetary_value``.

        Examples
        --------
        >>> gg = GammaGamma.from_params(p=6.25, q=3.74, v=15.44)
        >>> gg.expected_spend([0, 1, 10], [0.0, 50.0, 50.0]).round(2).tolist()
        [35.22, 45.49, 49.38]

        """
        p, q, v = self._require_fit()
        if q <= 1:
            raise CRMDataError(
                f"The expected spend needs q > 1, but q = {q:.3g}: the mean spend of the "
                "population is infinite under these estimates. Check for extreme amounts."
            )
        x, m, index = _check_spend_inputs(frequency, monetary_value, repeat_only=False)
        m = np.where(x > 0, m, 0.0)
        out = p * (v + x * m) / (p * x + q - 1.0)
        return wrap_like(out, index, "expected_spend", frequency)
