"""HTML from email: sanitised for showing (nh3), and turned into plain text.

`sanitise_html` keeps the structure of a message (paragraphs, lists, tables, links, emphasis) and drops
everything that can run, restyle the page or call home: scripts, styles, event handlers, forms, iframes,
`style` attributes, and every image whose source is not a `cid:` reference to a part of the same message
(remote images are tracking pixels).

`html_to_text` keeps what a reader needs from the HTML: paragraphs and line breaks, list items ("- "),
table rows, link targets ("text (https://…)"), and quoted history (`<blockquote>`) as "> " lines so that
the quote folding (`mailboxes.quoting`) finds it.
"""

from __future__ import annotations

import re
from html import unescape

import nh3

# Big enough for any real message; beyond it the HTML is cut before the sanitiser and the text converter.
MAX_HTML_CHARS = 2_000_000

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "div",
    "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol",
    "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "tt", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "title"},
    "td": {"colspan", "rowspan", "align", "valign"},
    "th": {"colspan", "rowspan", "align", "valign", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
# Everything whose content is not text for a reader: removed with what is inside.
_DROP_WITH_CONTENT = {
    "script",
    "style",
    "head",
    "title",
    "noscript",
    "template",
    "iframe",
    "object",
    "svg",
    "math",
}
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        # Only images carried inside the message; a remote image tells the sender that the mail was read.
        return value if value.strip().lower().startswith("cid:") else None
    return value


# The HTML parser behind nh3 (html5ever) takes time that grows with the nesting depth times the number of
# elements: 10,000 nested <blockquote>s take seconds, 40,000 <div>s a minute. Real mail nests a few dozen deep
# (a long forwarded chain perhaps a hundred); HTML nested deeper is not shown as HTML (the text is).
MAX_NESTING = 400
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,20})\b[^>]{0,2000}?(/?)>")
_NOT_NESTING = {
    "p", "li", "td", "th", "tr", "dt", "dd", "option", "br", "hr", "img", "meta", "link", "input", "col",
    "area", "base", "wbr", "source", "track", "embed", "param",
}  # fmt: skip


def too_deep(html: str, limit: int = MAX_NESTING) -> bool:
    """Whether the HTML nests deeper than `limit` (an estimate from its tags, in linear time)."""
    depth = 0
    for match in _TAG.finditer(html):
        if match.group(2).lower() in _NOT_NESTING or match.group(3):
            continue
        depth += -1 if match.group(1) else 1
        depth = max(depth, 0)
        if depth > limit:
            return True
    return False


def sanitise_html(html: str) -> str:
    """The HTML safe to show: no scripts, styles, event handlers or remote images. Never raises.

    "" when the HTML nests deeper than MAX_NESTING (it would take the sanitiser minutes)."""
    if not html:
        return ""
    try:
        html = str(html)[:MAX_HTML_CHARS].replace("\x00", "")
        if too_deep(html):
            return ""
        return nh3.clean(
            html,
            tags=_TAGS,
            clean_content_tags=_DROP_WITH_CONTENT,
            attributes=_ATTRIBUTES,
            attribute_filter=_attribute_filter,
            url_schemes=_URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        ).strip()
    except Exception:  # a message that cannot be sanitised is shown as text only
        return ""


_BLOCK = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p",
    "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul", "caption",
}  # fmt: skip
_PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "pre", "dl"}
_SKIP = _DROP_WITH_CONTENT | {"style", "script", "textarea", "xmp"}
_VOID = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source", "track", "embed"}


# A small tokenizer: the stdlib's HTMLParser takes ~15 µs a tag, seconds for a megabyte of mail HTML.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)|<![^>]*>?|<\?[^>]*>?|<(/?)([a-zA-Z][a-zA-Z0-9:_-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>|[^<]+|<",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_RAW_TEXT = {"script", "style", "textarea", "title", "xmp"}


def _attributes(text: str) -> list[tuple[str, str]]:
    return [
        (match.group(1).lower(), unescape(match.group(2) or match.group(3) or match.group(4) or ""))
        for match in _ATTRIBUTE.finditer(text)
    ]


