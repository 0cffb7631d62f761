"""The audit trails as the provincial monitor searches them: filter forms and selectors.

Two trails: the dossier events (nhật ký hồ sơ: state changes, file accesses) and the admin changes
(nhật ký quản trị, `AdminChange`, written by dossiers/admin_audit.py; append-only by model, admin and
a trigger rejecting UPDATE and DELETE, migration 0006_adminchange).

The trail itself is written by `lifecycle.apply()` / `lifecycle.record()` and is append-only: the model
refuses to save an existing row, the admin offers no change or delete, and a database trigger
(migration 0002_dossierevent_append_only) rejects UPDATE. DELETE stays possible so that removing a
whole dossier (and test clean-up) still cascades; nothing in the application deletes dossiers.
"""

import json
from datetime import datetime, time, timedelta

from django import forms
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.lifecycle import Action, Recorded
from dossiers.models import AdminChange, DossierEvent
from portal.dates import BoundedDateField
from portal.privacy import mask_personal_ids

PAGE_SIZE = 50
# Status changes, then audited actions that change no status (file accesses among them).
ACTION_CHOICES = list(Action.choices) + list(Recorded.choices)


class _PeriodSearchForm(forms.Form):
    """What both audit searches share: a period of days and the keyset cursor (`before`)."""

    date_from = BoundedDateField(label=_("Từ ngày"), required=False,
                                 help_text=_("Định dạng ngày/tháng/năm, ví dụ 01/07/2025."),
                                 widget=forms.DateInput(format="%d/%m/%Y"))
    date_to = BoundedDateField(label=_("Đến ngày"), required=False,
                               help_text=_("Định dạng ngày/tháng/năm."), widget=forms.DateInput(format="%d/%m/%Y"))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


class EventSearchForm(_PeriodSearchForm):
    field_order = ["code", "actor", "action"]

    code = forms.CharField(label=_("Mã hồ sơ"), required=False, max_length=60,
                           help_text=_("Toàn bộ hoặc phần đầu của mã hồ sơ."))
    actor = forms.CharField(label=_("Thư điện tử người thực hiện"), required=False, max_length=254)
    action = forms.ChoiceField(label=_("Thao tác"), required=False,
                               choices=[("", _("Tất cả"))] + ACTION_CHOICES)


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _page_newest_first(rows, *, date_from, date_to, before, limit):
    """The dates and keyset page shared by both trails: (rows of the page, id to pass as `before` for the
    next page, None on the last)."""
    if date_from:
        rows = rows.filter(created_at__gte=_day_start(date_from))
    if date_to:
        rows = rows.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    if before:
        rows = rows.filter(id__lt=before)
    page = list(rows[: limit + 1])
    return page[:limit], (page[limit - 1].pk if len(page) > limit else None)


def dossier_event_search(*, code="", actor="", action="", date_from=None, date_to=None, before=None,
                         limit=PAGE_SIZE):
    """Events newest first, filtered; keyset pagination on id (`before` = the last id of the previous page).

    Returns (events, next_before): next_before is None on the last page. Each event gets
    `comment_shown`, its comment with ID and phone numbers masked (officers sometimes quote them in a
    reason; the monitor does not need them).
    """
    events = DossierEvent.objects.select_related("dossier", "actor", "agency").order_by("-id")
    if code:
        # The code proper, or the number first given at submission (receipt replaced it: issue 14).
        events = events.filter(Q(dossier__code__istartswith=code.strip())
                               | Q(dossier__submission_code__istartswith=code.strip()))
    if actor:
        events = events.filter(actor__email__iexact=actor.strip())
    if action:
        events = events.filter(action=action)
    page, next_before = _page_newest_first(events, date_from=date_from, date_to=date_to, before=before, limit=limit)
    for event in page:
        event.comment_shown = mask_personal_ids(event.comment)
    return page, next_before


# --- admin changes --------------------------------------------------------------------------------
def model_label(model):
    """'dossiers.user' -> the model's verbose name ("tài khoản"), or the raw label if it is gone."""
    try:
        return apps.get_model(model)._meta.verbose_name
    except (LookupError, ValueError):
        return model


def admin_change_models():
    """(label, name) of every model the admin trail mentions, for the filter (one index-only scan)."""
    labels = AdminChange.objects.order_by("model").values_list("model", flat=True).distinct()
    return [(label, f"{model_label(label)} ({label})") for label in labels if label]


class AdminChangeSearchForm(_PeriodSearchForm):
    field_order = ["actor", "kind", "model", "object"]

    actor = forms.CharField(label=_("Thư điện tử người thực hiện"), required=False, max_length=254)
    kind = forms.ChoiceField(label=_("Thao tác"), required=False,
                             choices=[("", _("Tất cả"))] + list(AdminChange.Kind.choices))
    model = forms.ChoiceField(label=_("Loại đối tượng"), required=False)
    object = forms.CharField(label=_("Đối tượng"), required=False, max_length=200,
                             help_text=_("Mã hoặc một phần tên của đối tượng."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("Tất cả"))] + admin_change_models()


def admin_change_search(*, actor="", kind="", model="", object="", date_from=None, date_to=None, before=None,
                        limit=PAGE_SIZE):
    """Admin changes newest first, filtered; keyset pagination on id like `dossier_event_search`.

    Returns (changes, next_before). Each change gets `model_name` and `summary` (what changed, in the
    reader's language), with personal ID and phone numbers masked: the monitor does not need them.
    """
    changes = AdminChange.objects.order_by("-id")
    if actor:  # the address at the time, or the account's address now
        changes = changes.filter(Q(actor_label__iexact=actor.strip()) | Q(actor__email__iexact=actor.strip()))
    if kind:
        changes = changes.filter(kind=kind)
    if model:
        changes = changes.filter(model=model)
    if object:
        changes = changes.filter(Q(object_id=object.strip()) | Q(object_repr__icontains=object.strip()))
    page, next_before = _page_newest_first(changes, date_from=date_from, date_to=date_to, before=before,
                                           limit=limit)
    for change in page:
        change.model_name = model_label(change.model)
        change.object_shown = mask_personal_ids(change.object_repr)
        change.summary = mask_personal_ids(change_summary(change))
    return page, next_before


def change_summary(change):
    """What changed, as the admin's history page words it (Django's own LogEntry wording, translated)."""
    plain = [c["text"] for c in change.changes if isinstance(c, dict) and "text" in c]
    if plain:
        return " ".join(plain)
    return LogEntry(change_message=json.dumps(change.changes)).get_change_message() if change.changes else ""
