"""The admin audit trail (nhật ký quản trị): what the Django admin changed, by whom, from where."""

__all__ = ["admin_changes_record"]

import json

from django.contrib.admin.models import ADDITION, CHANGE, DELETION
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from dossiers.models import AdminChange

_KINDS = {ADDITION: AdminChange.Kind.ADD, CHANGE: AdminChange.Kind.CHANGE, DELETION: AdminChange.Kind.DELETE}


def _changes(message):
    """LogEntry's change message as data: its JSON list, or a plain text message kept as {"text": …}."""
    if not message:
        return []
    try:
        parsed = json.loads(message)
    except ValueError:
        return [{"text": message}]
    return parsed if isinstance(parsed, list) else [{"text": message}]


@transaction.atomic
def admin_changes_record(*, actor, entries, ip_address):
    """Copy the admin's LogEntry rows (one per object added, changed or deleted) into the append-only
    trail with the actor's account name at the time and the client IP. Returns the new rows.

    Joins the caller's transaction (the admin's add, change and delete views are atomic): a change
    rolled back takes its record with it, as it does Django's LogEntry.
    """
    label = actor.email or actor.phone or str(actor)

    def model(entry):
        if not entry.content_type_id:
            return ""
        content_type = ContentType.objects.get_for_id(entry.content_type_id)  # cached: no query
        return f"{content_type.app_label}.{content_type.model}"

    return AdminChange.objects.bulk_create([
        AdminChange(
            created_at=entry.action_time, actor=actor, actor_label=label, kind=_KINDS[entry.action_flag],
            model=model(entry),
            object_id=entry.object_id or "", object_repr=entry.object_repr, changes=_changes(entry.change_message),
            ip_address=ip_address, log_entry_id=entry.pk,
        )
        for entry in entries
    ])
