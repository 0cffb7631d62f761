"""Permission sweep (issue 7, item 7): every URL pattern of the project against the permission matrix.

The test walks `django.urls.get_resolver()` recursively (pages and the `/api/v1/` DRF routes) and
checks each route for anonymous, another citizen, officers of another agency and the right users.
The matrix is the one dict `MATRIX` below; a route with neither a matrix entry nor an explicit,
reasoned exclusion in `EXCLUDED` fails `test_every_route_has_a_matrix_entry`.

Kinds (what `check_route` asserts):
    public           anonymous and every user get a non-error answer (`assert_public`)
    login            any signed-in user (own list / own data); anonymous -> login (page) or 401/403 (API)
    owner            the applicant only; everyone else (the agency's officers too) -> 404
    reader           applicant, officers of the receiving/handling agency and the monitor; others -> 404
    desk_object      officers of the dossier's agency; citizens and other agencies -> 404
    officer          any agency officer (own queue); citizens -> 404
    desk_intake      desk officers (of any agency: they take in for their own); others -> 404
    leader_monitor   the monitor and the agency's leader; citizens and plain officers -> 404
    monitor          the provincial monitor only; leaders, officers and citizens -> 404
POST-only routes are sent empty/minimal data: insiders may get 2xx/3xx/400 (validation) or 409
(lifecycle conflict) — never 403/404/500.
"""

import io
import uuid
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dossiers import appointment_selectors, payments, services
from dossiers.models import Document, DocumentSource, Role, ServicePoint
from procedures.models import RequiredDocument
from reports import services as reports_services
from reports.models import MonthlyReport, OnlineRateTarget, PlanTarget
from tests import factories
from tests.dossiers.citizen_helpers import desk_return_result, pdf_bytes, submitted_dossier
from tests.permissions import assert_permission_matrix, assert_public

# Route key -> why it is not in the matrix.
EXCLUDED = {
    "admin:*": "Django admin: staff-only, guarded by admin.site (tested in tests/procedures/test_admin.py)",
    "set_language": "django.conf.urls.i18n: language switch, no data (tests/portal/test_language.py)",
    "javascript-catalog": "jsi18n: the public translation catalogue, no data",
    "api-schema": "OpenAPI schema: public documentation, fuzzed in tests/test_api_fuzz.py",
    "api-docs": "Swagger UI over the schema: public documentation",
    "healthz": "liveness probe for the load balancer, no data (tests/portal/test_health.py)",
}

# POST endpoints without CSRF protection: the bank's server-to-server notification (HMAC-signed); the
# public verification API, which reads no session or cookie (authentication_classes = []) and changes
# nothing but its audit row, so a forged cross-site request gains nothing; and the OAuth2 token
# endpoints, where the client authenticates with its secret, never with a cookie (RFC 6749); and the
# sandbox national portal's event endpoint, server to server and HMAC-signed like the bank's.
CSRF_EXEMPT = {"payment_callback", "api_verification_upload", "oauth-token", "oauth-revoke", "sandbox_portal_events",
               "oauth2_provider:token"}
# Status codes that a right user may get on a POST sent without real data.
POST_OK = (200, 201, 202, 204, 302, 400, 409)
MONTH = "2025-03"
PUBLISHED = "2025-02"  # the world's published month (/cong-khai/, open data)


def _dossier(w):
    return {"public_id": w["dossier"].public_id}


def _code(w):
    return {"code": w["dossier"].code}


def _ref(w):
    return {"ref": w["dossier"].code}


