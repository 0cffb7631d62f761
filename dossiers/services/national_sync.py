"""Replay of the national portal sync's dead letters (issue 18 item 3; the sync is dossiers/national_sync.py)."""

__all__ = ["national_event_replay"]

from django.db import transaction

from dossiers import lifecycle, national_sync
from dossiers.models import NationalSyncEvent


def national_event_replay(*, events, actor=None):
    """Put dead-lettered events back in line (attempts from zero) and publish their dossiers' sync on commit.

    Audited on each dossier (lifecycle.Recorded.SYNC_REPLAY, with the last error). Returns the number
    replayed; an event acknowledged or replayed meanwhile is left alone."""
    replayed = []
    with transaction.atomic():
        for event in NationalSyncEvent.objects.select_for_update().filter(
                pk__in=[e.pk for e in events], dead_at__isnull=False, acked_at__isnull=True).select_related("dossier"):
            event.dead_at, event.attempts, event.next_attempt_at, event.dispatched_at = None, 0, None, None
            event.replayed += 1
            event.save(update_fields=["dead_at", "attempts", "next_attempt_at", "dispatched_at", "replayed"])
            lifecycle.record(dossier=event.dossier, action=lifecycle.Recorded.SYNC_REPLAY, actor=actor,
                             data={"event_id": str(event.event_id), "sequence": event.sequence,
                                   "last_error": event.last_error[:500]})
            replayed.append(event.dossier_id)
        transaction.on_commit(lambda: national_sync.dispatch(sorted(set(replayed))))
    return len(replayed)
