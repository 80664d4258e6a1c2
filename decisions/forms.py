"""Web forms of the decisions app. They only shape input; every rule lives in the services,
whose refusals come back onto these forms next to the field they name (`deadline`, `kind`,
`text`, `concerned`, `status`...), so the form fields carry the services' names."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateTimeInput
from decisions.choices import DECISION_TRANSITIONS, DecisionStatus, PositionKind, StatementKind
from decisions.models import Decision
from members.models import Member

DEFAULT_TIME_ZONE = "Europe/Brussels"


class DecisionForm(forms.ModelForm):
    """Draft or edit a decision; a changed text or title becomes a new version."""

    version_note = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=500,
        help_text=_("Kept with the new version of the text (e.g. “paragraph 2 as agreed in the call”)."),
    )

    class Meta:
        model = Decision
        fields = ["title", "kind", "text", "confidentiality", "restricted_to", "meeting", "projects"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 14}),
            "restricted_to": forms.SelectMultiple(attrs={"size": 8}),
            "projects": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version_note"]

    def _post_clean(self):
        # The model's rules run in the service, with the values it will save.
        pass


class MoveForm(forms.Form):
    """Record a decision's move by hand: tabled at a meeting, adopted or not there, withdrawn,
    back to draft (moves through written procedure are the procedure's own)."""

    status = forms.ChoiceField(label=_("New status"))
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=None,
        required=False,
        help_text=_("Where it was tabled or decided; leave empty to keep the decision's meeting."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, decision: Decision, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = DECISION_TRANSITIONS.get(decision.status, frozenset()) - {DecisionStatus.UNDER_PROCEDURE}
        self.fields["status"].choices = [(s.value, s.label) for s in DecisionStatus if s in allowed]
        self.fields["meeting"].queryset = meetings


class ProcedureOpenForm(forms.Form):
    """Circulate the decision under written (silence) procedure until a local deadline."""

    deadline = forms.DateTimeField(
        label=_("Deadline"),
        widget=DateTimeInput(),
        help_text=_("The wall-clock time in the time zone below (e.g. 18:00 Brussels time)."),
    )
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial=DEFAULT_TIME_ZONE)
    all_members = forms.BooleanField(
        label=_("All members"),
        required=False,
        initial=True,
        help_text=_("Untick to ask only the members chosen below (the decision must be restricted to them)."),
    )
    concerned = forms.ModelMultipleChoiceField(
        label=_("Members concerned"),
        queryset=Member.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    positions_visible_while_open = forms.BooleanField(
        label=_("Positions visible while open"),
        required=False,
        help_text=_("Delegations see each other's positions before the deadline."),
    )
    note = forms.CharField(
        label=_("Covering note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ProcedureExtendForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("New deadline"),
        widget=DateTimeInput(),
        help_text=_("Later than the current deadline; reminders and calendar events move with it."),
    )
    time_zone = forms.CharField(label=_("Time zone"), max_length=64)
    note = forms.CharField(label=_("Reason"), required=False, max_length=500)


class ProcedureWithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        help_text=_("The decision goes back to draft; the members concerned are told."),
    )


class MemberChoiceMixin:
    """The member answered for: chosen by the secretariat, implied for a delegation (`members`
    is None), which answers for its own member only."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        if members is None:
            del self.fields["member"]
        else:
            self.fields["member"].queryset = members


class AnswerForm(MemberChoiceMixin, forms.Form):
    """A delegation's answer: support, break silence (with a reason), or a statement for the
    record. The secretariat may record an answer received by other means for any member."""

    member = forms.ModelChoiceField(label=_("Member"), queryset=None)
    kind = forms.ChoiceField(label=_("Answer"), choices=PositionKind.choices, widget=forms.RadioSelect)
    statement_kind = forms.ChoiceField(
        label=_("Kind of statement"),
        choices=[("", "—"), *StatementKind.choices],
        required=False,
        help_text=_("Only for a statement for the record."),
    )
    text = forms.CharField(
        label=_("Reason or statement"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required to break silence and for a statement for the record."),
    )


class ObjectionWithdrawForm(MemberChoiceMixin, forms.Form):
    """Take back the delegation's objection before the deadline (no input: a confirmation)."""

    member = forms.ModelChoiceField(label=_("Member"), queryset=None)


class VersionsForm(forms.Form):
    """Which two versions of a decision's text to compare (by default the last change)."""

    older = forms.TypedChoiceField(label=_("From version"), coerce=int)
    newer = forms.TypedChoiceField(label=_("To version"), coerce=int)

    def __init__(self, data, *, numbers: list[int]):
        latest = numbers[-1]
        defaults = {"older": max(latest - 1, numbers[0]), "newer": latest}
        super().__init__({**defaults, **{k: v for k, v in data.items() if k in defaults}})
        choices = [(n, str(n)) for n in numbers]
        self.fields["older"].choices = self.fields["newer"].choices = choices
