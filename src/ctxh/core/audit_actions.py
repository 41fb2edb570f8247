"""What each audit action code means, as a phrase a person reads ("Sửa thông tin người").

Services write short codes (``person.update``); the audit page shows phrases. Core cannot
import the apps above it, so each app keeps the phrases of its own codes in a module
``<app>/audit_actions.py`` holding a dict ``ACTIONS`` (code → lazily translated phrase);
the registry reads those modules of the installed apps the first time it is asked, like the
admin's autodiscovery. The same module may say which page an audit row about one of its
objects links to (``OBJECT_URLS``). A code nobody described still reads as words: the action's verb
and the object's kind ("Sửa đổi: tổ chức"), never as the raw code.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .searchtext import normalize

# Core's own codes (an Excel import of any kind is "import.<kind>").
ACTIONS = {
    "import": _("Imported data from Excel"),
    "job.start": _("Started a background job"),
    "job.finish": _("Finished a background job"),
    "job.fail": _("A background job failed"),
}

_VERBS = {
    "create": _("Created"),
    "add": _("Added"),
    "update": _("Edited"),
    "change": _("Edited"),
    "delete": _("Deleted"),
    "remove": _("Removed"),
    "submit": _("Submitted"),
    "approve": _("Approved"),
    "reject": _("Rejected"),
    "cancel": _("Cancelled"),
    "load": _("Loaded"),
    "import": _("Imported"),
    "export": _("Exported"),
    "transition": _("Changed the status"),
    "grant": _("Granted"),
    "revoke": _("Revoked"),
}

_registry: dict[str, Promise | str] = {}
_object_urls: dict[str, str | tuple[str, str]] = {}
_discovered = False


def register(actions: dict[str, Promise | str]) -> None:
    """Add phrases for action codes (an app may also call this from its ``ready()``)."""
    _registry.update(actions)


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    _discovered = True
    for config in apps.get_app_configs():
        if not config.name.startswith("ctxh."):
            continue
        name = f"{config.name}.audit_actions"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        for code, phrase in getattr(module, "ACTIONS", {}).items():
            _registry.setdefault(code, phrase)
        for object_type, spec in getattr(module, "OBJECT_URLS", {}).items():
            _object_urls.setdefault(object_type, spec)


def registered() -> dict[str, Promise | str]:
    """Every described code and its phrase."""
    _discover()
    return dict(_registry)


def object_url_spec(object_type: str) -> str | tuple[str, str] | None:
    """How to link an audit row about ``object_type`` (an app's ``OBJECT_URLS``): a URL
    name taking the object's id, or (URL name, field holding the linked object's id)."""
    _discover()
    return _object_urls.get(object_type)


def known_codes() -> list[str]:
    """The described codes and one "import.<kind>" per import kind."""
    from .importing.spec import all_kinds

    return sorted(set(registered()) | {f"import.{kind.name}" for kind in all_kinds()})


def _import_kind_title(kind: str) -> str:
    from .importing.spec import get_kind

    found = get_kind(kind)
    return str(found.title) if found else kind


def _model_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label.replace("_", " ")


def label(code: str, object_type: str = "") -> str:
    """The phrase for ``code`` in the active language."""
    _discover()
    if code in _registry:
        return str(_registry[code])
    head, _dot, tail = code.partition(".")
    if head == "import" and tail:
        return gettext("%(action)s: %(kind)s") % {
            "action": _registry["import"],
            "kind": _import_kind_title(tail),
        }
    verb = _VERBS.get(tail.split(".")[-1] if tail else head)
    if verb is None:
        return code
    thing = _model_name(object_type) if object_type else head.replace("_", " ")
    return gettext("%(action)s: %(kind)s") % {"action": verb, "kind": thing}


def choices(codes: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(code, phrase) for the registered codes and ``codes``, sorted by phrase."""
    every = set(known_codes()) | set(codes)
    return sorted(((c, label(c)) for c in every), key=lambda item: normalize(item[1]))


def codes_matching(term: str, codes: Iterable[str] = ()) -> list[str]:
    """The codes whose phrase, in Vietnamese or English, contains the normalised ``term``."""
    from django.utils import translation

    every = set(known_codes()) | set(codes)
    found = []
    for code in every:
        texts = [label(code)]
        for language in ("vi", "en"):
            with translation.override(language):
                texts.append(label(code))
        if any(term in normalize(text) for text in texts):
            found.append(code)
    return sorted(found)
