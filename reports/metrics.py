"""Decision 766/QĐ-TTg (23 June 2022) indicators: one declaration per indicator.

Source: Quyết định 766/QĐ-TTg phê duyệt Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ
người dân, doanh nghiệp trong thực hiện TTHC, dịch vụ công theo thời gian thực trên môi trường điện tử,
Phụ lục (the Appendix). Text read on aita.gov.vn (group 1 formula), vietjack.me and lamdong.dcs.vn
(the three satisfaction formulas of group "Mức độ hài lòng", 18/100 points). The Decision has five
groups (công khai minh bạch; tiến độ, kết quả giải quyết; số hóa hồ sơ; cung cấp dịch vụ trực tuyến;
mức độ hài lòng); the national portal's dashboard shows online payment as a sixth column, which gives
the 18/20/12/10/18/22 split of DESIGN.md. See docs/statistics-766.md for what is sourced and what is a
choice (the split of a group's points between its indicators and the full-points thresholds could not
be found in the stored texts; they are marked `sourced=False`).

Every indicator is computed live from the dossiers of one month (attributed to the receiving agency,
like the monthly table). An indicator whose data MotCua does not hold (`numerator is None`) is shown
as "no data" and left out of the total, which is then out of the points that could be scored.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from dossiers.models import Document, Dossier, Rating
from dossiers.national_sync import synced_condition
from dossiers.validation import registry_waived_condition
from procedures.models import Procedure
from reports.months import month_bounds, month_start, overdue_as_of

DEFINITIONS_VERSION = 2  # 2: 6.3 counts registry waivers as reuse (issue 17). bump when a formula, threshold or weight below changes (open data packages)

GROUPS = {
    "transparency": (_("Công khai, minh bạch"), 18),
    "progress": (_("Tiến độ, kết quả giải quyết"), 20),
    "online": (_("Cung cấp dịch vụ trực tuyến"), 12),
    "payment": (_("Thanh toán trực tuyến"), 10),
    "satisfaction": (_("Mức độ hài lòng"), 18),
    "digitization": (_("Số hóa hồ sơ"), 22),
}


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    name: str
    name_en: str
    formula: str
    source: str
    max_points: float
    full_at: float  # rate (%) from which the indicator earns its full points
    numerator: str | None  # name of a dossier set in `dossier_sets` (None: MotCua has no data)
    denominator: str | None
    sourced: bool = True  # False: points split / threshold chosen by MotCua (see the note)
    kind: str = "dossiers"  # "dossiers" or "procedures" (what numerator/denominator count)


INDICATORS = [
    Indicator("1.1", "transparency", _("Tỷ lệ TTHC công bố đúng hạn"), "Procedures published on time",
              _("Số TTHC công bố đúng hạn / Tổng số TTHC đã công bố trong kỳ × 100%"),
              "QĐ 766/QĐ-TTg, Phụ lục, nhóm Công khai minh bạch, điểm a", 6, 100, None, None, sourced=False,
              kind="procedures"),
    Indicator("1.2", "transparency", _("Tỷ lệ TTHC công khai đầy đủ"), "Procedures published in full",
              _("Số TTHC đang áp dụng đã công khai đầy đủ (có phiên bản công bố, trình tự, kết quả, căn cứ "
                "pháp lý) / Tổng số TTHC đang áp dụng của cơ quan × 100%"),
              "QĐ 766/QĐ-TTg, Phụ lục, nhóm Công khai minh bạch, điểm b", 6, 100,
              "procedures_complete", "procedures_active", sourced=False, kind="procedures"),
    Indicator("1.3", "transparency", _("Tỷ lệ hồ sơ đồng bộ lên Cổng DVC quốc gia"),
              "Dossiers synchronised with the national portal",
              _("Số hồ sơ đồng bộ lên Cổng DVC quốc gia / Tổng số hồ sơ tiếp nhận × 100%"),
              "QĐ 766/QĐ-TTg, Phụ lục, nhóm Công khai minh bạch, điểm c", 6, 100, "synced", "received",
              sourced=False),
    Indicator("2.1", "progress", _("Tỷ lệ hồ sơ xử lý đúng hạn"), "Dossiers processed on time",
              _("(Hồ sơ xử lý xong trong tháng đúng hoặc trước hạn + hồ sơ đang xử lý còn trong hạn) / "
                "(Hồ sơ xử lý xong trong tháng + hồ sơ đang xử lý) × 100%; xử lý xong = trạng thái 9"),
              "QĐ 766/QĐ-TTg, Phụ lục, nhóm Tiến độ, kết quả giải quyết", 20, 90,
              "progress_on_time", "progress_all"),
    Indicator("3.1", "online", _("Tỷ lệ hồ sơ trực tuyến"), "Dossiers received online",
              _("Số hồ sơ nộp trực tuyến (tự nộp) / Tổng số hồ sơ tiếp nhận × 100%"),
              "QĐ 766/QĐ-TTg, Phụ lục, nhóm Cung cấp dịch vụ trực tuyến", 12, 50,
              "received_online", "received", sourced=False),
    Indicator("4.1", "payment", _("Tỷ lệ thanh toán trực tuyến"), "Fees paid online",
              _("Số hồ sơ nộp phí, lệ phí trực tuyến / Tổng số hồ sơ có phí, lệ phí × 100%"),
              "QĐ 766/QĐ-TTg, Phụ lục, nhóm Cung cấp dịch vụ trực tuyến (thanh toán trực tuyến)", 10, 50,
              "fee_paid_online", "fee_due", sourced=False),
    Indicator("5.1", "satisfaction", _("Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn"), "Feedback handled on time",
              _("Tổng số phản ánh, kiến nghị xử lý đúng hoặc trước hạn / Tổng số phản ánh, kiến nghị thuộc "
                "thẩm quyền × 100%"),
              "QĐ 766/QĐ-TTg, Phụ lục, nhóm Mức độ hài lòng, tỷ lệ thứ nhất", 6, 100, None, None, sourced=False),
    Indicator("5.2", "satisfaction", _("Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị"),
              "Satisfaction with feedback handling",
              _("(Tổng số phản ánh, kiến nghị − số không hài lòng hoặc xử lý quá hạn) / Tổng số phản ánh, "
                "kiến nghị × 100%"),
              "QĐ 766/QĐ-TTg, Phụ lục, nhóm Mức độ hài lòng, tỷ lệ thứ hai", 6, 100, None, None, sourced=False),
    Indicator("5.3", "satisfaction", _("Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC"),
              "Satisfaction with receipt and settlement",
              _("(Tổng số hồ sơ xử lý xong − số hồ sơ bị đánh giá không hài lòng hoặc xử lý quá hạn) / "
                "Tổng số hồ sơ xử lý xong × 100%"),
              "QĐ 766/QĐ-TTg, Phụ lục, nhóm Mức độ hài lòng, tỷ lệ thứ ba", 6, 100,
              "processed_satisfied", "processed", sourced=False),
    Indicator("6.1", "digitization", _("Tỷ lệ số hóa hồ sơ"), "Dossiers digitised",
              _("Số hồ sơ tiếp nhận có toàn bộ thành phần số hóa (và kết quả điện tử nếu đã xử lý xong) / "
                "Tổng số hồ sơ tiếp nhận × 100%"),
              "QĐ 766/QĐ-TTg, Phụ lục, nhóm Số hóa hồ sơ", 8, 80, "digitized", "received", sourced=False),
    Indicator("6.2", "digitization", _("Tỷ lệ cấp kết quả điện tử"), "Electronic results issued",
              _("Số hồ sơ xử lý xong có kết quả điện tử / Tổng số hồ sơ xử lý xong × 100%"),
              "QĐ 766/QĐ-TTg, Phụ lục, nhóm Số hóa hồ sơ", 7, 80, "processed_e_result", "processed",
              sourced=False),
    # Reuse: a paper taken from the wallet (kho dữ liệu), or a paper not asked for because the national
    # population database proves its content (RequiredDocument.registry_proof, waived at the registry
    # prefill; Nghị định 104/2022/NĐ-CP: no household book or residence paper where the database can be
    # consulted). Both are data already held being used again, not asked of the citizen (issue 17).
    Indicator("6.3", "digitization", _("Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa"), "Reuse of digitised data",
              _("Số hồ sơ có giấy tờ dùng lại từ kho dữ liệu hoặc được miễn nộp nhờ dữ liệu từ CSDL quốc gia "
                "về dân cư / Tổng số hồ sơ tiếp nhận × 100%"),
              "QĐ 766/QĐ-TTg, Phụ lục, nhóm Số hóa hồ sơ", 7, 50, "reused", "received", sourced=False),
]
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
POINTS_FORMULA = _("Điểm = điểm tối đa nếu tỷ lệ ≥ ngưỡng đạt điểm tối đa, ngược lại = tỷ lệ × điểm tối đa / ngưỡng.")
NOT_RECEIVED = ["draft", "submitted", "refused"]


def _percent(numerator, denominator):
    if not denominator:
        return None
    return float((Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def points(rate, indicator):
    """Points earned: full at or above `full_at`, else proportional (rate × max / full_at)."""
    if rate is None:
        return None
    if rate >= indicator.full_at:
        return float(indicator.max_points)
    return round(rate * indicator.max_points / indicator.full_at, 2)


def dossier_conditions(*, month, agency_ids=None, now=None):
    """(base queryset, {name: condition}) of the dossiers behind each numerator and denominator of one
    month; one aggregate over the base counts them all.

    "Processed" (xử lý xong, national status 9) is judged by `completed_at`, falling back to
    `returned_at` for dossiers returned without a recorded processing time. "In progress" is judged
    at the month's end for a closed month and at `now` for the month in progress (`overdue_as_of`);
    a dossier whose clock is stopped (waiting for a supplement) counts as within its time.

    `now` is also the instant the month is counted as of (issue 21: the dashboard shows the indicators as
    they were when the month was computed, `selectors.month_computed_at`, and the drill-down lists the
    same dossiers): only what was received, processed or rated before it counts — as the other
    drill-downs (`selectors.metric_dossiers`), documents are read as they are now.
    """
    from django.utils import timezone

    first = month_start(month)
    start_ts, next_ts = month_bounds(first)
    now = now or timezone.now()
    next_ts = min(next_ts, max(now, start_ts))
    as_of_ts, as_of_day = overdue_as_of(first, now)
    dossiers = Dossier.objects.exclude(status__in=NOT_RECEIVED).filter(received_at__isnull=False)
    if agency_ids is not None:
        dossiers = dossiers.filter(receiving_agency_id__in=agency_ids)
    dossiers = dossiers.annotate(processed_ts=Coalesce("completed_at", "returned_at")).annotate(
        processed_day=TruncDate("processed_ts", tzinfo=start_ts.tzinfo))
    received = Q(received_at__gte=start_ts, received_at__lt=next_ts)
    processed = Q(processed_ts__gte=start_ts, processed_ts__lt=next_ts)
    late = Q(due_date__isnull=False) & Q(processed_day__gt=F("due_date"))
    in_progress = (
        Q(received_at__lt=as_of_ts) & (Q(processed_ts__isnull=True) | Q(processed_ts__gte=as_of_ts))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=as_of_ts)) & ~Q(status__in=["withdrawn", "stopped"])
    )
    in_time = in_progress & (Q(due_date__isnull=True) | Q(due_date__gte=as_of_day) | Q(clock_paused_at__lt=as_of_ts))

    def has(**filters):
        return Q(Exists(Document.objects.filter(dossier=OuterRef("pk"), **filters)))

    inputs = Q(Exists(Document.objects.filter(dossier=OuterRef("pk")).exclude(source="result")))
    unsatisfied = Q(Exists(Rating.objects.filter(dossier=OuterRef("pk"), value="unsatisfied", created_at__lt=now)))
    conditions = {
        "received": received,
        "received_online": received & Q(channel="online", assisted=False),
        "fee_due": received & Q(fee_amount__gt=0),
        "fee_paid_online": received & Q(fee_amount__gt=0, fee_paid_online=True),
        "processed": processed,
        "progress_all": processed | in_progress,
        "progress_on_time": (processed & ~late) | in_time,  # late needs a due date and a day: no NULL
        "processed_satisfied": processed & ~unsatisfied & ~late,
        "processed_e_result": processed & has(source="result"),
        # Digitised: every input is digital, and a dossier processed in the month has its e-result.
        "digitized": received & inputs & ~has(source="paper") & (Q(processed_ts__isnull=True) | ~processed | has(source="result")),
        "reused": received & (has(source="reused") | registry_waived_condition()),
        "synced": received & synced_condition(),  # acknowledged by the national portal (dossiers.national_sync)
    }
    return dossiers, conditions


def procedure_sets(*, agency_ids=None):
    procedures = Procedure.objects.filter(is_active=True)
    if agency_ids is not None:
        procedures = procedures.filter(agencies__in=agency_ids).distinct()
    complete = procedures.filter(current_version__gt=0).exclude(steps="").exclude(result_type="").exclude(
        legal_basis="")
    return {"procedures_active": procedures, "procedures_complete": complete}


def indicator_values(*, month, agency_ids=None, now=None):
    """Per indicator: numerator, denominator, rate, points (None = no data) — and the total over the
    points that could be scored."""
    dossiers, conditions = dossier_conditions(month=month, agency_ids=agency_ids, now=now)
    counts = dossiers.aggregate(**{name: Count("pk", filter=q) for name, q in conditions.items()})
    counts.update({name: queryset.count() for name, queryset in procedure_sets(agency_ids=agency_ids).items()})
    lines, total, possible = [], 0.0, 0.0
    for indicator in INDICATORS:
        if indicator.numerator is None:
            line = {"numerator": None, "denominator": None, "rate": None, "points": None}
        else:
            numerator, denominator = counts[indicator.numerator], counts[indicator.denominator]
            rate = _percent(numerator, denominator)
            line = {"numerator": numerator, "denominator": denominator, "rate": rate,
                    "points": points(rate, indicator)}
        line.update(indicator=indicator, group_name=GROUPS[indicator.group][0], available=line["points"] is not None)
        if line["available"]:
            total += line["points"]
            possible += indicator.max_points
        lines.append(line)
    return {"lines": lines, "total": round(total, 2), "max_points": possible, "version": DEFINITIONS_VERSION}


def indicator_dossiers(*, month, code, part, agency_ids=None, now=None):
    """The dossiers behind an indicator's numerator (`part="numerator"`) or denominator."""
    indicator = BY_CODE[code]
    name = indicator.numerator if part == "numerator" else indicator.denominator
    if name is None or indicator.kind != "dossiers":
        return Dossier.objects.none()
    dossiers, conditions = dossier_conditions(month=month, agency_ids=agency_ids, now=now)
    return dossiers.filter(conditions[name])
