"""Web pages of the projects app: thin views over selectors, forms and services."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.actors import web_actor
from core.forms import call_service
from core.paging import paginate
from core.selectors import audit_history
from projects import coverage as coverage_module
from projects import permissions, selectors, services
from projects.choices import FundingStatus
from projects.codes import country_name
from projects.filters import MineralFilter, ProjectFilter
from projects.forms import (
    CommitmentForm,
    MilestoneForm,
    ParticipantForm,
    ProjectForm,
    StageForm,
    UpdateForm,
    member_choices_for,
)
from projects.money import format_amount

PROJECT_SORTS = {
    "title": ("title", "id"),
    "stage": ("stage", "title"),
    "host": ("host_country", "title"),
    "updated": ("-updated_at", "id"),
}


def _filtered_projects(request, actor):
    project_filter = ProjectFilter(request.GET, queryset=selectors.project_list(actor=actor))
    projects = project_filter.qs if project_filter.is_valid() else project_filter.queryset.none()
    sort = request.GET.get("sort", "title")
    return project_filter, projects.order_by(*PROJECT_SORTS.get(sort, PROJECT_SORTS["title"])), sort


def portfolio(request):
    actor = web_actor(request)
    project_filter, projects, sort = _filtered_projects(request, actor)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/portfolio.html",
        {
            "filter": project_filter,
            "page": paginate(request, projects, per_page=100),
            "sort": sort,
            "totals": selectors.portfolio_totals(projects),
            "query": query.urlencode(),
            "can_manage": permissions.can_manage_projects(actor),
            "today": selectors.today(),
        },
    )


class _Echo:
    """A file-like object whose write returns the line, so csv.writer feeds a generator."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    """Neutralise spreadsheet formulas in free text (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_HEADER = [
    "id",
    "title",
    "example",
    "minerals",
    "segment",
    "stage",
    "host_country",
    "host_country_name",
    "lead_member",
    "participants",
    "budget_amount",
    "budget_currency",
    "confidentiality",
    "overdue_milestones",
    "last_update_utc",
    "updated_at_utc",
]


def _csv_rows(projects) -> Iterator[list[str]]:
    yield CSV_HEADER
    # Chunks keep memory flat; each chunk costs one query per prefetch, a fixed number for a page.
    for project in projects.iterator(chunk_size=1000):
        yield [
            str(project.pk),
            _cell(project.title),
            "yes" if project.is_example else "no",
            "; ".join(sorted(mineral.name for mineral in project.minerals.all())),
            project.get_segment_display(),
            project.get_stage_display(),
            project.host_country,
            country_name(project.host_country),
            project.lead_member.iso2,
            "; ".join(
                f"{p.member.iso2} ({p.get_role_display().lower()})" for p in project.participants.all()
            ),
            "" if project.budget_amount is None else f"{project.budget_amount:.2f}",
            project.budget_currency,
            project.get_confidentiality_display(),
            str(project.overdue_milestones),
            project.last_update_at.strftime("%Y-%m-%dT%H:%M:%SZ") if project.last_update_at else "",
            project.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        ]


def portfolio_csv(request):
    """Exactly the projects the portfolio shows for the same filters and order, streamed."""
    actor = web_actor(request)
    _, projects, _ = _filtered_projects(request, actor)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _csv_rows(projects)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="forge-projects-{stamp}.csv"'
    return response


def project_detail(request, pk: int):
    actor = web_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    today = selectors.today()
    milestones = list(selectors.milestone_list(actor=actor, on=today).filter(project=project))
    commitments = list(selectors.commitment_list(actor=actor).filter(project=project))
    updates = list(selectors.update_list(actor=actor).filter(project=project))
    can_work = permissions.can_work_on(actor, project)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "participants": list(project.participants.all()),
            "stage_changes": selectors.stage_history(project=project),
            "milestones": milestones,
            "commitments": commitments,
            "funding": selectors.funding_totals(
                selectors.commitment_list(actor=actor).filter(project=project)
            ),
            "updates": updates,
            "today": today,
            "can_manage": permissions.can_manage_projects(actor),
            "can_work": can_work,
            "can_move_stage": permissions.can_move_stage(actor, project),
            "editable_commitments": {c.pk for c in commitments if permissions.can_edit_commitment(actor, c)},
            "update_form": UpdateForm() if can_work else None,
            "host_name": country_name(project.host_country),
            "pledged": FundingStatus.PLEDGED,
            "history": audit_history([project, *milestones, *commitments], limit=40),
        },
    )


def _form_page(request, form, *, title: str, project=None, submit: str = "Save", history=None):
    return render(
        request,
        "projects/form.html",
        {"form": form, "title": title, "project": project, "submit": submit, "history": history},
    )


def _changed(form) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}


@require_http_methods(["GET", "POST"])
def project_create(request):
    actor = web_actor(request)
    if not permissions.can_manage_projects(actor):
        raise PermissionDenied("Only the secretariat registers joint projects.")
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(form, lambda: services.project_create(actor=actor, **form.cleaned_data))
        if saved:
            messages.success(request, f"Registered {saved.title}.")
            return redirect(saved)
    return _form_page(request, form, title="Register a joint project")


@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    actor = web_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    permissions.require(
        permissions.can_manage_projects(actor), actor, project, "Only the secretariat edits this."
    )
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        changed = _changed(form)
        saved = call_service(form, lambda: services.project_update(actor=actor, project=project, **changed))
        if saved:
            messages.success(request, f"Saved {saved.title}.")
            return redirect(saved)
    return _form_page(request, form, title=f"Edit {project.title}", project=project)


