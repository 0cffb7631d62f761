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
* Cut-off time: the Civil Code has none, so by default a dossier received at 16:00 on a working day
  counts from the next day like one received at 08:00 (art. 147: the day of receipt is never counted).
  An afternoon cut-off applies only where a sector rule sets one for the procedure (e.g. certification
  of copies, Decree 23/2015/ND-CP art. 7); a province may configure a default (`RECEIPT_CUTOFF`).
  With a cut-off, a dossier received at/after it is treated as received on the next working day.
* Appointment time (Circular 03/2025/TT-VPCP, Appendix I, Mẫu 01: "giờ … phút, ngày …"): the result is
  due on the due day at the time of day of the effective receipt, kept within office hours
  (`OFFICE_OPENS`..`OFFICE_CLOSES`): received before opening -> opening time; after closing -> closing
  time; moved to the next working day (rest day, cut-off) -> opening time. A 0-day period is due at
  closing time of the receipt day.
* Supplement after receipt (Decree 118/2025/ND-CP, the supplement rules read with the national
  monitoring of Decision 766/QD-TTg): the time the dossier waited for the applicant is not elapsed.
  The clock pauses at the request and resumes when the dossier is complete: the due day moves by the
  working days in (pause day, resume day]; the rest of the period is not restarted. Only the first
  request after receipt pauses (a second one is the agency's fault: the caller passes no pause for it).

Exact interpretation ("effective receipt day" R):
  R = local date of receipt if that is a working day (and, with a cut-off, the time < cut-off);
  otherwise R = the next working day after the local date. R itself is not counted; the deadline is
  the ``days``-th working day after R (days=0: R).
  E.g. Mon 16:00 + 1 day -> Tue 16:00 (no cut-off); with a 15:00 cut-off -> R = Tue, due Wed 07:30;
  Sat (any time) + 1 day -> R = Mon, due Tue at opening. Naive datetimes are local
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
    due_at: datetime | None = None  # the appointment: due day and time of day (local, aware)
    remaining_days: int | None = None  # working days left when the clock stopped (open pause)

    @property
    def due_time(self) -> time | None:
        return self.due_at.timetz().replace(tzinfo=None) if self.due_at else None


class WorkingCalendar:
    def __init__(
        self,
        extra_days_off: Mapping[date, str] | None = None,
        extra_working_days: Mapping[date, str] | None = None,
        cutoff: time | None = None,
        tz: ZoneInfo = VN_TZ,
        opens: time = time(7, 30),
        closes: time = time(17, 0),
    ) -> None:
        self.extra_days_off = dict(extra_days_off or {})
        self.extra_working_days = dict(extra_working_days or {})
        clash = self.extra_days_off.keys() & self.extra_working_days.keys()
        if clash:
            raise ValueError(
                "dates both declared day off and working day: "
                + ", ".join(_fmt(d) for d in sorted(clash))
            )
        self.cutoff = cutoff  # the province's default; a procedure's own rule is passed to due_date()
        self.tz = tz
        if not opens < closes:
            raise ValueError("office hours must open before they close")
        self.opens, self.closes = opens, closes

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

    def resume(self, due: date, paused_on: date, resumed_on: date) -> tuple[date, int]:
        """(new due day, working days added) when a pause from `paused_on` ends on `resumed_on`: the due day
        moves by the working days in (paused_on, resumed_on]; a pause begun on/after the due day moves
        nothing (the dossier was already late)."""
        if paused_on >= due:
            return due, 0
        shift = max(self.working_days_between(paused_on, resumed_on), 0)
        return self.add_working_days(due, shift), shift

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
    def _clamp(self, t: time) -> time:
        t = t.replace(second=0, microsecond=0, tzinfo=None)
        return min(max(t, self.opens), self.closes)

    def due_date(
        self,
        received_at: datetime,
        days: int,
        *,
        paused: Sequence[tuple[datetime, datetime | None]] = (),
        cutoff: time | None | object = ...,
        cutoff_basis: str = "",
    ) -> DueDate:
        """The appointment for a dossier received at `received_at` with a period of `days` working days.

        `cutoff`: the procedure's own cut-off (None: none); omitted, the province default is used.
        `paused`: the clock's pauses (supplement awaited after receipt), each (start, end or None).
        """
        _check_days(days)
        if cutoff is ...:
            cutoff = self.cutoff
        received = self._local(received_at)
        steps = [Step(received.date(), "received", f"Tiếp nhận hồ sơ lúc {_fmt_dt(received)}.",
                      f"Dossier received at {_fmt_dt(received)}.")]
        day = received.date()
        if not self.is_working_day(day):
            eff, at = self.next_working_day(day), self.opens
            steps.append(Step(day, "received_on_rest_day",
                              f"{_fmt(day)} là ngày nghỉ ({self.why_not_working(day)}): coi như tiếp nhận vào "
                              f"đầu giờ ngày làm việc tiếp theo {_fmt(eff)}.",
                              f"{_fmt(day)} is a rest day ({self._reason(day)[1]}): treated as received at the "
                              f"opening of the next working day, {_fmt(eff)}."))
        elif cutoff is not None and received.time() >= cutoff:
            eff, at = self.next_working_day(day), self.opens
            basis = f" ({cutoff_basis})" if cutoff_basis else ""
            steps.append(Step(day, "after_cutoff",
                              f"Thủ tục có giờ chốt tiếp nhận {cutoff:%H:%M}{basis}: hồ sơ tiếp nhận từ "
                              f"{cutoff:%H:%M} trở đi coi như tiếp nhận vào đầu giờ ngày làm việc tiếp theo "
                              f"{_fmt(eff)}.",
                              f"The procedure has a {cutoff:%H:%M} receipt cut-off{basis}: received at/after it, "
                              f"the dossier is treated as received at the opening of the next working day, "
                              f"{_fmt(eff)}."))
        else:
            eff, at = day, self._clamp(received.time())
            if cutoff is None:
                steps.append(Step(day, "no_cutoff",
                                  f"Thủ tục không có giờ chốt tiếp nhận: tiếp nhận lúc nào trong ngày {_fmt(day)} "
                                  f"cũng tính là tiếp nhận trong ngày đó (Điều 147 Bộ luật Dân sự 2015).",
                                  f"The procedure has no receipt cut-off: whatever the time, the dossier counts as "
                                  f"received on {_fmt(day)} (Civil Code 2015, art. 147)."))
            else:
                steps.append(Step(day, "before_cutoff",
                                  f"Tiếp nhận trước giờ chốt {cutoff:%H:%M}: tính là tiếp nhận trong ngày {_fmt(day)}.",
                                  f"Received before the {cutoff:%H:%M} cut-off: receipt day is {_fmt(day)}."))
        steps += self._skipped_steps(day, eff)

        if days == 0:
            due = start = eff
            at = self.closes
            steps.append(Step(eff, "same_day", "Thời hạn 0 ngày: trả kết quả trong ngày tiếp nhận, trước giờ "
                                               f"kết thúc làm việc {self.closes:%H:%M}.",
                              f"0-day period: due on the day of receipt, by the {self.closes:%H:%M} closing time."))
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

        for pause_start, pause_end in sorted(
                ((self._local(a), None if b is None else self._local(b)) for a, b in paused), key=lambda p: p[0]):
            if pause_start < received or (pause_end is not None and pause_end < pause_start):
                raise ValueError("each pause must start after receipt and end after it starts")
            remaining = max(self.working_days_between(pause_start.date(), due), 0)
            steps.append(Step(pause_start.date(), "paused",
                              f"Yêu cầu bổ sung, hoàn thiện hồ sơ lúc {_fmt_dt(pause_start)}: tạm dừng tính thời "
                              f"hạn; còn {remaining} ngày làm việc. Thời gian chờ người nộp bổ sung không tính "
                              f"vào thời hạn giải quyết.",
                              f"Supplement requested at {_fmt_dt(pause_start)}: clock stopped with {remaining} "
                              f"working days left. The time spent waiting for the applicant does not count."))
            if pause_end is None:
                steps.append(Step(None, "clock_stopped",
                                  "Đang tạm dừng tính thời hạn, chờ bổ sung hồ sơ: chưa có ngày hẹn trả.",
                                  "Clock stopped awaiting the supplement: no appointment yet."))
                return DueDate(None, None, steps, remaining_days=remaining)
            due, shift = self.resume(due, pause_start.date(), pause_end.date())
            steps.append(Step(pause_end.date(), "resumed",
                              f"Hồ sơ được bổ sung đầy đủ lúc {_fmt_dt(pause_end)}: tiếp tục tính thời hạn (không "
                              f"tính lại từ đầu); hạn lùi {shift} ngày làm việc, đến {_fmt(due)}.",
                              f"Dossier completed at {_fmt_dt(pause_end)}: the clock resumes (it does not "
                              f"restart); the due day moves by {shift} working days, to {_fmt(due)}."))
        assert self.is_working_day(due)  # guaranteed by construction
        due_at = datetime.combine(due, at, self.tz)
        steps.append(Step(due, "appointment",
                          f"Hẹn trả kết quả: {at:%H} giờ {at:%M} phút, {_VI_WEEKDAYS[due.weekday()]} ngày {_fmt(due)} "
                          f"(giờ hẹn theo giờ tiếp nhận, trong giờ làm việc {self.opens:%H:%M}–{self.closes:%H:%M}; "
                          f"Mẫu 01, Phụ lục I, Thông tư 03/2025/TT-VPCP).",
                          f"Result due at {at:%H:%M} on {_EN_WEEKDAYS[due.weekday()]} {_fmt(due)} (the time of receipt, "
                          f"within office hours {self.opens:%H:%M}–{self.closes:%H:%M}; form 01, Appendix I, "
                          f"Circular 03/2025/TT-VPCP)."))
        steps.append(Step(due, "deadline",
                          f"Hạn giải quyết: {_VI_WEEKDAYS[due.weekday()]}, {_fmt(due)}. Hạn không rơi vào ngày "
                          f"nghỉ vì chỉ tính ngày làm việc (Điều 148 Bộ luật Dân sự 2015).",
                          f"Due date: {_EN_WEEKDAYS[due.weekday()]}, {_fmt(due)}. It never falls on a rest day "
                          f"because only working days are counted (Civil Code 2015, art. 148)."))
        return DueDate(due, start, steps, due_at=due_at)
