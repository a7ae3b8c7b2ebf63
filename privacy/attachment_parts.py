"""What the attachments (issue 20) hold about one person: the files on the person's requests, sent by the
company (the form, its replies, email) or by advisors to it.

The export describes each file (name, size, type, where it came from, the virus scan) without its content:
the person asks for the files themselves through the portal's staff. Erasure deletes the stored files and
the names (which often carry a name: "CV Karin Berg.pdf"); the rows stay, marked erased, so that the
timeline still says that a file was there.
"""

from django.db import transaction
from django.utils import timezone

from exportcenter.personal_data import Row, Subject, iso
from referrals.models import Attachment

from .labels import anonymised_label


def _files(subject: Subject):
    return Attachment.objects.filter(request_id__in=subject.request_ids).select_related("request", "event")


def collect_attachments(subject: Subject) -> list[Row]:
    return [
        {
            "id": str(attachment.public_id),
            "request": attachment.request.reference,
            "name": attachment.name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "source": attachment.source,
            "scan": attachment.scan,
            "received_at": iso(attachment.created_at),
            "erased_at": iso(attachment.erased_at),
        }
        for attachment in _files(subject).order_by("created_at", "pk")
    ]


def erase_attachments(subject: Subject) -> int:
    files = list(_files(subject).filter(erased_at__isnull=True).values_list("pk", "file"))
    if not files:
        return 0
    storage = Attachment._meta.get_field("file").storage
    names = [name for _pk, name in files if name]
    # The files go when the erasure commits: a rolled-back erasure keeps them, like its rows.
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return Attachment.objects.filter(pk__in=[pk for pk, _name in files]).update(
        file="", name=anonymised_label("text"), erased_at=timezone.now()
    )
