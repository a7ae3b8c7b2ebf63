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
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import logging
import quopri
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from mailboxes.quoting import reply_text as _reply_text
from mailboxes.sanitising import html_to_text, sanitise_html

logger = logging.getLogger(__name__)

__all__ = ["Bounce", "MailPart", "ParsedMessage", "html_to_text", "parse", "sanitise_html"]

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


# ----------------------------------------------------------------------------------------------------
# strings


def clean(value, limit: int | None = None) -> str:
    """A string PostgreSQL takes: no NUL, no lone surrogates (8-bit bytes: UTF-8, else Windows-1252)."""
    if value is None:
        return ""
    text = str(value)
    if any("\udc80" <= char <= "\udcff" for char in text):
        raw = text.encode("utf-8", "surrogateescape") if _only_escapes(text) else None
        if raw is not None:
            text = _decode_bytes(raw, None)
    text = text.replace("\x00", "")
    if _C1.search(text):
        # C1 controls are Windows-1252 text labelled ISO-8859-1 (an en dash as =96): read as Windows-1252.
        text = _C1.sub(_from_cp1252, text)
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    if limit is not None and len(text) > limit:
        text = text[:limit]
    return text


_C1 = re.compile("[\x80-\x9f]")


def _from_cp1252(match: re.Match) -> str:
    try:
        return match.group().encode("latin-1").decode("cp1252")
    except UnicodeError:
        return ""


def _only_escapes(text: str) -> bool:
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeError:
        return False
    return True


_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",  # mislabelled Windows text is the rule, and cp1252 is a superset for the text
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",  # 8-bit bytes under an ASCII label are UTF-8 more often than anything else
    "ascii": "utf-8",
    "x-unknown": "utf-8",
    "unknown-8bit": "utf-8",
    "utf8": "utf-8",
    "x-user-defined": "cp1252",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except (LookupError, TypeError, ValueError):
        return None


def _decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes as text: the declared charset, else UTF-8, else Windows-1252 (which reads nearly any byte)."""
    codec = _codec(charset)
    if codec:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            pass
    if codec != "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if codec and codec not in ("utf-8", "ascii"):
        try:
            return data.decode(codec, "replace")
        except LookupError:
            pass
    return data.decode("cp1252", "replace")


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)")


def _decode_word(match: re.Match) -> str:
    charset, encoding, encoded = match.group(1).split("*", 1)[0], match.group(2).upper(), match.group(3)
    try:
        if encoding == "B":
            padded = encoded + "=" * (-len(encoded) % 4)
            data = base64.b64decode(padded, validate=True)
        else:
            data = quopri.decodestring(encoded.replace("_", " ").encode("ascii", "replace"), header=True)
    except (binascii.Error, ValueError):
        return match.group(0)  # not decodable: shown as it came
    return _decode_bytes(data, charset)


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words by hand, word by word, each charset falling back to UTF-8 and then
    Windows-1252 (the fallback for headers the stdlib cannot decode). A word that is not valid base64 or
    quoted-printable stays as it came."""
    try:
        text = re.sub(r"\r?\n[ \t]+", " ", str(value))
        text = _BETWEEN_WORDS.sub(r"\1", text)  # whitespace between two encoded words is not text
        text = _ENCODED_WORD.sub(_decode_word, text)
    except Exception:
        text = str(value)
    return clean(text)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ----------------------------------------------------------------------------------------------------
# headers


def _raw_values(msg: Message, name: str) -> list[str]:
    lower = name.lower()
    try:
        return [str(value) for key, value in msg.raw_items() if key.lower() == lower]
    except Exception:
        return []


def _header(msg: Message, name: str) -> str:
    """The header's first value, decoded, or "" (never raises).

    A value longer than MAX_PARSED_HEADER is not given to the stdlib's header parser (its time grows faster
    than the length): its start is decoded word by word instead."""
    raw = _raw_values(msg, name)
    if not raw:
        return ""
    if len(raw[0]) > MAX_PARSED_HEADER:
        return _decode_words(raw[0][:MAX_PARSED_HEADER])
    try:
        value = msg.get(name)
        if value is None:
            return ""
        text = str(value)
        # An encoded word the policy left alone (bad placement, unknown charset) or decoded to U+FFFD
        # (ISO-8859-1 bytes labelled UTF-8): decode the raw value word by word with our fallbacks.
        if ("=?" in text or "\ufffd" in text) and "=?" in raw[0]:
            text = _decode_words(raw[0])
        return clean(text)
    except Exception:  # a header the policy cannot build: decode the raw value
        return _decode_words(raw[0])


