"""Reading an email's headers (`mailboxes.parsing`): strings made safe for PostgreSQL, charsets and RFC
2047 encoded words (word by word when the stdlib gives up), addresses, Message-IDs and dates."""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from .parsed import MAX_ADDRESS_HEADER, MAX_ADDRESSES, MAX_PARSED_HEADER


def clean(value, limit: int | None = None) -> str:
    """A string PostgreSQL takes: no NUL, no lone surrogates (8-bit bytes: UTF-8, else Windows-1252)."""
    if value is None:
        return ""
    text = str(value)
    if any("\udc80" <= char <= "\udcff" for char in text):
        raw = text.encode("utf-8", "surrogateescape") if _only_escapes(text) else None
        if raw is not None:
            text = decode_bytes(raw, None)
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


def decode_bytes(data: bytes, charset: str | None) -> str:
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
    return decode_bytes(data, charset)


def decode_words(value: str) -> str:
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


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# ----------------------------------------------------------------------------------------------------
# headers


def raw_values(msg: Message, name: str) -> list[str]:
    lower = name.lower()
    try:
        return [str(value) for key, value in msg.raw_items() if key.lower() == lower]
    except Exception:
        return []


def header_value(msg: Message, name: str) -> str:
    """The header's first value, decoded, or "" (never raises).

    A value longer than MAX_PARSED_HEADER is not given to the stdlib's header parser (its time grows faster
    than the length): its start is decoded word by word instead."""
    raw = raw_values(msg, name)
    if not raw:
        return ""
    if len(raw[0]) > MAX_PARSED_HEADER:
        return decode_words(raw[0][:MAX_PARSED_HEADER])
    try:
        value = msg.get(name)
        if value is None:
            return ""
        text = str(value)
        # An encoded word the policy left alone (bad placement, unknown charset) or decoded to U+FFFD
        # (ISO-8859-1 bytes labelled UTF-8): decode the raw value word by word with our fallbacks.
        if ("=?" in text or "\ufffd" in text) and "=?" in raw[0]:
            text = decode_words(raw[0])
        return clean(text)
    except Exception:  # a header the policy cannot build: decode the raw value
        return decode_words(raw[0])


def addresses_of(msg: Message, name: str) -> list[tuple[str, str]]:
    """(name, address) pairs of every value of an address header; see `address_of` for the address."""
    pairs: list[tuple[str, str]] = []
    raws = raw_values(msg, name)
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
                pairs.append((decode_words(display), addr))
    return [(one_line(display), address_of(addr)) for display, addr in pairs[:MAX_ADDRESSES]]


def address_of(value: str) -> str:
    """One address: the domain lower-cased, the local part as given (a signed plus-address is case-sensitive).

    An address the header parser could not separate from its display name (an unbalanced quote) is found
    in the text. "" when there is none."""
    value = clean(value).strip().strip("<>").strip()
    if not _EMAIL_FULL.match(value):
        found = EMAIL.findall(value)
        value = found[-1] if found else ""
    if not value:
        return ""
    local, _at, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"[:320]


EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
)
_EMAIL_FULL = re.compile(r"^[^\s@<>\"(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*$")
_ID = re.compile(r"<[^<>\s]{1,490}>")


def message_ids(value: str) -> list[str]:
    found = _ID.findall(value or "")
    if not found and value and value.strip() and " " not in value.strip() and "@" in value:
        found = [f"<{value.strip().strip('<>')[:490]}>"]
    return found


def parse_date(value: str) -> datetime | None:
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
