"""Numbers at the edges: results beyond float64 are errors naming the parameter and the range that works,
Python integers of any size are numbers, counts never wrap, and broadcast mismatches name both arguments."""
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

import nanoflux as nf

from helpers import GUARD_S


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        # an overflow must be a ValueError, never a RuntimeWarning; only those are errors here: a ResourceWarning
        # of another test's garbage (an unclosed ZeroMQ socket), collected during this one, made it fail at random
        warnings.simplefilter("error", RuntimeWarning)
        yield


@pytest.mark.parametrize("call, words", [
    (lambda: nf.critical_area(5e-324),
     "A = Phi0 / B overflows to infinity in float64 for B = 4.941e-324; B must be between"),
    (lambda: nf.critical_radius(1e300), "underflows to zero in float64 for B = 1e+300; B must be between"),
    (lambda: nf.field_for_radius(1e-200),
     "overflows to infinity in float64 for radius = 1e-200; radius must be between"),
    (lambda: nf.field_for_radius(1e200), "underflows to zero in float64 for radius = 1e+200; radius must be between"),
    (lambda: nf.flux_quanta(1e300, 1e300),
     "B pi r^2 / Phi0 overflows to infinity in float64 for B = 1e+300, radius = 1e+300"),
    (lambda: nf.flux_quanta(1e-300, [1.0, 1e-300]), "underflows to zero in float64 for B = 1e-300, radius = 1e-300"),
    (lambda: nf.critical_radius_mean_field(1, 1e-320),
     "overflows to infinity in float64 for N = 1, n = 1e-320; N / n must be"),
    (lambda: nf.dipoles_in_sphere(1e200),
     "overflows to infinity in float64 for radius = 1e+200, n = 1e+23; r^3 n must be"),
    (lambda: nf.dipoles_in_sphere(1e-200), "underflows to zero in float64 for radius = 1e-200, n = 1e+23"),
])
def test_results_beyond_float64_are_value_errors_naming_the_parameter(call, words):
    # witness: the message, written out per call, naming the parameter, the value and the range
    with pytest.raises(ValueError, match=re.escape(words)):
        call()


def test_the_stated_range_is_the_range_that_works():
    # witness: just inside the bound the result is a normal float; just outside, the error
    hi = float(re.search(r"and (\S+) T", _message(lambda: nf.critical_radius(1e300))).group(1))
    assert nf.critical_radius(hi * 0.99) > 0
    with pytest.raises(ValueError):
        nf.critical_radius(hi * 1.01)


def _message(call) -> str:
    with pytest.raises(ValueError) as info:
        call()
    return str(info.value)


def test_python_integers_of_any_size_are_numbers():
    # witness: the same values as floats, (3e-10 / (4 pi))^(1/3) by hand, and the float64 limit in the message
    assert nf.critical_radius_mean_field(1, 10**23) == nf.critical_radius_mean_field(1, 1e23)
    assert nf.critical_radius_mean_field(10**30, 10**40) == pytest.approx((3e-10 / (4 * np.pi)) ** (1 / 3), rel=1e-14)
    assert nf.table_one([1, 10**30], 10**23)[1].radius_nm == pytest.approx(1.3365046175719758e11, rel=1e-14)
    with pytest.raises(ValueError, match=r"n must be at most 1.798e\+308 \(the float64 range\); got an integer of 401"):
        nf.critical_radius_mean_field(1, 10**400)


def test_counts_beyond_int64_are_refused_never_wrapped():
    assert nf.whole_flux_quanta(1, 1e-3) == 1519267447  # witness: an ordinary count, floor(1519267447.879)
    with pytest.raises(ValueError, match=r"must fit a 64-bit integer .* got 1.519e\+19 for B = 1 T and radius = 100 m"):
        nf.whole_flux_quanta(1, [1e2])
    with pytest.raises(ValueError, match="radius = 100 m"):
        nf.whole_flux_quanta(1, [1e-8, 1e2])


@pytest.mark.parametrize("call, words", [
    (lambda: nf.critical_radius_mean_field([1, 2, 3], [1e23, 1e24]), "N and n must broadcast together"),
    (lambda: nf.flux_quanta([1, 2, 3], [1e-8, 2e-8]), "B and radius must broadcast together"),
    (lambda: nf.dipoles_in_sphere([1e-8, 2e-8], [1e23, 1e24, 1e25]), "radius and n must broadcast together"),
])
def test_broadcast_mismatches_name_both_arguments(call, words):
    # witness: both parameters and both shapes in the message
    with pytest.raises(ValueError, match=words + r".*got shapes \(\d,\) and \(\d,\)"):
        call()


@pytest.mark.parametrize("args, words", [
    (["radius", "--field", "-1e3"], "B must be positive and finite, in T; got -1000.0"),
    (["radius", "--field", "-inf"], "B must be positive and finite, in T; got -inf"),
    (["radius", "--field", "1e300"], "B must be between"),
    (["table", "--density", "-1e3"], "n must be positive and finite, in m^-3; got -1000.0"),
    (["table", "--dipoles", "-1"], "N must be a whole number of at least 1; got -1.0"),
    (["table", "--density", "1e-320"], "N / n must be between"),
])
def test_the_command_line_reports_bad_numbers_in_one_line(args, words):
    # witness: a real interpreter: exit status 2 and one stderr line with the words per case
    proc = subprocess.run([sys.executable, "-m", "nanoflux", *args], capture_output=True, text=True, timeout=GUARD_S)
    assert proc.returncode == 2 and words in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
