"""The archive of an uploaded workbook, checked from its directory before anything is
unpacked (see :mod:`.xlsx`): members, total size, compression ratios, encryption."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .spec import ImportFileError

MB = 1024 * 1024
MAX_MEMBERS = 1_000
#: A member may expand this many times its compressed size (XML compresses 5–30 times;
#: a bomb of empty rows about 1.000 times) once it is larger than RATIO_FLOOR.
MAX_RATIO = 200
RATIO_FLOOR = 4 * MB
#: workbook.xml, relationships, styles: small in any real workbook.
MAX_SHARED_STRINGS_BYTES = 48 * MB
#: Shared strings are each different: real ones compress a few times, never 50.
MAX_SHARED_RATIO = 50


def max_uncompressed() -> int:
    return int(getattr(settings, "CTXH_IMPORT_MAX_UNCOMPRESSED", 400 * MB))


def _mb(size: int) -> str:
    return f"{size / MB:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _too_large(part: str, size: int, cap: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The workbook expands to too much data: its part “%(part)s” holds more than "
            "%(max)s MB once unpacked (%(size)s MB). Remove the empty rows and columns, or "
            "split the file."
        )
        % {"part": part, "max": _mb(cap), "size": _mb(size)}
    )


def _damaged_archive() -> str:
    return _(
        "The workbook is damaged: the compressed archive does not check out (bad CRC or "
        "broken data). Open it in Excel and save it again."
    )


def open_archive(path: str | Path) -> zipfile.ZipFile:
    """Open the zip archive at ``path`` and check its directory before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
        raise ImportFileError(
            _(
                "This file cannot be read as an Excel workbook (.xlsx): the archive is damaged, "
                "or it is protected by a password. Save it again from Excel, without a password."
            )
        ) from None
    try:
        check_archive(archive)
    except BaseException:
        archive.close()
        raise
    return archive


def check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an archive from its directory alone: too many members, too much data once
    unpacked, a member compressed beyond any real spreadsheet, encrypted members."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ImportFileError(
            _("The workbook holds %(count)s parts; a real workbook holds far fewer.")
            % {"count": f"{len(infos):,}".replace(",", ".")}
        )
    total = sum(info.file_size for info in infos)
    if total > max_uncompressed():
        raise ImportFileError(
            _(
                "The workbook expands to %(size)s MB once unpacked; at most %(max)s MB can be "
                "imported. Remove the empty rows and columns, or split the file."
            )
            % {"size": _mb(total), "max": _mb(max_uncompressed())}
        )
    for info in infos:
        shared = info.filename.endswith("sharedStrings.xml")
        if info.flag_bits & 0x1:
            raise ImportFileError(
                _("The workbook is protected by a password; save it again without a password.")
            )
        ratio = MAX_SHARED_RATIO if shared else MAX_RATIO
        if info.file_size > RATIO_FLOOR and info.file_size > ratio * max(info.compress_size, 1):
            raise ImportFileError(
                _(
                    "The workbook's part “%(part)s” is compressed %(ratio)s times, far beyond any "
                    "real spreadsheet (it expands to %(size)s MB): it is refused for safety."
                )
                % {
                    "part": info.filename[:100],
                    "ratio": f"{info.file_size // max(info.compress_size, 1):,}".replace(",", "."),
                    "size": _mb(info.file_size),
                }
            )
        if shared and info.file_size > MAX_SHARED_STRINGS_BYTES:
            raise _too_large(info.filename[:100], info.file_size, MAX_SHARED_STRINGS_BYTES)
