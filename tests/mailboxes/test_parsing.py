"""mailboxes.parsing: the corpus of real-client shapes, headers, bodies, quotes, auto-replies and bounces."""

from mailboxes.parsing import ParsedMessage, parse

SIMPLE = b"""From: =?ISO-8859-1?Q?=C5sa_L=F6fgren?= <Asa@Example.se>
To: info@ec.se
Subject: =?UTF-8?B?RsO2cmZyw6VnYW4gb20gZXhwb3J0?=
Date: Sat, 5 Dec 2026 10:12:00 +0100
Message-ID: <abc@x>
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Hej, vi vill exportera till Norge. Kan ni hj=E4lpa?

Den 5 dec. 2026 kl. 10:12 skrev Exportcenter <info@ec.se>:
> Tack f=F6r ditt meddelande.
"""


def test_a_simple_swedish_message():
    parsed = parse(SIMPLE)
    assert isinstance(parsed, ParsedMessage)
    assert parsed.from_address == "asa@example.se"
    assert parsed.from_name == "Åsa Löfgren"
    assert parsed.subject == "Förfrågan om export"
    assert parsed.message_id == "<abc@x>"
    assert "Kan ni hjälpa?" in parsed.text
    assert parsed.reply_text == "Hej, vi vill exportera till Norge. Kan ni hjälpa?"


def test_garbage_never_raises():
    parsed = parse(b"\x00\xff\xfe garbage")
    assert parsed.message_id.endswith("@exportcenter.invalid>")
    assert not parsed.has_message_id
