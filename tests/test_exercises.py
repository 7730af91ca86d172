"""nanoflux.exercises.check: right and wrong answers, the hints, the tolerances and bad input."""
import math
import re

import numpy as np
import pytest

import nanoflux as nf
from nanoflux.classroom import exercises

# witness: each expected value from an independent route, the paper's printed numbers or exact algebra
INDEPENDENT = {
    "ex1": 25.656 * math.sqrt(2),                     # r_c(0.5 T) = sqrt(2) r_c(1 T), Eq. 4
    "ex2": 10.0,                                      # 100^(1/2)
    "ex3": 13.365 * (1e23 / 8.491e28) ** (1 / 3),     # Table I's N = 1 radius scaled by n^(-1/3)
    "ex4": (25.656 / 13.365) ** 3,                    # N = (r / r_c(N=1))^3 at the paper's density
    "ex5": math.sqrt(2),                              # sqrt(h/e / (h/2e))
}


def test_there_are_three_to_five_exercises_with_stated_tolerances():
    # witness: the exercises' own prompts and tolerances
    assert 3 <= len(exercises.EXERCISES) <= 5
    for key, ex in exercises.EXERCISES.items():
        assert ex.key == key and 0 < ex.rel_tol <= 0.05
        assert "within" in ex.prompt() and key in ex.prompt()


@pytest.mark.parametrize("key", list(INDEPENDENT))
def test_expected_values_agree_with_an_independent_route(key):
    # witness: INDEPENDENT: each expected value computed another way in this file
    assert exercises.expected(key) == pytest.approx(INDEPENDENT[key], rel=2e-4)


@pytest.mark.parametrize("key", list(exercises.EXERCISES))
def test_the_expected_value_and_anything_within_tolerance_is_right(key):
    # witness: answers at 0 and +-0.9 of the stated tolerance from the expected value
    ex = exercises.EXERCISES[key]
    target = exercises.expected(key)
    for answer in (target, target * (1 + 0.9 * ex.rel_tol), target * (1 - 0.9 * ex.rel_tol)):
        result = exercises.check(key, answer)
        assert result.correct is True
        assert str(result) == result.message and result.message.startswith(f"{key}: right.")


@pytest.mark.parametrize("key", list(exercises.EXERCISES))
def test_outside_tolerance_is_wrong_with_a_hint_but_not_the_answer(key):
    # witness: an answer at 1.5 tolerances; the hint searched for the expected value to 4 figures
    ex = exercises.EXERCISES[key]
    target = exercises.expected(key)
    result = exercises.check(key, target * (1 + 1.5 * ex.rel_tol))
    assert result.correct is False
    assert result.message.startswith(f"{key}: not yet.") and "Hint:" in result.message
    hint = result.message.split("Hint:", 1)[1]
    assert not re.search(rf"(?<![\d.]){re.escape(f'{target:.4g}')}(?![\d.])", hint), hint


@pytest.mark.parametrize("key, answer, words", [
    ("ex1", nf.critical_radius(0.5), "in metres"),                 # forgot to convert to nm
    ("ex1", 2 * nf.critical_radius(1.0) * 1e9, "$B^{-1/2}$"),        # took r_c proportional to 1/B
    ("ex2", 100, "power of $B$"),
    ("ex3", 13.365, "paper's value"),
    ("ex3", nf.critical_radius_mean_field(1, 8.491e22) * 1e9, r"per $\mathrm{cm^3}$"),
    ("ex4", 1, "one flux quantum"),
    ("ex5", 2, "square root"),
])
def test_common_mistakes_get_their_own_hint(key, answer, words):
    # witness: the mistaken answer and the hint's words, written out per case
    result = exercises.check(key, answer)
    assert not result.correct and words in result.message


def test_numpy_numbers_and_integers_are_answers():
    # witness: the right answers to ex2 (10) and ex5 (sqrt 2) as NumPy scalars
    assert exercises.check("ex2", np.int64(10)).correct
    assert exercises.check("ex5", np.float32(1.4142)).correct


@pytest.mark.parametrize("exercise, answer, error, words", [
    ("ex1", "36.3", TypeError, "answer must be a real number (type it without quotes); got '36.3' of type str"),
    ("ex1", None, TypeError, "answer must be a real number; got None"),
    ("ex1", True, TypeError, "answer must be a real number; got True"),
    ("ex1", [36.3], TypeError, "answer must be a real number; got [36.3]"),
    ("ex1", 1j, TypeError, "answer must be a real number; got 1j"),
    ("ex1", float("nan"), ValueError, "answer must be a finite number; got nan"),
    ("ex1", float("inf"), ValueError, "answer must be a finite number; got inf"),
    ("ex9", 1.0, ValueError, "exercise must be one of 'ex1', 'ex2', 'ex3', 'ex4', 'ex5'; got 'ex9'"),
    (1, 1.0, ValueError, "exercise must be one of"),
])
def test_bad_input_is_refused_clearly(exercise, answer, error, words):
    # witness: the exception's type and message, written out per case
    with pytest.raises(error, match=re.escape(words)):
        exercises.check(exercise, answer)


def test_a_check_shows_its_message_as_a_cells_last_expression():
    # witness: the result's repr and HTML against its message and the right-answer tick
    result = exercises.check("ex2", 100)
    assert repr(result) == result.message and "ex2: not yet." in result._repr_html_()
    assert "\u2713" in exercises.check("ex2", 10)._repr_html_()


def test_the_ex3_hint_names_the_right_slip():
    # witness: 14.11 nm comes from iron's 8.491e22 atoms per cm^3 used as a density per m^3
    message = exercises.check("ex3", 14.11).message
    assert r"$8.491\times10^{22}$ atoms per $\mathrm{cm^3}$ as if it were per $\mathrm{m^3}$" in message


def test_the_exercise_widgets_check_what_is_typed():
    # witness: the verdict widget's text for a wrong answer, a decimal comma and a word
    pytest.importorskip("ipywidgets")
    app = exercises.ExerciseApp()
    answer, verdict = app.rows["ex2"]
    answer.value = "100"
    assert app.check("ex2").correct is False and "not yet" in verdict.value
    answer.value = "10,0"  # a decimal comma, as some students type
    assert app.check("ex2").correct and "right" in verdict.value
    answer.value = "ten"
    assert app.check("ex2") is None and "Type a number" in verdict.value
