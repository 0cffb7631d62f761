"""Working-day deadline engine for administrative procedures (pure Python, no Django).

Rules implemented (and where they come from):

* Periods are counted in *working days*: Monday-Friday, minus public holidays
  and substitute days off (Labour Code 2019 art. 112 and the yearly holiday
  schedule), plus weekend days the Government declares make-up working days.
  Holidays come from ``holidays.country_holidays("VN", language="vi")``; its
  ``weekend_workdays`` set provides the make-up Saturdays (e.g. 26/04/2025).
  Days entered by an administrator (extra days off / extra working days)
  override the package, so an official notice can be applied without a release.
* Civil Code 2015 art. 147(2): when a period is expressed in days, the first
  day (the day of receipt) is not counted; counting starts the following day.
  We start with the next *working* day.
* Civil Code 2015 art. 148(5): a period whose last day is a rest day ends on
  the next working day. Counting only working days means the deadline never
  lands on a rest day; we still state it in the explanation.
* One-stop practice (Decree 61/2018/ND-CP and local one-stop regulations): a
  dossier received at/after the daily cut-off (default 15:00 local time) or on
  a rest day is treated as received on the next working day.
* A supplement request stops the clock; once the dossier is complete the FULL
  period restarts, the resumption time being treated like a new receipt.

Exact interpretation ("effective receipt day" R):
  R = local date of receipt if that is a working day and the time < cut-off;
  otherwise R = the next working day after the local date. R itself is not
  counted; the deadline is the ``days``-th working day after R (days=0: R).
  E.g. Mon 10:00 + 1 day -> Tue; Mon 16:00 + 1 day -> R = Tue, due Wed;
  Sat (any time) + 1 day -> R = Mon, due Tue. Naive datetimes are local
  (Asia/Ho_Chi_Minh); aware ones are converted to local time first.
"""
from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_DAYS = 365
_ONE = timedelta(days=1)
_VI_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKEND = ("Nghỉ cuối tuần", "Weekend")
_TET = ("Nghỉ Tết Nguyên Đán", "Lunar New Year (Tết) holiday")


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _fmt_dt(dt: datetime) -> str:
    return dt.strftime("%H:%M %d/%m/%Y")


@functools.lru_cache(maxsize=128)
def _package_year(year: int) -> tuple[Mapping[date, tuple[str, str]], frozenset[date]]:
    """Holiday names (vi, en) for one year and the raw make-up workdays (cached)."""
    vi = holidays.country_holidays("VN", years=year, language="vi")
    en = holidays.country_holidays("VN", years=year, language="en_US")
    names = {d: (name, en.get(d, name)) for d, name in vi.items()}
    # holidays >= 0.5x exposes substituted weekend working days; be tolerant.
    return MappingProxyType(names), frozenset(getattr(vi, "weekend_workdays", ()))


@functools.lru_cache(maxsize=128)
def _year_table(year: int) -> tuple[Mapping[date, tuple[str, str]], frozenset[date]]:
    # A make-up day may be declared while building the neighbouring year
    # (a swap across New Year), so gather from year-1..year+1 and filter.
    makeup = frozenset(
        d for y in (year - 1, year, year + 1) for d in _package_year(y)[1] if d.year == year
    )
    return _package_year(year)[0], makeup


def _check_days(n: object, name: str = "days") -> int:
    # bool is an int subclass; True days would be a bug upstream, reject it.
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_DAYS:
        raise ValueError(f"{name} must be an integer between 0 and {MAX_DAYS}, got {n!r}")
    return n


@dataclass(frozen=True)
class Step:
    date: date | None
    code: str
    text: str
    text_en: str
    end_date: date | None = None  # set when the step covers a range of days


@dataclass(frozen=True)
class DueDate:
    due_date: date | None  # None while the clock is stopped (open pause)
    start_date: date | None  # first counted day (= effective receipt day if days=0)
    explanation: list[Step] = field(default_factory=list)


