"""Download the people list as Excel or CSV, with the list's filters and scope.

The citizen ID is always masked in a download (``079*******34``): a file leaves the
system and travels by mail, so it never carries the full ID, whoever asks.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core.exporting import csv_response, xlsx_response
from ctxh.core.permissions import require

from . import selectors, services
from .cccd import mask_cccd
from .filters import PersonFilter
from .models import Person

HEADERS = [
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Số CCCD (che)",
    "Điện thoại",
    "Email",
    "Trình độ",
    "Chuyên ngành",
    "Chuyên ngành chi tiết",
    "Chức danh nghề nghiệp",
    "Nhân viên/Cộng tác viên",
    "Mã tổ chức",
    "Tổ chức",
    "Phường/xã",
    "Kiểm huấn viên",
]


def _labels(field_name: str) -> dict[str, str]:
    # Looked up once per download: get_FOO_display() per cell costs a translation each.
    return {value: str(label) for value, label in Person._meta.get_field(field_name).choices}


def export_rows(queryset):
    """One row per person; the queryset must carry ``select_related`` of the list."""
    yes, no = _("Yes"), _("No")
    gender, education, major, title, staff = (
        _labels(name)
        for name in ("gender", "education_level", "major", "professional_title", "staff_type")
    )
    for person in queryset.iterator(chunk_size=2000):
        org = person.current_organization
        instructor = getattr(person, "field_instructor", None)
        yield [
            person.full_name,
            gender.get(person.gender, person.gender),
            person.date_of_birth,
            mask_cccd(person.cccd),
            person.phone,
            person.email,
            education.get(person.education_level, ""),
            major.get(person.major, ""),
            person.major_detail,
            title.get(person.professional_title, "") if person.professional_title else "",
            staff.get(person.staff_type, person.staff_type),
            org.code if org else "",
            org.name if org else "",
            org.ward.name if org and org.ward_id else "",
            yes if instructor is not None and instructor.active else no,
        ]


@login_required
def person_export(request, fmt: str):
    """``/workforce/export.xlsx`` or ``/workforce/export.csv`` of the filtered list."""
    if fmt not in {"xlsx", "csv"}:
        raise Http404
    require(request.user, Person, "view")
    queryset = PersonFilter(
        request.GET,
        queryset=selectors.person_list(user=request.user),
        user=request.user,
        province_code=settings.CTXH_PROVINCE,
    ).qs
    # A download of personal data is an access: ONE entry per file, with its size.
    services.record_people_export(
        user=request.user,
        count=queryset.count(),
        fmt=fmt,
        filters={key: value for key, value in request.GET.items() if value},
    )
    filename = f"nhan-luc-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == "csv":
        return csv_response(headers=HEADERS, rows=export_rows(queryset), filename=filename)
    return xlsx_response(
        headers=HEADERS, rows=export_rows(queryset), filename=filename, sheet_title="Nhan luc"
    )
