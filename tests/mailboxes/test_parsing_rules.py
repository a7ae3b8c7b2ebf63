"""mailboxes.parsing: quote folding (Swedish and English), auto-reply rules, bounces, HTML to text and the
sanitiser, one rule at a time."""

import pytest

from mailboxes.parsing import html_to_text, parse, sanitise_html
from mailboxes.quoting import fold_quotes, reply_text


def message(headers: str, body: str = "Hej!\n", content_type: str = "text/plain; charset=utf-8") -> bytes:
    head = "From: Kund <kund@example.se>\nTo: info@exportcenter.se\nMessage-ID: <m1@example.se>\n"
    return f"{head}{headers}Content-Type: {content_type}\n\n{body}".encode()


# --- quote folding ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ja, det passar.\n\nDen 5 dec. 2026 kl. 10:12 skrev Exportcenter <info@exportcenter.se>:\n"
        "> Passar tisdag?\n",
        "Ja, det passar.\n\nDen lör 5 dec. 2026 kl 10:12 skrev Exportcenter <\ninfo@exportcenter.se>:\n\n"
        "> Passar?\n",
        "Ja, det passar.\n\n5 dec. 2026 kl. 10:12 skrev Exportcenter <info@exportcenter.se>:\n\n> Passar?\n",
        "Ja, det passar.\n\nOn Sat, Dec 5, 2026 at 10:12 AM Exportcenter <info@exportcenter.se> wrote:\n"
        "> Passar?\n",
        "Ja, det passar.\n\n________________________________\nFrån: Exportcenter <info@exportcenter.se>\n"
        "Skickat: den 5 december 2026 10:12\nTill: Kund <kund@example.se>\nÄmne: Möte\n\nPassar tisdag?\n",
        "Ja, det passar.\n\nFrom: Exportcenter <info@exportcenter.se>\n"
        "Sent: Saturday, December 5, 2026 10:12 AM\n"
        "To: Kund <kund@example.se>\nSubject: Meeting\n\nPassar tisdag?\n",
        "Ja, det passar.\n\n-----Ursprungligt meddelande-----\nFrån: Exportcenter\n"
        "Skickat: 5 december\n\nPassar?\n",
        "Ja, det passar.\n\n-----Original Message-----\nFrom: Exportcenter\nSent: 5 December\n\nPassar?\n",
        "Ja, det passar.\n\n-- \nKund AB\n070-123 45 67\nPassar?\n",
        "Ja, det passar.\n\nSkickat från min iPhone\n\nPassar?\n",
        "Ja, det passar.\n\n> Passar tisdag?\n> /Karin\n",
    ],
)
def test_quoted_history_and_signatures_fold(text):
    assert reply_text(text) == "Ja, det passar."


def test_interleaved_answers_keep_the_answers():
    text = "> Passar tisdag?\nJa.\n\n> Kommer ni två?\nNej, tre.\n"
    folded = reply_text(text)
    assert "Ja." in folded and "Nej, tre." in folded
    assert "Passar tisdag?" not in folded


def test_a_list_with_hyphens_is_not_a_signature():
    text = "Vi behöver hjälp med:\n- tullregler\n- agenter i Tyskland\n\nTack!"
    folded = reply_text(text)
    assert "- tullregler" in folded and "- agenter i Tyskland" in folded


def test_a_message_that_is_all_quote_stays_whole():
    text = "> Passar tisdag?\n> /Karin\n"
    assert reply_text(text) == text.strip()


def test_our_own_folding_alone_handles_long_texts_quickly():
    text = "Ja, det passar.\n\n" + "> gammal rad\n" * 50_000
    assert reply_text(text) == "Ja, det passar."
    assert fold_quotes("Svar\n> a\nmitt i\n> b\n") == "Svar\nmitt i"


def test_reply_text_on_a_parsed_swedish_outlook_reply():
    body = (
        "Hej Karin!\r\n\r\nVi skickar underlaget i morgon.\r\n\r\nMed vänliga hälsningar\r\nPelle\r\n\r\n"
        "Från: Exportcenter Gävleborg <noreply@exportcenter.se>\r\nSkickat: den 5 december 2026 10:12\r\n"
        "Till: Pelle <pelle@example.se>\r\nÄmne: Underlag\r\n\r\nKan ni skicka underlaget?\r\n"
    )
    parsed = parse(message("Subject: SV: Underlag\n", body))
    assert parsed.reply_text == "Hej Karin!\n\nVi skickar underlaget i morgon."
    assert "Kan ni skicka underlaget?" in parsed.text


