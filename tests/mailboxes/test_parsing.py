"""mailboxes.parsing on a corpus of messages in the shapes real clients produce (tests/mailboxes/corpus).

Every message parses without an error and without losing its text: each file's distinctive text is asserted
in `text`, the new part in `reply_text` (with the quoted history and signature folded away), the decoded
names and subjects (å, ä, ö in ISO-8859-1, Windows-1252 and UTF-8 encoded words), attachments, auto-reply
and bounce classification.
"""

import hashlib
from pathlib import Path

import pytest

from mailboxes.parsing import Bounce, MailPart, ParsedMessage, parse

CORPUS = Path(__file__).parent / "corpus"

# file -> what must survive. text/reply: substrings of `text`/`reply_text`; not_reply: folded away.
EXPECTED = {
    "outlook_html_winmail.eml": {
        "from": ("asa.oberg@almhultstra.se", "Åsa Öberg"),
        "subject": "SV: Ditt ärende EC-2026-000123: Export till Norge",
        "to": ("reply+ec2026000123.Zk9xQ2@exportcenter.se",),
        "in_reply_to": "<ec.request.123.1.8f3a9c@exportcenter.se>",
        "text": ["Tack för snabbt svar!", "gärna på tisdag förmiddag?", "Kan du skicka offerten ni fått?"],
        "reply": ["Hej Erik,", "Kan vi boka ett möte nästa vecka, gärna på tisdag förmiddag?"],
        "not_reply": ["Från:", "Skickat:", "Kan du skicka offerten", "Med vänliga hälsningar"],
        "html": ["Tack f\u00f6r snabbt svar!"],
        "attachments": [("winmail.dat", "application/ms-tnef", False)],
    },
    "gmail_new_request.eml": {
        "from": ("bjorn.ekstrom@gmail.com", "Björn Ekström"),
        "subject": "Export av cykelväskor till Tyskland – hjälp",
        "delivered_to": ("info@exportcenter.se",),
        "text": [
            "cykelväskor och vill börja sälja till Tyskland",
            "- Behöver vi CE-märka väskorna?",
            "556677-8899",
        ],
        "reply": ["Hur hittar vi en återförsäljare?", "- Behöver vi CE-märka väskorna?"],
        "html": ["<li>Hur hittar vi en återförsäljare?</li>"],
    },
    "gmail_reply_base64.eml": {
        "from": ("bjorn.ekstrom@gmail.com", "Björn Ekström"),
        "subject": "Sv: Ditt ärende EC-2026-000456: vårt möte",
        "delivered_to": ("reply+ec2026000456.aB3dE9@exportcenter.se",),
        "references": ("<ec.request.456.2.77aa01@exportcenter.se>",),
        "text": ["Mötet på tisdag kl. 9 passar utmärkt.", "Vill ni ses på tisdag kl. 9 på vårt kontor?"],
        "reply": ["Mötet på tisdag kl. 9 passar utmärkt. Vi kommer två personer."],
        "not_reply": ["skrev Exportcenter", "Vill ni ses", "> "],
    },
    "apple_mail_pdf.eml": {
        "from": ("goran@akessons-fisk.se", "Göran Åkesson"),
        "subject": "Re: Ditt ärende EC-2026-000789",
        "text": ["Här kommer vår produktkatalog som ni bad om:", "Priserna gäller från januari."],
        "reply": ["Här kommer vår produktkatalog", "Priserna gäller från januari."],
        "not_reply": ["kan du skicka katalogen?"],
        "html": ["Priserna gäller från januari."],
        "attachments": [("Katalog 2027.pdf", "application/pdf", True)],
    },
    "thunderbird_flowed_base64.eml": {
        "from": ("lena@ostgota-lbm.se", "Lena Strömqvist"),
        "subject": "Förfrågan om exportkredit för lantbruksmaskiner till Polen – åtgärd behövs",
        # format=flowed: the soft line breaks are joined.
        "text": ["köpare i Polen och undrar vilka exportkrediter som finns.", "Lena Strömqvist"],
        "reply": ["Tacksam för råd."],
        "not_reply": ["Lena Strömqvist"],
    },
    "iso8859_quoted_printable.eml": {
        "from": ("orjan@nordostrasmide.se", "Örjan Ängström"),
        "subject": "Mässbidrag Hannover – fråga",  # =96 under an ISO-8859-1 label is Windows-1252's en dash
        "text": ["Nordöstra Smide & Svets HB", "Går det att få bidrag för monterhyran?"],
        "reply": ["Går det att få bidrag för monterhyran?"],
    },
    "inline_images_related.eml": {
        "from": ("signe@vaxjo-design.se", "Signe Wästberg"),
        "subject": "Produktbilder",
        "text": [
            "Fjällräv-lampan",
            "Se hela sortimentet (https://vaxjo-design.se/produkter)",
            "Signe Wästberg",
        ],
        "html": ['src="cid:image001.png@01DB4712.3C5E8A10"', "Fjällräv-lampan"],
        "attachments": [("image001.png", "image/png", True), ("image-2.png", "image/png", True)],
    },
    "no_message_id.eml": {
        "from": ("skanner@mekaniska-verkstan.se", ""),
        "subject": "Skannat dokument",
        "has_message_id": False,
        "text": ["Kontakta Per på Mekaniska Verkstan i Ånge."],
    },
    "outlook_plain_cp1252.eml": {
        "from": ("kjell@brukets.se", "Kjell Nyström"),
        "subject": "SV: Ditt ärende EC-2026-000321: förslag",
        "to": ("reply+ec2026000321.Zz9@exportcenter.se",),
        "text": ['märk den med "Export 2027".', "här är vårt förslag på upplägg."],
        "reply": ["Vi accepterar förslaget.", "ekonomi@brukets.se – märk den"],
        "not_reply": ["Ursprungligt meddelande", "Från:", "här är vårt förslag"],
    },
    "bounce_postfix.eml": {
        "from": ("mailer-daemon@mail.exportcenter.se", ""),
        "text": ["could not\nbe delivered to one or more recipients"],
        "bounce": (
            ("lisa.fransson@gammalt-foretag.se",),
            "<ec.request.555.1.deadbeef@exportcenter.se>",
            "5.1.1",
        ),
    },
    "bounce_exchange_ndr.eml": {
        "from": ("postmaster@exportcenter.onmicrosoft.com", ""),
        "subject": "Olevererbart: Ditt ärende EC-2026-000777",
        "text": ["Det gick inte att leverera meddelandet till de här mottagarna"],
        "bounce": (("anders.holm@nedlagt-ab.se",), "<ec.request.777.4.f00dfeed@exportcenter.se>", "5.1.10"),
    },
    "bounce_gmail.eml": {
        "from": ("mailer-daemon@googlemail.com", "Mail Delivery Subsystem"),
        "text": ["Your message wasn't delivered to nobody.here.2026@gmail.com"],
        "bounce": (
            ("nobody.here.2026@gmail.com",),
            "<ec.request.888.2.5678ef01@exportcenter.se>",
            "does not exist",
        ),
    },
    "bounce_classic_qmail.eml": {
        "subject": "failure notice",
        "text": ["Sorry, no mailbox here by that name."],
        "bounce": (
            ("info@snickeri-nilsson.se",),
            "<ec.request.999.1.0badc0de@exportcenter.se>",
            "no mailbox here",
        ),
    },
    "bounce_classic_exim.eml": {
        "text": ["The following address(es) failed:"],
        "bounce": (
            ("karl@foretaget-som-flyttat.se",),
            "<ec.request.1111.1.feedface@exportcenter.se>",
            "550 5.1.1",
        ),
    },
    "ooo_outlook.eml": {
        "from": ("mikael.hakansson@kalmarbatar.se", "Mikael Håkansson"),
        "subject": "Automatiskt svar: Ditt ärende EC-2026-000222",
        "text": ["Jag är på semester till och med 4 januari", "I brådskande ärenden, kontakta vår växel"],
        "auto_reply": "auto-submitted",
    },
    "ooo_gmail.eml": {
        "subject": "Frånvaro: Ditt ärende EC-2026-000333",
        "text": ["Jag är tillbaka måndag 14 december."],
        "auto_reply": "auto-submitted",
    },
    "ooo_subject_only.eml": {
        "subject": "Frånvaromeddelande",
        "text": ["Kontoret är stängt under julhelgen."],
        "auto_reply": "out-of-office subject",
    },
    "dsn_delayed.eml": {"text": ["THIS IS A WARNING ONLY."], "auto_reply": "delivery-status"},
    "read_receipt.eml": {"text": ["Ditt meddelande har lästs."], "auto_reply": "read-receipt"},
    "newsletter_list.eml": {"text": ["Välkommen till årets sista seminarium"], "auto_reply": "precedence"},
    "raw_8bit_headers.eml": {
        "from": ("ake@bjorklunds-ror.se", "Åke Björklund"),
        "subject": "Rör till Österrike – frågor om tull",
        "text": ["Vilka tullregler gäller för stålrör?"],  # 8-bit UTF-8 under a us-ascii label
    },
    "mislabelled_latin1_as_utf8.eml": {
        "from": ("gunilla@astroms-bageri.se", "Gunilla Åström"),
        "subject": "Bröd till Finland",
        "text": ["Vi bakar knäckebröd och vill sälja i Finland. Vad behöver vi tänka på?"],
    },
    "outlook_forward_attached.eml": {
        "subject": "VB: Förfrågan från kund",
        # The forwarded message's text is in the text, under a forward marker, and folded from the reply.
        "text": [
            "Jag vidarebefordrar en kund som vill ha hjälp med export till Japan.",
            "Forwarded message",
            "From: Tomas Berg <tomas@bergs-te.se>",
            "Subject: Export av te till Japan",
            "Vi vill sälja svenskt örtte i Japan.",
        ],
        "reply": ["Jag vidarebefordrar en kund"],
        "not_reply": ["örtte"],
        "attachments": [
            ("Export av te till Japan.eml", "message/rfc822", False),
            (
                "Affärsplan 2027.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                False,
            ),
        ],
    },
    "html_only_crm.eml": {
        "from": ("no-reply@hubspot.example", "Kontaktformulär"),
        "reply_to": "maja@ohmans-keramik.se",
        "text": [
            "Ny förfrågan",
            "Maja Öhman",
            "Vi vill ställa ut i Milano.\nVilka stöd finns?",
            "1. Mässbidrag\n2. Rådgivning om agenter",
            "vår sida (https://ohmans-keramik.se/om)",
        ],
        "html": ["<h2>Ny förfrågan</h2>", '<a href="https://ohmans-keramik.se/om"'],
    },
    "broken_headers.eml": {
        "from": ("snall@example.se", "Snäll"),
        "has_message_id": False,
        "reply_to": "Svar@example.se",
        "in_reply_to": "<a@b>",
        "references": ("<x@y>", "<z@w>"),
        "text": ["januari."],
        "sent_at": None,
    },
}


