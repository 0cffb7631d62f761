"""Monthly statistics (thống kê hàng tháng): the summary table, targets and published months.

Every grouping (agency, district, commune, area, level, province: those of the month's structure,
`reports.structure`) is a SUM over `MonthlyAgencyStat` rows; rates are
always recomputed from the summed counts, never averaged (see `reports.selectors`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from procedures.models import AdministrativeUnit, Agency, Level, Scheme

# The counter's columns (issue 19 item 4), in the order of the compute SQL's `tickets` and `receptions`
# blocks (reports.services). Attributed to the ticket's centre and to the agency of the receipt.
COUNTER_COUNT_FIELDS = (
    "tickets_issued", "tickets_called", "tickets_done", "wait_seconds_sum", "tickets_within_target",
    "tickets_no_show", "received_by_officers", "reception_officers",
)
# Count columns of MonthlyAgencyStat, in the order the compute SQL produces them.
COUNT_FIELDS = (
    "received", "received_online", "received_online_partial", "received_online_full",
    "received_assisted", "received_counter", "received_postal",
    "completed", "completed_on_time", "completed_late", "processing_days_sum", "overdue_open",
    "digitized", "reuse_needed", "reused", "fee_due", "fee_paid_online", "ratings", "ratings_satisfied",
    # The counter (issue 19): queue tickets of the month's days at the centre, and receipts by desk officers.
    *COUNTER_COUNT_FIELDS,
)


class MonthlyAgencyStat(models.Model):
    """One month of one agency's statistics (attributed to the RECEIVING agency).

    Idempotent output of `reports.services.month_compute`: a recompute replaces the month's rows.
    `level`, `district` and `area` are the agency's as the month was computed, and `scheme` is the
    administrative structure in force that month (three-tier before July 2025, two-tier from it;
    `reports.structure`), so each row knows which groupings apply to it.
    """

    month = models.DateField(_("tháng (ngày đầu tháng)"))
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    district = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("huyện"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    area = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("địa bàn"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    scheme = models.CharField(_("cơ cấu hành chính của tháng"), max_length=4, choices=Scheme.choices,
                              default=Scheme.THREE_TIER)
    received = models.PositiveIntegerField(_("tiếp nhận"), default=0)
    # Self-service online only (the citizen submitted it); assisted online is counted apart.
    received_online = models.PositiveIntegerField(_("tiếp nhận trực tuyến (tự nộp)"), default=0)
    received_online_partial = models.PositiveIntegerField(_("trực tuyến một phần (tự nộp)"), default=0)
    received_online_full = models.PositiveIntegerField(_("trực tuyến toàn trình (tự nộp)"), default=0)
    received_assisted = models.PositiveIntegerField(_("trực tuyến do cán bộ nộp thay"), default=0)
    received_counter = models.PositiveIntegerField(_("tiếp nhận trực tiếp"), default=0)
    received_postal = models.PositiveIntegerField(_("tiếp nhận qua bưu chính"), default=0)
    completed = models.PositiveIntegerField(_("đã giải quyết (trả kết quả)"), default=0)
    completed_on_time = models.PositiveIntegerField(_("giải quyết đúng hạn"), default=0)
    completed_late = models.PositiveIntegerField(_("giải quyết quá hạn"), default=0)
    processing_days_sum = models.PositiveBigIntegerField(_("tổng số ngày làm việc giải quyết"), default=0)
    overdue_open = models.PositiveIntegerField(_("đang xử lý quá hạn cuối tháng"), default=0)
    digitized = models.PositiveIntegerField(_("hồ sơ số hóa toàn bộ"), default=0)
    reuse_needed = models.PositiveIntegerField(_("hồ sơ có giấy tờ dùng lại được"), default=0)
    reused = models.PositiveIntegerField(_("hồ sơ đã dùng lại giấy tờ"), default=0)
    fee_due = models.PositiveIntegerField(_("hồ sơ có phí, lệ phí"), default=0)
    fee_paid_online = models.PositiveIntegerField(_("hồ sơ nộp phí trực tuyến"), default=0)
    ratings = models.PositiveIntegerField(_("lượt đánh giá"), default=0)
    ratings_satisfied = models.PositiveIntegerField(_("lượt hài lòng"), default=0)
    # The counter (quầy, issue 19): tickets whose day is in the month, at the centre that issued them.
    tickets_issued = models.PositiveIntegerField(_("phiếu số thứ tự đã cấp"), default=0)
    tickets_called = models.PositiveIntegerField(_("phiếu đã được gọi"), default=0)
    tickets_done = models.PositiveIntegerField(_("phiếu đã phục vụ xong"), default=0)
    # Sum over called tickets of (called − issued), in seconds: mean wait = this / tickets_called.
    wait_seconds_sum = models.PositiveBigIntegerField(_("tổng thời gian chờ (giây)"), default=0)
    tickets_within_target = models.PositiveIntegerField(_("phiếu được gọi trong 15 phút"), default=0)
    tickets_no_show = models.PositiveIntegerField(_("phiếu vắng mặt khi gọi"), default=0)
    # Reception productivity: dossiers received (the `receive` event) in the month by desk officers of the
    # agency, and how many such officers received at least one.
    received_by_officers = models.PositiveIntegerField(_("hồ sơ do cán bộ Một cửa tiếp nhận"), default=0)
    reception_officers = models.PositiveIntegerField(_("số cán bộ Một cửa đã tiếp nhận"), default=0)
    computed_at = models.DateTimeField(_("tính lúc"), auto_now=True)

    class Meta:
        verbose_name = _("thống kê tháng của cơ quan")
        verbose_name_plural = _("thống kê tháng của cơ quan")
        ordering = ["-month", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency"], name="monthly_stat_unique_month_agency",
                violation_error_message=_("Tháng này của cơ quan đã có số liệu."),
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="monthly_stat_month_first_day",
                violation_error_message=_("Tháng phải là ngày đầu tháng."),
            ),
        ]
        indexes = [models.Index(fields=["month", "level"], name="monthly_stat_month_level_idx")]

    def __str__(self):
        return f"{self.month:%m/%Y} {self.agency_id}"


class OnlineRateTarget(models.Model):
    """Chỉ tiêu tỷ lệ hồ sơ trực tuyến: per year and level, or per agency (override).

    A target applies from its year on until a later year sets another one. `level` empty and no agency
    is the national target (50%). `scheme` limits a level's target to the months of one administrative
    structure (2025 has both: a commune target for the two-tier months may differ from the three-tier
    one); empty = every month. A district target never applies to a two-tier month (no district level).
    """

    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices, blank=True)
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan (riêng)"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )
    scheme = models.CharField(_("áp dụng cho cơ cấu"), max_length=4, choices=Scheme.choices, blank=True,
                              help_text=_("Để trống: áp dụng cho mọi tháng."))
    rate = models.DecimalField(_("chỉ tiêu (%)"), max_digits=5, decimal_places=2)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("chỉ tiêu trực tuyến")
        verbose_name_plural = _("chỉ tiêu trực tuyến")
        ordering = ["-year", "level", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "level", "scheme"], condition=Q(agency__isnull=True),
                name="target_unique_year_level_scheme",
                violation_error_message=_("Năm này đã có chỉ tiêu cho cấp này."),
            ),
            models.CheckConstraint(
                condition=~(Q(level=Level.DISTRICT) & Q(scheme=Scheme.TWO_TIER)), name="target_no_two_tier_district",
                violation_error_message=_("Cơ cấu hai cấp (từ 01/7/2025) không có cấp huyện."),
            ),
            models.UniqueConstraint(
                fields=["year", "agency"], condition=Q(agency__isnull=False), name="target_unique_year_agency",
                violation_error_message=_("Năm này đã có chỉ tiêu riêng cho cơ quan này."),
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="target_rate_percent",
                violation_error_message=_("Chỉ tiêu phải từ 0 đến 100%."),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.level or self.agency_id or 'national'} {self.scheme}: {self.rate}%"


class PublishedMonth(models.Model):
    """A month whose statistics the monitor published on the public transparency page (công khai)."""

    month = models.DateField(_("tháng"), unique=True)
    published_at = models.DateTimeField(_("công bố lúc"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người công bố"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("tháng đã công khai")
        verbose_name_plural = _("tháng đã công khai")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%m/%Y}"


class MonthlyReport(models.Model):
    """The monthly report to the province, generated by a task (HTML print view, PDF, XLSX appendix).

    One open build per month (not ready, not given up): asking again while it is built joins it
    (`reports.services.monthly_report_request`, issue 20 item 8).
    """

    month = models.DateField(_("tháng"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người yêu cầu"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    html = models.TextField(_("bản in (HTML)"), blank=True)
    appendix = models.FileField(_("phụ lục danh sách hồ sơ (XLSX)"), upload_to="reports/", blank=True)
    pdf = models.FileField(_("bản PDF"), upload_to="reports/", blank=True)
    ready = models.BooleanField(_("đã tạo xong"), default=False)
    # Set on a build still unfinished after REPORT_BUILD_GIVE_UP_AFTER, so a new request may start another.
    given_up = models.BooleanField(_("đã bỏ (tạo quá lâu)"), default=False)
    # The official document's particulars (Decree 30/2020/NĐ-CP art. 8, Appendix I: number and symbol,
    # place and date, signer's title and name), fixed when the report is built so a later change of
    # director or of the letterhead settings never rewrites an issued report. Numbers restart each year.
    number = models.PositiveIntegerField(_("số văn bản"), null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(_("năm của số văn bản"), null=True, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=100, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("báo cáo tháng")
        verbose_name_plural = _("báo cáo tháng")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["month"], condition=Q(ready=False, given_up=False), name="monthly_report_one_open_build",
                violation_error_message=_("Báo cáo tháng này đang được tạo."),
            ),
            models.UniqueConstraint(fields=["number_year", "number"], name="monthly_report_number_once_a_year"),
        ]

    def __str__(self):
        return f"{self.month:%m/%Y}"

    @property
    def reference(self):
        """The document's number and symbol as printed: "12/BC-TTPVHCC" (Decree 30/2020, Appendix I)."""
        if self.number is None:
            return ""
        return f"{self.number}/BC-{settings.REPORT_LETTERHEAD['symbol']}"


