"""Plots for every crmlearn metric and model.

Each plot function takes the *result* of a metric or a fitted model (it never
computes metrics itself), accepts ``ax=None`` and ``**kwargs``, and returns the
Axes. Nothing here changes global settings unless you call :func:`use_theme`
or :func:`presentation_mode`.
"""

from ._theme import CLASS_COLOURS, PALETTE, new_axes, presentation_mode, use_theme

__all__ = ["CLASS_COLOURS", "PALETTE", "new_axes", "presentation_mode", "use_theme"]