def corpus_files():
    return sorted(path.name for path in CORPUS.glob("*.eml"))


def test_every_corpus_file_has_expectations():
    assert set(corpus_files()) == set(EXPECTED)


@pytest.mark.parametrize("name", corpus_files())
def test_corpus_message_parses_without_losing_text(name):
    raw = (CORPUS / name).read_bytes()
    expected = EXPECTED[name]
    parsed = parse(raw)

    assert isinstance(parsed, ParsedMessage)
    assert parsed.size == len(raw)
    assert parsed.message_id.startswith("<") and parsed.message_id.endswith(">")
    assert parsed.has_message_id is expected.get("has_message_id", True)
    for needle in expected.get("text", []):
        assert needle in parsed.text, (needle, parsed.text)
    for needle in expected.get("reply", []):
        assert needle in parsed.reply_text, (needle, parsed.reply_text)
    for needle in expected.get("not_reply", []):
        assert needle not in parsed.reply_text, (needle, parsed.reply_text)
    for needle in expected.get("html", []):
        assert needle in parsed.html, (needle, parsed.html)
    if "from" in expected:
        assert (parsed.from_address, parsed.from_name) == expected["from"]
    if "subject" in expected:
        assert parsed.subject == expected["subject"]
    if "to" in expected:
        assert parsed.to == expected["to"]
    if "delivered_to" in expected:
        assert parsed.delivered_to == expected["delivered_to"]
    if "reply_to" in expected:
        assert parsed.reply_to == expected["reply_to"]
    if "in_reply_to" in expected:
        assert parsed.in_reply_to == expected["in_reply_to"]
    if "references" in expected:
        assert parsed.references == expected["references"]
    if "sent_at" in expected:
        assert parsed.sent_at == expected["sent_at"]
    assert parsed.auto_reply == expected.get("auto_reply", "")
    if "bounce" in expected:
        recipients, original, reason = expected["bounce"]
        assert isinstance(parsed.bounce, Bounce)
        assert parsed.bounce.recipients == recipients
        assert parsed.bounce.original_message_id == original
        assert reason in parsed.bounce.reason
        assert parsed.auto_reply == ""  # a bounce is not an auto-reply
    else:
        assert parsed.bounce is None
    if "attachments" in expected:
        assert [(part.filename, part.content_type, part.inline) for part in parsed.attachments] == expected[
            "attachments"
        ]
    for part in parsed.attachments:
        assert isinstance(part, MailPart) and part.data
    # Everything goes into PostgreSQL as is: no NUL bytes, no lone surrogates.
    for value in (
        parsed.text,
        parsed.html,
        parsed.reply_text,
        parsed.subject,
        parsed.from_name,
        *parsed.headers.values(),
    ):
        assert "\x00" not in value
        value.encode("utf-8")
    if parsed.text.strip():
        assert parsed.reply_text.strip()


