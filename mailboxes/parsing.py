"""One email message, read into what the portal needs: `parse(raw) -> ParsedMessage`.

`parse` never raises: broken headers, unknown charsets, missing bodies, NUL bytes and garbage give a message
with what could be read (at worst only the size and a Message-ID made from the content). Every string it
returns is free of NUL bytes and lone surrogates, so it can go into PostgreSQL as is.

- Headers are decoded with the stdlib (`email.policy.default`); when a header object cannot be built, the
  raw value is decoded word by word (RFC 2047), any charset falling back to UTF-8 and then Windows-1252.
- The text is the text/plain body (all inline text parts of a multipart/mixed, the plain alternative of a
  multipart/alternative); a message with only HTML gets its text from the HTML (`html_to_text`).
- The HTML is sanitised with nh3 (`sanitise_html`): no scripts, styles, event handlers or remote images.
- `reply_text` is the new part (`mailboxes.quoting`): quoted history and signatures folded away.
- Attachments: real attachments and inline images (with their Content-ID); winmail.dat (TNEF) is kept as a
  file. At most MAX_ATTACHMENTS parts are kept and MAX_PARTS parts are looked at (a 10,000-part message is
  read in bounded time); what is beyond is dropped.
- Auto-replies (RFC 3834 Auto-Submitted, X-Autoreply/X-Autorespond, Precedence bulk/junk/list/auto_reply,
  List-Id/List-Unsubscribe, a null Return-Path, read receipts, delayed-delivery reports, out-of-office
  subjects) and bounces (RFC 3464 delivery-status reports; classic MAILER-DAEMON/postmaster bounces with the
  returned headers in the body). A bounce is not an auto-reply.

The parts: `parsed` (the types and the limits), `headers` (strings, charsets, encoded words, addresses,
Message-IDs, dates), `mime` (the body: text, HTML, attachments), `classify` (auto-replies and bounces); this
module puts them together.
"""

from __future__ import annotations

import hashlib
import logging
import re
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.parser import BytesParser

from mailboxes.quoting import reply_text as _reply_text
from mailboxes.sanitising import html_to_text, sanitise_html

from .classify import DAEMON_ADDRESS, auto_reply_reason, classic_bounce, dsn_bounce
from .headers import (
    EMAIL,
    address_of,
    addresses_of,
    clean,
    header_value,
    message_ids,
    one_line,
    parse_date,
    raw_values,
)
from .mime import Body, collect, content_type_of
from .parsed import (
    MAX_ADDRESSES,
    MAX_ATTACHMENTS,
    MAX_HEADER_BLOCK,
    MAX_HEADER_CHARS,
    MAX_REFERENCES,
    MAX_TEXT_CHARS,
    RECORDED_HEADERS,
    Bounce,
    MailPart,
    ParsedMessage,
)

logger = logging.getLogger(__name__)

# The parsed message's types and the limits (read by the tests) are re-exported from here.
__all__ = [
    "MAX_ADDRESSES",
    "MAX_ATTACHMENTS",
    "MAX_REFERENCES",
    "Bounce",
    "MailPart",
    "ParsedMessage",
    "html_to_text",
    "parse",
    "sanitise_html",
]


def _generated_id(raw: bytes) -> str:
    return f"<{hashlib.sha256(raw).hexdigest()}@exportcenter.invalid>"


def _empty(raw: bytes) -> ParsedMessage:
    return ParsedMessage(
        message_id=_generated_id(raw),
        has_message_id=False,
        from_address="",
        from_name="",
        to=(),
        delivered_to=(),
        reply_to="",
        subject="",
        sent_at=None,
        in_reply_to="",
        references=(),
        text="",
        html="",
        reply_text="",
        attachments=(),
        auto_reply="",
        bounce=None,
        headers={},
        size=len(raw),
    )


