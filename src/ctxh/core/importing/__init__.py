"""Excel import: templates, validation of every row, a preview, then all-or-nothing commit.

The framework is generic; the kinds (organisations, facilities, people, employment) are
defined in their domain apps and found through :data:`spec.KIND_MODULES`. See
:mod:`.engine` for the steps and :mod:`.reader` for the limits on files.
"""

from .engine import (
    NEW,
    REJECTED,
    UNCHANGED,
    UPDATED,
    Analysis,
    RowResult,
    analyse,
    commit,
    write,
)
from .reader import ERROR_HEADER, check_upload, max_bytes, max_rows
from .spec import (
    KIND_MODULES,
    CellError,
    Column,
    Context,
    ImportFileError,
    ImportKind,
    all_kinds,
    boolean,
    choice,
    choice_list,
    date,
    decimal,
    digits,
    email,
    excel_error,
    get_kind,
    integer,
    phone,
    quote,
    register,
    text,
    vn_phone,
)
from .template import build_template

__all__ = [
    "ERROR_HEADER",
    "KIND_MODULES",
    "NEW",
    "REJECTED",
    "UNCHANGED",
    "UPDATED",
    "Analysis",
    "CellError",
    "Column",
    "Context",
    "ImportFileError",
    "ImportKind",
    "RowResult",
    "all_kinds",
    "analyse",
    "boolean",
    "build_template",
    "check_upload",
    "choice",
    "choice_list",
    "commit",
    "date",
    "decimal",
    "digits",
    "email",
    "get_kind",
    "integer",
    "max_bytes",
    "max_rows",
    "excel_error",
    "phone",
    "vn_phone",
    "quote",
    "register",
    "text",
    "write",
]

# Registers the preview and commit job handlers wherever the framework is imported.
from . import jobs as _jobs  # noqa: E402, F401
