"""The programmes export centers' projects are funded from (2021–2027), seeded once; regional staff keep
them from then on (a second run, or a programme already edited, changes nothing)."""

from django.db import migrations

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


def seed(apps, schema_editor):
    Programme = apps.get_model("projects", "Programme")
    for code, name_sv, name_en, fund, website in PROGRAMMES:
        period = "2014–2020" if fund == "react_eu" else "2021–2027"
        Programme.objects.get_or_create(
            code=code,
            defaults={"name_sv": name_sv, "name_en": name_en, "fund": fund, "website": website, "period": period},
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
