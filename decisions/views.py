"""Web pages of the decisions app: thin views over selectors and services."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from core.actors import web_actor
from core.errors import NotFound
from core.paging import paginate
from core.pdf import pdf_response, render_pdf
from decisions import permissions, selectors
from decisions.filters import DecisionFilter


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


def _decision_or_404(actor, pk: int):
    try:
        return selectors.decision_get(actor=actor, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def detail(request, pk: int):
    actor = web_actor(request)
    decision = _decision_or_404(actor, pk)
    procedures = selectors.decision_procedures(actor=actor, decision=decision)
    members, grid = selectors.positions_grid(actor=actor, procedures=procedures)
    return render(
        request,
        "decisions/decision_detail.html",
        {
            "decision": decision,
            "procedures": [(p, selectors.procedure_positions(actor=actor, procedure=p)) for p in procedures],
            "grid_members": members,
            "grid": grid,
            "moves": selectors.decision_moves(decision=decision),
            "versions": selectors.decision_versions(decision=decision),
        },
    )


def pdf(request, pk: int):
    """The adopted text as a PDF, named after its reference (FORGE-2026-D-7.pdf)."""
    actor = web_actor(request)
    decision = _decision_or_404(actor, pk)
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