def parse(raw: bytes) -> ParsedMessage:
    """Read one message (RFC 5322 bytes). Never raises: what cannot be read is left empty.

    When the body cannot be read (nesting beyond Python's recursion limit, say), the headers alone are."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    raw = bytes(raw or b"")
    try:
        return _parse(raw)
    except Exception:  # RecursionError included: read the headers alone
        logger.info("mail parsing: the body could not be read", exc_info=True)
    try:
        return _parse(raw, headers_only=True)
    except Exception:  # by contract: a message that cannot be read is an empty one
        return _empty(raw)


_END_OF_HEADERS = re.compile(rb"\r?\n\r?\n")


def _head(raw: bytes) -> EmailMessage:
    """The top-level headers, parsed with `policy.default` (decoded words, address objects).

    The header block alone is parsed so: the MIME structure is read with `policy.compat32`, whose parser
    does not build header objects for every part's headers (10,000 parts in seconds, not minutes)."""
    end = _END_OF_HEADERS.search(raw, 0, MAX_HEADER_BLOCK)
    block = raw[: end.start() if end else MAX_HEADER_BLOCK]
    return BytesParser(policy=policy.default).parsebytes(block + b"\n\n", headersonly=True)


def _parse(raw: bytes, *, headers_only: bool = False) -> ParsedMessage:
    head = _head(raw)
    msg: Message = head if headers_only else message_from_bytes(raw, policy=policy.compat32)

    ids = message_ids(header_value(head, "Message-ID"))
    has_message_id = bool(ids)
    message_id = ids[0] if ids else _generated_id(raw)

    froms = addresses_of(head, "From") or addresses_of(head, "Sender")
    from_name, from_address = froms[0] if froms else ("", "")
    from_address = from_address.lower()
    if not from_address and froms:
        from_name = from_name or froms[0][0]
    to = []
    for name in ("To", "Cc"):
        for _display, address in addresses_of(head, name):
            if address and address not in to:
                to.append(address)
    delivered = []
    for name in ("Delivered-To", "X-Original-To", "Envelope-To"):
        for value in raw_values(head, name):
            for address in EMAIL.findall(clean(value)):
                address = address_of(address)
                if address not in delivered:
                    delivered.append(address)
    reply_tos = [address for _display, address in addresses_of(head, "Reply-To") if address]

    subject = one_line(header_value(head, "Subject"))[:998]
    sent_at = parse_date(header_value(head, "Date"))
    in_reply_to_ids = message_ids(header_value(head, "In-Reply-To"))
    in_reply_to = in_reply_to_ids[0] if in_reply_to_ids else ""
    # The newest ids are last (the parent at the end): read the tail of the raw value (ids are ASCII).
    references_raw = clean(" ".join(raw_values(head, "References")))[-64_000:]
    references = tuple(message_ids(" ".join(references_raw.split()))[-MAX_REFERENCES:])

    body = Body()
    body.in_report = content_type_of(msg) == "multipart/report"
    if not headers_only:
        collect(msg, body)

    text = "\n\n".join(item.strip("\n") for item in body.texts if item.strip())
    html_source = "\n".join(body.htmls)
    html = sanitise_html(html_source) if html_source.strip() else ""
    if not text.strip() and html_source.strip():
        text = html_to_text(html_source)
    text = clean(text, MAX_TEXT_CHARS).strip()

    content_type = content_type_of(msg)
    try:
        report_type = (
            (msg.get_param("report-type") or "").lower() if content_type == "multipart/report" else ""
        )
        report_type = report_type if isinstance(report_type, str) else ""
    except Exception:
        report_type = ""

    bounce = None
    if body.delivery_status:
        bounce = dsn_bounce(body)
    if bounce is None and content_type != "multipart/report":
        bounce = classic_bounce(head, body, from_address, subject, text)
    auto_reply = "" if bounce else auto_reply_reason(head, subject, content_type, report_type)
    if not bounce and not auto_reply and DAEMON_ADDRESS.match(from_address):
        auto_reply = "mailer-daemon"

    headers: dict[str, str] = {}
    for name in RECORDED_HEADERS:
        value = header_value(head, name)
        if value:
            headers[name] = one_line(value)[:MAX_HEADER_CHARS]

    return ParsedMessage(
        message_id=clean(message_id, 500),
        has_message_id=has_message_id,
        from_address=from_address,
        from_name=clean(from_name, 200),
        to=tuple(to[:200]),
        delivered_to=tuple(delivered[:50]),
        reply_to=reply_tos[0] if reply_tos else "",
        subject=subject,
        sent_at=sent_at,
        in_reply_to=clean(in_reply_to, 500),
        references=references,
        text=text,
        html=clean(html, MAX_TEXT_CHARS),
        reply_text=clean(_reply_text(text)),
        attachments=tuple(body.attachments[:MAX_ATTACHMENTS]),
        auto_reply=auto_reply,
        bounce=bounce,
        headers=headers,
        size=len(raw),
    )
