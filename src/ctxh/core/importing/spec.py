"""What an import kind is: its columns, how each cell is read, and the registry of kinds.

A kind (``"organizations"``, ``"people"``…) is an :class:`ImportKind` subclass defined in
its domain app and registered with :func:`register`. Core never imports the domain apps
statically: :func:`get_kind` imports the modules listed in :data:`KIND_MODULES` on first
use (with ``importlib``), so the layers still point one way.

A column's ``parser`` turns one raw cell (what openpyxl read: text, number, date or None)
into a clean value or raises :class:`CellError` with a message for the user. Headers in
the template are Vietnamese, fixed (they are a file format, not interface text); a header
is matched accent- and case-insensitively, with or without the ``*`` required marker.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core.searchtext import normalize
from ctxh.core.text import shorten
from ctxh.core.validators import normalize_phone, validate_vn_phone

#: Modules that define import kinds; imported on first use (missing ones are skipped).
KIND_MODULES = [
    "ctxh.organizations.importing",
    "ctxh.workforce.importing",
    "ctxh.accounts.importing",
    "ctxh.practicum.importing",
    "ctxh.training.importing",
]


class CellError(Exception):
    """A cell that cannot be read; the message is shown to the user next to the row."""


class ImportFileError(Exception):
    """A problem with the whole file (not a workbook, wrong headers, too big…)."""


Parser = Callable[[Any, "Context"], Any]


@dataclass
class Context:
    """What a run of an import knows: who runs it, and lookups loaded once per run."""

    user: Any
    cache: dict[str, Any] = field(default_factory=dict)

    def lookup(self, name: str, loader: Callable[[], Any]) -> Any:
        if name not in self.cache:
            self.cache[name] = loader()
        return self.cache[name]


@dataclass(frozen=True)
class Column:
    """One column of the template and of the uploaded file."""

    key: str
    label: str
    parser: Parser
    required: bool = False
    help: str = ""
    #: Values offered in an Excel drop-down (a callable: read from the database when the
    #: template is made).
    choices: Callable[[], list[str]] | None = None
    width: int = 18
    number_format: str | None = None

    @property
    def header(self) -> str:
        return f"{self.label} *" if self.required else self.label

    def display(self, value: Any, ctx: Context) -> str:
        """A cleaned (or stored) value as the preview shows it: a choice's name rather
        than its code, dates dd/mm/yyyy, Có/Không, a list joined by commas, at most about
        80 characters, and any 12-digit run masked like a CCCD."""
        show = getattr(self.parser, "display", None)
        if show is not None and value not in (None, "", []):
            value = show(value, ctx)
        return display(value)


#: Excel's error values: typed or pasted as text, they are not data.
EXCEL_ERRORS = frozenset(
    {
        "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
        "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
        "#PYTHON!",
    }
)  # fmt: skip


EMPTY = "—"
_CCCD = re.compile(r"(?<!\d)(\d{3})\d{7}(\d{2})(?!\d)")


def display(value: Any, limit: int = 80) -> str:
    """Any value as short text for the preview (see :meth:`Column.display`)."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list | tuple | set | frozenset):
        value = ", ".join(display(v, limit) for v in value)
    text_value = _CCCD.sub(lambda m: f"{m.group(1)}{'*' * 7}{m.group(2)}", str(value))
    return shorten(text_value, limit)


def excel_error(value: object) -> bool:
    """Whether ``value`` is an Excel error value such as ``#N/A`` or ``#REF!``."""
    return isinstance(value, str) and value[:1] == "#" and value.upper() in EXCEL_ERRORS


def quote(value: object) -> str:
    """A cell's value as quoted in a message: at most about 100 characters."""
    return shorten(value, 100)


def header_key(text: object) -> str:
    """How a header is compared: accent-insensitive, without the required marker."""
    return normalize(str(text or "").replace("*", " "))


# --- Parsers ------------------------------------------------------------------------


def _as_text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime | dt.date):
        raise CellError(_("A date is not accepted here."))
    return str(raw).strip()


