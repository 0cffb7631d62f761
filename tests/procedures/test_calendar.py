"""Tests for the working-day deadline engine (real `holidays` data, no mocks)."""
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from procedures.calendar import WorkingCalendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
cal = WorkingCalendar()
cal15 = WorkingCalendar(cutoff=time(15, 0))  # a province that configured a 15:00 default cut-off


def codes(result):
    return [s.code for s in result.explanation]


def skipped_texts(result):
    return [s.text for s in result.explanation if s.code == "skipped_rest_day"]


# --- calendar basics ---------------------------------------------------------

def test_weekend_and_holidays_are_rest_days_with_vietnamese_reasons():
    assert cal.why_not_working(date(2026, 3, 7)) == "Thứ Bảy"
    assert cal.why_not_working(date(2026, 3, 8)) == "Chủ nhật"
    assert cal.why_not_working(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert cal.why_not_working(date(2026, 4, 27)) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert cal.why_not_working(date(2026, 3, 9)) is None
    assert cal.is_working_day(date(2026, 3, 9))


def test_package_substitute_day_off_and_makeup_saturday_2025():
    # Gov. swapped Fri 02/05/2025 (day off) with Sat 26/04/2025 (working day).
    assert not cal.is_working_day(date(2025, 5, 2))
    assert "26/04/2025" in cal.why_not_working(date(2025, 5, 2))
    assert cal.is_working_day(date(2025, 4, 26))
    assert not cal.is_working_day(date(2025, 4, 27))  # the Sunday stays off


def test_next_working_day_is_strictly_after():
    assert cal.next_working_day(date(2026, 3, 6)) == date(2026, 3, 9)  # Fri -> Mon
    assert cal.next_working_day(date(2026, 3, 9)) == date(2026, 3, 10)


# --- due_date: the main scenarios ----------------------------------------------

def test_five_days_across_weekend_and_tet_2026():
    # Received Fri 13/02/2026 10:00 (before cut-off) -> receipt day Fri 13/02, not counted.
    # Sat 14, Sun 15: weekend; Mon 16 - Fri 20: Tết; Sat 21, Sun 22: weekend.
    # Counted: Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 (4), Fri 27/02 (5).
    r = cal.due_date(datetime(2026, 2, 13, 10, 0), 5)
    assert r.due_date == date(2026, 2, 27)
    assert r.start_date == date(2026, 2, 23)
    texts = skipped_texts(r)
    assert any(t.startswith("16/02/2026–20/02/2026") and "Tết Nguyên Đán" in t for t in texts)
    assert any(t.startswith("14/02/2026–15/02/2026") for t in texts)
    assert any(t.startswith("21/02/2026–22/02/2026") for t in texts)
    assert codes(r) == ["received", "no_cutoff", "not_counted_receipt_day",
                        "skipped_rest_day", "skipped_rest_day", "skipped_rest_day",
                        "counted", "appointment", "deadline"]
    assert r.due_at == datetime(2026, 2, 27, 10, 0, tzinfo=VN)  # Mẫu 01: giờ … phút, ngày …
    assert "27/02/2026" in r.explanation[-1].text and "27/02/2026" in r.explanation[-1].text_en


def test_hung_kings_substitute_and_reunification_labour_day_2026():
    # Received Fri 24/04/2026 09:00. Sat 25 weekend; Sun 26 Giỗ Tổ Hùng Vương;
    # Mon 27 nghỉ bù; Tue 28 (1); Wed 29 (2); Thu 30/04 and Fri 01/05 holidays;
    # Sat 02, Sun 03 weekend; Mon 04/05 (3).
    r = cal.due_date(datetime(2026, 4, 24, 9, 0), 3)
    assert r.due_date == date(2026, 5, 4)
    joined = " ".join(skipped_texts(r))
    assert "Hùng Vương (nghỉ bù)" in joined
    assert "Ngày Chiến thắng" in joined and "Quốc tế Lao động" in joined


def test_makeup_saturday_from_package_counts_2025():
    # Thu 24/04/2025 10:00 + 2: Fri 25 (1), Sat 26/04 make-up working day (2).
    r = cal.due_date(datetime(2025, 4, 24, 10, 0), 2)
    assert r.due_date == date(2025, 4, 26)
    assert "counted_makeup_day" not in codes(r)  # the make-up day is the deadline itself
    # + 3 goes over it: Sun 27 rest, Mon 28 (3); the make-up day is explained.
    r3 = cal.due_date(datetime(2025, 4, 24, 10, 0), 3)
    assert r3.due_date == date(2025, 4, 28)
    assert "counted_makeup_day" in codes(r3)


def test_weekend_crossing():
    # Thu 05/03/2026 09:00 + 2: Fri 06 (1), Sat/Sun skipped, Mon 09/03 (2).
    r = cal.due_date(datetime(2026, 3, 5, 9, 0), 2)
    assert r.due_date == date(2026, 3, 9)
    assert skipped_texts(r) == ["07/03/2026–08/03/2026: Nghỉ cuối tuần — ngày nghỉ, không tính."]


@pytest.mark.parametrize("hh, mm, expected, code", [
    (14, 59, date(2026, 3, 3), "before_cutoff"),  # Mon receipt counts; due Tue
    (15, 0, date(2026, 3, 4), "after_cutoff"),    # treated as received Tue; due Wed
    (16, 0, date(2026, 3, 4), "after_cutoff"),
])
def test_cutoff_at_15h_where_configured(hh, mm, expected, code):
    r = cal15.due_date(datetime(2026, 3, 2, hh, mm), 1)
    assert r.due_date == expected
    assert codes(r)[1] == code


@pytest.mark.parametrize("hh", [8, 14, 15, 16])
def test_no_cutoff_by_default_any_time_of_a_working_day_counts_that_day(hh):
    """Civil Code arts. 147-148 have no cut-off: Mon 16:00 + 1 day is due Tue, at 16:00."""
    r = cal.due_date(datetime(2026, 3, 2, hh, 0), 1)
    assert r.due_date == date(2026, 3, 3)
    assert r.due_at == datetime(2026, 3, 3, hh, 0, tzinfo=VN)
    assert codes(r)[1] == "no_cutoff"


def test_procedure_cutoff_overrides_the_province_default_and_names_its_basis():
    r = cal.due_date(datetime(2026, 3, 2, 16, 0), 1, cutoff=time(15, 0), cutoff_basis="Điều 7 Nghị định 23/2015/NĐ-CP")
    assert r.due_date == date(2026, 3, 4)
    assert r.due_at == datetime(2026, 3, 4, 7, 30, tzinfo=VN)  # moved to the next day: its opening time
    assert "Điều 7 Nghị định 23/2015/NĐ-CP" in r.explanation[1].text
    # A procedure whose rule has no cut-off, in a province with a 15:00 default: None wins.
    assert cal15.due_date(datetime(2026, 3, 2, 16, 0), 1, cutoff=None).due_date == date(2026, 3, 3)


def test_appointment_time_is_kept_within_office_hours():
    assert cal.due_date(datetime(2026, 3, 2, 6, 15), 1).due_time == time(7, 30)
    assert cal.due_date(datetime(2026, 3, 2, 19, 0), 1).due_time == time(17, 0)
    assert cal.due_date(datetime(2026, 3, 2, 10, 20, 45), 1).due_time == time(10, 20)
    step = next(s for s in cal.due_date(datetime(2026, 3, 2, 10, 20), 1).explanation if s.code == "appointment")
    assert "10 giờ 20 phút" in step.text and "03/03/2026" in step.text


def test_aware_datetime_is_converted_to_local_time_for_cutoff():
    # 07:59 UTC = 14:59 ICT (before cut-off); 08:00 UTC = 15:00 ICT (after).
    assert cal15.due_date(datetime(2026, 3, 2, 7, 59, tzinfo=UTC), 1).due_date == date(2026, 3, 3)
    assert cal15.due_date(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), 1).due_date == date(2026, 3, 4)
    assert cal15.due_date(datetime(2026, 3, 2, 10, 0, tzinfo=VN), 1).due_date == date(2026, 3, 3)


