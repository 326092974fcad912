"""Page forms. They only parse input; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from legalaid.forms import Form, MultipleFileField
from unionhome.care.models import AidKind, Cause, HardshipLevel


class ApplyForm(Form):
    cause = forms.ChoiceField(label=_("Main cause of hardship"), choices=Cause.choices)
    household_size = forms.IntegerField(label=_("People in the household"), min_value=1)
    income_per_head = forms.DecimalField(
        label=_("Monthly household income per head (yuan)"), min_value=0, decimal_places=2
    )
    district = forms.CharField(label=_("District you live in"), max_length=100, required=False)
    description = forms.CharField(
        label=_("Describe your situation"), widget=forms.Textarea(attrs={"rows": 5})
    )
    documents = MultipleFileField(
        label=_("Supporting documents (images or PDF, optional)"), required=False
    )


class DocumentForm(Form):
    documents = MultipleFileField(label=_("Add documents (images or PDF)"))


class VisitForm(Form):
    visited_on = forms.DateField(
        label=_("Visited on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("What the visit found"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecideForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("registered", _("Register in the hardship file")), ("declined", _("Decline"))],
    )
    level = forms.ChoiceField(label=_("Level"), required=False)
    reason = forms.CharField(
        label=_("Reason (required to decline)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "—")] + [
            (level.code, level.name) for level in HardshipLevel.objects.filter(is_active=True)
        ]


class AidForm(Form):
    kind = forms.ChoiceField(label=_("Kind of aid"), choices=AidKind.choices)
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=0, decimal_places=2)
    given_on = forms.DateField(label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}))
    fund = forms.CharField(label=_("Fund source"), max_length=200)


class RecheckForm(Form):
    level = forms.ChoiceField(label=_("Level after the re-check"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", _("Unchanged"))] + [
            (level.code, level.name) for level in HardshipLevel.objects.filter(is_active=True)
        ]


class CloseForm(Form):
    reason = forms.CharField(
        label=_("Reason for closing"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ScanForm(Form):
    card = forms.CharField(
        label=_("Membership card code"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "url"}),
    )