def text(max_length: int, *, upper: bool = False) -> Parser:
    """Free text, never longer than the field allows (no silent truncation)."""

    def parse(raw, ctx):
        value = " ".join(_as_text(raw).split())
        if len(value) > max_length:
            raise CellError(
                _("Too long: %(length)s characters, at most %(max)s.")
                % {"length": len(value), "max": max_length}
            )
        return value.upper() if upper else value

    return parse


def digits(length_hint: int | None = None, *, pad_to: int | None = None) -> Parser:
    """A code of digits kept as text (a number cell loses its leading zeros: restored)."""

    def parse(raw, ctx):
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            if isinstance(raw, float) and not raw.is_integer():
                raise CellError(_("Enter digits only."))
            value = str(int(raw))
            if pad_to:
                value = value.zfill(pad_to)
            return value
        return re.sub(r"[\s.]", "", _as_text(raw))

    return parse


def phone() -> Parser:
    def parse(raw, ctx):
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            value = str(int(raw))
            return value if value.startswith("0") or len(value) > 10 else "0" + value
        value = _as_text(raw)
        if len(value) > 20:
            raise CellError(_("Enter a phone number of 8 to 20 digits."))
        return value

    return parse


def vn_phone() -> Parser:
    """A Vietnamese phone number (:func:`ctxh.core.validators.validate_vn_phone`), kept in
    its national form (``+84 90 123 4567`` → ``0901234567``)."""
    read = phone()

    def parse(raw, ctx):
        value = normalize_phone(read(raw, ctx))
        try:
            validate_vn_phone(value)
        except ValidationError as exc:
            raise CellError(" ".join(str(m) for m in exc.messages)) from None
        return value

    return parse


def email(max_length: int = 254) -> Parser:
    def parse(raw, ctx):
        value = _as_text(raw).lower()
        if len(value) > max_length:
            raise CellError(
                _("Too long: %(length)s characters, at most %(max)s.")
                % {"length": len(value), "max": max_length}
            )
        try:
            validate_email(value)
        except ValidationError:
            raise CellError(_("Enter a valid email address.")) from None
        return value

    return parse


def choice(options: Callable[[], Iterable[tuple[str, Iterable[str]]]]) -> Parser:
    """One of a fixed list; accepts the code or any of its names, accent-insensitively.

    ``options`` yields ``(value, [names…])``; it is called once per import run.
    """

    def parse(raw, ctx):
        # The same few words fill a column ("Nam", "Đại học"…): remember each answer.
        memo = ctx.lookup(f"memo:{id(options)}", dict)
        if raw in memo:
            value = memo[raw]
        else:
            table = ctx.lookup(f"choice:{id(options)}", lambda: _choice_table(options()))
            value = memo[raw] = table.get(normalize(_as_text(raw)))
        if value is None:
            raise CellError(
                _("“%(value)s” is not one of the allowed values.") % {"value": quote(raw)}
            )
        return value

    parse.display = _namer(options)
    return parse


def _namer(options) -> Callable[[Any, Context], Any]:
    """A choice's value → its first name (what the template offers), for the preview."""

    def load() -> dict:
        names = {}
        for option, labels in options():
            labels = list(labels)
            names[option] = str(labels[0]) if labels else option
        return names

    def name(value, ctx: Context):
        names = ctx.lookup(f"names:{id(options)}", load)
        if isinstance(value, list | tuple):
            return [names.get(v, v) for v in value]
        return names.get(value, value)

    return name


def _choice_table(options) -> dict[str, str]:
    table: dict[str, str] = {}
    for value, names in options:
        table[normalize(value)] = value
        for name in names:
            table.setdefault(normalize(name), value)
    return table


