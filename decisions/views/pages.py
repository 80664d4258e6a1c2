"""The decisions pages that read: register, decision page, PDF (the forms are in `edit`)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.actors import web_actor
from core.paging import paginate
from core.pdf import pdf_response, render_pdf
from decisions import permissions, selectors
from decisions.diff import paragraph_diff
from decisions.filters import DecisionFilter
from decisions.forms import VersionsForm
from members import selectors as member_selectors


@require_safe
def register(request):
    """The decisions register: filters by kind, status, year, meeting, member position; search."""
    actor = web_actor(request)
    decision_filter = DecisionFilter(
        request.GET, queryset=selectors.decision_list(actor=actor), request=request
    )
    decisions = decision_filter.qs if decision_filter.is_valid() else decision_filter.queryset.none()
    page = paginate(request, decisions.order_by("-created_at", "-id"), per_page=100)
    return render(
        request,
        "decisions/register.html",
        {"filter": decision_filter, "page": page, "can_manage": permissions.can_manage_decisions(actor)},
    )


@require_safe
def detail(request, pk: int):
    actor = web_actor(request)
    decision = selectors.decision_get(actor=actor, pk=pk)
    procedures = selectors.decision_procedures(actor=actor, decision=decision)
    can_manage = permissions.can_manage_decisions(actor)
    answerable = selectors.answerable_ids(actor=actor, procedures=procedures)
    return render(
        request,
        "decisions/decision_detail.html",
        {
            "decision": decision,
            "procedures": [
                (p, selectors.procedure_positions(actor=actor, procedure=p), p.pk in answerable)
                for p in procedures
            ],
            "moves": selectors.decision_moves(decision=decision),
            "versions": selectors.decision_versions(decision=decision),
            "can_manage": can_manage,
            "can_open": can_manage and selectors.procedure_openable(decision),
            "viewer_tz": selectors.viewer_time_zone(actor=actor),
        },
    )


@require_safe
def pdf(request, pk: int):
    """The adopted text as a PDF, named after its reference (FORGE-2026-D-7.pdf)."""
    actor = web_actor(request)
    decision = selectors.decision_get(actor=actor, pk=pk)
    procedures = selectors.decision_procedures(actor=actor, decision=decision)
    closed = [p for p in procedures if not p.is_open]
    context = {
        "decision": decision,
        "procedure": closed[0] if closed else None,
        "statements": selectors.procedure_positions(actor=actor, procedure=closed[0]) if closed else [],
        "title": decision.reference or decision.title,
    }
    name = (decision.reference or f"decision-{decision.pk}").replace("/", "-")
    return pdf_response(render_pdf("decisions/decision_pdf.html", context), filename=f"{name}.pdf")


@require_safe
def diff(request, pk: int):
    """Word by word, what changed in the numbered paragraphs between two versions."""
    actor = web_actor(request)
    decision = selectors.decision_get(actor=actor, pk=pk)
    versions = {v.number: v for v in selectors.decision_versions(decision=decision)}
    form = VersionsForm(request.GET, numbers=sorted(versions))
    older = newer = None
    if form.is_valid():
        older, newer = versions[form.cleaned_data["older"]], versions[form.cleaned_data["newer"]]
    return render(
        request,
        "decisions/diff.html",
        {
            "decision": decision,
            "form": form,
            "older": older,
            "newer": newer,
            "paragraphs": paragraph_diff(older.paragraphs, newer.paragraphs) if older else [],
        },
    )


@require_safe
def positions(request):
    """The grid of procedures x members: who supported, objected, made a statement, kept silent."""
    actor = web_actor(request)
    page = paginate(request, selectors.grid_procedures(actor=actor), per_page=50)
    members, rows = selectors.positions_grid(actor=actor, procedures=list(page))
    return render(request, "decisions/positions.html", {"page": page, "members": members, "rows": rows})


@require_safe
def member_record(request, iso2: str):
    """One member's answers across every procedure that asked it."""
    actor = web_actor(request)
    member = member_selectors.member_get(actor=actor, iso2=iso2)
    rows = selectors.member_record(actor=actor, member=member)
    return render(request, "decisions/member_record.html", {"member": member, "rows": rows})
