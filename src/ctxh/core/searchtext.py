"""Accent-insensitive search text for Vietnamese, and ranking of what it finds.

People type "nguyen van an" and expect "Nguyễn Văn An"; "đ" must match "d". Every
searchable model keeps a ``search_text`` column filled with :func:`normalize` of its
searchable fields, and a query is normalised the same way before matching — first, so
that a check made on the query (is this a citizen ID?) sees what the database will see:
full-width digits become ASCII ones and invisible characters disappear.

:func:`ranked_search` narrows a queryset to the rows containing every term and orders
them by how well they match: the exact phrase as whole words first, then every term at
the start of a word, then the rest (substrings), each group in Vietnamese alphabetical
order (``sort_key``, see :mod:`ctxh.core.collation`).
"""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Case, F, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.db.models.lookups import Contains

_SPACES = re.compile(r"\s+")
_TRANSLATE = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})
MAX_TERMS = 10

# How well a row matches a query (lower is better).
EXACT_PHRASE, WORD_STARTS, SUBSTRING = 0, 1, 2


def _visible(ch: str) -> bool:
    # Format characters (zero-width space and joiners, soft hyphen, BOM, direction marks)
    # are invisible: "079\u200b19" is what the user sees as "07919".
    return unicodedata.category(ch) != "Cf"


def normalize(text: object) -> str:
    """Return ``text`` lower-cased, without diacritics nor invisible characters, with
    compatibility forms folded (full-width "０７９" is "079") and single spaces."""
    if text is None:
        return ""
    value = str(text).translate(_TRANSLATE)
    value = unicodedata.normalize("NFKD", value)
    value = "".join(ch for ch in value if not unicodedata.combining(ch) and _visible(ch))
    value = value.lower().translate(_TRANSLATE)
    return _SPACES.sub(" ", value).strip()


def search_text(*parts: object) -> str:
    """Join the normalised parts into one column value."""
    return " ".join(p for p in (normalize(part) for part in parts) if p)


def terms(query: str | None) -> list[str]:
    """Split a user's query into normalised terms (each must match)."""
    return [t for t in normalize(query).split(" ") if t][:MAX_TERMS]


def search_q(query: str | None, field: str = "search_text") -> Q:
    """The condition "``field`` contains every term of ``query``" (every row if none)."""
    condition = Q()
    for term in terms(query):
        condition &= Q(**{f"{field}__contains": term})
    return condition


def filter_search(queryset, query: str | None, field: str = "search_text"):
    """Narrow ``queryset`` to rows whose search text contains every term of ``query``."""
    return queryset.filter(search_q(query, field))


def search_rank(query: str | None, field: str = "search_text", *, first: Q | None = None):
    """An expression ranking a row for ``query``: :data:`EXACT_PHRASE` when the search
    text holds the whole query as whole words, :data:`WORD_STARTS` when every term begins
    a word, else :data:`SUBSTRING`. Rows matching ``first`` (e.g. an exact citizen ID)
    rank as an exact phrase."""
    words = terms(query)
    # Padded with spaces, " term" is a word start and " a b " the whole-word phrase.
    padded = Concat(Value(" "), F(field), Value(" "), output_field=TextField())
    whens = []
    if first is not None:
        whens.append(When(first, then=Value(EXACT_PHRASE)))
    if words:
        whens.append(When(Contains(padded, f" {' '.join(words)} "), then=Value(EXACT_PHRASE)))
        starts = Q()
        for word in words:
            starts &= Contains(padded, f" {word}")
        whens.append(When(starts, then=Value(WORD_STARTS)))
    if not whens:
        return Value(SUBSTRING)
    return Case(*whens, default=Value(SUBSTRING), output_field=IntegerField())


def ranked_search(
    queryset,
    query: str | None,
    *,
    field: str = "search_text",
    order: tuple[str, ...] = ("sort_key", "id"),
    also: Q | None = None,
):
    """``queryset`` narrowed to what matches ``query`` and ordered by :func:`search_rank`,
    then by ``order``. Rows matching ``also`` are found too, ranked first. Without a query
    (nothing left once normalised) the queryset is only ordered by ``order``."""
    if not terms(query) and also is None:
        return queryset.order_by(*order)
    condition = search_q(query, field) if terms(query) else Q(pk__in=[])
    if also is not None:
        condition |= also
    rank = search_rank(query, field, first=also)
    return queryset.filter(condition).order_by(rank.asc(), *order)
