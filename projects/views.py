"""Web pages of the projects app: thin views over selectors, forms and services."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from core.actors import web_actor
from core.edit import ObjectEditView
from core.exports import csv_response
from core.paging import paginate
from core.selectors import audit_history
from projects import coverage as coverage_module
from projects import permissions, selectors, services
from projects.choices import FundingStatus
from projects.codes import country_display_name, country_name
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
    project_filter = ProjectFilter(request.GET, queryset=selectors.project_portfolio(actor=actor))
    projects = project_filter.qs if project_filter.is_valid() else project_filter.queryset.none()
    sort = request.GET.get("sort", "title")
    return project_filter, projects.order_by(*PROJECT_SORTS.get(sort, PROJECT_SORTS["title"])), sort


@require_safe
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
            project.title,
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


@require_safe
def portfolio_csv(request):
    """Exactly the projects the portfolio shows for the same filters and order, streamed."""
    actor = web_actor(request)
    _, projects, _ = _filtered_projects(request, actor)
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return csv_response(_csv_rows(projects), filename=f"forge-projects-{stamp}.csv")


@require_safe
def project_detail(request, pk: int):
    actor = web_actor(request)
    project = selectors.project_get(actor=actor, pk=pk)
    return render(request, "projects/project_detail.html", _project_page(actor, project))


def _project_page(actor, project) -> dict:
    """Everything the project page shows, each list read once and scoped to the actor."""
    today = selectors.today()
    milestones = list(selectors.milestone_list(actor=actor, on=today).filter(project=project))
    commitments = list(selectors.commitment_list(actor=actor).filter(project=project))
    can_work = permissions.can_work_on(actor, project)
    return {
        "project": project,
        "participants": list(project.participants.all()),
        "stage_changes": selectors.stage_history(project=project),
        "milestones": milestones,
        "commitments": commitments,
        "funding": selectors.funding_totals(selectors.commitment_list(actor=actor).filter(project=project)),
        "updates": list(selectors.update_list(actor=actor).filter(project=project)),
        "today": today,
        "can_manage": permissions.can_manage_projects(actor),
        "can_work": can_work,
        "can_move_stage": permissions.can_move_stage(actor, project),
        "editable_commitments": {c.pk for c in commitments if permissions.can_edit_commitment(actor, c)},
        "update_form": UpdateForm() if can_work else None,
        "host_name": country_display_name(project.host_country),
        "pledged": FundingStatus.PLEDGED,
        "history": audit_history([project, *milestones, *commitments], limit=40),
    }


class ProjectPartEdit(ObjectEditView):
    """The project's edit pages: the project record and what belongs to a project. A create
    page's URL names the project, an edit page's the object; either way it returns to the
    project."""

    template_name = "projects/form.html"
    submit = _("Save")

    def get_parent(self):
        if self.object is not None:
            return getattr(self.object, "project", self.object)
        return selectors.project_get(actor=self.actor, pk=self.kwargs["pk"])

    def get_success_url(self, saved) -> str:
        return self.parent.get_absolute_url()

    def get_context_data(self, form):
        return {**super().get_context_data(form), "project": self.parent, "submit": self.submit}


class ProjectCreate(ProjectPartEdit):
    form_class = ProjectForm
    title = _("Register a joint project")
    success_message = _("Registered {object.title}.")

    def get_parent(self):
        return None

    def guard(self) -> None:
        permissions.require_register(self.actor)

    def save(self, fields):
        return services.project_create(actor=self.actor, **fields)

    def get_success_url(self, saved) -> str:
        return saved.get_absolute_url()


class ProjectEdit(ProjectPartEdit):
    form_class = ProjectForm
    title = _("Edit {object.title}")
    success_message = _("Saved {object.title}.")

    def get_object(self):
        return selectors.project_get(actor=self.actor, pk=self.kwargs["pk"])

    def guard(self) -> None:
        permissions.require_manage(self.actor, self.object)

    def save(self, fields):
        return services.project_update(actor=self.actor, project=self.object, **fields)


class ProjectStage(ProjectPartEdit):
    form_class = StageForm
    title = _("Move the stage of {parent.title}")

    def guard(self) -> None:
        permissions.require_move_stage(self.actor, self.parent)

    def get_form_kwargs(self):
        return {"initial": {"stage": self.parent.stage}}

    def save(self, fields):
        return services.project_stage_change(
            actor=self.actor,
            project=self.parent,
            to_stage=fields["stage"],
            on=fields["on"],
            note=fields["note"],
        )

    def get_success_message(self, saved) -> str:
        return gettext("%(title)s is now at %(stage)s.") % {
            "title": saved.title,
            "stage": saved.get_stage_display().lower(),
        }


class ParticipantAdd(ProjectPartEdit):
    form_class = ParticipantForm
    title = _("Add a participant to {parent.title}")
    success_message = _("{object.member.name} now takes part.")

    def guard(self) -> None:
        permissions.require_manage(self.actor, self.parent, "Only the secretariat changes participants.")

    def save(self, fields):
        return services.participant_add(actor=self.actor, project=self.parent, **fields)


@require_POST
def participant_remove(request, pk: int):
    actor = web_actor(request)
    participant = selectors.participant_get(actor=actor, pk=pk)
    services.participant_remove(actor=actor, participant=participant)
    messages.success(
        request, gettext("%(member)s no longer takes part.") % {"member": participant.member.name}
    )
    return redirect(participant.project)


class WorkEdit(ProjectPartEdit):
    """Milestones, commitments and updates: the work of the members taking part."""

    def guard(self) -> None:
        permissions.require_work(self.actor, self.parent)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "actor": self.actor}


class MilestoneCreate(WorkEdit):
    form_class = MilestoneForm
    title = _("Add a milestone to {parent.title}")
    success_message = _("Added the milestone “{object.title}”.")

    def save(self, fields):
        return services.milestone_create(actor=self.actor, project=self.parent, **fields)


class MilestoneEdit(WorkEdit):
    form_class = MilestoneForm
    title = _("Edit milestone “{object.title}”")
    success_message = _("Saved the milestone “{object.title}”.")

    def get_object(self):
        return selectors.milestone_get(actor=self.actor, pk=self.kwargs["pk"])

    def save(self, fields):
        return services.milestone_update(actor=self.actor, milestone=self.object, **fields)


@require_POST
def milestone_complete(request, pk: int):
    actor = web_actor(request)
    milestone = selectors.milestone_get(actor=actor, pk=pk)
    saved = services.milestone_complete(actor=actor, milestone=milestone)
    messages.success(
        request,
        gettext("Marked “%(title)s” done on %(day)s.")
        % {"title": saved.title, "day": date_format(saved.done_on, gettext("j M Y"))},
    )
    return redirect(milestone.project)


class CommitmentCreate(WorkEdit):
    form_class = CommitmentForm
    title = _("Record a funding commitment to {parent.title}")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "members": member_choices_for(self.actor, self.parent)}

    def save(self, fields):
        return services.commitment_create(actor=self.actor, project=self.parent, **fields)

    def get_success_message(self, saved) -> str:
        return gettext("Recorded %(currency)s %(amount)s from %(member)s.") % {
            "currency": saved.currency,
            "amount": format_amount(saved.amount),
            "member": saved.member.name,
        }


class CommitmentEdit(WorkEdit):
    form_class = CommitmentForm
    title = _("Edit {object}")
    success_message = _("Saved the commitment.")

    def get_object(self):
        return selectors.commitment_get(actor=self.actor, pk=self.kwargs["pk"])

    def guard(self) -> None:
        permissions.require_edit_commitment(self.actor, self.object)

    def save(self, fields):
        return services.commitment_update(actor=self.actor, commitment=self.object, **fields)


@require_POST
def commitment_advance(request, pk: int):
    actor = web_actor(request)
    commitment = selectors.commitment_get(actor=actor, pk=pk)
    saved = services.commitment_advance(actor=actor, commitment=commitment)
    messages.success(
        request, gettext("The commitment is now %(status)s.") % {"status": saved.get_status_display().lower()}
    )
    return redirect(commitment.project)


class UpdateCreate(WorkEdit):
    form_class = UpdateForm
    title = _("Post an update on {parent.title}")
    success_message = _("Posted the update.")
    submit = _("Post")

    def get_form_kwargs(self):
        return {"instance": None}

    def save(self, fields):
        return services.update_post(actor=self.actor, project=self.parent, **fields)


@require_safe
def coverage(request):
    actor = web_actor(request)
    show_all = request.GET.get("all") == "1"
    return render(
        request,
        "projects/coverage.html",
        {"coverage": coverage_module.coverage_for(actor=actor, show_all=show_all), "show_all": show_all},
    )


@require_safe
def mineral_list(request):
    actor = web_actor(request)
    mineral_filter = MineralFilter(request.GET, queryset=selectors.mineral_list(actor=actor))
    minerals = mineral_filter.qs if mineral_filter.is_valid() else mineral_filter.queryset.none()
    return render(request, "projects/mineral_list.html", {"filter": mineral_filter, "minerals": minerals})
