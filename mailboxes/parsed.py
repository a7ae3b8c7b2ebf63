"""What `mailboxes.parsing.parse` gives (the message, its parts, its bounce) and the limits that keep
reading a hostile message bounded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MAX_ATTACHMENTS = 100  # parts kept as attachments; the rest are dropped
MAX_PARTS = 1_000  # MIME parts looked at
MAX_DEPTH = 50  # nesting of multiparts and attached messages; deeper parts are dropped
MAX_TEXT_CHARS = 1_000_000  # the text and HTML of one message
MAX_HEADER_CHARS = 2_000  # one header's value in `headers`
MAX_REFERENCES = 50  # the newest References kept
MAX_HEADER_BLOCK = 1_000_000  # bytes of the header block read
MAX_PARSED_HEADER = (
    8_000  # longer values are decoded without the stdlib's (slow on huge values) header parser
)
MAX_ADDRESS_HEADER = 64_000  # characters of one address header read
MAX_ADDRESSES = 200  # addresses kept from one header

RECORDED_HEADERS = (
    "From", "Sender", "To", "Cc", "Reply-To", "Date", "Subject", "Message-ID", "In-Reply-To", "References",
    "Return-Path", "Delivered-To", "X-Original-To", "Envelope-To", "Auto-Submitted", "Precedence",
    "X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id", "List-Unsubscribe", "Content-Type",
    "X-Mailer", "User-Agent", "X-Failed-Recipients",
)  # fmt: skip


@dataclass(frozen=True)
class MailPart:
    filename: str
    content_type: str
    data: bytes
    inline: bool
    content_id: str

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class Bounce:
    recipients: tuple[str, ...]
    reason: str
    original_message_id: str


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str
    has_message_id: bool
    from_address: str
    from_name: str
    to: tuple[str, ...]
    delivered_to: tuple[str, ...]
    reply_to: str
    subject: str
    sent_at: datetime | None
    in_reply_to: str
    references: tuple[str, ...]
    text: str
    html: str
    reply_text: str
    attachments: tuple[MailPart, ...]
    auto_reply: str
    bounce: Bounce | None
    headers: dict[str, str]
    size: int
