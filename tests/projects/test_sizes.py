"""The EU size class from the register's employee band and turnover class (projects.sizes)."""

import pytest

from projects.models import SizeClass
from projects.sizes import size_class


@pytest.mark.parametrize(
    ("band", "turnover", "expected"),
    [
        ("0", None, SizeClass.MICRO),
        ("1-4", 12, SizeClass.MICRO),  # turnover never moves a class the headcount decides
        ("5-9", 3, SizeClass.MICRO),
        ("10-19", None, SizeClass.SMALL),
        ("20-49", 8, SizeClass.SMALL),
        ("50-99", 5, SizeClass.MEDIUM),
        ("100-199", 11, SizeClass.MEDIUM),
        # 200–499 straddles 250: turnover decides where it can
        ("200-499", 0, SizeClass.MEDIUM),
        ("200-499", 8, SizeClass.MEDIUM),
        ("200-499", 9, SizeClass.UNKNOWN),
        ("200-499", 10, SizeClass.LARGE),
        ("200-499", 12, SizeClass.LARGE),
        ("200-499", None, SizeClass.UNKNOWN),
        ("500+", None, SizeClass.LARGE),
        ("500+", 1, SizeClass.LARGE),
        ("", 5, SizeClass.UNKNOWN),
        ("nonsense", 5, SizeClass.UNKNOWN),
    ],
)
def test_size_class(band, turnover, expected):
    assert size_class(band, turnover) == expected