def test_after_cutoff_on_friday_skips_weekend_before_receipt_day():
    # Fri 06/03 16:00 -> treated as received Mon 09/03 -> +1 = Tue 10/03.
    r = cal15.due_date(datetime(2026, 3, 6, 16, 0), 1)
    assert r.due_date == date(2026, 3, 10)


def test_received_on_saturday_counts_from_monday():
    # Sat 07/03/2026 -> treated as received Mon 09/03 (not counted) -> +1 = Tue 10/03.
    r = cal.due_date(datetime(2026, 3, 7, 10, 0), 1)
    assert r.due_date == date(2026, 3, 10)
    assert codes(r)[1] == "received_on_rest_day"
    assert "Thứ Bảy" in r.explanation[1].text


def test_received_on_holiday_counts_from_next_working_day():
    # Thu 01/01/2026 (Tết Dương lịch) -> received Fri 02/01 -> +1 = Mon 05/01.
    r = cal.due_date(datetime(2026, 1, 1, 9, 0), 1)
    assert r.due_date == date(2026, 1, 5)
    assert "Tết Dương lịch" in r.explanation[1].text


# --- administrator overrides ------------------------------------------------------

def test_admin_day_off_moves_deadline():
    c = WorkingCalendar(extra_days_off={date(2026, 3, 3): "Nghỉ do bão số 3"})
    r = c.due_date(datetime(2026, 3, 2, 10, 0), 1)
    assert r.due_date == date(2026, 3, 4)
    assert any("Nghỉ do bão số 3" in t for t in skipped_texts(r))


