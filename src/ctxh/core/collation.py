"""Vietnamese alphabetical order as a plain string, so any database sorts it the same way.

The Vietnamese alphabet has its own letters — a ă â b c d đ e ê g h i k l m n o ô ơ p q
r s t u ư v x y — and the five tones come after the bare letter: a, à, ả, ã, á, ạ (the
order of Vietnamese dictionaries and of Unicode's CLDR collation for ``vi``). Tones are
weighed after the letters of the whole word, as in a dictionary ("bác" before "bàn"), and
words are compared one by one ("ba ba" before "bà"). Numbers compare by value
("Phường 2" before "Phường 10").

Neither SQLite (byte order) nor PostgreSQL (whatever collation the server has) knows
this, so sortable models store :func:`sort_key` of their name in an indexed column and
``ORDER BY`` that column. The key uses only the characters ``0-9a-z``, which every
collation orders the same way (digits before letters, no ignorable characters), so
SQLite and PostgreSQL return the same order and a B-tree index serves it.

Layout of a key, word after word: each symbol of the word as two characters (a number is
one marker symbol, its length and its digits), then ``0``, then one tone digit per
letter. Symbol codes never start with ``0``, so a shorter word sorts before a longer one
it begins ("an" < "anh").
"""

from __future__ import annotations

import unicodedata

# Latin letters absent from Vietnamese (f, j, w, z) sit where the Latin alphabet puts them.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"

# Combining tone marks, in the order the tones sort (no mark = level tone, 0).
TONES = {
    "\u0300": 1,  # huyền (grave)
    "\u0309": 2,  # hỏi (hook above)
    "\u0303": 3,  # ngã (tilde)
    "\u0301": 4,  # sắc (acute)
    "\u0323": 5,  # nặng (dot below)
}
# Combining marks that make a distinct letter of a base letter.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
_SAME_LETTER = {"ð": "đ", "đ": "đ"}  # Icelandic eth is a common mistype of đ

MAX_LENGTH = 255
_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_NUMBER = "10"  # the marker of a number: below every letter
_LETTER_CODE = {letter: _DIGITS36[1] + _DIGITS36[1 + i] for i, letter in enumerate(ALPHABET)}
_OTHER = "zz"  # any other letter (another script): after the alphabet, by code point


def _base36(value: int, width: int) -> str:
    out = []
    for _ in range(width):
        value, digit = divmod(value, 36)
        out.append(_DIGITS36[digit])
    return "".join(reversed(out))


class _Word:
    """The symbols and tones of one word while it is being read."""

    def __init__(self) -> None:
        self.symbols: list[str] = []
        self.tones: list[int] = []
        self.letters: list[str] = []  # the letter of each tone slot (for the marks)
        self.number = ""

    def add_letter(self, letter: str) -> None:
        self.end_number()
        self.letters.append(letter)
        self.symbols.append(_LETTER_CODE.get(letter) or _OTHER + _base36(ord(letter), 4))
        self.tones.append(0)

    def add_mark(self, mark: str) -> None:
        if self.number or not self.letters:
            return  # a mark on a digit or on nothing means nothing
        if mark in TONES:
            self.tones[-1] = TONES[mark]
            return
        letter = _LETTER_MARKS.get((self.letters[-1], mark))
        if letter:
            self.letters[-1] = letter
            self.symbols[-1] = _LETTER_CODE[letter]

    def add_digit(self, digit: str) -> None:
        self.number += digit

    def end_number(self) -> None:
        if self.number:
            digits = self.number.lstrip("0") or "0"
            digits = digits[:35]
            self.symbols.append(_NUMBER + _DIGITS36[len(digits)] + digits)
            self.number = ""

    def key(self) -> str:
        self.end_number()
        if not self.symbols:
            return ""
        return "".join(self.symbols) + "0" + "".join(str(t) for t in self.tones)


def _words(text: str) -> list[str]:
    value = unicodedata.normalize("NFKD", str(text)).lower()
    keys: list[str] = []
    word = _Word()
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cf":
            continue  # invisible characters (zero-width space, joiners…) are not there
        if category.startswith("M"):
            word.add_mark(ch)
        elif ch in _SAME_LETTER:
            word.add_letter(_SAME_LETTER[ch])
        elif category == "Nd":
            word.add_digit(str(unicodedata.decimal(ch)))
        elif ch.isalpha():
            word.add_letter(ch)
        else:  # space, punctuation, symbols: between words
            key = word.key()
            if key:
                keys.append(key)
            word = _Word()
    key = word.key()
    if key:
        keys.append(key)
    return keys


def sort_key(text: object) -> str:
    """The key that puts ``text`` in Vietnamese alphabetical order (``0-9a-z`` only)."""
    if text is None:
        return ""
    return "".join(_words(str(text)))[:MAX_LENGTH]


def name_sort_key(full_name: object) -> str:
    """The key of a person's full name as Vietnamese lists sort people: by given name
    (the last word), then by family and middle names ("Nguyễn Văn An" as "An Nguyễn Văn")."""
    words = str(full_name or "").split()
    if not words:
        return ""
    return sort_key(" ".join([words[-1], *words[:-1]]))
