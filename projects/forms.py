"""Web forms. They parse and shape input; amounts and currencies go through projects.money,
the same parser the API uses, and every write goes through a service (views call them)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from meetings import selectors as meeting_selectors
from members.models import Member
from projects import money
from projects.choices import Stage
from projects.codes import country_choices
from projects.models import FundingCommitment, JointProject, Milestone, ProjectParticipant, ProjectUpdate


class AmountInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class ProjectForm(forms.ModelForm):
    host_country = forms.ChoiceField(choices=(), label=_("Host country"), help_text=_("ISO 3166-1 country."))
    budget_amount = forms.CharField(
        required=False, widget=AmountInput(), label=_("Budget amount"), help_text=_("Up to two decimals.")
    )
    budget_currency = forms.CharField(
        required=False,
        max_length=10,
        label=_("Budget currency"),
        help_text=_("ISO 4217 code, for example USD, EUR or JPY."),
    )

    class Meta:
        model = JointProject
        fields = [
            "title",
            "summary",
            "minerals",
            "segment",
            "host_country",
            "lead_member",
            "stage",
            "budget_amount",
            "budget_currency",
            "confidentiality",
            "restricted_to",
            "is_example",
        ]
        widgets = {
            "minerals": forms.SelectMultiple(attrs={"size": 8}),
            "restricted_to": forms.SelectMultiple(attrs={"size": 6}),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "title": _("Title"),
            "summary": _("Summary"),
            "minerals": _("Minerals"),
            "segment": _("Value-chain segment"),
            "lead_member": _("Lead member"),
            "stage": _("Stage"),
            "confidentiality": _("Confidentiality"),
            "restricted_to": _("Restricted to"),
            "is_example": _("Example"),
        }
        help_texts = {
            "restricted_to": _(
                "For restricted projects: members who may see it besides the lead and participants."
            ),
            "is_example": _("Invented demo data, shown labelled as an example."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_country"].choices = [("", "---------"), *country_choices()]
        if self.instance.pk:
            # After registration the stage moves through its own form, which keeps the history.
            del self.fields["stage"]
        if self.instance.budget_amount is not None and not self.is_bound:
            self.initial["budget_amount"] = f"{self.instance.budget_amount:.2f}"

    def clean_budget_amount(self):
        raw = self.cleaned_data.get("budget_amount", "")
        return money.parse_amount(raw, field=None, allow_zero=True) if raw.strip() else None

    def clean_budget_currency(self):
        raw = self.cleaned_data.get("budget_currency", "")
        return money.parse_currency(raw, field=None) if raw.strip() else ""

    def clean(self):
        cleaned = super().clean()
        amount, currency = cleaned.get("budget_amount"), cleaned.get("budget_currency")
        if "budget_amount" in cleaned and "budget_currency" in cleaned and (amount is None) != (not currency):
            missing = "budget_currency" if amount is not None else "budget_amount"
            self.add_error(missing, _("A budget needs both an amount and a currency."))
        return cleaned


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices, label=_("Stage"))
    on = forms.DateField(widget=DateInput(), required=False, label=_("On"), help_text=_("Default: today."))
    note = forms.CharField(max_length=500, required=False, label=_("Note"))


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = ProjectParticipant
        fields = ["member", "role"]
        labels = {"member": _("Member"), "role": _("Role")}


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done_on", "note", "action_item"]
        widgets = {"due_on": DateInput(), "done_on": DateInput()}
        labels = {
            "title": _("Title"),
            "due_on": _("Due on"),
            "done_on": _("Done on"),
            "note": _("Note"),
            "action_item": _("Action item"),
        }
        help_texts = {"action_item": _("The meeting action item this milestone follows up, if any.")}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_item"].queryset = meeting_selectors.action_item_list(actor=actor)


class CommitmentForm(forms.ModelForm):
    amount = forms.CharField(
        widget=AmountInput(), label=_("Amount"), help_text=_("More than zero, up to two decimals.")
    )
    currency = forms.CharField(
        max_length=10, label=_("Currency"), help_text=_("ISO 4217 code, for example USD, EUR or JPY.")
    )

    class Meta:
        model = FundingCommitment
        fields = ["member", "amount", "currency", "pledged_on", "note", "announced_at"]
        widgets = {"pledged_on": DateInput()}
        labels = {
            "member": _("Member"),
            "pledged_on": _("Pledged on"),
            "note": _("Note"),
            "announced_at": _("Announced at"),
        }
        help_texts = {"announced_at": _("The meeting where the commitment was announced, if any.")}

    def __init__(self, *args, actor, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["announced_at"].queryset = meeting_selectors.meeting_list(actor=actor)
        self.fields["pledged_on"].required = False
        self.fields["pledged_on"].help_text = _("Default: today.")
        if members is not None:
            self.fields["member"].queryset = members
        if self.instance.pk:
            del self.fields["member"]  # a commitment stays with the member who made it
            if not self.is_bound:
                self.initial["amount"] = f"{self.instance.amount:.2f}"

    def clean_amount(self):
        return money.parse_amount(self.cleaned_data.get("amount", ""), field=None)

    def clean_currency(self):
        return money.parse_currency(self.cleaned_data.get("currency", ""), field=None)


class UpdateForm(forms.ModelForm):
    class Meta:
        model = ProjectUpdate
        fields = ["text", "reported_stage"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        labels = {"text": _("Update"), "reported_stage": _("Stage now (optional)")}
        help_texts = {
            "reported_stage": _(
                "The stage the author reports; it changes the project's stage only when the "
                "secretariat or the lead member posts it."
            )
        }


def member_choices_for(actor, project: JointProject):
    """Whom a commitment may be recorded for: any member taking part (secretariat), or the
    delegation's own member."""
    ids = [project.lead_member_id, *(p.member_id for p in project.participants.all())]
    members = Member.objects.filter(pk__in=ids).order_by("name")
    return members if actor.is_secretariat else members.filter(pk=actor.member_id)
