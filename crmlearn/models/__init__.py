"""Probabilistic customer-base models: who is still active, how often they buy, what they spend.

===========================  ===========================================================
name                         what it does
===========================  ===========================================================
:class:`BetaGeo`             BG/NBD repeat-purchase model (non-contractual)
:class:`ParetoNBD`           Pareto/NBD repeat-purchase model (non-contractual)
:class:`GammaGamma`          spend per purchase (Gamma-Gamma)
:class:`ShiftedBetaGeo`      retention in a contractual setting (shifted-beta-geometric)
:func:`predictive_clv`       discounted future margin per customer from the two models
:func:`calibration_holdout`  split transactions into calibration and holdout summaries
:func:`load_cdnow_summary`   the published CDNOW sample used to check the models
===========================  ===========================================================

All models are fitted by maximum likelihood on the closed-form likelihoods of
the papers and reproduce the published estimates (see the tests).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .beta_geo import BetaGeo
from .clv import predictive_clv
from .gamma_gamma import GammaGamma
from .holdout import calibration_holdout
from .pareto_nbd import ParetoNBD
from .shifted_beta_geo import ShiftedBetaGeo

__all__ = [
    "BetaGeo",
    "ParetoNBD",
    "GammaGamma",
    "ShiftedBetaGeo",
    "predictive_clv",
    "calibration_holdout",
    "load_cdnow_summary",
]

_CDNOW_FILE = "cdnow_sample_summary.csv"


def _published_folder() -> Path:
    import crmlearn

    package = Path(crmlearn.__file__).resolve().parent
    candidates = [
        package / "_shipped_datasets" / "published",  # installed wheel
        package.parent / "datasets" / "published",  # git checkout / editable install
    ]
    for folder in candidates:
        if (folder / _CDNOW_FILE).is_file():
            return folder
    raise FileNotFoundError(
        f"Could not find {_CDNOW_FILE}; looked in "
        + " and ".join(str(c) for c in candidates)
        + ". Reinstall crmlearn or run from the git checkout."
    )


def load_cdnow_summary() -> pd.DataFrame:
    """Load the CDNOW sample: one row per customer, times in weeks.

    2,357 customers who first bought at CDNOW in the first quarter of 1997,
    summarised over a 39-week calibration period (Fader, Hardie & Lee 2005).
    Columns: ``frequency`` (repeat purchases), ``recency`` and ``T`` (weeks),
    ``monetary_value`` (mean repeat purchase value in USD, 0 without repeat);
    indexed by ``customer_id``. See ``datasets/published/README.md`` for the
    source and licence.

    Returns
    -------
    pandas.DataFrame
        The customer summary.

    Examples
    --------
    >>> d = load_cdnow_summary()
    >>> d.shape, int((d["frequency"] > 0).sum())
    ((2357, 4), 946)

    """
    frame = pd.read_csv(_published_folder() / _CDNOW_FILE, index_col="customer_id")
    frame["frequency"] = frame["frequency"].astype("int64")
    return frame
