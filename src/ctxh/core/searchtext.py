"""Accent-insensitive search text for Vietnamese.

People type "nguyen van an" and expect "Nguyễn Văn An"; "đ" must match "d". Every
searchable model keeps a ``search_text`` column filled with :func:`normalize` of its
searchable fields, and a query is normalised the same way before matching.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_TRANSLATE = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def normalize(text: object) -> str:
    """Return ``text`` lower-cased, without diacritics, with single spaces."""
    if text is None:
        return ""
    value = str(text).translate(_TRANSLATE)
    value = unicodedata.normalize("NFKD", value)
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    value = value.lower().translate(_TRANSLATE)
    return _SPACES.sub(" ", value).strip()


def search_text(*parts: object) -> str:
    """Join the normalised parts into one column value."""
    return " ".join(p for p in (normalize(part) for part in parts) if p)


def terms(query: str | None) -> list[str]:
    """Split a user's query into normalised terms (each must match)."""
    return [t for t in normalize(query).split(" ") if t][:10]


def filter_search(queryset, query: str | None, field: str = "search_text"):
    """Narrow ``queryset`` to rows whose search text contains every term of ``query``."""
    for term in terms(query):
        queryset = queryset.filter(**{f"{field}__contains": term})
    return queryset