# route key -> entry: kind, URL kwargs from the world, method, optional query / data / ok statuses.
MATRIX = {
    # --- portal / accounts -------------------------------------------------------------------------
    "home": {"kind": "public"},
    # A signed-in user is sent on from the sign-in and registration pages.
    "register": {"kind": "public", "ok": (200, 302), "also": [("post", "public")]},
    # Without a pending registration the confirmation page sends everyone back to the form.
    "register_confirm": {"kind": "public", "ok": (302,), "also": [("post", "public")]},
    "login": {"kind": "public", "ok": (200, 302), "also": [("post", "public")]},
    "logout": {"kind": "public", "method": "post", "ok": (302,)},
    # National identity sign-in (issue 17): off to the provider (or back to the sign-in page when it is
    # unreachable); the callback without code and state signs nobody in and goes back to the sign-in page.
    "identity_login": {"kind": "public", "ok": (302,)},
    "identity_callback": {"kind": "public", "ok": (302,)},
    # The sandbox identity provider (dossiers/identity_sandbox.py): an authorization request without
    # parameters is refused (400), the token endpoint needs the client's secret, userinfo a bearer token,
    # the logout page without an ID token asks to confirm; discovery and keys are public.
    "oauth2_provider:authorize": {"kind": "public", "ok": (400,)},
    "oauth2_provider:token": {"kind": "public", "method": "post", "ok": (400, 401)},
    "oauth2_provider:oidc-connect-discovery-info": {"kind": "public"},
    "oauth2_provider:jwks-info": {"kind": "public"},
    "oauth2_provider:user-info": {"kind": "public", "ok": (401,)},
    "oauth2_provider:rp-initiated-logout": {"kind": "public"},
    "password_reset": {"kind": "public", "also": [("post", "public")]},
    "password_reset_done": {"kind": "public"},
    "password_reset_phone": {"kind": "public", "also": [("post", "public")]},
    # Without a pending reset the code page sends everyone back to the phone form.
    "password_reset_phone_confirm": {"kind": "public", "ok": (302,), "also": [("post", "public")]},
    "password_reset_confirm": {"kind": "public", "kwargs": lambda w: {"uidb64": "MQ", "token": "sai-ma"}},
    "password_reset_complete": {"kind": "public"},
    "audit_log": {"kind": "monitor"},
    "admin_audit_log": {"kind": "monitor"},
    # The national sync's dead letters and replay (issue 18 item 3): the provincial monitor only.
    "national_sync_monitor": {"kind": "monitor", "also": [("post", "monitor")]},
    # The sandbox national portal: server to server, HMAC-signed (no session); unsigned requests get 401.
    "sandbox_portal_events": {"kind": "public", "method": "post", "ok": (401,)},
    "sandbox_portal_counts": {"kind": "public", "ok": (401,)},
    # --- citizen pages -----------------------------------------------------------------------------
    "my_dossiers": {"kind": "login", "hides": "dossier"},
    "wallet": {"kind": "login", "hides": "document"},
    "dossier_detail": {"kind": "reader", "kwargs": _dossier},
    "dossier_receipt": {"kind": "reader", "kwargs": _dossier},
    "dossier_form": {"kind": "owner", "kwargs": lambda w: {"public_id": w["draft"].public_id},
                     "also": [("post", "owner")]},
    "dossier_documents": {"kind": "owner", "kwargs": lambda w: {"public_id": w["draft"].public_id},
                          "also": [("post", "owner")]},
    "dossier_review": {"kind": "owner", "kwargs": lambda w: {"public_id": w["draft"].public_id},
                       "also": [("post", "owner")]},
    "dossier_supplement": {"kind": "owner", "kwargs": _dossier, "ok": (200, 302), "also": [("post", "owner")]},
    "dossier_withdraw": {"kind": "owner", "kwargs": _dossier, "ok": (200, 302), "also": [("post", "owner")]},
    "dossier_start": {"kind": "login", "kwargs": lambda w: {"procedure_code": w["procedure"].code},
                      "also": [("post", "login")]},
    "dossier_rate": {"kind": "owner", "kwargs": _dossier, "method": "post"},
    "dossier_pay": {"kind": "owner", "kwargs": _dossier, "method": "post"},
    "document_download": {"kind": "reader", "kwargs": lambda w: {"document_id": w["document"].pk}},
    "document_preview": {"kind": "reader", "kwargs": lambda w: {"document_id": w["document"].pk}},
    "dossier_lookup": {"kind": "public"},
    # Public verification of a signed result (issue 18): anyone holding the document; an unknown id is
    # answered "unknown" (200), an empty upload is a form error (400).
    "signature_verify": {"kind": "public", "kwargs": lambda w: {"verification_id": "khong-co-ma-nay"}},
    "signature_verify_upload": {"kind": "public", "also": [("post", "public")], "ok": (200, 400)},
    "signature_revocation_list": {"kind": "public"},
    # The simulated bank: the applicant only, else anyone could mark a fee paid (issue 20 item 3).
    "payment_sandbox": {"kind": "owner", "kwargs": lambda w: {"order_id": w["payment"].order_id},
                        "also": [("post", "owner")]},
    # Signed by the bank (HMAC): no session; unsigned input is refused with 400.
    "payment_return": {"kind": "public", "ok": (400,)},
    "payment_callback": {"kind": "public", "method": "post", "ok": (400,)},
    "payment_receipt": {"kind": "reader", "kwargs": lambda w: {"order_id": w["payment"].order_id}},
    "payment_receipt_pdf": {"kind": "reader", "kwargs": lambda w: {"order_id": w["payment"].order_id}},
    # --- one-stop desk pages -----------------------------------------------------------------------
    "desk:queue": {"kind": "officer"},
    "desk:bulk": {"kind": "officer", "method": "post"},
    "desk:tracking_book": {"kind": "officer"},
    "desk:tracking_book_pdf": {"kind": "officer"},
    "desk:intake": {"kind": "desk_intake", "also": [("post", "desk_intake")]},
    "desk:dossier": {"kind": "desk_object", "kwargs": _code},
    "desk:action": {"kind": "desk_object", "method": "post",
                    "kwargs": lambda w: {"code": w["dossier"].code, "action": "stop"}},
    "desk:document": {"kind": "desk_object", "kwargs": lambda w: {"code": w["dossier"].code, "pk": w["document"].pk}},
    "desk:print": {"kind": "desk_object", "kwargs": lambda w: {"code": w["dossier"].code, "kind": "tiep-nhan"}},
    "desk:print_pdf": {"kind": "desk_object", "kwargs": lambda w: {"code": w["dossier"].code, "kind": "tiep-nhan"}},
    # --- the counter (issue 19): public kiosk, slip and display; the officer's counter; measures ----------
    "counter_kiosk": {"kind": "public", "kwargs": lambda w: {"agency_code": w["agency_a"].code},
                      "also": [("post", "public")]},
    "counter_display": {"kind": "public", "kwargs": lambda w: {"agency_code": w["agency_a"].code}},
    "counter_display_rows": {"kind": "public", "kwargs": lambda w: {"agency_code": w["agency_a"].code}},
    "counter_ticket": {"kind": "public", "kwargs": lambda w: {"public_id": w["ticket"].public_id}},
    "counter_rating": {"kind": "public", "kwargs": lambda w: {"agency_code": w["agency_a"].code, "number": 1},
                       "also": [("post", "public")]},
    "desk:counters": {"kind": "officer"},
    "desk:counter": {"kind": "desk_object", "kwargs": lambda w: {"pk": w["counter_a"].pk}},
    "desk:counter_call": {"kind": "desk_object", "method": "post", "kwargs": lambda w: {"pk": w["counter_a"].pk}},
    "desk:counter_action": {"kind": "desk_object", "method": "post",
                            "kwargs": lambda w: {"pk": w["counter_a"].pk, "action": "xong"}},
    "desk:counter_measures": {"kind": "leader_monitor"},
    "desk:counter_ratings_live": {"kind": "leader_monitor"},
    "desk:counter_ratings_live_rows": {"kind": "leader_monitor"},
    # The kiosk's check-in is public (the kiosk stands in the hall); an empty code is a form error.
    "counter_kiosk_check_in": {"kind": "public", "method": "post", "ok": (400,),
                               "kwargs": lambda w: {"agency_code": w["agency_a"].code}},
    # --- appointments at the counter (issue 19 item 1): the booker's own -----------------------------------
    "my_appointments": {"kind": "login"},
    # The apps a person allowed (issue 17): one's own list; revoking an app one has no token of -> 404.
    "connected_apps": {"kind": "login"},
    "connected_app_revoke": {"kind": "login", "method": "post", "ok": (404,),
                             "kwargs": lambda w: {"application_id": 999999}},
    "appointment_book": {"kind": "login", "kwargs": lambda w: {"procedure_code": w["procedure"].code},
                         "also": [("post", "login")]},
    "appointment_detail": {"kind": "owner", "kwargs": lambda w: {"public_id": w["appointment"].public_id}},
    "appointment_move": {"kind": "owner", "kwargs": lambda w: {"public_id": w["appointment"].public_id},
                         "also": [("post", "owner")]},
    "appointment_cancel": {"kind": "owner", "method": "post",
                           "kwargs": lambda w: {"public_id": w["appointment"].public_id}},
    # --- catalogue -----------------------------------------------------------------------------------
    "procedure_list": {"kind": "public"},
    "procedure_detail": {"kind": "public", "kwargs": lambda w: {"code": w["procedure"].code}},
    "procedure_template": {"kind": "public", "kwargs": lambda w: {"code": w["procedure"].code,
                                                                  "document_id": w["template"].pk}},
    "due_date": {"kind": "public"},
    "assistant": {"kind": "public", "query": {"q": "đăng ký khai sinh"}},
    # --- statistics ----------------------------------------------------------------------------------
    "reports:dashboard": {"kind": "leader_monitor"},
    "reports:dossiers": {"kind": "leader_monitor", "query": {"month": MONTH, "metric": "received"}},
    "reports:tickets": {"kind": "leader_monitor", "query": {"month": MONTH, "metric": "tickets_issued"}},
    "reports:export": {"kind": "leader_monitor", "query": {"month": MONTH, "table": "agency", "format": "csv"}},
    "reports:targets": {"kind": "monitor", "also": [("post", "monitor")]},
    "reports:target-delete": {"kind": "monitor", "method": "post", "kwargs": lambda w: {"pk": w["target"].pk}},
    "reports:recompute": {"kind": "monitor", "method": "post"},
    "reports:task": {"kind": "monitor", "kwargs": lambda w: {"task_id": "khong-co-tac-vu"}},
    "reports:publish": {"kind": "monitor", "method": "post"},
    "reports:report-create": {"kind": "monitor", "method": "post"},
    "reports:report": {"kind": "monitor", "kwargs": lambda w: {"pk": w["report"].pk}},
    "reports:report-appendix": {"kind": "monitor", "kwargs": lambda w: {"pk": w["report"].pk}},
    "reports:report-pdf": {"kind": "monitor", "kwargs": lambda w: {"pk": w["report"].pk}},
    "reports:public": {"kind": "public"},
    "reports:plan": {"kind": "leader_monitor", "query": {"year": "2025"}},
    "reports:plan-targets": {"kind": "monitor", "also": [("post", "monitor")]},
    "reports:plan-target-delete": {"kind": "monitor", "method": "post",
                                   "kwargs": lambda w: {"pk": w["plan_target"].pk}},
    "reports:open-data": {"kind": "public"},
    "reports:open-data-file": {"kind": "public",
                               "kwargs": lambda w: {"month": PUBLISHED, "version": 1, "name": "datapackage.json"}},
    "reports:open-data-latest": {"kind": "public", "ok": (302,),
                                 "kwargs": lambda w: {"month": PUBLISHED, "name": "agency.csv"}},
    # --- API: catalogue --------------------------------------------------------------------------------
    "api-procedure-list": {"kind": "public"},
    "api-procedure-detail": {"kind": "public", "kwargs": lambda w: {"code": w["procedure"].code}},
    "api-field-list": {"kind": "public"},
    "api-agency-list": {"kind": "public"},
    "api-unit-list": {"kind": "public"},
    "api-due-date": {"kind": "public", "ok": (200, 400)},
    "api-assistant": {"kind": "public", "query": {"q": "đổi bằng lái xe"}},
    # --- API: citizen -----------------------------------------------------------------------------------
    "api_dossiers": {"kind": "login", "hides": "dossier", "also": [("post", "login")]},
    "api_dossier": {"kind": "reader", "kwargs": _ref, "also": [("patch", "owner")]},
    "api_verification": {"kind": "public", "kwargs": lambda w: {"verification_id": "khong-co-ma-nay"}},
    "api_verification_upload": {"kind": "public", "method": "post", "ok": (400,)},
    "api_document_file": {"kind": "reader", "kwargs": lambda w: {"document_id": w["document"].pk}},
    "api_dossier_documents": {"kind": "owner", "method": "post", "kwargs": _ref},
    "api_dossier_submit": {"kind": "owner", "method": "post", "kwargs": _ref},
    "api_dossier_supplement": {"kind": "owner", "method": "post", "kwargs": _ref},
    "api_dossier_withdraw": {"kind": "owner", "method": "post", "kwargs": _ref},
    "api_dossier_rating": {"kind": "owner", "method": "post", "kwargs": _ref},
    "api_dossier_payment": {"kind": "owner", "method": "post", "kwargs": _ref},
    # --- API: desk ---------------------------------------------------------------------------------------
    "api-desk-action": {"kind": "desk_object", "method": "post",
                        "kwargs": lambda w: {"code": w["dossier"].code, "action": "stop"}},
    "api-desk-queue": {"kind": "officer"},
    "api-desk-intake": {"kind": "desk_intake", "method": "post"},
    "api-desk-registry-lookup": {"kind": "desk_intake", "method": "post"},
    "api-me": {"kind": "login"},
    "api-agency-specialists": {"kind": "desk_object", "kwargs": lambda w: {"agency": w["agency_a"].code}},
    # --- OAuth2 token endpoint: public (client authentication, not a user's); no client here -> 401
    # The mobile app's consent page (authorization code + PKCE): sign in first; signed in, a request
    # without a known client is refused (400).
    "oauth-authorize": {"kind": "login", "ok": (400,), "api": False},
    "oauth-token": {"kind": "public", "method": "post", "ok": (400, 401)},
    "oauth-revoke": {"kind": "public", "method": "post", "ok": (400, 401)},
    # --- API: statistics -------------------------------------------------------------------------------
    "api-reports-monthly": {"kind": "leader_monitor", "query": {"month": MONTH}},
    "api-reports-agency-trend": {"kind": "leader_monitor",
                                 "query": lambda w: {"agency": w["agency_a"].code, "end": MONTH}},
    "api-reports-area-trend": {"kind": "leader_monitor", "query": {"district": "999", "end": MONTH}},
    "api-reports-recompute": {"kind": "monitor", "method": "post"},
    "api-reports-task": {"kind": "monitor", "kwargs": lambda w: {"task_id": "khong-co-tac-vu"}},
}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed {entry.pattern}>"


