"""Is a dossier ready to submit? The form against the procedure's schema, and the required documents.

Used by the citizen services before `dossier_submit`, and by pages to list what is still missing.
"""

import datetime
import operator
from decimal import Decimal
from functools import reduce

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from dossiers.models import DocumentSource
from procedures.form_schema import build_form_class
from procedures.models import RegistryProof, RequiredDocument


def json_value(value):
    """A cleaned form value as JSON (dates ISO, numbers as int or string) that the form reads back."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value.normalize())
    return value


def form_for(dossier, data=None):
    """The procedure's form bound to `data` (default: the draft's saved values)."""
    form_class = build_form_class(dossier.procedure.form_schema)
    return form_class(data=dossier.form_data if data is None else data)


def form_errors(dossier):
    """{field name: [messages]} for the saved form data; empty when valid."""
    form = form_for(dossier)
    return {} if form.is_valid() else {name: list(errors) for name, errors in form.errors.items()}


def registry_waived(dossier):
    """Ids of the required documents the draft's population-registry data replace (RequiredDocument.
    registry_proof among what the registry record proves; dossiers.services.identity)."""
    proves = set((dossier.registry_prefill or {}).get("proves", ()))
    return {r.pk for r in dossier.procedure.documents.all() if r.registry_proof and r.registry_proof in proves}


def registry_waived_condition(prefix=""):
    """`registry_waived` as a query condition on dossiers (`prefix`: the path to the dossier, e.g.
    "dossier__"): the registry data stored at prefill prove a RegistryProof value that one of the
    procedure's required documents declares, so that paper was not asked for. The same rule in SQL, for
    the statistics (reports.metrics, indicator 6.3: a waiver counts as reuse, issue 17)."""
    conditions = [
        Q(**{f"{prefix}registry_prefill__proves__contains": [proof]}) & Q(Exists(
            RequiredDocument.objects.filter(procedure_id=OuterRef(f"{prefix}procedure_id"), registry_proof=proof)))
        for proof in RegistryProof.values]
    return reduce(operator.or_, conditions)


def missing_documents(dossier):
    """Required documents with no digital file yet, except those the registry data replace."""
    provided = {
        d.required_document_id for d in dossier.documents.all() if d.source != DocumentSource.PAPER and d.file
    } | registry_waived(dossier)
    return [r for r in dossier.procedure.documents.all() if r.required and r.pk not in provided]


def check_complete(dossier):
    """Problems that stop submission, as Vietnamese sentences; an empty list means ready."""
    problems = []
    errors = form_errors(dossier)
    if errors:
        problems.append(_("Tờ khai còn %(n)d trường chưa hợp lệ.") % {"n": len(errors)})
    for requirement in missing_documents(dossier):
        problems.append(_("Thiếu giấy tờ bắt buộc: %(name)s.") % {"name": requirement.name})
    return problems
