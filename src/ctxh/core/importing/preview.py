"""The rows of a preview, kept in a file and read back one page at a time.

A check of 50.000 rows must not become a 50.000-row page nor a huge JSON result. The
preview job writes each row's short summary (:func:`engine.describe_row`) as one JSON line
of a file kept with the job, grouped by status (new, updated, unchanged, rejected) and in
row order inside each group, and keeps in the job's result only the byte offset of every
:data:`PAGE_SIZE`-th line of each group (1.000 numbers for 50.000 rows). A page is then
one seek and at most :data:`PAGE_SIZE` lines read, whatever the file's size;
:class:`PreviewRows` gives Django's ``Paginator`` what it needs (a count and slices).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.files.storage import default_storage

from .engine import STATUSES, Analysis

PAGE_SIZE = 50


def rows_name(upload: str) -> str:
    """The storage name of the rows file of the check of ``upload``: with the jobs' result
    files (it lives as long as the job), not with the uploads (deleted once done)."""
    return f"jobs/rows/{Path(upload).stem}.jsonl"


def write_rows(analysis: Analysis, name: str) -> dict:
    """Write the summaries of ``analysis`` to the storage name ``name``; the index
    (``{"file": name, "pages": {status: [offset of each page]}}``) goes in the result."""
    path = Path(default_storage.path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    pages: dict[str, list[int]] = {status: [] for status in STATUSES}
    with path.open("wb") as out:
        for status in STATUSES:
            count = 0
            for row in analysis.rows:
                if row.status != status or row.summary is None:
                    continue
                if count % PAGE_SIZE == 0:
                    pages[status].append(out.tell())
                out.write(json.dumps(row.summary, ensure_ascii=False).encode() + b"\n")
                count += 1
    return {"file": name, "pages": pages}


class PreviewRows:
    """The rows of one status of a preview, sliceable by page for ``Paginator``."""

    def __init__(self, index: dict | None, status: str, count: int):
        self.index = index or {}
        self.status = status
        self.offsets = self.index.get("pages", {}).get(status, [])
        # A preview made before the rows were kept (or whose file is gone) lists nothing.
        self.total = count if self.offsets else 0

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, bounds: slice) -> list[dict]:
        start = bounds.start or 0
        stop = min(bounds.stop if bounds.stop is not None else self.total, self.total)
        page = start // PAGE_SIZE
        if start >= stop or page >= len(self.offsets):
            return []
        name = self.index.get("file", "")
        if not name or not default_storage.exists(name):
            return []
        rows: list[dict] = []
        with default_storage.open(name, "rb") as stream:
            stream.seek(self.offsets[page])
            skip = start - page * PAGE_SIZE
            while len(rows) < stop - start:
                line = stream.readline()
                if not line:
                    break
                if skip:
                    skip -= 1
                    continue
                rows.append(json.loads(line))
        return rows