def _addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    """(name, address) pairs of every value of an address header; see `_address` for the address."""
    pairs: list[tuple[str, str]] = []
    raws = _raw_values(msg, name)
    try:
        if sum(len(raw) for raw in raws) > MAX_PARSED_HEADER:
            raise ValueError("too long for the header parser")
        values = msg.get_all(name) or []
        for value in values:
            for address in getattr(value, "addresses", ()):
                pairs.append((clean(address.display_name), address.addr_spec or ""))
        if values and not pairs:
            raise ValueError("no addresses")
    except Exception:  # fall back to the lenient parser on the (start of the) raw value
        pairs = []
        for raw in raws:
            raw = re.sub(r"\r?\n[ \t]+", " ", raw[:MAX_ADDRESS_HEADER])
            for display, addr in getaddresses([raw])[:MAX_ADDRESSES]:
                pairs.append((_decode_words(display), addr))
    return [(_one_line(display), _address(addr)) for display, addr in pairs[:MAX_ADDRESSES]]


def _address(value: str) -> str:
    """One address: the domain lower-cased, the local part as given (a signed plus-address is case-sensitive).

    An address the header parser could not separate from its display name (an unbalanced quote) is found
    in the text. "" when there is none."""
    value = clean(value).strip().strip("<>").strip()
    if not _EMAIL_FULL.match(value):
        found = _EMAIL.findall(value)
        value = found[-1] if found else ""
    if not value:
        return ""
    local, _at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"[:320]


_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
)
_EMAIL_FULL = re.compile(r"^[^\s@<>\"(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*$")
_ID = re.compile(r"<[^<>\s]{1,490}>")


def _ids(value: str) -> list[str]:
    found = _ID.findall(value or "")
    if not found and value and value.strip() and " " not in value.strip() and "@" in value:
        found = [f"<{value.strip().strip('<>')[:490]}>"]
    return found


def _sent_at(value: str) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except Exception:
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if not 1980 <= when.year <= 2200:
        return None
    return when


# ----------------------------------------------------------------------------------------------------
# body


class _Body:
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
    text = _decode_bytes(data[: MAX_TEXT_CHARS * 4], charset)
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
                raw = _raw_values(part, header)
                if raw:
                    found = re.search(rf'{key}\*?=\s*"?([^";]+)"?', raw[0], re.IGNORECASE)
                    if found:
                        name = found.group(1)
                        break
            if name:
                break
    name = _decode_words(name) if "=?" in str(name) else clean(name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().strip(".") or ""
    return name[:255]


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        raw = _raw_values(part, "Content-Disposition")
        return raw[0].split(";")[0].strip().lower() if raw else ""


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:
        return "application/octet-stream"


def _content_id(part: Message) -> str:
    value = _header(part, "Content-ID")
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


def _attach(body: _Body, part: Message, content_type: str, data: bytes, *, filename: str = ""):
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


def _collect(part: Message, body: _Body, depth: int = 0):
    body.parts_seen += 1
    if body.parts_seen > MAX_PARTS or depth > MAX_DEPTH:
        body.truncated = True
        return
    content_type = _content_type(part)
    maintype = content_type.split("/", 1)[0]

    if content_type == "message/delivery-status":
        payload = part.get_payload()
        if isinstance(payload, list):
            body.delivery_status.extend(item for item in payload if isinstance(item, Message))
        elif isinstance(payload, str | bytes):
            text = payload if isinstance(payload, str) else _decode_bytes(payload, None)
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
            subject = _header(inner, "Subject")
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
                sub = _Body()
                sub.parts_seen = body.parts_seen
                _collect(child, sub, depth + 1)
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
            _collect(child, body, depth + 1)
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


def _forwarded_text(inner: Message, body: _Body, depth: int):
    """A message forwarded as an attachment: its text goes into the text too, under a forward marker
    (which the quote folding folds away from `reply_text`). Its own attachments stay inside the .eml."""
    sub = _Body()
    sub.parts_seen = body.parts_seen
    _collect(inner, sub, depth + 1)
    body.parts_seen = sub.parts_seen
    text = "\n\n".join(item.strip("\n") for item in sub.texts if item.strip())
    if not text.strip() and sub.htmls:
        text = html_to_text("\n".join(sub.htmls))
    lines = ["---------- Forwarded message ----------"]
    for name in ("From", "Date", "Subject", "To"):
        value = _one_line(_header(inner, name))
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


# ----------------------------------------------------------------------------------------------------
# auto-replies and bounces

_OUT_OF_OFFICE = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*)?(?:Automatiskt svar|Autosvar|Automatisk svar|Automatiskt meddelande|Frånvaro|"
    r"Frånvaromeddelande|Out of Office|Out of the Office|Auto[- ]?reply|Autoreply|Automatic reply|"
    r"Auto[- ]?response|"
    r"Autoresponse|Abwesenheitsnotiz|Automatische Antwort|Fraværsmelding|Poissaolo|Réponse automatique|"
    r"Respuesta automática|Vacation reply|On vacation|I am out of the office|Jag är inte på kontoret)\b",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(?:Undelivered Mail Returned to Sender|Undeliverable|Olevererbart|Ej levererat|Kan inte levereras|"
    r"Mail delivery failed|Delivery Status Notification \(Failure\)|Delivery Status Notification|"
    r"Returned mail|failure notice|Delivery failure|Mail System Error|Unzustellbar|Non remis|"
    r"Message not delivered|Delivery has failed|Leveransfel|Levererades inte)",
    re.IGNORECASE,
)
_DAEMON = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.IGNORECASE)


