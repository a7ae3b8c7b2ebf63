"""Seed the need categories of the domain brief (see referrals/need_categories.py)."""

from django.db import migrations

from referrals.need_categories import seed_need_categories


def seed(apps, schema_editor):
    seed_need_categories(apps.get_model("referrals", "NeedCategory"))


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