@require_http_methods(["GET", "POST"])
def project_stage(request, pk: int):
    actor = web_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    permissions.require(
        permissions.can_move_stage(actor, project),
        actor,
        project,
        "Only the secretariat or the lead moves the stage.",
    )
    form = StageForm(request.POST or None, initial={"stage": project.stage})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form,
            lambda: services.project_stage_change(
                actor=actor, project=project, to_stage=data["stage"], on=data["on"], note=data["note"]
            ),
        )
        if saved:
            messages.success(request, f"{saved.title} is now at {saved.get_stage_display().lower()}.")
            return redirect(saved)
    return _form_page(request, form, title=f"Move the stage of {project.title}", project=project)


@require_http_methods(["GET", "POST"])
def participant_add(request, pk: int):
    actor = web_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    permissions.require(
        permissions.can_manage_projects(actor), actor, project, "Only the secretariat does this."
    )
    form = ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, lambda: services.participant_add(actor=actor, project=project, **form.cleaned_data)
        )
        if saved:
            messages.success(request, f"{saved.member.name} now takes part.")
            return redirect(project)
    return _form_page(request, form, title=f"Add a participant to {project.title}", project=project)


@require_POST
def participant_remove(request, pk: int):
    actor = web_actor(request)
    participant = selectors.participant_get(actor=actor, pk=pk)
    services.participant_remove(actor=actor, participant=participant)
    messages.success(request, f"{participant.member.name} no longer takes part.")
    return redirect(participant.project)


@require_http_methods(["GET", "POST"])
def milestone_create(request, pk: int):
    actor = web_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    _require_work(actor, project)
    form = MilestoneForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, lambda: services.milestone_create(actor=actor, project=project, **form.cleaned_data)
        )
        if saved:
            messages.success(request, f"Added the milestone “{saved.title}”.")
            return redirect(project)
    return _form_page(request, form, title=f"Add a milestone to {project.title}", project=project)


@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk: int):
    actor = web_actor(request)
    milestone = selectors.milestone_get(actor=actor, pk=pk)
    _require_work(actor, milestone.project)
    form = MilestoneForm(request.POST or None, instance=milestone, actor=actor)
    if request.method == "POST" and form.is_valid():
        changed = _changed(form)
        saved = call_service(
            form, lambda: services.milestone_update(actor=actor, milestone=milestone, **changed)
        )
        if saved:
            messages.success(request, f"Saved the milestone “{saved.title}”.")
            return redirect(milestone.project)
    return _form_page(
        request,
        form,
        title=f"Edit milestone “{milestone.title}”",
        project=milestone.project,
        history=audit_history([milestone]),
    )


@require_POST
def milestone_complete(request, pk: int):
    actor = web_actor(request)
    milestone = selectors.milestone_get(actor=actor, pk=pk)
    saved = services.milestone_complete(actor=actor, milestone=milestone)
    messages.success(request, f"Marked “{saved.title}” done on {saved.done_on:%d %b %Y}.")
    return redirect(milestone.project)


@require_http_methods(["GET", "POST"])
def commitment_create(request, pk: int):
    actor = web_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    _require_work(actor, project)
    form = CommitmentForm(request.POST or None, actor=actor, members=member_choices_for(actor, project))
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, lambda: services.commitment_create(actor=actor, project=project, **form.cleaned_data)
        )
        if saved:
            messages.success(
                request, f"Recorded {saved.currency} {format_amount(saved.amount)} from {saved.member.name}."
            )
            return redirect(project)
    return _form_page(request, form, title=f"Record a funding commitment to {project.title}", project=project)


@require_http_methods(["GET", "POST"])
def commitment_edit(request, pk: int):
    actor = web_actor(request)
    commitment = selectors.commitment_get(actor=actor, pk=pk)
    permissions.require(
        permissions.can_edit_commitment(actor, commitment),
        actor,
        commitment.project,
        "A delegation changes only its own member's commitments.",
    )
    form = CommitmentForm(request.POST or None, instance=commitment, actor=actor)
    if request.method == "POST" and form.is_valid():
        changed = _changed(form)
        saved = call_service(
            form, lambda: services.commitment_update(actor=actor, commitment=commitment, **changed)
        )
        if saved:
            messages.success(request, "Saved the commitment.")
            return redirect(commitment.project)
    return _form_page(
        request,
        form,
        title=f"Edit {commitment}",
        project=commitment.project,
        history=audit_history([commitment]),
    )


@require_POST
def commitment_advance(request, pk: int):
    actor = web_actor(request)
    commitment = selectors.commitment_get(actor=actor, pk=pk)
    saved = services.commitment_advance(actor=actor, commitment=commitment)
    messages.success(request, f"The commitment is now {saved.get_status_display().lower()}.")
    return redirect(commitment.project)


@require_http_methods(["GET", "POST"])
def update_create(request, pk: int):
    actor = web_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    _require_work(actor, project)
    form = UpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form, lambda: services.update_post(actor=actor, project=project, **form.cleaned_data)
        )
        if saved:
            messages.success(request, "Posted the update.")
            return redirect(project)
    return _form_page(
        request, form, title=f"Post an update on {project.title}", project=project, submit="Post"
    )


def _require_work(actor, project) -> None:
    permissions.require(
        permissions.can_work_on(actor, project),
        actor,
        project,
        "Only members taking part in this project (and the secretariat) change it.",
    )


def coverage(request):
    actor = web_actor(request)
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "projects/coverage.html",
        {"coverage": coverage_module.coverage_for(actor=actor, show_all=show_all), "show_all": show_all},
    )


def mineral_list(request):
    actor = web_actor(request)
    mineral_filter = MineralFilter(request.GET, queryset=selectors.mineral_list(actor=actor))
    minerals = mineral_filter.qs if mineral_filter.is_valid() else mineral_filter.queryset.none()
    return render(request, "projects/mineral_list.html", {"filter": mineral_filter, "minerals": minerals})
