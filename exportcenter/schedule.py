"""The scheduled jobs (Celery beat) and the settings that say when and how much they do.

Imported by exportcenter/settings.py, after it has read `.env`: every value comes from the environment, as
in the settings themselves. The schedule is synced into django-celery-beat's tables when beat starts; edit
times and switch tasks off in the admin.
"""

import environ
from celery.schedules import crontab

env = environ.Env()


def _daily(time: str, **days) -> crontab:
    """A crontab at `time` ("HH:MM", Stockholm time: CELERY_TIMEZONE), every day or on `day_of_week`."""
    hour, minute = time.split(":")
    return crontab(minute=minute, hour=hour, **days)


def _job(task: str, schedule, *, expires: int, kwargs: dict | None = None) -> dict:
    """A beat entry whose run is dropped if it waited in the queue longer than `expires` seconds (the next
    run does the same work)."""
    entry = {"task": task, "schedule": schedule}
    if kwargs is not None:
        entry["kwargs"] = kwargs
    entry["options"] = {"expires": expires}
    return entry


__all__ = [
    "AUDIT_DAYS",
    "AUDIT_PURGE_CHUNK_SIZE",
    "AUDIT_PURGE_TIME",
    "CELERY_BEAT_SCHEDULE",
    "DASHBOARD_FACTS_NIGHTLY_DAYS",
    "DASHBOARD_FACTS_TIME",
    "EFFECTS_TIME",
    "OVERDUE_ESCALATION_WORKING_DAYS",
    "REMINDER_CATCH_UP_DAYS",
    "REMINDER_CATCH_UP_HOURS",
    "REMINDER_CATCH_UP_MINUTE",
    "REMINDER_CHUNK_SIZE",
    "REMINDER_TIME",
    "RETENTION_CHUNK_SIZE",
    "RETENTION_MONTHS",
    "RETENTION_TIME",
    "WAITING_NUDGE_DAYS",
    "WEEKLY_DIGEST_TIME",
]

CELERY_BEAT_SCHEDULE = {
    "flush-email-outbox": {
        "task": "notifications.tasks.flush_outbox",
        "schedule": env.float("OUTBOX_FLUSH_INTERVAL_SECONDS", default=60.0),
    },
    "poll-mailboxes": {
        "task": "mailboxes.tasks.poll_mailboxes",
        "schedule": env.float("MAIL_POLL_INTERVAL_SECONDS", default=60.0),
        "options": {"expires": 5 * 60},
    },
    "record-missed-deadlines": {
        "task": "referrals.tasks.record_missed_deadlines",
        "schedule": env.float("DEADLINE_SWEEP_INTERVAL_SECONDS", default=300.0),
    },
}
# The reminders (notifications.reminders): one generic sweep task, one schedule entry per kind. A sweep that
# waited in the queue for hours is dropped (`expires`): the hourly catch-up (below) sends what is missing.
REMINDER_TIME = env.str("REMINDER_TIME", default="08:00")  # Stockholm time, working days
WEEKLY_DIGEST_TIME = env.str("WEEKLY_DIGEST_TIME", default="07:30")  # Stockholm time, Mondays
OVERDUE_ESCALATION_WORKING_DAYS = env.int("OVERDUE_ESCALATION_WORKING_DAYS", default=3)
# The worklist nudges its owner about a request waiting for the company longer than this many days.
WAITING_NUDGE_DAYS = env.int("WAITING_NUDGE_DAYS", default=7)
# How many working days back a run still sends a "due" reminder that earlier runs missed.
REMINDER_CATCH_UP_DAYS = env.int("REMINDER_CATCH_UP_DAYS", default=3)
REMINDER_CHUNK_SIZE = env.int("REMINDER_CHUNK_SIZE", default=500)  # targets per child task
for _kind in (
    "follow_up_due",
    "follow_ups_overdue",
    "overdue_escalation",
    "request_not_triaged",
    "referral_not_answered",
):
    CELERY_BEAT_SCHEDULE[f"reminders-{_kind.replace('_', '-')}"] = _job(
        "notifications.tasks.sweep_reminders",
        _daily(REMINDER_TIME, day_of_week="mon-fri"),
        expires=6 * 60 * 60,
        kwargs={"kind": _kind},
    )
