"""The one-stop plan's indicators (kế hoạch thực hiện cơ chế một cửa): one declaration each.

Sources. The plans of 2021–2025 for the one-stop mechanism implement Quyết định 468/QĐ-TTg (27/3/2021)
phê duyệt Đề án đổi mới việc thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết TTHC; for
Hà Tĩnh, Kế hoạch 223/KH-UBND (30/6/2021) of the provincial people's committee. The target figures
below are those quoted in issue 15 from a district's plan 2021–2025 (typical of every province); the
stored texts found by the search tool name the Decision and the Hà Tĩnh plan but did not give their
target paragraphs, so every default here is `sourced=False` and editable per year and level
(`reports.models.PlanTarget`, page /thong-ke/ke-hoach/chi-tieu/). See docs/plan-indicators.md.

Where the figures come from (reads only; the monthly compute SQL of `reports.services` is untouched):
- the monthly rows (`MonthlyAgencyStat`, attributed to the receiving agency) summed over the year's
  months: online, digitised at intake, satisfaction;
- the dossiers: results digitised (processed in the year with an electronic result); not asked again
  (received in the year with a paper reused from the wallet or waived because the population registry
  proves it, `RequiredDocument.registry_proof` — issue 17 — over those whose procedure has such a paper);
- the audit trail: electronic routing (`transfer` events) and reception productivity (`receive`
  events by named desk officers, `dossiers.counter_selectors.reception_productivity`);
- the counter's queue tickets: the average wait (`dossiers.counter_selectors.ticket_measures`).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.counter_selectors import reception_productivity, ticket_measures
from dossiers.models import Document, Dossier, DossierEvent
from dossiers.validation import registry_waived_condition
from procedures.models import Level, RequiredDocument
from reports.models import MonthlyAgencyStat, PlanTarget
from reports.months import month_bounds
from reports.selectors import percent

FIRST_YEAR = 2021  # the plans run 2021–2025; later years keep the last target until one is entered
TREND_YEARS = 5
PLAN_SOURCE = _("QĐ 468/QĐ-TTg ngày 27/3/2021 (Đề án đổi mới cơ chế một cửa); Kế hoạch 223/KH-UBND "
                "ngày 30/6/2021 của UBND tỉnh Hà Tĩnh; chỉ tiêu theo kế hoạch cấp huyện 2021–2025 (issue 15)")


@dataclass(frozen=True)
class PlanIndicator:
    code: str
    name: str
    formula: str
    unit: str  # "percent", "dossiers" (per desk officer per year) or "minutes"
    better: str  # "higher": the value must reach the target; "lower": must not exceed it
    measure: str  # how it is computed (`_MEASURES`)
    numerator: str | None = None  # for rates: the counts (`_counts`) of numerator and denominator
    denominator: str | None = None
    # Default targets: {level ('' = every level): ((from year, value), …)}; a year takes the value of
    # the latest step not after it. No step: no target unless the centre enters one.
    defaults: dict = field(default_factory=dict)
    note: str = ""
    sourced: bool = False

    def default_target(self, year, level):
        steps = self.defaults.get(level or "") or self.defaults.get("") or ()
        value = None
        for from_year, step_value in steps:
            if from_year <= year:
                value = step_value
        return value

    def meets(self, value, target):
        if value is None or target is None:
            return None
        return value >= target if self.better == "higher" else value <= target


def _yearly(start_year, start_value, step, until=100):
    steps, value, year = [], start_value, start_year
    while True:
        steps.append((year, min(value, until)))
        if value >= until:
            return tuple(steps)
        value, year = value + step, year + 1


INDICATORS = [
    PlanIndicator(
        "results_digitized", _("Kết quả giải quyết TTHC được số hóa"),
        _("Hồ sơ xử lý xong trong năm có kết quả điện tử / Hồ sơ xử lý xong trong năm × 100%"),
        "percent", "higher", "rate", "processed_e_result", "processed",
        defaults={Level.DISTRICT: _yearly(2021, 20, 20), Level.COMMUNE: _yearly(2021, 15, 20)},
        note=_("Cấp huyện ≥ 20%, cấp xã ≥ 15% năm 2021, mỗi năm tăng 20 điểm đến 100%."),
    ),
    PlanIndicator(
        "intake_digitized", _("Hồ sơ được số hóa khi tiếp nhận"),
        _("Hồ sơ tiếp nhận có toàn bộ thành phần là bản điện tử (nộp trực tuyến, số hóa tại quầy hoặc dùng "
          "lại) / Hồ sơ tiếp nhận × 100% (cột “số hóa” của thống kê tháng)"),
        "percent", "higher", "rate", "digitized", "received",
        defaults={"": _yearly(2022, 30, 30)},
        note=_("Mỗi năm tăng 30 điểm đến 100% (năm gốc 2022 = 30% là lựa chọn của MotCua)."),
    ),
    PlanIndicator(
        "not_asked_again", _("Người dân không phải cung cấp lại giấy tờ đã được chấp nhận"),
        _("Hồ sơ đã dùng lại giấy tờ từ kho dữ liệu hoặc được miễn nộp giấy tờ nhờ dữ liệu từ CSDL quốc gia "
          "về dân cư / Hồ sơ có thành phần dùng lại được hoặc thay được bằng dữ liệu dân cư × 100%"),
        "percent", "higher", "rate", "not_asked", "not_asked_needed",
        defaults={"": ((2022, 30), (2023, 80))},
        note=_("≥ 30% năm 2022, ≥ 80% các năm 2023–2025."),
    ),
    PlanIndicator(
        "online", _("Hồ sơ trực tuyến trên tổng số hồ sơ tiếp nhận"),
        _("Hồ sơ nộp trực tuyến (tự nộp) / Hồ sơ tiếp nhận × 100%"),
        "percent", "higher", "rate", "received_online", "received",
        defaults={"": ((2021, 50),)}, note=_("≥ 50%."),
    ),
    PlanIndicator(
        "electronic_routing", _("Luân chuyển hồ sơ giữa các cơ quan bằng phương thức điện tử"),
        _("Lượt chuyển liên thông trong năm của hồ sơ không còn thành phần bản giấy / Lượt chuyển liên "
          "thông trong năm × 100%"),
        "percent", "higher", "rate", "transfers_electronic", "transfers",
        defaults={"": ((2021, 80),)},
        note=_("≥ 80%. Mọi lượt chuyển trong MotCua đều qua hệ thống; một hồ sơ còn thành phần bản giấy "
               "vẫn phải chuyển giấy, nên không được tính là điện tử."),
    ),
    PlanIndicator(
        "productivity", _("Năng suất tiếp nhận của mỗi cán bộ Một cửa"),
        _("Hồ sơ do các cán bộ Một cửa (có tên) tiếp nhận trong năm / số cán bộ đã tiếp nhận, quy ra "
          "một năm (× 365 / số ngày của kỳ)"),
        "dossiers", "higher", "productivity",
        defaults={Level.DISTRICT: ((2021, 1600),), Level.COMMUNE: ((2021, 1200),)},
        note=_("≥ 1.600 hồ sơ/năm ở Bộ phận Một cửa cấp huyện, ≥ 1.200 ở cấp xã."),
    ),
    PlanIndicator(
        "waiting", _("Thời gian chờ trung bình tại Bộ phận Một cửa"),
        _("Trung bình (giờ gọi số − giờ lấy số) của các phiếu số thứ tự đã được gọi trong năm, tính bằng phút"),
        "minutes", "lower", "waiting",
        defaults={"": ((2022, 30), (2025, 15))},
        note=_("≤ 30 phút năm 2022, ≤ 15 phút đến năm 2025."),
    ),
    PlanIndicator(
        "satisfaction", _("Mức độ hài lòng của người dân, doanh nghiệp"),
        _("Lượt đánh giá hài lòng / Lượt đánh giá × 100%"),
        "percent", "higher", "rate", "ratings_satisfied", "ratings",
        defaults={"": ((2025, 95),)}, note=_("≥ 95% đến năm 2025."),
    ),
]
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
MONTHLY_COUNTS = ("received", "received_online", "digitized", "ratings", "ratings_satisfied")


# --- targets --------------------------------------------------------------------------------------
class PlanTargets:
    """Targets in force for one year: the centre's row for the level, else its row for every level,
    else the plan's default (`PlanIndicator.default_target`)."""

    def __init__(self, year):
        self.year = year
        self.rows = {(row.indicator, row.level): float(row.value) for row in PlanTarget.objects.filter(year=year)}

    def target(self, indicator, level):
        for key in ((indicator.code, level or ""), (indicator.code, "")):
            if key in self.rows:
                return self.rows[key]
        value = indicator.default_target(self.year, level)
        return float(value) if value is not None else None

    def source(self, indicator, level):
        if (indicator.code, level or "") in self.rows or (indicator.code, "") in self.rows:
            return "entered"
        return "default" if indicator.default_target(self.year, level) is not None else None


