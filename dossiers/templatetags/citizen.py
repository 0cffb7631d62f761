"""Plain-language wording of dossier events for citizens' pages."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers.lifecycle import Action, Recorded

register = template.Library()

# What the citizen reads for each action (plain words, not officers' jargon).
PLAIN_WORDS = {
    Action.SUBMIT: gettext_lazy("Ông/Bà đã nộp hồ sơ trực tuyến."),
    Action.RECEIVE: gettext_lazy("Bộ phận Một cửa đã tiếp nhận hồ sơ."),
    Action.REFUSE: gettext_lazy("Hồ sơ không được tiếp nhận."),
    Action.ASSIGN: gettext_lazy("Hồ sơ đã được chuyển cho chuyên viên xử lý."),
    Action.TRANSFER: gettext_lazy("Hồ sơ được chuyển sang cơ quan khác để phối hợp giải quyết."),
    Action.REQUEST_SUPPLEMENT: gettext_lazy("Cơ quan đề nghị bổ sung giấy tờ."),
    Action.SUPPLEMENT: gettext_lazy("Ông/Bà đã gửi giấy tờ bổ sung; thời hạn giải quyết được tính lại."),
    Action.REQUEST_PAYMENT: gettext_lazy("Cơ quan đề nghị nộp phí, lệ phí hoặc nghĩa vụ tài chính."),
    Action.PAY: gettext_lazy("Đã nhận tiền phí, lệ phí."),
    Action.SUBMIT_FOR_APPROVAL: gettext_lazy("Hồ sơ đang chờ lãnh đạo phê duyệt."),
    Action.APPROVE: gettext_lazy("Hồ sơ đã được giải quyết xong."),
    Action.SEND_BACK: gettext_lazy("Hồ sơ được xem xét lại."),
    Action.RETURN_RESULT: gettext_lazy("Đã trả kết quả."),
    Action.WITHDRAW: gettext_lazy("Ông/Bà đã rút hồ sơ."),
    Action.STOP: gettext_lazy("Cơ quan dừng xử lý hồ sơ."),
    "rate": gettext_lazy("Ông/Bà đã đánh giá mức độ hài lòng."),
    "collect_fee": gettext_lazy("Đã nộp phí, lệ phí tại Bộ phận Một cửa."),
    Recorded.REFUND_DUE: gettext_lazy("Một khoản thanh toán không được ghi nhận vào phí của hồ sơ và sẽ được hoàn lại."),
}


@register.filter
def plain_words(event):
    """'Bộ phận Một cửa đã tiếp nhận hồ sơ.' for a receive event, and so on."""
    return str(PLAIN_WORDS.get(event.action, _("Cập nhật hồ sơ.")))


# English names of statuses for the English half of notifications (the catalogs may lag behind).
STATUS_EN = {
    "draft": "Draft", "submitted": "Submitted", "received": "Received", "refused": "Not accepted",
    "processing": "Being processed", "supplement_requested": "Waiting for additional documents",
    "awaiting_payment": "Waiting for payment of fees", "withdrawn": "Withdrawn by the applicant",
    "stopped": "Processing stopped", "awaiting_approval": "Waiting for approval", "processed": "Processed",
    "returned": "Result returned",
}


@register.filter
def status_en(status):
    return STATUS_EN.get(status, status)
