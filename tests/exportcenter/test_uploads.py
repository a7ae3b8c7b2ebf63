"""exportcenter.uploads: the type read from the content, the allow-list, the limits and safe names."""

import io
import zipfile

import pytest

from exportcenter import uploads

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def zipped(*entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def ole(stream_name: str) -> bytes:
    """An OLE compound file's header and a directory entry with this stream name (enough for the sniff)."""
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream_name.encode("utf-16-le") + b"\x00" * 600
    )


def inspect(data: bytes, name: str, **kwargs) -> uploads.Inspection:
    return uploads.inspect(io.BytesIO(data), name=name, size=len(data), **kwargs)


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (PDF, "offer.pdf", "application/pdf"),
        (b"Hej, vi s\xc3\xa4ljer \xc3\xa5r och \xc3\xb6l.\n", "note.txt", "text/plain"),
        (b"a,b,c\n1,2,3\n4,5,6\n", "prices.csv", "text/csv"),
        (b"GIF89a" + b"\x00" * 20, "logo.gif", "image/gif"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "photo.jpg", "image/jpeg"),
        (
            zipped(("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", "<w/>")),
            "a.docx",
            uploads.OOXML["word/"],
        ),
        # Written by another program: [Content_Types].xml not first, which libmagic alone does not know.
        (
            zipped(("xl/workbook.xml", "<w/>"), ("[Content_Types].xml", CONTENT_TYPES)),
            "b.xlsx",
            uploads.OOXML["xl/"],
        ),
        (
            zipped(("ppt/presentation.xml", "<p/>"), ("[Content_Types].xml", CONTENT_TYPES)),
            "c.pptx",
            uploads.OOXML["ppt/"],
        ),
        (
            zipped(("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<x/>")),
            "d.odt",
            "application/vnd.oasis.opendocument.text",
        ),
        (ole("WordDocument"), "old.doc", "application/msword"),
        (ole("Workbook"), "old.xls", "application/vnd.ms-excel"),
    ],
)
def test_allowed_types_are_read_from_the_content(data, name, content_type):
    inspection = inspect(data, name)
    assert (inspection.content_type, inspection.problem) == (content_type, "")
    assert inspection.ok and inspection.size == len(data) and len(inspection.sha256) == 64


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00\x03" + b"\x00" * 200, "invoice.pdf"),  # a program named like a PDF
        (b"<html><script>alert(1)</script></html>", "page.txt"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "logo.png"),
        (zipped(("a.txt", "x")), "archive.zip"),
        (zipped(("a.txt", "x")), "disguised.docx"),
        (b"#!/bin/sh\nrm -rf /\n", "run.txt"),
        (PDF, "offer.pdf.exe"),  # allowed content, a name Windows would run
        (ole("Nothing"), "old.doc"),
    ],
)
def test_other_types_are_refused(data, name):
    assert inspect(data, name).problem == "type"


def test_email_only_types():
    tnef = b"\x78\x9f\x3e\x22" + b"\x00" * 40
    assert inspect(tnef, "winmail.dat").problem == "type"
    assert inspect(tnef, "winmail.dat", email=True).content_type == "application/vnd.ms-tnef"
    assert inspect(tnef, "winmail.dat", email=True).ok


def test_limits(settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    assert inspect(PDF, "big.pdf").problem == "too_large"
    assert inspect(b"", "empty.pdf").problem == "empty"


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\karin\\offert.pdf", "offert.pdf"),
        ("a\x00b\x07c.pdf", "a b c.pdf"),
        ("  .hidden  ", "hidden"),
        ("", "file"),
        ("\u202egnp.exe", "gnp.exe"),  # a right-to-left override that would show "exe.png"
        ("Offert å ä ö.pdf", "Offert å ä ö.pdf"),
    ],
)
def test_safe_names(name, safe):
    assert uploads.safe_name(name) == safe


def test_long_names_keep_their_extension():
    name = uploads.safe_name("x" * 400 + ".pdf")
    assert len(name) == 255 and name.endswith("x.pdf")


def test_the_limits_in_words(settings, in_english):
    settings.ATTACHMENT_MAX_COUNT = 3
    settings.ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    text = uploads.limits_text()
    assert text.startswith("At most 3 files, each at most 5.0\xa0MB. Allowed: PDF, PNG image")


def test_the_limits_in_words_follow_the_language_and_the_settings(settings):
    """Made once per language and limits (it is on every status page), never stale for either."""
    from django.utils.translation import override

    settings.ATTACHMENT_MAX_COUNT = 3
    with override("en"):
        english = uploads.limits_text()
    with override("sv"):
        swedish = uploads.limits_text()
    assert english.startswith("At most 3 files") and swedish.startswith("Högst 3 filer")
    settings.ATTACHMENT_MAX_COUNT = 4
    with override("en"):
        assert uploads.limits_text().startswith("At most 4 files")
        assert uploads.limits_text() is uploads.limits_text()  # kept, not made again
