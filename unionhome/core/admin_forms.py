"""Admin forms that save through services: a service's refusal becomes a form error.

An admin form's ``save`` calls the service and turns its ``DomainError`` into a
``forms.ValidationError``; the view mixin below catches that and shows the form again with
the message, instead of a crash. Wagtail runs the save inside a transaction, so nothing the
service wrote before it refused is kept.
"""

from django import forms

from unionhome.core.errors import DomainError


def service_call(call, /, **kwargs):
    """Run a service from an admin form; a refusal becomes a form error."""
    try:
        return call(**kwargs)
    except DomainError as err:
        raise forms.ValidationError(err.detail, code=err.code) from err


class ServiceErrorViewMixin:
    """For Wagtail create/edit views whose form saves through a service."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except forms.ValidationError as err:
            form.add_error(None, err)
            # Wagtail's form_invalid shows this banner above the form's own errors.
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
