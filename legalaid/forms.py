"""Page forms. They only parse input; the rules live in the services."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legalaid.attachments import MAX_ATTACHMENTS
from legalaid.models import Channel, Outcome, Topic


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class Form(forms.Form):
    """Labels without the automatic colon (labels may end in a full-width question mark)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class BookingForm(Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    channel = forms.ChoiceField(
        label=_("How to meet"),
        choices=[("", _("As offered at the time chosen")), *Channel.choices],
        required=False,
    )
    description = forms.CharField(
        label=_("Describe your problem briefly"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        max_length=2000,
        help_text=_("What happened, since when, which platform or employer."),
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        # format_lazy: "%" on a lazy string would fix it in the language of the first import.
        help_text=format_lazy(
            _("Up to {n} photos or PDF files, 5 MB each (pay slips, messages, contracts)."),
            n=MAX_ATTACHMENTS,
        ),
    )
    member = forms.CharField(
        label=_("Member (username or mobile number)"),
        required=False,
        help_text=_("Only when booking on a member's behalf."),
    )

    def __init__(self, *args, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Each line of help (legal aid, counselling) offers its own topics.
        if topics is not None:
            self.fields["topic"].choices = topics


class CancelForm(Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RescheduleForm(Form):
    slot = forms.IntegerField()
    reason = forms.CharField(label=_("Reason"), required=False)


class NoteForm(Form):
    text = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—"), *Outcome.choices]
    )
    held = forms.ChoiceField(
        label=_("Did the consultation take place?"),
        required=False,
        choices=[
            ("", "—"),
            ("yes", pgettext_lazy("consultation held", "Yes")),
            ("no", _("The member did not come")),
        ],
    )


class FeedbackForm(Form):
    rating = forms.TypedChoiceField(
        label=_("How helpful was the consultation?"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
