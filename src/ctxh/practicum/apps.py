from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticumConfig(AppConfig):
    name = "ctxh.practicum"
    verbose_name = _("Student practicum")

    def ready(self):
        from ctxh.core.navigation import NavItem, register

        register(NavItem(_("Practicum"), "practicum:board", "practicum.PlacementPeriod", order=40))
        _register_permissions()
        from . import jobs, panels  # noqa: F401  (job handlers, home panels and to-dos register)
        from .services.reminders import register_reminders

        register_reminders()  # ``ctxh remind``


def _register_permissions() -> None:
    """The practicum's rows of the one permission table.

    Everyone in the procedure sees the network, the periods and the published offers. A
    school keeps its rounds, students and their preferences; a student only their own
    records (SELF). A placement belongs to its school and its facility at once: each sees
    it (ORG through either path) and the facility decides on it. The programme office runs
    and commits allocations and moves students by hand.
    """
    from ctxh.accounts.roles import ALL, ORG, SELF, Role, register

    po, vw, sc, st, fm, fi = (
        Role.PROGRAMME_OFFICE,
        Role.VIEWER,
        Role.SCHOOL_COORDINATOR,
        Role.STUDENT,
        Role.FACILITY_MANAGER,
        Role.FIELD_INSTRUCTOR,
    )
    everyone = {po: ALL, vw: ALL, sc: ALL, st: ALL, fm: ALL, fi: ALL}
    register(
        "practicum.practicesite",
        {"view": everyone, "change": {po: ALL, fm: ORG}},
    )
    register(
        "practicum.placementperiod",
        {"view": everyone, "manage": {po: ALL}},
        labels={"manage": _("manage placement periods")},
    )
    school = {po: ALL, sc: ORG}
    register(
        "practicum.round",
        {"view": {po: ALL, vw: ALL, sc: ORG}, "add": school, "change": school, "import": school},
    )
    register(
        "practicum.student",
        {
            "view": {po: ALL, vw: ALL, sc: ORG, st: SELF},
            "add": school,
            "change": school,
            # The schools compared across years (a school its own figures).
            "compare": {po: ALL, vw: ALL, sc: ORG},
        },
        labels={"compare": _("compare schools across years")},
    )
    facility = {po: ALL, fm: ORG}
    register(
        "practicum.periodinstructor",
        {"view": {po: ALL, vw: ALL, fm: ORG, fi: ORG, sc: ALL}, "change": facility},
    )
    register(
        "practicum.offer",
        {"view": everyone, "change": facility, "publish": facility},
        labels={"publish": _("publish offers")},
    )
    register("practicum.schoolquota", {"view": everyone, "change": facility})
    register(
        "practicum.preference",
        {
            "view": {po: ALL, vw: ALL, sc: ORG, st: SELF},
            "change": {po: ALL, sc: ORG, st: SELF},
        },
    )
    register(
        "practicum.allocationrun",
        {"view": {po: ALL, vw: ALL}, "run": {po: ALL}, "commit": {po: ALL}},
        labels={"run": _("run allocations"), "commit": _("commit allocations")},
    )
    register("practicum.allocationoutcome", {"view": {po: ALL, vw: ALL}})
    register(
        "practicum.placement",
        {
            "view": {po: ALL, vw: ALL, sc: ORG, fm: ORG, fi: ORG, st: SELF},
            "decide": facility,
            "move": {po: ALL},
            # Part 2: the facility starts and confirms the practice (the placement's own
            # field instructor too: a rule of the transition table, not a row here);
            # the school, the facility or the programme office interrupts it.
            "start": facility,
            "complete": facility,
            "interrupt": {po: ALL, sc: ORG, fm: ORG},
            # Sites and instructors compared across years: a facility its own rows, a
            # school its students', an instructor their own students' (narrowed by
            # ctxh.practicum.selectors.comparisons.compare_q).
            "compare": {po: ALL, vw: ALL, sc: ORG, fm: ORG, fi: ORG},
        },
        labels={
            "decide": _("accept or decline students"),
            "move": _("move students by hand"),
            "start": _("start a student's practice"),
            "complete": _("confirm a practice's completion"),
            "interrupt": _("interrupt a placement"),
            "compare": _("compare sites and instructors across years"),
        },
    )
    _register_part_two(everyone)


def _register_part_two(everyone) -> None:
    """Supervision, rubrics, evaluations and grades. The roles say where a user may act;
    who on a placement (its own instructor, its own student) is checked by the services
    (:mod:`ctxh.practicum.selectors.placement_roles`)."""
    from ctxh.accounts.roles import ALL, ORG, SELF, Role, register

    po, vw, sc, st, fm, fi = (
        Role.PROGRAMME_OFFICE,
        Role.VIEWER,
        Role.SCHOOL_COORDINATOR,
        Role.STUDENT,
        Role.FACILITY_MANAGER,
        Role.FIELD_INSTRUCTOR,
    )
    on_placement = {po: ALL, vw: ALL, sc: ORG, fm: ORG, fi: ORG, st: SELF}
    register(
        "practicum.supervisionsession",
        {"view": on_placement, "add": {sc: ORG, fi: ORG}, "change": {sc: ORG, fi: ORG}},
    )
    register("practicum.rubric", {"view": {po: ALL, vw: ALL, sc: ORG}, "change": {sc: ORG}})
    register("practicum.competency", {"view": {po: ALL, vw: ALL, sc: ORG}})
    register(
        "practicum.evaluation",
        {"view": on_placement, "add": {fi: ORG, st: SELF}},
        labels={"add": _("submit evaluations")},
    )
    register(
        "practicum.grade",
        {"view": {po: ALL, vw: ALL, sc: ORG, st: SELF}, "change": {sc: ORG}},
    )
    # In practice (part 2): the logbook and the learning agreement. Everyone of the
    # placement reads them (the student their own); the student writes; the field
    # instructor reaches their facility's through "supervise", narrowed to their own
    # students by ctxh.practicum.selectors.instructors.supervises; the school's coordinator
    # approves agreements ("decide").
    in_practice = {po: ALL, vw: ALL, sc: ORG, fm: ORG, st: SELF}
    register(
        "practicum.logentry",
        {"view": in_practice, "add": {st: SELF}, "supervise": {fi: ORG}},
        labels={
            "add": _("write one's logbook"),
            "supervise": _("approve the logbooks of one's students"),
        },
    )
    register(
        "practicum.learningagreement",
        {
            "view": in_practice,
            "change": {st: SELF},
            "supervise": {fi: ORG},
            "decide": {sc: ORG},
        },
        labels={
            "change": _("write one's learning agreement"),
            "supervise": _("approve the learning agreements of one's students"),
            "decide": _("approve learning agreements for the school"),
        },
    )