class _TextMaker:
    def feed(self, html: str):
        position, length = 0, len(html)
        while position < length:
            match = _TOKEN.match(html, position)
            if match is None:  # cannot happen ("<" alone matches); guard against a loop anyway
                break
            position = match.end()
            token = match.group(0)
            name = match.group(2)
            if name is None:
                if not token.startswith(("<!", "<?")):
                    self.handle_data(unescape(token))
                continue
            tag = name.lower()
            if match.group(1):
                self.handle_endtag(tag)
                continue
            attributes = match.group(3) or ""
            self.handle_starttag(tag, _attributes(attributes) if tag in ("a", "img", "ol") else [])
            if tag in _RAW_TEXT:
                end = re.compile(rf"</{tag}\s*>", re.IGNORECASE).search(html, position)
                position = end.end() if end else length
                self.handle_endtag(tag)
            elif attributes.rstrip().endswith("/") and tag not in _VOID:
                self.handle_endtag(tag)

    def close(self):
        pass

    def __init__(self):
        self.lines: list[str] = []  # finished lines (without the quote prefix)
        self.current: list[str] = []
        self.skip = 0
        self.pre = 0
        self.quote = 0
        self.links: list[tuple[str, int]] = []  # (href, length of text when the link opened)
        self.list_stack: list[list] = []  # ["ul"|"ol", counter]
        self.pending_blank = False
        self.cell = False

    # --- output helpers
    def _text_so_far(self) -> str:
        return "".join(self.current)

    def _newline(self):
        line = "".join(self.current).rstrip()
        self.current = []
        prefix = "> " * self.quote
        if self.pending_blank and self.lines and self.lines[-1].strip(">").strip():
            self.lines.append(prefix.rstrip())
        self.pending_blank = False
        if line.strip() or self.pre:
            self.lines.append(prefix + line if prefix else line)

    def _block(self, paragraph: bool = False):
        if "".join(self.current).strip():
            self._newline()
        else:
            self.current = []
        if paragraph:
            self.pending_blank = True

    def _write(self, text: str):
        if not text:
            return
        if self.pending_blank and self.lines and not "".join(self.current).strip():
            prefix = "> " * self.quote
            if self.lines[-1].strip("> ").strip():
                self.lines.append(prefix.rstrip())
            self.pending_blank = False
        self.current.append(text)

    # --- parser events
    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip += 1
            return
        if self.skip:
            return
        attributes = dict(attrs)
        if tag == "br":
            if "".join(self.current).strip() or self.pre:
                self._newline()
            else:
                # An empty line from <br>: a paragraph break (Outlook writes <p>&nbsp;</p> or <br><br>).
                self.current = []
                self.pending_blank = True
            return
        if tag == "blockquote":
            self._block(paragraph=True)
            self.quote += 1
            return
        if tag in ("ul", "ol"):
            self._block(paragraph=not self.list_stack)
            start = attributes.get("start") or "1"
            self.list_stack.append([tag, int(start) if start.isdigit() else 1])
            return
        if tag == "li":
            self._block()
            indent = "  " * max(len(self.list_stack) - 1, 0)
            if self.list_stack and self.list_stack[-1][0] == "ol":
                marker = f"{self.list_stack[-1][1]}. "
                self.list_stack[-1][1] += 1
            else:
                marker = "- "
            self._write(indent + marker)
            return
        if tag == "pre":
            self._block(paragraph=True)
            self.pre += 1
            return
        if tag in ("td", "th"):
            if self.cell and "".join(self.current).strip():
                self._write("  ")
            self.cell = True
            return
        if tag == "tr":
            self._block()
            self.cell = False
            return
        if tag == "hr":
            self._block()
            self._write("---")
            self._newline()
            return
        if tag == "img":
            alt = (attributes.get("alt") or "").strip()
            if alt:
                self._write(f"[{alt}]")
            return
        if tag == "a":
            self.links.append((attributes.get("href") or "", len(self._text_so_far())))
            return
        if tag in _BLOCK:
            self._block(paragraph=tag in _PARAGRAPH)

    def handle_endtag(self, tag):
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip = max(self.skip - 1, 0)
            return
        if self.skip:
            return
        if tag == "a":
            if not self.links:
                return
            href, _ = self.links.pop()
            href = href.strip()
            shown = "".join(self.current).strip()
            if href and not href.lower().startswith(("cid:", "#", "javascript:", "data:")):
                target = href[7:] if href.lower().startswith("mailto:") else href
                if target and target not in shown[-len(target) - 2 :]:
                    self._write(f" ({target})")
            return
        if tag == "blockquote":
            self._block(paragraph=True)
            self.quote = max(self.quote - 1, 0)
            return
        if tag in ("ul", "ol"):
            self._block(paragraph=len(self.list_stack) <= 1)
            if self.list_stack:
                self.list_stack.pop()
            return
        if tag == "pre":
            self._block(paragraph=True)
            self.pre = max(self.pre - 1, 0)
            return
        if tag in ("td", "th"):
            return
        if tag == "tr":
            self._block()
            self.cell = False
            return
        if tag == "li" or tag in _BLOCK:
            self._block(paragraph=tag in _PARAGRAPH)

    def handle_data(self, data):
        if self.skip or not data:
            return
        if self.pre:
            parts = data.split("\n")
            for index, part in enumerate(parts):
                if index:
                    self._newline()
                self._write(part)
            return
        text = re.sub(r"[ \t\r\n\f\v]+", " ", data.replace("\xa0", " "))
        if not "".join(self.current).strip() or (
            self.current and self.current[-1].endswith(" ") and text.startswith(" ")
        ):
            text = text.lstrip()
        self._write(text)

    def result(self) -> str:
        self._block()
        text = "\n".join(self.lines)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return text.strip("\n").strip()


def html_to_text(html: str) -> str:
    """Plain text from HTML: paragraphs, line breaks, list items and link targets kept. Never raises."""
    if not html:
        return ""
    html = str(html)[:MAX_HTML_CHARS].replace("\x00", "")
    try:
        maker = _TextMaker()
        maker.feed(html)
        maker.close()
        return maker.result()
    except Exception:  # a crude fallback beats no text
        text = re.sub(r"(?is)<(script|style|head)\b.*?</\1\s*>", " ", html)
        text = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>|</li\s*>|</tr\s*>", "\n", text)
        text = unescape(re.sub(r"<[^>]*>", "", text))
        text = re.sub(r"[ \t\xa0]+", " ", text)
        return re.sub(r"\n\s*\n\s*\n+", "\n\n", text).strip()
