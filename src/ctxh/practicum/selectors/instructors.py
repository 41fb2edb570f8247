"""Who is a placement's field instructor, as a user account.

TODO(lead): the logbook branch adds ``FieldInstructor.user``; once merged, this matches on
it and the e-mail fallback goes (dedupe with that branch's version).
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist


def supervises(user, placement) -> bool:
    """Whether ``user`` is the field instructor named on ``placement``.

    Matched on the instructor's account (``FieldInstructor.user``) when that field exists,
    else on the workforce person's e-mail address (as the board's "my students" does)."""
    if not getattr(user, "pk", None) or not placement.instructor_id:
        return False
    fi = placement.instructor.instructor
    try:
        type(fi)._meta.get_field("user")
    except FieldDoesNotExist:
        pass
    else:
        return getattr(fi, "user_id", None) == user.pk
    email = (getattr(user, "email", "") or "").strip().lower()
    return bool(email) and (fi.person.email or "").strip().lower() == email
