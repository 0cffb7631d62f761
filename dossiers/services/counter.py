"""The counter's queue (issue 19): issuing tickets at the kiosk, calling, recalling, transferring, closing.

Every write locks what it changes and leaves a `TicketEvent` in the same transaction. Two rules make the
queue safe under concurrency, both enforced by PostgreSQL rather than by hope:
- numbers come from one upsert on the (centre, day) `TicketSequence` row, locked until commit, and
  `ticket_unique_number` forbids a repeat; a kiosk form carries a one-time key (`idempotency_key`,
  unique), so a double submit returns the ticket already issued;
- "call next" takes the first waiting ticket with `FOR UPDATE SKIP LOCKED`, so two officers calling
  at once get two different tickets.
"""

import math
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Avg, Case, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.counter import DeskRating, ServicePoint, Ticket, TicketEvent
from dossiers.lifecycle import LifecycleError
from dossiers.models import Dossier, Rating
from dossiers.services.intake import next_in_day_sequence

__all__ = [
    "TicketConflict", "ticket_issue", "ticket_estimated_wait", "ticket_call_next", "ticket_recall",
    "ticket_no_show", "ticket_transfer", "ticket_serve", "ticket_done", "ticket_link_dossier",
    "counter_waiting_filter", "ticket_to_rate", "desk_rating_give", "RATING_WINDOW",
]

# How long after service the counter's tablet still offers the rating of the ticket just finished.
RATING_WINDOW = timedelta(minutes=30)

# Service minutes assumed before a centre has finished any ticket that day.
DEFAULT_SERVICE_MINUTES = 8


class TicketConflict(LifecycleError):
    """The ticket is not in a state that allows the action (someone acted first): 409 with the reason."""


def _record(ticket, action, actor=None, at=None):
    TicketEvent.objects.create(ticket=ticket, action=action, to_status=ticket.status, counter=ticket.counter,
                               actor=actor, created_at=at or timezone.now())


def _allocate_number(agency, day):
    return next_in_day_sequence(table="dossiers_ticketsequence", agency=agency, day=day)


def ticket_issue(*, agency, key, field=None, procedure=None, appointment_at=None):
    """Issue the next number of today at `agency` for a service; the same `key` twice returns the same ticket.

    `appointment_at`: the booked time of an appointment checked in at the kiosk (called first once it comes).

    The kiosk form carries `key` (a UUID made when the form was shown): a double tap, a reload after a lost
    answer or two requests racing all end with one ticket. A losing racer's number is given back (its
    transaction, sequence bump included, rolls back), so numbers stay gapless.
    """
    existing = Ticket.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    now = timezone.now()
    day = timezone.localdate(now)
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                agency=agency, day=day, number=_allocate_number(agency, day), field=field, procedure=procedure,
                idempotency_key=key, issued_at=now, appointment_at=appointment_at,
            )
            _record(ticket, "issue", at=now)
    except IntegrityError:
        existing = Ticket.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    return ticket


def counter_waiting_filter(counter):
    """Waiting tickets `counter` may call: transferred to it, or for a service it serves (all if it names none)."""
    serves = Q()
    field_ids = list(counter.fields.values_list("pk", flat=True))
    procedure_ids = list(counter.procedures.values_list("pk", flat=True))
    if field_ids or procedure_ids:
        serves = Q(field_id__in=field_ids) | Q(procedure_id__in=procedure_ids)
    return Q(counter=counter) | (Q(counter__isnull=True) & serves)


def ticket_estimated_wait(*, ticket):
    """Minutes until `ticket` is likely called: tickets ahead for the same service × today's mean service
    time, shared among the open counters serving it. An estimate for the kiosk, not a promise."""
    waiting = Ticket.objects.filter(agency_id=ticket.agency_id, day=ticket.day, status=Ticket.State.WAITING,
                                    field_id=ticket.field_id, number__lt=ticket.number)
    ahead = waiting.count()
    mean = Ticket.objects.filter(agency_id=ticket.agency_id, day=ticket.day, done_at__isnull=False,
                                 called_at__isnull=False).aggregate(m=Avg(F("done_at") - F("called_at")))["m"]
    minutes = mean.total_seconds() / 60 if mean else DEFAULT_SERVICE_MINUTES
    counters = ServicePoint.objects.filter(agency_id=ticket.agency_id, is_active=True)
    serving = [c for c in counters.prefetch_related("fields", "procedures")
               if not (c.fields.all() or c.procedures.all()) or ticket.field_id in {f.pk for f in c.fields.all()}]
    return math.ceil(ahead * minutes / max(len(serving), 1))


