from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def deliver_email(email_id: int) -> bool:
    return services.deliver(email_id)


@shared_task(acks_late=True, ignore_result=True)
def flush_outbox() -> int:
    return services.flush_outbox()
