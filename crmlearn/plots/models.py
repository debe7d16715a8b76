"""Figures for the probabilistic customer-base models in :mod:`crmlearn.models`.

Every function takes a fitted model (and, where needed, data), accepts
``ax=None`` and ``**kwargs`` (passed to the main drawing call), returns the
Axes and changes no global setting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import CRMDataError
from ._theme import PALETTE, new_axes

__all__ = [
    "TEXT",
    "plot_calibration_holdout",
    "plot_prob_alive_matrix",
    "plot_frequency_recency_matrix",
    "plot_survival",
]

# All display text in one place (axis labels, titles, legends).
TEXT = {
    "holdout_title": "Calibration vs holdout: repeat purchases",
    "holdout_x": "Repeat purchases in the calibration period",
    "holdout_y": "Mean repeat purchases in the holdout period",
    "holdout_actual": "Actual",
    "holdout_model": "Model",
    "alive_title": "Probability that a customer is still active",
    "alive_colorbar": "P(alive)",
    "fr_title": "Expected purchases in the next {t:g} time units",
    "fr_colorbar": "Expected purchases",
    "matrix_x": "Recency: time of the last purchase (customer age {T:.0f})",
    "matrix_y": "Frequency: repeat purchases",
    "survival_title": "Share of the cohort still active",
    "survival_x": "Period",
    "survival_y": "Share still active",
    "survival_model": "sBG model",
    "survival_observed": "Observed",
}


def _need_fit(model, method: str):
    if getattr(model, "params_", None) is None:
        raise CRMDataError(
            f"The model is not fitted yet: call model.fit(...) before plotting ({method})."
        )
    if not hasattr(model, method):
        raise CRMDataError(f"This plot needs a model with a {method}() method, e.g. BetaGeo.")


def plot_calibration_holdout(
    summary_with_holdout: pd.DataFrame, model, ax=None, max_frequency: int = 7, **kwargs
):
    """Compare predicted and actual holdout purchases by calibration frequency.

    Customers are grouped by their calibration ``frequency`` (0, 1, ...,
    ``max_frequency`` or more); for each group the plot shows the mean actual
    ``frequency_holdout`` and the mean the model expects over
    ``duration_holdout``.

    Parameters
    ----------
    summary_with_holdout : pandas.DataFrame
        Output of :func:`crmlearn.models.calibration_holdout`.
    model : BetaGeo or ParetoNBD
        Model fitted on the calibration columns.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    max_frequency : int
        The last group collects every frequency from this value up ("7+").
    **kwargs
        Passed to the ``plot`` call of the model line.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    """
    _need_fit(model, "expected_purchases")
    need = ["frequency", "recency", "T", "frequency_holdout", "duration_holdout"]
    missing = [c for c in need if c not in summary_with_holdout.columns]
    if missing:
        raise CRMDataError(
            f"summary_with_holdout lacks column(s) {missing}; pass the output of "
            "crmlearn.models.calibration_holdout."
        )
    s = summary_with_holdout
    predicted = np.asarray(
        model.expected_purchases(
            s["duration_holdout"].to_numpy(float), s["frequency"], s["recency"], s["T"]
        ),
        dtype=float,
    )
    group = np.minimum(s["frequency"].to_numpy(int), max_frequency)
    table = (
        pd.DataFrame(
            {"group": group, "actual": s["frequency_holdout"].to_numpy(float), "model": predicted}
        )
        .groupby("group")[["actual", "model"]]
        .mean()
    )
    ax = new_axes(ax)
    ax.plot(
        table.index, table["actual"], marker="o", color=PALETTE[0], label=TEXT["holdout_actual"]
    )
    style = {"marker": "s", "linestyle": "--", "color": PALETTE[1], "label": TEXT["holdout_model"]}
    style.update(kwargs)
    ax.plot(table.index, table["model"], **style)
    ticks = list(range(max_frequency + 1))
    ax.set_xticks(ticks, [str(t) if t < max_frequency else f"{t}+" for t in ticks])
    ax.set_xlabel(TEXT["holdout_x"])
    ax.set_ylabel(TEXT["holdout_y"])
    ax.set_title(TEXT["holdout_title"])
    ax.legend()
    return ax


def _matrix(model, values_of, max_frequency, max_recency, n_recency=40):
    ranges = getattr(model, "data_ranges_", None) or {}
    if max_frequency is None:
        max_frequency = ranges.get("max_frequency")
    if max_recency is None:
        max_recency = ranges.get("max_T")
    if max_frequency is None or max_recency is None:
        raise CRMDataError(
            "Pass max_frequency and max_recency: this model was not fitted to data, so the "
            "plot cannot take the ranges from the fit."
        )
    freq = np.arange(int(max_frequency) + 1, dtype=float)
    rec = np.linspace(0.0, float(max_recency), n_recency)
    x, tx = np.meshgrid(freq, rec, indexing="ij")
    valid = (x > 0) | (tx == 0)
    grid = np.full(x.shape, np.nan)
    T = np.full(valid.sum(), float(max_recency))
    grid[valid] = np.asarray(values_of(x[valid], tx[valid], T), dtype=float)
    return grid, float(max_recency)


def _draw_matrix(ax, grid, max_recency, title, colorbar, kwargs):
    style = {"cmap": "viridis", "aspect": "auto", "origin": "lower", "interpolation": "nearest"}
    style.update(kwargs)
    image = ax.imshow(grid, extent=(0.0, max_recency, -0.5, grid.shape[0] - 0.5), **style)
    ax.figure.colorbar(image, ax=ax, label=colorbar)
    ax.set_xlabel(TEXT["matrix_x"].format(T=max_recency))
    ax.set_ylabel(TEXT["matrix_y"])
    ax.set_title(title)
    return ax


def plot_prob_alive_matrix(model, max_frequency=None, max_recency=None, ax=None, **kwargs):
    """Heat map of P(alive) by frequency and recency for customers of age ``max_recency``.

    Parameters
    ----------
    model : BetaGeo or ParetoNBD
        Fitted model.
    max_frequency : int, optional
        Largest frequency shown; default: the largest in the fit data.
    max_recency : float, optional
        Largest recency shown and the customers' age ``T``; default: the
        largest ``T`` in the fit data.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    **kwargs
        Passed to ``imshow`` (e.g. ``cmap``).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    """
    _need_fit(model, "prob_alive")
    grid, big_t = _matrix(model, model.prob_alive, max_frequency, max_recency)
    ax = new_axes(ax)
    style = {"vmin": 0.0, "vmax": 1.0}
    style.update(kwargs)
    return _draw_matrix(ax, grid, big_t, TEXT["alive_title"], TEXT["alive_colorbar"], style)


def plot_frequency_recency_matrix(
    model, t: float = 1, max_frequency=None, max_recency=None, ax=None, **kwargs
):
    """Heat map of expected purchases in the next ``t`` time units by frequency and recency.

    Parameters
    ----------
    model : BetaGeo or ParetoNBD
        Fitted model.
    t : float
        Forecast window in the model's time unit.
    max_frequency, max_recency : optional
        Ranges, as in :func:`plot_prob_alive_matrix`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    **kwargs
        Passed to ``imshow``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    """
    _need_fit(model, "expected_purchases")

    def values_of(x, tx, big_t):
        return model.expected_purchases(t, x, tx, big_t)

    grid, big_t = _matrix(model, values_of, max_frequency, max_recency)
    ax = new_axes(ax)
    return _draw_matrix(ax, grid, big_t, TEXT["fr_title"].format(t=t), TEXT["fr_colorbar"], kwargs)


def plot_survival(model, survivors=None, periods=None, ax=None, **kwargs):
    """Fitted sBG survival curve, with the observed survivor shares if given.

    Parameters
    ----------
    model : ShiftedBetaGeo
        Fitted model.
    survivors : array-like, optional
        Customers active at ``t = 0, 1, ...`` (``survivors[0]`` = cohort
        size); drawn as points, as shares of the cohort.
    periods : int, optional
        Last period of the curve; default: twice the observed periods, or 12.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if None.
    **kwargs
        Passed to the ``plot`` call of the model curve.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    """
    _need_fit(model, "survival")
    observed = None
    if survivors is not None:
        observed = np.asarray(survivors, dtype=float)
        if observed.size == 0 or not observed[0] > 0:
            raise CRMDataError("survivors must start with the cohort size (> 0).")
    if periods is None:
        periods = 12 if observed is None else max(12, 2 * (observed.size - 1))
    t = np.arange(int(periods) + 1)
    ax = new_axes(ax)
    style = {"color": PALETTE[0], "label": TEXT["survival_model"]}
    style.update(kwargs)
    ax.plot(t, model.survival(t), **style)
    if observed is not None:
        ax.plot(
            np.arange(observed.size),
            observed / observed[0],
            "o",
            color=PALETTE[1],
            label=TEXT["survival_observed"],
        )
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(TEXT["survival_x"])
    ax.set_ylabel(TEXT["survival_y"])
    ax.set_title(TEXT["survival_title"])
    ax.legend()
    return ax
