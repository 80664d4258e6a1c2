from django import forms

from core.forms import DateInput
from members.models import ChairTerm, Delegate


class DelegateForm(forms.ModelForm):
    class Meta:
        model = Delegate
        fields = ["full_name", "title", "capacity", "email", "phone", "active_from", "active_until"]
        widgets = {"active_from": DateInput(), "active_until": DateInput()}


class ChairTermForm(forms.ModelForm):
    class Meta:
        model = ChairTerm
        fields = ["forum", "member", "role", "starts_on", "ends_on", "basis"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "basis": forms.TextInput()}