# --- auto-replies -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("Subject: Hej\nAuto-Submitted: auto-replied\n", "auto-submitted"),
        ("Subject: Hej\nAuto-Submitted: auto-generated; owner-email=x@example.se\n", "auto-submitted"),
        ("Subject: Hej\nX-Autoreply: yes\n", "x-autoreply"),
        ("Subject: Hej\nX-Autorespond: Out of office\n", "x-autoreply"),
        ("Subject: Hej\nPrecedence: bulk\n", "precedence"),
        ("Subject: Hej\nPrecedence: junk\n", "precedence"),
        ("Subject: Hej\nPrecedence: list\n", "precedence"),
        ("Subject: Hej\nPrecedence: auto_reply\n", "precedence"),
        ("Subject: Hej\nList-Id: <nyheter.example.se>\n", "mailing-list"),
        ("Subject: Automatiskt svar: Ditt ärende\n", "out-of-office subject"),
        ("Subject: Frånvaro\n", "out-of-office subject"),
        ("Subject: Out of Office: Your request\n", "out-of-office subject"),
        ("Subject: Autoreply: Your request\n", "out-of-office subject"),
        ("Subject: Automatic reply: Your request\n", "out-of-office subject"),
        ("Subject: Hej\nReturn-Path: <>\n", "null sender"),
    ],
)
def test_auto_replies(headers, reason):
    assert parse(message(headers)).auto_reply == reason


@pytest.mark.parametrize(
    "headers",
    [
        "Subject: Hej\nAuto-Submitted: no\n",
        "Subject: Hej\nX-Auto-Response-Suppress: All\n",  # Outlook sets it on ordinary mail
        "Subject: Hej\nPrecedence: normal\n",
        "Subject: Re: Frågor om frånvaro i personalen\n",  # out-of-office words, but not at the start
        "Subject: Hej\nReturn-Path: <kund@example.se>\n",
    ],
)
def test_not_auto_replies(headers):
    assert parse(message(headers)).auto_reply == ""


def test_a_mailer_daemon_message_that_is_no_bounce_is_still_not_a_request():
    raw = b"From: MAILER-DAEMON@mx.example.se\nSubject: Postmaster notice\n\nYour mailbox is 90% full.\n"
    parsed = parse(raw)
    assert parsed.bounce is None
    assert parsed.auto_reply == "mailer-daemon"


# --- bounces ----------------------------------------------------------------------------------------------


def test_a_dsn_with_several_recipients_lists_only_the_failed_ones():
    body = (
        "--b\nContent-Type: text/plain\n\nDelivery report\n"
        "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.se\n\n"
        "Final-Recipient: rfc822; a@example.se\nAction: failed\nStatus: 5.2.2\n"
        "Diagnostic-Code: smtp; 552 mailbox full\n\n"
        "Final-Recipient: rfc822; b@example.se\nAction: delivered\nStatus: 2.0.0\n\n"
        "Final-Recipient: rfc822; C@Example.se\nAction: failed\nStatus: 5.1.1\n\n"
        "--b\nContent-Type: message/rfc822\n\nMessage-ID: <orig@exportcenter.se>\nSubject: x\n\nbody\n--b--\n"
    )
    raw = message(
        "Subject: Delivery Status Notification\n",
        body,
        'multipart/report; report-type=delivery-status; boundary="b"',
    )
    parsed = parse(raw)
    assert parsed.bounce.recipients == ("a@example.se", "c@example.se")
    assert "552 mailbox full" in parsed.bounce.reason and "5.1.1" in parsed.bounce.reason
    assert parsed.bounce.original_message_id == "<orig@exportcenter.se>"
    assert parsed.auto_reply == ""


def test_an_ordinary_message_mentioning_delivery_failure_is_no_bounce():
    parsed = parse(
        message("Subject: Undeliverable goods to Norway\n", "Our goods were stopped at customs.\n")
    )
    assert parsed.bounce is None and parsed.auto_reply == ""


# --- HTML -------------------------------------------------------------------------------------------------


