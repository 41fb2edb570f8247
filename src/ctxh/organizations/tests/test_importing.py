"""Importing organisations and facilities: the whole journey on the pages, and the rules."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from ctxh.core.importing import analyse, commit, get_kind
from ctxh.core.importing.testing import headers_of, xlsx
from ctxh.core.models import AuditEvent, Job
from ctxh.core.scoping import SYSTEM
from ctxh.organizations.models import Organization
from ctxh.organizations.tests.factories import FacilityFactory
from ctxh.testing import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def facilities(wards):
    return get_kind("facilities")


def facility_row(code="CS-1", **values):
    row = dict.fromkeys(c.key for c in get_kind("facilities").columns)
    row.update(
        code=code,
        name=f"Cơ sở {code}",
        kind="Cơ sở trợ giúp xã hội công lập",
        ward="Phường Sài Gòn",
        capacity=80,
        target_groups="children, elderly",
    )
    row.update(values)
    return list(row.values())


def upload(client, kind, path):
    with open(path, "rb") as handle:
        return client.post(
            f"/imports/{kind}/",
            {"file": SimpleUploadedFile(path.name, handle.read())},
        )


def test_facilities_create_then_update_then_nothing(facilities, tmp_path):
    path = xlsx(
        tmp_path / "f.xlsx",
        headers_of(facilities),
        [facility_row("CS-1"), facility_row("CS-2", parent="CS-1", capacity=10)],
    )
    summary = commit(facilities, path, user=SYSTEM, filename="f.xlsx")
    assert summary["counts"]["new"] == 2
    cs1 = Organization.objects.get(code="CS-1")
    assert cs1.ward.name == "Phường Sài Gòn" and cs1.facility.capacity == 80
    assert sorted(cs1.facility.target_groups.values_list("code", flat=True)) == [
        "children",
        "elderly",
    ]
    assert Organization.objects.get(code="CS-2").parent == cs1
    assert AuditEvent.objects.filter(action="organization.create").count() == 2
    # The same file again: nothing changes, nothing is written, no audit.
    events = AuditEvent.objects.count()
    assert analyse(facilities, path, user=SYSTEM).counts["unchanged"] == 2
    assert commit(facilities, path, user=SYSTEM)["counts"]["unchanged"] == 2
    assert AuditEvent.objects.count() == events
    # One changed cell: one update, audited with old and new values.
    path = xlsx(
        tmp_path / "g.xlsx",
        headers_of(facilities),
        [facility_row("CS-1", capacity=95), facility_row("CS-2", parent="CS-1", capacity=10)],
    )
    counts = commit(facilities, path, user=SYSTEM)["counts"]
    assert (counts["updated"], counts["unchanged"]) == (1, 1)
    event = AuditEvent.objects.get(action="organization.update")
    assert event.old_values == {"facility.capacity": 80}
    assert event.new_values == {"facility.capacity": 95}


def test_empty_optional_cells_keep_the_stored_values(facilities, tmp_path):
    commit(
        facilities,
        xlsx(
            tmp_path / "a.xlsx", headers_of(facilities), [facility_row("CS-1", address="1 Lê Lợi")]
        ),
        user=SYSTEM,
    )
    path = xlsx(tmp_path / "b.xlsx", headers_of(facilities), [facility_row("CS-1", address=None)])
    assert analyse(facilities, path, user=SYSTEM).counts["unchanged"] == 1


def test_model_validation_is_the_services_validation(facilities, tmp_path):
    path = xlsx(
        tmp_path / "v.xlsx",
        headers_of(facilities),
        [facility_row("BAD CODE"), facility_row("CS-3", phone="abc")],
    )
    with translation.override("en"):
        analysis = analyse(facilities, path, user=SYSTEM)
    errors = [e for r in analysis.rejected for e in r.errors]
    assert analysis.counts["rejected"] == 2
    assert any(e.startswith("Mã:") for e in errors)
    assert any(e.startswith("Điện thoại:") for e in errors)


def test_only_facility_kinds_in_the_facility_file(facilities, tmp_path):
    path = xlsx(tmp_path / "k.xlsx", headers_of(facilities), [facility_row(kind="school")])
    assert analyse(facilities, path, user=SYSTEM).counts["rejected"] == 1


def test_the_journey_on_the_pages(
    programme_user, facilities, tmp_path, django_capture_on_commit_callbacks
):
    client = client_for(programme_user)
    assert client.get("/imports/").status_code == 200
    template = client.get("/imports/facilities/template/")
    assert template.status_code == 200
    (tmp_path / "t.xlsx").write_bytes(template.content)
    assert load_workbook(tmp_path / "t.xlsx").sheetnames[:2] == ["Hướng dẫn", "Co so"]

    bad = xlsx(
        tmp_path / "bad.xlsx",
        headers_of(facilities),
        [facility_row("CS-1"), facility_row("CS-2", ward="Phường Không Có")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "facilities", bad)
    preview = Job.objects.get()
    assert response["Location"] == f"/imports/jobs/{preview.pk}/"
    assert preview.status == Job.Status.DONE
    assert preview.result["counts"]["rejected"] == 1
    page = client.get(f"/imports/jobs/{preview.pk}/").content.decode()
    assert 'data-testid="rejected-download"' in page and 'data-testid="commit"' not in page
    errors = client.get(f"/jobs/{preview.pk}/download/")
    assert errors.status_code == 200
    assert client.post(f"/imports/jobs/{preview.pk}/commit/").status_code == 302
    assert not Organization.objects.filter(code="CS-1").exists()

    good = xlsx(tmp_path / "good.xlsx", headers_of(facilities), [facility_row("CS-1")])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "facilities", good)
    preview = Job.objects.filter(kind="import.preview").first()
    assert preview.result["counts"]["new"] == 1
    assert 'data-testid="commit"' in client.get(f"/imports/jobs/{preview.pk}/").content.decode()
    assert not Organization.objects.filter(code="CS-1").exists()  # a preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/jobs/{preview.pk}/commit/")
    done = Job.objects.get(kind="import.commit")
    assert response["Location"] == f"/imports/jobs/{done.pk}/"
    assert done.status == Job.Status.DONE, done.error
    assert Organization.objects.filter(code="CS-1").exists()
    summary = AuditEvent.objects.get(action="import.facilities")
    assert summary.actor == programme_user and summary.source == AuditEvent.Source.JOB
    # A preview is committed once only.
    client.post(f"/imports/jobs/{preview.pk}/commit/")
    assert Job.objects.filter(kind="import.commit").count() == 1


def test_a_renamed_text_file_is_refused_at_upload(programme_user, facilities, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("hello", encoding="utf-8")
    response = upload(client_for(programme_user), "facilities", path)
    assert response.status_code == 400
    assert b'data-testid="upload-error"' in response.content
    assert not Job.objects.exists()


def test_who_may_import_organisations(
    manager_a, facilities, programme_user, tmp_path, django_capture_on_commit_callbacks
):
    client = client_for(manager_a)
    assert client.get("/imports/facilities/template/").status_code == 403
    path = xlsx(tmp_path / "f.xlsx", headers_of(facilities), [facility_row()])
    assert upload(client, "facilities", path).status_code == 403
    assert client_for(make_user("student", FacilityFactory())).get("/imports/").status_code == 403
    assert client_for(programme_user).get("/imports/nothing/").status_code == 404
    # Someone else's import job is out of scope (404), even by its number.
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(programme_user), "facilities", path)
    job = Job.objects.get()
    assert client.get(f"/imports/jobs/{job.pk}/").status_code == 404
    assert client.post(f"/imports/jobs/{job.pk}/commit/").status_code == 404


def test_an_oversize_upload_is_refused_before_it_is_read(
    programme_user, facilities, settings, tmp_path
):
    settings.CTXH_IMPORT_MAX_BYTES = 1024
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"0" * 200_000)
    response = upload(client_for(programme_user), "facilities", path)
    assert response.status_code == 413
    assert b'data-testid="upload-error"' in response.content
    assert not Job.objects.exists()


def test_the_progress_partial_polls_until_done(programme_user, facilities, tmp_path):
    path = xlsx(tmp_path / "p.xlsx", headers_of(facilities), [facility_row("CS-9")])
    client = client_for(programme_user)
    upload(client, "facilities", path)  # not run: the job stays queued
    job = Job.objects.get()
    partial = client.get(f"/imports/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="import-job-') and "hx-trigger" in partial
    assert "<html" not in partial
