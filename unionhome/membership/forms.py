"""Forms of the member pages. They only collect input; the rules live in ``services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from unionhome.membership.models import Union, WorkerType

# The three kinds of worker (city plan; DESIGN.md) in the words a rider would use.
WORKER_TYPE_HELP = {
    WorkerType.LABOUR_CONTRACT: _(
        "You signed a labour contract with the platform or a delivery station; "
        "they pay your wages and social insurance."
    ),
    WorkerType.WRITTEN_AGREEMENT: _(
        "You signed a cooperation or crowd-sourcing agreement; the platform assigns and "
        "rates your work, but it is not a labour contract."
    ),
    WorkerType.INDEPENDENT: _(
        "You take orders when and where you choose, as a private person using the app."
    ),
    WorkerType.UNSURE: _("That is fine: the union will help you work it out."),
}


class ApplicationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        min_length=18,
        help_text=_("18 characters, as on your ID card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    worker_type = forms.ChoiceField(
        label=_("How do you work?"),
        choices=WorkerType.choices,
        widget=forms.RadioSelect,
    )
    occupation = forms.CharField(
        label=_("Occupation"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. delivery rider")}),
    )
    platform = forms.CharField(label=_("Platform or employer"), max_length=100, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=Union.objects.none(),
        required=False,
        help_text=_("Your application goes to the union federation of this district."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the union processes my personal information as the privacy notice says."
        ),
        required=True,
    )

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if districts and len(districts) > 1:
            self.fields["district"].queryset = Union.objects.filter(
                pk__in=[d.pk for d in districts]
            )
            self.fields["district"].required = True
        else:
            del self.fields["district"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    union = forms.ModelChoiceField(label=_("Union"), queryset=Union.objects.none())

    def __init__(self, *args, unions=(), initial_union=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = Union.objects.filter(pk__in=[u.pk for u in unions])
        if initial_union is not None:
            self.fields["union"].initial = initial_union.pk


class JoinCodeForm(forms.Form):
    source = forms.CharField(
        label=_("Source"),
        max_length=120,
        help_text=_("Where this code will be posted: a rest station, an event, a platform depot"),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class ImportForm(forms.Form):
    union = forms.ModelChoiceField(label=_("Union"), queryset=Union.objects.none())
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "Columns: full_name, phone, id_number, worker_type, occupation, platform, city, "
            "since, member_no"
        ),
    )

    def __init__(self, *args, unions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = Union.objects.filter(pk__in=[u.pk for u in unions])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
