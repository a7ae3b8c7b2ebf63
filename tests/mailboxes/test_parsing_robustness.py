"""mailboxes.parsing never raises and stays bounded in time: truncated and garbage bytes, NUL bytes, broken
headers, a 10,000-part message (at most MAX_ATTACHMENTS parts kept), deep nesting, huge headers.

The time bounds are generous (the suite runs in parallel on small machines): they catch the quadratic
cases (the stdlib's header parser on 100,000 addresses took minutes) rather than measure speed."""

import random
import time
from pathlib import Path

import pytest

from mailboxes import parsing
from mailboxes.parsing import ParsedMessage, parse

CORPUS = Path(__file__).parent / "corpus"


def assert_storable(parsed: ParsedMessage):
    assert isinstance(parsed, ParsedMessage)
    strings = [
        parsed.message_id,
        parsed.from_address,
        parsed.from_name,
        parsed.subject,
        parsed.text,
        parsed.html,
    ]
    strings += [parsed.reply_text, parsed.in_reply_to, parsed.reply_to, parsed.auto_reply]
    strings += [
        *parsed.to,
        *parsed.delivered_to,
        *parsed.references,
        *parsed.headers.keys(),
        *parsed.headers.values(),
    ]
    strings += [part.filename for part in parsed.attachments]
    for value in strings:
        assert isinstance(value, str)
        assert "\x00" not in value
        value.encode("utf-8")  # no lone surrogates
    assert len(parsed.message_id) <= 500 and len(parsed.subject) <= 998
    assert len(parsed.from_address) <= 320 and len(parsed.from_name) <= 200


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.eml")))
def test_every_truncation_of_a_corpus_message(name):
    raw = (CORPUS / name).read_bytes()
    step = max(len(raw) // 60, 1)
    for end in range(0, len(raw), step):
        assert_storable(parse(raw[:end]))


def test_garbage_bytes():
    rng = random.Random(20)
    for _ in range(200):
        assert_storable(parse(bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000)))))


def test_corpus_messages_with_bytes_flipped():
    rng = random.Random(2026)
    for path in sorted(CORPUS.glob("*.eml")):
        raw = bytearray(path.read_bytes())
        for _ in range(10):
            mutated = bytearray(raw)
            for _ in range(20):
                mutated[rng.randrange(len(mutated))] = rng.choice(b'\x00\xff<>=?:;"\n\r-')
            assert_storable(parse(bytes(mutated)))


def test_nul_bytes_everywhere():
    raw = (
        b"From: =?utf-8?q?N=00ul?= <nul\x00@example.se>\nSubject: Hej\x00du\nMessage-ID: <a\x00b@x>\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain; charset=utf-8\n\n'
        b"Rad\x00ett\n--b\nContent-Type: text/html\n\n<p>H\x00TML</p>\n"
        b'--b\nContent-Type: application/pdf; name="a\x00b.pdf"\n\n%PDF\x00\n--b--\n'
    )
    parsed = parse(raw)
    assert_storable(parsed)
    assert parsed.subject == "Hejdu"
    assert "Radett" in parsed.text


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\n\n\n",
        b"Subject: only headers",
        b"no headers at all, just text\n",
        b"From: <>\nTo: ;;;,,,<<>>\nCc: @\n\n",
        b"From: a@b\nContent-Type: multipart/mixed\n\n--\n--\n",  # no boundary
        b'From: a@b\nContent-Type: multipart/mixed; boundary="x"\n\n--x\n',  # never closed
        b"From: a@b\nContent-Transfer-Encoding: base64\n\n!!!not base64!!!\n",
        b"From: a@b\nContent-Transfer-Encoding: quoted-printable\n\n=ZZ=\n=",
        b'From: a@b\nContent-Type: text/plain; charset=""\n\n\xe5\xe4\xf6\n',
        b"From: a@b\nContent-Type: text/plain; charset=utf-7\n\n+AOUA5AD2-\n",
        b"From: a@b\nContent-Type: message/rfc822\n\n",
        b"From: a@b\nContent-Type: message/delivery-status\n\n\n\n",
        b"From: a@b\nContent-Type: multipart/report; report-type=delivery-status; boundary=q\n\n"
        b"--q\nContent-Type: message/delivery-status\n\nAction: failed\n--q--\n",
        b"From: =?utf-8?b?====?= <a@b>\nSubject: =?unknown?x?abc?=\nDate: yesterday\n\n",
        b"Date: Mon, 1 Jan 0001 00:00:00 +0000\nSubject: \xff\xfe\n\n",
    ],
)
def test_malformed_messages(raw):
    assert_storable(parse(raw))


def test_a_string_is_read_as_well():
    parsed = parse("From: Åsa <asa@example.se>\nSubject: Hej\n\nText")
    assert parsed.from_name == "Åsa" and parsed.text == "Text"


def ten_thousand_parts() -> bytes:
    parts = "".join(
        "--b\nContent-Type: application/octet-stream\n"
        f'Content-Disposition: attachment; filename="f{i}.bin"\n\nx{i}\n'
        for i in range(10_000)
    )
    head = 'From: a@example.se\nSubject: Många\nContent-Type: multipart/mixed; boundary="b"\n\n'
    return (head + "--b\nContent-Type: text/plain\n\nHej\n" + parts + "--b--\n").encode()


def test_a_10000_part_message_is_read_in_bounded_time_and_keeps_at_most_100_parts():
    raw = ten_thousand_parts()
    started = time.monotonic()
    parsed = parse(raw)
    assert time.monotonic() - started < 30
    assert parsed.text == "Hej"
    assert len(parsed.attachments) == parsing.MAX_ATTACHMENTS == 100
    assert parsed.attachments[0].filename == "f0.bin"


def test_deep_nesting_never_raises():
    depth = 3000
    body = "".join(f'--b{i}\nContent-Type: multipart/mixed; boundary="b{i + 1}"\n\n' for i in range(depth))
    body += f"--b{depth}\nContent-Type: text/plain\n\nDjupt\n--b{depth}--\n"
    body += "".join(f"--b{i}--\n" for i in reversed(range(depth)))
    raw = (
        f'From: a@example.se\nSubject: Djup\nContent-Type: multipart/mixed; boundary="b0"\n\n{body}'.encode()
    )
    started = time.monotonic()
    parsed = parse(raw)
    assert time.monotonic() - started < 30
    assert parsed.subject == "Djup"  # the headers at least
    inner = "From: x@example.se\nSubject: inre\n\nInnerst\n"
    for level in range(2000):
        inner = f"From: x@example.se\nSubject: n{level}\nContent-Type: message/rfc822\n\n" + inner
    assert parse(inner.encode()).subject == "n1999"


def test_huge_headers_are_read_in_bounded_time():
    many = (
        b"From: a@example.se\nTo: " + b", ".join(b"u%d@example.se" % i for i in range(100_000)) + b"\n\nHej\n"
    )
    started = time.monotonic()
    parsed = parse(many)
    assert time.monotonic() - started < 20
    assert parsed.to[0] == "u0@example.se" and len(parsed.to) <= parsing.MAX_ADDRESSES
    long_subject = b"From: a@example.se\nSubject: " + b"x" * 5_000_000 + b"\n\nHej\n"
    started = time.monotonic()
    parsed = parse(long_subject)
    assert time.monotonic() - started < 20
    assert parsed.subject == "x" * 998
    references = (
        b"From: a@example.se\nReferences: " + b" ".join(b"<r%d@x>" % i for i in range(10_000)) + b"\n\n."
    )
    assert parse(references).references[-1] == "<r9999@x>"
    assert len(parse(references).references) == parsing.MAX_REFERENCES
