"""Excel import of people (the workforce registry) and of their employment history.

**Who is who.** A person is recognised by the citizen ID (CCCD) when the row has one;
without a CCCD, by the full name (accent- and case-insensitive) together with the date of
birth, and only among people registered without a CCCD. A row with neither a CCCD nor a
date of birth is rejected: it could not be recognised the next time. A row with a CCCD
that matches one person registered without a CCCD (same name and date of birth) completes
that person instead of creating a twin.

**Where they work.** Every person row names the organisation (by code) where the person
works now. A new person starts an open employment there (on the start date given, or
today); an existing person must already work there: a move to another organisation is an
employment row (``employment`` kind), never a side effect of the people file. Facility
managers and ward officers import only people of their own organisation (rows naming
another organisation, or a person registered elsewhere, are rejected with a message); the
programme office imports for everyone.

**Employment rows** are keyed by person + organisation code + start date. A new open row
(no end date) is a move: the person's open employment ends the day before, as on the
person's page. Rows with an end date record history.
"""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core.importing import (
    NEW,
    UNCHANGED,
    UPDATED,
    Column,
    Context,
    ImportKind,
    choice,
    date,
    digits,
    email,
    register,
    text,
    vn_phone,
)
from ctxh.core.scoping import scope_for
from ctxh.core.searchtext import normalize
from ctxh.organizations.models import Organization

from . import bulk
from .cccd import validate_cccd
from .models import (
    EducationLevel,
    Employment,
    Gender,
    Major,
    Person,
    ProfessionalTitle,
    StaffType,
    consent_moment,
)
from .services import PERSON_FIELDS

#: The Vietnamese names a file may use (fixed: a file format does not follow the
#: interface language), besides the codes and the interface labels.
VI_NAMES = {
    Gender: {"male": ["Nam"], "female": ["Nữ"]},
    EducationLevel: {
        "lower_secondary": ["Trung học cơ sở"],
        "upper_secondary": ["Trung học phổ thông"],
        "intermediate": ["Trung cấp"],
        "college": ["Cao đẳng"],
        "bachelor": ["Đại học", "Cử nhân"],
        "master": ["Thạc sĩ"],
        "doctorate": ["Tiến sĩ"],
    },
    Major: {"social_work": ["Công tác xã hội", "CTXH"], "other": ["Khác"]},
    ProfessionalTitle: {
        "": ["Không có", "Không"],
        "V.09.04.01": ["Công tác xã hội viên chính (hạng II)", "Hạng II"],
        "V.09.04.02": ["Công tác xã hội viên (hạng III)", "Hạng III"],
        "V.09.04.03": ["Nhân viên công tác xã hội (hạng IV)", "Hạng IV"],
    },
    StaffType: {"staff": ["Nhân viên"], "collaborator": ["Cộng tác viên"]},
}


def _options(choices_cls):
    def options():
        names = VI_NAMES[choices_cls]
        for value, label in choices_cls.choices:
            yield value, [*names.get(value, []), str(label)]

    return options


def _vi_labels(choices_cls) -> list[str]:
    names = VI_NAMES[choices_cls]
    return [names[value][0] for value, _label in choices_cls.choices if value in names]


def _org_code() -> Any:
    return text(30, upper=True)


def _person_key(values: dict[str, Any]) -> tuple | None:
    if values.get("cccd"):
        return ("cccd", values["cccd"])
    if values.get("full_name") and values.get("date_of_birth"):
        return ("name", normalize(values["full_name"]), values["date_of_birth"])
    return None


def _before_birth(start, born) -> list[str]:
    """A job cannot start before the person is born."""
    if start and born and start < born:
        return [
            _("%(label)s: %(start)s is before the date of birth (%(born)s).")
            % {
                "label": "Ngày bắt đầu",
                "start": start.strftime("%d/%m/%Y"),
                "born": born.strftime("%d/%m/%Y"),
            }
        ]
    return []


