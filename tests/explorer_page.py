"""Reading the classroom explorer off a page, the same in JupyterLab and in Voila (ipywidgets 8)."""
import re
import time

import pytest

from helpers import GUARD_S


def wait_for(read, condition, timeout=GUARD_S, what="the explorer") -> dict:
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


def assert_shows_iron(state: dict) -> None:
    """The explorer, with the Fe preset picked for a sphere (the default shape), shows iron's values as the
    text states them (B = (2/3) mu0 Ms = 1.43 T, 8.491e28 m^-3) and both radii as the module computes them at
    those values and the N shown."""
    from nanoflux import flux, meanfield
    from nanoflux.formatting import num
    from nanoflux.materials import get_material

    fe = get_material("Fe")
    assert state["B"].split()[0] == f"{fe.mu0Ms_tesla * 2 / 3:.4g}" == "1.43"
    assert state["n"].split()[0] == num(fe.n_per_m3) == "8.491e28"
    N = int(state["N"].split()[0].replace(",", ""))
    flux_nm, mean_nm = radii_nm(state["radii"])
    assert flux_nm == shown(flux.critical_radius(fe.mu0Ms_tesla * 2 / 3) * 1e9)
    assert mean_nm == shown(meanfield.critical_radius_mean_field(N, fe.n_per_m3) * 1e9)