def _busy(counter):
    return Ticket.objects.filter(counter=counter, status__in=[Ticket.State.CALLED, Ticket.State.SERVING]).first()


@transaction.atomic
def ticket_call_next(*, counter, actor):
    """Call the next waiting ticket `counter` may serve, or return None when nobody waits.

    Order: a ticket transferred to this counter; then appointments whose booked time has come, earliest
    time first (issue 19: "appointments at their time first"; one checked in early waits like a walk-in
    until its time); then everyone else in issue order. Refused while the counter still has a called or served ticket (finish, or mark it absent, first).
    """
    ServicePoint.objects.select_for_update().get(pk=counter.pk)  # one caller per counter at a time
    current = _busy(counter)
    if current is not None:
        raise TicketConflict(_("Quầy đang phục vụ số %(number)s: hãy kết thúc hoặc đánh dấu vắng mặt trước.")
                             % {"number": current.label})
    now = timezone.now()
    due_appointment = Case(When(appointment_at__lte=now, then=F("appointment_at")), default=None)
    ticket = (Ticket.objects.filter(agency_id=counter.agency_id, day=timezone.localdate(),
                                    status=Ticket.State.WAITING)
              .filter(counter_waiting_filter(counter))
              .order_by(F("counter_id").asc(nulls_last=True), due_appointment.asc(nulls_last=True), "issued_at", "id")
              .select_for_update(skip_locked=True).first())
    if ticket is None:
        return None
    ticket.status, ticket.counter, ticket.officer = Ticket.State.CALLED, counter, actor
    ticket.called_at = ticket.announced_at = timezone.now()
    ticket.calls = 1
    ticket.save(update_fields=["status", "counter", "officer", "called_at", "announced_at", "calls"])
    _record(ticket, "call", actor)
    return ticket


def _locked(ticket, counter, allowed):
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.counter_id != counter.pk or locked.status not in allowed:
        raise TicketConflict(_("Số %(number)s không còn ở quầy này hoặc đã được xử lý.") % {"number": locked.label})
    return locked


@transaction.atomic
def ticket_recall(*, ticket, counter, actor):
    """Call the same number again (the display shows it anew)."""
    ticket = _locked(ticket, counter, [Ticket.State.CALLED])
    ticket.calls += 1
    ticket.announced_at = timezone.now()
    ticket.save(update_fields=["calls", "announced_at"])
    _record(ticket, "recall", actor)
    return ticket


@transaction.atomic
def ticket_no_show(*, ticket, counter, actor):
    ticket = _locked(ticket, counter, [Ticket.State.CALLED])
    ticket.status, ticket.done_at = Ticket.State.NO_SHOW, timezone.now()
    ticket.save(update_fields=["status", "done_at"])
    _record(ticket, "no_show", actor)
    return ticket


@transaction.atomic
def ticket_transfer(*, ticket, counter, target, actor):
    """Send a called or served ticket back to the queue, ahead of the others, for counter `target`.

    The wait already measured stays (called_at is kept: the citizen was called once).
    """
    if target.agency_id != counter.agency_id or target.pk == counter.pk or not target.is_active:
        raise TicketConflict(_("Chỉ chuyển được sang một quầy khác đang mở của cùng trung tâm."))
    ticket = _locked(ticket, counter, [Ticket.State.CALLED, Ticket.State.SERVING])
    ticket.status, ticket.counter, ticket.officer = Ticket.State.WAITING, target, None
    ticket.save(update_fields=["status", "counter", "officer"])
    _record(ticket, "transfer", actor)
    return ticket


