"""``training:me``: the signed-in person's own training — their classes (dates, status,
attendance, completion), their certificates to download and their degree training.

Read through ``Person.user``: any signed-in account may open it; an account with no
person in the registry sees an empty page that says so.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from ctxh.documents.models import Document, Kind
from ctxh.workforce.models import Person

from ..models import Attendance, DegreeTraining, Enrollment


@login_required
@require_GET
def me(request):
    person = Person.objects.filter(user=request.user).first()
    enrollments, degrees = [], []
    if person is not None:
        enrollments = list(
            Enrollment.objects.filter(person=person)
            .select_related("training_class__course", "training_class__organizer")
            .annotate(
                sessions=Count("training_class__sessions", distinct=True),
                attended=Count(
                    "attendance",
                    filter=Q(
                        attendance__status__in=(Attendance.Status.PRESENT, Attendance.Status.LATE)
                    ),
                    distinct=True,
                ),
            )
            .order_by("-training_class__starts_on", "-id")
        )
        certificates = {
            d.source_id: d
            for d in Document.objects.filter(
                kind=Kind.TRAINING_CERTIFICATE,
                status=Document.Status.VALID,
                source_type__app_label="training",
                source_type__model="enrollment",
                source_id__in=[e.pk for e in enrollments],
            )
        }
        for e in enrollments:
            e.certificate = certificates.get(e.pk)
        degrees = list(DegreeTraining.objects.filter(person=person).order_by("-starts_on"))
    return render(
        request,
        "training/me/index.html",
        {"person": person, "enrollments": enrollments, "degrees": degrees},
    )


urlpatterns = [path("me/", me, name="me")]
