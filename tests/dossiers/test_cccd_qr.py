"""The chip ID card's QR string (dossiers/cccd_qr.py) and the counter intake page that reads it."""

import datetime as dt

import pytest

from dossiers import cccd_qr

VALID = "042099012345|183456789|Nguyễn Văn An|01021999|Nam|Số 1 Trần Phú, Hà Tĩnh|15082021"
TODAY = dt.date(2026, 12, 7)


def test_a_valid_code_gives_the_applicant():
    card = cccd_qr.parse(VALID, today=TODAY)
    assert card.id_number == "042099012345" and card.old_id_number == "183456789"
    assert card.birth_date == dt.date(1999, 2, 1) and card.issue_date == dt.date(2021, 8, 15)
    assert card.applicant_fields() == {"applicant_name": "Nguyễn Văn An", "applicant_id_number": "042099012345",
                                       "applicant_address": "Số 1 Trần Phú, Hà Tĩnh"}


def test_a_card_without_an_old_number_and_a_woman_born_in_2001():
    card = cccd_qr.parse("042301012345||Trần Thị Bình|09092001|Nữ|Thạch Hà|01012022", today=TODAY)
    assert card.sex == "Nữ" and card.old_id_number == ""


@pytest.mark.parametrize(("text", "words"), [
    (VALID.rsplit("|", 3)[0], "không đầy đủ"),                      # truncated scan
    ("", "không đầy đủ"),
    (VALID + "|thừa", "8 trường"),                                    # forged field count
    (VALID.replace("042099012345", "04209901234"), "12 chữ số"),
    (VALID.replace("01021999", "31021999"), "ngày có thật"),
    (VALID.replace("01021999", "1-2-1999"), "8 chữ số"),
    (VALID.replace("|Nam|", "|Nữ|"), "không khớp"),                   # century/sex digit says a man
    (VALID.replace("042099", "042088"), "không khớp"),                # birth year digits
    (VALID.replace("15082021", "15082030"), "không hợp lý"),          # issued in the future
    (VALID.replace("183456789", "18345"), "9 chữ số"),
])
def test_bad_codes_are_refused_with_a_message(text, words):
    with pytest.raises(cccd_qr.InvalidCardCode) as refused:
        cccd_qr.parse(text, today=TODAY)
    assert words in str(refused.value.message)


@pytest.mark.django_db
def test_the_intake_page_fills_the_applicant_from_the_qr(client, agency, procedure, desk_officer):
    client.force_login(desk_officer)
    url = f"/mot-cua/tiep-nhan/?procedure={procedure.pk}&agency={agency.pk}&channel=counter"
    page = client.post(url, {"id_card_qr": VALID, "read_qr": "1"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="042099012345"' in html and 'value="Nguyễn Văn An"' in html
    refused = client.post(url, {"id_card_qr": VALID + "|x", "read_qr": "1"})
    assert refused.status_code == 400 and "8 trường" in refused.content.decode()
