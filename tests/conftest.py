"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest


@pytest.fixture
def clean_checks():
    """Forget the results recorded by crmlearn.checks before and after the test.

    The exercise-check tests use it for every test with
    ``pytestmark = pytest.mark.usefixtures("clean_checks")``.
    """
    from crmlearn import checks

    checks.reset()
    yield
    checks.reset()
