"""The training's demo data, loaded at the end of ``ctxh demo``.

* The programme's history (the articles' figures): **319 classes in 2010–2020 with 23.912
  participant-times** (historic, closed), spread over the registry's ~6.500 people with a
  skewed distribution — a core of people trained again and again, many trained once — so
  the distinct people are far fewer than the participant-times; about one participant in
  twenty is not identified in the registry (kept by name) and a few wait for review.
* **797 degree trainees** (intermediate, college, university, master's) sent from 2010 on.
* The cooperation year (2024–2025): classes that trained **500 staff** (500 people, once
  each), some given by the partner schools.
* Today: one class **open for nominations** (a few nominations in) and one **running**
  with sessions today and the next days; ``trainer1``'s association (HCTXH) organises both
  and some of the history.
* The target "workforce trained in the last years" (``workforce_trained``): 30 % by 2025,
  over the last five years (``WorkforceTarget`` has no window field: the window is said in
  the target's source text; the statistics page opens on five years).
* ``instructor1`` and ``instructor2`` are linked to their registry person (found by the
  e-mail the practicum's demo gives them), so "my training" shows their classes.

Deterministic (one seeded generator) and fast (bulk inserts, no password hashed, ONE
summary audit event per kind of load). Written once: a database that already has classes
is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_left
from itertools import accumulate

from django.utils import timezone

from ctxh.accounts.models import User
from ctxh.core import audit
from ctxh.core.scoping import SYSTEM
from ctxh.core.searchtext import normalize
from ctxh.organizations.models import Kind, Organization
from ctxh.training.models import (
    ClassSession,
    Course,
    DegreeTraining,
    Enrollment,
    TrainingClass,
)
from ctxh.workforce.models import Person, WorkforceTarget

from .plan import (
    COOPERATION_CLASSES,
    COOPERATION_PEOPLE,
    COURSES,
    DEGREE_TRAINEES,
    HISTORIC_CLASSES,
    HISTORIC_TIMES,
    OUTSIDER_NAMES,
    class_sizes,
    classes_per_year,
    degree_rows,
)

SEED = 2010
LABEL = "Dữ liệu tập huấn mẫu (demo)"
TRAINER_ORG = "HCTXH"
ACCOUNTS_LINKED = ("instructor1", "instructor2")


def load_training() -> dict[str, int] | None:
    """Load the training's demo data; None when the database already has classes."""
    if TrainingClass.objects.exists():
        return None
    rng = random.Random(SEED)
    today, now = timezone.localdate(), timezone.now()
    orgs = Organization.objects.in_bulk(
        ["SYT-HCM", TRAINER_ORG, "DHLDXH-CS2", "DHKHXHNV-HCM", "HLHPN", "THANHDOAN"],
        field_name="code",
    )
    agency = orgs["SYT-HCM"]
    trainer_org = orgs.get(TRAINER_ORG, agency)
    schools = list(Organization.objects.filter(kind=Kind.SCHOOL).order_by("code"))
    programme = User.objects.filter(username="programme").first()
    linked = _link_accounts()
    people = list(
        Person.objects.filter(current_organization__isnull=False)
        .order_by("pk")
        .values_list("pk", "current_organization_id", "full_name", "date_of_birth")
    )
    if not people:
        return None
    courses = _courses(schools)
    organisers = [
        agency,
        agency,
        agency,
        trainer_org,
        *(o for o in orgs.values() if o.kind == Kind.ASSOCIATION),
    ]
    counts = {"courses": len(courses)}

    # --- 2010–2020: 319 classes, 23.912 participant-times --------------------------------
    # A skewed appetite for training: the weight of the i-th person (in a shuffled order)
    # falls like 1 / (i + 50) ^ 0.9, so a few hundred people took ten classes or more.
    order = people[:]
    rng.shuffle(order)
    favourites = [p for p in order if p[0] in linked.values()]
    order = favourites + [p for p in order if p[0] not in linked.values()]
    cumulative = list(accumulate(1 / (i + 50) ** 0.9 for i in range(len(order))))
    classes: list[TrainingClass] = []
    for year, n in classes_per_year(rng):
        for k in range(n):
            course = courses[rng.randrange(len(courses))]
            start = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 350))
            classes.append(
                _class(
                    course,
                    code=f"LS-{year}-{k + 1:03d}",
                    name=f"{course.title} — khóa {k + 1}/{year}",
                    organizer=rng.choice(organisers),
                    provider=course.provider,
                    starts_on=start,
                    ends_on=start + dt.timedelta(days=rng.choice((1, 2, 4, 4, 9))),
                    status=TrainingClass.Status.CLOSED,
                    historic=True,
                    by=programme,
                )
            )
    assert len(classes) == HISTORIC_CLASSES
    classes = TrainingClass.objects.bulk_create(classes, batch_size=500)
    enrolments = []
    sizes = class_sizes(rng, len(classes), HISTORIC_TIMES)
    outsider = 0
    for klass, size in zip(classes, sizes, strict=True):
        decided = timezone.make_aware(dt.datetime.combine(klass.starts_on, dt.time(8)))
        for person in _sample(rng, order, cumulative, size):
            roll = rng.random()
            if roll < 0.05:  # named on the list, not found in the registry
                outsider += 1
                enrolments.append(
                    _enrolment(
                        klass,
                        None,
                        person[1],
                        completed=rng.random() < 0.9,
                        by=programme,
                        at=decided,
                        full_name=OUTSIDER_NAMES[outsider % len(OUTSIDER_NAMES)] + f" {outsider}",
                        match=Enrollment.Match.UNMATCHED,
                    )
                )
            elif roll < 0.06:  # a namesake: waits for a person to decide
                enrolments.append(
                    _enrolment(
                        klass,
                        None,
                        person[1],
                        completed=True,
                        by=programme,
                        at=decided,
                        full_name=person[2],
                        match=Enrollment.Match.REVIEW,
                    )
                )
            else:
                enrolments.append(
                    _enrolment(
                        klass,
                        person[0],
                        person[1],
                        completed=rng.random() < 0.93,
                        by=programme,
                        at=decided,
                        full_name=person[2],
                        date_of_birth=person[3],
                    )
                )
    Enrollment.objects.bulk_create(enrolments, batch_size=2000)
    counts["historic_classes"] = len(classes)
    counts["historic_participant_times"] = len(enrolments)

    # --- the cooperation year: 500 staff trained ----------------------------------------
    taken = rng.sample(people, COOPERATION_PEOPLE)
    coop = []
    start = dt.date(2024, 9, 9)
    for k in range(COOPERATION_CLASSES):
        course = courses[k % len(courses)]
        begins = start + dt.timedelta(days=30 * k)
        coop.append(
            _class(
                course,
                code=f"HT-2024-{k + 1:02d}",
                name=f"{course.title} — năm hợp tác, lớp {k + 1}",
                organizer=trainer_org if k % 3 == 0 else agency,
                provider=schools[k % len(schools)] if schools else None,
                starts_on=begins,
                ends_on=begins + dt.timedelta(days=4),
                status=TrainingClass.Status.CLOSED,
                historic=False,
                by=programme,
            )
        )
    coop = TrainingClass.objects.bulk_create(coop)
    per_class = COOPERATION_PEOPLE // COOPERATION_CLASSES
    Enrollment.objects.bulk_create(
        (
            _enrolment(
                coop[i // per_class],
                p[0],
                p[1],
                completed=rng.random() < 0.95,
                by=programme,
                at=now,
                full_name=p[2],
                date_of_birth=p[3],
            )
            for i, p in enumerate(taken)
        ),
        batch_size=2000,
    )
    counts["cooperation_classes"] = len(coop)
    counts["cooperation_people"] = len(taken)

    # --- today: one class open for nominations, one running ------------------------------
    counts.update(_current(rng, courses, trainer_org, people, linked, programme, today, now))
    audit.record(
        actor=SYSTEM,
        action="trainingclass.bulk_load",
        object_type=TrainingClass._meta.label_lower,
        object_repr=LABEL,
        organization=agency,
        new=counts,
    )

    # --- degree training: 797 people sent to degree programmes ---------------------------
    degrees = degree_rows(rng, people, schools, today)
    DegreeTraining.objects.bulk_create(degrees, batch_size=1000)
    audit.record(
        actor=SYSTEM,
        action="degreetraining.bulk_load",
        object_type=DegreeTraining._meta.label_lower,
        object_repr=LABEL,
        organization=agency,
        new={"degree_trainees": len(degrees)},
    )
    assert len(degrees) == DEGREE_TRAINEES
    counts["degree_trainees"] = len(degrees)
    WorkforceTarget.objects.get_or_create(
        indicator=WorkforceTarget.Indicator.WORKFORCE_TRAINED,
        year=2025,
        defaults={
            "percent": 30,
            "source": "Kế hoạch của Thành phố: ≥ 30 % đội ngũ được tập huấn trong 5 năm gần nhất",
        },
    )
    counts["accounts_linked"] = len(linked)
    return counts


def _link_accounts() -> dict[str, int]:
    """Link the demo field instructors' accounts to their registry person (found by the
    e-mail the practicum's demo gives them); returns username → person id."""
    linked = {}
    for username in ACCOUNTS_LINKED:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        person = Person.objects.filter(email=f"{username}@demo.ctxh.vn").first()
        if person is None or (person.user_id and person.user_id != user.pk):
            continue
        if Person.objects.filter(user=user).exclude(pk=person.pk).exists():
            continue
        Person.objects.filter(pk=person.pk).update(user=user)
        linked[username] = person.pk
    return linked


def _courses(schools) -> list[Course]:
    rows = []
    for i, (code, title, topic, hours, level) in enumerate(COURSES):
        provider = schools[i % len(schools)] if schools and i % 2 == 0 else None
        rows.append(
            Course(
                code=code,
                title=title,
                topic=topic,
                hours=hours,
                level=level,
                provider=provider,
                target_audience="Cán bộ, công chức, viên chức và cộng tác viên công tác xã hội",
                search_text=normalize(f"{code} {title} {topic}"),
            )
        )
    return Course.objects.bulk_create(rows)


def _class(course, *, code, name, organizer, provider, starts_on, ends_on, status, historic, by):
    return TrainingClass(
        course=course,
        code=code,
        name=name,
        organizer=organizer,
        provider=provider,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=150,
        funding="programme" if not historic else "state",
        status=status,
        historic=historic,
        created_by=by,
        venue="Hội trường Sở Y tế"
        if organizer.code == "SYT-HCM"
        else "Hội trường " + organizer.name,
        search_text=normalize(f"{code} {name}"),
    )


def _enrolment(
    klass, person_id, org_id, *, completed, by, at, full_name="", date_of_birth=None, match=None
):
    return Enrollment(
        training_class=klass,
        person_id=person_id,
        organization_id=org_id,
        full_name=full_name,
        date_of_birth=date_of_birth,
        match_status=match or Enrollment.Match.REGISTRY,
        status=Enrollment.Status.ACCEPTED,
        completed=completed,
        nominated_by=by,
        decided_at=at,
    )


def _sample(rng, order, cumulative, size):
    """``size`` distinct people drawn by weight (``cumulative`` weights of ``order``)."""
    chosen: dict[int, tuple] = {}
    total = cumulative[-1]
    while len(chosen) < size:
        person = order[bisect_left(cumulative, rng.random() * total)]
        chosen.setdefault(person[0], person)
    return list(chosen.values())


def _current(rng, courses, trainer_org, people, linked, programme, today, now) -> dict:
    """The class open for nominations and the one running today with its sessions."""
    open_class, running = TrainingClass.objects.bulk_create(
        [
            _class(
                courses[0],
                code=f"LTH-{today.year}-MO",
                name=f"{courses[0].title} — khóa mở đăng ký {today.year}",
                organizer=trainer_org,
                provider=courses[0].provider,
                starts_on=today + dt.timedelta(days=21),
                ends_on=today + dt.timedelta(days=25),
                status=TrainingClass.Status.OPEN,
                historic=False,
                by=programme,
            ),
            _class(
                courses[1],
                code=f"LTH-{today.year}-DANGHOC",
                name=f"{courses[1].title} — khóa đang học {today.year}",
                organizer=trainer_org,
                provider=courses[1].provider,
                starts_on=today,
                ends_on=today + dt.timedelta(days=2),
                status=TrainingClass.Status.RUNNING,
                historic=False,
                by=programme,
            ),
        ]
    )
    open_class.self_registration = True
    TrainingClass.objects.filter(pk=open_class.pk).update(self_registration=True, capacity=40)
    TrainingClass.objects.filter(pk=running.pk).update(capacity=30)
    sessions = [
        ClassSession(
            training_class=running,
            date=today + dt.timedelta(days=d),
            starts_at=dt.time(8, 0),
            ends_at=dt.time(11, 30),
            venue="Hội trường " + trainer_org.name,
            topic=f"Buổi {d + 1}",
        )
        for d in range(3)
    ] + [
        ClassSession(
            training_class=open_class,
            date=open_class.starts_on + dt.timedelta(days=d),
            starts_at=dt.time(8, 0),
            ends_at=dt.time(16, 30),
            venue="Hội trường " + trainer_org.name,
        )
        for d in range(5)
    ]
    ClassSession.objects.bulk_create(sessions)
    linked_ids = set(linked.values())
    by_pk = {p[0]: p for p in people}
    running_people = [by_pk[pk] for pk in linked_ids if pk in by_pk]
    running_people += [p for p in rng.sample(people, 40) if p[0] not in linked_ids][
        : 25 - len(running_people)
    ]
    nominated = [p for p in rng.sample(people, 20) if p[0] not in linked_ids][:8]
    Enrollment.objects.bulk_create(
        [
            _enrolment(
                running,
                p[0],
                p[1],
                completed=None,
                by=programme,
                at=now,
                full_name=p[2],
                date_of_birth=p[3],
            )
            for p in running_people
        ]
        + [
            Enrollment(
                training_class=open_class,
                person_id=p[0],
                organization_id=p[1],
                full_name=p[2],
                date_of_birth=p[3],
                status=Enrollment.Status.NOMINATED,
            )
            for p in nominated
        ]
    )
    return {"running_participants": len(running_people), "nominations": len(nominated)}
