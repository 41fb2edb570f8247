"""Excel import of organisations and of social-assistance facilities.

The natural key is the organisation's ``code``: a code already registered updates that
organisation, a new code creates one. Only the programme office imports these kinds (the
same rule as :func:`services.organization_create`). Rows are written through the same
services as the pages (``organization_create`` / ``organization_update``), so they are
validated and audited exactly the same way; organisations are few (hundreds), so one
service call per row is fast enough and keeps one write path.

A parent organisation is named by its code; it must already exist or come earlier in the
same file. A ward is named by its code or its name, with or without "Phường"/"Xã",
accent-insensitively ("phuong sai gon", "Sài Gòn", "26734").
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ctxh.core.importing import (
    NEW,
    UNCHANGED,
    UPDATED,
    CellError,
    Column,
    Context,
    ImportKind,
    boolean,
    choice,
    choice_list,
    date,
    decimal,
    email,
    integer,
    phone,
    quote,
    register,
    text,
)
from ctxh.core.scoping import scope_for
from ctxh.core.searchtext import normalize
from ctxh.geo.models import Ward

from . import services
from .models import (
    FACILITY_KINDS,
    FacilityProfile,
    Kind,
    Organization,
    Ownership,
    ServiceType,
    TargetGroup,
)

_PREFIXES = ("phuong ", "xa ", "dac khu ")


def ward_table() -> dict[str, list]:
    """Ward codes, exact names, and accent-insensitive names with and without the prefix,
    each → the wards it may mean (two communes are "Thanh An" and "Thạnh An": only the
    exact name or the code tells them apart)."""
    table: dict[str, list] = {}
    for ward in Ward.objects.filter(province_id=settings.CTXH_PROVINCE):
        full = normalize(ward.name)
        table[f"code:{ward.code}"] = [ward]
        table.setdefault(f"exact:{_exact(ward.name)}", []).append(ward)
        table.setdefault(full, []).append(ward)
        for prefix in _PREFIXES:
            if full.startswith(prefix):
                table.setdefault(full[len(prefix) :], []).append(ward)
    return table


def _exact(value) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value)).lower().split())


def ward() -> Any:
    """A parser: a ward of the programme's province by code or name."""

    def parse(raw, ctx: Context):
        table = ctx.lookup("wards", ward_table)
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        found = (
            table.get(f"code:{str(raw).strip()}")
            or table.get(f"exact:{_exact(raw)}")
            or table.get(normalize(raw), [])
        )
        if len(found) > 1:
            raise CellError(
                _(
                    "“%(value)s” may mean several wards/communes; write the exact name or the code "
                    "(%(names)s)."
                )
                % {"value": quote(raw), "names": ", ".join(f"{w.name} – {w.code}" for w in found)}
            )
        if not found:
            raise CellError(_("No ward or commune is called “%(value)s”.") % {"value": quote(raw)})
        return found[0]

    return parse


def ward_names() -> list[str]:
    return list(
        Ward.objects.filter(province_id=settings.CTXH_PROVINCE)
        .order_by("sort_key", "code")
        .values_list("name", flat=True)
    )


def _kinds(facilities_only: bool):
    def options():
        for value, label in Kind.choices:
            if not facilities_only or value in FACILITY_KINDS:
                yield value, [str(label), _vi(Kind, value)]

    return options


def _vi(choices_cls, value) -> str:
    from django.utils import translation

    with translation.override("vi"):
        return str(choices_cls(value).label)


def _ownerships():
    for value, label in Ownership.choices:
        yield value, [str(label), _vi(Ownership, value)]


def _reference(model):
    def options():
        for item in model.objects.all():
            yield item.code, [item.name_vi, item.name_en]

    return options


def _labels(choices_cls, values=None) -> list[str]:
    return [
        _vi(choices_cls, v) for v, _label in choices_cls.choices if values is None or v in values
    ]


ORG_COLUMNS = [
    Column(
        "code",
        "Mã",
        text(30, upper=True),
        required=True,
        help="Mã tổ chức, chữ in hoa, số, dấu chấm, gạch ngang (ví dụ CSBTXH-01). Mã đã có: "
        "cập nhật tổ chức đó; mã mới: tạo mới.",
        number_format="@",
    ),
    Column("name", "Tên", text(255), required=True, width=40),
    Column("short_name", "Tên viết tắt", text(80)),
    Column(
        "kind",
        "Loại",
        choice(_kinds(False)),
        required=True,
        width=30,
        help="Chọn trong danh sách.",
        choices=lambda: _labels(Kind),
    ),
    Column(
        "ownership",
        "Sở hữu",
        choice(_ownerships),
        help="Công lập / Ngoài công lập. Để trống: theo loại tổ chức.",
        choices=lambda: _labels(Ownership),
    ),
    Column(
        "parent",
        "Mã tổ chức cấp trên",
        text(30, upper=True),
        number_format="@",
        help="Mã của tổ chức cấp trên, đã có trong hệ thống hoặc ở dòng phía trên.",
    ),
    Column(
        "ward",
        "Phường/xã",
        ward(),
        width=28,
        choices=ward_names,
        help="Tên phường/xã/đặc khu (có hoặc không có dấu, có hoặc không có chữ "
        "“Phường”/“Xã”) hoặc mã đơn vị hành chính.",
    ),
    Column(
        "former_district",
        "Quận/huyện cũ",
        text(100),
        help="Chỉ cho hồ sơ cũ: quận/huyện trước ngày 01/07/2025.",
    ),
    Column("address", "Địa chỉ", text(255), width=40),
    Column("phone", "Điện thoại", phone(), number_format="@"),
    Column("email", "Email", email()),
    Column("website", "Trang web", text(200)),
    Column("head_name", "Người đứng đầu", text(150)),
    Column(
        "active",
        "Đang hoạt động",
        boolean(),
        help="Có / Không. Để trống: Có.",
        choices=lambda: ["Có", "Không"],
    ),
]

