"""The funding programmes export centers' projects come from (2021–2027, and REACT-EU from 2014–2020).

Seeded by migration 0002 and by `seed_demo`; afterwards they are data that regional staff keep, so seeding
only adds programmes that are missing and never overwrites an edit.
"""

from .models import Programme

PROGRAMMES = [
    # code, Swedish name, English name, fund, website
    ("interreg-europe", "Interreg Europe", "Interreg Europe", "interreg", "https://www.interregeurope.eu/"),
    (
        "interreg-central-baltic",
        "Interreg Central Baltic",
        "Interreg Central Baltic",
        "interreg",
        "https://centralbaltic.eu/",
    ),
    (
        "interreg-sverige-norge",
        "Interreg Sverige–Norge",
        "Interreg Sweden–Norway",
        "interreg",
        "https://www.interreg-sverige-norge.com/",
    ),
    (
        "erdf-national",
        "Nationella regionalfondsprogrammet",
        "The national ERDF programme",
        "erdf",
        "https://tillvaxtverket.se/",
    ),
    (
        "erdf-norra-mellansverige",
        "Regionalfondsprogram Norra Mellansverige",
        "ERDF programme Norra Mellansverige",
        "erdf",
        "https://tillvaxtverket.se/",
    ),
    (
        "erdf-ostra-mellansverige",
        "Regionalfondsprogram Östra Mellansverige",
        "ERDF programme Östra Mellansverige",
        "erdf",
        "https://tillvaxtverket.se/",
    ),
    ("react-eu", "REACT-EU", "REACT-EU", "react_eu", "https://tillvaxtverket.se/"),
]


def seed_programmes(model=Programme) -> int:
    """Add the programmes that are missing (by code); returns how many were added. `model`: the historical
    model in a migration."""
    added = 0
    for code, name_sv, name_en, fund, website in PROGRAMMES:
        period = "2014–2020" if fund == "react_eu" else "2021–2027"
        _programme, created = model.objects.get_or_create(
            code=code,
            defaults={
                "name_sv": name_sv,
                "name_en": name_en,
                "fund": fund,
                "website": website,
                "period": period,
            },
        )
        added += created
    return added
