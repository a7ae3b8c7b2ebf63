from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_referrals"),
    ]

    operations = [
        migrations.AddField(
            model_name="advicerequest",
            name="legal_hold",
            field=models.BooleanField(
                default=False,
                help_text="Kept as it is: the retention job does not remove the request's free text.",
                verbose_name="legal hold",
            ),
        ),
        migrations.AddField(
            model_name="advicerequest",
            name="anonymised_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the request's free text and the person's data were removed (privacy).",
                null=True,
                verbose_name="anonymised",
            ),
        ),
    ]
