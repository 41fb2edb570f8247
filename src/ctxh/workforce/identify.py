"""Who in the registry a name on a list is: by citizen ID, else by name and date of birth.

Training attendance lists and class imports name people who may or may not be in the
registry. A guess would merge two people or split one, so :func:`identify_person` answers
*certain* only for a citizen ID found, or for exactly one person with the same name
(accent- and case-insensitively) and date of birth; anything else is a list of candidates
for a person to review.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ctxh.core.searchtext import normalize

from .models import Person


@dataclass(frozen=True)
class Identification:
    """The answer: ``person`` when certain; otherwise ``candidates`` to review (maybe none)."""

    person: Person | None
    certain: bool
    candidates: tuple[Person, ...] = field(default_factory=tuple)
    by: str = ""  # "cccd", "name_and_birth" or ""


def identify_person(
    *,
    cccd: str = "",
    full_name: str = "",
    date_of_birth: dt.date | None = None,
    people=None,
) -> Identification:
    """Find the registry person a listed participant is (``people``: the queryset to search,
    every person by default). A CCCD that names nobody falls back to name and birth date."""
    people = Person.objects.all() if people is None else people
    cccd = (cccd or "").strip()
    if cccd:
        found = people.filter(cccd=cccd).first()
        if found is not None:
            return Identification(person=found, certain=True, by="cccd")
    name = normalize(full_name)
    if not name:
        return Identification(person=None, certain=False)
    # search_text starts with the normalised full name (see Person.save); compare exactly.
    same_name = [
        p
        for p in people.filter(search_text__startswith=name).only(
            "pk", "full_name", "date_of_birth", "current_organization", "search_text"
        )[:50]
        if normalize(p.full_name) == name
    ]
    if date_of_birth is not None:
        born = [p for p in same_name if p.date_of_birth == date_of_birth]
        if len(born) == 1:
            return Identification(person=born[0], certain=True, by="name_and_birth")
        if born:
            return Identification(person=None, certain=False, candidates=tuple(born))
    return Identification(person=None, certain=False, candidates=tuple(same_name[:10]))
