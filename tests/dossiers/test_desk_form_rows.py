"""The officer reads the citizen's form with the procedure's labels and dates as dd/mm/yyyy."""

from dossiers.models import Dossier
from dossiers.selectors import dossier_form_rows
from procedures.models import Procedure


def test_form_rows_use_the_schema_labels_and_vietnamese_dates():
    procedure = Procedure(code="1.001193", name="Đăng ký khai sinh", form_schema=[
        {"name": "child_name", "label": "Họ và tên trẻ", "type": "text", "required": True},
        {"name": "birth_date", "label": "Ngày sinh của trẻ", "type": "date", "required": True},
    ])
    dossier = Dossier(procedure=procedure, form_data={
        "birth_date": "2026-10-01", "child_name": "Nguyễn Trần An", "old_field": "giá trị cũ"})
    assert dossier_form_rows(dossier=dossier) == [
        ("Họ và tên trẻ", "Nguyễn Trần An"), ("Ngày sinh của trẻ", "01/10/2026"), ("old_field", "giá trị cũ"),
    ]
