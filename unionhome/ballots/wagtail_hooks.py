"""The Wagtail admin for ballots: union staff create and manage their unions' ballots and
congress lists. Everything is scoped to the unions the user runs; staff see turnout and who
voted (on the results page), never how."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from unionhome import roles
from unionhome.ballots import services
from unionhome.ballots.models import (
    Ballot,
    BallotKind,
    BallotOption,
    CongressRepresentative,
)
from unionhome.models import Union

# Fields that may still change once a ballot has opened (the paper itself may not).
EDITABLE_WHEN_OPEN = {"title", "description", "source_label"}


def _union_ids(user) -> set[int]:
    return roles.staffed_union_ids(user)


class UnionScopedForm(WagtailAdminModelForm):
    """Offer only the unions the user runs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "union" in self.fields and self.for_user is not None:
            self.fields["union"].queryset = Union.objects.filter(pk__in=_union_ids(self.for_user))

    def clean_union(self):
        union = self.cleaned_data["union"]
        if self.for_user is not None and union.pk not in _union_ids(self.for_user):
            raise forms.ValidationError(_("You do not run this union."))
        return union


class BallotAdminForm(UnionScopedForm):
    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        instance = self.instance
        if instance.pk:
            stored = Ballot.objects.get(pk=instance.pk)
            if services.ballot_options_locked(ballot=stored):
                changed = set(self.changed_data) - EDITABLE_WHEN_OPEN
                options = self.formsets.get("options")
                if changed or (options is not None and options.has_changed()):
                    raise forms.ValidationError(
                        _(
                            "This ballot has opened: its options, times, rule and voters "
                            "can no longer be changed."
                        )
                    )
        kind = cleaned.get("kind")
        options = self.formsets.get("options")
        if kind and kind != BallotKind.YES_NO and options is not None and not instance.frozen_at:
            labels = [
                form.cleaned_data.get("label")
                for form in options.forms
                if form.is_valid()
                and form.cleaned_data.get("label")
                and not form.cleaned_data.get("DELETE")
                and not form.cleaned_data.get("meaning")
            ]
            if len(labels) < 2:
                raise forms.ValidationError(_("Give at least two options."))
        return cleaned

    def save(self, commit=True):
        is_new = self.instance.pk is None
        if is_new and self.for_user is not None:
            self.instance.created_by = self.for_user
        ballot = super().save(commit=commit)
        if commit:
            _normalise_options(ballot)
        return ballot


def _normalise_options(ballot: Ballot) -> None:
    """Yes/no ballots always carry exactly yes, no and abstain; other kinds none of them."""
    if services.ballot_options_locked(ballot=ballot):
        return
    if ballot.kind == BallotKind.YES_NO:
        BallotOption.objects.filter(ballot=ballot, meaning="").delete()
        present = set(ballot.options.values_list("meaning", flat=True))
        for index, (meaning, label) in enumerate(services.YES_NO_OPTIONS):
            if meaning not in present:
                BallotOption.objects.create(
                    ballot=ballot, label=label, meaning=meaning, sort_order=index
                )
    else:
        BallotOption.objects.filter(ballot=ballot).exclude(meaning="").delete()


Ballot.base_form_class = BallotAdminForm


class ScopedObjectMixin:
    """Edit, delete and history views of another union's object answer 403."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if obj.union_id not in _union_ids(self.request.user):
            raise PermissionDenied
        return obj


class BallotEditView(ScopedObjectMixin, snippet_views.EditView):
    pass


class BallotDeleteView(ScopedObjectMixin, snippet_views.DeleteView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        # A ballot that has opened is a record of the members' votes: it is never deleted.
        if obj.frozen_at is not None or obj.status_at(timezone.now()) != "scheduled":
            raise PermissionDenied
        return obj


class BallotHistoryView(ScopedObjectMixin, snippet_views.HistoryView):
    pass


class BallotUsageView(ScopedObjectMixin, snippet_views.UsageView):
    pass


def _results_link(ballot: Ballot):
    status = ballot.status_at(timezone.now())
    if status == "scheduled":
        return _("Not yet open")
    links = format_html(
        '<a href="{}">{}</a>',
        reverse("ballots:results", args=[ballot.pk]),
        _("Turnout and who voted") if status == "open" else _("Results"),
    )
    if status == "closed":
        links = format_html(
            '{} · <a href="{}">{}</a>',
            links,
            reverse("ballots:notice", args=[ballot.pk]),
            _("Notice (DOCX)"),
        )
    return links


class BallotViewSet(SnippetViewSet):
    model = Ballot
    icon = "tasks"
    menu_label = _("Ballots")
    copy_view_enabled = False
    edit_view_class = BallotEditView
    delete_view_class = BallotDeleteView
    history_view_class = BallotHistoryView
    usage_view_class = BallotUsageView
    list_display = [
        "title",
        "union",
        "kind",
        "opens_at",
        "closes_at",
        "eligible_count",
        Column("results", label=_("Results"), accessor=_results_link),
    ]
    list_filter = ["kind", "rule", "union"]
    search_fields = ["title"]
    panels = [
        FieldPanel("union"),
        FieldPanel("title"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("rule"),
                FieldPanel("electorate"),
                FieldRowPanel([FieldPanel("max_choices"), FieldPanel("seats")]),
            ],
            heading=_("Kind of vote"),
        ),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], heading=_("Times")),
        FieldPanel("source_label"),
        InlinePanel(
            "options",
            heading=_("Options or candidates"),
            help_text=_("Yes/no ballots get yes, no and abstain automatically."),
        ),
    ]

    def get_queryset(self, request):
        return Ballot.objects.filter(union_id__in=_union_ids(request.user)).select_related("union")


BallotOption.panels = [FieldPanel("label")]


class CongressForm(UnionScopedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields and self.for_user is not None:
            # Representatives are chosen from the members of the unions the user runs.
            self.fields["user"].queryset = (
                get_user_model()
                .objects.filter(
                    memberships__status="active",
                    memberships__union_id__in=_union_ids(self.for_user),
                )
                .distinct()
            )


CongressRepresentative.base_form_class = CongressForm


class CongressEditView(ScopedObjectMixin, snippet_views.EditView):
    pass


class CongressDeleteView(ScopedObjectMixin, snippet_views.DeleteView):
    pass


class CongressViewSet(SnippetViewSet):
    model = CongressRepresentative
    icon = "group"
    menu_label = _("Congress of worker representatives")
    copy_view_enabled = False
    edit_view_class = CongressEditView
    delete_view_class = CongressDeleteView
    history_view_class = BallotHistoryView
    usage_view_class = BallotUsageView
    list_display = ["user", "union", "note"]
    list_filter = ["union"]
    panels = [FieldPanel("union"), FieldPanel("user"), FieldPanel("note")]

    def get_queryset(self, request):
        return CongressRepresentative.objects.filter(
            union_id__in=_union_ids(request.user)
        ).select_related("union", "user")


class BallotGroup(SnippetViewSetGroup):
    items = (BallotViewSet, CongressViewSet)
    menu_icon = "tasks"
    menu_label = _("Ballots")
    menu_order = 250


register_snippet(BallotGroup)
