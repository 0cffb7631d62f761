"""Administrative units, agencies, the procedure catalogue (TTHC) and the working-day calendar."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class Scheme(models.TextChoices):
    THREE_TIER = "2024", _("Ba cấp (tỉnh - huyện - xã), đến 30/6/2025")
    TWO_TIER = "2025", _("Hai cấp (tỉnh - xã), từ 01/7/2025")


class ValidityQuerySet(models.QuerySet):
    def in_force_on(self, day):
        """Rows whose validity period contains `day` (the structure of that day)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class AdministrativeUnit(models.Model):
    """Đơn vị hành chính: province (tỉnh), district (huyện) or commune (xã/phường/thị trấn).

    Codes are the official GSO codes; they are unique per (scheme, level) only, since a district and a
    province may share a number and the 2025 scheme reuses commune codes.
    """

    scheme = models.CharField(_("sơ đồ hành chính"), max_length=4, choices=Scheme.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    code = models.CharField(_("mã GSO"), max_length=10)
    name = models.CharField(_("tên"), max_length=200)
    division_type = models.CharField(_("loại đơn vị"), max_length=40, blank=True)
    codename = models.CharField(_("tên mã"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", verbose_name=_("đơn vị kế thừa"), symmetrical=False, blank=True, related_name="predecessors"
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["scheme", "level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "level", "code"], name="unit_unique_code_per_scheme_level",
                violation_error_message=_("Mã đơn vị hành chính đã tồn tại trong sơ đồ này."),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def district(self):
        """The district this unit lies in (itself if a district), or None in the two-tier scheme."""
        unit = self
        while unit is not None:
            if unit.level == Level.DISTRICT:
                return unit
            unit = unit.parent
        return None


class Agency(models.Model):
    """Cơ quan: a body that receives and decides dossiers, with its one-stop desk (Bộ phận Một cửa).

    `code` is the electronic identifier (mã định danh) printed in dossier codes.
    """

    code = models.CharField(_("mã định danh"), max_length=40, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)
    short_name = models.CharField(_("tên ngắn"), max_length=120, blank=True)
    kind = models.CharField(
        _("loại cơ quan"), max_length=40, blank=True,
        help_text=_("Ví dụ SO_TUPHAP, UBND_HUYEN, P_TUPHAP, UBND_XA."),
    )
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    area = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="agencies"
    )
    # Denormalised from `area` for reports grouped "per district" (None for provincial agencies and
    # in the two-tier scheme).
    district = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("huyện"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("cơ quan cấp trên"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    desk_address = models.CharField(_("địa chỉ Bộ phận Một cửa"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", verbose_name=_("cơ quan kế thừa"), symmetrical=False, blank=True, related_name="predecessors"
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["level", "name"]
        indexes = [models.Index(fields=["level", "kind"], name="agency_level_kind_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.district = self.area.district if self.area_id else None
        super().save(*args, **kwargs)


class Field(models.Model):
    """Lĩnh vực: the subject area of a procedure (civil status, land, construction …)."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OnlineMode(models.TextChoices):
    NONE = "none", _("Không trực tuyến")
    PARTIAL = "partial", _("Trực tuyến một phần")
    FULL = "full", _("Trực tuyến toàn trình")


class AssuranceLevel(models.IntegerChoices):
    """Mức độ tài khoản định danh điện tử (Decree 69/2024/NĐ-CP, in force 1/7/2024, replacing Decree
    59/2022): level 1 gives access to the electronic identity's basic data and some features; level 2
    (Vietnamese citizens, verified in person with the chip card) to the electronic ID card's data and
    every feature. A procedure states the level it needs to be submitted online. (The article number
    defining the levels was not verified against the Decree's text.)"""

    LEVEL_1 = 1, _("Mức độ 1")
    LEVEL_2 = 2, _("Mức độ 2")


class RegistryProof(models.TextChoices):
    """What the national population database (Cơ sở dữ liệu quốc gia về dân cư) proves for a verified
    person, so a required paper holding the same data is not asked for (Decree 104/2022/NĐ-CP: no copy
    of the household book or residence confirmation where the database can be consulted)."""

    IDENTITY = "identity", _("Thông tin nhân thân (họ tên, ngày sinh, số định danh)")
    RESIDENCE = "residence", _("Thông tin cư trú (nơi thường trú)")


class Procedure(models.Model):
    """Thủ tục hành chính (TTHC): the current, editable content of one procedure.

    Every publication snapshots the content into a ProcedureVersion; a dossier keeps the version in
    force when it was submitted, so later edits never change what the applicant was asked for.
    """

    code = models.CharField(_("mã thủ tục"), max_length=30, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=500, blank=True)
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures")
    level = models.CharField(_("cấp thực hiện"), max_length=10, choices=Level.choices)
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan thực hiện"), related_name="procedures", blank=True
    )
    online_mode = models.CharField(
        _("mức độ trực tuyến"), max_length=10, choices=OnlineMode.choices, default=OnlineMode.NONE
    )
    processing_days = models.PositiveSmallIntegerField(_("thời hạn giải quyết (ngày làm việc)"))
    # A receipt cut-off only where the procedure's sector rule sets one (e.g. certification of copies,
    # Decree 23/2015/NĐ-CP art. 7); empty: the province default (settings.RECEIPT_CUTOFF, none by default).
    receipt_cutoff = models.TimeField(
        _("giờ chốt tiếp nhận"), null=True, blank=True,
        help_text=_("Chỉ điền khi văn bản chuyên ngành quy định: hồ sơ tiếp nhận từ giờ này được tính vào ngày "
                    "làm việc tiếp theo."))
    receipt_cutoff_basis = models.CharField(_("căn cứ giờ chốt"), max_length=200, blank=True)
    # Decree 118/2025/NĐ-CP: procedures the province lists as received regardless of administrative
    # boundaries (tiếp nhận không phụ thuộc địa giới hành chính) may be submitted at any competent centre in
    # the province; the dossier is routed to the deciding agency (dossiers.services.intake.dossier_receive).
    boundary_free = models.BooleanField(
        _("tiếp nhận không phụ thuộc địa giới hành chính"), default=False,
        help_text=_("Công dân được nộp hồ sơ tại bất kỳ Bộ phận Một cửa nào trong tỉnh tiếp nhận thủ tục này."))
    online_processing_days = models.PositiveSmallIntegerField(
        _("thời hạn rút ngắn khi nộp trực tuyến (ngày làm việc)"), null=True, blank=True
    )
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    result_type = models.CharField(_("kết quả thực hiện"), max_length=500, blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    form_schema = models.JSONField(_("biểu mẫu điện tử"), default=list, blank=True)
    online_only = models.BooleanField(_("chỉ tiếp nhận trực tuyến"), default=False)
    # Empty: level 2 for full-process online procedures, level 1 otherwise (assurance_level_needed()).
    assurance_level = models.PositiveSmallIntegerField(
        _("mức độ định danh điện tử cần có"), choices=AssuranceLevel.choices, null=True, blank=True,
        help_text=_("Để trống: mức 2 với thủ tục trực tuyến toàn trình, mức 1 với các thủ tục khác."))
    online_only_weekdays = ArrayField(
        models.PositiveSmallIntegerField(), verbose_name=_("ngày chỉ tiếp nhận trực tuyến (0 = Thứ Hai)"),
        default=list, blank=True,
    )
    tags = ArrayField(models.CharField(max_length=50), verbose_name=_("nhãn"), default=list, blank=True)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    current_version = models.PositiveIntegerField(_("phiên bản hiện hành"), default=0)
    # Unaccented, lower-cased code and names, maintained on save; full-text indexed (procedures.search).
    search_text = models.TextField(_("chuỗi tìm kiếm"), blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]
        indexes = [
            GinIndex(SearchVector("search_text", config="simple"), name="procedure_search_fts"),
            models.Index(fields=["level", "online_mode"], name="procedure_level_mode_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(online_processing_days__isnull=True)
                | Q(online_processing_days__lte=models.F("processing_days")),
                name="procedure_online_days_not_longer",
                violation_error_message=_("Thời hạn trực tuyến không được dài hơn thời hạn giải quyết."),
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        from procedures.search import normalize

        self.search_text = normalize(f"{self.code} {self.name} {self.name_en}")
        super().save(*args, **kwargs)

    def days_for(self, *, online):
        """Working days committed for a dossier of this channel."""
        if online and self.online_processing_days is not None:
            return self.online_processing_days
        return self.processing_days

    def accepts_paper_on(self, day):
        """False on the weekdays this procedure is accepted online only ("Thursday: no paper")."""
        return not self.online_only and day.weekday() not in self.online_only_weekdays

    def assurance_level_needed(self):
        """The VNeID level an online applicant must hold: the procedure's own, else 2 for full-process
        online (the applicant is never seen at a counter), 1 otherwise."""
        if self.assurance_level:
            return self.assurance_level
        return AssuranceLevel.LEVEL_2 if self.online_mode == OnlineMode.FULL else AssuranceLevel.LEVEL_1

    @property
    def offers_online(self):
        return self.online_mode != OnlineMode.NONE


class FeeLine(models.Model):
    """One fee or charge (phí, lệ phí) of a procedure, in đồng, with its formula (`procedures.fees`).

    A flat fee is `amount` per dossier. A fee per unit (page, copy, certificate…) reads the number of units
    (`quantity_field`) and of copies (`copies_field`) from the application form: the first
    `tiered_units` units cost `amount` each and the rest `amount_after` each, per copy, at most
    `cap_per_copy` per copy. For instance the certification of copies (Circular 226/2016/TT-BTC as the
    demo catalogue states it): 2.000 đ per page for pages 1–2, 1.000 đ from page 3, at most 200.000 đ per
    copy, so 3 pages × 2 copies = 10.000 đ.
    """

    class Basis(models.TextChoices):
        DOSSIER = "dossier", _("mỗi hồ sơ")
        UNIT = "unit", _("theo số lượng (trang, bản, …)")

    procedure = models.ForeignKey(Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(_("tên khoản thu"), max_length=300)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    waived_online = models.BooleanField(_("miễn khi nộp trực tuyến"), default=False)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    basis = models.CharField(_("cách tính"), max_length=10, choices=Basis.choices, default=Basis.DOSSIER)
    unit_label = models.CharField(_("đơn vị tính"), max_length=40, blank=True, help_text=_("Ví dụ: trang."))
    quantity_field = models.CharField(_("trường tờ khai ghi số lượng"), max_length=64, blank=True)
    copies_field = models.CharField(_("trường tờ khai ghi số bản"), max_length=64, blank=True)
    tiered_units = models.PositiveIntegerField(_("số đơn vị đầu tính theo số tiền trên"), null=True, blank=True)
    amount_after = models.PositiveBigIntegerField(_("số tiền mỗi đơn vị tiếp theo (đồng)"), null=True, blank=True)
    cap_per_copy = models.PositiveBigIntegerField(_("tối đa mỗi bản (đồng)"), null=True, blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["procedure", "position", "id"]

    def __str__(self):
        return self.name

    # The formula's fields as the catalogue exchange and the API carry them.
    FORMULA_FIELDS = ("name", "amount", "waived_online", "basis", "unit_label", "quantity_field", "copies_field",
                      "tiered_units", "amount_after", "cap_per_copy")

    def formula(self):
        return {name: getattr(self, name) for name in self.FORMULA_FIELDS}


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    JPG = "jpg", "JPEG"
    PNG = "png", "PNG"
    DOCX = "docx", "DOCX"


class RequiredDocument(models.Model):
    """Thành phần hồ sơ: a paper the applicant must (or may) provide."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="documents"
    )
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    copies = models.PositiveSmallIntegerField(_("số bản"), default=1)
    kinds = ArrayField(
        models.CharField(max_length=10, choices=DocumentKind.choices), verbose_name=_("định dạng chấp nhận"),
        default=list, blank=True,
    )
    template = models.FileField(_("mẫu đơn, tờ khai"), upload_to="templates/", blank=True)
    template_name = models.CharField(_("tên tệp mẫu"), max_length=200, blank=True)
    reusable = models.BooleanField(_("dùng lại từ kho dữ liệu cá nhân"), default=False)
    # Not asked of an applicant whose data the population registry returned (dossiers/registry.py).
    registry_proof = models.CharField(
        _("thay thế bằng dữ liệu dân cư"), max_length=20, choices=RegistryProof.choices, blank=True,
        help_text=_("Giấy tờ này không phải nộp khi thông tin đã được khai thác từ CSDL quốc gia về dân cư."))
    # One file per paper unless the paper is naturally several files (photos of each page, several
    # certificates): then each file chosen is added instead of replacing the one there (issue 21 item 7).
    multiple_files = models.BooleanField(_("cho phép nhiều tệp"), default=False)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "position", "id"]

    def __str__(self):
        return self.name


class ProcedureVersion(models.Model):
    """A published version of a procedure, frozen as JSON, with the date it takes effect."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("số phiên bản"))
    effective_from = models.DateField(_("ngày hiệu lực"), default=timezone.localdate)
    snapshot = models.JSONField(_("nội dung"))
    note = models.CharField(_("ghi chú thay đổi"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedure_version_unique_number",
                violation_error_message=_("Phiên bản này đã tồn tại."),
            )
        ]

    def __str__(self):
        return f"{self.procedure.code} v{self.number}"


class CalendarException(models.Model):
    """A day the government declares off, or a weekend day declared a make-up working day."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("lý do"), max_length=200)

    class Meta:
        verbose_name = _("ngày nghỉ, làm bù")
        verbose_name_plural = _("ngày nghỉ, làm bù")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"


class AssistantTerm(models.Model):
    """A word of everyday speech the virtual assistant (trợ lý ảo, /tro-ly/) understands: a synonym that
    stands for catalogue wording ("bằng lái" = "giấy phép lái xe", "sổ đỏ" = "quyền sử dụng đất"), or a
    question phrase it leaves out ("tôi muốn", "làm thế nào để", "ở đâu"), a word that marks a variant of a
    base procedure ("cấp lại", "gia hạn": ranked after the base unless asked for) or a word of action ("cải
    chính", "thành lập": ranks the procedures named for it first when asked for). Edited by administrators;
    matched unaccented and with i/y folded (procedures.assistant); variant and action words also compare
    their accents where the question has them ("lại" is not "lái")."""

    class Kind(models.TextChoices):
        SYNONYM = "synonym", _("Từ đồng nghĩa")
        FILLER = "filler", _("Cụm từ hỏi (bỏ qua)")
        # Words in procedure names that the assistant ranks by (procedures.assistant.rank).
        VARIANT = "variant", _("Từ chỉ biến thể (xếp sau nếu câu hỏi không nói)")
        ACTION = "action", _("Từ chỉ việc cần làm (ưu tiên nếu câu hỏi nói)")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.SYNONYM)
    phrase = models.CharField(_("người dân nói"), max_length=200,
                              help_text=_("Ví dụ: bằng lái, sổ đỏ, tôi muốn. Có dấu hay không dấu đều được."))
    meaning = models.CharField(
        _("nghĩa là (từ trong danh mục thủ tục)"), max_length=300, blank=True,
        help_text=_("Ví dụ: giấy phép lái xe. Chỉ điền với từ đồng nghĩa."))
    is_active = models.BooleanField(_("đang dùng"), default=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    # normalize(phrase) with y read as i: what matching compares; one row per spelling and kind.
    phrase_key = models.CharField(_("khóa so khớp"), max_length=200, editable=False)

    class Meta:
        verbose_name = _("từ của trợ lý ảo")
        verbose_name_plural = _("từ của trợ lý ảo")
        ordering = ["kind", "phrase_key"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "phrase_key"], name="assistant_term_unique_phrase",
                                    violation_error_message=_("Cụm từ này đã có trong danh sách.")),
            models.CheckConstraint(
                condition=(Q(kind="synonym") & ~Q(meaning="")) | (~Q(kind="synonym") & Q(meaning="")),
                name="assistant_term_meaning_only_for_synonyms",
                violation_error_message=_("Từ đồng nghĩa cần phần “nghĩa là”; các loại khác để trống phần này."),
            ),
        ]

    def __str__(self):
        return f"{self.phrase} → {self.meaning}" if self.meaning else self.phrase

    def save(self, *args, **kwargs):
        from procedures.search import fold

        self.phrase_key = fold(self.phrase)
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        from procedures.search import fold

        if not fold(self.phrase):
            raise ValidationError({"phrase": _("Hãy nhập ít nhất một chữ.")})
        self.phrase_key = fold(self.phrase)
