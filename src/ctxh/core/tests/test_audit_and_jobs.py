import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from ctxh.core import jobs
from ctxh.core.exporting import safe_cell
from ctxh.core.models import AuditEvent, Job
from ctxh.organizations.tests.factories import OrganizationFactory
from ctxh.testing import client_for, job_handler, make_user

pytestmark = pytest.mark.django_db


def test_a_command_change_is_audited_as_command():
    call_command("load_units")
    event = AuditEvent.objects.get(action="geo.load_units")
    assert event.source == AuditEvent.Source.COMMAND
    assert event.actor is None
    assert event.new_values["wards_created"] == 168
    call_command("load_units")  # nothing changes the second time: no new event
    assert AuditEvent.objects.filter(action="geo.load_units").count() == 1


def test_a_web_change_is_audited_with_actor_and_ip(programme_user, facility_a):
    client = client_for(programme_user)
    url = f"/organizations/{facility_a.pk}/edit/"
    data = {
        "code": facility_a.code,
        "name": "Tên mới",
        "kind": facility_a.kind,
        "ownership": "public",
        "active": "on",
        "facility-capacity": "200",
    }
    response = client.post(url, data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="organization.update")
    assert event.actor == programme_user
    assert event.ip_address == "10.1.2.3"
    assert event.source == AuditEvent.Source.WEB
    assert event.old_values["name"] == "Trung tâm Bảo trợ Nguyễn Trãi"
    assert event.new_values["name"] == "Tên mới"
    assert event.new_values["facility.capacity"] == 200


def test_export_job_runs_with_progress_and_a_real_file(
    programme_user, facility_a, django_capture_on_commit_callbacks
):
    OrganizationFactory(code="=HACK", name="=cmd|' /C calc'!A0")
    client = client_for(programme_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/organizations/export/", {"query": ""})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == Job.Status.DONE and job.progress == 100
    assert job.result["rows"] == 3  # facility, the hack, the programme office's agency
    page = client.get(f"/jobs/{job.pk}/")
    assert b"job-download" in page.content
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    path = job.result_file.path
    sheet = load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Mã"
    names = {r[1] for r in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in names  # neutralised, never a formula


def test_a_job_of_another_user_is_404(
    programme_user, manager_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(manager_a).post("/organizations/export/", {"query": ""})
    job = Job.objects.get()
    assert client_for(manager_a).get(f"/jobs/{job.pk}/").status_code == 200
    other = make_user("facility_manager", OrganizationFactory(kind="private_facility"))
    assert client_for(other).get(f"/jobs/{job.pk}/").status_code == 404
    assert client_for(programme_user).get(f"/jobs/{job.pk}/").status_code == 200


def test_a_failing_job_is_marked_failed_with_a_message(programme_user):
    def fails(job, progress):
        progress(50, "half")
        raise jobs.JobError("Tệp không hợp lệ")

    job = Job.objects.create(kind="test.fails", title="x", created_by=programme_user)
    with job_handler("test.fails", fails):
        jobs.execute(job.pk)
    assert "test.fails" not in jobs.registered_kinds()  # no handler left behind
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "Tệp không hợp lệ"
    assert job.finished_at is not None


def test_a_test_handler_replaces_a_kind_only_for_its_block(programme_user):
    kind = "organizations.export_xlsx"
    original = jobs.unregister(kind)
    assert original is not None
    jobs.handler(kind)(original)
    kinds = jobs.registered_kinds()

    def quick(job, progress):
        job.message = "replaced"

    job = Job.objects.create(kind=kind, title="x", created_by=programme_user)
    with job_handler(kind, quick):
        assert jobs.execute(job.pk).message == "replaced"
    assert jobs.registered_kinds() == kinds
    assert jobs.unregister(kind) is original  # the app's handler is back
    jobs.handler(kind)(original)


def test_htmx_progress_partial_polls_until_finished(programme_user):
    job = Job.objects.create(
        kind="organizations.export_xlsx", title="x", created_by=programme_user, progress=40
    )
    client = client_for(programme_user)
    partial = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial and "<html" not in partial
    assert "width: 40%" in partial
    Job.objects.filter(pk=job.pk).update(status="done", progress=100)
    partial = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+84", "'+84"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("an toàn", "an toàn"),
        (12, 12),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_audit_page_is_for_the_programme_office(programme_user, manager_a):
    from ctxh.testing import assert_view_permissions

    call_command("load_units")
    assert_view_permissions("/audit/", allowed=programme_user, forbidden_role=manager_a)
    page = client_for(programme_user).get("/audit/", {"action": "geo.load_units"})
    assert "Nạp danh mục đơn vị hành chính" in page.content.decode()
