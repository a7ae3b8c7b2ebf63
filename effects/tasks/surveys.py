"""Tasks about surveys: the satisfaction survey after a request closes (after commit, and a sweep so that
none is lost), and the follow-ups 6 and 12 months after help (daily). All idempotent: the survey rows are
their own ledger."""

from datetime import date

from celery import shared_task

from ..services import surveys

__all__ = ["send_follow_up_surveys", "send_satisfaction_survey", "send_satisfaction_surveys"]


@shared_task(acks_late=True, ignore_result=True)
def send_satisfaction_survey(request_id: int) -> bool:
    return surveys.send_satisfaction_survey(request_id=request_id) is not None


@shared_task(acks_late=True, ignore_result=True)
def send_satisfaction_surveys() -> int:
    return surveys.sweep_satisfaction_surveys()


@shared_task(acks_late=True, ignore_result=True)
def send_follow_up_surveys(run_date: str | None = None) -> int:
    return surveys.sweep_follow_up_surveys(date.fromisoformat(run_date) if run_date else None)
