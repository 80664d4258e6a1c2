from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from members.models import ChairTerm, Delegate, Membership


class DelegateForm(forms.ModelForm):
    class Meta:
        model = Delegate
        fields = ["full_name", "title", "capacity", "email", "phone", "active_from", "active_until"]
        widgets = {"active_from": DateInput(), "active_until": DateInput()}
        labels = {
            "full_name": _("Full name"),
            "title": _("Job title"),
            "capacity": _("Capacity"),
            "email": _("E-mail"),
            "phone": _("Phone"),
            "active_from": _("Active from"),
            "active_until": _("Active until"),
        }


class ChairTermForm(forms.ModelForm):
    class Meta:
        model = ChairTerm
        fields = ["forum", "member", "role", "starts_on", "ends_on", "basis"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "basis": forms.TextInput()}
        labels = {
            "forum": _("Forum"),
            "member": _("Member"),
            "role": _("Role"),
            "starts_on": _("Starts on"),
            "ends_on": _("Ends on"),
            "basis": _("Basis"),
        }
        help_texts = {
            "ends_on": _("Leave empty for an open-ended term."),
            "basis": _("The decision or source behind the term."),
        }


class LanguagePreferenceForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["language"]
        labels = {"language": _("Language of pages and e-mails")}
        help_texts = {
            "language": _("“As my browser” follows your browser's setting; e-mails are then in English.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("As my browser")), *settings.LANGUAGES]
