"""The service catalogue moves here from `advisors` (whose 0006 forgets it), keeping its tables and rows.

Only Django's state changes: `referrals.Service` uses the table `advisors_service` (`db_table`), and its
needs the table `advisors_service_needs` (the name Django derives from that table), columns unchanged.
"""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

import reference.validators


def move_content_type(apps, schema_editor, source="advisors", target="referrals"):
    """Keep the admin log and permissions of services: their content type changes app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="service").exists():
        ContentType.objects.filter(app_label=source, model="service").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="referrals", target="advisors")


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0007_privacy_fields"),
        ("advisors", "0006_service_moved_to_referrals"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Service",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name_sv", models.CharField(max_length=200, verbose_name="name (Swedish)")),
                        ("name_en", models.CharField(max_length=200, verbose_name="name (English)")),
                        (
                            "description_sv",
                            models.TextField(
                                blank=True, max_length=2000, verbose_name="description (Swedish)"
                            ),
                        ),
                        (
                            "description_en",
                            models.TextField(
                                blank=True, max_length=2000, verbose_name="description (English)"
                            ),
                        ),
                        (
                            "employee_bands",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="SCB employee bands the service is for. Empty: any size.",
                                validators=[reference.validators.validate_employee_bands],
                                verbose_name="employees",
                            ),
                        ),
                        (
                            "turnover_classes",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="SCB turnover classes the service is for. Empty: any turnover.",
                                validators=[reference.validators.validate_turnover_classes],
                                verbose_name="turnover classes",
                            ),
                        ),
                        (
                            "sni_sections",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="SNI 2025 sections the service is for. Empty: any industry.",
                                validators=[reference.validators.validate_sni_sections],
                                verbose_name="industries (SNI sections)",
                            ),
                        ),
                        (
                            "url",
                            models.URLField(
                                blank=True,
                                help_text="The service's own web page.",
                                max_length=300,
                                verbose_name="link",
                            ),
                        ),
                        (
                            "is_active",
                            models.BooleanField(
                                default=True,
                                help_text="Unselect this instead of deleting the service.",
                                verbose_name="active",
                            ),
                        ),
                        ("version", models.PositiveIntegerField(default=1, verbose_name="version")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        (
                            "needs",
                            models.ManyToManyField(
                                help_text=(
                                    "The needs this service helps with. "
                                    "They decide when the organisation is suggested."
                                ),
                                related_name="services",
                                to="referrals.needcategory",
                                verbose_name="needs covered",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="services",
                                to="advisors.organisation",
                                verbose_name="organisation",
                            ),
                        ),
                        (
                            "updated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="updated by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "service",
                        "verbose_name_plural": "services",
                        "db_table": "advisors_service",
                        "ordering": ["name_sv", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                models.F("organisation"),
                                django.db.models.functions.text.Lower("name_sv"),
                                name="service_name_unique_per_organisation",
                                violation_error_message=(
                                    "The organisation already has a service with this name."
                                ),
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