def test_the_message_id_made_for_a_message_without_one_is_stable_and_from_its_content():
    raw = (CORPUS / "no_message_id.eml").read_bytes()
    first, second = parse(raw), parse(raw)
    assert (
        first.message_id == second.message_id == f"<{hashlib.sha256(raw).hexdigest()}@exportcenter.invalid>"
    )
    assert parse(raw + b"\nP.S.\n").message_id != first.message_id


def test_the_winmail_dat_part_is_kept_as_a_file():
    parsed = parse((CORPUS / "outlook_html_winmail.eml").read_bytes())
    (tnef,) = parsed.attachments
    assert tnef.data[:4] == b"\x78\x9f\x3e\x22"  # the TNEF signature, decoded from base64
    assert tnef.content_id == ""


def test_inline_images_keep_their_content_id_and_bytes():
    parsed = parse((CORPUS / "inline_images_related.eml").read_bytes())
    by_id = {part.content_id: part for part in parsed.attachments}
    assert set(by_id) == {"image001.png@01DB4712.3C5E8A10", "logo-42@vaxjo-design.se"}
    assert all(part.data.startswith(b"\x89PNG") for part in by_id.values())


def test_the_html_is_sanitised():
    parsed = parse((CORPUS / "inline_images_related.eml").read_bytes())
    html = parsed.html.lower()
    for banned in (
        "<script",
        "alert(",
        "onload",
        "onclick",
        "<style",
        "tracker.example",
        "<iframe",
        "<form",
        "style=",
    ):
        assert banned not in html, banned
    assert 'rel="noopener noreferrer nofollow"' in parsed.html


