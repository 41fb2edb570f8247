"""The permission matrix of the core pages — audit trail, jobs and their files, Excel
imports (see ``ctxh.testing``): who may open each page, who gets 404 or 403, and that a
refused request writes nothing."""

import functools
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ctxh.core.models import Job
from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@functools.cache
def _workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Họ và tên"])
    book.active.append(["Nguyễn Văn Nhập"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(w):
    return {"file": SimpleUploadedFile("nhan-su.xlsx", _workbook(), content_type=XLSX)}


# Jobs are personal: the programme office sees every job, others only their own (404).
NOT_OWNERS = ("manager_b", "viewer", "student")

CASES = register(
    ViewCase(
        "core:audit",
        allowed=("programme", "viewer"),
        forbidden_role=("manager_a", "ward_officer_a", "nobody"),
    ),
    ViewCase(
        "core:audit-export",
        kwargs=lambda w: {"fmt": "xlsx"},
        allowed=("programme", "viewer"),
        forbidden_role=("manager_a", "ward_officer_a", "nobody"),
    ),
    ViewCase(
        "core:job",
        kwargs=lambda w: {"pk": w.job_a.pk},
        allowed=("manager_a", "programme"),
        other_org=NOT_OWNERS,
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "core:job",
        label="partial",
        kwargs=lambda w: {"pk": w.job_a.pk},
        headers={"HX-Request": "true"},
        allowed=("manager_a", "programme"),
        other_org=NOT_OWNERS,
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "core:job-download",
        kwargs=lambda w: {"pk": w.job_a.pk},
        allowed=("manager_a", "programme"),
        other_org=NOT_OWNERS,
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "core:job-download",
        label="rejected-rows",
        kwargs=lambda w: {"pk": w.import_rejected_a.pk},
        allowed=("manager_a", "programme"),
        other_org=NOT_OWNERS,
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "imports:index",
        allowed=("manager_a", "programme", "ward_officer_a"),
        forbidden_role=("viewer", "student", "nobody"),
    ),
    ViewCase(
        "imports:template",
        kwargs=lambda w: {"kind": "people"},
        allowed=("manager_a",),
        forbidden_role=("viewer", "student", "nobody"),
    ),
    ViewCase(
        "imports:upload",
        kwargs=lambda w: {"kind": "people"},
        data=_upload,
        allowed=("manager_a", "programme"),
        forbidden_role=("viewer", "student", "nobody"),
        writes=Job,
    ),
    ViewCase(
        "imports:upload",
        label="organizations",
        kwargs=lambda w: {"kind": "organizations"},
        data=_upload,
        allowed=("programme",),
        forbidden_role=("manager_a", "ward_officer_a"),
        writes=Job,
    ),
    ViewCase(
        "imports:job",
        kwargs=lambda w: {"pk": w.import_check_a.pk},
        allowed=("manager_a", "programme"),
        other_org=NOT_OWNERS,
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "imports:commit",
        kwargs=lambda w: {"pk": w.import_check_a.pk},
        methods=("post",),
        allowed=("manager_a",),
        other_org=NOT_OWNERS,
        # Only the check's author commits it, not even the programme office.
        forbidden_role=("programme", "nobody"),
        writes=Job,
    ),
    # Notifications are personal: one's own list; another's notification is not found.
    ViewCase(
        "core:notifications",
        allowed=("manager_a", "student", "nobody"),
        allowed_status={"get": 200, "post": 302},
        everyone=True,
    ),
    ViewCase(
        "core:notification_open",
        kwargs=lambda w: {"pk": _notification(w).pk},
        allowed=("manager_a",),
        other_org=("manager_b", "programme", "nobody"),
        allowed_status=302,
        everyone=True,
    ),
)


def _notification(w):
    from ctxh.core.models import Notification

    return Notification.objects.create(
        recipient=w.manager_a, title="Có đề xuất mới", url="/practicum/"
    )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
