"""Reading the classroom explorer off a page, the same in JupyterLab and in Voila (ipywidgets 8)."""
import re
import time

import pytest


def wait_for(read, condition, timeout=30, what="the explorer") -> dict:
    """Call ``read()`` (the page's state) until ``condition(state)`` holds; fail with the last state."""
    deadline = time.monotonic() + timeout
    while True:
        state = read()
        if condition(state):
            return state
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not reach the expected state in {timeout} s; it shows {state}")
        time.sleep(0.05)


def radii_nm(text: str) -> tuple[float, float]:
    """The flux-quantum (Eq. 4) and the mean-field (Table I) radius the explorer states, in nm."""
    flux_nm = re.search(r"Eq\. 4:\s*r\s*c\s*=\s*(\S+)\s*nm", text)
    mean_nm = re.search(r"Table I:\s*r\s*c\s*=\s*(\S+)\s*nm", text)
    assert flux_nm and mean_nm, text
    return float(flux_nm.group(1)), float(mean_nm.group(1))


def shown(value: float) -> float:
    """``value`` at the explorer's precision (4 significant figures)."""
    return float(f"{value:.4g}")
