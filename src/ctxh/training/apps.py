from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "ctxh.training"
    verbose_name = _("Training")

    def ready(self):
        from ctxh.core.navigation import NavItem, register

        register(NavItem(_("Training"), "training:index", "training.TrainingClass", order=50))
        from . import panels  # noqa: F401  (the home page's to-dos register)

        _register_permissions()


def _register_permissions() -> None:
    """The training's rows of the one permission table.

    Classes and the catalogue are seen by every organisation that may send staff. The
    organiser or provider of a class (a trainer's organisation, ORG through either path)
    runs it: sessions, decisions on nominations, attendance. An organisation nominates and
    follows its own staff (ORG through the participant's organisation). A person sees their
    own enrolments and degree training (SELF, through ``person.user``).
    """
    from ctxh.accounts.roles import ALL, ORG, SELF, Role, register

    po, vw, tr, wo, fm, fi, sc = (
        Role.PROGRAMME_OFFICE,
        Role.VIEWER,
        Role.TRAINER,
        Role.WARD_OFFICER,
        Role.FACILITY_MANAGER,
        Role.FIELD_INSTRUCTOR,
        Role.SCHOOL_COORDINATOR,
    )
    everyone = {po: ALL, vw: ALL, tr: ALL, wo: ALL, fm: ALL, fi: ALL, sc: ALL}
    runs = {po: ALL, tr: ORG}
    register("training.course", {"view": everyone, "add": runs, "change": runs})
    register("training.trainingclass", {"view": everyone, "add": runs, "change": runs})
    register("training.classsession", {"view": everyone, "change": runs})
    register(
        "training.enrollment",
        {
            "view": {po: ALL, vw: ALL, tr: ORG, wo: ORG, fm: ORG, sc: ORG, fi: SELF},
            "nominate": {po: ALL, wo: ORG, fm: ORG, sc: ORG},
            "decide": runs,
            "import": runs,
            "statistics": {po: ALL, vw: ALL},
        },
        labels={
            "nominate": _("nominate staff to classes"),
            "decide": _("accept or decline participants"),
        },
    )
    register(
        "training.attendance",
        {"view": {po: ALL, vw: ALL, tr: ORG, wo: ORG, fm: ORG, sc: ORG, fi: SELF}, "change": runs},
    )
    keep = {po: ALL, wo: ORG, fm: ORG}
    register(
        "training.degreetraining",
        {"view": {**keep, vw: ALL, fi: SELF}, "add": keep, "change": keep},
    )
