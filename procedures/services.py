"""Every write to the catalogue, agencies and calendar: one keyword-only function per use case."""

from django.db import transaction
from django.utils.translation import gettext as _

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
        "assurance_level": procedure.assurance_level_needed(),
        "fees": [f.formula() for f in procedure.fees.all()],
        "documents": [
            {"id": d.pk, "name": d.name, "required": d.required, "copies": d.copies, "kinds": list(d.kinds),
             "reusable": d.reusable, "registry_proof": d.registry_proof, "multiple_files": d.multiple_files}
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


# --- catalogue content: update, seed, import ------------------------------------------------------
class CatalogueImportError(Exception):
    """Rows that cannot be imported: `errors` is a list of (line number, reason). Nothing was saved."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"{line}: {reason}" for line, reason in errors))


def _procedures_with_content():
    from procedures.models import Procedure

    return Procedure.objects.select_related("field").prefetch_related("fees", "documents", "agencies")


def _write_children(procedure, row):
    """Replace fee lines; update required documents in place so dossiers' links to them survive."""
    from procedures.models import FeeLine, RequiredDocument

    procedure.fees.all().delete()
    FeeLine.objects.bulk_create(
        [FeeLine(procedure=procedure, position=i, **fee) for i, fee in enumerate(row["fees"])]
    )
    existing = list(procedure.documents.order_by("position", "id"))
    for position, values in enumerate(row["documents"]):
        if position < len(existing):
            document = existing[position]
            for key, value in values.items():
                setattr(document, key, value)
            document.position = position
            document.save()
        else:
            RequiredDocument.objects.create(procedure=procedure, position=position, **values)
    for surplus in existing[len(row["documents"]):]:
        surplus.delete()


def _procedure_write(*, row, fields, agencies_by_kind, effective_from=None, note=""):
    """Create or update one procedure from a valid row. Returns "created", "updated" or "unchanged".

    A content change publishes a new version; a change of the agencies alone does not (versions
    freeze what the applicant is asked for, not the map of offices).
    """
    from procedures.catalogue import SCALAR_FIELDS, content_of, document_row, procedure_row
    from procedures.models import Procedure

    row = {**row, "documents": [document_row(doc) for doc in row["documents"]]}
    agency_ids = {a.pk for kind in row["agency_kinds"] for a in agencies_by_kind.get(kind, [])}
    procedure = _procedures_with_content().filter(code=row["code"]).first()
    if procedure is None:
        procedure = Procedure(code=row["code"])
        outcome = "created"
    else:
        current = procedure_row(procedure)
        same_agencies = {a.pk for a in procedure.agencies.all()} == agency_ids
        if content_of(current) == content_of(row) and procedure.current_version:
            if not same_agencies:
                procedure.agencies.set(agency_ids)
                return "updated"
            return "unchanged"
        outcome = "updated"
    procedure.field = fields[row["field"]]
    for name in SCALAR_FIELDS:
        setattr(procedure, name, row[name])
    procedure.save()
    procedure.agencies.set(agency_ids)
    _write_children(procedure, row)
    procedure_publish(procedure=procedure, effective_from=effective_from,
                      note=note or ("v1" if outcome == "created" else ""))
    return outcome


def _lookups():
    from procedures.models import Agency, Field

    fields = {f.code: f for f in Field.objects.all()}
    agencies_by_kind = {}
    for agency in Agency.objects.filter(is_active=True).only("pk", "kind"):
        agencies_by_kind.setdefault(agency.kind, []).append(agency)
    return fields, agencies_by_kind


@transaction.atomic
def procedure_update(*, procedure, changes, effective_from=None, note=""):
    """Edit a procedure (model field names, plus "field" as a code, "fees", "documents", "agency_kinds").

    Validated like an imported row; a content change publishes a new version effective from
    `effective_from` (default today). Dossiers already submitted keep the version they were given.
    Raises django ValidationError with the reasons when the edit is invalid.
    """
    from django.core.exceptions import ValidationError

    from procedures.catalogue import procedure_row, row_errors

    procedure = _procedures_with_content().get(pk=procedure.pk)
    row = procedure_row(procedure) | dict(changes)
    fields, agencies_by_kind = _lookups()
    errors = row_errors(row, field_codes=fields, agency_kinds=agencies_by_kind)
    if errors:
        raise ValidationError(errors)
    _procedure_write(row=row, fields=fields, agencies_by_kind=agencies_by_kind,
                     effective_from=effective_from, note=note)
    procedure.refresh_from_db()
    return procedure


@transaction.atomic
def catalogue_import_outcomes(*, rows, effective_from=None, note=""):
    """Create or update procedures from (line number, row) pairs, all or nothing.

    Every row is checked first; if any is wrong, CatalogueImportError lists each bad line with its
    reason and nothing is written. Returns {procedure code: "created" | "updated" | "unchanged"}, in
    the file's order (the admin records each procedure it created or changed in the admin trail).
    """
    from procedures.catalogue import row_errors

    fields, agencies_by_kind = _lookups()
    errors, seen = [], {}
    for line, row in rows:
        if isinstance(row, str):  # the parser already found the line unreadable
            errors.append((line, row))
            continue
        for reason in row_errors(row, field_codes=fields, agency_kinds=agencies_by_kind):
            errors.append((line, reason))
        code = row.get("code")
        if code in seen:
            errors.append((line, _("Mã thủ tục %(code)s trùng với dòng %(line)s.") % {"code": code, "line": seen[code]}))
        seen.setdefault(code, line)
    if errors:
        raise CatalogueImportError(errors)
    return {row["code"]: _procedure_write(row=row, fields=fields, agencies_by_kind=agencies_by_kind,
                                          effective_from=effective_from, note=note)
            for _line, row in rows}


def catalogue_import(*, rows, effective_from=None, note=""):
    """`catalogue_import_outcomes`, counted: {"created", "updated", "unchanged"}."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for outcome in catalogue_import_outcomes(rows=rows, effective_from=effective_from, note=note).values():
        counts[outcome] += 1
    return counts


@transaction.atomic
def catalogue_seed_demo(*, fields=None, procedures=None):
    """Load the demo fields and procedures (`procedures/demo_data/catalogue.py`). Idempotent by code.

    Procedures are linked to every active agency of the kinds they name; in a city or town, the
    division that stands in for a rural one (Phòng Quản lý đô thị for Phòng Kinh tế và Hạ tầng …)
    is linked too, and so are the agencies that handle them since the 2025 reforms
    (`reorganisation.kind_now`: a merged department's successor, the commune centres for former
    district and commune procedures). Kinds with no agency yet are left unlinked (run the agency seed first).
    Returns counts {"fields", "created", "updated", "unchanged"}.
    """
    from procedures.catalogue import row_errors, row_from_demo
    from procedures.demo_data.agencies import urban_equivalent
    from procedures.demo_data.reorganisation import kind_now
    from procedures.models import Field

    if fields is None or procedures is None:
        from procedures.demo_data import catalogue as demo

        fields = demo.FIELDS if fields is None else fields
        procedures = demo.PROCEDURES if procedures is None else procedures
    for item in fields:
        Field.objects.update_or_create(code=item["code"], defaults={"name": item["name"],
                                                                    "name_en": item.get("name_en", "")})
    field_map, agencies_by_kind = _lookups()
    counts = {"fields": len(fields), "created": 0, "updated": 0, "unchanged": 0}
    for item in procedures:
        row = row_from_demo(item)
        kinds = set(row["agency_kinds"])
        kinds |= {urban_equivalent(kind, row["field"]) for kind in kinds}
        # Re-assigned to the agencies handling them today (2025 reforms); the former agencies keep the
        # link for the dossiers they handled, and the catalogue shows only agencies in force.
        kinds |= {kind_now(kind, row["field"], row["code"]) for kind in kinds}
        row["agency_kinds"] = sorted(kind for kind in kinds if kind in agencies_by_kind)
        errors = row_errors(row, field_codes=field_map, agency_kinds=agencies_by_kind)
        if errors:
            raise ValueError(f"demo procedure {row['code']}: {'; '.join(errors)}")
        counts[_procedure_write(row=row, fields=field_map, agencies_by_kind=agencies_by_kind)] += 1
    return counts


# --- agencies -------------------------------------------------------------------------------------
@transaction.atomic
def agencies_seed_demo(*, province_code="42"):
    """Create or update the demo province's agencies in both periods. Idempotent, keyed by agency code.

    The three-tier structure of procedures/demo_data/agencies.py (provincial departments, each district
    people's committee with its divisions, every commune people's committee, on the 2024 units), then
    the 2025 reforms of procedures/demo_data/reorganisation.py: the departments merged on 1/3/2025,
    the district tier and the former communes ending on 30/6/2025, and each 2025 commune's people's
    committee and Public Administration Service Centre from 1/7/2025 (on the 2025 units, when loaded),
    each ceased agency linked to its successors. Load the units of both schemes first.
    Returns {"created": n, "updated": n}.
    """
    from procedures.demo_data import agencies as data
    from procedures.demo_data import reorganisation as reform
    from procedures.models import Agency

    units = AdministrativeUnit.objects.filter(scheme=Scheme.THREE_TIER)
    province = units.get(level=Level.PROVINCE, code=str(int(province_code)))
    counts = {"created": 0, "updated": 0}
    by_kind = {}

    def upsert(*, code, parent=None, valid_from=None, valid_until=None, **values):
        agency, created = Agency.objects.update_or_create(
            code=code, defaults={**values, "parent": parent, "valid_from": valid_from, "valid_until": valid_until}
        )
        counts["created" if created else "updated"] += 1
        return agency

    # New departments before the sub-units that belong to them now (Văn phòng Đăng ký đất đai).
    subunits = [row for row in data.PROVINCIAL if row["kind"] in reform.NEW_PARENTS]
    for row in [r for r in data.PROVINCIAL if r not in subunits] + reform.NEW_DEPARTMENTS + subunits:
        merged = row["kind"] in reform.MERGED_DEPARTMENTS
        by_kind[row["kind"]] = upsert(
            code=row["code"], name=row["name"], name_en=row["name_en"], short_name=row["short"], kind=row["kind"],
            level=Level.PROVINCE, area=province,
            parent=by_kind.get(reform.NEW_PARENTS.get(row["kind"]) or row["parent"]),
            valid_from=reform.DEPARTMENTS_FROM if row in reform.NEW_DEPARTMENTS else None,
            valid_until=reform.DEPARTMENTS_LAST_DAY if merged else None,
        )
    for kind, successors in reform.MERGED_DEPARTMENTS.items():
        by_kind[kind].successors.set([by_kind[s] for s in successors])
    # Three-tier local agencies, ending on 30/6/2025.
    ended = {"valid_until": reform.DISTRICTS_LAST_DAY}
    district_agencies, commune_agencies = {}, {}
    districts = units.filter(level=Level.DISTRICT, parent=province).order_by("code")
    for fallback_index, district in enumerate(districts):
        index = data.DISTRICT_INDEX_BY_GSO.get(district.code, fallback_index)
        # The package types every district-level unit "huyện"; the city and towns are told by name.
        urban = district.name.startswith(("Thành phố", "Thị xã"))
        committee = upsert(
            code=data.agency_code("UBND_HUYEN", index), name=f"Ủy ban nhân dân {district.name}",
            name_en=f"People's Committee of {district.name}", short_name=f"UBND {district.name}",
            kind="UBND_HUYEN", level=Level.DISTRICT, area=district, parent=by_kind.get("UBND_TINH"), **ended,
        )
        district_agencies[district.code] = [committee]
        for division in data.DISTRICT_DIVISIONS:
            if data.division_exists(division["kind"], urban):
                district_agencies[district.code].append(upsert(
                    code=data.agency_code(division["kind"], index), name=f"{division['name']} {district.name}",
                    name_en=f"{division['name_en']}, {district.name}", short_name=division["name"],
                    kind=division["kind"], level=Level.DISTRICT, area=district, parent=committee, **ended,
                ))
        for commune_index, commune in enumerate(district.children.order_by("code")):
            commune_agencies[commune.code] = upsert(
                code=data.agency_code("UBND_XA", index, commune_index), name=f"Ủy ban nhân dân {commune.name}",
                name_en=f"People's Committee of {commune.name}", short_name=f"UBND {commune.name}",
                kind="UBND_XA", level=Level.COMMUNE, area=commune, parent=committee, **ended,
            )
    _two_tier_agencies_seed(province_code=province_code, upsert=upsert, by_kind=by_kind,
                            district_agencies=district_agencies, commune_agencies=commune_agencies)
    return counts


def _two_tier_agencies_seed(*, province_code, upsert, by_kind, district_agencies, commune_agencies):
    """The 2025 communes' people's committees and centres, and the successor links of the three-tier
    local agencies (a former commune's: the centre(s) of the commune(s) it went to; a district
    agency's: the centres of every commune its area went to). Skipped when the 2025 units are not loaded."""
    from procedures.demo_data import reorganisation as reform
    from procedures.divisions import commune_mergers

    units_2025 = {u.code: u for u in AdministrativeUnit.objects.filter(scheme=Scheme.TWO_TIER, level=Level.COMMUNE)}
    if not units_2025:
        return
    centres_of_former = {}
    for index, merger in enumerate(commune_mergers(province_code), start=1):
        unit = units_2025[merger.code]
        new = {"valid_from": reform.TWO_TIER_FROM, "level": Level.COMMUNE, "area": unit}
        committee = upsert(
            code=reform.commune_pc_code(index), name=f"Ủy ban nhân dân {unit.name}",
            name_en=f"People's Committee of {unit.name}", short_name=f"UBND {unit.name}",
            kind=reform.COMMUNE_PC_KIND, parent=by_kind.get("UBND_TINH"), **new,
        )
        centre = upsert(
            code=reform.commune_centre_code(index), name=f"Trung tâm Phục vụ hành chính công {unit.name}",
            name_en=f"Public Administration Service Centre of {unit.name}",
            short_name=f"Trung tâm PVHCC {unit.name}", kind=reform.COMMUNE_CENTRE_KIND, parent=committee,
            desk_address=f"Trụ sở Ủy ban nhân dân {unit.name}", **new,
        )
        for code in merger.former_codes:
            centres_of_former.setdefault(code, []).append(centre)
    for code, agency in commune_agencies.items():
        agency.successors.set(centres_of_former.get(code, []))
    for district_code, agencies in district_agencies.items():
        area = AdministrativeUnit.objects.filter(scheme=Scheme.THREE_TIER, level=Level.COMMUNE,
                                                 parent__code=district_code).values_list("code", flat=True)
        centres = {centre for code in area for centre in centres_of_former.get(code, [])}
        for agency in agencies:
            agency.successors.set(centres)


# --- virtual assistant ------------------------------------------------------------------------------
@transaction.atomic
def assistant_terms_seed(*, model=None):
    """Add the initial synonyms, question phrases, variant and action words (`procedures/assistant_terms.py`)
    that are missing.
    Idempotent; rows an administrator edited, switched off or added are left as they are. `model` is the
    historical model when a migration runs it. Returns the number of rows added."""
    from procedures.assistant import clear_cache
    from procedures.assistant_terms import ACTIONS, FILLERS, SYNONYMS, VARIANTS
    from procedures.models import AssistantTerm
    from procedures.search import fold

    model = model or AssistantTerm
    rows = ([("filler", phrase, "") for phrase in FILLERS] + [("synonym", p, m) for p, m in SYNONYMS]
            + [("variant", phrase, "") for phrase in VARIANTS] + [("action", phrase, "") for phrase in ACTIONS])
    # A migration's historical model knows only the kinds of its time (0004: synonyms and question phrases;
    # 0007 added variant and action words): the others are seeded by the migration that adds them.
    known_kinds = {value for value, _label in model._meta.get_field("kind").choices}
    rows = [row for row in rows if row[0] in known_kinds]
    existing = set(model.objects.values_list("kind", "phrase_key"))
    added = []
    for kind, phrase, meaning in rows:
        key = fold(phrase)
        if (kind, key) not in existing:
            existing.add((kind, key))
            added.append(model(kind=kind, phrase=phrase, meaning=meaning, phrase_key=key))
    model.objects.bulk_create(added)
    transaction.on_commit(clear_cache)
    return len(added)