class WorkingCalendar:
    def __init__(
        self,
        extra_days_off: Mapping[date, str] | None = None,
        extra_working_days: Mapping[date, str] | None = None,
        cutoff: time = time(15, 0),
        tz: ZoneInfo = VN_TZ,
    ) -> None:
        self.extra_days_off = dict(extra_days_off or {})
        self.extra_working_days = dict(extra_working_days or {})
        clash = self.extra_days_off.keys() & self.extra_working_days.keys()
        if clash:
            raise ValueError(
                "dates both declared day off and working day: "
                + ", ".join(_fmt(d) for d in sorted(clash))
            )
        self.cutoff = cutoff
        self.tz = tz

    # -- single days -------------------------------------------------------
    def _reason(self, d: date) -> tuple[str, str] | None:
        """(vi, en) reason why ``d`` is a rest day, None if it is a working day."""
        if d in self.extra_working_days:  # admin entries win over everything
            return None
        if d in self.extra_days_off:
            r = self.extra_days_off[d]
            return (r, r)
        names, makeup = _year_table(d.year)
        if d in makeup:
            return None
        if d in names:
            return names[d]
        wd = d.weekday()
        return (_VI_WEEKDAYS[wd], _EN_WEEKDAYS[wd]) if wd >= 5 else None

    def is_working_day(self, d: date) -> bool:
        return self._reason(d) is None

    def why_not_working(self, d: date) -> str | None:
        r = self._reason(d)
        return r[0] if r else None

    def _makeup_reason(self, d: date) -> str | None:
        """Name of the make-up working day if ``d`` is a weekend day that counts."""
        if d.weekday() < 5 or not self.is_working_day(d):
            return None
        return self.extra_working_days.get(d, "Ngày làm việc bù")

    def next_working_day(self, d: date) -> date:
        """First working day strictly after ``d``."""
        d += _ONE
        while self._reason(d) is not None:
            d += _ONE
        return d

    # -- counting ------------------------------------------------------------
    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (start not counted); n=0 -> start."""
        _check_days(n, "n")
        d = start
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative (-(end, start]) if end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, d = 0, start + _ONE
        while d <= end:
            count += self._reason(d) is None
            d += _ONE
        return count

    # -- explanation helpers ---------------------------------------------------
    def _local(self, dt: datetime) -> datetime:
        return dt.replace(tzinfo=self.tz) if dt.tzinfo is None else dt.astimezone(self.tz)

    def _skipped_steps(self, after: date, before: date) -> list[Step]:
        """Steps for rest days (grouped) and make-up days strictly between the dates."""
        groups: list[list] = []  # [first, last, (vi, en) label]
        makeups: list[Step] = []
        d = after + _ONE
        while d < before:
            r = self._reason(d)
            if r is None:
                name = self._makeup_reason(d)
                if name:
                    makeups.append(Step(
                        d, "counted_makeup_day",
                        f"{_fmt(d)} ({_VI_WEEKDAYS[d.weekday()]}) là ngày làm việc bù ({name}) nên được tính.",
                        f"{_fmt(d)} ({_EN_WEEKDAYS[d.weekday()]}) is a make-up working day ({name}); it counts.",
                    ))
            else:
                # Group Saturday+Sunday and all Tết days under one label each.
                if r[0] in _VI_WEEKDAYS and r[0] == _VI_WEEKDAYS[d.weekday()]:
                    r = _WEEKEND
                elif "Lunar New Year" in r[1]:
                    r = _TET
                if groups and groups[-1][2] == r and groups[-1][1] + _ONE == d:
                    groups[-1][1] = d
                else:
                    groups.append([d, d, r])
            d += _ONE
        steps = []
        for first, last, (vi, en) in groups:
            span = _fmt(first) if first == last else f"{_fmt(first)}–{_fmt(last)}"
            steps.append(Step(first, "skipped_rest_day", f"{span}: {vi} — ngày nghỉ, không tính.",
                              f"{span}: {en} — rest day, not counted.", last))
        return sorted(steps + makeups, key=lambda s: s.date)

    # -- main entry point ------------------------------------------------------
    def due_date(
        self,
        received_at: datetime,
        days: int,
        *,
        paused: Sequence[tuple[datetime, datetime | None]] = (),
    ) -> DueDate:
        _check_days(days)
        received = self._local(received_at)
        steps = [Step(received.date(), "received", f"Tiếp nhận hồ sơ lúc {_fmt_dt(received)}.",
                      f"Dossier received at {_fmt_dt(received)}.")]
        clock = received
        if paused:
            pauses = sorted(((self._local(a), None if b is None else self._local(b)) for a, b in paused),
                            key=lambda p: p[0])
            for start, end in pauses:
                if start < received or (end is not None and end < start):
                    raise ValueError("each pause must start after receipt and end after it starts")
                steps.append(Step(start.date(), "paused",
                                  f"Yêu cầu bổ sung hồ sơ lúc {_fmt_dt(start)}: tạm dừng tính thời hạn.",
                                  f"Supplement requested at {_fmt_dt(start)}: clock stopped."))
                if end is None:
                    steps.append(Step(None, "clock_stopped",
                                      "Đang tạm dừng tính thời hạn, chờ bổ sung hồ sơ: chưa có hạn giải quyết.",
                                      "Clock stopped awaiting supplement: no due date yet."))
                    return DueDate(None, None, steps)
                steps.append(Step(end.date(), "resumed",
                                  f"Hồ sơ đã được bổ sung đầy đủ lúc {_fmt_dt(end)}.",
                                  f"Dossier completed at {_fmt_dt(end)}."))
            # The full period restarts; the last completion acts as a new receipt.
            clock = max(end for _, end in pauses)
            steps.append(Step(clock.date(), "clock_restarted",
                              f"Thời hạn {days} ngày làm việc được tính lại từ đầu kể từ {_fmt_dt(clock)}.",
                              f"The full {days} working-day period restarts from {_fmt_dt(clock)}."))

        day = clock.date()
        if not self.is_working_day(day):
            eff = self.next_working_day(day)
            steps.append(Step(day, "received_on_rest_day",
                              f"{_fmt(day)} là ngày nghỉ ({self.why_not_working(day)}): coi như tiếp nhận vào "
                              f"ngày làm việc tiếp theo {_fmt(eff)}.",
                              f"{_fmt(day)} is a rest day ({self._reason(day)[1]}): treated as received on "
                              f"the next working day, {_fmt(eff)}."))
        elif clock.time() >= self.cutoff:
            eff = self.next_working_day(day)
            steps.append(Step(day, "after_cutoff",
                              f"Tiếp nhận từ {self.cutoff:%H:%M} trở đi: coi như tiếp nhận vào ngày làm việc tiếp "
                              f"theo {_fmt(eff)}.",
                              f"Received at/after the {self.cutoff:%H:%M} cut-off: treated as received on "
                              f"the next working day, {_fmt(eff)}."))
        else:
            eff = day
            steps.append(Step(day, "before_cutoff",
                              f"Tiếp nhận trước {self.cutoff:%H:%M}: tính là tiếp nhận trong ngày {_fmt(day)}.",
                              f"Received before the {self.cutoff:%H:%M} cut-off: receipt day is {_fmt(day)}."))
        steps += self._skipped_steps(day, eff)

        if days == 0:
            due = start = eff
            steps.append(Step(eff, "same_day", "Thời hạn 0 ngày: giải quyết ngay trong ngày tiếp nhận.",
                              "0-day period: due on the day of receipt."))
        else:
            due = self.add_working_days(eff, days)
            start = self.next_working_day(eff)
            steps.append(Step(eff, "not_counted_receipt_day",
                              f"Ngày tiếp nhận {_fmt(eff)} không tính; bắt đầu tính từ ngày làm việc tiếp theo "
                              f"(Điều 147 Bộ luật Dân sự 2015).",
                              f"Receipt day {_fmt(eff)} is not counted; counting starts the next working day "
                              f"(Civil Code 2015, art. 147)."))
            steps += self._skipped_steps(eff, due)
            steps.append(Step(start, "counted",
                              f"Tính đủ {days} ngày làm việc từ {_fmt(start)} đến {_fmt(due)}.",
                              f"Counted {days} working days from {_fmt(start)} to {_fmt(due)}.", due))
        assert self.is_working_day(due)  # guaranteed by construction
        steps.append(Step(due, "deadline",
                          f"Hạn giải quyết: {_VI_WEEKDAYS[due.weekday()]}, {_fmt(due)}. Hạn không rơi vào ngày "
                          f"nghỉ vì chỉ tính ngày làm việc (Điều 148 Bộ luật Dân sự 2015).",
                          f"Due date: {_EN_WEEKDAYS[due.weekday()]}, {_fmt(due)}. It never falls on a rest day "
                          f"because only working days are counted (Civil Code 2015, art. 148)."))
        return DueDate(due, start, steps)
