"""Page forms. They only parse input; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from legalaid.attachments import MAX_ATTACHMENTS
from legalaid.complaints.models import Category
from legalaid.forms import Form, MultipleFileField


class ComplaintForm(Form):
    # Not required here: the service gives the same error for every entry point.
    category = forms.ChoiceField(
        label=_("What is it about?"), choices=[("", "—"), *Category.choices], required=False
    )
    company = forms.CharField(
        label=_("Company (platform, agent company or delivery site)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "known-companies", "autocomplete": "off"}),
    )
    happened_on = forms.DateField(
        label=_("When did it happen?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 5000}),
    )
    wants = forms.CharField(
        label=_("What do you want?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 5000}),
        help_text=_("For example: the wages paid, the fine refunded, the account restored."),
    )
    evidence = MultipleFileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("Up to %(n)d photos or PDF files, 5 MB each. Only the union sees them.")
        % {"n": MAX_ATTACHMENTS},
    )
    disclose_identity = forms.BooleanField(
        label=_("The union may tell the company who I am"),
        required=False,
        help_text=_("If you leave this off, the company is never told your name, phone or ID."),
    )


class RatingForm(Form):
    rating = forms.TypedChoiceField(
        label=_("How satisfied are you with the outcome?"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
