"""Notifications are stored as a kind and parameters, worded when they are read; people choose per kind.

Existing notifications are traced back to what they are about through their key (new-request:<id>,
company-replied:<event id>, referral-<status>:<id>, reminder:<kind>:<type>:<id>:<date>) and get the same
parameters a new one would. A row that cannot be traced keeps its old words as `params["title"]`.
"""

import re

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REMINDER = re.compile(r"^reminder:(?P<kind>[a-z_]+):(?P<type>[a-z_.]+):(?P<id>\d+):(?P<date>\d{4}-\d{2}-\d{2})$")


def _request(request):
    return {"request": str(request.public_id), "reference": request.reference, "company": request.company.name}


def _numbers(title):
    return [int(number) for number in re.findall(r"\d+", title)]


def params_for(apps, notification):
    AdviceRequest = apps.get_model("referrals", "AdviceRequest")
    RequestEvent = apps.get_model("referrals", "RequestEvent")
    Referral = apps.get_model("referrals", "Referral")
    FollowUp = apps.get_model("outreach", "FollowUp")
    Organisation = apps.get_model("advisors", "Organisation")
    prefix, _, rest = notification.key.partition(":")
    kind, title = notification.kind, notification.title
    if prefix == "new-request" and rest.isdigit():
        request = AdviceRequest.objects.select_related("company").filter(pk=rest).first()
        return _request(request) if request else None
    if prefix == "company-replied" and rest.isdigit():
        event = RequestEvent.objects.select_related("request__company").filter(pk=rest).first()
        return _request(event.request) if event else None
    if prefix.startswith("referral-") and rest.isdigit():
        referral = (
            Referral.objects.select_related("request__company", "from_organisation", "to_organisation")
            .filter(pk=rest)
            .first()
        )
        if referral is None:
            return None
        received = kind in ("referral_received", "referral_withdrawn")
        organisation = referral.from_organisation if received else referral.to_organisation
        return {**_request(referral.request), "organisation": organisation.name, "referral": referral.pk}
    match = REMINDER.match(notification.key)
    if match is None:
        return None
    target, occurrence = int(match["id"]), match["date"]
    numbers = _numbers(title)
    if kind == "follow_up_due":
        follow_up = FollowUp.objects.select_related("company").filter(pk=target).first()
        if follow_up is None:
            return None
        return {
            "date": follow_up.due_on.isoformat(),
            "description": follow_up.description[:120],
            "company": follow_up.company.name,
        }
    if kind == "request_not_triaged":
        request = AdviceRequest.objects.select_related("company").filter(pk=target).first()
        return _request(request) if request else None
    if kind == "referral_not_answered":
        referral = Referral.objects.select_related("request", "from_organisation").filter(pk=target).first()
        if referral is None:
            return None
        return {
            "request": str(referral.request.public_id),
            "reference": referral.request.reference,
            "organisation": referral.from_organisation.name,
        }
    if kind == "follow_ups_overdue" and numbers:
        return {"count": numbers[0]}
    if kind == "overdue_escalation" and numbers:
        organisation = Organisation.objects.filter(pk=target).first()
        if organisation is None:
            return None
        return {
            "count": numbers[0],
            "organisation": organisation.name,
            "days": getattr(settings, "OVERDUE_ESCALATION_WORKING_DAYS", 3),
        }
    if kind == "weekly_digest" and len(numbers) >= 3:
        follow_ups, requests, referrals = numbers[-3:]
        return {"date": occurrence, "follow_ups": follow_ups, "requests": requests, "referrals": referrals}
    return None


def forwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for notification in Notification.objects.iterator(chunk_size=500):
        params = params_for(apps, notification) or {"title": notification.title, "url": notification.url}
        Notification.objects.filter(pk=notification.pk).update(params=params)


def backwards(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for notification in Notification.objects.iterator(chunk_size=500):
        params = notification.params or {}
        title = params.get("title") or params.get("reference") or notification.kind
        Notification.objects.filter(pk=notification.pk).update(title=str(title)[:300], url=params.get("url", ""))


KINDS = [
    ("new_request", "New request"),
    ("company_replied", "The company replied"),
    ("status_changed", "Status of my request changed"),
    ("deadline_missed", "First-response deadline missed"),
    ("referral_received", "New referral"),
    ("referral_accepted", "Referral accepted"),
    ("referral_declined", "Referral declined"),
    ("referral_withdrawn", "Referral withdrawn"),
    ("follow_up_due", "Follow-up due"),
    ("follow_ups_overdue", "Overdue follow-ups"),
    ("overdue_escalation", "Overdue follow-ups in my organisation"),
    ("request_not_triaged", "Request not triaged in time"),
    ("referral_not_answered", "Referral not answered in time"),
    ("weekly_digest", "Weekly digest"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_reminders_and_preferences"),
        ("referrals", "0006_referrals"),
        ("outreach", "0001_initial"),
        ("advisors", "0003_triage_duty"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="params",
            field=models.JSONField(
                blank=True,
                default=dict,
                encoder=django.core.serializers.json.DjangoJSONEncoder,
                help_text="What the notification is about (references, names, dates); worded when it is read.",
                verbose_name="parameters",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=32, verbose_name="kind"),
        ),
        migrations.RunPython(forwards, backwards),
        # With defaults, so that migrating back can add the columns to existing rows (then filled above).
        migrations.AlterField(
            model_name="notification",
            name="title",
            field=models.CharField(default="", max_length=300, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="url",
            field=models.CharField(blank=True, default="", max_length=500, verbose_name="link"),
        ),
        migrations.RemoveField(model_name="notification", name="title"),
        migrations.RemoveField(model_name="notification", name="url"),
        migrations.RenameModel(old_name="EmailPreference", new_name="NotificationPreference"),
        migrations.AlterModelOptions(
            name="notificationpreference",
            options={
                "ordering": ["user", "kind"],
                "verbose_name": "notification preference",
                "verbose_name_plural": "notification preferences",
            },
        ),
        migrations.AddField(
            model_name="notificationpreference",
            name="in_app",
            field=models.BooleanField(default=True, verbose_name="in the portal"),
        ),
        migrations.AlterField(
            model_name="notificationpreference",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=32, verbose_name="kind"),
        ),
        migrations.AlterField(
            model_name="notificationpreference",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notification_preferences",
                to=settings.AUTH_USER_MODEL,
                verbose_name="person",
            ),
        ),
    ]
