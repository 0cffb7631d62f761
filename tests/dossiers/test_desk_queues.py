"""Desk queues: tabs, counts in one query, filters, search, keyset pagination, pinned query counts."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dossiers import selectors, services
from dossiers.models import Channel
from tests import factories
from tests.dossiers.desk_helpers import (
    VN,
    _fast_passwords,  # noqa: F401 (autouse fixture)
    at_monday,  # noqa: F401 (fixture)
    awaiting_approval,
    processing,
    received,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_monday")]


@pytest.fixture
def desk_scene(procedure, desk_officer, specialist, leader, other_agency):
    """One dossier in each queue, plus one of another agency that must never show."""
    scene = {
        "new": submitted(procedure),
        "received": received(procedure, desk_officer),
        "mine": processing(procedure, desk_officer, specialist),
        "approval": awaiting_approval(procedure, desk_officer, specialist),
        "supplement": services.dossier_request_supplement(
            dossier=received(procedure, desk_officer), actor=desk_officer, missing=["Ảnh"]),
        "foreign": submitted(factories.ProcedureFactory(agencies=[other_agency])),
    }
    payment = processing(procedure, desk_officer, specialist)
    scene["payment"] = services.dossier_request_payment(dossier=payment, actor=specialist, amount=1000)
    ready = awaiting_approval(procedure, desk_officer, specialist)
    scene["ready"] = services.dossier_approve(dossier=ready, actor=leader)
    return scene


def codes(page):
    return [d.code for d in page.rows]


def test_each_tab_lists_its_dossiers_and_counts_match(desk_scene, desk_officer, specialist):
    expected = {"moi": ["new"], "da-tiep-nhan": ["received"], "cho-bo-sung": ["supplement"],
                "cho-nop-phi": ["payment"], "cho-phe-duyet": ["approval"], "cho-tra": ["ready"],
                "dang-xu-ly": ["mine"]}
    counts = selectors.queue_counts(officer=desk_officer)
    for tab, names in expected.items():
        page = selectors.dossier_queue(officer=desk_officer, tab=tab)
        assert codes(page) == [desk_scene[n].code for n in names], tab
        assert counts[tab] == len(names), tab
    assert codes(selectors.dossier_queue(officer=specialist, tab="cua-toi")) == [desk_scene["mine"].code]
    assert counts["cua-toi"] == 0  # the desk officer has none assigned
    assert counts["qua-han"] == 0


def test_due_soon_and_overdue_tabs_follow_the_working_day_calendar(desk_scene, desk_officer):
    # Due 16/12. On Friday 11/12 it is 3 working days away (not soon); on Mon 14/12, 2 (soon).
    for day, soon, overdue in [(dt.date(2026, 12, 11), 0, 0), (dt.date(2026, 12, 14), 5, 0),
                               (dt.date(2026, 12, 17), 0, 5)]:
        counts = selectors.queue_counts(officer=desk_officer, today=day)
        assert (counts["sap-den-han"], counts["qua-han"]) == (soon, overdue), day
    page = selectors.dossier_queue(officer=desk_officer, tab="qua-han", today=dt.date(2026, 12, 17))
    assert desk_scene["supplement"].code not in codes(page)  # the clock is stopped


def test_counts_are_one_query(desk_scene, desk_officer, django_assert_num_queries):
    from procedures.selectors import working_calendar

    desk_officer = type(desk_officer).objects.prefetch_related("memberships").get(pk=desk_officer.pk)
    calendar = working_calendar()
    with django_assert_num_queries(1):
        counts = selectors.queue_counts(officer=desk_officer, calendar=calendar)
    assert sum(counts.values()) > 0


def test_search_by_code_name_id_number_and_phone(procedure, desk_officer):
    target = submitted(procedure, applicant=factories.UserFactory(full_name="Hồ Thị Tìm", phone="0987111222"),
                       applicant_id_number="042188000999")
    submitted(procedure)
    for q in (target.code, "thị tìm", "042188000999", "0987 111 222", "+84987111222"):
        assert codes(selectors.dossier_queue(officer=desk_officer, tab="moi", filters={"q": q})) == [target.code], q


def test_search_looks_in_every_tab_by_the_end_of_a_code_returned_dossiers_included(procedure, desk_officer,
                                                                                  specialist, leader,
                                                                                  other_agency):
    """Issue 21 item 10: partial code (as the receipt prints its end), name, ID or phone, from any tab,
    returned dossiers included, newest first, never another agency's."""

    done = awaiting_approval(procedure, desk_officer, specialist,
                             applicant=factories.UserFactory(full_name="Lê Văn Trả"))
    done = services.dossier_approve(dossier=done, actor=leader)
    done = services.dossier_return_result(dossier=done, actor=desk_officer)
    assert done.status == "returned"
    waiting = submitted(procedure, applicant=factories.UserFactory(full_name="Lê Văn Chờ"))
    foreign = submitted(factories.ProcedureFactory(agencies=[other_agency]),
                        applicant=factories.UserFactory(full_name="Lê Văn Khác"))
    search = lambda q: codes(selectors.dossier_queue(officer=desk_officer, tab="moi", filters={"q": q}))  # noqa: E731
    tail = done.code.rsplit(".", 1)[-1]  # e.g. "H99-261207-0001"
    assert search(tail) == [done.code]
    assert search(tail.split("-", 1)[1].lower()) == [done.code]
    assert search("lê văn") == [waiting.code, done.code]  # newest first, across tabs
    assert foreign.code not in search("lê văn") and search(foreign.code) == []
    page = selectors.dossier_queue(officer=desk_officer, tab="moi", filters={"q": "lê văn"})
    assert page.tab == selectors.SEARCH_TAB


