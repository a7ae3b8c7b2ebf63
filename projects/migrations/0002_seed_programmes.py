"""Seed the funding programmes (see projects/programmes.py)."""

from django.db import migrations

from projects.programmes import seed_programmes


def seed(apps, schema_editor):
    seed_programmes(apps.get_model("projects", "Programme"))


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
