"""Accent-insensitive matching inside the database, for columns without a search_text.

:class:`Unaccent` is the database's version of :func:`ctxh.core.searchtext.normalize` for
one column: lower case, no diacritics, đ → d. On PostgreSQL it is ``translate()`` with a
table of every Latin letter with diacritics (and A–Z), so it needs no extension; on SQLite it
is ``normalize`` itself, registered on each connection (``connection_created``). Compare its
result with normalised terms (``searchtext.terms``).
"""

from __future__ import annotations

import unicodedata

from django.db.models import CharField, Func, Value

from .searchtext import normalize

SQLITE_FUNCTION = "ctxh_unaccent"


def _table() -> tuple[str, str]:
    source, target = [], []
    ranges = [range(0x41, 0x5B), range(0xC0, 0x250), range(0x1E00, 0x1F00)]
    for block in ranges:
        for codepoint in block:
            char = chr(codepoint)
            if unicodedata.category(char)[0] != "L":
                continue
            plain = normalize(char)
            if len(plain) == 1 and plain.isascii() and plain.isalpha() and plain != char:
                source.append(char)
                target.append(plain)
    return "".join(source), "".join(target)


FROM_CHARS, TO_CHARS = _table()


def _sqlite_unaccent(value):
    return None if value is None else normalize(value)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: teach a new SQLite connection ``ctxh_unaccent``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, _sqlite_unaccent, deterministic=True
        )


class Unaccent(Func):
    """``normalize(column)`` computed by the database (see the module docstring)."""

    output_field = CharField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        # Other databases: lower case only (accents then have to match).
        return super().as_sql(compiler, connection, function="LOWER", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        translated = Func(
            self.source_expressions[0],
            Value(FROM_CHARS),
            Value(TO_CHARS),
            function="translate",
            output_field=CharField(),
        )
        return translated.as_sql(compiler, connection)
