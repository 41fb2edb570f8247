from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "ctxh.documents"
    verbose_name = _("Official documents")

    def ready(self):
        from ctxh.core.navigation import NavItem, register

        register(
            NavItem(_("Documents"), "documents:list", "documents.Document", order=45, menu="admin")
        )
        _register_permissions()


def _register_permissions() -> None:
    """The documents' rows of the one permission table.

    An organisation issues, voids and re-issues its own documents and keeps its own signer
    settings (the school's coordinator, the facility's manager, the trainer's organisation
    for the certificates of the classes it organises); the programme office acts
    for any organisation; the viewer reads. Anyone, signed in or not, may verify a document
    by its code (the public page asks no permission).
    """
    from ctxh.core.roles import ALL, ORG, Role, register

    po, vw, sc, fm, tr = (
        Role.PROGRAMME_OFFICE,
        Role.VIEWER,
        Role.SCHOOL_COORDINATOR,
        Role.FACILITY_MANAGER,
        Role.TRAINER,
    )
    own = {po: ALL, sc: ORG, fm: ORG, tr: ORG}
    register(
        "documents.document",
        {"view": {**own, vw: ALL}, "issue": own, "void": own},
        labels={"issue": _("issue documents"), "void": _("void documents")},
    )
    register("documents.register", {"view": {**own, vw: ALL}})
    register("documents.signersettings", {"view": {**own, vw: ALL}, "change": own})
