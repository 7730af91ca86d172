"""Fixtures shared by the tests (the session's set-up, tiers and notebook outputs: the root conftest.py)."""
import sys

import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
