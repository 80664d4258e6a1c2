"""Finds interface text left in English on a page rendered in Korean.

Reads what a person sees or hears: text nodes (not script, style or code) and the attributes a
browser shows or reads aloud (title, placeholder, aria-label, alt, the value of buttons). The
data on the page (titles, names as entered) is passed in and skipped; so are the few proper
nouns that stay as written in Korean too. What is left must hold no English word."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A word of three or more letters with lower-case after the first: English prose, not codes
# such as KR, USD, PDF or CRMA, nor file name extensions (.pdf).
ENGLISH_WORD = re.compile(r"(?<![.\w])[A-Za-z][a-z]{2,}")
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
HIDDEN_ELEMENTS = {"script", "style", "code"}
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# Names that stay as written in the Korean interface as well.
PROPER_NOUNS = (
    "English",
    "Outlook",
    "Google",
    "Apple",
    "Herfindahl",
    "Hirschman",
    "FORGE",
    "iCalendar",
    "toz",  # troy ounce, the unit's symbol
    "Message-ID",  # the e-mail header's name
)
# Addresses and identifiers: e-mail addresses, URLs, dotted names such as meetings.upsert.
IDENTIFIER = re.compile(r"\S+@\S+|https?://\S+|\b\w+(?:\.[\w*]+)+\b")


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.stack: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attributes.items():
            if name in SHOWN_ATTRIBUTES and value:
                self.texts.append(value)
        if (
            tag == "input"
            and attributes.get("type") in {"submit", "button", "reset"}
            and attributes.get("value")
        ):
            self.texts.append(attributes["value"])
        if tag in VOID_ELEMENTS:
            return
        self.stack.append(tag)
        if tag in HIDDEN_ELEMENTS:
            self.hidden_depth += 1

    def handle_endtag(self, tag):
        if tag in VOID_ELEMENTS or tag not in self.stack:
            return
        while self.stack:
            closed = self.stack.pop()
            if closed in HIDDEN_ELEMENTS:
                self.hidden_depth -= 1
            if closed == tag:
                break

    def handle_data(self, data):
        if not self.hidden_depth and data.strip():
            self.texts.append(data)


def english_left(html: str, data: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> list[str]:
    """The pieces of visible text that still hold an English word, data and proper nouns aside.

    `data` is skipped wherever it appears; `names` (user names, which can be ordinary words) only
    where they are a whole piece of text on their own."""
    parser = _VisibleText()
    parser.feed(html)
    skipped = sorted((*data, *PROPER_NOUNS), key=len, reverse=True)
    left = []
    for text in parser.texts:
        if text.strip() in names:
            continue
        for known in skipped:
            text = text.replace(known, " ")
        text = IDENTIFIER.sub(" ", text)
        if ENGLISH_WORD.search(text):
            left.append(" ".join(text.split()))
    return left
