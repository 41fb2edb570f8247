"""Background jobs of the organisations app."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core import jobs
from ctxh.core.exporting import write_xlsx

from .filters import OrganizationFilter
from .selectors import organization_list

EXPORT_KIND = "organizations.export_xlsx"


def export_rows(queryset):
    for org in queryset.iterator(chunk_size=1000):
        facility = getattr(org, "facility", None)
        yield [
            org.code,
            org.name,
            org.get_kind_display(),
            org.get_ownership_display(),
            org.get_sector_display(),
            org.ward.name if org.ward_id else "",
            org.ward_id or "",
            org.former_district,
            org.address,
            org.phone,
            org.email,
            facility.capacity if facility else "",
            _("Yes") if org.active else _("No"),
        ]


EXPORT_HEADERS = [
    "Mã",
    "Tên",
    "Loại",
    "Sở hữu",
    "Khối",
    "Phường/xã",
    "Mã phường/xã",
    "Quận/huyện cũ",
    "Địa chỉ",
    "Điện thoại",
    "Email",
    "Công suất",
    "Đang hoạt động",
]


@jobs.handler(EXPORT_KIND)
def export_organizations(job, progress) -> None:
    """Export the organisations the job's creator may see, filtered as on the list page."""
    user = get_user_model().objects.get(pk=job.created_by_id)
    params = QueryDict(job.params.get("query", ""))
    qs = OrganizationFilter(params, queryset=organization_list(user=user)).qs
    total = qs.count()
    progress(5, _("Exporting %(total)s organisations") % {"total": total})
    content = write_xlsx(
        headers=EXPORT_HEADERS,
        rows=export_rows(qs),
        total=total,
        progress=progress,
        sheet_title="To chuc",
    )
    filename = f"to-chuc-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    job.result_file.save(filename, ContentFile(content), save=False)
    job.result = {"rows": total, "filename": filename}
    job.message = _("%(total)s organisations exported") % {"total": total}
