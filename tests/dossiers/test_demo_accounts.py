"""The demo of today (issue 13 item 4): `seed_demo`'s officers work at agencies in force today, and the
former district division's leader sees the trail of the dossiers handed over on 1/7/2025."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from dossiers import lifecycle
from dossiers.models import AgencyMembership, Dossier, DossierEvent, Role, User

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 12, 3, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
FORMER = {"tiepnhan.huyen@motcua.local", "lanhdao.huyen@motcua.local"}


def test_demo_officers_are_of_today_and_the_former_division_shows_its_hand_over():
    with time_machine.travel(TODAY):
        call_command("seed_demo", stdout=StringIO())
        today = TODAY.date()
        for membership in AgencyMembership.objects.select_related("user", "agency"):
            in_force = membership.agency.valid_until is None or membership.agency.valid_until >= today
            assert in_force != (membership.user.email in FORMER), (membership.user.email, membership.agency.name)
        desk = User.objects.get(email="tiepnhan.xa@motcua.local")
        assert {m.agency.name for m in desk.memberships.all()} == {"Trung tâm Phục vụ hành chính công Phường Thành Sen"}
        assert User.objects.get(email="congdan@motcua.local").address_unit.name == "Phường Thành Sen"
        leader = User.objects.get(email="lanhdao.huyen@motcua.local")
        assert leader.memberships.get().role == Role.LEADER
        trail = Dossier.objects.visible_to(leader).filter(events__action=lifecycle.Recorded.REORGANIZE)
        assert trail.count() == 2
        assert {d.handling_agency.name for d in trail} == {"Trung tâm Phục vụ hành chính công Phường Thành Sen"}
        assert all(Role.DESK_OFFICER in desk.roles_in(d.handling_agency) for d in trail)
        events = DossierEvent.objects.count()
        call_command("seed_demo", stdout=StringIO())
    assert DossierEvent.objects.count() == events and Dossier.objects.count() == 2
