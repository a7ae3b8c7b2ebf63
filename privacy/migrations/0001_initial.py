from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="RetentionRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("started_at", models.DateTimeField(verbose_name="started")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                (
                    "trigger",
                    models.CharField(
                        choices=[("schedule", "Schedule"), ("command", "Command")],
                        max_length=16,
                        verbose_name="started by",
                    ),
                ),
                (
                    "cutoff",
                    models.DateTimeField(
                        help_text="Requests closed before this time were due (RETENTION_MONTHS).",
                        verbose_name="closed before",
                    ),
                ),
                ("retention_months", models.PositiveSmallIntegerField(verbose_name="retention (months)")),
                (
                    "locked_out",
                    models.BooleanField(
                        default=False,
                        help_text="Another run held the lock, so this one did nothing.",
                        verbose_name="skipped",
                    ),
                ),
                ("requests_anonymised", models.PositiveIntegerField(default=0, verbose_name="requests anonymised")),
                ("contacts_anonymised", models.PositiveIntegerField(default=0, verbose_name="contacts anonymised")),
                (
                    "requests_on_hold",
                    models.PositiveIntegerField(default=0, verbose_name="requests skipped (legal hold)"),
                ),
                (
                    "contacts_on_hold",
                    models.PositiveIntegerField(default=0, verbose_name="contacts skipped (legal hold)"),
                ),
                ("chunks", models.PositiveIntegerField(default=0, verbose_name="chunks")),
            ],
            options={
                "verbose_name": "retention run",
                "verbose_name_plural": "retention runs",
                "ordering": ["-started_at", "-pk"],
            },
        ),
    ]
