"""Schemathesis against /api/schema/, in-process (the WSGI app on the test database), as anonymous, a
citizen and an officer: no server error, and every response matches the schema.

Generic: every operation the schema lists is fuzzed, so endpoints other streams add later are covered
without touching this file. Examples per operation are bounded (FUZZ_EXAMPLES, default 15) and the
Hypothesis database is off, so a run is reproducible and short.
"""

import collections
import datetime as dt
import itertools
import os
import re

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from dossiers import services
from tests import factories
from tests.dossiers.citizen_helpers import pdf_upload, private_media, required, submitted_dossier  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, response_schema_conformance]

# Issue 20 item 9: every parameter the schema declares a date or a date-time also gets the edges of the
# calendar (0001-01-01, 9999-12-31 overflowed the day after it) and the edges of the range MotCua takes.
EDGE_DAYS = st.sampled_from([dt.date.min, dt.date.max, dt.date(1999, 12, 31), dt.date(2000, 1, 1),
                             dt.date(2099, 12, 31), dt.date(2100, 1, 1)]) | st.dates()
schemathesis.openapi.format("date", EDGE_DAYS.map(dt.date.isoformat))
schemathesis.openapi.format("date-time", st.tuples(
    EDGE_DAYS, st.sampled_from(["00:00:00", "23:59:59", "09:00:00+07:00", "00:00:00+14:00", "23:59:59-12:00"]),
).map(lambda parts: f"{parts[0].isoformat()}T{parts[1]}"))


@pytest.fixture
def api_schema(settings, private_media):  # noqa: F811
    """The schema, loaded through the WSGI app; requests keep the test's connection (as Django's Client does)."""
    settings.ALLOWED_HOSTS = ["*"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def populated(citizen, procedure):
    """Something to find: a draft with a document and a submitted dossier of the citizen.

    Returns known values for path parameters, so requests also reach past the 404 of a random id.
    """
    draft = services.dossier_start_online(procedure=procedure, agency=procedure.agencies.first(), applicant=citizen)
    document = services.document_upload(dossier=draft, actor=citizen, uploaded=pdf_upload(),
                                        required_document=required(draft))
    submitted = submitted_dossier(citizen, procedure=procedure)
    return {"ref": [str(draft.public_id), submitted.code], "code": [procedure.code], "document_id": [document.pk]}


def token_header(user):
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def strategy_for(operation, known):
    """Valid and invalid inputs; where every path parameter has known values, also with those."""
    names = re.findall(r"{(\w+)}", operation.path)
    fixed = [{}]
    if names and all(name in known for name in names):
        fixed += [dict(zip(names, values, strict=True)) for values in itertools.product(*(known[n] for n in names))]
    strategies = []
    for path_parameters in fixed:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                strategies.append(operation.as_strategy(mode, path_parameters=path_parameters or None))
            except Exception:  # noqa: BLE001 - an operation without inputs has no negative form
                pass
    return st.one_of(strategies)


def fuzz(api_schema, headers, known):
    """Run every operation; returns the failures as '<operation>: <error>' lines."""
    failures, statuses = [], collections.Counter()
    # Schemathesis's WSGI transport asks for gzip but does not decode it (an HTTP client does): ask for
    # the plain body. Compression has its own tests (tests/portal/test_compression.py).
    headers = {**headers, "Accept-Encoding": "identity"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10, "the schema lost its operations"
    for operation in operations:

        @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                             phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=strategy_for(operation, known))
        def run(case):
            response = case.call(headers=headers)
            statuses[(case.operation.label, response.status_code)] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - schemathesis' FailureGroup; reported below
            exc.__cause__ = exc.__context__ = None
            failures.append(f"{operation.label}: {_describe(exc)}")
    print(*(f"{label} {code}: {count}" for (label, code), count in sorted(statuses.items())), sep="\n")  # -s
    return failures


def _describe(exc):
    details = [str(exc)] + [str(sub)[:800] for sub in getattr(exc, "exceptions", ())]
    return "\n".join(details)[:3000]


def test_api_fuzzing_as_anonymous(api_schema, populated):
    failures = fuzz(api_schema, {}, populated)
    assert not failures, "\n\n".join(failures)


def test_api_fuzzing_as_citizen(api_schema, populated, citizen):
    failures = fuzz(api_schema, token_header(citizen), populated)
    assert not failures, "\n\n".join(failures)


def test_api_fuzzing_as_officer(api_schema, populated, agency):
    failures = fuzz(api_schema, token_header(factories.officer(agency, "desk_officer")), populated)
    assert not failures, "\n\n".join(failures)
