"""The programme office's review of flagged headcounts: the list of figures awaiting
review (facility, group, previous, new, capacity, the facility's reason) and the decision
on each, one by one: accept, or return to the facility with a comment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ctxh.core.permissions import get_visible_or_404, require

from ..forms import HeadcountReviewForm
from ..models import ResidentCount
from ..selectors import headcount_review_queue
from ..services import headcount_accept, headcount_return


@login_required
def headcount_review_list(request):
    """Flagged figures awaiting review, oldest first, each with its accept/return form."""
    require(request.user, ResidentCount, "review")
    page = Paginator(headcount_review_queue(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "organizations/headcount_reviews.html", {"page": page})


@login_required
@require_POST
def headcount_review(request, pk: int):
    """Accept or return one flagged figure (a return needs a comment for the facility)."""
    entry = get_visible_or_404(request.user, ResidentCount, "review", pk=pk)
    form = HeadcountReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("organizations:headcount-reviews")
    comment = form.cleaned_data["comment"]
    label = f"{entry.facility} · {entry.target_group.name} · {entry.period_end:%d/%m/%Y}"
    try:
        if form.cleaned_data["decision"] == "accept":
            headcount_accept(entry=entry, by=request.user, comment=comment)
            messages.success(request, _("Accepted: %(entry)s.") % {"entry": label})
        else:
            headcount_return(entry=entry, by=request.user, comment=comment)
            messages.success(request, _("Returned to the facility: %(entry)s.") % {"entry": label})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("organizations:headcount-reviews")
