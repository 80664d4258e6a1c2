"""Forms parse and shape input; the services decide. Meeting times are typed in the venue's
time zone (labelled on the form) and stored in UTC."""

from __future__ import annotations

import datetime
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DateTimeInput
from meetings.choices import ANSWERS, MEETING_TRANSITIONS, MeetingStatus
from meetings.models import ActionItem, AgendaItem, Document, Meeting, Outcome
from meetings.slots import MAX_RANGE_DAYS
from meetings.uploads import CREDENTIAL_EXTENSIONS, DOCUMENT_EXTENSIONS
from members.choices import Capacity, MemberStatus
from members.models import Delegate, Member, MemberGroup, validate_time_zone

LOCAL_FIELDS = ("starts_at", "ends_at", "rsvp_deadline")


class MeetingForm(forms.ModelForm):
    virtual_link = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label=_("Virtual link")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (MeetingStatus.DRAFT, _("Draft (secretariat only)")),
            (MeetingStatus.ANNOUNCED, _("Announced")),
        ],
        initial=MeetingStatus.ANNOUNCED,
        help_text=_("Delegations see a meeting once it is announced."),
    )

    class Meta:
        model = Meeting
        fields = [
            "kind",
            "title",
            "description",
            "venue_name",
            "venue_time_zone",
            "virtual_link",
            "starts_at",
            "ends_at",
            "rsvp_deadline",
            "margins_of",
            "host",
            "chaired_by",
            "confidentiality",
            "restricted_to",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "rsvp_deadline": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "restricted_to": forms.SelectMultiple(attrs={"size": 8}),
        }
        labels = {
            "kind": _("Kind"),
            "title": _("Title"),
            "description": _("Description"),
            "venue_name": _("Venue"),
            "venue_time_zone": _("Venue time zone"),
            "starts_at": _("Starts at"),
            "ends_at": _("Ends at"),
            "rsvp_deadline": _("RSVP deadline"),
            "margins_of": _("On the margins of"),
            "host": _("Host"),
            "chaired_by": _("Chaired by"),
            "confidentiality": _("Confidentiality"),
            "restricted_to": _("Restricted to"),
        }
        help_texts = {
            "venue_time_zone": _(
                "IANA time zone of the venue (for example Asia/Seoul); UTC for a virtual meeting."
            ),
            "starts_at": _("In the venue's time zone."),
            "ends_at": _("In the venue's time zone."),
            "rsvp_deadline": _("In the venue's time zone."),
            "chaired_by": _("Leave empty for the chair on the meeting's date."),
            "restricted_to": _("Only for a restricted meeting."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["status"]
            # Show stored UTC times as the venue's wall-clock times.
            tz = self.instance.tz
            for name in LOCAL_FIELDS:
                value = getattr(self.instance, name)
                if value:
                    self.initial[name] = value.astimezone(tz).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        zone = cleaned.get("venue_time_zone")
        if not zone:
            return cleaned
        try:
            validate_time_zone(zone)
        except ValidationError as exc:
            self.add_error("venue_time_zone", exc)
            return cleaned
        tz = zoneinfo.ZoneInfo(zone)
        for name in LOCAL_FIELDS:
            value = cleaned.get(name)
            if isinstance(value, datetime.datetime):
                # The widget's value was made aware in UTC; it was meant as venue time.
                cleaned[name] = value.replace(tzinfo=None).replace(tzinfo=tz).astimezone(datetime.UTC)
        return cleaned

    def _post_clean(self):
        # Model-level rules run in the service with the final values; running them here too would
        # check the times before they are converted from venue time.
        pass


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=MeetingStatus.choices, label=_("Status"))

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = MEETING_TRANSITIONS[current]
        self.fields["status"].choices = [
            (value, label) for value, label in MeetingStatus.choices if value in allowed
        ]


class InviteForm(forms.Form):
    MODES = [
        ("all", _("All members")),
        ("chosen", _("Chosen members")),
        ("status", _("Members with these statuses")),
    ]
    mode = forms.ChoiceField(
        choices=MODES, widget=forms.RadioSelect, initial="all", label=_("Whom to invite")
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Member.objects.order_by("name"),
        required=False,
        label=_("Members"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    member_statuses = forms.MultipleChoiceField(
        choices=MemberStatus.choices,
        required=False,
        label=_("Member statuses"),
        widget=forms.CheckboxSelectMultiple,
    )
    seats_quota = forms.IntegerField(
        min_value=1, max_value=50, initial=3, label=_("Seats"), help_text=_("Seats per delegation.")
    )


def invite_arguments(fields: dict) -> dict:
    """The invite form's values as `invitations_send` takes them."""
    mode = fields["mode"]
    return {
        "all_members": mode == "all",
        "members": list(fields["members"]) if mode == "chosen" else [],
        "member_statuses": fields["member_statuses"] if mode == "status" else [],
        "seats_quota": fields["seats_quota"],
    }


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in ANSWERS], widget=forms.RadioSelect, label=_("Answer")
    )


class CredentialsForm(forms.Form):
    credentials = forms.FileField(
        label=_("Credentials"),
        help_text=format_lazy(
            _("The letter or note verbale, as a PDF ({extensions})."),
            extensions=", ".join(CREDENTIAL_EXTENSIONS),
        ),
    )


class RegistrationForm(forms.Form):
    delegate = forms.ModelChoiceField(queryset=Delegate.objects.none(), label=_("Delegate"))
    capacity = forms.ChoiceField(
        choices=[("", _("— the delegate's own —")), *Capacity.choices],
        required=False,
        label=_("Capacity"),
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = Delegate.objects.filter(member=member).order_by("full_name")

    def clean_capacity(self) -> str | None:
        return self.cleaned_data["capacity"] or None  # none chosen: the delegate's own


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["title", "description", "duration_minutes", "presenter", "documents"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "title": _("Title"),
            "description": _("Description"),
            "duration_minutes": _("Duration (minutes)"),
            "presenter": _("Presenter"),
            "documents": _("Documents"),
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = meeting.documents.order_by("title")
        self.fields["documents"].required = False


class DocumentForm(forms.ModelForm):
    file = forms.FileField(
        label=_("File"),
        help_text=format_lazy(
            _("Accepted: {extensions}"),
            extensions=", ".join(ext.lstrip(".").upper() for ext in DOCUMENT_EXTENSIONS),
        ),
    )

    class Meta:
        model = Document
        fields = ["title", "description", "confidentiality", "restricted_to", "file"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "restricted_to": forms.SelectMultiple(attrs={"size": 8}),
        }
        labels = {
            "title": _("Title"),
            "description": _("Description"),
            "confidentiality": _("Confidentiality"),
            "restricted_to": _("Restricted to"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["file"]


class VersionForm(forms.Form):
    file = forms.FileField(label=_("File"))


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["kind", "title", "text", "adopted_on", "document"]
        widgets = {"adopted_on": DateInput(), "text": forms.Textarea(attrs={"rows": 6})}
        labels = {
            "kind": _("Kind"),
            "title": _("Title"),
            "text": _("Text"),
            "adopted_on": _("Adopted on"),
            "document": _("Document"),
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = meeting.documents.order_by("title")


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["description", "owner", "due_on", "status", "outcome"]
        widgets = {"due_on": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "description": _("Description"),
            "owner": _("Owner"),
            "due_on": _("Due on"),
            "status": _("Status"),
            "outcome": _("Outcome"),
        }

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = meeting.outcomes.order_by("title")


class SlotFinderForm(forms.Form):
    """Whose working hours count: a meeting's invitees, every current member, a saved group, or
    members picked one by one. `cleaned_data["chosen"]` holds them, ordered by code."""

    SOURCES = {
        "invitees": _("This meeting's invitees"),
        "all": _("All current members"),
        "group": _("A saved group"),
        "chosen": _("The members chosen below"),
    }

    source = forms.ChoiceField(label=_("Whose working hours count"), widget=forms.RadioSelect, required=False)
    group = forms.ModelChoiceField(
        queryset=MemberGroup.objects.order_by("name"), required=False, label=_("Saved group")
    )
    members = forms.ModelMultipleChoiceField(
        queryset=Member.objects.order_by("name"),
        required=False,
        label=_("Members"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Used when “The members chosen below” is selected."),
    )
    date_from = forms.DateField(widget=DateInput(), label=_("From (UTC date)"))
    date_to = forms.DateField(widget=DateInput(), label=_("To (UTC date)"))
    duration_minutes = forms.IntegerField(
        min_value=30, max_value=600, initial=90, label=_("Duration (minutes)")
    )

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        sources = [
            (key, label) for key, label in self.SOURCES.items() if meeting is not None or key != "invitees"
        ]
        self.fields["source"].choices = sources
        self.fields["source"].initial = "invitees" if meeting is not None else "all"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end of the range cannot be before its start."))
            elif (end - start).days >= MAX_RANGE_DAYS:
                self.add_error(
                    "date_to", _("Search at most %(days)s days at a time.") % {"days": MAX_RANGE_DAYS}
                )
        cleaned["chosen"] = sorted(self._chosen(cleaned), key=lambda member: member.iso2)
        return cleaned

    def _chosen(self, cleaned) -> list[Member]:
        source = cleaned.get("source") or ("chosen" if cleaned.get("members") else "all")
        if source == "invitees":
            return list(Member.objects.filter(invitations__meeting=self.meeting))
        if source == "all":
            return list(Member.objects.exclude(status__in=[MemberStatus.WITHDRAWN, MemberStatus.SUSPENDED]))
        if source == "group":
            if cleaned.get("group") is None:
                self.add_error("group", _("Choose a saved group."))
                return []
            return list(cleaned["group"].members.all())
        if not cleaned.get("members"):
            self.add_error("members", _("Choose at least one member."))
        return list(cleaned.get("members") or [])
