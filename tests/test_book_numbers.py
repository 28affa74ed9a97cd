"""Numbers for prose: what a reader expects, never machine notation."""

import re

import numpy as np
import pytest

from tourlib.book import (agreement, class_phrase, count, listing, number, percent, power_of_ten, pvalue,
                          text, tiny)

MACHINE = re.compile(r"e[+-]\d|np\.|float64|int64")


@pytest.mark.parametrize("x", [0.0, 1e-300, 3.2e-5, 0.004, 0.77, 1.0, 12.345, 999.5, 1e4, 123456.0,
                               -2.5e-7, np.float64(0.77), np.float32(0.5), np.int64(10000), 7])
def test_number_is_never_machine_notation(x):
    s = number(x)
    assert not MACHINE.search(s), s
    assert s


def test_number_examples():
    assert number(np.float64(0.77)) == "0.77"
    assert number(np.int64(10000)) == "10,000"
    assert number(0.0) == "0"
    assert number(0.0042) == "0.0042"
    assert number(3.2e-5) == "3.2 × 10⁻⁵"
    assert number(1e-6, significant=1) == "10⁻⁶"
    assert number(float("nan")) == "—"


def test_scientific_carry_stays_a_mantissa_below_ten():
    s = number(9.96e-6)
    assert s == "10⁻⁵" or s.startswith("1.0 × 10⁻⁵"), s


def test_count_and_percent():
    assert count(1234) == "1,234" and count(np.float64(5.0)) == "5"
    with pytest.raises(ValueError, match="whole number"):
        count(2.5)
    assert percent(0.1234) == "12" and percent(0.1234, 1) == "12.3"
    assert percent(1.0) == "100" and percent(0.9996) == "over 99"
    assert percent(0.0) == "0" and percent(0.001) == "under 1"
    assert percent(0.9996, 1) == "over 99.9"


def test_tiny_and_agreement():
    assert tiny(0.0) == "0" and agreement(0.0) == "exactly"
    assert tiny(1e-17) == "< 10⁻¹⁵" and agreement(-1e-17) == "to within < 10⁻¹⁵"
    assert tiny(2.2e-9) == "2 × 10⁻⁹"
    assert agreement(0.5) == "to within 0.50"


def test_pvalue():
    assert pvalue(0.6) == "0.6" and pvalue(np.float64(0.63)) == "0.6"
    assert pvalue(0.034) == "0.03" and pvalue(0.0042) == "0.004"
    assert pvalue(2.1e-5) == "2 × 10⁻⁵" and pvalue(0.0) == "< 10⁻¹⁵"
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        pvalue(1.5)


def test_lists_and_classes():
    assert listing([]) == "none" and listing(["1"]) == "1" and listing([1, 4, 7]) == "1, 4 and 7"
    assert class_phrase(["3"]) == "class 3"
    assert class_phrase(["1", "7"]) == "classes 1 and 7"
    assert class_phrase([]) == "no class"
    assert class_phrase(["1", "7"], noun="digit") == "digits 1 and 7"


def test_text_refuses_what_is_not_prose():
    assert text("a sentence.") == "a sentence."
    assert text(np.float64(0.77)) == "0.77" and text(np.int64(3)) == "3"
    with pytest.raises(TypeError, match="boolean"):
        text(np.bool_(True))
    with pytest.raises(TypeError, match="format it first"):
        text([1, 2])
    assert power_of_ten(-15) == "10⁻¹⁵"
