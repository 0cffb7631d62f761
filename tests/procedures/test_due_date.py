"""Due dates through the API and the page, across Tết 2026, Hùng Kings' day, weekends, the receipt
cut-off (none by default, a procedure's own where its rule sets one) and a day off entered by an
administrator."""

from datetime import date, time

import pytest

from procedures.models import CalendarException

URL = "/api/v1/calendar/due-date/"


def due(client, received_at, days, **extra):
    response = client.get(URL, {"received_at": received_at, "days": days, **extra})
    assert response.status_code == 200, response.content
    return response.json()


def test_across_tet_2026(client, db):
    # Fri 13/02 10:00; Sat-Sun 14-15, Tết Mon 16 - Fri 20, Sat-Sun 21-22 skipped; 5 days -> Fri 27/02.
    data = due(client, "2026-02-13T10:00:00+07:00", 5)
    assert data["due_date"] == "2026-02-27"
    skipped = [s for s in data["explanation"] if s["code"] == "skipped_rest_day"]
    assert any(s["date"] == "2026-02-16" and "Tết" in s["text"] for s in skipped)
    assert {"date", "code", "text", "text_en"} <= set(data["explanation"][0])


def test_across_hung_kings_day_2026(client, db):
    # Hùng Kings' day 10/3 lunar = Sun 26/04/2026, substitute day off Mon 27/04.
    # Fri 24/04 09:00 + 1 day: Sat 25, Sun 26, Mon 27 off -> Tue 28/04.
    data = due(client, "2026-04-24T09:00", 1)
    assert data["due_date"] == "2026-04-28"
    assert any("Hùng Vương" in s["text"] for s in data["explanation"])


def test_across_a_weekend(client, db):
    assert due(client, "2026-03-06T09:00", 1)["due_date"] == "2026-03-09"  # Fri -> Mon


def test_no_cutoff_by_default_a_dossier_received_at_16h_counts_that_day(client, db):
    """Civil Code arts. 147-148: no cut-off; Mon 16:00 + 1 day is due Tue at 16:00 (Mẫu 01's time)."""
    data = due(client, "2026-03-09T16:00", 1)
    assert data["due_date"] == "2026-03-10"
    assert data["due_time"] == "16:00"
    assert data["due_at"].startswith("2026-03-10T16:00")
    codes = [s["code"] for s in data["explanation"]]
    assert "no_cutoff" in codes and "appointment" in codes and "after_cutoff" not in codes


def test_a_procedure_whose_rule_sets_a_cutoff_counts_from_the_next_working_day(client, procedure):
    procedure.receipt_cutoff, procedure.receipt_cutoff_basis = time(15, 0), "Điều 7 Nghị định 23/2015/NĐ-CP"
    procedure.save()
    assert due(client, "2026-03-09T14:59", 1, procedure=procedure.code)["due_date"] == "2026-03-10"
    late = due(client, "2026-03-09T16:00", 1, procedure=procedure.code)
    assert late["due_date"] == "2026-03-11" and late["due_time"] == "07:30"
    step = next(s for s in late["explanation"] if s["code"] == "after_cutoff")
    assert "Nghị định 23/2015" in step["text"]


def test_the_province_default_cutoff_applies_to_procedures_without_their_own(client, procedure, settings):
    settings.RECEIPT_CUTOFF = "15:00"
    assert due(client, "2026-03-09T16:00", 1, procedure=procedure.code)["due_date"] == "2026-03-11"


def test_an_unknown_procedure_code_is_a_400(client, db):
    response = client.get(URL, {"received_at": "2026-03-09T09:00", "days": 1, "procedure": "KHONG-CO"})
    assert response.status_code == 400 and "procedure" in response.json()


def test_a_day_off_added_by_an_administrator_is_skipped(client, db):
    assert due(client, "2026-03-09T09:00", 1)["due_date"] == "2026-03-10"
    CalendarException.objects.create(date=date(2026, 3, 10), kind=CalendarException.Kind.DAY_OFF,
                                     name="Nghỉ bầu cử (thử nghiệm)")
    data = due(client, "2026-03-09T09:00", 1)
    assert data["due_date"] == "2026-03-11"
    assert any("Nghỉ bầu cử" in s["text"] for s in data["explanation"])


@pytest.mark.parametrize(("params", "field"), [
    ({"received_at": "2026-03-09T09:00", "days": -1}, "days"),
    ({"received_at": "2026-03-09T09:00", "days": 366}, "days"),
    ({"received_at": "2026-03-09T09:00", "days": "mười"}, "days"),
    ({"received_at": "09/03/2026 giờ hành chính", "days": 3}, "received_at"),
    ({"days": 3}, "received_at"),
])
def test_bad_due_date_requests_are_400_naming_the_field(client, db, params, field):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_due_date_page_shows_the_date_and_the_explanation(client, db):
    response = client.get("/lich-lam-viec/han-giai-quyet/",
                          {"received_date": "13/02/2026", "received_time": "10:00", "days": 5})
    html = response.content.decode()
    assert response.status_code == 200
    assert "27/02/2026" in html and "Tết Nguyên Đán" in html


def test_due_date_page_rejects_bad_input_with_a_message(client, db):
    response = client.get("/lich-lam-viec/han-giai-quyet/", {"received_date": "2026-13-45", "days": 400})
    assert response.status_code == 400
    html = response.content.decode()
    assert "dd/mm/yyyy" in html and "365" in html


def test_opened_from_a_procedure_page_it_reckons_from_now(client, db):
    """Issue 21 item 8: "?days=5" from a procedure page shows the date, not a red "enter the date"."""
    import time_machine

    with time_machine.travel("2026-02-13 10:00 +07:00", tick=False):
        response = client.get("/lich-lam-viec/han-giai-quyet/", {"days": 5})
    html = response.content.decode()
    assert response.status_code == 200 and "27/02/2026" in html
    assert "Vui lòng nhập ngày tiếp nhận" not in html
    assert 'value="2026-02-13"' in html and 'value="10:00"' in html
