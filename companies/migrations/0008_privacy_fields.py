from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0007_company_event_kinds_registered"),
    ]

    operations = [
        migrations.AddField(
            model_name="company",
            name="legal_hold",
            field=models.BooleanField(
                default=False,
                help_text="Kept as it is: the retention job does not anonymise the company or its contacts.",
                verbose_name="legal hold",
            ),
        ),
        migrations.AddField(
            model_name="company",
            name="anonymised_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When a sole trader's personal data was erased (privacy).",
                null=True,
                verbose_name="anonymised",
            ),
        ),
        migrations.AddField(
            model_name="contact",
            name="anonymised_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the person's data was erased, on request or by the retention job (privacy).",
                null=True,
                verbose_name="anonymised",
            ),
        ),
    ]
