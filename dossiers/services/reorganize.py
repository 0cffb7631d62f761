"""Hand-over at a reorganisation (sắp xếp tổ chức): the open dossiers of agencies that ceased go to
their successors (issue 13 item 2; `manage.py reorganize --on DATE [--dry-run]`).

Rules:

- An agency **ceases on** the day after its `valid_until`; `reorganize --on D` handles every agency
  ceasing on or before D. Its successors are its `successors` in force on D (a successor that ceased
  too is followed to its own successors).
- A dossier is handed over when it is submitted and not yet received, or open (Status.open_statuses):
  drafts stay (their submission is refused with the successor's name), closed dossiers stay where
  they were handled.
- Its target is the one successor; where there are several (an agency split between several: a
  district division, a commune divided between two wards, Sở Lao động - Thương binh và Xã hội),
  the one that handles the dossier's procedure today, if exactly one does (e.g. a job-seeker
  dossier goes to Sở Nội vụ, not Sở Y tế). Otherwise the dossier is **ambiguous**: listed and left
  untouched, until a person decides (`--assign CODE=AGENCY_CODE`, one of the listed successors).
- A handed-over dossier keeps its code and its due date; the agency now handling it changes (and the
  receiving agency too if it was not yet received, so it is counted once, where it is taken in); one
  audit event `reorganize` ("Chuyển giao do sắp xếp tổ chức"), addressed to the applicant too. Its
  version is bumped so a page opened before refuses to act on it. An assignee with no role at the
  successor is unassigned (the successor's desk assigns again).
- Officers' memberships follow: an officer of a ceased agency with one successor gets the same role
  there (their membership of the former agency stays, for its history; it no longer acts on anything).
  Memberships of an agency with several successors are listed, untouched.
- Idempotent: a handed-over dossier is no longer at a ceased agency, a copied membership exists. Each
  dossier is handed over in its own transaction (row locked, re-checked), so a crash half-way leaves
  every dossier either moved or untouched.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from dossiers import lifecycle, national_sync
from dossiers.models import AgencyMembership, Dossier, Status
from procedures.models import Agency

__all__ = ["HandoverPlan", "ReorganizeError", "reorganize_plan", "reorganize_apply"]

HANDED_OVER = (Status.SUBMITTED, *Status.open_statuses())


class ReorganizeError(Exception):
    """A person's decision (`assignments`) that cannot apply; `message` is translated."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class HandoverPlan:
    day: object
    ceased: list = field(default_factory=list)  # agencies ceasing on or before `day`
    moves: list = field(default_factory=list)  # (dossier, from agency, to agency, decided by a person)
    ambiguous: list = field(default_factory=list)  # (dossier, agency, [candidate successors])
    memberships: list = field(default_factory=list)  # (membership, to agency) still to copy
    ambiguous_memberships: list = field(default_factory=list)  # (membership, [successors])


def successors_on(agency, day, _seen=None):
    """The agencies in force on `day` that took over from `agency` (following ceased successors)."""
    seen = _seen if _seen is not None else {agency.pk}
    found = []
    for successor in agency.successors.order_by("name"):
        if successor.pk in seen:
            continue
        seen.add(successor.pk)
        if successor.valid_until is not None and successor.valid_until < day:
            found.extend(successors_on(successor, day, seen))
        elif successor.valid_from is None or successor.valid_from <= day:
            found.append(successor)
    return found


def _target(dossier, candidates):
    if len(candidates) == 1:
        return candidates[0]
    handling = set(dossier.procedure.agencies.filter(pk__in=[a.pk for a in candidates]).values_list("pk", flat=True))
    narrowed = [a for a in candidates if a.pk in handling]
    return narrowed[0] if len(narrowed) == 1 else None