def test_filters_by_procedure_field_channel_and_dates(procedure, agency, desk_officer):
    other_procedure = factories.ProcedureFactory(agencies=[agency])
    first = submitted(procedure)
    second = submitted(other_procedure)
    queue = lambda **f: codes(selectors.dossier_queue(officer=desk_officer, tab="moi", filters=f))  # noqa: E731
    assert queue(procedure=procedure.pk) == [first.code]
    assert queue(field=other_procedure.field_id) == [second.code]
    assert queue(channel=Channel.COUNTER) == []
    assert queue(date_from=dt.date(2026, 12, 8)) == []
    assert queue(date_to=dt.date(2026, 12, 7)) == [first.code, second.code]


def test_keyset_pagination_walks_every_row_once_in_due_date_order(procedure, desk_officer):
    made = []
    for day in (7, 8, 9):
        with time_machine.travel(dt.datetime(2026, 12, day, 9, 0, tzinfo=VN), tick=False):
            made += [received(procedure, desk_officer) for _ in range(3)]
    seen, after = [], None
    while True:
        page = selectors.dossier_queue(officer=desk_officer, tab="da-tiep-nhan", after=after, limit=4)
        seen += page.rows
        after = page.next_cursor
        if after is None:
            break
    assert [d.pk for d in seen] == [d.pk for d in sorted(made, key=lambda d: (d.due_date, d.pk))]
    assert len(seen) == 9


def test_malformed_cursor_shows_the_first_page(procedure, desk_officer):
    dossier = submitted(procedure)
    assert codes(selectors.dossier_queue(officer=desk_officer, tab="moi", after="%%%garbage")) == [dossier.code]


@pytest.mark.parametrize("tab", list(selectors.TABS_BY_SLUG))
def test_queue_page_query_count_does_not_grow_with_page_size(client, tab, procedure, desk_officer, specialist,
                                                             django_assert_max_num_queries):
    # session, user, memberships, procedures and fields (filters), calendar, page, counts, nav, specialists.
    # Filling a page of 50 in every tab would be slow; the same cap holds for 1 row and for 8.
    client.force_login(desk_officer)
    url = reverse("desk:queue") + f"?tab={tab}"
    with django_assert_max_num_queries(10):
        client.get(url)
    for _ in range(4):
        processing(procedure, desk_officer, specialist)
        submitted(procedure)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200


def test_queue_page_renders_rows_and_next_link(client, procedure, desk_officer):
    made = [submitted(procedure) for _ in range(3)]
    client.force_login(desk_officer)
    response = client.get(reverse("desk:queue"))
    assert f'href="{reverse("desk:dossier", args=[made[0].code])}"' in response.content.decode()
    assert response.context["page"].tab.slug == "moi"  # a desk officer starts on new dossiers
    assert len(response.context["page"].rows) == 3 and response.context["next_query"] is None
    assert "?tab=qua-han" in response.content.decode()


def test_name_search_ignores_accents_and_matches_each_word_as_a_prefix(procedure, desk_officer):
    """Issue 21 item 10: "le van tra" finds "Lê Văn Trả", "dang" finds "Đặng"; accented queries still match,
    a name typed in decomposed Unicode too, and a word must start a word of the name."""
    import unicodedata

    tra = submitted(procedure, applicant=factories.UserFactory(full_name="Lê Văn Trả"))
    dang = submitted(procedure, applicant=factories.UserFactory(full_name="Đặng Thị Hoa"))
    nfd = submitted(procedure, applicant=factories.UserFactory(full_name=unicodedata.normalize("NFD", "Phạm Quỳnh")))
    search = lambda q: codes(selectors.dossier_queue(officer=desk_officer, tab="moi", filters={"q": q}))  # noqa: E731
    for q in ("le van tra", "LE VAN TRA", "Lê Văn Trả", "van tra", "tra le"):
        assert search(q) == [tra.code], q
    for q in ("dang", "Đặng", "đặng thị", "DANG hoa"):
        assert search(q) == [dang.code], q
    assert search("pham quynh") == search("Phạm Quỳnh") == [nfd.code]
    assert search("an") == []  # not inside a word ("Đặng", "Văn")
    assert search("le van khac") == []


def test_name_search_respects_object_permissions(procedure, desk_officer, other_agency):
    """A name search never lists a dossier the officer may not see (Dossier.objects.visible_to)."""
    from dossiers.models import Dossier

    mine = submitted(procedure, applicant=factories.UserFactory(full_name="Đặng Văn Một"))
    foreign = submitted(factories.ProcedureFactory(agencies=[other_agency]),
                        applicant=factories.UserFactory(full_name="Đặng Văn Hai"))
    found = codes(selectors.dossier_queue(officer=desk_officer, tab="moi", filters={"q": "dang van"}))
    assert found == [mine.code]
    assert not Dossier.objects.visible_to(desk_officer).filter(pk=foreign.pk).exists()