def discovered_routes():
    keys = []
    for key in _walk(get_resolver().url_patterns):
        namespace = key.split(":", 1)[0] + ":*" if ":" in key else None
        keys.append(namespace if namespace in EXCLUDED else key)
    return keys


def test_every_route_has_a_matrix_entry():
    found = discovered_routes()
    routes = set(found)
    duplicated = sorted({key for key in found if found.count(key) > 1 and not key.endswith(":*")})
    assert not duplicated, f"several patterns share a name, so the matrix cannot tell them apart: {duplicated}"
    assert not set(MATRIX) & set(EXCLUDED), "a route is both checked and excluded"
    missing = routes - set(MATRIX) - set(EXCLUDED)
    stale = (set(MATRIX) | set(EXCLUDED)) - routes
    assert not missing, f"routes without a permission-matrix entry: {sorted(missing)}"
    assert not stale, f"matrix entries for routes that no longer exist: {sorted(stale)}"


def test_every_matrix_entry_has_a_known_kind():
    kinds = {"public", "login", "owner", "reader", "desk_object", "officer", "desk_intake", "leader_monitor",
             "monitor"}
    assert {name: e["kind"] for name, e in MATRIX.items() if e["kind"] not in kinds} == {}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One dataset for the whole module, built once in a transaction rolled back at the end (each test
    runs in its own savepoint inside it, so POSTs that change data do not leak into the next test)."""
    media = tmp_path_factory.mktemp("media")
    storages = {**django_settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}}}
    with django_db_blocker.unblock(), override_settings(
            STORAGES=storages, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        with transaction.atomic():
            yield _build_world()
            transaction.set_rollback(True)


def _build_world():
    """A citizen's dossier submitted online at agency A (fee paid through the sandbox bank), received,
    processed and returned with a result; a second dossier submitted and waiting at A; a draft of that
    citizen and one of another citizen; officers of A and B; a monitor; a statistics target and a ready
    monthly report (its files stored in a throwaway directory)."""
    agency_a, agency_b = factories.AgencyFactory(), factories.AgencyFactory()
    citizen, other_citizen = factories.UserFactory(), factories.UserFactory()
    procedure = factories.ProcedureFactory(agencies=[agency_a], with_fees=50_000)
    template = RequiredDocument.objects.filter(procedure=procedure).first()
    template.template.save("mau-to-khai.pdf", ContentFile(pdf_bytes()), save=True)

    dossier = submitted_dossier(citizen, procedure=procedure, agency=agency_a)
    payment, _url = services.payment_start(dossier=dossier, actor=citizen)
    gateway = payments.provider()
    services.payment_confirm(params=gateway.notification(payment, success=True, reference="SBX00000001"))
    desk_a = factories.officer(agency_a, Role.DESK_OFFICER)
    dossier.refresh_from_db()
    dossier = services.dossier_receive(dossier=dossier, actor=desk_a)
    dossier, _result = desk_return_result(dossier, desk_a)
    document = Document.objects.filter(dossier=dossier, source=DocumentSource.UPLOADED).first()
    draft = services.dossier_start_online(procedure=procedure, agency=agency_a, applicant=citizen)
    other_draft = services.dossier_start_online(procedure=procedure, agency=agency_a, applicant=other_citizen)
    waiting = submitted_dossier(citizen, agency=agency_a)  # submitted, not yet received

    counter_a = ServicePoint.objects.create(agency=agency_a, number=1)
    ticket = services.ticket_issue(agency=agency_a, key=uuid.uuid4(), field=procedure.field)
    last_day = appointment_selectors.bookable_days()[-1]
    appointment = services.appointment_book(applicant=citizen, agency=agency_a, procedure=procedure,
                                            starts_at=appointment_selectors.slot_starts(last_day)[0])

    monitor = factories.monitor()
    factories.province_tree()  # its district "999" is the former district of the area-trend route
    target = OnlineRateTarget.objects.create(year=2025, rate=40, agency=agency_a)
    report = MonthlyReport.objects.create(month=date(2025, 3, 1), created_by=monitor, html="<p>Báo cáo</p>",
                                          ready=True)
    report.appendix.save("phu-luc.xlsx", io.BytesIO(b"PK\x03\x04"), save=False)
    report.pdf.save("bao-cao.pdf", io.BytesIO(pdf_bytes()), save=True)
    plan_target = PlanTarget.objects.create(indicator="online", year=2025, value=50)
    # A published month (not MONTH, whose API figures must stay private): its open data package is built.
    reports_services.month_compute(month=date(2025, 2, 1))
    reports_services.month_publish(month=date(2025, 2, 1), actor=monitor)
    return {
        "agency_a": agency_a, "agency_b": agency_b, "procedure": procedure, "template": template,
        "dossier": dossier, "draft": draft, "other_draft": other_draft, "waiting": waiting,
        "document": document, "payment": payment,
        "citizen": citizen, "other_citizen": other_citizen,
        "desk_a": desk_a, "specialist_a": factories.officer(agency_a, Role.SPECIALIST),
        "leader_a": factories.officer(agency_a, Role.LEADER),
        "desk_b": factories.officer(agency_b, Role.DESK_OFFICER),
        "leader_b": factories.officer(agency_b, Role.LEADER),
        "monitor": monitor, "target": target, "report": report, "counter_a": counter_a, "ticket": ticket,
        "appointment": appointment,
        "plan_target": plan_target,
    }


def _cast(w):
    """Who is an insider and who an outsider, per kind."""
    citizens = [w["citizen"], w["other_citizen"]]
    officers_a = [w["desk_a"], w["specialist_a"], w["leader_a"]]
    everyone = [*citizens, *officers_a, w["desk_b"], w["leader_b"], w["monitor"]]
    return {
        "public": ([], everyone),
        "login": ([], everyone),
        "owner": ([w["other_citizen"], w["desk_a"], w["desk_b"], w["monitor"]], [w["citizen"]]),
        "reader": ([w["other_citizen"], w["desk_b"], w["leader_b"]], [w["citizen"], *officers_a, w["monitor"]]),
        "desk_object": ([*citizens, w["desk_b"], w["leader_b"], w["monitor"]], officers_a),
        "officer": ([*citizens, w["monitor"]], [*officers_a, w["desk_b"]]),
        "desk_intake": ([*citizens, w["specialist_a"], w["leader_a"], w["monitor"]], [w["desk_a"], w["desk_b"]]),
        "leader_monitor": ([*citizens, w["desk_a"], w["specialist_a"], w["desk_b"]], [w["leader_a"], w["monitor"]]),
        "monitor": ([*citizens, *officers_a, w["desk_b"], w["leader_b"]], [w["monitor"]]),
    }


def _hidden_marker(w, hides):
    if hides == "dossier":
        return w["dossier"].code
    return w["document"].original_name


CHECKS = sorted([(route, entry.get("method", "get"), entry["kind"]) for route, entry in MATRIX.items()]
                + [(route, method, kind) for route, entry in MATRIX.items() for method, kind in entry.get("also", [])])


@pytest.mark.parametrize(("route", "method", "kind"), CHECKS, ids=[f"{r}-{m}" for r, m, _k in CHECKS])
def test_route_answers_each_user_as_the_matrix_says(db, client, world, route, method, kind):
    entry = MATRIX[route]
    kwargs = entry.get("kwargs", lambda w: {})(world)
    url = reverse(route, kwargs=kwargs)
    writes = method in ("post", "patch")
    data = entry.get("query") if not writes else ({} if method == "post" else "{}")
    data = data(world) if callable(data) else data  # a query naming an object of the world
    extra = {"content_type": "application/json"} if method == "patch" else {}
    ok = (POST_OK if writes else entry.get("ok")) or (200,)
    if entry.get("method", "get") == method and entry.get("ok"):
        ok = entry["ok"]
    outsiders, insiders = _cast(world)[kind]
    if kind == "public":
        responses = assert_public(client, method, url, users=insiders, ok_statuses=ok, data=data, **extra)
    else:
        responses = assert_permission_matrix(client, method, url, outsiders=outsiders, insiders=insiders,
                                             data=data, ok_statuses=ok, api=entry.get("api"), **extra)
    for response in responses:
        assert response.status_code < 500
    if entry.get("hides") and not writes:
        marker = _hidden_marker(world, entry["hides"])
        seen = {user: response.content.decode() for user, response in zip(insiders, responses, strict=True)}
        assert marker in seen[world["citizen"]], f"{route}: the owner does not see {marker}"
        leaks = [str(user) for user, body in seen.items() if user != world["citizen"] and marker in body
                 and user in (world["other_citizen"], world["desk_b"], world["leader_b"])]
        assert not leaks, f"{route} shows {marker} to {leaks}"


# --- object ids of someone else passed inside an allowed request ----------------------------------------
def test_a_citizen_cannot_reuse_or_remove_another_citizens_document(db, client, world):
    client.force_login(world["other_citizen"])
    draft, document = world["other_draft"], world["document"]
    requirement = draft.procedure.documents.get(required=True)
    page = reverse("dossier_documents", args=[draft.public_id])
    assert client.post(page, {"reuse": f"{requirement.pk}:{document.pk}"}).status_code == 404
    assert client.post(page, {"remove": document.pk}).status_code == 404
    api = reverse("api_dossier_documents", args=[draft.public_id])
    response = client.post(api, {"required_document": requirement.pk, "reuse_document": document.pk})
    assert response.status_code == 404
    assert not draft.documents.exists()
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_leader_cannot_drill_down_into_another_agency(db, client, world):
    client.force_login(world["leader_a"])
    agency_b = world["agency_b"].pk
    query = {"month": MONTH, "metric": "received", "agency": agency_b}
    assert client.get(reverse("reports:dossiers"), query).status_code == 404
    export = {"month": MONTH, "table": "dossiers", "format": "csv", "metric": "received", "agency": agency_b}
    assert client.get(reverse("reports:export"), export).status_code == 404
    assert client.get(reverse("reports:dossiers"), {**query, "agency": world["agency_a"].pk}).status_code == 200
    tickets = {"month": MONTH, "metric": "tickets_issued"}
    assert client.get(reverse("reports:tickets"), {**tickets, "agency": agency_b}).status_code == 404
    assert client.get(reverse("reports:tickets"), {**tickets, "agency": world["agency_a"].pk}).status_code == 200


def test_bulk_actions_ignore_dossiers_of_another_agency(db, client, world):
    waiting = world["waiting"]
    client.force_login(world["desk_b"])
    response = client.post(reverse("desk:bulk"), {"action": "receive", "codes": [waiting.code]})
    assert response.status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == "submitted" and waiting.received_at is None
    api = reverse("api-desk-action", kwargs={"code": waiting.code, "action": "receive"})
    assert client.post(api, {"version": waiting.version}).status_code == 404
    client.force_login(world["desk_a"])
    assert client.post(api, {"version": waiting.version}).status_code == 200


WRITES = [(route, method, kind) for route, method, kind in CHECKS if method in ("post", "patch")]


@pytest.mark.parametrize(("route", "method", "kind"), WRITES, ids=[f"{r}-{m}" for r, m, _k in WRITES])
def test_every_write_needs_the_csrf_token(db, world, route, method, kind):
    """A forged cross-site POST (the user's session cookie, no CSRF token) is refused on every write."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    user = _cast(world)[kind][1][0]
    client.force_login(user)
    url = reverse(route, kwargs=MATRIX[route].get("kwargs", lambda w: {})(world))
    if method == "patch":
        response = client.patch(url, "{}", content_type="application/json")
    else:
        response = client.post(url, {})
    if route in CSRF_EXEMPT:
        assert response.status_code != 403
    else:
        assert response.status_code == 403, f"{user} {method} {url} without a CSRF token: {response.status_code}"


def test_an_unreleased_result_is_served_to_officers_and_the_monitor_not_the_applicant(db, client, world):
    """Issue 20 item 2: every file route applies one rule (dossiers.access) to a result not yet approved."""
    from dossiers import lifecycle
    from tests.dossiers.citizen_helpers import pdf_upload

    dossier = services.dossier_receive(dossier=world["waiting"], actor=world["desk_a"])
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.ASSIGN, actor=world["desk_a"])
    result = services.dossier_upload_result(dossier=dossier, actor=world["specialist_a"], uploaded_file=pdf_upload())
    routes = [reverse(name, args=[result.pk]) for name in ("document_download", "document_preview", "api_document_file")]
    expected = {"citizen": 404, "other_citizen": 404, "desk_b": 404, "leader_b": 404,
                "desk_a": 200, "specialist_a": 200, "leader_a": 200, "monitor": 200}
    for who, status in expected.items():
        client.force_login(world[who])
        assert [client.get(url).status_code for url in routes] == [status] * 3, who


def test_internal_comments_reach_officers_and_the_monitor_not_the_applicant(db, client, world):
    """Issue 20 item 6: a specialist's note to the leader is not in the applicant's page or API."""
    from dossiers import lifecycle

    note = "Ghi chú nội bộ cho lãnh đạo 7Q"
    dossier = services.dossier_receive(dossier=world["waiting"], actor=world["desk_a"])
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.ASSIGN, actor=world["desk_a"])
    lifecycle.apply(dossier=dossier, action=lifecycle.Action.SUBMIT_FOR_APPROVAL, actor=world["specialist_a"],
                    reason=note)
    urls = [reverse("dossier_detail", args=[dossier.public_id]), reverse("api_dossier", args=[dossier.code])]
    for who, sees in {"citizen": False, "leader_a": True, "monitor": True}.items():
        client.force_login(world[who])
        bodies = [client.get(url).content.decode() for url in urls]
        assert [note in body for body in bodies] == [sees, sees], who
