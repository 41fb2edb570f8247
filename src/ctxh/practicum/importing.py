"""Excel import of a round's students (kind ``practicum_students``): how a school brings
its list for a round, by the core import machinery (template, check, preview, all or
nothing, the file of rejected rows).

The import machinery has no per-upload parameter, so the round is a column: its number
(shown on the round's page, "Đợt số 12") or its exact name, among the rounds the user may
add students to. A student is recognised by the school's student code: importing the file
again updates the same students and accounts, never duplicates them. A student already in
another round of the same period is rejected with the reason. Each row is written by
:func:`services.students.student_save` (the same checks, account and audit as the form).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from ctxh.accounts.models import User
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
    date,
    email,
    register,
    text,
    vn_phone,
)
from ctxh.core.scoping import scope_for
from ctxh.core.searchtext import normalize

from .models import Gender, PlacementPeriod, Round, Student
from .services.students import (
    STUDENT_FIELDS,
    clean_student_code,
    student_save,
    student_username,
)

KIND_NAME = "practicum_students"


def _genders():
    for value, label in Gender.choices:
        with translation.override("vi"):
            vi = str(Gender(value).label)
        yield value, [vi, str(label), value]


def _gender_labels() -> list[str]:
    with translation.override("vi"):
        return [str(label) for _value, label in Gender.choices]


def _open_rounds(ctx: Context) -> dict[str, Round]:
    """The rounds the importing user may add students to (period not closed), by number
    and by accent-free name."""

    def load():
        condition = scope_for(ctx.user, Student, "add").q(Round)
        rounds = Round.objects.exclude(period__status=PlacementPeriod.Status.CLOSED)
        if condition is not None:
            rounds = rounds.filter(condition)
        table: dict[str, Round] = {}
        for rnd in rounds.select_related("period", "school"):
            table[str(rnd.pk)] = rnd
            table.setdefault(normalize(rnd.name), rnd)
        return table

    return ctx.lookup("rounds", load)


def _round():
    def parse(raw, ctx):
        value = str(int(raw)) if isinstance(raw, int | float) and not isinstance(raw, bool) else ""
        value = value or " ".join(str(raw).split())
        table = _open_rounds(ctx)
        rnd = table.get(value) or table.get(normalize(value))
        if rnd is None:
            raise CellError(
                _("No round you may add students to is “%(value)s” (write its number).")
                % {"value": value[:100]}
            )
        return rnd

    parse.display = lambda value, ctx: getattr(value, "name", value)
    return parse


def _code():
    read = text(30)

    def parse(raw, ctx):
        return clean_student_code(read(raw, ctx))

    return parse


COLUMNS = [
    Column(
        "round",
        "Đợt thực tập",
        _round(),
        required=True,
        help="Số của đợt (hiện trên trang đợt thực tập, ví dụ 12) hoặc tên đợt đúng như trên "
        "trang.",
        width=14,
        number_format="@",
    ),
    Column(
        "student_code",
        "Mã sinh viên",
        _code(),
        required=True,
        help="Mã số sinh viên của trường. Mã đã có: cập nhật sinh viên đó.",
        number_format="@",
    ),
    Column("full_name", "Họ và tên", text(150), required=True, width=30),
    Column(
        "gender",
        "Giới tính",
        choice(_genders),
        required=True,
        choices=_gender_labels,
        width=12,
    ),
    Column("date_of_birth", "Ngày sinh", date(past=True), number_format="DD/MM/YYYY"),
    Column("email", "Email", email(), help="Thư mời đặt mật khẩu gửi đến địa chỉ này.", width=30),
    Column("phone", "Điện thoại", vn_phone(), number_format="@"),
    Column("vaccinated", "Đã tiêm chủng", boolean(), help="Có/Không.", width=14),
    Column(
        "languages",
        "Ngoại ngữ khác",
        text(150),
        help="Ngôn ngữ ngoài tiếng Việt, cách nhau bằng dấu phẩy (ví dụ: Khmer, ngôn ngữ ký hiệu).",
    ),
    Column("notes", "Ghi chú", text(2000), width=30),
]


class PracticumStudentKind(ImportKind):
    """The students of a round with their accounts; key: the school and the student code."""

    name = KIND_NAME
    title = "Sinh viên thực tập"
    file_stem = "sinh-vien-thuc-tap"
    sheet_title = "Sinh vien"
    columns = COLUMNS
    preview_columns = ("student_code", "full_name", "round")
    model = Student
    instructions = [
        "Mỗi dòng là một sinh viên của một đợt thực tập; mỗi sinh viên nhận một tài khoản "
        "sinh viên của trường (tên đăng nhập: <mã trường>-<mã sinh viên>).",
        "Một sinh viên chỉ thuộc một đợt trong mỗi kỳ thực tập.",
        "Nhập lại cùng tệp chỉ cập nhật, không bao giờ tạo trùng sinh viên hay tài khoản.",
    ]

    def allowed(self, user) -> bool:
        return not scope_for(user, Student, "add").empty

    def prepare(self, ctx: Context) -> None:
        rounds = list({r.pk: r for r in _open_rounds(ctx).values()}.values())
        students = Student.objects.filter(round__in=rounds).select_related("round")
        ctx.cache["students"] = {(s.period_id, s.school_id, s.student_code): s for s in students}
        ctx.cache["in_period"] = {(s.period_id, s.user_id): s for s in students}

    def key(self, values):
        rnd, code = values.get("round"), values.get("student_code")
        return (rnd.school_id, code) if rnd is not None and code else None

    def _emails(self, ctx) -> dict[str, int]:
        def load():
            rows = User.objects.exclude(email="").values_list("email", "id")
            return {address.lower(): pk for address, pk in rows}

        return ctx.lookup("emails", load)

    def _usernames(self, ctx) -> dict[str, int]:
        return ctx.lookup("usernames", lambda: dict(User.objects.values_list("username", "id")))

    def plan(self, values, ctx):
        rnd: Round = values["round"]
        code = values["student_code"]
        existing = ctx.cache["students"].get((rnd.period_id, rnd.school_id, code))
        if existing is not None and existing.round_id != rnd.pk:
            return (
                None,
                None,
                [
                    _("the student %(code)s is already in the round “%(round)s” of this period.")
                    % {"code": code, "round": existing.round.name}
                ],
            )
        user_id = existing.user_id if existing else None
        if existing is None:
            user_id = self._usernames(ctx).get(student_username(rnd.school, code))
            other = ctx.cache["in_period"].get((rnd.period_id, user_id)) if user_id else None
            if other is not None:
                return (
                    None,
                    None,
                    [
                        _("the student's account is already in the round “%(round)s”.")
                        % {"round": other.round.name}
                    ],
                )
        stored = {k: getattr(existing, k) for k in STUDENT_FIELDS} if existing else {}
        data = {k: stored.get(k, "") for k in STUDENT_FIELDS}
        data.update({"date_of_birth": stored.get("date_of_birth"), "vaccinated": False})
        if existing:
            data["vaccinated"] = existing.vaccinated
        data.update({k: v for k, v in values.items() if k in STUDENT_FIELDS})
        address = (data.get("email") or "").lower()
        owner = self._emails(ctx).get(address) if address else None
        if owner is not None and owner != user_id:
            return None, None, [_("Another account already uses this e-mail address.")]
        probe = Student(round=rnd, period_id=rnd.period_id, school_id=rnd.school_id, **data)
        try:
            probe.full_clean(exclude=["user", "period", "school", "round"], validate_unique=False)
        except ValidationError as exc:
            return None, None, [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()]
        payload = {"round": rnd.pk, "data": data}
        if existing is None:
            return NEW, payload, []
        changed = {k: stored[k] for k in STUDENT_FIELDS if stored[k] != data[k]}
        if not changed:
            return UNCHANGED, None, []
        payload["old"] = changed
        return UPDATED, payload, []

    def commit(self, planned, ctx, *, summary) -> None:
        rounds = {r.pk: r for r in _open_rounds(ctx).values()}
        created = updated = 0
        for item in planned:
            if "old" in item:
                updated += 1
            else:
                created += 1
            student_save(round=rounds[item["round"]], by=ctx.user, **item["data"])
        summary.update({"created": created, "updated": updated})

    def example_row(self) -> list:
        return [
            "12",
            "2156010001",
            "Nguyễn Thị Lan",
            "Nữ",
            "15/04/2003",
            "lan.nguyen@example.edu.vn",
            "0901234567",
            "Có",
            "",
            "",
        ]


register(PracticumStudentKind())
