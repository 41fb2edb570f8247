"""Reads of allocation runs: each student's explanation in words, two runs compared, the
outcomes table of a run."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from ctxh.core.searchtext import search_q
from ctxh.matching import Reason

from ..models import AllocationOutcome, AllocationRun, Offer


def offer_label(offer: Offer) -> str:
    """``Cơ sở X — CTXH cá nhân`` (facility and practice type; the facility loaded)."""
    return f"{offer.facility.name} — {offer.get_practice_type_display()}"


def offers_by_id(period_id: int) -> dict[int, Offer]:
    """Every offer of a period with its facility, for labels (one query)."""
    return {o.pk: o for o in Offer.objects.filter(period_id=period_id).select_related("facility")}


def _reason(code: str, detail: str) -> str:
    if code == Reason.NOT_ELIGIBLE:
        if detail:
            return _("not eligible: %(detail)s") % {"detail": detail.rstrip(".")}
        return _("not eligible")
    messages = {
        Reason.NOT_RANKED: _("the facility does not take this student"),
        Reason.SITE_FULL: _("the seats were filled by students with higher priority"),
        Reason.SCHOOL_QUOTA: _(
            "the quota for the student's school was filled by students with higher priority"
        ),
        Reason.INSTRUCTORS_FULL: _(
            "the field instructors were fully booked by students with higher priority"
        ),
    }
    return messages.get(code, code)


def explain(outcome: AllocationOutcome, offers_by_id: dict[int, Offer]) -> list[str]:
    """The student's outcome in sentences: why each offer ranked above the one obtained was
    not, then where the student was placed (or that they were not)."""

    def label(offer_id) -> str:
        offer = offers_by_id.get(offer_id)
        return offer_label(offer) if offer is not None else _("an offer no longer listed")

    lines = [
        _("Choice %(rank)s (%(offer)s): %(reason)s.")
        % {
            "rank": item.get("rank"),
            "offer": label(item.get("offer")),
            "reason": _reason(item.get("reason", ""), item.get("detail", "")),
        }
        for item in outcome.explanation or ()
    ]
    if outcome.offer_id is None:
        lines.append(_("Not placed."))
    elif outcome.outside_preferences:
        lines.append(
            _("Placed outside the preferences, at %(offer)s.") % {"offer": label(outcome.offer_id)}
        )
    else:
        lines.append(
            _("Placed at choice %(rank)s (%(offer)s).")
            % {"rank": outcome.rank, "offer": label(outcome.offer_id)}
        )
    return lines


OUTCOME_FILTERS = {
    "placed": Q(offer__isnull=False),
    "unplaced": Q(offer__isnull=True),
    "first": Q(rank=1),
    "outside": Q(outside_preferences=True),
}


def run_outcomes(run: AllocationRun, *, query: str = "", show: str = ""):
    """The outcomes of ``run``, searched by the student's name or code (accents ignored)
    and filtered (``placed``, ``unplaced``, ``first``, ``outside``), in name order."""
    qs = AllocationOutcome.objects.filter(run=run).select_related("student", "student__school")
    if query:
        qs = qs.filter(search_q(query, "student__search_text"))
    if show in OUTCOME_FILTERS:
        qs = qs.filter(OUTCOME_FILTERS[show])
    return qs.order_by("student__sort_key", "student_id")


def figure_labels() -> dict[str, str]:
    return {
        "students": _("Students"),
        "placed": _("Placed"),
        "first_choice": _("First choice"),
        "top_three": _("Top three"),
        "unplaced": _("Unplaced"),
        "mean_rank": _("Mean rank"),
        "unfilled_seats": _("Unfilled seats"),
    }


def runs_compare(run_a: AllocationRun, run_b: AllocationRun) -> dict:
    """Two runs of a period side by side: ``figures`` (label, a, b, b − a) and ``moves``,
    the students whose offer differs (with both outcomes: offer ids and ranks), in name
    order. Three queries."""
    labels = figure_labels()
    figures = []
    for key, label in labels.items():
        a, b = run_a.summary.get(key), run_b.summary.get(key)
        delta = None
        if isinstance(a, int | float) and isinstance(b, int | float):
            delta = round(b - a, 3) if isinstance(a, float) or isinstance(b, float) else b - a
        figures.append({"key": key, "label": label, "a": a, "b": b, "delta": delta})
    fields = ("student_id", "offer_id", "rank")
    a_rows = {
        s: (o, r) for s, o, r in AllocationOutcome.objects.filter(run=run_a).values_list(*fields)
    }
    moves = []
    for s, o, r, name, code, school in (
        AllocationOutcome.objects.filter(run=run_b)
        .order_by("student__sort_key", "student_id")
        .values_list(
            *fields, "student__full_name", "student__student_code", "student__school__name"
        )
    ):
        before = a_rows.get(s, (None, None))
        if before[0] != o:
            moves.append(
                {
                    "student_id": s,
                    "name": name,
                    "code": code,
                    "school": school,
                    "a_offer": before[0],
                    "a_rank": before[1],
                    "b_offer": o,
                    "b_rank": r,
                }
            )
    return {"figures": figures, "moves": moves}
