"""Cleaning text typed or pasted by people before it is matched or stored.

Text arrives with characters nobody can see: zero-width spaces and joiners pasted from web
pages, soft hyphens, a byte-order mark at the start of a cell, bidirectional marks, control
characters from old systems. It also arrives in two Unicode forms: macOS writes
"Nguyễn" decomposed (NFD, a letter followed by combining accents), Windows composed (NFC).
Left alone, "Lan" and "La\u200bn" are two people, and an unchanged name typed on a Mac
looks changed. :func:`clean_text` removes the invisible characters, turns the unusual
spaces into plain spaces and the line separators into new lines, and composes to NFC.
The import reader applies it to every text cell; forms may use it too.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters removed: C0/C1 controls except tab and new line, and the "format" characters
#: (Unicode category Cf) met in practice — soft hyphen, zero-width space/joiners, bidi marks
#: and embeddings/isolates, word joiner and invisible operators, BOM, interlinear
#: annotations, Arabic/Syriac/Mongolian format marks, the tag characters.
_INVISIBLE = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "]+"
)
#: Spaces other than the plain one (no-break, thin, ideographic…) and line separators.
_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINES = re.compile("\r\n?|[\u2028\u2029\x85]")


def clean_text(value: str) -> str:
    """``value`` without invisible characters, with plain spaces and ``\\n`` new lines, in
    NFC, stripped of surrounding white space. Plain printable ASCII is returned stripped."""
    if value.isascii() and value.isprintable():
        return value.strip()
    value = _LINES.sub("\n", value)
    value = _INVISIBLE.sub("", value)
    value = _SPACES.sub(" ", value)
    return unicodedata.normalize("NFC", value).strip()


def shorten(value: object, limit: int = 100) -> str:
    """``value`` as text for a message, cut to about ``limit`` characters (a 10 MB cell
    must not come back as a 10 MB page)."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