def test_admin_makeup_saturday_counts():
    c = WorkingCalendar(extra_working_days={date(2026, 3, 7): "Làm bù cho ngày 02/01"})
    assert c.is_working_day(date(2026, 3, 7))
    assert c.due_date(datetime(2026, 3, 6, 10, 0), 1).due_date == date(2026, 3, 7)
    r = c.due_date(datetime(2026, 3, 6, 10, 0), 2)  # Sat 07 (1), Sun 08 off, Mon 09 (2)
    assert r.due_date == date(2026, 3, 9)
    assert any("Làm bù cho ngày 02/01" in s.text for s in r.explanation if s.code == "counted_makeup_day")


def test_admin_entries_override_package():
    c = WorkingCalendar(extra_days_off={date(2025, 4, 26): "Hủy làm bù"},
                        extra_working_days={date(2026, 11, 24): "Làm việc bình thường"})
    assert not c.is_working_day(date(2025, 4, 26))
    assert c.why_not_working(date(2025, 4, 26)) == "Hủy làm bù"
    assert c.is_working_day(date(2026, 11, 24))


def test_same_date_both_off_and_working_is_rejected():
    with pytest.raises(ValueError):
        WorkingCalendar(extra_days_off={date(2026, 3, 7): "a"}, extra_working_days={date(2026, 3, 7): "b"})


# --- pauses -------------------------------------------------------------------------

def test_pause_does_not_count_the_wait_and_does_not_restart_the_period():
    # Without pause: Mon 02/03 09:00 + 5 = Mon 09/03 09:00.
    assert cal.due_date(datetime(2026, 3, 2, 9, 0), 5).due_date == date(2026, 3, 9)
    # Paused Tue 03/03 10:00 (4 working days left: Wed 04 .. Mon 09), completed Thu 05/03 11:00:
    # the wait spanned 2 working days (Wed 04, Thu 05), so the due day moves by 2: Wed 11/03, same time.
    r = cal.due_date(datetime(2026, 3, 2, 9, 0), 5,
                     paused=[(datetime(2026, 3, 3, 10, 0), datetime(2026, 3, 5, 11, 0))])
    assert r.due_date == date(2026, 3, 11)
    assert r.due_at == datetime(2026, 3, 11, 9, 0, tzinfo=VN)
    assert "paused" in codes(r) and "resumed" in codes(r) and "clock_restarted" not in codes(r)
    assert "còn 4 ngày làm việc" in next(s.text for s in r.explanation if s.code == "paused")


