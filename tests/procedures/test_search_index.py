"""Catalogue search is accent-insensitive and answered by the full-text GIN index."""

import pytest
from django.db import connection

from procedures.models import Procedure
from procedures.search import search_procedures, to_tsquery
from tests.factories import ProcedureFactory


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["khai sinh", "KHAI SINH", "Khai Sinh", "dang ky khai si", "đăng ký khai sinh", "1.001193"])
def test_birth_registration_is_found_whatever_the_accents(typed):
    ProcedureFactory(code="1.001193", name="Đăng ký khai sinh")
    ProcedureFactory(code="1.000894", name="Đăng ký kết hôn")
    assert list(search_procedures(Procedure.objects.all(), typed).values_list("code", flat=True)) == ["1.001193"]


@pytest.mark.django_db
def test_every_word_must_match_and_punctuation_is_harmless():
    ProcedureFactory(code="1.001193", name="Đăng ký khai sinh")
    assert not search_procedures(Procedure.objects.all(), "khai tử").exists()
    assert to_tsquery("'); drop table x; --") == "drop:* & table:* & x:*"
    assert to_tsquery("  !!! ") is None


@pytest.mark.django_db
def test_search_uses_the_gin_index():
    ProcedureFactory.create_batch(3)
    sql, params = search_procedures(Procedure.objects.only("id"), "khai sinh").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "procedure_search_fts" in plan, plan