@transaction.atomic
def ticket_serve(*, ticket, counter, actor):
    ticket = _locked(ticket, counter, [Ticket.State.CALLED, Ticket.State.SERVING])
    if ticket.status == Ticket.State.CALLED:
        ticket.status, ticket.served_at, ticket.officer = Ticket.State.SERVING, timezone.now(), actor
        ticket.save(update_fields=["status", "served_at", "officer"])
        _record(ticket, "serve", actor)
    return ticket


@transaction.atomic
def ticket_done(*, ticket, counter, actor):
    ticket = _locked(ticket, counter, [Ticket.State.CALLED, Ticket.State.SERVING])
    ticket.status, ticket.done_at = Ticket.State.DONE, timezone.now()
    ticket.save(update_fields=["status", "done_at"])
    _record(ticket, "done", actor)
    return ticket


@transaction.atomic
def ticket_link_dossier(*, ticket_id, dossier, actor):
    """Record the dossier taken in from a served ticket (counter intake passes the ticket id).

    Only a ticket of the dossier's receiving centre, served by `actor`, is linked; anything else is ignored
    (a stale or foreign id in the intake form must not attach a dossier to someone else's ticket).
    """
    ticket = (Ticket.objects.select_for_update()
              .filter(pk=ticket_id, agency_id=dossier.receiving_agency_id, officer=actor,
                      status__in=[Ticket.State.CALLED, Ticket.State.SERVING]).first())
    if ticket is None:
        return None
    ticket.dossier = dossier
    ticket.save(update_fields=["dossier"])
    _record(ticket, "intake", actor)
    return ticket


def ticket_to_rate(*, counter):
    """The counter's latest ticket finished within RATING_WINDOW and not yet rated, or None."""
    return (Ticket.objects.filter(counter=counter, status=Ticket.State.DONE, rating__isnull=True,
                                  done_at__gte=timezone.now() - RATING_WINDOW)
            .order_by("-done_at", "-id").first())


@transaction.atomic
def desk_rating_give(*, counter, ticket_public_id, value, reasons):
    """Record the rating of a ticket just served at `counter`; a second rating of the same ticket is ignored
    (returns None), as is a ticket of another counter or one finished too long ago."""
    ticket = (Ticket.objects.select_for_update()
              .filter(public_id=ticket_public_id, counter=counter, status=Ticket.State.DONE,
                      done_at__gte=timezone.now() - RATING_WINDOW).first())
    if ticket is None or DeskRating.objects.filter(ticket=ticket).exists():
        return None
    rating = DeskRating.objects.create(ticket=ticket, dossier_id=ticket.dossier_id, counter=counter, value=value,
                                       reasons=sorted(set(reasons)))
    _record(ticket, "rate")
    if ticket.dossier_id is not None:
        _rate_dossier(rating)
    return rating


# A desk rating as the dossier's rating (what the satisfaction statistics count): the tablet's three
# levels onto the dossier's scale; "very satisfied" and "satisfied" are both satisfied, as the live
# desk satisfaction counts them (counter_selectors.SATISFIED).
DESK_TO_DOSSIER_RATING = {
    DeskRating.Value.VERY_SATISFIED: Rating.Value.SATISFIED,
    DeskRating.Value.SATISFIED: Rating.Value.SATISFIED,
    DeskRating.Value.UNSATISFIED: Rating.Value.UNSATISFIED,
}


def _rate_dossier(desk_rating):
    """Give the dossier taken in from the ticket its rating from the counter's tablet, unless it already has
    one (one rating per dossier: a second ticket for the same dossier, or a citizen's rating, is not counted
    again). Runs in desk_rating_give's transaction."""
    dossier = Dossier.objects.select_for_update().get(pk=desk_rating.dossier_id)
    if Rating.objects.filter(dossier=dossier).exists():
        return None
    labels = dict(DeskRating.Reason.choices)
    comment = "; ".join(str(labels.get(reason, reason)) for reason in desk_rating.reasons)
    rating = Rating.objects.create(dossier=dossier, value=DESK_TO_DOSSIER_RATING[desk_rating.value],
                                   comment=comment, source=Rating.Source.DESK)
    Rating.objects.filter(pk=rating.pk).update(created_at=desk_rating.created_at)  # the moment it was given
    return rating
