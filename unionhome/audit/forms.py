from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionhome.audit.models import AuditAction


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )
    # The union model is looked up by label: membership imports this app, not the reverse.
    union = forms.ModelChoiceField(label=_("Union"), required=False, queryset=None)
    actor = forms.CharField(label=_("Actor (user name)"), required=False, max_length=150)
    first_day = forms.DateField(
        label=pgettext_lazy("audit filter", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    last_day = forms.DateField(
        label=pgettext_lazy("audit filter", "Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        union_model = apps.get_model("unionhome", "Union")
        self.fields["union"].queryset = union_model.objects.order_by("name")
