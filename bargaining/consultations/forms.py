"""Page forms. They only parse input; the rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bargaining.consultations.models import Position, RuleTopic
from legalaid.forms import Form


class PublishForm(Form):
    company = forms.CharField(label=_("Company"), max_length=200)
    topic = forms.ChoiceField(label=_("What changes"), choices=RuleTopic.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary in plain words"), widget=forms.Textarea(attrs={"rows": 3})
    )
    draft_text = forms.CharField(label=_("Draft text"), widget=forms.Textarea(attrs={"rows": 8}))
    planned_effective_on = forms.DateField(
        label=_("Planned effective date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class OpinionForm(Form):
    position = forms.ChoiceField(
        label=_("Your opinion"), choices=Position.choices, widget=forms.RadioSelect
    )


class CommentForm(Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
        help_text=_("Published after moderation, without your name."),
    )
