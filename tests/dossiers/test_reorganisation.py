"""The cut-over of 1 July 2025 (issue 13 item 2), with a frozen clock on both sides of it.

Refusal at an agency that ceased (service, page, API: a 400 naming the successor, never a 500); the
catalogue of the day; the hand-over command `reorganize` (dry run, real run, second run, ambiguous
successor listed, a person's decision with --assign, memberships following).
"""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dossiers import lifecycle, services
from dossiers.models import AgencyMembership, DossierEvent, Role, Status
from procedures.models import Level
from procedures.selectors import procedure_agencies
from tests import factories
from tests.dossiers.citizen_helpers import pdf_upload, private_media, required  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
LAST_DAY = date(2025, 6, 30)
BEFORE = datetime(2025, 6, 30, 9, 0, tzinfo=HCM)  # Monday, the district's last day
AFTER = datetime(2025, 7, 1, 9, 0, tzinfo=HCM)  # Tuesday, the first day of the two tiers
LATER = datetime(2026, 12, 3, 9, 0, tzinfo=HCM)


@pytest.fixture
def reform(db):
    """A district division ending 30/6/2025 with one successor (a commune centre), and a division split
    between two centres; one procedure handled by all of them."""
    tree = factories.province_tree()
    new_unit = factories.UnitFactory(level=Level.COMMUNE, scheme="2025", parent=tree["province"])
    other_unit = factories.UnitFactory(level=Level.COMMUNE, scheme="2025", parent=tree["province"])
    former = factories.AgencyFactory(kind="P_TUPHAP", level=Level.DISTRICT, area=tree["district"],
                                     name="Phòng Tư pháp huyện Thử Nghiệm", valid_until=LAST_DAY)
    split = factories.AgencyFactory(kind="P_VHTT", level=Level.DISTRICT, area=tree["district"],
                                    name="Phòng Văn hóa và Thông tin huyện Thử Nghiệm", valid_until=LAST_DAY)
    centre = factories.AgencyFactory(kind="TT_HCC_XA", level=Level.COMMUNE, area=new_unit,
                                     name="Trung tâm Phục vụ hành chính công xã Mới", valid_from=date(2025, 7, 1))
    other = factories.AgencyFactory(kind="TT_HCC_XA", level=Level.COMMUNE, area=other_unit,
                                    name="Trung tâm Phục vụ hành chính công xã Bên", valid_from=date(2025, 7, 1))
    former.successors.set([centre])
    split.successors.set([centre, other])
    procedure = factories.ProcedureFactory(agencies=[former, split, centre, other], level=Level.DISTRICT)
    return {"former": former, "split": split, "centre": centre, "other": other, "procedure": procedure}


def _draft(citizen, procedure, agency):
    dossier = services.dossier_start_online(procedure=procedure, agency=agency, applicant=citizen)
    services.dossier_save_form(dossier=dossier, actor=citizen, data={"full_name": "Nguyễn Văn A"})
    services.document_upload(dossier=dossier, actor=citizen, uploaded=pdf_upload(), required_document=required(dossier))
    return dossier


def _submitted(citizen, procedure, agency):
    return services.dossier_submit_online(dossier=_draft(citizen, procedure, agency), actor=citizen)


# --- refusal ------------------------------------------------------------------------------------------
def test_a_dossier_at_a_ceased_agency_is_refused_naming_its_successor(reform, citizen):
    with time_machine.travel(BEFORE):
        draft = services.dossier_start_online(procedure=reform["procedure"], agency=reform["former"],
                                              applicant=citizen)
    assert draft.receiving_agency == reform["former"]
    with time_machine.travel(AFTER), pytest.raises(services.AgencyNotInForce) as refused:
        services.dossier_start_online(procedure=reform["procedure"], agency=reform["former"], applicant=citizen)
    assert "Trung tâm Phục vụ hành chính công xã Mới" in refused.value.message
    assert "30/06/2025" in refused.value.message
    with time_machine.travel(BEFORE), pytest.raises(services.AgencyNotInForce) as early:
        services.dossier_start_online(procedure=reform["procedure"], agency=reform["centre"], applicant=citizen)
    assert "01/07/2025" in early.value.message


def test_taking_in_at_a_ceased_agency_is_refused(reform, citizen):
    with time_machine.travel(BEFORE):
        dossier = _submitted(citizen, reform["procedure"], reform["former"])
    desk = factories.officer(reform["former"], Role.DESK_OFFICER)
    with time_machine.travel(AFTER), pytest.raises(services.AgencyNotInForce, match="xã Mới"):
        services.dossier_receive(dossier=dossier, actor=desk)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.received_at is None


def test_submitting_an_old_draft_on_the_page_shows_the_successor(reform, citizen, client):
    with time_machine.travel(BEFORE):
        dossier = _draft(citizen, reform["procedure"], reform["former"])
    client.force_login(citizen)
    with time_machine.travel(AFTER):
        response = client.post(reverse("dossier_review", args=[dossier.public_id]))
    assert response.status_code == 200
    assert "Trung tâm Phục vụ hành chính công xã Mới" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT and dossier.code is None


