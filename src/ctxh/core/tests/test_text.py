"""clean_text: the one normaliser of typed text (imports, forms)."""

import unicodedata

import pytest

from ctxh.core.text import clean_text, shorten


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("  Nguyễn Văn A ", "Nguyễn Văn A"),
        (unicodedata.normalize("NFD", "Nguyễn Thị Ánh"), "Nguyễn Thị Ánh"),
        ("\ufeffLan", "Lan"),  # byte-order mark
        ("La\u200bn", "Lan"),  # zero-width space
        ("La\u00adn", "Lan"),  # soft hyphen
        ("\u202bLan\u202c\u200e", "Lan"),  # bidi embedding and mark
        ("Lan\x00\x07", "Lan"),  # control characters
        ("Võ\u00a0Thị", "Võ Thị"),  # no-break space → space
        ("dòng 1\r\ndòng 2\u2028dòng 3", "dòng 1\ndòng 2\ndòng 3"),
        ("a\tb", "a\tb"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean
    assert unicodedata.is_normalized("NFC", clean_text(raw))


def test_shorten_quotes_at_most_about_100_characters():
    assert shorten("x" * 10_000_000) == "x" * 99 + "…"
    assert shorten("ngắn") == "ngắn"