def _auto_reply(msg: Message, subject: str, content_type: str, report_type: str) -> str:
    auto_submitted = _header(msg, "Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "auto-submitted"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        value = _header(msg, name).strip().lower()
        if value and value not in ("no", "false", "0"):
            return "x-autoreply"
    precedence = _header(msg, "Precedence").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply", "auto-reply"):
        return "precedence"
    if _header(msg, "List-Id") or _header(msg, "List-Unsubscribe"):
        return "mailing-list"
    if content_type == "multipart/report" and report_type == "disposition-notification":
        return "read-receipt"
    if content_type == "multipart/report" and report_type == "delivery-status":
        return "delivery-status"
    if _header(msg, "X-Autogenerated") or _header(msg, "X-AutoGenerated"):
        return "x-autoreply"
    if _OUT_OF_OFFICE.match(subject):
        return "out-of-office subject"
    return_path = _header(msg, "Return-Path").strip()
    if return_path and return_path.strip("<> ") == "":
        return "null sender"
    return ""


def _status_reason(block: Message) -> str:
    status = clean(block.get("Status", "")).strip()
    diagnostic = clean(block.get("Diagnostic-Code", "")).strip()
    diagnostic = re.sub(r"^\s*(?:smtp|x-unix|x-postfix|X-Postfix)\s*;\s*", "", diagnostic, flags=re.I)
    if status and status in diagnostic:
        status = ""
    return _one_line(" ".join(item for item in (status, diagnostic) if item))


def _dsn_bounce(body: _Body) -> Bounce | None:
    recipients: list[str] = []
    reasons: list[str] = []
    for block in body.delivery_status:
        action = clean(block.get("Action", "")).strip().lower()
        recipient = clean(block.get("Final-Recipient", "") or block.get("Original-Recipient", ""))
        if not recipient:
            continue
        if action and action != "failed":
            continue
        if not action and not clean(block.get("Status", "")).strip().startswith("5"):
            continue
        address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
        if address and address not in recipients:
            recipients.append(address[:320])
        reason = _status_reason(block)
        if reason and reason not in reasons:
            reasons.append(reason)
    if not recipients:
        return None
    return Bounce(
        recipients=tuple(recipients),
        reason="; ".join(reasons)[:500],
        original_message_id=_original_message_id(body, ""),
    )


def _original_message_id(body: _Body, text: str) -> str:
    for headers in body.returned_headers:
        try:
            value = clean(headers.get("Message-ID", "") or headers.get("Message-Id", ""))
        except Exception:
            value = ""
        ids = _ids(value)
        if ids:
            return ids[0]
    found = re.search(r"^\s*Message-ID:\s*(<[^<>\s]+>)", text, re.IGNORECASE | re.MULTILINE)
    return found.group(1) if found else ""


def _classic_bounce(msg: Message, body: _Body, from_address: str, subject: str, text: str) -> Bounce | None:
    from_daemon = bool(_DAEMON.match(from_address)) or "mailer-daemon" in from_address
    if not (from_daemon or _header(msg, "X-Failed-Recipients")):
        return None
    if not (_BOUNCE_SUBJECT.match(subject) or _header(msg, "X-Failed-Recipients") or from_daemon):
        return None
    recipients: list[str] = []
    for value in _header(msg, "X-Failed-Recipients").split(","):
        address = value.strip().strip("<>").lower()
        if "@" in address and address not in recipients:
            recipients.append(address)
    # The human-readable part ends where the returned message begins.
    returned = re.search(
        r"^(?:-{2,}.*(?:original message|returned message|message headers|below this line|"
        r"ursprungligt meddelande).*|Received:.*|Return-Path:.*)$",
        text,
        re.IGNORECASE | re.MULTILINE,
    )
    notice = text[: returned.start()] if returned else text
    reason = ""
    if not recipients:
        for address in _EMAIL.findall(notice):
            address = address.strip(".").lower()
            if _DAEMON.match(address) or address == from_address or address in recipients:
                continue
            recipients.append(address)
            if len(recipients) >= 20:
                break
    for line in notice.split("\n"):
        if re.search(r"\b(?:[45]\d\d|[45]\.\d{1,3}\.\d{1,3})\b", line) and len(line.strip()) > 5:
            reason = _one_line(line)
            break
    if not reason:
        lines = [line.strip() for line in notice.split("\n") if line.strip()]
        reason = _one_line(" ".join(lines[:3]))
    if not recipients:
        return None
    return Bounce(
        recipients=tuple(recipients),
        reason=reason[:500],
        original_message_id=_original_message_id(body, text[returned.start() :] if returned else text),
    )


# ----------------------------------------------------------------------------------------------------
# parse


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

    ids = _ids(_header(head, "Message-ID"))
    has_message_id = bool(ids)
    message_id = ids[0] if ids else _generated_id(raw)

    froms = _addresses(head, "From") or _addresses(head, "Sender")
    from_name, from_address = froms[0] if froms else ("", "")
    from_address = from_address.lower()
    if not from_address and froms:
        from_name = from_name or froms[0][0]
    to = []
    for name in ("To", "Cc"):
        for _display, address in _addresses(head, name):
            if address and address not in to:
                to.append(address)
    delivered = []
    for name in ("Delivered-To", "X-Original-To", "Envelope-To"):
        for value in _raw_values(head, name):
            for address in _EMAIL.findall(clean(value)):
                address = _address(address)
                if address not in delivered:
                    delivered.append(address)
    reply_tos = [address for _display, address in _addresses(head, "Reply-To") if address]

    subject = _one_line(_header(head, "Subject"))[:998]
    sent_at = _sent_at(_header(head, "Date"))
    in_reply_to_ids = _ids(_header(head, "In-Reply-To"))
    in_reply_to = in_reply_to_ids[0] if in_reply_to_ids else ""
    # The newest ids are last (the parent at the end): read the tail of the raw value (ids are ASCII).
    references_raw = clean(" ".join(_raw_values(head, "References")))[-64_000:]
    references = tuple(_ids(" ".join(references_raw.split()))[-MAX_REFERENCES:])

    body = _Body()
    body.in_report = _content_type(msg) == "multipart/report"
    if not headers_only:
        _collect(msg, body)

    text = "\n\n".join(item.strip("\n") for item in body.texts if item.strip())
    html_source = "\n".join(body.htmls)
    html = sanitise_html(html_source) if html_source.strip() else ""
    if not text.strip() and html_source.strip():
        text = html_to_text(html_source)
    text = clean(text, MAX_TEXT_CHARS).strip()

    content_type = _content_type(msg)
    try:
        report_type = (
            (msg.get_param("report-type") or "").lower() if content_type == "multipart/report" else ""
        )
        report_type = report_type if isinstance(report_type, str) else ""
    except Exception:
        report_type = ""

    bounce = None
    if body.delivery_status:
        bounce = _dsn_bounce(body)
    if bounce is None and content_type != "multipart/report":
        bounce = _classic_bounce(head, body, from_address, subject, text)
    auto_reply = "" if bounce else _auto_reply(head, subject, content_type, report_type)
    if not bounce and not auto_reply and _DAEMON.match(from_address):
        auto_reply = "mailer-daemon"

    headers: dict[str, str] = {}
    for name in RECORDED_HEADERS:
        value = _header(head, name)
        if value:
            headers[name] = _one_line(value)[:MAX_HEADER_CHARS]

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
