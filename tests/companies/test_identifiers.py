import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from companies.identifiers import LegalForm, looks_like_number, parse_organisation_number


@pytest.mark.parametrize(
    "raw",
    [
        "556677-8899",
        "5566778899",
        " 556677-8899 ",
        "16556677-8899",
        "165566778899",
        "16 556677-8899",
        "556677 8899",
    ],
)
def test_valid_numbers_in_every_accepted_spelling_normalise_to_ten_digits(raw):
    number = parse_organisation_number(raw)
    assert number.digits == "5566778899"
    assert number.formatted == "556677-8899"
    assert number.legal_form == LegalForm.LIMITED_COMPANY


@pytest.mark.parametrize(
    ("raw", "legal_form"),
    [
        ("212000-0142", LegalForm.PUBLIC_SECTOR),
        ("769606-2285", LegalForm.ECONOMIC_ASSOCIATION),
        ("802481-1658", LegalForm.NON_PROFIT),
        ("916452-6353", LegalForm.PARTNERSHIP),
    ],
)
def test_legal_form_comes_from_the_first_digit(raw, legal_form):
    assert parse_organisation_number(raw).legal_form == legal_form


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("556677-8898", "checksum"),  # wrong check digit
        ("55667788", "length"),  # too short
        ("55667788991", "length"),  # eleven digits
        ("1755667788991234567890", "length"),  # absurdly long
        ("5566a78899", "format"),  # a letter
        ("55667788²9", "format"),  # "²" is a digit to str.isdigit(), not to int()
        ("556677889٣", "format"),  # an Arabic-Indic digit
        ("SE556677889901", "format"),  # a VAT number is not an org number
        ("", "required"),
        ("   ", "required"),
        ("881320-0016", "date"),  # a personal number with month 13
        ("4566778892", "form"),  # no legal form starts with 4 (valid Luhn)
    ],
)
def test_invalid_numbers_are_refused_with_a_reason(raw, code):
    with pytest.raises(ValidationError) as error:
        parse_organisation_number(raw)
    assert error.value.code == code


@pytest.mark.parametrize("raw", ["880320-0016", "8803200016", "19880320-0016", "198803200016"])
def test_a_sole_traders_personal_number_is_personal_data(raw):
    number = parse_organisation_number(raw)
    assert number.digits == "8803200016"
    assert number.legal_form == LegalForm.SOLE_TRADER
    assert number.is_personal
    assert number.masked == "••••••-••••"
    assert "880320" not in number.masked


def test_a_personal_number_with_a_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as error:
        parse_organisation_number("880320-0017")
    assert error.value.code == "checksum"


def test_messages_are_localised():
    with pytest.raises(ValidationError) as error:
        parse_organisation_number("556677-8898")
    with translation.override("en"):
        english = str(error.value.messages[0])  # lazy: rendered in the language active when shown
    with translation.override("sv"):
        swedish = str(error.value.messages[0])
    assert "check digit" in english
    assert "kontrollsiffran" in swedish.lower()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("556677", "556677"),
        ("556677-88", "55667788"),
        ("16556677-8899", "5566778899"),
        ("Acme", None),
        ("12", None),
    ],
)
def test_search_recognises_numbers(text, expected):
    assert looks_like_number(text) == expected
