"""The Wagtail admin for ballots: union staff create and manage their unions' ballots and
congress lists. Everything is scoped to the unions the user runs; staff see turnout and who
voted (on the results page), never how."""

from datetime import datetime

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

from unionhome.ballots import roster as rosters
from unionhome.ballots import services
from unionhome.ballots.models import (
    Ballot,
    BallotOption,
    CongressRepresentative,
    VoterRoster,
)
from unionhome.core import admin_scope
from unionhome.core.admin_forms import ServiceErrorViewMixin, service_call
from unionhome.core.admin_scope import (
    UnionScopedFormMixin,
    UnionScopedViewMixin,
    UnionScopedViewSetMixin,
    scope_to_unions,
)
from unionhome.core.errors import DomainError


class UnionScopedForm(UnionScopedFormMixin, WagtailAdminModelForm):
    pass


class BallotAdminForm(UnionScopedForm):
    """Saves through ``ballot_create`` / ``ballot_update``: the time, option, lock and
    electorate rules (Collective Contract Provisions art. 36) live in the services alone, and
    a refusal comes back as a form error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "roster" in self.fields and self.for_user is not None:
            self.fields["roster"].queryset = scope_to_unions(
                VoterRoster.objects.all(), self.for_user
            )

    def _option_labels(self) -> list[tuple[str, str]]:
        options = self.formsets.get("options")
        if options is None:
            return []
        kept = [
            form
            for form in options.forms
            if form.is_valid()
            and form.cleaned_data.get("label")
            and not form.cleaned_data.get("DELETE")
            # Yes/no/abstain carry a meaning: the service writes them itself.
            and not form.instance.meaning
        ]
        kept.sort(key=lambda form: form.cleaned_data.get("ORDER") or 0)
        return [
            (form.cleaned_data["label"], form.cleaned_data.get("label_en") or "") for form in kept
        ]

    def _same_minute(self, name: str) -> bool:
        # ``initial``, not the instance: validation already copied the posted values onto it.
        stored, posted = self.initial.get(name), self.cleaned_data.get(name)
        if not isinstance(stored, datetime) or not isinstance(posted, datetime):
            return False
        return stored.replace(second=0, microsecond=0) == posted.replace(second=0, microsecond=0)

    def save(self, commit=True):
        data = self.cleaned_data
        if self.instance.pk is None:
            ballot = service_call(
                services.ballot_create,
                union=data["union"],
                title=data["title"],
                kind=data["kind"],
                rule=data["rule"],
                electorate=data["electorate"],
                roster=data.get("roster"),
                description_html=data.get("description") or "",
                title_en=data.get("title_en") or "",
                description_en_html=data.get("description_en") or "",
                opens_at=data["opens_at"],
                closes_at=data["closes_at"],
                max_choices=data.get("max_choices") or 1,
                seats=data.get("seats") or 1,
                source_label=data.get("source_label") or "",
                options=self._option_labels(),
                created_by=self.for_user,
            )
        else:
            # Only what the user changed: the form shows times to the minute, so a time
            # equal to the stored one at that precision is not a change of the paper.
            changed = {
                name: data[name]
                for name in services.PAPER_FIELDS
                if name in self.changed_data and name in data and not self._same_minute(name)
            }
            changed.update(
                {name: data.get(name) or "" for name in services.EDITABLE_WHEN_OPEN if name in data}
            )
            options = self.formsets.get("options")
            ballot = service_call(
                services.ballot_update,
                ballot=self.instance,
                data=changed,
                options=(
                    self._option_labels() if options is not None and options.has_changed() else None
                ),
            )
        self.instance = ballot
        return ballot


Ballot.base_form_class = BallotAdminForm


class ScopedObjectMixin(UnionScopedViewMixin):
    pass


class BallotCreateView(ServiceErrorViewMixin, snippet_views.CreateView):
    pass


class BallotEditView(ServiceErrorViewMixin, ScopedObjectMixin, snippet_views.EditView):
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


class BallotViewSet(UnionScopedViewSetMixin, SnippetViewSet):
    model = Ballot
    icon = "tasks"
    menu_label = _("Ballots")
    copy_view_enabled = False
    add_view_class = BallotCreateView
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
        FieldRowPanel([FieldPanel("title"), FieldPanel("title_en")]),
        FieldPanel("description"),
        FieldPanel("description_en"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("rule"),
                FieldPanel("electorate"),
                FieldPanel("roster"),
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
        return super().get_queryset(request).select_related("union")


BallotOption.panels = [FieldRowPanel([FieldPanel("label"), FieldPanel("label_en")])]


class CongressForm(UnionScopedForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" in self.fields and self.for_user is not None:
            # Representatives are chosen from the members of the unions the user runs.
            self.fields["user"].queryset = (
                get_user_model()
                .objects.filter(
                    memberships__status="active",
                    memberships__union_id__in=admin_scope.union_ids(self.for_user),
                )
                .distinct()
            )


CongressRepresentative.base_form_class = CongressForm


class CongressEditView(ScopedObjectMixin, snippet_views.EditView):
    pass


class CongressDeleteView(ScopedObjectMixin, snippet_views.DeleteView):
    pass


class CongressViewSet(UnionScopedViewSetMixin, SnippetViewSet):
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
        return super().get_queryset(request).select_related("union", "user")


MAX_ROSTER_BYTES = 5 * 1024 * 1024


class RosterForm(UnionScopedForm):
    """A roster is imported once from a file (all or nothing) and not edited afterwards."""

    file = forms.FileField(
        label=_("File (.csv or .xlsx)"),
        required=False,
        help_text=_(
            "The member-import columns: full_name, phone, id_number, worker_type. Every row is "
            "checked like a member's; one bad row refuses the file."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if self.instance.pk is None and not upload:
            self.add_error("file", _("Choose the file to import."))
        if upload and upload.size > MAX_ROSTER_BYTES:
            self.add_error("file", _("The file is too large."))
        return cleaned

    def save(self, commit=True):
        if self.instance.pk is not None:
            return super().save(commit=commit)
        data = self.cleaned_data
        upload = data["file"]
        try:
            self.instance = rosters.roster_import(
                union=data["union"],
                title=data["title"],
                data=upload.read(),
                filename=upload.name or "",
                by=self.for_user,
            )
        except DomainError as err:
            raise forms.ValidationError(err.detail, code=err.code) from err
        return self.instance


VoterRoster.base_form_class = RosterForm


class RosterCreateView(ServiceErrorViewMixin, snippet_views.CreateView):
    pass


class RosterEditView(ScopedObjectMixin, snippet_views.EditView):
    pass


class RosterDeleteView(ScopedObjectMixin, snippet_views.DeleteView):
    pass


class RosterViewSet(UnionScopedViewSetMixin, SnippetViewSet):
    model = VoterRoster
    icon = "list-ul"
    menu_label = _("Rosters of covered workers")
    copy_view_enabled = False
    add_view_class = RosterCreateView
    edit_view_class = RosterEditView
    delete_view_class = RosterDeleteView
    history_view_class = BallotHistoryView
    usage_view_class = BallotUsageView
    list_display = ["title", "union", Column("created_at", label=_("Created"))]
    list_filter = ["union"]
    panels = [FieldPanel("union"), FieldPanel("title"), FieldPanel("file")]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("union")


class BallotGroup(SnippetViewSetGroup):
    items = (BallotViewSet, CongressViewSet, RosterViewSet)
    menu_icon = "tasks"
    menu_label = _("Ballots")
    menu_order = 250


register_snippet(BallotGroup)
