"""The new part of a reply: quoted history and signatures folded away.

mail-parser-reply (Swedish and English quote headers and signatures) goes first; our own folding then catches
what it leaves: "> " quoted lines, Outlook's "Från: … Skickat: …" / "From: … Sent: …" blocks (also after a
line of underscores), "-----Ursprungligt meddelande-----", Gmail's "Den 5 dec. 2026 kl. 10:12 skrev …:" and
"On …, … wrote:" split over two lines, "-- " signatures and "Skickat från min iPhone". When folding would
leave nothing (a message that is all quote), the whole text is the reply.
"""

from __future__ import annotations

import re

# mail-parser-reply's regular expressions backtrack on long texts; beyond this only our own folding runs.
LIBRARY_MAX_CHARS = 20_000

_WROTE = re.compile(
    r"^\s*(?:On|Den|Am|Le|El|Op|På)\b.{0,300}?\b"
    r"(?:wrote|skrev|schrieb|a écrit|escribió|schreef|kirjoitti)\s*:?\s*$",
    re.IGNORECASE,
)
_WROTE_END = re.compile(
    r"^.{0,200}\b(?:wrote|skrev|schrieb|a écrit|escribió|schreef|kirjoitti)\s*:\s*$", re.I
)
_WROTE_START = re.compile(r"^\s*(?:On|Den|Am|Le|El|Op)\s+\S.{0,200}$", re.IGNORECASE)
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(?:Original Message|Ursprungligt meddelande|Originalmeddelande|Vidarebefordrat meddelande|"
    r"Forwarded message|Ursprungligt\s+meddelande|Ursprüngliche Nachricht)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_FROM_LINE = re.compile(r"^\s*\*?(?:From|Från|Von|Fra|De|Lähettäjä)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_LINE = re.compile(
    r"^\s*\*?(?:Sent|Skickat|Date|Datum|To|Till|Subject|Ämne|Cc|Kopia|Gesendet|An|Betreff|Sendt|Til|Emne|"
    r"Envoyé|À|Objet)\s*:\*?",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^--\s?$")
_SENT_FROM = re.compile(
    r"^\s*(?:Skickat från min|Sent from my|Hämta Outlook för|Get Outlook for|Skickat från Outlook|"
    r"Sent from Outlook|Skickat från Mail för|Sent from Mail for|Sent from Yahoo Mail)\b",
    re.IGNORECASE,
)


def _cut_index(lines: list[str]) -> int | None:
    """The index of the first line of the quoted history or signature, or None."""
    count = len(lines)
    # The last line that is neither blank nor quoted: a "> " line after it starts the trailing quote block.
    last_own = max(
        (index for index, line in enumerate(lines) if line.strip() and not line.startswith(">")), default=-1
    )
    for index, line in enumerate(lines):
        if _SIGNATURE.match(line) or _SENT_FROM.match(line):
            return index
        if _ORIGINAL.match(line):
            return index
        if _WROTE.match(line):
            return index
        if _WROTE_START.match(line) and index + 1 < count and _WROTE_END.match(lines[index + 1]):
            return index
        if _UNDERSCORES.match(line):
            following = [item for item in lines[index + 1 : index + 4] if item.strip()]
            if following and _FROM_LINE.match(following[0]):
                return index
        if _FROM_LINE.match(line):
            window = lines[index + 1 : index + 6]
            if sum(1 for item in window if _HEADER_LINE.match(item)) >= 2:
                return index
        if line.startswith(">") and index > last_own:
            return index  # a quoted block that nothing but quotes and blank lines follow: the history
    return None


def fold_quotes(text: str) -> str:
    """Our own folding: the text before the quoted history and signature; "> " lines dropped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _cut_index(lines)
    if cut is not None:
        lines = lines[:cut]
    # Interleaved quotes (answers between quoted lines): keep the answers.
    kept = [line for line in lines if not line.startswith(">")]
    result = "\n".join(kept).strip()
    return re.sub(r"\n{3,}", "\n\n", result)


def _library_reply(text: str) -> str | None:
    try:
        from mailparser_reply.parser import EmailMessage

        # keep_hyphen_lists: the library's default takes "- item" lines for a signature.
        message = EmailMessage(text=text, languages=["sv", "en"], keep_hyphen_lists=True).read()
    except Exception:  # the library is a first guess; our folding is the fallback
        return None
    if not message.replies:
        return None
    return message.replies[0].body


def reply_text(text: str) -> str:
    """The new part of a message's text. Never raises; never empty when the text is not."""
    if not text or not text.strip():
        return ""
    try:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        candidate = None
        if len(text) <= LIBRARY_MAX_CHARS:
            candidate = _library_reply(text)
        folded = fold_quotes(candidate if candidate else text)
        if not folded and candidate:
            folded = fold_quotes(text)
        return folded or text.strip()
    except Exception:
        return text.strip()