class _WorkforceKind(ImportKind):
    """What the people and employment kinds share: organisations, people, scope."""

    model: type = Person

    def allowed(self, user) -> bool:
        return not scope_for(user, self.model, "add").empty

    def prepare(self, ctx: Context) -> None:
        ctx.cache["orgs"] = {
            o.code: o for o in Organization.objects.only("id", "code", "name", "ward_id")
        }
        by_cccd, by_name = {}, {}
        for person in Person.objects.select_related("current_organization").iterator(
            chunk_size=2000
        ):
            if person.cccd:
                by_cccd[person.cccd] = person
            elif person.date_of_birth:
                key = (normalize(person.full_name), person.date_of_birth)
                by_name.setdefault(key, []).append(person)
        ctx.cache["by_cccd"], ctx.cache["by_name"] = by_cccd, by_name
        ctx.cache["add_scope"] = scope_for(ctx.user, self.model, "add")
        ctx.cache["person_scope"] = scope_for(ctx.user, Person, "change")

    def find_person(self, values, ctx) -> tuple[Person | None, str | None]:
        """The registered person a row names, or an error if it is ambiguous."""
        if values.get("cccd") and values["cccd"] in ctx.cache["by_cccd"]:
            return ctx.cache["by_cccd"][values["cccd"]], None
        if values.get("full_name") and values.get("date_of_birth"):
            key = (normalize(values["full_name"]), values["date_of_birth"])
            twins = ctx.cache["by_name"].get(key, [])
            if len(twins) > 1:
                return None, _(
                    "Several people without a citizen ID have this name and date of birth; "
                    "add the citizen ID."
                )
            if twins:
                return twins[0], None
        return None, None

    def check_organization(self, values, ctx) -> list[str]:
        code = values.get("organization")
        if not code:
            return []
        org = ctx.cache["orgs"].get(code)
        if org is None:
            return [
                _("%(label)s: no organisation has the code “%(code)s”.")
                % {"label": "Mã tổ chức", "code": code}
            ]
        if not ctx.cache["add_scope"].covers(org):
            return [
                _(
                    "%(label)s: you may only import records of your own organisation, not "
                    "“%(name)s”."
                )
                % {"label": "Mã tổ chức", "name": org.name}
            ]
        return []

    def person_in_scope(self, person: Person, ctx) -> bool:
        organization = person.current_organization
        return organization is not None and ctx.cache["person_scope"].covers(organization)


def _validation_errors(instance, labels: dict[str, str], exclude: list[str]) -> list[str]:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [
            f"{labels.get(name, name)}: {' '.join(messages)}"
            for name, messages in exc.message_dict.items()
        ]
    return []


def _consent_date():
    """The day the person consented to the processing of their personal data (not after
    today), as the moment ``consent_at`` stores."""
    read = date(past=True)

    def parse(raw, ctx):
        return consent_moment(read(raw, ctx))

    return parse


def _cccd_column() -> Column:
    return Column(
        "cccd",
        "Số CCCD",
        digits(pad_to=12),
        number_format="@",
        help="12 chữ số, kiểm tra với giới tính và năm sinh. Nhận diện người; không có CCCD "
        "thì nhận diện bằng họ tên và ngày sinh.",
    )


PEOPLE_COLUMNS = [
    Column("full_name", "Họ và tên", text(150), required=True, width=28),
    Column(
        "gender",
        "Giới tính",
        choice(_options(Gender)),
        required=True,
        help="Nam / Nữ.",
        choices=lambda: _vi_labels(Gender),
    ),
    Column(
        "date_of_birth",
        "Ngày sinh",
        date(past=True),
        number_format="DD/MM/YYYY",
        help="dd/mm/yyyy, không sau hôm nay. Bắt buộc khi không có CCCD.",
    ),
    _cccd_column(),
    Column(
        "phone",
        "Điện thoại",
        vn_phone(),
        number_format="@",
        help="Số Việt Nam: 10 chữ số bắt đầu bằng 0 (0901 234 567) hoặc +84…",
    ),
    Column("email", "Email", email()),
    Column(
        "education_level",
        "Trình độ",
        choice(_options(EducationLevel)),
        choices=lambda: _vi_labels(EducationLevel),
    ),
    Column("major", "Chuyên ngành", choice(_options(Major)), choices=lambda: _vi_labels(Major)),
    Column("major_detail", "Chuyên ngành chi tiết", text(150), width=24),
    Column(
        "professional_title",
        "Chức danh nghề nghiệp",
        choice(_options(ProfessionalTitle)),
        width=30,
        help="Mã (V.09.04.02) hoặc tên chức danh.",
        choices=lambda: _vi_labels(ProfessionalTitle),
    ),
    Column(
        "staff_type",
        "Nhân viên/Cộng tác viên",
        choice(_options(StaffType)),
        help="Để trống: nhân viên.",
        choices=lambda: _vi_labels(StaffType),
    ),
    Column(
        "organization",
        "Mã tổ chức",
        _org_code(),
        required=True,
        number_format="@",
        help="Mã của tổ chức nơi người này đang làm việc (xem danh sách tổ chức).",
    ),
    Column("position", "Vị trí công việc", text(150), width=24),
    Column(
        "start_date",
        "Ngày bắt đầu làm việc",
        date(),
        number_format="DD/MM/YYYY",
        help="Cho người mới: ngày bắt đầu làm việc tại tổ chức. Để trống: hôm nay.",
    ),
    Column(
        "consent_at",
        "Ngày đồng ý (cung cấp dữ liệu cá nhân)",
        _consent_date(),
        number_format="DD/MM/YYYY",
        width=20,
        help="dd/mm/yyyy, không sau hôm nay: ngày người này đồng ý cho xử lý dữ liệu cá nhân. "
        "Để trống: giữ như đã ghi nhận.",
    ),
]
_PEOPLE_LABELS = {c.key: c.label for c in PEOPLE_COLUMNS}


