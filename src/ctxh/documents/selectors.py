"""Reads of documents shared by the pages: the public verification and the issuer's list."""

from __future__ import annotations

from django.db.models import QuerySet

from ctxh.core.searchtext import search_q

from .models import Document


def holder_initials(full_name: str) -> str:
    """A Vietnamese name shortened for a public page: the family name in full, then the
    initial of every other word — “Nguyễn Thị Hoa” → “Nguyễn T. H.”."""
    words = (full_name or "").split()
    if len(words) <= 1:
        return words[0] if words else ""
    return " ".join([words[0], *(f"{word[0].upper()}." for word in words[1:])])


def verification(code: str) -> dict | None:
    """What the public page may say about the document with ``code``, or None when no
    document has it: kind, number, date, issuer, the holder's initials, whether it is
    valid, and when voided the date and the replacing document's number. Nothing else."""
    document = (
        Document.objects.select_related("organization")
        .filter(code=code)
        .only(
            "kind",
            "number",
            "symbol",
            "issued_on",
            "title",
            "holder_name",
            "holder_is_person",
            "status",
            "voided_at",
            "organization__name",
        )
        .first()
    )
    if document is None:
        return None
    replacement = (
        Document.objects.filter(replaces=document).only("number", "symbol", "issued_on").first()
    )
    holder = document.holder_name
    return {
        "kind": document.get_kind_display(),
        "title": document.title,
        "reference": document.reference,
        "issued_on": document.issued_on,
        "issuer": document.organization.name,
        "holder": holder_initials(holder) if document.holder_is_person else holder,
        "valid": document.status == Document.Status.VALID,
        "voided_at": document.voided_at,
        "replaced_by": replacement.reference if replacement else None,
        "replaced_on": replacement.issued_on if replacement else None,
    }


def document_list(user, *, query: str = "", organization=None) -> QuerySet[Document]:
    """The documents ``user`` may see, newest first, matching ``query`` (number, holder or
    title, accent-insensitive), of ``organization`` when given."""
    found = Document.objects.visible_to(user, "view").select_related("organization")
    if organization is not None:
        found = found.filter(organization=organization)
    return found.filter(search_q(query)).order_by("-issued_on", "-year", "-number", "-id")
