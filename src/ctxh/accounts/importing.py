"""Excel import of accounts: how a school brings its students for a round, a facility its
field instructors, the programme office a whole ward network.

One row is one account and one role: username (or, when empty, the e-mail serves as the
username), full name, e-mail, phone, organisation code and role. The natural key is the
username: importing the file again updates names, e-mails and phones and adds roles the
account lacks; it never creates a second account. The importing user may only grant the
roles it could grant on the page (:func:`services.check_grant`). New accounts get no
password: each receives an invitation with a one-time link, once the import commits.
"""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _

from ctxh.core.importing import (
    NEW,
    UNCHANGED,
    UPDATED,
    CellError,
    Column,
    Context,
    ImportKind,
    choice,
    email,
    register,
    text,
    vn_phone,
)
from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Organization

from . import services
from .models import Membership, User
from .roles import Role

_USERNAME = re.compile(r"^[\w.@+-]{1,150}$")


def _roles():
    for value, label in Role.choices:
        with translation.override("vi"):
            vi = str(Role(value).label)
        yield value, [str(label), vi, value]


def _role_labels() -> list[str]:
    with translation.override("vi"):
        return [str(label) for _value, label in Role.choices]


def _username():
    parse_text = text(150)

    def parse(raw, ctx):
        value = parse_text(raw, ctx)
        if value and not _USERNAME.match(value):
            raise CellError(_("Letters, digits and @ . + - _ only, without spaces."))
        return value.lower() if value else value

    return parse


def _organization_codes() -> list[str]:
    return list(Organization.objects.active().order_by("code").values_list("code", flat=True))


COLUMNS = [
    Column(
        "username",
        "Tên đăng nhập",
        _username(),
        help="Chữ, số và @ . + - _ (không dấu cách). Để trống: dùng email làm tên đăng nhập. "
        "Tên đăng nhập đã có: cập nhật tài khoản đó.",
        width=22,
    ),
    Column("full_name", "Họ và tên", text(150), required=True, width=30),
    Column("email", "Email", email(), help="Thư mời đặt mật khẩu gửi đến địa chỉ này.", width=30),
    Column("phone", "Điện thoại", vn_phone(), number_format="@"),
    Column(
        "organization",
        "Mã tổ chức",
        text(30, upper=True),
        required=True,
        number_format="@",
        help="Mã tổ chức của tài khoản (xem danh sách ở trang “Mã tổ chức”).",
        choices=_organization_codes,
    ),
    Column(
        "role",
        "Vai trò",
        choice(_roles),
        required=True,
        width=28,
        help="Chọn trong danh sách.",
        choices=_role_labels,
    ),
]


class AccountKind(ImportKind):
    """Accounts with one role each; key: the username (or the e-mail)."""

    name = "accounts"
    title = "Tài khoản"
    file_stem = "tai-khoan"
    preview_columns = ("username", "full_name", "organization", "role")
    model = Membership
    sheet_title = "Tai khoan"
    columns = COLUMNS
    instructions = [
        "Mỗi dòng là một tài khoản và một vai trò; một người có hai vai trò thì ghi hai dòng "
        "cùng tên đăng nhập.",
        "Tài khoản mới không có mật khẩu: mỗi người nhận thư mời với đường dẫn dùng một lần "
        "để tự đặt mật khẩu.",
        "Nhập lại cùng tệp chỉ cập nhật, không bao giờ tạo trùng tài khoản.",
    ]

    def allowed(self, user) -> bool:
        return not scope_for(user, Membership, "add").empty

    def prepare(self, ctx: Context) -> None:
        codes = {}
        scope = scope_for(ctx.user, Membership, "add")
        for org in Organization.objects.active().only("id", "code", "name", "kind", "ward_id"):
            if scope.covers(org):
                codes[org.code] = org
        ctx.cache["orgs"] = codes
        ctx.cache["grantable"] = {}
        ctx.cache["emails"] = {}

    def _grantable(self, org, ctx) -> list[str]:
        cache = ctx.cache["grantable"]
        if org.pk not in cache:
            cache[org.pk] = services.grantable_roles(ctx.user, org)
        return cache[org.pk]

    def key(self, values):
        username = values.get("username") or values.get("email")
        return (
            (username.lower(), values.get("organization"), values.get("role")) if username else None
        )

    def check(self, values, ctx) -> list[str]:
        errors = []
        if not values.get("username") and not values.get("email"):
            errors.append(_("Write a username or an e-mail address."))
        if not values.get("username") and values.get("email"):
            values["username"] = values["email"].lower()
        code = values.get("organization")
        org = ctx.cache["orgs"].get(code) if code else None
        if code and org is None:
            errors.append(
                _("No organisation you may add accounts to has the code “%(code)s”.")
                % {"code": code}
            )
        role = values.get("role")
        if org is not None and role and role not in self._grantable(org, ctx):
            errors.append(
                _("You may not grant the role “%(role)s” in %(org)s.")
                % {"role": Role(role).label, "org": org.name}
            )
        address = (values.get("email") or "").lower()
        username = values.get("username")
        if address and username:
            first = ctx.cache["emails"].setdefault(address, username)
            if first != username:
                errors.append(
                    _("The e-mail %(email)s is already used by “%(username)s” in this file.")
                    % {"email": address, "username": first}
                )
        return errors

    def _index(self, ctx) -> dict:
        """Usernames, e-mails and active roles of every account, loaded once per run."""

        def load():
            names, emails = {}, {}
            for pk, username, address in User.objects.values_list("id", "username", "email"):
                names[username.lower()] = pk
                if address:
                    emails.setdefault(address.lower(), pk)
            roles = set(
                Membership.objects.filter(
                    active=True, organization_id__in=[o.pk for o in ctx.cache["orgs"].values()]
                ).values_list("user_id", "organization_id", "role")
            )
            return {"names": names, "emails": emails, "roles": roles, "users": {}}

        return ctx.lookup("index", load)

    def plan(self, values, ctx):
        index = self._index(ctx)
        username = values["username"]
        user_id = index["names"].get(username)
        org = ctx.cache["orgs"][values["organization"]]
        data = {k: values.get(k) or "" for k in ("full_name", "email", "phone")}
        owner = index["emails"].get(data["email"].lower()) if data["email"] else None
        if owner is not None and owner != user_id:
            return None, None, [_("Another account already uses this e-mail address.")]
        payload = {"username": username, "data": data, "org": org.pk, "role": values["role"]}
        if user_id is None:
            return NEW, payload, []
        user = index["users"].get(user_id) or User.objects.get(pk=user_id)
        index["users"][user_id] = user
        if not services.may_administer(ctx.user, user):
            return None, None, [_("This account exists and is administered by another office.")]
        changed = [k for k, v in data.items() if v and v != getattr(user, k)]
        if not changed and (user_id, org.pk, values["role"]) in index["roles"]:
            return UNCHANGED, None, []
        payload["changed"] = changed
        payload["old"] = {k: getattr(user, k) for k in changed}  # shown by the preview
        if (user_id, org.pk, values["role"]) not in index["roles"]:
            payload["old"]["role"] = None  # a role added
        return UPDATED, payload, []

    def commit(self, planned, ctx, *, summary) -> None:
        summary.update(services.accounts_import(by=ctx.user, rows=planned))

    def example_row(self) -> list:
        return [
            "sv.nguyenvanan",
            "Nguyễn Văn An",
            "an.nguyen@example.edu.vn",
            "0901234567",
            "DHLDXH-CS2",
            "Sinh viên",
        ]


register(AccountKind())
