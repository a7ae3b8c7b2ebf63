from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def deliver_email(email_id: int) -> bool:
    return services.deliver(email_id)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=8)
def deliver_emails(self, email_ids: list[int]) -> int:
    """Send a batch of outbox emails over one connection; retry what a mail-server error left pending,
    after 1, 2, 4, … minutes. (The `flush-email-outbox` sweep would send them too: the row lock and the
    status make sure only one of them does.)"""
    result = services.deliver_many(email_ids)
    if result.retry and self.request.retries < self.max_retries:
        raise self.retry(args=[result.retry], countdown=services.retry_delay(self.request.retries))
    return len(result.sent)


@shared_task(acks_late=True, ignore_result=True)
def flush_outbox() -> int:
    return services.flush_outbox()
