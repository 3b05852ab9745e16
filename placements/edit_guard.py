"""Two people editing the same record (issue 14, lost updates): the second save must not silently undo the
first. An edit form carries a fingerprint of the record as it was when the page was opened; if the record
has changed since, the save is refused with a message and the person's input is kept on the page, as the
searches already do with their version number. No column to add: the fingerprint is a hash of the
record's own field values."""

from __future__ import annotations

import hashlib

from django import forms
from django.db import models

STALE_MESSAGE = ("Someone else changed this record since you opened it. Your changes are still on the page: "
                 "check the record as it is now (open it in another tab), then save again.")


def fingerprint(instance: models.Model) -> str:
    values = [(field.attname, str(getattr(instance, field.attname))) for field in instance._meta.concrete_fields]
    return hashlib.sha256(repr(values).encode()).hexdigest()[:32]


class EditGuardMixin:
    """For an ``UpdateView``: the form carries the record's fingerprint as the page showed it; on a save the
    record is read again (as ``UpdateView`` does on every request) and a different fingerprint is a form error,
    with everything the person typed kept. It works whatever the view's own ``form_valid`` does."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["record_fingerprint"] = forms.CharField(widget=forms.HiddenInput, required=False)
        now = fingerprint(self.object)
        if not form.is_bound:
            form.initial["record_fingerprint"] = now
            return form
        own_clean = form.clean

        def clean():
            cleaned = own_clean()
            sent = form.data.get(form.add_prefix("record_fingerprint"))
            if sent and sent != now:  # the page carried one (a form posted by hand may not: nothing to compare)
                raise forms.ValidationError(STALE_MESSAGE, code="stale")
            return cleaned

        form.clean = clean
        return form