def choice_list(options: Callable[[], Iterable[tuple[str, Iterable[str]]]]) -> Parser:
    """Several items of a list, separated by commas, semicolons or new lines (codes or
    names). A name that itself holds a comma ("Hộ nghèo, hộ cận nghèo") is still found:
    the longest run of pieces that names an item wins."""

    def parse(raw, ctx):
        table = ctx.lookup(f"choice:{id(options)}", lambda: _choice_table(options()))
        parts = [p.strip() for p in re.split(r"[,;\n]", _as_text(raw))]
        values: list[str] = []
        i = 0
        while i < len(parts):
            if not parts[i]:
                i += 1
                continue
            for j in range(len(parts), i, -1):
                value = table.get(normalize(", ".join(parts[i:j])))
                if value is not None:
                    break
            else:
                raise CellError(
                    _("“%(value)s” is not one of the allowed values.") % {"value": quote(parts[i])}
                )
            if value not in values:
                values.append(value)
            i = j
        return values

    parse.display = _namer(options)
    return parse


_YES = {"co", "x", "yes", "y", "true", "1", "dung"}
_NO = {"khong", "no", "n", "false", "0", "sai"}


def boolean() -> Parser:
    """Có/Không (also x, 1/0, yes/no)."""

    def parse(raw, ctx):
        if isinstance(raw, bool):
            return raw
        value = normalize(_as_text(raw))
        if value in _YES:
            return True
        if value in _NO:
            return False
        raise CellError(_("Write “Có” or “Không”."))

    return parse


def integer(*, minimum: int | None = 0, maximum: int | None = None) -> Parser:
    def parse(raw, ctx):
        if isinstance(raw, bool):
            raise CellError(_("Enter a whole number."))
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, int):
            value = raw
        else:
            cleaned = _as_text(raw).replace(".", "").replace(" ", "")
            if not re.fullmatch(r"-?\d{1,12}", cleaned):
                raise CellError(_("Enter a whole number."))
            value = int(cleaned)
        if minimum is not None and value < minimum:
            raise CellError(_("Must be at least %(min)s.") % {"min": minimum})
        if maximum is not None and value > maximum:
            raise CellError(_("Must be at most %(max)s.") % {"max": maximum})
        return value

    return parse


def decimal(*, places: int = 6) -> Parser:
    def parse(raw, ctx):
        try:
            text_value = _as_text(raw).replace(",", ".")
            value = Decimal(text_value)
        except (InvalidOperation, ValueError):
            raise CellError(_("Enter a number.")) from None
        if not value.is_finite():
            raise CellError(_("Enter a number."))
        return round(value, places)

    return parse


_DATE_TEXT = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")


def date(*, past: bool = False) -> Parser:
    """An Excel date, or text dd/mm/yyyy, dd-mm-yyyy or dd.mm.yyyy (four-digit year).

    Anything else (yyyy-mm-dd, two-digit years, a bare number) is refused: day and
    month could be read the wrong way round. The year lies between 1900 and 2100; with
    ``past`` (a date of birth) the date cannot be after today.
    """

    def parse(raw, ctx):
        if isinstance(raw, dt.datetime):
            value = raw.date()
        elif isinstance(raw, dt.date):
            value = raw
        else:
            match = _DATE_TEXT.match(_as_text(raw))
            if not match:
                raise CellError(_("Write the date as dd/mm/yyyy (for example 25/03/2024)."))
            day, _sep, month, year = match.groups()
            try:
                value = dt.date(int(year), int(month), int(day))
            except ValueError:
                raise CellError(_("This date does not exist.")) from None
        if not 1900 <= value.year <= 2100:
            raise CellError(_("The year must be between 1900 and 2100."))
        if past and value > timezone.localdate():
            raise CellError(_("%(date)s is in the future.") % {"date": value.strftime("%d/%m/%Y")})
        return value

    return parse


# --- Kinds and the registry ----------------------------------------------------------


