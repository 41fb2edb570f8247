"""The Vietnamese sort key: alphabet order, tones after the base letter, stable keys."""

import random
import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from ctxh.core.collation import ALPHABET, name_sort_key, sort_key

# Tone marks in the order the tones sort: none, huyền, hỏi, ngã, sắc, nặng.
TONE_MARKS = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
# Each letter of the alphabet written as base letter + letter mark (NFD).
SPELLING = {
    "ă": "a\u0306",
    "â": "a\u0302",
    "ê": "e\u0302",
    "ô": "o\u0302",
    "ơ": "o\u031b",
    "ư": "u\u031b",
}
VOWELS = "aăâeêioôơuưy"

letter_index = st.integers(min_value=0, max_value=len(ALPHABET) - 1)
tone = st.integers(min_value=0, max_value=5)


def write(letter: str, tone_rank: int = 0) -> str:
    """The letter with the tone, precomposed (NFC) as people type it."""
    return unicodedata.normalize("NFC", SPELLING.get(letter, letter) + TONE_MARKS[tone_rank])


def test_the_alphabet_in_order():
    letters = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")
    shuffled = letters[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == letters


def test_examples_of_vietnamese_order():
    words = ["ba", "ba ba", "bà", "bả", "bã", "bá", "bạ", "bác", "bạc", "bàn", "băm", "bâm"]
    assert sorted(random.Random(1).sample(words, len(words)), key=sort_key) == words
    names = ["An", "Anh", "Ánh", "Ăn", "Ân", "Bình", "Dung", "Đào", "Em", "Êm", "Ơn", "Ưng"]
    assert sorted(random.Random(2).sample(names, len(names)), key=sort_key) == names
    assert sort_key("Phường 2") < sort_key("Phường 10") < sort_key("Phường An Khánh")


def test_names_sort_by_given_name_then_family_and_middle_names():
    people = ["Nguyễn Văn An", "Trần Thị An", "Lê Văn Bình", "Nguyễn Thị Bình", "Đỗ Anh"]
    expected = ["Nguyễn Văn An", "Trần Thị An", "Đỗ Anh", "Lê Văn Bình", "Nguyễn Thị Bình"]
    assert sorted(people, key=name_sort_key) == expected
    assert name_sort_key("  ") == "" and name_sort_key(None) == ""


@given(letter_index, letter_index, tone, tone)
def test_letters_in_alphabet_order_whatever_the_tone(i, j, t1, t2):
    a, b = ALPHABET[i], ALPHABET[j]
    ta = t1 if a in VOWELS else 0
    tb = t2 if b in VOWELS else 0
    if i < j:
        assert sort_key(write(a, ta)) < sort_key(write(b, tb))
    elif i == j:
        assert (sort_key(write(a, ta)) < sort_key(write(b, tb))) == (ta < tb)


@given(st.sampled_from(VOWELS), tone, tone)
def test_tones_come_after_the_base_letter_in_their_order(vowel, t1, t2):
    k1, k2 = sort_key(write(vowel, t1)), sort_key(write(vowel, t2))
    assert (k1 < k2) == (t1 < t2) and (k1 == k2) == (t1 == t2)
    following = ALPHABET[ALPHABET.index(vowel) + 1]
    assert k1 < sort_key(following)


syllable = st.tuples(st.lists(letter_index, min_size=1, max_size=6), tone)


def spell(letters: list[int], tone_rank: int) -> str:
    """A word with its tone on the first vowel (or none when it has no vowel)."""
    chars = [ALPHABET[i] for i in letters]
    out, placed = [], False
    for ch in chars:
        if not placed and ch in VOWELS:
            out.append(write(ch, tone_rank))
            placed = True
        else:
            out.append(write(ch))
    return "".join(out)


@given(syllable, syllable)
def test_words_compare_by_letters_then_by_tone(first, second):
    (l1, t1), (l2, t2) = first, second
    t1 = t1 if any(ALPHABET[i] in VOWELS for i in l1) else 0
    t2 = t2 if any(ALPHABET[i] in VOWELS for i in l2) else 0
    expected = (l1, t1) < (l2, t2)  # the dictionary: letters first, then the tone
    assert (sort_key(spell(l1, t1)) < sort_key(spell(l2, t2))) == expected


@given(st.lists(syllable, min_size=1, max_size=4), st.lists(syllable, min_size=1, max_size=4))
def test_phrases_compare_word_by_word(first, second):
    def words(phrase):
        return [
            (letters, t if any(ALPHABET[i] in VOWELS for i in letters) else 0)
            for letters, t in phrase
        ]

    w1, w2 = words(first), words(second)
    text1 = " ".join(spell(letters, t) for letters, t in w1)
    text2 = " ".join(spell(letters, t) for letters, t in w2)
    assert (sort_key(text1) < sort_key(text2)) == (w1 < w2)


@given(st.text(max_size=60))
def test_keys_are_stable_and_plain(text):
    key = sort_key(text)
    assert re.fullmatch(r"[0-9a-z]*", key)
    assert len(key) <= 255
    assert sort_key(unicodedata.normalize("NFC", text)) == key
    assert sort_key(unicodedata.normalize("NFD", text)) == key
    assert sort_key(text) == key  # the same every time


@given(st.text(alphabet=ALPHABET + "ÁÀẢÃẠáàảãạ đĐ0123456789", max_size=40))
def test_case_spacing_and_invisible_characters_do_not_matter(text):
    key = sort_key(text)
    assert sort_key(text.upper()) == key
    assert sort_key(f"  {text}  ".replace(" ", "  ")) == key
    assert sort_key(text.replace("a", "a\u200b")) == key
