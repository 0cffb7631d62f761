"""Read queries of the citizen side: my dossiers, the wallet, agencies to choose, the public look-up."""

from django.db.models import Prefetch, Q

from dossiers import access
from dossiers.auth import normalize_phone
from dossiers.models import Document, DocumentSource, Dossier, DossierEvent, PaymentReceipt, Role, Status
from portal.privacy import mask_id_number
from procedures.models import Agency


def my_dossiers(*, user):
    """The citizen's own dossiers, newest first, with what the list shows (constant query count)."""
    return (
        Dossier.objects.visible_to(user).filter(applicant=user)
        .select_related("procedure", "receiving_agency")
        .order_by("-created_at")
    )


def dossier_for_citizen(*, user, public_id):
    """One dossier of the applicant (for pages that change it)."""
    return Dossier.objects.visible_to(user).filter(applicant=user).select_related("procedure").get(public_id=public_id)


def document_named(documents, value):
    """The document whose id the citizen sent (`remove=<id>`) among `documents`; None when `value` is not
    an id at all (`abc`: issue 20 item 9, it was a 500). Raises Document.DoesNotExist for an id that is not
    among them (another citizen's document: not revealed, a 404 like every foreign object)."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit():
        return None
    return documents.get(pk=int(value))


def dossier_detail(*, user, public_id):
    """One dossier anyone entitled may read (applicant, the agency's officers), with events and files."""
    return (
        Dossier.objects.visible_to(user)
        .select_related("procedure", "receiving_agency", "handling_agency")
        .prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.timeline().select_related("actor")
                     .order_by("created_at", "id")),
            Prefetch("documents", queryset=Document.objects.select_related("required_document")),
            "payments",
        )
        .get(public_id=public_id)
    )


def sees_personal_ids(*, user, dossier):
    """Whether `user` needs the dossier's personal ID numbers in full: the applicant (their own data) and
    officers of the agency that received or handles it (they check them against the papers). Anyone
    else who may read the dossier — the provincial monitor, a superuser — gets them masked."""
    if dossier.applicant_id is not None and dossier.applicant_id == user.pk:
        return True
    agencies = {dossier.receiving_agency_id, dossier.handling_agency_id}
    return any(m.role != Role.MONITOR and m.agency_id in agencies for m in user.memberships.all())


def form_data_for(*, user, dossier):
    """The dossier's form data as `user` may read it: every 12-digit ID number in a value masked
    (`042*******01`) unless `sees_personal_ids`."""
    data = dossier.form_data or {}
    if sees_personal_ids(user=user, dossier=dossier):
        return data
    return {name: mask_id_number(value) for name, value in data.items()}


def dossier_by_reference(*, user, reference):
    """API look-up: a UUID (public_id, works for drafts) or a dossier code."""
    queryset = Dossier.objects.visible_to(user).select_related("procedure", "receiving_agency")
    try:
        import uuid

        return queryset.get(public_id=uuid.UUID(str(reference)))
    except ValueError:
        return queryset.get(Q(code=reference) | Q(submission_code=reference))


def document_for(*, user, document_id):
    """A document the user may open (download and preview): the rule is dossiers.access's."""
    return access.readable_documents(user).select_related("dossier").get(pk=document_id)


def wallet_documents(*, user):
    """Kho dữ liệu: files the citizen uploaded in submitted dossiers and results they received.

    One entry per distinct file content (sha256), newest first.
    """
    rows = (
        Document.objects.filter(dossier__applicant=user)
        .filter(
            (Q(source=DocumentSource.UPLOADED) & ~Q(dossier__status=Status.DRAFT))
            | Q(source=DocumentSource.RESULT, dossier__status=Status.RETURNED)
        )
        .exclude(file="")
        .select_related("dossier", "dossier__procedure")
        .order_by("-created_at")
    )
    seen, wallet = set(), []
    for document in rows:
        if document.sha256 in seen:
            continue
        seen.add(document.sha256)
        wallet.append(document)
    return wallet


def wallet_receipts(*, user):
    """The citizen's electronic fee receipts (biên lai điện tử), newest first: they are in the wallet too."""
    return list(PaymentReceipt.objects.filter(payment__dossier__applicant=user)
                .select_related("payment__dossier", "signature").order_by("-issued_at"))


def agencies_in_force(procedure, day=None):
    """Agencies handling the procedure that exist today: not the communes and districts merged or
    abolished in 2025 (issue 21 item 4)."""
    from django.utils import timezone

    return procedure.agencies.filter(is_active=True).in_force_on(day or timezone.localdate())


def agencies_matching(agencies, query):
    """The agencies whose name contains `query`, with or without Vietnamese accents, any case."""
    from unidecode import unidecode

    needle = unidecode(query).lower()
    return [a for a in agencies if needle in unidecode(a.name).lower()]


def agencies_for(*, procedure, user):
    """Agencies handling the procedure, the citizen's own first (their commune's, then their district's).

    Returns (agencies, suggested agency or None).
    """
    agencies = list(agencies_in_force(procedure).select_related("area").order_by("level", "name"))
    unit = getattr(user, "address_unit", None)
    suggested = None
    if unit is not None:
        district = unit.district
        ranked = [a for a in agencies if a.area_id == unit.pk]
        ranked += [a for a in agencies if district is not None and a.area_id == district.pk and a not in ranked]
        suggested = ranked[0] if ranked else None
    return agencies, suggested


def public_lookup(*, code, phone):
    """Status only, for the public look-up page: the dossier with this code and applicant phone."""
    if not code or not phone:
        return None
    return (
        Dossier.objects.exclude(status=Status.DRAFT)
        # Any case for the code ("h99" for "H99"), any spelling of the phone (issue 21 item 8).
        # The code proper or the number given at submission, before receipt replaced it.
        .filter(Q(code=code.strip().upper()) | Q(submission_code=code.strip().upper()),
                applicant_phone__in={phone.strip(), normalize_phone(phone)})
        .only("code", "submission_code", "status", "due_date", "submitted_at", "received_at", "returned_at", "procedure__name",
              "receiving_agency__name")
        .select_related("procedure", "receiving_agency")
        .first()
    )


def agency_by_code(code):
    return Agency.objects.get(code=code)