def reorganize_plan(*, day, assignments=None):
    """What `reorganize_apply` would do on `day`, writing nothing.

    `assignments` maps dossier codes to agency codes: a person's decision for an ambiguous dossier.
    Raises ReorganizeError when a decision names a dossier or an agency that does not fit.
    """
    assignments = dict(assignments or {})
    plan = HandoverPlan(day=day)
    plan.ceased = list(Agency.objects.filter(valid_until__lt=day).order_by("code"))
    successors = {agency.pk: successors_on(agency, day) for agency in plan.ceased}
    dossiers = (Dossier.objects.filter(handling_agency__in=plan.ceased, status__in=HANDED_OVER)
                .select_related("procedure", "handling_agency").order_by("code", "pk"))
    for dossier in dossiers:
        candidates = successors[dossier.handling_agency_id]
        decided = assignments.pop(dossier.code, None) if dossier.code else None
        if decided is not None:
            chosen = next((a for a in candidates if a.code == decided), None)
            if chosen is None:
                raise ReorganizeError(
                    _("Hồ sơ %(code)s: %(agency)s không phải là cơ quan kế thừa của %(former)s.")
                    % {"code": dossier.code, "agency": decided, "former": dossier.handling_agency.name})
            plan.moves.append((dossier, dossier.handling_agency, chosen, True))
            continue
        target = _target(dossier, candidates)
        if target is None:
            plan.ambiguous.append((dossier, dossier.handling_agency, candidates))
        else:
            plan.moves.append((dossier, dossier.handling_agency, target, False))
    if assignments:
        raise ReorganizeError(_("Không có hồ sơ đang giải quyết nào mang mã %(codes)s tại cơ quan đã thôi hoạt động.")
                              % {"codes": ", ".join(sorted(assignments))})
    memberships = AgencyMembership.objects.filter(agency__in=plan.ceased).select_related("user", "agency")
    for membership in memberships.order_by("agency__code", "user__email", "role"):
        targets = successors[membership.agency_id]
        if len(targets) != 1:
            plan.ambiguous_memberships.append((membership, targets))
        elif not AgencyMembership.objects.filter(user_id=membership.user_id, agency=targets[0],
                                                 role=membership.role).exists():
            plan.memberships.append((membership, targets[0]))
    return plan


def _hand_over(dossier, former, target, day):
    """Move one dossier in its own transaction; False when it changed meanwhile (left as it is)."""
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.handling_agency_id != former.pk or locked.status not in HANDED_OVER:
            return False
        locked.handling_agency = target
        if locked.status == Status.SUBMITTED:
            locked.receiving_agency = target
        unassigned = None
        if locked.assignee_id and not AgencyMembership.objects.filter(user_id=locked.assignee_id,
                                                                      agency=target).exists():
            unassigned, locked.assignee = locked.assignee_id, None
        locked.version += 1
        locked.save(update_fields=["handling_agency", "receiving_agency", "assignee", "version", "updated_at"])
        event = lifecycle.record(
            dossier=locked, action=lifecycle.Recorded.REORGANIZE, actor=None,
            comment=_("Chuyển giao do sắp xếp tổ chức: hồ sơ chuyển từ %(former)s sang %(target)s từ ngày "
                      "%(day)s; mã hồ sơ và hạn giải quyết giữ nguyên.")
            % {"former": former.name, "target": target.name, "day": day.strftime("%d/%m/%Y")},
            data={"from_agency": former.code, "to_agency": target.code, "on": day.isoformat(),
                  **({"unassigned": unassigned} if unassigned else {})},
        )
        # The national portal learns the new handling agency, in order after the dossier's status events.
        national_sync.record_status_change(dossier=locked, event=event, agency_changed=True)
    return True


def reorganize_apply(*, day, assignments=None):
    """Hand over as planned (see the module docstring). Returns the plan, with `moved` (dossiers moved
    now) and `skipped` (changed by someone meanwhile, left untouched) set."""
    plan = reorganize_plan(day=day, assignments=assignments)
    plan.moved, plan.skipped = [], []
    # Officers first, so an assignee who follows their agency keeps the dossier.
    with transaction.atomic():
        for membership, target in plan.memberships:
            AgencyMembership.objects.get_or_create(user_id=membership.user_id, agency=target, role=membership.role)
    for dossier, former, target, _decided in plan.moves:
        (plan.moved if _hand_over(dossier, former, target, day) else plan.skipped).append(dossier)
    return plan