# --- measures -------------------------------------------------------------------------------------
def year_days(year, today=None):
    """(first day, last day counted) of a year; the year in progress ends today."""
    today = today or timezone.localdate()
    return date(year, 1, 1), min(date(year, 12, 31), today)


def year_instants(year):
    """Aware local midnights opening and closing the year."""
    return month_bounds(date(year, 1, 1))[0], month_bounds(date(year + 1, 1, 1))[0]


def _counts(*, year, agency_ids):
    """Every count a rate of the plan reads, for one year and the given agencies (None: all)."""
    rows = MonthlyAgencyStat.objects.filter(month__year=year)
    dossiers = Dossier.objects.filter(received_at__isnull=False).annotate(
        processed_ts=Coalesce("completed_at", "returned_at"))
    start_ts, next_ts = year_instants(year)
    transfers = DossierEvent.objects.filter(action="transfer", created_at__gte=start_ts, created_at__lt=next_ts)
    if agency_ids is not None:
        rows = rows.filter(agency_id__in=agency_ids)
        dossiers = dossiers.filter(receiving_agency_id__in=agency_ids)
        transfers = transfers.filter(agency_id__in=agency_ids)  # the agency that sent the dossier on
    counts = {name: value or 0 for name, value in rows.aggregate(**{n: Sum(n) for n in MONTHLY_COUNTS}).items()}
    # Processed (xử lý xong, status 9) as in reports.metrics: completed_at, else returned_at.
    processed = Q(processed_ts__gte=start_ts, processed_ts__lt=next_ts)
    e_result = Exists(Document.objects.filter(dossier=OuterRef("pk"), source="result"))
    counts.update(dossiers.aggregate(processed=Count("pk", filter=processed),
                                     processed_e_result=Count("pk", filter=processed & Q(e_result))))
    # Not asked again: a paper reused from the wallet, or waived by the population registry's data.
    received = Q(received_at__gte=start_ts, received_at__lt=next_ts)
    spareable = Q(Exists(RequiredDocument.objects.filter(procedure_id=OuterRef("procedure_id"), required=True)
                         .filter(Q(reusable=True) | ~Q(registry_proof=""))))
    spared = Q(Exists(Document.objects.filter(dossier=OuterRef("pk"), source="reused"))) | registry_waived_condition()
    counts.update(dossiers.filter(received & spareable).aggregate(
        not_asked_needed=Count("pk"), not_asked=Count("pk", filter=spared)))
    paper = Exists(Document.objects.filter(dossier=OuterRef("dossier_id"), source="paper"))
    counts.update(transfers.aggregate(transfers=Count("pk"), transfers_electronic=Count("pk", filter=~Q(paper))))
    return counts


