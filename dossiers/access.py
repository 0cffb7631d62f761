"""Who may read what, beyond the dossier scope of `Dossier.objects.visible_to` (issue 20 items 2, 6).

Every route that serves a dossier's files or its timeline reads these rules; nothing else decides.

- **Results.** The applicant may read the result (kết quả giải quyết) only once it is released: the
  competent person has approved it (the dossier is `processed` or `returned`) and, where a fee is due,
  the fee is paid. Before that the specialist's uploaded draft is an internal working paper. The
  agency's officers and the monitor read it at any time (they prepare and check it).
- **Event comments.** Each event says who may read its comment (`DossierEvent.comment_audience`): the
  applicant sees comments addressed to them (a supplement request, a refusal's reason, a late letter);
  a specialist's note on submitting for approval or a leader's reason for sending back stays among
  the officers.
"""

from django.db.models import Q

from dossiers.models import Document, DocumentSource, Dossier, DossierEvent, Role, Status

RELEASED_STATUSES = (Status.PROCESSED, Status.RETURNED)


def fee_settled(dossier):
    return not dossier.fee_amount or dossier.fee_paid_at is not None


def result_released(dossier):
    """The result may go to the applicant: approved, and the fee (if any) paid."""
    return dossier.status in RELEASED_STATUSES and fee_settled(dossier)


def _released_q(prefix=""):
    return Q(**{f"{prefix}status__in": RELEASED_STATUSES}) & (
        Q(**{f"{prefix}fee_amount": 0}) | Q(**{f"{prefix}fee_paid_at__isnull": False})
    )


def readable_documents(user):
    """Documents `user` may open: of a dossier they may see, results to the applicant only once released."""
    documents = Document.objects.filter(dossier__in=Dossier.objects.visible_to(user))
    if not user.is_authenticated:
        return documents.none()
    unreleased_own_result = Q(source=DocumentSource.RESULT, dossier__applicant=user) & ~_released_q("dossier__")
    return documents.exclude(unreleased_own_result)



def is_applicant(user, dossier):
    return dossier.applicant_id is not None and dossier.applicant_id == getattr(user, "pk", None)


def documents_for(user, dossier, documents):
    """Filter a dossier's loaded documents to what `user` may read."""
    if not is_applicant(user, dossier) or result_released(dossier):
        return list(documents)
    return [d for d in documents if d.source != DocumentSource.RESULT]


def reads_internal_comments(user, dossier):
    """Officers of the dossier's agencies and the monitor read every comment; the applicant only theirs.

    An applicant who is also an officer of the agency reads as an officer (they are staff there).
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    agencies = {dossier.receiving_agency_id, dossier.handling_agency_id}
    return any(m.role == Role.MONITOR or m.agency_id in agencies for m in user.memberships.all())



def timeline_for(user, dossier, events):
    """The events with `comment_shown` set to what `user` may read (pages and API read that)."""
    internal = reads_internal_comments(user, dossier)
    events = list(events)
    for event in events:
        event.comment_shown = (
            event.comment if internal or event.comment_audience == DossierEvent.Audience.APPLICANT else ""
        )
    return events
