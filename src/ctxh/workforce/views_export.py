"""Download the people list as Excel or CSV, with the list's filters and scope; and the
statistics page's tables (counts only: no personal data).

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
    "Ngày đồng ý (cung cấp dữ liệu cá nhân)",
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
            person.consent_date,
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


STATISTICS_HEADERS = ["Bảng", "Mục", "Số lượng", "Trên tổng số", "Tỉ lệ (%)", "Ghi chú"]


def statistics_rows(stats: dict):
    """The tables of the statistics page, one after the other, as the page shows them."""
    total = stats["total"]
    yield [_("Workforce"), _("People in the registry"), total, total, 100.0 if total else 0.0, ""]
    if stats["without_organization"]:
        yield [
            _("Workforce"),
            _("No current organisation"),
            stats["without_organization"],
            total,
            round(100 * stats["without_organization"] / total, 1),
            "",
        ]
    for coverage in stats["coverage"]:
        section = _("Against the Decision 112/QĐ-TTg targets")
        yield [
            section,
            coverage.label,
            coverage.covered,
            coverage.total,
            round(coverage.percent, 1),
            "",
        ]
        for target, met in coverage.status():
            yield [
                section,
                _("%(label)s: target for %(year)s")
                % {"label": coverage.label, "year": target.year},
                "",
                "",
                float(target.percent),
                _("met") if met else _("not yet"),
            ]
    for key, section in (
        ("by_sector", _("By sector")),
        ("by_title", _("By professional title")),
        ("by_education", _("By education level")),
        ("by_staff_type", _("Staff and collaborators")),
        ("by_ward", _("By ward/commune of the organisation")),
    ):
        for row in stats[key]:
            yield [section, row.label, row.count, total, round(row.share, 1), ""]


@login_required
def statistics_export(request, fmt: str):
    """``/workforce/statistics/export.xlsx`` (or ``.csv``): the statistics page's tables,
    over the same people and organisations as the page (counts, never a person)."""
    if fmt not in {"xlsx", "csv"}:
        raise Http404
    require(request.user, Person, "statistics")
    rows = list(statistics_rows(selectors.workforce_statistics(user=request.user)))
    filename = f"thong-ke-nhan-luc-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == "csv":
        return csv_response(headers=STATISTICS_HEADERS, rows=rows, filename=filename)
    return xlsx_response(
        headers=STATISTICS_HEADERS, rows=rows, filename=filename, sheet_title="Thong ke"
    )