FACILITY_COLUMNS = [
    Column(
        "capacity",
        "Công suất (người)",
        integer(minimum=0, maximum=100_000),
        help="Số người có thể tiếp nhận, số nguyên.",
    ),
    Column(
        "provides_social_work_services",
        "Cung cấp dịch vụ CTXH",
        boolean(),
        help="Có / Không.",
        choices=lambda: ["Có", "Không"],
    ),
    Column(
        "target_groups",
        "Nhóm đối tượng",
        choice_list(_reference(TargetGroup)),
        width=40,
        help="Mã hoặc tên các nhóm, cách nhau bằng dấu phẩy.",
    ),
    Column(
        "services",
        "Dịch vụ",
        choice_list(_reference(ServiceType)),
        width=40,
        help="Mã hoặc tên các dịch vụ, cách nhau bằng dấu phẩy.",
    ),
    Column("licence_number", "Số giấy phép", text(60), number_format="@"),
    Column("licence_date", "Ngày cấp phép", date(), number_format="DD/MM/YYYY", help="dd/mm/yyyy."),
    Column("licence_issuer", "Nơi cấp phép", text(150)),
    Column("latitude", "Vĩ độ", decimal(places=6)),
    Column("longitude", "Kinh độ", decimal(places=6)),
]

ORG_FIELDS = [c.key for c in ORG_COLUMNS if c.key != "parent"]
FACILITY_FIELDS = [c.key for c in FACILITY_COLUMNS]
M2M = ("target_groups", "services")


class OrganizationKind(ImportKind):
    """Organisations of every kind; key: ``code``."""

    name = "organizations"
    title = "Tổ chức"
    file_stem = "to-chuc"
    preview_columns = ("code", "name", "kind")
    sheet_title = "To chuc"
    columns = ORG_COLUMNS
    facility_columns: list[Column] = []
    instructions = [
        "Mỗi dòng là một tổ chức, nhận diện bằng cột “Mã”.",
        "Tổ chức cấp trên phải có sẵn trong hệ thống hoặc nằm ở dòng phía trên trong tệp.",
    ]

    def allowed(self, user) -> bool:
        return scope_for(user, Organization, "add").everything

    def prepare(self, ctx: Context) -> None:
        qs = Organization.objects.select_related("facility", "ward", "parent").prefetch_related(
            "facility__target_groups", "facility__services"
        )
        ctx.cache["orgs"] = {org.code: org for org in qs}
        ctx.cache["codes_in_file"] = set()

    def key(self, values):
        code = values.get("code")
        return (code,) if code else None

    def check(self, values, ctx) -> list[str]:
        errors = []
        parent = values.get("parent")
        if parent and parent not in ctx.cache["orgs"] and parent not in ctx.cache["codes_in_file"]:
            errors.append(
                _(
                    "%(label)s: no organisation has the code “%(code)s” (it must exist or come "
                    "earlier in the file)."
                )
                % {"label": "Mã tổ chức cấp trên", "code": parent}
            )
        if parent and parent == values.get("code"):
            errors.append(_("An organisation cannot be its own parent."))
        if values.get("code"):
            ctx.cache["codes_in_file"].add(values["code"])
        return errors

    def plan(self, values, ctx):
        existing: Organization | None = ctx.cache["orgs"].get(values["code"])
        data = {k: values[k] for k in ORG_FIELDS if k in values}
        if existing is None and "ownership" not in data:
            data["ownership"] = (
                Ownership.NON_PUBLIC
                if data["kind"] in {Kind.PRIVATE_FACILITY, Kind.NGO}
                else Ownership.PUBLIC
            )
        facility = {k: values[k] for k in FACILITY_FIELDS if k in values}
        candidate = Organization(
            **{f: getattr(existing, f) for f in ORG_FIELDS} if existing else {}
        )
        for name, value in data.items():
            setattr(candidate, name, value)
        errors = _validation_errors(candidate, self.all_columns, exclude=["parent"])
        if candidate.kind in FACILITY_KINDS:
            profile = getattr(existing, "facility", None) if existing else None
            check = FacilityProfile(
                **{f: getattr(profile, f) for f in FACILITY_FIELDS if f not in M2M}
                if profile
                else {}
            )
            for name, value in facility.items():
                if name not in M2M:
                    setattr(check, name, value)
            errors += _validation_errors(check, self.all_columns, exclude=["organization"])
        if errors:
            return None, None, errors
        payload = {
            "code": values["code"],
            "data": data,
            "facility": facility,
            "parent": values.get("parent"),
        }
        if existing is None:
            return NEW, payload, []
        changes = _changes(existing, data, facility, values.get("parent"))
        if not changes:
            return UNCHANGED, None, []
        payload["data"] = {k: v for k, v in data.items() if k in changes}
        payload["old"] = _old_values(existing, changes)  # shown by the preview
        return UPDATED, payload, []

    @property
    def all_columns(self) -> list[Column]:
        return self.columns

    def commit(self, planned, ctx, *, summary) -> None:
        by = ctx.user
        for item in planned:
            data = dict(item["data"])
            if item["parent"]:
                data["parent"] = Organization.objects.get(code=item["parent"])
            facility = dict(item["facility"])
            for name in M2M:
                if name in facility:
                    model = TargetGroup if name == "target_groups" else ServiceType
                    facility[name] = list(model.objects.filter(code__in=facility[name]))
            existing = Organization.objects.filter(code=item["code"]).first()
            if existing is None:
                services.organization_create(by=by, data=data, facility=facility)
            else:
                services.organization_update(
                    organization=existing, by=by, data=data, facility=facility
                )

    def example_row(self) -> list:
        return [
            "CSBTXH-99",
            "Trung tâm Bảo trợ xã hội Ví Dụ",
            "TT BTXH Ví Dụ",
            _vi(Kind, Kind.PUBLIC_FACILITY),
            _vi(Ownership, Ownership.PUBLIC),
            "SYT-HCM",
            "Sài Gòn",
            "",
            "1 Lê Lợi",
            "0281234567",
            "lienhe@example.vn",
            "",
            "Nguyễn Văn An",
            "Có",
        ]


