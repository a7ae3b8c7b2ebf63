"""Demo email (issue 20): the region's shared mailbox, of kind "local folder" (no mail server needed), and a
few messages taken from it: a new request from a company in the register (found by the organisation number
in its text), a new request from a sender the portal does not know ("did you mean"), a company's emailed
reply with an attachment on one of the demo requests, and an out-of-office that is ignored.

Idempotent: the mailbox is keyed on its address and each message on its Message-ID, which the mailbox takes
once (a second run takes nothing). The messages go straight to `mailboxes.ingest.take`, so seeding needs no
folder; `make run` also polls the local folder (MAIL_LOCAL_FOLDER, .run/inbound/), where a dropped .eml file
becomes a request or a reply.
"""

from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.db import transaction
from django.utils import timezone

from advisors.models import Region
from companies.models import Company
from mailboxes import ingest
from mailboxes.models import InboundMessage, Mailbox
from notifications.models import OutboundEmail
from referrals.models import AdviceRequest

ADDRESS = "exportcenter@regionuppsala.example"
DOMAIN = "demo-mail.example"
# A one-page PDF: what a company attaches to its reply.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _message(*, key: str, sender: tuple[str, str], subject: str, body: str, hours_ago: int, **headers):
    message = EmailMessage()
    message["From"] = formataddr(sender)
    message["To"] = formataddr(("Exportcenter Uppsala län", ADDRESS))
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now() - timezone.timedelta(hours=hours_ago))
    message["Message-ID"] = f"<{key}@{DOMAIN}>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def mailbox() -> Mailbox:
    region = Region.objects.get(slug="uppsala")
    box, _ = Mailbox.objects.update_or_create(
        address=ADDRESS,
        is_active=True,
        defaults={
            "name": "Exportcenter Uppsala län (delad adress)",
            "region": region,
            "organisation": None,
            "kind": Mailbox.Kind.LOCAL,
            "host": "",
            "processed_folder": "processed",
        },
    )
    return box


def _messages() -> list[EmailMessage]:
    known = (
        Company.objects.active()
        .filter(municipality__county_id="03")
        .exclude(org_number="")
        .order_by("org_number")
        .first()
    )
    replying = (
        AdviceRequest.objects.filter(region__slug="uppsala", contact__email__gt="")
        .exclude(status=AdviceRequest.Status.CLOSED)
        .select_related("contact")
        .order_by("pk")
        .first()
    )
    messages = []
    if known is not None:
        messages.append(
            _message(
                key="demo-new-request",
                sender=("Lena Holm", f"lena.holm@{DOMAIN}"),
                subject="Hjälp att komma igång med export till Norge",
                body=(
                    "Hej!\n\nVi på "
                    + known.name
                    + f" (org.nr {known.org_number}) vill börja sälja i Norge och undrar vilka regler som "
                    "gäller för tull och moms. Kan någon av er ringa oss?\n\nMed vänlig hälsning\nLena Holm"
                ),
                hours_ago=3,
            )
        )
    messages.append(
        _message(
            key="demo-unknown-sender",
            sender=("Omar Said", "omar@said-design.example"),
            subject="Förfrågan: mässa i Tyskland",
            body=(
                "Hej,\n\nJag driver ett litet designföretag och vill ställa ut på en mässa i Köln nästa år. "
                "Finns det stöd att söka?\n\nVänliga hälsningar\nOmar Said"
            ),
            hours_ago=2,
        )
    )
    if replying is not None:
        reply = _message(
            key="demo-reply",
            sender=(replying.contact.name, replying.contact.email),
            subject=f"Sv: Ett meddelande om din förfrågan {replying.reference}",
            body=(
                "Hej!\n\nTack för svaret. Här kommer vår prislista som ni bad om.\n\n"
                f"Den {timezone.localdate():%d/%m} skrev Exportcenter:\n> Kan ni skicka er prislista?"
            ),
            hours_ago=1,
        )
        reply.add_attachment(PDF, maintype="application", subtype="pdf", filename="prislista-2027.pdf")
        messages.append(reply)
    messages.append(
        _message(
            key="demo-out-of-office",
            sender=("Per Ek", "per.ek@ek-verkstad.example"),
            subject="Automatiskt svar: Er förfrågan",
            body="Jag är på semester till och med den 2 januari och läser inte min e-post.",
            hours_ago=1,
            Auto_Submitted="auto-replied",
        )
    )
    return messages


def seed() -> int:
    """The shared mailbox and its demo messages. Returns how many messages were taken this time."""
    box = mailbox()
    taken = 0
    for message in _messages():
        if InboundMessage.objects.filter(mailbox=box, message_id=message["Message-ID"]).exists():
            continue
        with transaction.atomic():
            before = OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            taken += ingest.take(box, bytes(message)).created
            # Demo mail emails nobody (no confirmation to made-up senders): drop what was queued, before the
            # worker sees it. The people of the queue are still told in the portal.
            OutboundEmail.objects.filter(pk__gt=before).delete()
    if taken:
        Mailbox.objects.filter(pk=box.pk).update(
            messages_taken=InboundMessage.objects.filter(mailbox=box).count(),
            last_poll_at=timezone.now(),
            last_success_at=timezone.now(),
        )
    return taken
