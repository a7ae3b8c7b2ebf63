"""Reading an email's body (`mailboxes.parsing`): its text and HTML parts, attachments and inline images,
and forwarded messages, within the limits of `mailboxes.parsed`."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import Message

from mailboxes.sanitising import html_to_text

from .headers import clean, decode_bytes, decode_words, header_value, one_line, raw_values
from .parsed import MAX_ATTACHMENTS, MAX_DEPTH, MAX_PARTS, MAX_TEXT_CHARS, MailPart


class Body:
    def __init__(self):
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.attachments: list[MailPart] = []
        self.parts_seen = 0
        self.truncated = False
        self.delivery_status: list[Message] = []
        self.returned_headers: list[Message] = []
        self.in_report = False  # a delivery report: the returned message is not part of the text


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if data is None:
        try:
            raw = part.get_payload()
            data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
        except Exception:
            data = b""
    return data


def _part_text(part: Message) -> str:
    data = _payload(part)
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    text = decode_bytes(data[: MAX_TEXT_CHARS * 4], charset)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        params = {key.lower(): (value or "").lower() for key, value in part.get_params() or [] if key}
    except Exception:
        params = {}
    if params.get("format") == "flowed" and part.get_content_subtype() == "plain":
        text = _unflow(text, delsp=params.get("delsp") == "yes")
    return clean(text, MAX_TEXT_CHARS)


def _unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676 format=flowed: lines ending with a space go on."""
    out: list[str] = []
    buffer = ""
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if line.endswith(" ") and line != "-- ":
            buffer += line[:-1] if delsp else line
            continue
        out.append(buffer + line)
        buffer = ""
    if buffer:
        out.append(buffer)
    return "\n".join(out)


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    if not name:
        for key in ("filename", "name"):
            for header in ("Content-Disposition", "Content-Type"):
                raw = raw_values(part, header)
                if raw:
                    found = re.search(rf'{key}\*?=\s*"?([^";]+)"?', raw[0], re.IGNORECASE)
                    if found:
                        name = found.group(1)
                        break
            if name:
                break
    name = decode_words(name) if "=?" in str(name) else clean(name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().strip(".") or ""
    return name[:255]


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        raw = raw_values(part, "Content-Disposition")
        return raw[0].split(";")[0].strip().lower() if raw else ""


def content_type_of(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "application/octet-stream"


def _content_id(part: Message) -> str:
    value = header_value(part, "Content-ID")
    return value.strip().strip("<>")[:250]


_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "message/rfc822": ".eml",
    "application/ms-tnef": ".dat",
}


def _attach(body: Body, part: Message, content_type: str, data: bytes, *, filename: str = ""):
    if len(body.attachments) >= MAX_ATTACHMENTS:
        body.truncated = True
        return
    disposition = _disposition(part)
    content_id = _content_id(part)
    filename = filename or _filename(part)
    if not filename:
        if content_type == "application/ms-tnef":
            filename = "winmail.dat"
        else:
            stem = "image" if content_type.startswith("image/") else "attachment"
            filename = f"{stem}-{len(body.attachments) + 1}{_EXTENSIONS.get(content_type, '.bin')}"
    inline = disposition == "inline" or (disposition != "attachment" and bool(content_id))
    body.attachments.append(
        MailPart(
            filename=filename, content_type=content_type, data=data, inline=inline, content_id=content_id
        )
    )


def collect(part: Message, body: Body, depth: int = 0):
    body.parts_seen += 1
    if body.parts_seen > MAX_PARTS or depth > MAX_DEPTH:
        body.truncated = True
        return
    content_type = content_type_of(part)
    maintype = content_type.split("/", 1)[0]

    if content_type == "message/delivery-status":
        payload = part.get_payload()
        if isinstance(payload, list):
            body.delivery_status.extend(item for item in payload if isinstance(item, Message))
        elif isinstance(payload, str | bytes):
            text = payload if isinstance(payload, str) else decode_bytes(payload, None)
            body.delivery_status.extend(_header_blocks(text))
        return
    if content_type == "text/rfc822-headers":
        body.returned_headers.append(_headers_from_text(_part_text(part)))
        return
    if content_type in ("message/rfc822", "message/global"):
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            body.returned_headers.append(inner)
            try:
                data = inner.as_bytes(policy=policy.SMTP)
            except Exception:
                data = _payload(part)
            subject = header_value(inner, "Subject")
            name = _filename(part) or (re.sub(r"[^\w\s.-]", "", subject).strip()[:80] or "message") + ".eml"
            _attach(body, part, "message/rfc822", data, filename=name)
            if not body.in_report:
                _forwarded_text(inner, body, depth)
        else:
            _attach(body, part, "message/rfc822", _payload(part))
        return

    if part.is_multipart():
        children = part.get_payload()
        if not isinstance(children, list):
            return
        if content_type == "multipart/alternative":
            best_text, best_html = None, None
            for child in children:
                sub = Body()
                sub.parts_seen = body.parts_seen
                collect(child, sub, depth + 1)
                body.parts_seen = sub.parts_seen
                body.truncated |= sub.truncated
                if best_text is None and any(item.strip() for item in sub.texts):
                    best_text = (
                        sub.texts
                    )  # the first alternative with text (an empty text/plain does not count)
                if sub.htmls:
                    best_html = sub.htmls  # the last alternative is the richest
                for attachment in sub.attachments:
                    if len(body.attachments) < MAX_ATTACHMENTS:
                        body.attachments.append(attachment)
                body.delivery_status.extend(sub.delivery_status)
                body.returned_headers.extend(sub.returned_headers)
            body.texts.extend(best_text or [])
            body.htmls.extend(best_html or [])
            return
        for child in children:
            if body.parts_seen > MAX_PARTS:
                body.truncated = True
                break
            collect(child, body, depth + 1)
        return

    disposition = _disposition(part)
    filename = _filename(part)
    # A text part is the body unless it is an attachment (a named text part below the top is a file).
    is_body = (
        maintype == "text" and content_type in ("text/plain", "text/html") and disposition != "attachment"
    )
    if is_body and (not filename or depth == 0):
        (body.texts if content_type == "text/plain" else body.htmls).append(_part_text(part))
        return
    _attach(body, part, content_type, _payload(part), filename=filename)


def _forwarded_text(inner: Message, body: Body, depth: int):
    """A message forwarded as an attachment: its text goes into the text too, under a forward marker
    (which the quote folding folds away from `reply_text`). Its own attachments stay inside the .eml."""
    sub = Body()
    sub.parts_seen = body.parts_seen
    collect(inner, sub, depth + 1)
    body.parts_seen = sub.parts_seen
    text = "\n\n".join(item.strip("\n") for item in sub.texts if item.strip())
    if not text.strip() and sub.htmls:
        text = html_to_text("\n".join(sub.htmls))
    lines = ["---------- Forwarded message ----------"]
    for name in ("From", "Date", "Subject", "To"):
        value = one_line(header_value(inner, name))
        if value:
            lines.append(f"{name}: {value}")
    body.texts.append("\n".join(lines) + "\n\n" + text)


def _header_blocks(text: str) -> list[Message]:
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [_headers_from_text(block) for block in blocks if block.strip()]


def _headers_from_text(text: str) -> Message:
    try:
        return message_from_bytes(text.strip().encode("utf-8", "replace") + b"\n\n", policy=policy.compat32)
    except Exception:
        return Message()