def test_headers_kept_for_the_record():
    parsed = parse((CORPUS / "outlook_html_winmail.eml").read_bytes())
    assert parsed.headers["Subject"] == "SV: Ditt ärende EC-2026-000123: Export till Norge"
    assert parsed.headers["From"].startswith("Åsa Öberg")
    assert parsed.headers["Message-ID"] == parsed.message_id
    assert parsed.headers["X-Auto-Response-Suppress"] == "All"
    assert parsed.sent_at.isoformat() == "2026-12-05T11:40:11+00:00"


def test_x_auto_response_suppress_alone_is_not_an_auto_reply():
    # Outlook sets it on ordinary mail; the Outlook reply in the corpus carries it and is a real reply.
    parsed = parse((CORPUS / "outlook_html_winmail.eml").read_bytes())
    assert parsed.auto_reply == ""


def test_a_20_mb_attachment():
    payload = bytes(range(256)) * (20 * 1024 * 1024 // 256)
    import base64

    encoded = base64.encodebytes(payload).decode()
    raw = (
        "From: =?utf-8?q?R=C3=B6nnb=C3=A4ck?= <ronnback@example.se>\n"
        "To: info@exportcenter.se\nSubject: Stor ritning\nMessage-ID: <big@example.se>\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain; charset=utf-8\n\nHär är ritningen på 20 MB.\n"
        '--b\nContent-Type: application/pdf; name="ritning.pdf"\n'
        'Content-Disposition: attachment; filename="ritning.pdf"\nContent-Transfer-Encoding: base64\n\n'
        f"{encoded}--b--\n"
    ).encode()
    parsed = parse(raw)
    assert parsed.text == "Här är ritningen på 20 MB."
    (part,) = parsed.attachments
    assert part.filename == "ritning.pdf"
    assert len(part.data) == len(payload) and part.data == payload
    assert parsed.size == len(raw)
