"""Machinery every model shares: aggregation, the optimiser and error reports.

Each model only writes its log-likelihood (and gradient) for a *weighted* set
of distinct customer profiles. This module

1. collapses identical rows (for example all customers with ``frequency=0``
   and the same ``T``) into one profile with a count, so the likelihood is
   evaluated once per distinct profile;
2. maximises the log-likelihood with :func:`scipy.optimize.minimize` over the
   logarithms of the parameters (so they stay positive);
3. turns an optimiser failure into a :class:`~crmlearn.errors.CRMDataError`
   with facts about the data and a next step, instead of returning wrong
   numbers quietly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from ..errors import CRMDataError

__all__ = ["FittedModel", "aggregate_rows", "factorize_rows", "maximise_log_likelihood"]

# A log-parameter beyond this size means the estimate runs off to 0 or infinity.
_LOG_PARAM_LIMIT = 11.0


def aggregate_rows(*columns):
    """Collapse identical rows of several equal-length float columns.

    Returns ``(unique_columns, counts)``: a list with one array per input
    column holding each distinct row once, and how many rows had it.

    >>> u, n = aggregate_rows(np.array([0.0, 1, 0]), np.array([5.0, 2, 5]))
    >>> u[0].tolist(), u[1].tolist(), n.tolist()
    ([0.0, 1.0], [5.0, 2.0], [2.0, 1.0])
    """
    frame = pd.DataFrame({f"c{i}": col for i, col in enumerate(columns)})
    codes = frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()
    counts = np.bincount(codes)
    first = np.empty(len(counts), dtype=np.int64)
    positions = np.arange(len(codes))
    first[codes[::-1]] = positions[::-1]  # first row of each group
    return [np.asarray(col)[first] for col in columns], counts.astype(float)


def factorize_rows(*columns):
    """Return ``(unique_columns, codes)``: distinct rows and each row's position among them.

    >>> u, codes = factorize_rows(np.array([2.0, 1, 2]), np.array([5.0, 5, 5]))
    >>> u[0].tolist(), codes.tolist()
    ([2.0, 1.0], [0, 1, 0])
    """
    frame = pd.DataFrame({f"c{i}": col for i, col in enumerate(columns)})
    codes = frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()
    first = np.empty(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return [np.asarray(col)[first] for col in columns], codes


def maximise_log_likelihood(neg_ll, x0, *, jac: bool, facts: str, model: str, n_weight: float):
    """Minimise ``neg_ll`` over log-parameters; raise CRMDataError on failure.

    Parameters
    ----------
    neg_ll : callable
        ``neg_ll(log_params)`` returning the negative total log-likelihood,
        or ``(value, gradient)`` when ``jac`` is True.
    x0 : array-like
        Starting log-parameters.
    jac : bool
        Whether ``neg_ll`` also returns the gradient.
    facts : str
        Sentence with facts about the data, used in error messages.
    model : str
        Model name for error messages.
    n_weight : float
        Number of customers; the objective is divided by it so the optimiser's
        tolerances mean the same for 100 and for 1,000,000 customers.

    Returns
    -------
    numpy.ndarray
        The fitted log-parameters.

    """
    scale = 1.0 / max(n_weight, 1.0)

    def objective(theta):
        with np.errstate(all="ignore"):
            out = neg_ll(theta)
        if jac:
            value, grad = out
            if not np.isfinite(value) or not np.all(np.isfinite(grad)):
                return np.inf, np.zeros_like(theta)
            return value * scale, grad * scale
        return (out * scale) if np.isfinite(out) else np.inf

    x0 = np.asarray(x0, dtype=float)
    bounds = [(-_LOG_PARAM_LIMIT - 4, _LOG_PARAM_LIMIT + 4)] * len(x0)
    options = {"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9}
    res = minimize(objective, x0, jac=jac, method="L-BFGS-B", bounds=bounds, options=options)
    if not res.success or not np.isfinite(res.fun):
        # One more try from where L-BFGS-B stopped, with a derivative-free method.
        res2 = minimize(
            lambda th: objective(th)[0] if jac else objective(th),
            res.x if np.all(np.isfinite(res.x)) else x0,
            method="Nelder-Mead",
            options={"maxiter": 5000, "xatol": 1e-8, "fatol": 1e-12},
        )
        if res2.success and np.isfinite(res2.fun):
            res = res2
    if not res.success or not np.isfinite(res.fun):
        raise CRMDataError(
            f"{model} estimation did not converge ({res.message}). {facts} "
            "Next step: check that the inputs use one time unit (e.g. weeks), that the "
            "calibration period is long enough to see repeat purchases, and try a sample "
            "of at least a few hundred customers."
        )
    if np.any(np.abs(res.x) > _LOG_PARAM_LIMIT):
        raise CRMDataError(
            f"{model} estimation ran off to an extreme parameter value (log-parameters "
            f"{np.round(res.x, 1).tolist()}), so the data cannot pin the model down. {facts} "
            "Next step: look at how many customers repeat-purchase at all; with almost no "
            "repeat buyers or no sign of drop-out this model is not identified."
        )
    return res.x


class FittedModel:
    """Base class: parameter storage, fit checks and a readable ``repr``."""

    _param_names: tuple[str, ...] = ()
    _label: str = "Model"

    def __init__(self) -> None:
        self.params_: dict[str, float] | None = None
        self.log_likelihood_: float | None = None
        self.n_customers_: int | None = None
        self.data_ranges_: dict | None = None  # largest frequency and T seen in fit

    def _require_fit(self) -> tuple[float, ...]:
        if self.params_ is None:
            raise RuntimeError(
                f"This {type(self).__name__} is not fitted yet: call .fit(...) first, "
                "then ask for predictions."
            )
        return tuple(self.params_[k] for k in self._param_names)

    def _store(self, log_params, log_likelihood: float, n_customers: int) -> None:
        values = np.exp(np.asarray(log_params, dtype=float))
        self.params_ = {k: float(v) for k, v in zip(self._param_names, values, strict=True)}
        self.log_likelihood_ = float(log_likelihood)
        self.n_customers_ = int(n_customers)

    def __repr__(self) -> str:
        name = type(self).__name__
        if self.params_ is None:
            return f"{name}(not fitted)"
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        if self.log_likelihood_ is None:
            return f"{name}({shown}; not fitted to data)"
        return f"{name}({shown}; log-likelihood={self.log_likelihood_:.2f}, n={self.n_customers_})"


def require_repeat_buyers(x, model: str) -> None:
    """Raise a CRMDataError when no customer has a repeat purchase."""
    if not np.any(x > 0):
        raise CRMDataError(
            f"{model} cannot be estimated: no customer has a repeat purchase. "
            f"{rfm_facts(x, len(x))} Next step: use a longer calibration period or check "
            "that frequency counts repeat purchases (purchases after the first)."
        )


def rfm_facts(x, n_rows: int) -> str:
    """One sentence of data facts for error messages of purchase models."""
    share0 = float(np.mean(x == 0)) if len(x) else float("nan")
    largest = int(np.max(x)) if len(x) else 0
    return f"Data: {n_rows} customers, largest frequency {largest}, {share0:.0%} with frequency 0."


def wrap_like(values, index, name: str | None = None, like=None):
    """Return a Series with ``index`` if the input was a Series, else an array.

    When ``like`` (the caller's first input) is a scalar, return a float.
    """
    if index is not None:
        return pd.Series(values, index=index, name=name)
    if like is not None and np.ndim(like) == 0 and np.size(values) == 1:
        return float(np.reshape(values, -1)[0])
    return values
