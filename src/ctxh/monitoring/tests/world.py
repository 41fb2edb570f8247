"""The monitoring's part of the permission world (``ctxh.testing.PermissionWorld``).

Adds, for the periodic submissions: ``ward_office_b`` (ward B's office) with its officer
``ward_officer_b``; for the latest ended quarter (``quarter``) of the ward allowance form
(``allowance``): ``submission_a`` (ward A's office, a draft with every figure, ready to
submit), ``submission_a_sent`` of the services form (ward A, submitted: to approve or
return) and ``submission_b`` (ward B's office, approved).
"""

from __future__ import annotations


def add_monitoring(world) -> None:
    from ctxh.core.scoping import SYSTEM
    from ctxh.monitoring.models import DataSet
    from ctxh.monitoring.selectors.submissions import latest_due_period
    from ctxh.monitoring.services.submissions import (
        submission_approve,
        submission_save,
        submission_submit,
    )
    from ctxh.organizations.tests.factories import OrganizationFactory
    from ctxh.testing import make_user

    w = world
    w.ward_office_b = OrganizationFactory(
        code="PERM-UBND-B", kind="ward_office", name="UBND Phường Thử B", ward=w.ward_b
    )
    w.ward_officer_b = make_user("ward_officer", w.ward_office_b)
    w.allowance = DataSet.objects.get(code="ward_allowance")
    w.services_form = DataSet.objects.get(code="social_work_services")
    w.quarter = latest_due_period(w.allowance)
    values = {f"d20_{i}": i for i in range(1, 9)}
    w.submission_a = submission_save(
        dataset=w.allowance,
        organization=w.ward_office_a,
        period_start=w.quarter,
        values=values,
        by=SYSTEM,
    )
    service_values = {
        "children": 4,
        "elderly": 3,
        "disability": 2,
        "other": 1,
        "counselling": 6,
        "case_management": 2,
        "referral": 1,
    }
    w.submission_a_sent = submission_save(
        dataset=w.services_form,
        organization=w.ward_office_a,
        period_start=w.quarter,
        values=service_values,
        by=SYSTEM,
    )
    submission_submit(submission=w.submission_a_sent, by=SYSTEM)
    w.submission_b = submission_save(
        dataset=w.allowance,
        organization=w.ward_office_b,
        period_start=w.quarter,
        values=values,
        by=SYSTEM,
    )
    submission_submit(submission=w.submission_b, by=SYSTEM)
    submission_approve(submission=w.submission_b, by=SYSTEM)