class PlanTarget(models.Model):
    """Chỉ tiêu kế hoạch một cửa: the target of one one-stop plan indicator (`reports.plan`) for a
    year and a level ('' = every level), entered by the provincial centre.

    Without a row, the panel uses the plan's default of `reports.plan` for that year. A row for the
    agency's level beats a row for every level.
    """

    indicator = models.CharField(_("chỉ tiêu"), max_length=20)
    year = models.PositiveSmallIntegerField(_("năm"))
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices, blank=True,
                             help_text=_("Để trống: áp dụng cho mọi cấp."))
    value = models.DecimalField(_("giá trị chỉ tiêu"), max_digits=8, decimal_places=2)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("chỉ tiêu kế hoạch một cửa")
        verbose_name_plural = _("chỉ tiêu kế hoạch một cửa")
        ordering = ["-year", "indicator", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "level"], name="plan_target_unique_indicator_year_level",
                violation_error_message=_("Năm này đã có chỉ tiêu này cho cấp này."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0), name="plan_target_value_not_negative",
                violation_error_message=_("Chỉ tiêu không được âm."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year} {self.level or '*'}: {self.value}"


class OpenDataPackage(models.Model):
    """One version of the open data package (dữ liệu mở) of a published month (`reports.opendata`).

    Versions of a month are numbered 1, 2, …; a new one is built when the definitions version
    (`reports.metrics.DEFINITIONS_VERSION`) or the month's computation changed since the last one.
    Old versions are kept and stay downloadable at their URLs. `files` maps a file name
    (datapackage.json, agency.csv, agency.json, …) to its text.
    """

    month = models.DateField(_("tháng"))
    version = models.PositiveIntegerField(_("phiên bản"))
    definitions_version = models.PositiveIntegerField(_("phiên bản định nghĩa chỉ số"))
    computed_at = models.DateTimeField(_("số liệu tính lúc"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    files = models.JSONField(_("các tệp"), default=dict)

    class Meta:
        verbose_name = _("gói dữ liệu mở")
        verbose_name_plural = _("gói dữ liệu mở")
        ordering = ["-month", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "version"], name="open_data_unique_month_version",
                violation_error_message=_("Tháng này đã có gói dữ liệu phiên bản này."),
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} v{self.version}"
