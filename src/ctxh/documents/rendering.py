"""Rendering documents to PDF with typst: the data as JSON input, never as source.

A template is a ``.typ`` file named ``"<app>:<name>"`` (``practicum:referral`` is
``ctxh/practicum/typst/referral.typ``); it reads ``sys.inputs.data`` (one JSON string) and
lays itself out with the Decree 30 layout of ``documents/typst/decree30.typ``. The project
root given to typst is the ``ctxh`` package, so a template imports the layout as
``"/documents/typst/decree30.typ"``. The only fonts are the vendored Tinos files
(``documents/fonts``, SIL OFL): a machine needs nothing installed. Every string is
normalised to NFC before it reaches typst.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno
import typst
from django.conf import settings
from django.urls import reverse

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # src/ctxh
FONTS_DIR = Path(__file__).resolve().parent / "fonts"
_TEMPLATE_NAME = re.compile(r"^([a-z_]+):([a-z0-9_]+)$")
#: A fixed creation time: the same inputs give the same PDF, byte for byte.
_TIMESTAMP = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)

logger = logging.getLogger(__name__)


class RenderError(Exception):
    """typst refused a template (a bug in the template, never the user's input)."""


def template_path(template: str) -> Path:
    """The ``.typ`` file of ``"<app>:<name>"``; ``ValueError`` for any other name."""
    match = _TEMPLATE_NAME.match(template or "")
    if not match:
        raise ValueError(f"Not a template name: {template!r}")
    path = PACKAGE_ROOT / match.group(1) / "typst" / f"{match.group(2)}.typ"
    if not path.is_file():
        raise ValueError(f"No template file for {template!r} ({path})")
    return path


def nfc(value: Any) -> Any:
    """``value`` with every string in it normalised to NFC (dicts and lists walked)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [nfc(v) for v in value]
    return value


def verify_url(code: str) -> str:
    """The public address of the document with ``code`` (what its QR code holds)."""
    base = settings.CTXH_BASE_URL.rstrip("/")
    return base + reverse("verify", kwargs={"code": code})


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an SVG document (error correction M, no quiet-zone text)."""
    return segno.make_qr(url, error="m").svg_inline(scale=4, border=2)


@lru_cache(maxsize=1)
def _fonts() -> typst.Fonts:
    # Only the vendored fonts: what a letter looks like never depends on the machine.
    return typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONTS_DIR)]
    )


_local = threading.local()


def _compiler() -> typst.Compiler:
    # A compiler keeps its parsed sources and fonts between compilations; one per thread.
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        compiler = typst.Compiler(
            root=str(PACKAGE_ROOT), font_paths=_fonts(), ignore_system_fonts=True
        )
        _local.compiler = compiler
    return compiler


def compile_template(template: str, data: dict) -> tuple[bytes, list[str]]:
    """The PDF of ``template`` with ``data`` (NFC-normalised), and typst's warnings."""
    path = template_path(template)
    payload = json.dumps(nfc(data), ensure_ascii=False, default=str)
    try:
        pdf, warnings = _compiler().compile_with_warnings(
            input=str(path),
            format="pdf",
            sys_inputs={"data": payload},
            timestamp=_TIMESTAMP,
        )
    except typst.TypstError as error:
        raise RenderError(f"{template}: {error.message}\n{error.diagnostic}") from error
    messages = [f"{w.message} {w.diagnostic}".strip() for w in warnings]
    for message in messages:
        logger.warning("typst warning in %s: %s", template, message)
    return pdf, messages


def document_data(document) -> dict:
    """Everything a template receives for ``document``: its number, date, code and QR,
    the letterhead copied when it was issued, and the inputs it was issued with."""
    url = verify_url(document.code)
    inputs = dict(document.inputs or {})
    return {
        "document": {
            "reference": document.reference,
            "title": document.title,
            "subtitle": inputs.pop("subtitle", ""),
            "date": {
                "day": f"{document.issued_on.day:02d}",
                "month": f"{document.issued_on.month:02d}",
                "year": str(document.issued_on.year),
            },
            "code": document.code,
            "verify_url": url,
            "qr_svg": qr_svg(url),
        },
        "letterhead": document.letterhead,
        "recipients": inputs.pop("recipients", []),
        "body": inputs,
    }
