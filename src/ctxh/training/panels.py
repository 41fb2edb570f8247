"""The training's to-dos on the home page (registered on import from ``apps.ready``).

At most one query per role the user holds: an organiser with nominations to decide, an
organisation with classes open for nominations.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ctxh.core import panels
from ctxh.core.scoping import scope_for

from .models import Enrollment, TrainingClass

#: How many open classes an organisation is told about at once.
OPEN_SHOWN = 3


def home_todos(request, user) -> list[dict]:
    items: list[dict] = []
    if not getattr(user, "is_authenticated", False):
        return items
    organiser = scope_for(user, Enrollment, "decide")
    if not organiser.everything and organiser.organization_ids:
        ids = organiser.organization_ids
        waiting = (
            Enrollment.objects.filter(
                Q(training_class__organizer__in=ids) | Q(training_class__provider__in=ids),
                status=Enrollment.Status.NOMINATED,
                training_class__status__in=(
                    TrainingClass.Status.OPEN,
                    TrainingClass.Status.RUNNING,
                ),
            )
            .order_by("training_class__starts_on", "training_class_id")
            .values_list("training_class_id", flat=True)
        )
        class_ids = list(waiting)
        if class_ids:
            items.append(
                {
                    "label": ngettext(
                        "%(count)s nomination awaits your decision",
                        "%(count)s nominations await your decision",
                        len(class_ids),
                    )
                    % {"count": len(class_ids)},
                    "url": reverse("training:class_detail", args=[class_ids[0]])
                    if len(set(class_ids)) == 1
                    else reverse("training:index") + "?status=open",
                }
            )
    nominator = scope_for(user, Enrollment, "nominate")
    if not nominator.everything and nominator.organization_ids:
        open_classes = list(
            TrainingClass.objects.filter(
                status=TrainingClass.Status.OPEN, ends_on__gte=timezone.localdate()
            )
            .order_by("starts_on", "id")
            .only("id", "name", "starts_on")[:OPEN_SHOWN]
        )
        for klass in open_classes:
            items.append(
                {
                    "label": _("The class “%(name)s” (from %(date)s) is open for nominations")
                    % {"name": klass.name, "date": klass.starts_on.strftime("%d/%m/%Y")},
                    "url": reverse("training:nominate", args=[klass.pk]),
                }
            )
    return items


panels.register_todos("training", home_todos)