def test_the_api_answers_400_naming_the_successor(reform, citizen):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=citizen).key}")
    body = {"procedure": reform["procedure"].code, "agency": reform["former"].code, "form_data": {}}
    with time_machine.travel(AFTER):
        refused = api.post(reverse("api_dossiers"), body, format="json")
    assert refused.status_code == 400, refused.content
    assert "Trung tâm Phục vụ hành chính công xã Mới" in refused.json()["detail"]
    with time_machine.travel(BEFORE):
        assert api.post(reverse("api_dossiers"), body, format="json").status_code == 201


def test_the_catalogue_lists_the_agencies_of_the_day(reform):
    with time_machine.travel(BEFORE):
        before, _count = procedure_agencies(procedure=reform["procedure"])
    with time_machine.travel(LATER):
        today, _count = procedure_agencies(procedure=reform["procedure"])
    assert set(before) == {reform["former"], reform["split"]}
    assert set(today) == {reform["centre"], reform["other"]}


# --- the hand-over command --------------------------------------------------------------------------------
def _run(*args):
    out = StringIO()
    call_command("reorganize", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def open_dossiers(reform, citizen):
    """Before the change: one received and assigned, one submitted, one at the split division, one
    returned, one draft; officers of the former division."""
    desk = factories.officer(reform["former"], Role.DESK_OFFICER)
    specialist = factories.officer(reform["former"], Role.SPECIALIST)
    with time_machine.travel(BEFORE):
        received = services.dossier_receive(dossier=_submitted(citizen, reform["procedure"], reform["former"]),
                                            actor=desk)
        received = services.dossier_assign(dossier=received, actor=desk, assignee=specialist)
        submitted = _submitted(citizen, reform["procedure"], reform["former"])
        split_desk = factories.officer(reform["split"], Role.DESK_OFFICER)
        ambiguous = services.dossier_receive(dossier=_submitted(citizen, reform["procedure"], reform["split"]),
                                             actor=split_desk)
        closed = services.dossier_refuse(dossier=_submitted(citizen, reform["procedure"], reform["former"]),
                                         actor=desk, reason="Không thuộc thẩm quyền")
        draft = services.dossier_start_online(procedure=reform["procedure"], agency=reform["former"],
                                              applicant=citizen)
    return {"received": received, "submitted": submitted, "ambiguous": ambiguous, "closed": closed,
            "draft": draft, "desk": desk, "specialist": specialist, "split_desk": split_desk}


def _state(dossiers):
    return {key: (d.code, d.status, d.receiving_agency_id, d.handling_agency_id, d.due_date, d.version)
            for key, d in ((k, v.__class__.objects.get(pk=v.pk)) for k, v in dossiers.items() if hasattr(v, "status"))}


def test_dry_run_lists_and_changes_nothing(reform, open_dossiers):
    before = _state(open_dossiers)
    with time_machine.travel(AFTER):
        out = _run("--on", "2025-07-01", "--dry-run")
    assert f"would hand over {open_dossiers['received'].code}" in out
    assert f"would hand over {open_dossiers['submitted'].code}" in out
    assert f"AMBIGUOUS {open_dossiers['ambiguous'].code}" in out and reform["other"].code in out
    assert open_dossiers["closed"].code not in out
    assert "2 dossiers would hand over" in out and "1 ambiguous" in out
    assert _state(open_dossiers) == before
    assert not DossierEvent.objects.filter(action=lifecycle.Recorded.REORGANIZE).exists()
    assert not AgencyMembership.objects.filter(agency=reform["centre"]).exists()


def test_the_hand_over_moves_open_dossiers_once_and_lists_the_ambiguous(reform, open_dossiers):
    before = _state(open_dossiers)
    with time_machine.travel(AFTER):
        out = _run("--on", "2025-07-01")
    after = _state(open_dossiers)
    received, submitted = after["received"], after["submitted"]
    # Same code and due date; handled by the successor; the receipt stays where it was made.
    assert received[0] == before["received"][0] and received[4] == before["received"][4]
    assert received[2] == reform["former"].pk and received[3] == reform["centre"].pk
    assert received[5] == before["received"][5] + 1
    # Not yet received: it will be taken in (and counted) by the successor.
    assert submitted[1] == Status.SUBMITTED and submitted[2] == submitted[3] == reform["centre"].pk
    for untouched in ("ambiguous", "closed", "draft"):
        assert after[untouched] == before[untouched], untouched
    events = DossierEvent.objects.filter(action=lifecycle.Recorded.REORGANIZE)
    assert sorted(events.values_list("dossier__code", flat=True)) == sorted(
        [open_dossiers["received"].code, open_dossiers["submitted"].code])
    event = events.get(dossier__code=open_dossiers["received"].code)
    assert "Chuyển giao do sắp xếp tổ chức" in event.comment
    assert event.data["from_agency"] == reform["former"].code and event.data["to_agency"] == reform["centre"].code
    # Officers follow (same roles at the successor), so the assignee keeps the dossier.
    roles = set(AgencyMembership.objects.filter(agency=reform["centre"]).values_list("user_id", "role"))
    assert roles == {(open_dossiers["desk"].pk, Role.DESK_OFFICER), (open_dossiers["specialist"].pk, Role.SPECIALIST)}
    assert open_dossiers["received"].__class__.objects.get(pk=open_dossiers["received"].pk).assignee == \
        open_dossiers["specialist"]
    assert f"AMBIGUOUS {open_dossiers['ambiguous'].code}" in out
    assert "AMBIGUOUS membership" in out  # the split division's desk officer stays where they were
    assert not AgencyMembership.objects.filter(user=open_dossiers["split_desk"]).exclude(agency=reform["split"]).exists()
    # The successor's desk can now take the submitted one in.
    with time_machine.travel(AFTER):
        taken = services.dossier_receive(dossier=open_dossiers["submitted"], actor=open_dossiers["desk"])
    assert taken.status == Status.RECEIVED


def test_a_second_run_changes_nothing(reform, open_dossiers):
    with time_machine.travel(AFTER):
        _run("--on", "2025-07-01")
        once = _state(open_dossiers)
        events = DossierEvent.objects.count()
        memberships = AgencyMembership.objects.count()
        out = _run("--on", "2025-07-01")
    assert _state(open_dossiers) == once
    assert DossierEvent.objects.count() == events and AgencyMembership.objects.count() == memberships
    assert "0 dossiers handed over" in out and "1 ambiguous" in out


def test_a_person_decides_for_the_ambiguous_dossier(reform, open_dossiers):
    code = open_dossiers["ambiguous"].code
    with time_machine.travel(AFTER):
        with pytest.raises(CommandError, match="kế thừa"):
            _run("--on", "2025-07-01", "--assign", f"{code}={reform['former'].code}")
        out = _run("--on", "2025-07-01", "--assign", f"{code}={reform['other'].code}")
    assert f"handed over {code}" in out and "(assigned)" in out
    dossier = open_dossiers["ambiguous"].__class__.objects.get(pk=open_dossiers["ambiguous"].pk)
    assert dossier.handling_agency == reform["other"] and dossier.receiving_agency == reform["split"]
    # Its specialist-less desk officer's role did not follow; the dossier is unassigned at the new centre.
    assert dossier.assignee is None


def test_of_several_successors_the_one_handling_the_procedure_now_takes_it(reform, citizen):
    """A split department (Lao động - Thương binh và Xã hội to Nội vụ, Y tế …): a dossier goes to the
    successor that handles its procedure today, when only one does."""
    only_centre = factories.ProcedureFactory(agencies=[reform["split"], reform["centre"]])
    desk = factories.officer(reform["split"], Role.DESK_OFFICER)
    with time_machine.travel(BEFORE):
        dossier = services.dossier_receive(dossier=_submitted(citizen, only_centre, reform["split"]), actor=desk)
    with time_machine.travel(AFTER):
        out = _run("--on", "2025-07-01")
    dossier.refresh_from_db()
    assert dossier.handling_agency == reform["centre"] and f"handed over {dossier.code}" in out


def test_bad_arguments_are_refused_clearly(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("--on", "1/7/2025")
    with pytest.raises(CommandError, match="CODE=AGENCY_CODE"):
        _run("--on", "2025-07-01", "--assign", "nothing")
    with pytest.raises(CommandError, match="XYZ"):
        _run("--on", "2025-07-01", "--assign", "XYZ=000.00.01.H27")


def test_a_crash_half_way_leaves_each_dossier_moved_or_untouched(reform, open_dossiers, monkeypatch):
    from dossiers.services import reorganize

    real_record, calls = lifecycle.record, []

    def crash_on_second(**kwargs):
        calls.append(kwargs["dossier"].code)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real_record(**kwargs)

    monkeypatch.setattr(reorganize.lifecycle, "record", crash_on_second)
    with time_machine.travel(AFTER), pytest.raises(RuntimeError):
        _run("--on", "2025-07-01")
    first, second = calls
    moved = {d.code: d.handling_agency_id for d in open_dossiers["received"].__class__.objects.filter(code__in=calls)}
    assert moved[first] == reform["centre"].pk and moved[second] == reform["former"].pk
    assert DossierEvent.objects.filter(action=lifecycle.Recorded.REORGANIZE).count() == 1
    monkeypatch.setattr(reorganize.lifecycle, "record", real_record)
    with time_machine.travel(AFTER):
        out = _run("--on", "2025-07-01")
    assert f"handed over {second}" in out and first not in out.split("AMBIGUOUS")[0]
    assert DossierEvent.objects.filter(action=lifecycle.Recorded.REORGANIZE).count() == 2