def test_pause_resumed_the_same_day_changes_nothing():
    r = cal.due_date(datetime(2026, 3, 2, 9, 0), 5,
                     paused=[(datetime(2026, 3, 3, 10, 0), datetime(2026, 3, 3, 15, 0))])
    assert r.due_date == date(2026, 3, 9)


def test_pause_over_a_weekend_counts_only_working_days_waited():
    # Paused Fri 06/03, completed Mon 09/03: one working day waited (Mon 09).
    r = cal.due_date(datetime(2026, 3, 2, 9, 0), 5,
                     paused=[(datetime(2026, 3, 6, 9, 0), datetime(2026, 3, 9, 9, 0))])
    assert r.due_date == date(2026, 3, 10)


def test_a_pause_after_the_due_day_does_not_rescue_a_late_dossier():
    r = cal.due_date(datetime(2026, 3, 2, 9, 0), 1,
                     paused=[(datetime(2026, 3, 5, 9, 0), datetime(2026, 3, 9, 9, 0))])
    assert r.due_date == date(2026, 3, 3)


def test_open_pause_gives_no_due_date():
    r = cal.due_date(datetime(2026, 3, 2, 9, 0), 5, paused=[(datetime(2026, 3, 3, 10, 0), None)])
    assert r.due_date is None and r.start_date is None
    assert codes(r)[-1] == "clock_stopped"
    assert "chờ bổ sung" in r.explanation[-1].text


def test_pause_before_receipt_is_rejected():
    with pytest.raises(ValueError):
        cal.due_date(datetime(2026, 3, 2, 9, 0), 5,
                     paused=[(datetime(2026, 3, 1, 9, 0), datetime(2026, 3, 3, 9, 0))])


# --- validation and edge values ------------------------------------------------------

def test_zero_days_is_due_on_effective_receipt_day():
    assert cal.due_date(datetime(2026, 3, 2, 9, 0), 0).due_date == date(2026, 3, 2)
    assert cal.due_date(datetime(2026, 3, 2, 16, 0), 0).due_date == date(2026, 3, 2)
    assert cal.due_date(datetime(2026, 3, 2, 16, 0), 0).due_time == time(17, 0)
    assert cal15.due_date(datetime(2026, 3, 2, 16, 0), 0).due_date == date(2026, 3, 3)
    assert cal.due_date(datetime(2026, 3, 7, 9, 0), 0).due_date == date(2026, 3, 9)


def test_365_days_is_allowed():
    r = cal.due_date(datetime(2026, 3, 2, 9, 0), 365)
    assert cal.is_working_day(r.due_date)
    assert cal.working_days_between(date(2026, 3, 2), r.due_date) == 365


@pytest.mark.parametrize("bad", [-1, 366, 1.5, "5", True, None])
def test_invalid_days_raise_value_error(bad):
    with pytest.raises(ValueError, match="between 0 and 365"):
        cal.due_date(datetime(2026, 3, 2, 9, 0), bad)


def test_deadline_is_never_a_rest_day():
    start = datetime(2026, 1, 1, 9, 0)
    for n in range(0, 60):
        due = cal.due_date(start, n).due_date
        assert cal.is_working_day(due), (n, due)


# --- working_days_between -------------------------------------------------------------

def test_working_days_between_positive_negative_and_zero():
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert cal.working_days_between(date(2026, 2, 27), date(2026, 2, 13)) == -5
    assert cal.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    # Finished one working day late / early relative to a Fri 06/03 deadline.
    assert cal.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert cal.working_days_between(date(2026, 3, 6), date(2026, 3, 5)) == -1
