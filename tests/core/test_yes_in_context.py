""" "Yes" means 同意 on a ballot and 是 elsewhere: each use carries its context, so one
catalog's translation never leaks into another screen (all catalogs share one namespace)."""

from django.utils import translation

from legalaid.forms import NoteForm
from unionhome.ballots.models import OptionMeaning


def test_yes_is_translated_per_context():
    with translation.override("zh-hans"):
        assert str(OptionMeaning.YES.label) == "同意"
        assert str(OptionMeaning.NO.label) == "不同意"
        assert translation.pgettext("yes/no value", "Yes") == "是"
        assert translation.pgettext("consultation held", "Yes") == "是，已进行"
        # A plain "Yes" is no longer 同意 (the ballot's meaning) anywhere.
        assert translation.gettext("Yes") != "同意"
        held = dict(NoteForm.base_fields["held"].choices)
        assert str(held["yes"]) == "是，已进行"
    with translation.override("en"):
        assert str(OptionMeaning.YES.label) == "Yes"