class ImportKind:
    """An importable kind of record. Subclasses live in the domain apps.

    A subclass declares ``name``, ``title``, ``columns`` and ``sheet_title``, and
    implements :meth:`allowed`, :meth:`key`, :meth:`plan` and :meth:`commit`. See
    :mod:`ctxh.core.importing.engine` for the order in which they are called.
    """

    name: str = ""
    title: str = ""
    #: The Vietnamese ascii slug of the kind in file names: ``mau-nhap-<stem>.xlsx``,
    #: ``<stem>-dong-bi-tu-choi.xlsx`` ("nhan-su", never "people").
    file_stem: str = ""
    sheet_title: str = "Du lieu"
    columns: list[Column] = []
    #: Lines of the "Hướng dẫn" sheet, after the generic ones.
    instructions: list[str] = []
    #: The column keys the preview shows to tell the rows apart (default: the first three).
    preview_columns: tuple[str, ...] = ()
    #: Columns that hold an organisation's code: the template then lists the codes the
    #: user may use (sheet "Mã tổ chức") and offers them in a drop-down.
    organization_keys: tuple[str, ...] = ("organization", "parent")
    #: The model whose "add" scope says which organisations a row may name (None: the
    #: organisation itself).
    model: Any = None

    @property
    def stem(self) -> str:
        return self.file_stem or self.name

    def shown_columns(self) -> list[Column]:
        """The columns of the preview's table, in the order of :attr:`preview_columns`."""
        by_key = {c.key: c for c in self.columns}
        keys = self.preview_columns or [c.key for c in self.columns[:3]]
        return [by_key[k] for k in keys if k in by_key]

    def changes(self, values: dict[str, Any], payload: Any, ctx: Context) -> list[tuple]:
        """The changed columns of an *updated* row: ``(key, old, new)`` each.

        By default read from the payload's ``old`` (an attribute or a dict key: the stored
        value of each changed column); the new value is the row's. A kind whose payload
        says it differently overrides this."""
        old = payload.get("old") if isinstance(payload, dict) else getattr(payload, "old", None)
        return [(key, value, values.get(key)) for key, value in (old or {}).items()]

    def organizations(self, user) -> list[tuple[str, str]]:
        """``(code, name)`` of the active organisations ``user`` may name in this kind's
        organisation columns (none when the kind has no such column)."""
        if not any(c.key in self.organization_keys for c in self.columns):
            return []
        from django.apps import apps

        from ctxh.core.scoping import scope_for

        organization = apps.get_model("organizations", "Organization")
        scope = scope_for(user, self.model or organization, "add")
        if scope.empty:
            return []
        rows = organization.objects.filter(active=True).order_by("code")
        return [
            (org.code, org.name)
            for org in rows.only("id", "code", "name", "ward_id")
            if scope.covers(org)
        ]

    def allowed(self, user) -> bool:
        """Whether ``user`` may import this kind at all."""
        raise NotImplementedError

    def prepare(self, ctx: Context) -> None:
        """Load what every row needs (existing records, lookups) into ``ctx.cache``."""

    def check(self, values: dict[str, Any], ctx: Context) -> list[str]:
        """Errors that involve several cells or the user's scope (after cell parsing)."""
        return []

    def key(self, values: dict[str, Any]) -> tuple | None:
        """The natural key of a row, used for duplicates in the file and in the database."""
        raise NotImplementedError

    def plan(self, values: dict[str, Any], ctx: Context):
        """Compare with the database: ``(status, payload, errors)``; status one of
        ``"new"``, ``"updated"``, ``"unchanged"``. ``payload`` is whatever :meth:`commit`
        needs; ``errors`` come from the model's own validation."""
        raise NotImplementedError

    def commit(self, planned: list, ctx: Context, *, summary: dict) -> None:
        """Write every planned row (new and updated); called inside one transaction."""
        raise NotImplementedError

    def example_row(self) -> list:
        """One example row for the template (optional)."""
        return []


_kinds: dict[str, ImportKind] = {}
_loaded = False


def register(kind: ImportKind) -> ImportKind:
    _kinds[kind.name] = kind
    return kind


def _load_modules() -> None:
    global _loaded
    if _loaded:
        return
    for module in KIND_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:  # an app not installed here: no kinds from it
            if exc.name is None or not module.startswith(exc.name):
                raise
    _loaded = True


def all_kinds() -> list[ImportKind]:
    _load_modules()
    return list(_kinds.values())


def get_kind(name: str) -> ImportKind | None:
    _load_modules()
    return _kinds.get(name)
