"""Reminding facilities of proposals they have not decided on in time.

Run by ``ctxh practicum_remind`` (cron, see docs/deploy.md) and by the programme office's
"remind now" button on the overdue list.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from ctxh.core import audit
from ctxh.core.notifications import notify, translatable
from ctxh.core.roles import Role
from ctxh.core.scoping import SYSTEM, scope_for

from ..models import Placement, PlacementPeriod
from ..selectors.decisions import overdue_before


def remind_overdue(
    *,
    period: PlacementPeriod | None = None,
    facility=None,
    force: bool = False,
    now: dt.datetime | None = None,
    by=SYSTEM,
) -> int:
    """Remind each facility that has proposals older than the period's reminder days:
    its managers get one notification (and e-mail), the proposals are marked reminded,
    one audit event per facility. A facility reminded within the last reminder days is
    left alone (``force``: the programme office's explicit "remind now"). Every period at
    the acceptance stage when ``period`` is None; one facility when given. Returns how many
    facilities were reminded."""
    now = now or timezone.now()
    periods = (
        [period]
        if period is not None
        else list(PlacementPeriod.objects.filter(status=PlacementPeriod.Status.ACCEPTANCE))
    )
    reminded = 0
    for p in periods:
        if by is not SYSTEM and not scope_for(by, PlacementPeriod, "manage").covers(p.organizer_id):
            raise PermissionDenied(_("You may not remind facilities in this period."))
        reminded += _remind_period(p, facility=facility, force=force, now=now, by=by)
    return reminded


def _remind_period(period, *, facility, force, now, by) -> int:
    if period.status != PlacementPeriod.Status.ACCEPTANCE:
        return 0
    overdue = Placement.objects.filter(
        period=period,
        status=Placement.Status.PROPOSED,
        proposed_at__lte=overdue_before(period, now),
    )
    if facility is not None:
        overdue = overdue.filter(facility_id=getattr(facility, "pk", facility))
    by_facility: dict[int, list[int]] = defaultdict(list)
    for pk, facility_id in overdue.values_list("pk", "facility_id").order_by("pk"):
        by_facility[facility_id].append(pk)
    if not force and by_facility:
        recent = set(
            Placement.objects.filter(
                period=period,
                facility_id__in=list(by_facility),
                reminded_at__gt=now - dt.timedelta(days=period.reminder_days),
            )
            .values_list("facility_id", flat=True)
            .distinct()
        )
        by_facility = {f: ids for f, ids in by_facility.items() if f not in recent}
    if not by_facility:
        return 0
    from ctxh.accounts.models import Membership

    managers = defaultdict(list)
    for m in Membership.objects.filter(
        organization_id__in=list(by_facility),
        role=Role.FACILITY_MANAGER,
        active=True,
        user__is_active=True,
    ).select_related("user"):
        managers[m.organization_id].append(m.user)
    with transaction.atomic():
        Placement.objects.filter(pk__in=[pk for ids in by_facility.values() for pk in ids]).update(
            reminded_at=now
        )
        for facility_id, ids in by_facility.items():
            audit.record(
                actor=by,
                action="placementperiod.remind",
                obj=period,
                organization=facility_id,
                new={
                    "facility": facility_id,
                    "placements": len(ids),
                    "recipients": len(managers[facility_id]),
                },
            )

        proposals = reverse("practicum:proposals")

        def tell():
            for facility_id, ids in by_facility.items():
                notify(
                    users=managers[facility_id],
                    title=translatable(
                        ngettext_lazy(
                            "%(count)d student is waiting for your decision",
                            "%(count)d students are waiting for your decision",
                            "count",
                        ),
                        count=len(ids),
                    ),
                    body=translatable(
                        gettext_lazy(
                            "%(period)s: please accept or decline them before %(deadline)s."
                        ),
                        period=period.name,
                        deadline=timezone.localtime(period.acceptance_deadline).strftime(
                            "%d/%m/%Y %H:%M"
                        ),
                    ),
                    url=f"{proposals}?period={period.pk}&facility={facility_id}",
                )

        transaction.on_commit(tell)
    return len(by_facility)
