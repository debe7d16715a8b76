"""Report the versions in use, so a learner can describe a problem precisely."""

from __future__ import annotations

import platform
from importlib import metadata

__all__ = ["versions"]

_PACKAGES = ("crmlearn", "pandas", "numpy", "scipy", "matplotlib", "seaborn", "ipywidgets")


def versions() -> str:
    """One line with the Python version and the versions of crmlearn's main packages."""
    parts = [f"Python {platform.python_version()}"]
    for name in _PACKAGES:
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    return ", ".join(parts)
