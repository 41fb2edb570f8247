from hypothesis import given
from hypothesis import strategies as st

from ctxh.core.searchtext import normalize, terms

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
)


def test_examples():
    assert normalize("Nguyễn Trãi") == "nguyen trai"
    assert normalize("  ĐỖ   Thị   Đào ") == "do thi dao"
    assert normalize("Phường Bến Thành") == "phuong ben thanh"
    assert normalize(None) == ""
    assert terms("nguyen  TRÃI") == ["nguyen", "trai"]


@given(st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " ", max_size=60))
def test_idempotent_and_ascii(text):
    once = normalize(text)
    assert normalize(once) == once
    assert once.isascii()
    assert once == once.lower()
    assert "  " not in once


@given(st.text(alphabet=VIETNAMESE, min_size=1, max_size=30))
def test_accents_never_matter(word):
    stripped = normalize(word)
    assert normalize(word.upper()) == stripped
    assert len(stripped) == len(word)


@given(st.text(max_size=80))
def test_any_text_is_safe(text):
    assert isinstance(normalize(text), str)


def test_queries_are_normalised_before_anything_else():
    # Full-width digits are digits; invisible characters are not there (issue 8).
    assert normalize("０７９１９０") == "079190"
    assert normalize("079\u200b190\u2060\ufeff") == "079190"
    assert normalize("Nguy\u00adễn\u200d Văn") == "nguyen van"
    assert terms("  ＮＧＵＹＥＮ\u00a0van ") == ["nguyen", "van"]