class PeopleKind(_WorkforceKind):
    """People of the workforce registry; key: CCCD, or name + date of birth."""

    name = "people"
    title = "Nhân lực CTXH"
    file_stem = "nhan-su"
    preview_columns = ("full_name", "cccd", "date_of_birth", "organization")
    sheet_title = "Nhan luc"
    columns = PEOPLE_COLUMNS
    instructions = [
        "Mỗi dòng là một người. Người đã có (cùng CCCD) được cập nhật, người mới được thêm và "
        "bắt đầu làm việc tại tổ chức ở cột “Mã tổ chức”.",
        "Chuyển người sang tổ chức khác: dùng mẫu nhập “Quá trình công tác”.",
    ]

    def key(self, values):
        return _person_key(values)

    def check(self, values, ctx) -> list[str]:
        errors = self.check_organization(values, ctx)
        cccd = values.get("cccd")
        if cccd:
            dob = values.get("date_of_birth")
            try:
                validate_cccd(
                    cccd, gender=values.get("gender"), birth_year=dob.year if dob else None
                )
            except ValidationError as exc:
                errors += [f"Số CCCD: {message}" for message in exc.messages]
        elif not values.get("date_of_birth") and values.get("full_name"):
            errors.append(
                _("Give the citizen ID or the date of birth, so the person can be recognised.")
            )
        errors += _before_birth(values.get("start_date"), values.get("date_of_birth"))
        return errors

    def plan(self, values, ctx):
        organization = ctx.cache["orgs"][values["organization"]]
        existing, error = self.find_person(values, ctx)
        if error:
            return None, None, [error]
        data = {k: values[k] for k in PERSON_FIELDS if k in values}
        if existing is not None:
            if not self.person_in_scope(existing, ctx):
                return None, None, [_("This person is registered with another organisation.")]
            current = existing.current_organization
            if current is not None and current.pk != organization.pk:
                return (
                    None,
                    None,
                    [
                        _(
                            "This person works at “%(name)s” now; record a move with the "
                            "employment import."
                        )
                        % {"name": current.name}
                    ],
                )
            candidate = copy.copy(existing)
            consent = data.get("consent_at")
            if consent and existing.consent_date == timezone.localdate(consent):
                data["consent_at"] = existing.consent_at  # the same day: keep the moment
        else:
            candidate = Person()
        for name, value in data.items():
            setattr(candidate, name, value)
        errors = _validation_errors(
            candidate, _PEOPLE_LABELS, ["current_organization", "search_text", "consent_at"]
        )
        if errors:
            return None, None, errors
        change = bulk.PersonChange(
            person=candidate,
            organization=organization,
            position=values.get("position", ""),
            start_date=values.get("start_date"),
        )
        if existing is None:
            change.employ = True
            return NEW, change, []
        change.changed = [k for k, v in data.items() if getattr(existing, k) != v]
        change.old = {k: getattr(existing, k) for k in change.changed}
        change.employ = existing.current_organization_id is None
        if not change.changed and not change.employ:
            return UNCHANGED, None, []
        return UPDATED, change, []

    def commit(self, planned, ctx, *, summary) -> None:
        summary.update(bulk.people_import(by=ctx.user, changes=planned))

    def example_row(self) -> list:
        return [
            "Nguyễn Thị Ánh",
            "Nữ",
            "17/05/1990",
            "079190001234",
            "0901234567",
            "anh@example.vn",
            "Đại học",
            "Công tác xã hội",
            "",
            "V.09.04.02",
            "Nhân viên",
            "CS-001",
            "Nhân viên CTXH",
            "01/01/2020",
            "01/01/2020",
        ]


EMPLOYMENT_COLUMNS = [
    _cccd_column(),
    Column(
        "full_name",
        "Họ và tên",
        text(150),
        width=28,
        help="Chỉ dùng để nhận diện người không có CCCD (cùng với ngày sinh).",
    ),
    Column("date_of_birth", "Ngày sinh", date(past=True), number_format="DD/MM/YYYY"),
    Column("organization", "Mã tổ chức", _org_code(), required=True, number_format="@"),
    Column("position", "Vị trí công việc", text(150), width=24),
    Column("start_date", "Ngày bắt đầu", date(), required=True, number_format="DD/MM/YYYY"),
    Column(
        "end_date",
        "Ngày kết thúc",
        date(),
        number_format="DD/MM/YYYY",
        help="Để trống nếu đang làm việc: công việc trước đó (nếu có) kết thúc một ngày "
        "trước ngày bắt đầu.",
    ),
]
_EMPLOYMENT_LABELS = {c.key: c.label for c in EMPLOYMENT_COLUMNS}


