"""Every write to the catalogue, agencies and calendar: one keyword-only function per use case."""

from django.db import transaction

from procedures.divisions import SCHEME_VALIDITY, division_rows
from procedures.models import AdministrativeUnit, Level, Scheme


@transaction.atomic
def divisions_load(*, province_code, scheme=Scheme.THREE_TIER):
    """Create or update the units of a province. Idempotent: a second run changes nothing.

    Returns counts {"created": n, "updated": n, "unchanged": n}.
    """
    valid_from, valid_until = SCHEME_VALIDITY[Scheme(scheme)]
    existing = {
        (u.level, u.code): u for u in AdministrativeUnit.objects.filter(scheme=scheme)
    }
    parent_level = {Level.DISTRICT: Level.PROVINCE, Level.COMMUNE: Level.DISTRICT}
    if scheme == Scheme.TWO_TIER:
        parent_level[Level.COMMUNE] = Level.PROVINCE
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in division_rows(province_code, scheme):
        parent = existing[(parent_level[row.level], row.parent_code)] if row.parent_code else None
        values = {
            "name": row.name, "division_type": row.division_type, "codename": row.codename,
            "parent": parent, "valid_from": valid_from, "valid_until": valid_until,
        }
        unit = existing.get((row.level, row.code))
        if unit is None:
            unit = AdministrativeUnit.objects.create(scheme=scheme, level=row.level, code=row.code, **values)
            existing[(row.level, row.code)] = unit
            counts["created"] += 1
            continue
        changed = [name for name, value in values.items() if getattr(unit, name) != value]
        if changed:
            for name in changed:
                setattr(unit, name, values[name])
            unit.save(update_fields=changed)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts
