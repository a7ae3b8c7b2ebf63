from django.db import migrations, models


def fill_division_names(apps, schema_editor):
    """Give already loaded SNI codes their division's English name (new databases get it from the loader)."""
    from reference.loader import division_names_en

    SNICode = apps.get_model("companies", "SNICode")
    for division, name in division_names_en().items():
        SNICode.objects.filter(division=division).update(division_name_en=name)


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0005_referral_event_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="snicode",
            name="division_name_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="division name (English)"),
        ),
        migrations.RunPython(fill_division_names, migrations.RunPython.noop),
    ]
