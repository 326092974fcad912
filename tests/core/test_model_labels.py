"""Every name the admin shows for the project's models is translated.

Wagtail's admin builds its forms, listings and filters from the models' verbose names, help
texts and choice labels. A field left without a translatable verbose name shows its English
attribute name ("member", "opened at") in the Chinese admin, so each one must be given as a
lazy translation and have a Chinese rendering.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import override

from unionhome.core.bilingual import has_cjk

PROJECT_PACKAGES = {"unionhome", "bargaining", "legalaid", "cms"}


def project_models():
    for config in apps.get_app_configs():
        if config.name.split(".")[0] in PROJECT_PACKAGES:
            yield from config.get_models()


def _inherited_from_libraries(model) -> set[str]:
    """Names of fields that abstract bases of Django, Wagtail or other libraries declare
    (their own catalogs translate them, e.g. AbstractUser's or TranslatableMixin's)."""
    names: set[str] = set()
    for base in model.__mro__[1:]:
        meta = getattr(base, "_meta", None)
        if meta is None or not getattr(meta, "abstract", False):
            continue
        if base.__module__.split(".")[0] in PROJECT_PACKAGES:
            continue
        names.update(field.name for field in meta.local_fields + meta.local_many_to_many)
    return names


def _translated(text) -> bool:
    """A lazy translation whose Chinese differs from the English or is written in Chinese."""
    if not isinstance(text, Promise):
        return False
    with override("en"):
        english = str(text)
    with override("zh-hans"):
        chinese = str(text)
    return chinese != english or has_cjk(chinese)


def _chinese_differs(text) -> bool:
    """For texts that need not be lazy (help text): in Chinese they read in Chinese."""
    if not text:
        return True
    with override("zh-hans"):
        return has_cjk(str(text))


def _offenders():
    offenders = []
    for model in project_models():
        label = model._meta.label
        for attribute in ("verbose_name", "verbose_name_plural"):
            if not _translated(getattr(model._meta, attribute)):
                offenders.append(f"{label}.Meta.{attribute}")
        skip = _inherited_from_libraries(model)
        for field in model._meta.local_fields + model._meta.local_many_to_many:
            if not field.editable or field.auto_created or field.name in skip:
                continue
            if isinstance(field, models.AutoField):
                continue
            if isinstance(field, models.OneToOneField) and field.remote_field.parent_link:
                continue
            where = f"{label}.{field.name}"
            if not _translated(field.verbose_name):
                offenders.append(f"{where} verbose_name={str(field.verbose_name)!r}")
            if not _chinese_differs(field.help_text):
                offenders.append(f"{where} help_text={str(field.help_text)!r}")
            for value, choice_label in field.flatchoices or ():
                if value in ("", None):
                    continue
                if not _translated(choice_label):
                    offenders.append(f"{where} choice {value!r}={str(choice_label)!r}")
    return offenders


def test_the_project_has_models_to_check():
    labels = {model._meta.label for model in project_models()}
    assert {"ballots.Ballot", "bargaining.AgendaItem", "bargaining.Case"} <= labels, labels


def test_every_field_model_and_choice_of_the_project_has_a_chinese_name():
    offenders = _offenders()
    assert not offenders, f"{len(offenders)} untranslated:\n" + "\n".join(offenders)


@pytest.mark.parametrize("text", ["member", "opened at"])
def test_the_check_catches_a_plain_string(text):
    assert not _translated(text)