def _productivity(*, year, agency_ids, today):
    """Dossiers received per named desk officer, annualised: one figure and the officers behind it."""
    first, last = year_days(year, today)
    if last < first:
        return None, []
    officers = reception_productivity(agency_ids=agency_ids, start=first, end=last)
    if not officers:
        return None, []
    days = (last - first).days + 1
    received = sum(officer.received for officer in officers)
    return round(received * 365 / days / len(officers)), officers


def _waiting(*, year, agency_ids, today):
    """Mean wait in minutes of the tickets called in the year (None: no ticket called)."""
    first, last = year_days(year, today)
    rows = [r for r in ticket_measures(agency_ids=agency_ids, start=first, end=last, by="agency") if r["called"]]
    called = sum(r["called"] for r in rows)
    if not called:
        return None, 0
    # Each centre's mean (rounded to 0.1 minute) weighted by its called tickets.
    return round(sum(r["mean_wait"] * r["called"] for r in rows) / called, 1), called


def year_values(*, year, agency_ids=None, today=None):
    """{code: {"value", "numerator", "denominator", ...}} for one year; value None = no data."""
    today = today or timezone.localdate()
    counts = _counts(year=year, agency_ids=agency_ids)
    values = {}
    for indicator in INDICATORS:
        if indicator.measure == "rate":
            numerator, denominator = counts[indicator.numerator], counts[indicator.denominator]
            values[indicator.code] = {"value": percent(numerator, denominator), "numerator": numerator,
                                      "denominator": denominator}
        elif indicator.measure == "productivity":
            value, officers = _productivity(year=year, agency_ids=agency_ids, today=today)
            values[indicator.code] = {"value": value, "officers": officers,
                                      "numerator": sum(o.received for o in officers), "denominator": len(officers)}
        else:
            value, called = _waiting(year=year, agency_ids=agency_ids, today=today)
            values[indicator.code] = {"value": value, "numerator": None, "denominator": called}
    return values


def panel(*, year, agency=None, agency_ids=None, today=None):
    """The plan panel: per indicator the year's value against its target, and the trend over the
    years up to `year` (at most TREND_YEARS, none before FIRST_YEAR).

    `agency` given: that agency against the targets of its level. Otherwise the agencies `agency_ids`
    (None: the whole province) against the targets set for every level.
    """
    today = today or timezone.localdate()
    if agency is not None:
        agency_ids, level = [agency.pk], agency.level
    else:
        level = ""
    years = list(range(max(FIRST_YEAR, year - TREND_YEARS + 1), year + 1))
    by_year = {y: (year_values(year=y, agency_ids=agency_ids, today=today), PlanTargets(y)) for y in years}
    lines = []
    for indicator in INDICATORS:
        values, targets = by_year[year]
        current = values[indicator.code]
        target = targets.target(indicator, level)
        trend = []
        for y in years:
            y_values, y_targets = by_year[y]
            y_target = y_targets.target(indicator, level)
            y_value = y_values[indicator.code]["value"]
            trend.append({"year": y, "value": y_value, "target": y_target, "meets": indicator.meets(y_value, y_target)})
        lines.append({"indicator": indicator, **current, "target": target,
                      "target_source": targets.source(indicator, level),
                      "meets": indicator.meets(current["value"], target), "trend": trend})
    return {"year": year, "agency": agency, "level": level, "years": years, "lines": lines,
            "in_progress": year == today.year}


def target_value_valid(indicator, value):
    """None, or why `value` cannot be a target of `indicator` (a percentage above 100)."""
    if indicator.unit == "percent" and Decimal(value) > 100:
        return _("Chỉ tiêu tỷ lệ không được quá 100%.")
    return None