def test_html_to_text_keeps_structure():
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<p>Första stycket.</p><p>Andra<br>raden.</p>"
        "<ul><li>ett</li><li>två</li></ul><ol start='3'><li>tre</li></ol>"
        "<p>Se <a href='https://exportcenter.se/hjalp'>hjälpen</a> eller "
        "<a href='mailto:a@b.se'>a@b.se</a>.</p>"
        "<blockquote><p>Citat</p></blockquote><pre>  kod\n  rad</pre>"
        "<table><tr><td>A</td><td>B</td></tr><tr><td>C</td><td>D</td></tr></table>"
        "<script>alert(1)</script>&amp; &lt;slut&gt;&nbsp;</body></html>"
    )
    text = html_to_text(html)
    assert text.startswith("Första stycket.\n\nAndra\nraden.")
    assert "- ett\n- två" in text
    assert "3. tre" in text
    assert "hjälpen (https://exportcenter.se/hjalp)" in text
    assert "a@b.se." in text and "(a@b.se)" not in text
    assert "> Citat" in text
    assert "  kod\n  rad" in text
    assert "A  B\nC  D" in text
    assert "alert" not in text and "p{}" not in text and "T\n" not in text
    assert text.endswith("& <slut>")


def test_html_to_text_on_garbage_never_raises():
    for html in ("<", "<<<>>>", "<a href=", "<!--", "<p", "&#99999999;", "<script>", "\x00<b>\x00</b>"):
        assert isinstance(html_to_text(html), str)


def test_sanitise_html():
    html = (
        '<p onclick="x()" style="color:red" class="c">Hej <b>du</b></p>'
        '<img src="https://tracker.example/p.gif"><img src="cid:img1@x" alt="Bild">'
        '<a href="javascript:alert(1)">j</a><a href="https://exportcenter.se/">ok</a>'
        "<script>alert(1)</script><style>p{}</style><iframe src='https://x'></iframe>"
        "<form><input></form><svg><circle/></svg><!-- kommentar -->"
    )
    clean = sanitise_html(html)
    assert "<p>Hej <b>du</b></p>" in clean
    assert "tracker.example" not in clean
    assert '<img src="cid:img1@x" alt="Bild">' in clean
    assert "javascript" not in clean
    assert '<a href="https://exportcenter.se/" rel="noopener noreferrer nofollow">ok</a>' in clean
    for banned in (
        "script",
        "alert",
        "style",
        "iframe",
        "form",
        "input",
        "svg",
        "onclick",
        "kommentar",
        "class",
    ):
        assert banned not in clean, banned


def test_html_nested_too_deep_for_the_sanitiser_is_not_shown_as_html():
    html = "<blockquote>" * 5000 + "djupt"
    assert sanitise_html(html) == ""
    assert html_to_text(html).endswith("djupt")
    raw = message("Subject: Djupt\n", html, "text/html; charset=utf-8")
    parsed = parse(raw)
    assert parsed.html == "" and parsed.text.endswith("djupt")


@pytest.mark.parametrize(
    "html",
    [
        # Gmail, HTML only: the quote is a <blockquote> under a "Den … skrev …:" line.
        '<div dir="ltr">Tack, vi kommer!</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
        'Den lör 5 dec. 2026 kl 10:12 skrev Exportcenter &lt;<a href="mailto:noreply@exportcenter.se">'
        'noreply@exportcenter.se</a>&gt;:<br></div><blockquote class="gmail_quote">Hej, kommer ni?<br>'
        "</blockquote></div>",
        # Outlook, HTML only: the "Från: … Skickat: …" block in bold.
        '<div class="WordSection1"><p class="MsoNormal">Tack, vi kommer!<o:p></o:p></p>'
        '<div style="border:none"><p class="MsoNormal"><b>Från:</b> Exportcenter '
        "&lt;noreply@exportcenter.se&gt;"
        "<br><b>Skickat:</b> den 5 december 2026 10:12<br><b>Till:</b> Kund<br><b>Ämne:</b> Möte</p></div>"
        "<p>Hej, kommer ni?</p></div>",
    ],
)
def test_html_only_replies_fold_their_quotes(html):
    parsed = parse(message("Subject: SV: Möte\n", html, "text/html; charset=utf-8"))
    assert "Hej, kommer ni?" in parsed.text
    assert parsed.reply_text == "Tack, vi kommer!"