class FacilityKind(OrganizationKind):
    """Social-assistance facilities with their profile (capacity, licence, groups…)."""

    name = "facilities"
    title = "Cơ sở trợ giúp xã hội"
    file_stem = "co-so"
    sheet_title = "Co so"
    columns = [
        *(
            Column(
                c.key,
                c.label,
                choice(_kinds(True)),
                required=True,
                width=c.width,
                help="Cơ sở công lập, cơ sở cai nghiện hoặc cơ sở ngoài công lập.",
                choices=lambda: _labels(Kind, FACILITY_KINDS),
            )
            if c.key == "kind"
            else c
            for c in ORG_COLUMNS
        ),
        *FACILITY_COLUMNS,
    ]
    instructions = [
        "Mỗi dòng là một cơ sở trợ giúp xã hội, nhận diện bằng cột “Mã”.",
        "Nhóm đối tượng và dịch vụ: ghi mã hoặc tên, cách nhau bằng dấu phẩy; danh sách mới "
        "thay cho danh sách cũ.",
    ]

    def example_row(self) -> list:
        return [
            *super().example_row(),
            120,
            "Có",
            "Trẻ em có hoàn cảnh đặc biệt, Người cao tuổi",
            "",
            "123/GP",
            "25/03/2020",
            "Sở Y tế",
            "",
            "",
        ]


def _validation_errors(instance, columns, exclude) -> list[str]:
    labels = {c.key: c.label for c in columns}
    try:
        instance.full_clean(
            exclude=[*exclude, "search_text"], validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        return [
            f"{labels.get(field, field)}: {' '.join(messages)}"
            for field, messages in exc.message_dict.items()
        ]
    return []


def _changes(existing: Organization, data, facility, parent_code) -> set[str]:
    changed = {k for k, v in data.items() if getattr(existing, k) != v}
    if parent_code and (existing.parent is None or existing.parent.code != parent_code):
        changed.add("parent")
    if facility:
        profile = getattr(existing, "facility", None) if existing.is_facility else None
        for name, value in facility.items():
            if profile is None:
                changed.add(name)
            elif name in M2M:
                if sorted(value) != sorted(i.code for i in getattr(profile, name).all()):
                    changed.add(name)
            elif getattr(profile, name) != value:
                changed.add(name)
    return changed


def _old_values(existing: Organization, names) -> dict[str, Any]:
    """The stored value of each changed column, as the row writes it (codes)."""
    profile = getattr(existing, "facility", None) if existing.is_facility else None
    old: dict[str, Any] = {}
    for name in sorted(names):
        if name == "parent":
            old[name] = existing.parent.code if existing.parent else None
        elif name in ORG_FIELDS:
            old[name] = getattr(existing, name)
        elif profile is None:
            old[name] = None
        elif name in M2M:
            old[name] = sorted(item.code for item in getattr(profile, name).all())
        else:
            old[name] = getattr(profile, name)
    return old


register(OrganizationKind())
register(FacilityKind())
