"""What a file sent to the portal is, by its content, and whether it may be kept (issue 20: attachments).

The type is read from the bytes with libmagic (python-magic), never taken from the name or from the type the
browser or the mail client claims: a program renamed "offer.pdf" is still a program. Office files are
containers (a ZIP for Word/Excel/PowerPoint since 2007 and OpenDocument, an OLE compound file before), so
for those the container is looked into as well. Only the types on the allow-list are kept; names are made
safe to show and to offer as a download name.
"""

import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO

import magic
from django.conf import settings
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SNIFF_BYTES = 64 * 1024
NAME_MAX_LENGTH = 255

OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

# The allow-list: the content type as read from the content -> what people call it.
ALLOWED_TYPES = {
    "application/pdf": _("PDF"),
    "image/png": _("PNG image"),
    "image/jpeg": _("JPEG image"),
    "image/gif": _("GIF image"),
    "image/webp": _("WebP image"),
    "text/plain": _("Text"),
    "text/csv": _("CSV"),
    "text/rtf": _("RTF document"),
    "application/rtf": _("RTF document"),
    "application/msword": _("Word document"),
    "application/vnd.ms-excel": _("Excel workbook"),
    "application/vnd.ms-powerpoint": _("PowerPoint presentation"),
    OOXML["word/"]: _("Word document"),
    OOXML["xl/"]: _("Excel workbook"),
    OOXML["ppt/"]: _("PowerPoint presentation"),
    "application/vnd.oasis.opendocument.text": _("OpenDocument text"),
    "application/vnd.oasis.opendocument.spreadsheet": _("OpenDocument spreadsheet"),
    "application/vnd.oasis.opendocument.presentation": _("OpenDocument presentation"),
}
# Only in an email: Outlook's winmail.dat (kept as a file, not unpacked) and a forwarded message.
EMAIL_ONLY_TYPES = {
    "application/vnd.ms-tnef": _("Outlook winmail.dat"),
    "message/rfc822": _("Email message"),
}
# Names a computer may run when opened, refused whatever their content (a PDF named "invoice.exe").
BLOCKED_EXTENSIONS = frozenset(
    {
        *("exe", "com", "bat", "cmd", "scr", "pif", "cpl", "msi", "msp", "msc", "jar", "js", "jse", "vbs"),
        *("vbe", "wsf", "wsh", "ps1", "psm1", "hta", "lnk", "reg", "dll", "sys", "application", "gadget"),
        *("inf", "scf", "url", "iso", "img", "vhd", "vhdx", "sh", "app", "dmg", "pkg", "apk"),
    }
)
# The types that libmagic names for OLE compound files and for ZIP containers, looked into further.
_OLE_TYPES = {
    "application/x-ole-storage",
    "application/CDFV2",
    "application/cdfv2",
    "application/vnd.ms-office",
}
_ZIP_TYPES = {"application/zip", "application/x-zip-compressed"}
# Directory entry names (UTF-16LE) that say which Office program wrote an OLE compound file.
_OLE_STREAMS = (
    ("WordDocument".encode("utf-16-le"), "application/msword"),
    ("Workbook".encode("utf-16-le"), "application/vnd.ms-excel"),
    ("Book".encode("utf-16-le"), "application/vnd.ms-excel"),
    ("PowerPoint Document".encode("utf-16-le"), "application/vnd.ms-powerpoint"),
)
_SPACES = re.compile(r"\s+")


def allowed_types(*, email: bool = False) -> dict[str, str]:
    return {**ALLOWED_TYPES, **EMAIL_ONLY_TYPES} if email else dict(ALLOWED_TYPES)


def allowed_names(*, email: bool = False) -> str:
    """The allowed kinds in words, for a help text: "PDF, PNG image, ..." (each once)."""
    return ", ".join(dict.fromkeys(str(label) for label in allowed_types(email=email).values()))


def limits_text() -> str:
    """The upload fields' help text (on every status page and form): made once per language and limits."""
    return _limits_text(get_language(), settings.ATTACHMENT_MAX_COUNT, settings.ATTACHMENT_MAX_BYTES)


@lru_cache(maxsize=32)
def _limits_text(language: str | None, count: int, size: int) -> str:
    return _("At most %(count)s files, each at most %(size)s. Allowed: %(types)s.") % {
        "count": count,
        "size": filesizeformat(size),
        "types": allowed_names(),
    }


def safe_name(name: str, *, default: str = "file") -> str:
    """A name to show and to download as: no folders, no control characters, at most 255 characters
    (the extension kept), never empty."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") else char for char in name)
    name = _SPACES.sub(" ", name).strip(" .")
    if not name:
        return default
    if len(name) > NAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = stem[: NAME_MAX_LENGTH - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:NAME_MAX_LENGTH].rstrip(" .")
    return name or default


def extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _zip_type(stream: BinaryIO) -> str:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                for prefix, content_type in OOXML.items():
                    if any(entry.startswith(prefix) for entry in names):
                        return content_type
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if declared.startswith("application/vnd.oasis.opendocument."):
                    return declared
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError, NotImplementedError):
        pass
    return "application/zip"


def _ole_type(stream: BinaryIO) -> str:
    data = stream.read()
    for marker, content_type in _OLE_STREAMS:
        if marker in data:
            return content_type
    return "application/x-ole-storage"


def sniff(stream: BinaryIO) -> str:
    """The content type read from the content (the stream is read from the start and left at the start)."""
    stream.seek(0)
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    content_type = magic.from_buffer(head, mime=True) if head else "application/x-empty"
    try:
        if content_type in _ZIP_TYPES or (
            content_type == "application/octet-stream" and head[:4] == b"PK\x03\x04"
        ):
            content_type = _zip_type(stream)
        elif content_type in _OLE_TYPES:
            content_type = _ole_type(stream)
    finally:
        stream.seek(0)
    return content_type


def sha256_of(stream: BinaryIO) -> str:
    stream.seek(0)
    digest = hashlib.sha256()
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


@dataclass(frozen=True)
class Inspection:
    """One file as read: its safe name, size, type and digest, and why it may not be kept ("" if it may)."""

    name: str
    size: int
    content_type: str
    sha256: str
    problem: str = ""  # "empty", "too_large", "type", or ""

    @property
    def ok(self) -> bool:
        return not self.problem


def inspect(stream: BinaryIO, *, name: str, size: int, email: bool = False) -> Inspection:
    """Read a file (a seekable binary stream) against the limits and the allow-list."""
    name = safe_name(name)
    if size == 0:
        return Inspection(name, 0, "application/x-empty", hashlib.sha256(b"").hexdigest(), "empty")
    if size > settings.ATTACHMENT_MAX_BYTES:
        # Not read further: neither its type nor its digest is worth the time.
        return Inspection(name, size, "", "", "too_large")
    content_type = sniff(stream)
    digest = sha256_of(stream)
    if content_type not in allowed_types(email=email) or extension(name) in BLOCKED_EXTENSIONS:
        return Inspection(name, size, content_type, digest, "type")
    return Inspection(name, size, content_type, digest)


def type_label(content_type: str) -> str:
    """A type in words ("Word document"), or the type itself when it has no name here."""
    return str(allowed_types(email=True).get(content_type, content_type))


def download_response(field_file, name: str):
    """A stored file as a download, never shown inline: a neutral type, nosniff, and not cached.

    Raises FileNotFoundError when the storage no longer has it (the caller answers 404).
    """
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise FileNotFoundError(str(error)) from error
    response = FileResponse(
        handle, as_attachment=True, filename=safe_name(name), content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
