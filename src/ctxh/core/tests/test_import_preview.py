"""The import preview lists the rows it would write, page by page; templates and files
have Vietnamese names; the template's examples import cleanly with the demo's codes and
the template lists the organisation codes its user may use."""

import io
import json

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from ctxh.core.importing import analyse, build_template, commit, get_kind
from ctxh.core.importing.testing import headers_of, xlsx
from ctxh.core.models import Job
from ctxh.core.scoping import SYSTEM
from ctxh.organizations.models import Kind
from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
from ctxh.testing import client_for, make_user
from ctxh.workforce.cccd import compose_cccd

pytestmark = pytest.mark.django_db

STEMS = {
    "organizations": "to-chuc",
    "facilities": "co-so",
    "people": "nhan-su",
    "employment": "qua-trinh-cong-tac",
    "accounts": "tai-khoan",
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def cccd(serial, gender="female", year=1990):
    return compose_cccd(province=79, gender=gender, birth_year=year, serial=serial)


def person_row(name, gender="Nữ", born="17/05/1990", org="FAC-A", **values):
    row = dict.fromkeys(c.key for c in get_kind("people").columns)
    row.update(full_name=name, gender=gender, date_of_birth=born, organization=org, **values)
    return list(row.values())


def upload(client, kind, path, capture) -> Job:
    with capture(execute=True):
        response = client.post(
            f"/imports/{kind}/", {"file": SimpleUploadedFile(path.name, path.read_bytes())}
        )
    assert response.status_code == 302, response.content.decode()[:500]
    return Job.objects.filter(kind="import.preview").latest("pk")


def test_the_preview_lists_new_updated_and_unchanged_rows_with_the_changes(
    manager_a, facility_a, tmp_path, django_capture_on_commit_callbacks
):
    people = get_kind("people")
    before = [
        person_row("Nguyễn Thị Lan", cccd=cccd(1), education_level="Đại học"),
        person_row("Trần Văn Minh", gender="Nam", born="02/09/1985", cccd=cccd(2, "male", 1985)),
    ]
    commit(people, xlsx(tmp_path / "a.xlsx", headers_of(people), before), user=SYSTEM)
    after = [
        person_row(
            "Nguyễn Thị Lan", cccd=cccd(1), education_level="Thạc sĩ", phone="0901234567"
        ),  # row 2: two fields changed
        before[1],  # row 3: unchanged
        person_row("Lê Văn Tâm", gender="Nam", born="01/01/1980", cccd=cccd(3, "male", 1980)),
    ]
    client = client_for(manager_a)
    job = upload(
        client,
        "people",
        xlsx(tmp_path / "b.xlsx", headers_of(people), after),
        django_capture_on_commit_callbacks,
    )
    assert job.result["counts"] == {
        "new": 1,
        "updated": 1,
        "unchanged": 1,
        "rejected": 0,
        "total": 3,
    }
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    # Updated rows first (nothing is rejected), each change as "old → new".
    assert 'data-testid="rows-updated"' in page
    assert 'data-testid="row-2"' in page and 'data-testid="row-3"' not in page
    changes = page.split('data-testid="rows-updated"')[1].split("</table>")[0]
    assert changes.count('data-testid="change"') == 2
    assert "Điện thoại:</span> <del" in changes and ">—</del> → <ins" in changes
    assert "0901234567</ins>" in changes
    assert "Trình độ:</span> <del" in changes
    assert '>Đại học</del> → <ins class="text-success text-decoration-none">Thạc sĩ</ins>' in (
        changes
    )
    # The CCCD is masked, never in clear, in the list.
    assert cccd(1) not in page and f"{cccd(1)[:3]}*******{cccd(1)[-2:]}" in changes
    assert 'data-testid="tab-new">Mới <span' in page
    assert 'data-testid="tab-rejected">Bị từ chối <span' in page
    assert "Các dòng của tệp" in page
    new = client.get(f"/imports/jobs/{job.pk}/?tab=new").content.decode()
    assert 'data-testid="row-4"' in new and "Lê Văn Tâm" in new and "Nguyễn Thị Lan" not in new
    unchanged = client.get(f"/imports/jobs/{job.pk}/?tab=unchanged").content.decode()
    assert 'data-testid="row-3"' in unchanged and "Trần Văn Minh" in unchanged
    assert "02/09/1985" in unchanged  # dates as dd/mm/yyyy
    rejected = client.get(f"/imports/jobs/{job.pk}/?tab=rejected").content.decode()
    assert 'data-testid="rows-empty"' in rejected
    # A polling request (htmx) gets the same list.
    partial = client.get(f"/imports/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert 'data-testid="row-2"' in partial.content.decode()


def test_a_long_preview_is_paged_and_its_result_stays_small(
    manager_a, facility_a, tmp_path, django_capture_on_commit_callbacks
):
    people = get_kind("people")
    rows = [
        person_row(f"Người Thứ {n}", born=f"{1 + n % 28:02d}/01/{1960 + n % 40}")
        for n in range(120)
    ]
    client = client_for(manager_a)
    job = upload(
        client,
        "people",
        xlsx(tmp_path / "many.xlsx", headers_of(people), rows),
        django_capture_on_commit_callbacks,
    )
    assert job.result["counts"]["new"] == 120
    assert len(job.result["rows"]["pages"]["new"]) == 3  # one offset per page of 50
    assert len(json.dumps(job.result)) < 2000
    first = client.get(f"/imports/jobs/{job.pk}/?tab=new").content.decode()
    assert first.count('data-testid="row-') == 50
    assert 'data-testid="row-2"' in first and 'data-testid="row-51"' in first
    assert 'data-testid="row-52"' not in first
    assert "Trang 1 / 3" in first and "?tab=new&amp;page=2" in first
    last = client.get(f"/imports/jobs/{job.pk}/?tab=new&page=3").content.decode()
    assert last.count('data-testid="row-') == 20
    assert 'data-testid="row-102"' in last and 'data-testid="row-121"' in last
    beyond = client.get(f"/imports/jobs/{job.pk}/?tab=new&page=99").content.decode()
    assert 'data-testid="row-121"' in beyond  # a page past the end shows the last one
    junk = client.get(f"/imports/jobs/{job.pk}/?tab=%3Cx%3E&page=abc")
    assert junk.status_code == 200 and 'data-testid="rows-new"' in junk.content.decode()


def test_rejected_rows_are_listed_with_their_errors_and_downloaded_under_a_vietnamese_name(
    manager_a, facility_a, tmp_path, django_capture_on_commit_callbacks
):
    people = get_kind("people")
    rows = [
        person_row("Phạm Thị Hoa", cccd=cccd(5)),
        person_row("Võ Văn Hùng", gender="Nam", cccd=cccd(6), born="40/01/1990"),
    ]
    client = client_for(manager_a)
    job = upload(
        client,
        "people",
        xlsx(tmp_path / "bad.xlsx", headers_of(people), rows),
        django_capture_on_commit_callbacks,
    )
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    listed = page.split('data-testid="rows-rejected"')[1].split("</table>")[0]
    assert 'data-testid="row-3"' in listed and "Võ Văn Hùng" in listed
    assert ">40/01/1990</td>" in listed  # a cell that could not be read, as typed
    assert "Ngày sinh: Ngày này không tồn tại; Số CCCD:" in listed
    assert f">{cccd(6)[:3]}*******{cccd(6)[-2:]}</td>" in listed
    assert 'data-testid="row-2"' not in listed  # the good row is in the tab "Mới"
    assert cccd(6) not in page
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert 'filename="nhan-su-dong-bi-tu-choi.xlsx"' in download["Content-Disposition"]


@pytest.mark.parametrize("name", sorted(STEMS))
def test_the_template_is_named_in_vietnamese(name, programme_user, wards):
    response = client_for(programme_user).get(f"/imports/{name}/template/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="mau-nhap-{STEMS[name]}.xlsx"'
    assert get_kind(name).stem == STEMS[name]


def test_the_template_lists_the_codes_its_user_may_use(manager_a, facility_a, facility_b):
    OrganizationFactory(code="OLD-1", active=False)
    response = client_for(manager_a).get("/imports/people/template/")
    wb = load_workbook(io.BytesIO(response.content))
    codes = [tuple(row) for row in wb["Mã tổ chức"].iter_rows(values_only=True)]
    assert codes == [("Mã", "Tên tổ chức"), ("FAC-A", facility_a.name)]
    data = wb["Nhan luc"]
    column = next(c.column_letter for c in data[1] if c.value == "Mã tổ chức *")
    refs = {str(dv.sqref): dv.formula1 for dv in data.data_validations.dataValidation}
    assert refs[f"{column}2:{column}5001"] == "'Mã tổ chức'!$A$2:$A$2"
    assert wb.sheetnames.index("Mã tổ chức") > wb.sheetnames.index("Nhan luc")
    instructions = [c.value for c in wb["Hướng dẫn"]["A"] if c.value]
    assert any("Mã tổ chức" in line for line in instructions)


def test_the_programme_office_gets_every_active_code(programme_user, facility_a, facility_b):
    OrganizationFactory(code="OLD-1", active=False)
    wb = load_workbook(io.BytesIO(build_template(get_kind("accounts"), user=programme_user)))
    codes = [row[0] for row in wb["Mã tổ chức"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["AGENCY", "FAC-A", "FAC-B"]
    # Without a user (the command line) there is no such sheet.
    assert "Mã tổ chức" not in load_workbook(io.BytesIO(build_template(get_kind("people"))))


def test_the_examples_use_demo_codes_and_import_cleanly(wards, tmp_path):
    from ctxh.demo import organizations as demo
    from ctxh.geo.models import Ward

    city = list(Ward.objects.filter(province_id=django_settings.CTXH_PROVINCE).order_by("code"))
    demo_codes = {"SYT-HCM"} | {code for code, _name in demo.SCHOOLS}
    demo_codes |= {row["code"] for row in demo.facilities(city)}
    examples = {name: get_kind(name).example_row() for name in STEMS}
    used = {
        examples["organizations"][5],  # parent
        examples["people"][11],
        examples["employment"][3],
        examples["accounts"][4],
    }
    assert used <= demo_codes, used - demo_codes
    OrganizationFactory(code="SYT-HCM", kind=Kind.AGENCY)
    FacilityFactory(code="CS-001")
    OrganizationFactory(code="DHLDXH-CS2", kind=Kind.SCHOOL)
    expected = {
        "organizations": "new",
        "facilities": "new",
        "people": "new",
        "employment": "unchanged",  # the person the people example created, same start
        "accounts": "new",
    }
    for name, status in expected.items():
        kind = get_kind(name)
        wb = load_workbook(io.BytesIO(build_template(kind)))
        wb[kind.sheet_title].append(examples[name])
        path = tmp_path / f"{name}.xlsx"
        wb.save(path)
        analysis = analyse(kind, path, user=SYSTEM)
        assert [r.errors for r in analysis.rejected] == [], name
        assert analysis.rows[0].status == status, name
        if name == "people":
            commit(kind, path, user=SYSTEM)


def test_an_account_gaining_a_role_shows_it_as_a_change(tmp_path, facility_a):
    kind = get_kind("accounts")
    user = make_user("field_instructor", facility_a, username="hdv.lan")
    user.full_name, user.email = "Lê Thị Lan", "lan@example.vn"
    user.save()
    row = ["hdv.lan", "Lê Thị Lan Anh", "lan@example.vn", "", "FAC-A", "Quản lý cơ sở"]
    path = xlsx(tmp_path / "acc.xlsx", headers_of(kind), [row])
    analysis = analyse(kind, path, user=SYSTEM, describe=True)
    summary = analysis.rows[0].summary
    assert summary["s"] == "updated"
    assert summary["d"] == [
        ["Họ và tên", "Lê Thị Lan", "Lê Thị Lan Anh"],
        ["Vai trò", "—", summary["d"][1][2]],
    ]
    assert summary["d"][1][2] in ("Quản lý cơ sở", "Facility manager")


def test_an_updated_organisation_shows_old_and_new_values(programme_user, wards, tmp_path):
    kind = get_kind("facilities")
    FacilityFactory(code="FAC-Z", name="Mái ấm Cũ", ward=wards[0])
    row = dict.fromkeys(c.key for c in kind.columns)
    row.update(code="FAC-Z", name="Mái ấm Mới", kind="public_facility", capacity=80)
    path = xlsx(tmp_path / "f.xlsx", headers_of(kind), [list(row.values())])
    summary = analyse(kind, path, user=SYSTEM, describe=True).rows[0].summary
    assert summary["c"][:2] == ["FAC-Z", "Mái ấm Mới"]
    assert summary["d"] == [["Tên", "Mái ấm Cũ", "Mái ấm Mới"], ["Công suất (người)", "120", "80"]]
