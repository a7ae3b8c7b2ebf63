import pytest
from stdnum import luhn

from companies import services
from companies.identifiers import parse_organisation_number


def org_number(n: int) -> str:
    """A valid limited-company number: 5566 + five digits + Luhn check digit."""
    body = f"5566{n:05d}"
    return body + luhn.calc_check_digit(body)


@pytest.fixture
def uppsala(region, reference_data):
    """The home region covers Uppsala län (county 03)."""
    region.counties.add("03")
    return region


@pytest.fixture
def make_company(uppsala, advisor):
    counter = iter(range(1, 100000))

    def make(name="Uppsala Precision AB", *, by=None, municipality="0380", number=None, **fields):
        digits = number or org_number(next(counter))
        parsed = parse_organisation_number(digits)
        data = {
            "org_number": parsed.digits,
            "legal_form": parsed.legal_form,
            "name": name,
            "municipality_id": municipality,
            **fields,
        }
        return services.register_company(by=by or advisor, data=data)

    return make