class EmploymentKind(_WorkforceKind):
    """Employment history; key: person + organisation code + start date."""

    name = "employment"
    title = "Quá trình công tác"
    file_stem = "qua-trinh-cong-tac"
    preview_columns = ("full_name", "cccd", "organization", "start_date")
    sheet_title = "Cong tac"
    model = Employment
    columns = EMPLOYMENT_COLUMNS
    instructions = [
        "Mỗi dòng là một giai đoạn làm việc của một người đã có trong hệ thống.",
        "Dòng không có ngày kết thúc là nơi làm việc hiện tại (chuyển công tác).",
    ]

    def prepare(self, ctx: Context) -> None:
        super().prepare(ctx)
        existing, open_ = {}, {}
        for employment in Employment.objects.only(
            "id", "person_id", "organization_id", "position", "start_date", "end_date"
        ).iterator(chunk_size=2000):
            existing[(employment.person_id, employment.organization_id, employment.start_date)] = (
                employment
            )
            if employment.end_date is None:
                open_[employment.person_id] = employment
        ctx.cache["employments"], ctx.cache["open"] = existing, open_
        ctx.cache["opening"] = {}

    def key(self, values):
        person = _person_key(values)
        if person is None or not values.get("organization") or not values.get("start_date"):
            return None
        return (*person, values["organization"], values["start_date"])

    def check(self, values, ctx) -> list[str]:
        errors = self.check_organization(values, ctx)
        if not values.get("cccd") and not (values.get("full_name") and values.get("date_of_birth")):
            errors.append(_("Give the citizen ID, or the full name and the date of birth."))
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and end < start:
            errors.append(_("The end date cannot be before the start date."))
        errors += _before_birth(start, values.get("date_of_birth"))
        return errors

    def plan(self, values, ctx):
        person, error = self.find_person(values, ctx)
        if error:
            return None, None, [error]
        if person is None:
            return None, None, [_("No such person is registered; import the people first.")]
        if not self.person_in_scope(person, ctx):
            return None, None, [_("This person is registered with another organisation.")]
        organization = ctx.cache["orgs"][values["organization"]]
        start = values["start_date"]
        born = _before_birth(start, person.date_of_birth)
        if born:
            return None, None, born
        found = ctx.cache["employments"].get((person.pk, organization.pk, start))
        if found is not None:
            changed = {
                k: values[k]
                for k in ("position", "end_date")
                if k in values and getattr(found, k) != values[k]
            }
            if not changed:
                return UNCHANGED, None, []
            candidate = copy.copy(found)
            for name, value in changed.items():
                setattr(candidate, name, value)
            candidate.organization = organization
            errors = _validation_errors(candidate, _EMPLOYMENT_LABELS, ["person"])
            if errors:
                return None, None, errors
            return (
                UPDATED,
                bulk.EmploymentChange(
                    employment=candidate,
                    changed=list(changed),
                    old={k: getattr(found, k) for k in changed},
                ),
                [],
            )
        candidate = Employment(
            person=person,
            organization=organization,
            start_date=start,
            position=values.get("position", ""),
            end_date=values.get("end_date"),
        )
        errors = _validation_errors(candidate, _EMPLOYMENT_LABELS, ["person"])
        if errors:
            return None, None, errors
        closes = None
        if candidate.end_date is None:
            if person.pk in ctx.cache["opening"]:
                return (
                    None,
                    None,
                    [
                        _(
                            "Another row of this file already gives this person a current "
                            "employment (starting %(date)s)."
                        )
                        % {"date": ctx.cache["opening"][person.pk]}
                    ],
                )
            current = ctx.cache["open"].get(person.pk)
            if current is not None:
                if start <= current.start_date:
                    return (
                        None,
                        None,
                        [
                            _(
                                "The new employment must start after the current one (which "
                                "started on %(date)s)."
                            )
                            % {"date": current.start_date.strftime("%d/%m/%Y")}
                        ],
                    )
                closes = current
            ctx.cache["opening"][person.pk] = start.strftime("%d/%m/%Y")
        return NEW, bulk.EmploymentChange(employment=candidate, closes=closes), []

    def commit(self, planned, ctx, *, summary) -> None:
        summary.update(bulk.employment_import(by=ctx.user, changes=planned))

    def example_row(self) -> list:
        return ["079190001234", "", "", "CS-001", "Nhân viên CTXH", "01/01/2020", ""]


register(PeopleKind())
register(EmploymentKind())
