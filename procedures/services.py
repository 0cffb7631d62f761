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


# --- catalogue versions ---------------------------------------------------------------------------
def procedure_snapshot(procedure):
    """Everything an applicant is asked for and promised, as plain JSON."""
    return {
        "code": procedure.code,
        "name": procedure.name,
        "name_en": procedure.name_en,
        "field": procedure.field.code,
        "level": procedure.level,
        "online_mode": procedure.online_mode,
        "processing_days": procedure.processing_days,
        "online_processing_days": procedure.online_processing_days,
        "steps": procedure.steps,
        "result_type": procedure.result_type,
        "legal_basis": procedure.legal_basis,
        "form_schema": procedure.form_schema,
        "online_only": procedure.online_only,
        "online_only_weekdays": list(procedure.online_only_weekdays),
        "fees": [
            {"name": f.name, "amount": f.amount, "waived_online": f.waived_online} for f in procedure.fees.all()
        ],
        "documents": [
            {"id": d.pk, "name": d.name, "required": d.required, "copies": d.copies, "kinds": list(d.kinds),
             "reusable": d.reusable}
            for d in procedure.documents.all()
        ],
    }


@transaction.atomic
def procedure_publish(*, procedure, effective_from=None, note=""):
    """Freeze the procedure's current content as a new version. Dossiers keep the version they used."""
    from django.utils import timezone

    from procedures.models import Procedure, ProcedureVersion

    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    number = locked.current_version + 1
    version = ProcedureVersion.objects.create(
        procedure=locked, number=number, effective_from=effective_from or timezone.localdate(),
        snapshot=procedure_snapshot(locked), note=note,
    )
    Procedure.objects.filter(pk=locked.pk).update(current_version=number)
    procedure.current_version = number
    return version


def procedure_version_in_force(*, procedure, day):
    """The version an application made on `day` follows; publishes v1 if the procedure has none."""
    version = procedure.versions.filter(effective_from__lte=day).order_by("-number").first()
    if version is None:
        version = procedure.versions.order_by("number").first() or procedure_publish(
            procedure=procedure, effective_from=day, note="v1"
        )
    return version


# --- agencies -------------------------------------------------------------------------------------
@transaction.atomic
def agencies_seed_demo(*, province_code="42"):
    """Create or update the demo province's agencies from procedures/demo_data/agencies.py.

    Provincial departments, each district people's committee with its divisions, and every commune
    people's committee, on the three-tier units (load them first). Idempotent, keyed by agency code.
    Returns {"created": n, "updated": n}.
    """
    from procedures.demo_data import agencies as data
    from procedures.models import Agency

    units = AdministrativeUnit.objects.filter(scheme=Scheme.THREE_TIER)
    province = units.get(level=Level.PROVINCE, code=str(int(province_code)))
    counts = {"created": 0, "updated": 0}
    by_kind = {}

    def upsert(*, code, parent=None, **values):
        agency, created = Agency.objects.update_or_create(
            code=code, defaults={**values, "parent": parent, "valid_until": SCHEME_VALIDITY[Scheme.THREE_TIER][1]}
        )
        counts["created" if created else "updated"] += 1
        return agency

    for row in data.PROVINCIAL:
        by_kind[row["kind"]] = upsert(
            code=row["code"], name=row["name"], name_en=row["name_en"], short_name=row["short"], kind=row["kind"],
            level=Level.PROVINCE, area=province, parent=by_kind.get(row["parent"]),
        )
    districts = units.filter(level=Level.DISTRICT, parent=province).order_by("code")
    for fallback_index, district in enumerate(districts):
        index = data.DISTRICT_INDEX_BY_GSO.get(district.code, fallback_index)
        urban = district.division_type in ("thành phố", "thị xã")
        committee = upsert(
            code=data.agency_code("UBND_HUYEN", index), name=f"Ủy ban nhân dân {district.name}",
            name_en=f"People's Committee of {district.name}", short_name=f"UBND {district.name}",
            kind="UBND_HUYEN", level=Level.DISTRICT, area=district, parent=by_kind.get("UBND_TINH"),
        )
        for division in data.DISTRICT_DIVISIONS:
            if data.division_exists(division["kind"], urban):
                upsert(
                    code=data.agency_code(division["kind"], index), name=f"{division['name']} {district.name}",
                    name_en=f"{division['name_en']}, {district.name}", short_name=division["name"],
                    kind=division["kind"], level=Level.DISTRICT, area=district, parent=committee,
                )
        for commune_index, commune in enumerate(district.children.order_by("code")):
            upsert(
                code=data.agency_code("UBND_XA", index, commune_index), name=f"Ủy ban nhân dân {commune.name}",
                name_en=f"People's Committee of {commune.name}", short_name=f"UBND {commune.name}",
                kind="UBND_XA", level=Level.COMMUNE, area=commune, parent=committee,
            )
    return counts
