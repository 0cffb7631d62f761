"""National portal sync (đồng bộ Cổng Dịch vụ công quốc gia): its outbox, its reconciliations and what the
sandbox receiver got (issue 18 item 3). Imported by dossiers.models; the logic is dossiers/national_sync.py.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NationalSyncEvent(models.Model):
    """One status change of a dossier as the national portal must receive it: a row of the sync's outbox,
    written by `lifecycle.apply()` in the transition's own transaction.

    `sequence` numbers a dossier's events 1, 2, 3 … (allocated under the dossier's row lock): event n+1 is
    never sent before event n is acknowledged. `event_id` is the CloudEvents id the receiver deduplicates by.
    A dead-lettered event (`dead_at`) holds back the dossier's later events until it is replayed.
    """

    event_id = models.UUIDField(_("mã sự kiện"), default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey("dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
                                related_name="national_events")
    sequence = models.PositiveIntegerField(_("số thứ tự trong hồ sơ"))
    dossier_event = models.OneToOneField("dossiers.DossierEvent", verbose_name=_("sự kiện nhật ký"),
                                         on_delete=models.CASCADE, related_name="national_event")
    agency = models.ForeignKey("procedures.Agency", verbose_name=_("cơ quan đang xử lý"),
                               on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=24)
    national_status = models.PositiveSmallIntegerField(_("mã trạng thái quốc gia"))
    payload = models.JSONField(_("dữ liệu gửi đi"), default=dict)
    occurred_at = models.DateTimeField(_("xảy ra lúc"))
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    dispatched_at = models.DateTimeField(_("đã chuyển cho tác vụ lúc"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại từ"), null=True, blank=True)
    acked_at = models.DateTimeField(_("được xác nhận lúc"), null=True, blank=True)
    ack_duplicate = models.BooleanField(_("bên nhận báo đã có"), default=False)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    dead_at = models.DateTimeField(_("chuyển vào danh sách lỗi lúc"), null=True, blank=True)
    replayed = models.PositiveIntegerField(_("số lần gửi lại thủ công"), default=0)

    class Meta:
        verbose_name = _("sự kiện đồng bộ Cổng DVCQG")
        verbose_name_plural = _("sự kiện đồng bộ Cổng DVCQG")
        ordering = ["dossier_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "sequence"], name="national_event_sequence_unique",
                                    violation_error_message=_("Số thứ tự sự kiện của hồ sơ đã có.")),
        ]
        indexes = [
            # The relay's and the sender's question: the first unacknowledged event of each dossier.
            models.Index(fields=["dossier", "sequence"], name="national_event_pending_idx",
                         condition=Q(acked_at__isnull=True)),
            models.Index(fields=["dead_at"], name="national_event_dead_idx", condition=Q(dead_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.dossier_id}#{self.sequence} → {self.national_status}"


class NationalSyncReconciliation(models.Model):
    """The nightly comparison of MotCua's dossiers per (agency, national status) with the receiver's counts."""

    created_at = models.DateTimeField(_("đối soát lúc"), auto_now_add=True)
    equal = models.BooleanField(_("khớp"))
    local_total = models.PositiveIntegerField(_("tổng số hồ sơ tại MotCua"))
    remote_total = models.PositiveIntegerField(_("tổng số hồ sơ bên nhận xác nhận"))
    pending = models.PositiveIntegerField(_("sự kiện chưa được xác nhận"), default=0)
    dead = models.PositiveIntegerField(_("sự kiện trong danh sách lỗi"), default=0)
    # [{"agency": code, "status": national code, "local": n, "remote": m}] for every cell that differs.
    differences = models.JSONField(_("chênh lệch"), default=list)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("đối soát đồng bộ Cổng DVCQG")
        verbose_name_plural = _("đối soát đồng bộ Cổng DVCQG")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {'=' if self.equal else '≠'}"


class SandboxPortalReceipt(models.Model):
    """One event the sandbox national portal received and kept (once per event id); `deliveries` counts
    how many times it arrived, so a test can see that a repeat was answered as a duplicate."""

    event_id = models.UUIDField(_("mã sự kiện"), unique=True)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60)
    agency_code = models.CharField(_("mã cơ quan"), max_length=60)
    sequence = models.PositiveIntegerField(_("số thứ tự"))
    national_status = models.PositiveSmallIntegerField(_("mã trạng thái quốc gia"))
    event = models.JSONField(_("sự kiện CloudEvents"))
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)
    deliveries = models.PositiveIntegerField(_("số lần nhận"), default=1)

    class Meta:
        verbose_name = _("sự kiện Cổng DVCQG đã nhận (sandbox)")
        verbose_name_plural = _("sự kiện Cổng DVCQG đã nhận (sandbox)")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.dossier_code}#{self.sequence}"


class SandboxPortalFault(models.Model):
    """A scripted misbehaviour of the sandbox receiver: the next `remaining` requests get `kind`."""

    class Kind(models.TextChoices):
        FAIL = "fail", _("Lỗi 503, không ghi nhận")
        TIMEOUT = "timeout", _("Ghi nhận rồi trả lời quá thời gian chờ")
        DUPLICATE = "duplicate", _("Ghi nhận và trả lời “đã có”")
        HOLD = "hold", _("Ghi nhận rồi giữ kết nối (để dừng tiến trình gửi)")

    kind = models.CharField(_("kiểu lỗi"), max_length=20, choices=Kind.choices)
    remaining = models.PositiveIntegerField(_("số lần còn lại"), default=1)
    seconds = models.FloatField(_("số giây chờ"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lỗi giả lập của Cổng DVCQG (sandbox)")
        verbose_name_plural = _("lỗi giả lập của Cổng DVCQG (sandbox)")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.kind} × {self.remaining}"
