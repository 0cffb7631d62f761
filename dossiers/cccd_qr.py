"""The QR code on the chip citizen ID card (CCCD gắn chip), as a keyboard-wedge scanner types it.

    card = cccd_qr.parse("001099012345|123456789|Nguyễn Văn An|01021999|Nam|Số 1 Trần Phú, Hà Tĩnh|15082021")

Seven fields separated by `|`: personal ID number (12 digits), old ID card number (9 digits, may be
empty), full name, birth date (ddmmyyyy), sex (Nam / Nữ), permanent residence, issue date (ddmmyyyy).
The list of fields is the one the Ministry of Public Security describes for the card's QR (number,
old 9-digit number, name, birth date, sex, residence, issue date; reported in the press, Dec. 2022);
the separator and the date layout are those of the cards' scanners, not found in an official text.

The ID number's own structure is checked against the birth data: 3 digits of the province of birth
registration, 1 digit of century and sex (1900s: men 0, women 1; 2000s: 2 / 3; …), 2 digits of the birth
year, 6 more digits (Circular 59/2021/TT-BCA art. 4, as quoted by secondary sources). A forged or
mistyped code is refused with a translated message (`InvalidCardCode`), never half-used.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

FIELD_COUNT = 7
SEXES = {"nam": "Nam", "nữ": "Nữ", "nu": "Nữ"}


class InvalidCardCode(ValueError):
    """The scanned string is not a valid CCCD QR code; `message` says why (translated)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CardData:
    id_number: str
    old_id_number: str
    full_name: str
    birth_date: dt.date
    sex: str
    address: str
    issue_date: dt.date

    def applicant_fields(self):
        """The counter intake's applicant fields this card fills."""
        return {"applicant_name": self.full_name, "applicant_id_number": self.id_number,
                "applicant_address": self.address}


def _date(text, label):
    if not re.fullmatch(r"\d{8}", text):
        raise InvalidCardCode(_("%(field)s trong mã QR phải có dạng ngàythángnăm (8 chữ số).") % {"field": label})
    try:
        return dt.date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise InvalidCardCode(_("%(field)s trong mã QR không phải là một ngày có thật.") % {"field": label}) from None


def parse(text, *, today=None):
    """The card's data from the scanned string, or InvalidCardCode."""
    today = today or dt.date.today()
    fields = [part.strip() for part in (text or "").strip().split("|")]
    if len(fields) < FIELD_COUNT:
        raise InvalidCardCode(_("Mã QR không đầy đủ (có %(found)s/%(expected)s trường): hãy quét lại thẻ.")
                              % {"found": len(fields) if text and text.strip() else 0, "expected": FIELD_COUNT})
    if len(fields) > FIELD_COUNT:
        raise InvalidCardCode(_("Mã QR có %(found)s trường thay vì %(expected)s: không phải mã của thẻ căn cước.")
                              % {"found": len(fields), "expected": FIELD_COUNT})
    id_number, old_id, name, birth, sex, address, issued = fields
    if not re.fullmatch(r"\d{12}", id_number):
        raise InvalidCardCode(_("Số định danh cá nhân trong mã QR phải gồm 12 chữ số."))
    if old_id and not re.fullmatch(r"\d{9}", old_id):
        raise InvalidCardCode(_("Số chứng minh nhân dân cũ trong mã QR phải gồm 9 chữ số."))
    if not name or len(name) > 200:
        raise InvalidCardCode(_("Họ và tên trong mã QR bị thiếu hoặc quá dài."))
    if sex.lower() not in SEXES:
        raise InvalidCardCode(_("Giới tính trong mã QR phải là “Nam” hoặc “Nữ”."))
    sex = SEXES[sex.lower()]
    birth_date = _date(birth, _("Ngày sinh"))
    issue_date = _date(issued, _("Ngày cấp"))
    if not (dt.date(1900, 1, 1) <= birth_date <= issue_date <= today):
        raise InvalidCardCode(_("Ngày sinh và ngày cấp trong mã QR không hợp lý."))
    century_sex = (birth_date.year // 100 - 19) * 2 + (1 if sex == "Nữ" else 0)
    if id_number[3] != str(century_sex) or id_number[4:6] != f"{birth_date.year % 100:02d}":
        raise InvalidCardCode(_("Số định danh cá nhân không khớp với ngày sinh và giới tính trong mã QR."))
    if not address or len(address) > 300:
        raise InvalidCardCode(_("Địa chỉ thường trú trong mã QR bị thiếu hoặc quá dài."))
    return CardData(id_number=id_number, old_id_number=old_id, full_name=name, birth_date=birth_date, sex=sex,
                    address=address, issue_date=issue_date)
