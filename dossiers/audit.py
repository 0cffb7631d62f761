"""The audit trail (nhật ký hồ sơ) as the provincial monitor searches it: filter form and selector.

The trail itself is written by `lifecycle.apply()` / `lifecycle.record()` and is append-only: the model
refuses to save an existing row, the admin offers no change or delete, and a database trigger
(migration 0002_dossierevent_append_only) rejects UPDATE. DELETE stays possible so that removing a
whole dossier (and test clean-up) still cascades; nothing in the application deletes dossiers.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.lifecycle import Action, Recorded
from dossiers.models import DossierEvent

PAGE_SIZE = 50
# Status changes, then audited actions that change no status (file accesses among them).
ACTION_CHOICES = list(Action.choices) + list(Recorded.choices)
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class EventSearchForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), required=False, max_length=60,
                           help_text=_("Toàn bộ hoặc phần đầu của mã hồ sơ."))
    actor = forms.CharField(label=_("Thư điện tử người thực hiện"), required=False, max_length=254)
    action = forms.ChoiceField(label=_("Thao tác"), required=False,
                               choices=[("", _("Tất cả"))] + ACTION_CHOICES)
    date_from = forms.DateField(label=_("Từ ngày"), required=False, input_formats=DATE_INPUT_FORMATS,
                                help_text=_("Định dạng ngày/tháng/năm, ví dụ 01/07/2025."),
                                widget=forms.DateInput(format="%d/%m/%Y"))
    date_to = forms.DateField(label=_("Đến ngày"), required=False, input_formats=DATE_INPUT_FORMATS,
                              help_text=_("Định dạng ngày/tháng/năm."), widget=forms.DateInput(format="%d/%m/%Y"))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return data


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def dossier_event_search(*, code="", actor="", action="", date_from=None, date_to=None, before=None,
                         limit=PAGE_SIZE):
    """Events newest first, filtered; keyset pagination on id (`before` = the last id of the previous page).

    Returns (events, next_before): next_before is None on the last page.
    """
    events = DossierEvent.objects.select_related("dossier", "actor", "agency").order_by("-id")
    if code:
        events = events.filter(dossier__code__istartswith=code.strip())
    if actor:
        events = events.filter(actor__email__iexact=actor.strip())
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(created_at__gte=_day_start(date_from))
    if date_to:
        events = events.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    if before:
        events = events.filter(id__lt=before)
    page = list(events[: limit + 1])
    has_more = len(page) > limit
    page = page[:limit]
    return page, (page[-1].pk if has_more else None)