# The catch-up (notifications.reminders.catch_up): every hour in office hours on working days, the kinds
# that allow it are swept again for what is still unsent (a chunk a killed worker took with it). A run that
# waited longer than the interval is dropped: the next one does the same.
REMINDER_CATCH_UP_HOURS = env.str("REMINDER_CATCH_UP_HOURS", default="8-17")  # crontab hours, Stockholm
REMINDER_CATCH_UP_MINUTE = env.str("REMINDER_CATCH_UP_MINUTE", default="30")
CELERY_BEAT_SCHEDULE["reminders-catch-up"] = _job(
    "notifications.tasks.catch_up_reminders",
    crontab(minute=REMINDER_CATCH_UP_MINUTE, hour=REMINDER_CATCH_UP_HOURS, day_of_week="mon-fri"),
    expires=55 * 60,
)
# The audit log keeps entries for AUDIT_DAYS (at least 30); a nightly task purges older ones in chunks.
AUDIT_DAYS = env.int("AUDIT_DAYS", default=730)
AUDIT_PURGE_CHUNK_SIZE = env.int("AUDIT_PURGE_CHUNK_SIZE", default=5000)
AUDIT_PURGE_TIME = env.str("AUDIT_PURGE_TIME", default="03:15")  # Stockholm time, every night
CELERY_BEAT_SCHEDULE["purge-audit-log"] = _job(
    "audit.tasks.purge_audit_log", _daily(AUDIT_PURGE_TIME), expires=6 * 60 * 60
)
# GDPR retention (privacy): contacts and the free text of requests closed more than RETENTION_MONTHS ago are
# anonymised every night, in chunks, under an advisory lock.
RETENTION_MONTHS = env.int("RETENTION_MONTHS", default=36)
RETENTION_CHUNK_SIZE = env.int("RETENTION_CHUNK_SIZE", default=200)
RETENTION_TIME = env.str("RETENTION_TIME", default="02:30")  # Stockholm time, every day
CELERY_BEAT_SCHEDULE["privacy-retention"] = _job(
    "privacy.tasks.run_retention", _daily(RETENTION_TIME), expires=6 * 60 * 60
)
# The dashboards' daily request figures (dashboards/facts.py) are refreshed after every change; a nightly
# rebuild of the last DASHBOARD_FACTS_NIGHTLY_DAYS days catches what went around the signals.
DASHBOARD_FACTS_NIGHTLY_DAYS = env.int("DASHBOARD_FACTS_NIGHTLY_DAYS", default=400)
DASHBOARD_FACTS_TIME = env.str("DASHBOARD_FACTS_TIME", default="03:45")  # Stockholm time, every night
CELERY_BEAT_SCHEDULE["rebuild-dashboard-facts"] = _job(
    "dashboards.tasks.rebuild_recent_request_facts", _daily(DASHBOARD_FACTS_TIME), expires=6 * 60 * 60
)
CELERY_BEAT_SCHEDULE["reminders-weekly-digest"] = _job(
    "notifications.tasks.sweep_reminders",
    _daily(WEEKLY_DIGEST_TIME, day_of_week="mon"),
    expires=6 * 60 * 60,
    kwargs={"kind": "weekly_digest"},
)
# Effects for companies (effects/tasks): ask companies again about outcomes they have not answered, and expire
# those past OUTCOME_CONFIRMATION_DAYS; send the satisfaction survey after a request closes; send the
# follow-up surveys 6 and 12 months after help. Each is idempotent (the survey and outcome rows are their
# own ledger).
EFFECTS_TIME = env.str("EFFECTS_TIME", default="09:00")  # Stockholm time, every day
CELERY_BEAT_SCHEDULE["effects-outcome-reminders"] = _job(
    "effects.tasks.outcomes.remind_and_expire_outcomes", _daily(EFFECTS_TIME), expires=6 * 60 * 60
)
CELERY_BEAT_SCHEDULE["effects-satisfaction-surveys"] = _job(
    "effects.tasks.surveys.send_satisfaction_surveys",
    env.float("SATISFACTION_SURVEY_INTERVAL_SECONDS", default=900.0),
    expires=15 * 60,
)
CELERY_BEAT_SCHEDULE["effects-follow-up-surveys"] = _job(
    "effects.tasks.surveys.send_follow_up_surveys", _daily(EFFECTS_TIME), expires=6 * 60 * 60
)
# The national figures (dashboards/national_snapshots.py) are kept as snapshots for the usual periods,
# recomputed every NATIONAL_FIGURES_INTERVAL_SECONDS: the national page reads one instead of scanning every
# region's requests.
CELERY_BEAT_SCHEDULE["refresh-national-figures"] = _job(
    "dashboards.tasks.refresh_national_figures",
    env.float("NATIONAL_FIGURES_INTERVAL_SECONDS", default=600.0),
    expires=10 * 60,
)
