"""State changes of notifications: recording, editing, the confidential part and screening.

Each function runs in one transaction and writes its audit event inside it. Codes are checked against
the method version once more here, so that a caller other than the forms cannot store an unknown one.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import validate_personal_code
from audit.log import record
from audit.models import Action, Purpose
from core.concurrency import EditConflict, advance_revision
from core.dates import today
from method.content import MethodContent
from method.models import MethodVersion

from .models import Child, ChildIdentity, HouseholdMember, Notification, ScreeningDecision

NOTIFICATION_FIELDS = (
    "incident_date",
    "became_aware_on",
    "recorded_on",
    "notifying_body",
    "notifying_organisation",
    "outcome",
    "causes",
    "parallel_proceedings",
    "summary",
)
CHILD_FIELDS = (
    "pseudonym",
    "age_at_incident",
    "sex",
    "health_needs",
    "school_attendance",
    "legal_status",
    "known_to_other",
)
REFERENCE_PATTERN = re.compile(r"^TV-(\d{4})-(\d{4,})$")


class ScreeningRefused(Exception):
    """The notification has already been screened (or closed)."""


def _check_codes(content: MethodContent, data: dict[str, Any]) -> None:
    """Raise ValidationError naming each field whose code is not in the method version."""
    notification, child, household = data["notification"], data["child"], data.get("household", [])
    errors: dict[str, list[str]] = {}

    def check(field: str, vocabulary: str, values: list[str], *, allow_blank: bool = False) -> None:
        allowed = set(content.codes(vocabulary))
        for value in values:
            if (value == "" and allow_blank) or value in allowed:
                continue
            errors.setdefault(field, []).append(_("%(value)s is not in the method's list.") % {"value": value})

    check("outcome", "outcomes", [notification["outcome"]])
    if not notification.get("causes"):
        errors["causes"] = [_("Choose at least one cause.")]
    check("causes", "causes", list(notification.get("causes", [])))
    check("parallel_proceedings", "parallel_proceedings", list(notification.get("parallel_proceedings", [])))
    check("sex", "sex", [child["sex"]])
    check("school_attendance", "school_attendance", [child.get("school_attendance", "")], allow_blank=True)
    check("legal_status", "legal_status", [child.get("legal_status", "")], allow_blank=True)
    for member in household:
        check("relationship", "relationship", [member["relationship"]])
        check("risk_factors", "risk_factors", list(member.get("risk_factors", [])))
    incident, aware, recorded = (notification[name] for name in ("incident_date", "became_aware_on", "recorded_on"))
    if aware < incident:
        errors["became_aware_on"] = [_("The date the board became aware cannot be before the date of the incident.")]
    if recorded < aware:
        errors["recorded_on"] = [_("The date recorded cannot be before the date the board became aware.")]
    for name in ("incident_date", "became_aware_on", "recorded_on"):
        if notification[name] > today():
            errors[name] = [_("The date cannot be in the future.")]
    if not 0 <= int(child["age_at_incident"]) <= 17:
        errors["age_at_incident"] = [_("Enter an age from 0 to 17.")]
    if errors:
        raise ValidationError(errors)


def next_reference(year: int) -> str:
    """The next free reference of the year, TV-2026-0007."""
    prefix = f"TV-{year}-"
    numbers = [
        int(match.group(2))
        for reference in Notification.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
        if (match := REFERENCE_PATTERN.match(reference))
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _identity_values(identity: dict[str, str]) -> dict[str, str]:
    code = (identity.get("personal_code") or "").strip()
    if code:
        validate_personal_code(code)
    return {"personal_code": code, "name": (identity.get("name") or "").strip()}


def _save_identity(child: Child, identity: dict[str, str]) -> None:
    values = _identity_values(identity)
    if values["personal_code"] or values["name"]:
        ChildIdentity.objects.create(child=child, **values)


def _save_household(child: Child, household: list[dict[str, Any]]) -> None:
    child.household.all().delete()
    HouseholdMember.objects.bulk_create(
        HouseholdMember(
            child=child,
            relationship=member["relationship"],
            risk_factors=list(member.get("risk_factors", [])),
            note=member.get("note", ""),
        )
        for member in household
    )


def notification_record(*, data: dict[str, Any], acting_user: Any) -> Notification:
    """Record a notification with its child, confidential part and household, on the current method version.

    `data` holds `notification` (the fields of NOTIFICATION_FIELDS), `child` (CHILD_FIELDS and `known_to`,
    a list of organisations), `identity` (`personal_code`, `name`, both optional) and `household` (a list of
    `{relationship, risk_factors, note}`).
    """
    version = MethodVersion.objects.current()
    _check_codes(version.data, data)
    fields = {name: data["notification"].get(name) for name in NOTIFICATION_FIELDS}
    fields["parallel_proceedings"] = list(fields["parallel_proceedings"] or [])
    fields["summary"] = fields["summary"] or ""
    child_fields = {name: data["child"].get(name) or "" for name in CHILD_FIELDS}
    child_fields["age_at_incident"] = int(data["child"]["age_at_incident"])
    for attempt in range(5):
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    method_version=version,
                    reference=next_reference(fields["recorded_on"].year),
                    recorded_by=acting_user,
                    **fields,
                )
                child = Child.objects.create(notification=notification, **child_fields)
                child.known_to.set(data["child"].get("known_to") or [])
                _save_identity(child, data.get("identity") or {})
                _save_household(child, data.get("household") or [])
                record(
                    actor=acting_user,
                    action=Action.CREATE,
                    purpose=Purpose.COORDINATION,
                    obj=notification,
                    detail={"reference": notification.reference, "method_version": version.number},
                )
                return notification
        except IntegrityError:
            # Two coordinators took the same reference at once: try the next one.
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def notification_update(
    *, notification: Notification, data: dict[str, Any], revision: int | None, acting_user: Any
) -> None:
    """Save an edit made from `revision`. Raises EditConflict (with the notification as it is now) when the
    record changed in between; nothing is saved then.

    `data` is shaped as for `notification_record`, without `identity` (changed on the confidential page).
    """
    _check_codes(notification.method_version.data, data)
    fields = {name: data["notification"].get(name) for name in NOTIFICATION_FIELDS}
    fields["parallel_proceedings"] = list(fields["parallel_proceedings"] or [])
    fields["summary"] = fields["summary"] or ""
    child_fields = {name: data["child"].get(name) or "" for name in CHILD_FIELDS}
    child_fields["age_at_incident"] = int(data["child"]["age_at_incident"])
    with transaction.atomic():
        before = Notification.objects.select_related("child").get(pk=notification.pk)
        updated = revision is not None and Notification.objects.filter(pk=notification.pk, revision=revision).update(
            revision=F("revision") + 1, updated_at=timezone.now(), **fields
        )
        if not updated or revision is None:
            raise EditConflict(Notification.objects.select_related("child").get(pk=notification.pk))
        child = before.child
        changed = [name for name in NOTIFICATION_FIELDS if _value(before, name) != _value_of(fields[name])]
        changed += [f"child.{name}" for name in CHILD_FIELDS if getattr(child, name) != child_fields[name]]
        for name, value in child_fields.items():
            setattr(child, name, value)
        child.save(update_fields=list(CHILD_FIELDS))
        known_to = list(data["child"].get("known_to") or [])
        if {o.pk for o in known_to} != set(child.known_to.values_list("pk", flat=True)):
            changed.append("child.known_to")
        child.known_to.set(known_to)
        household = list(data.get("household") or [])
        stored = [
            {"relationship": m.relationship, "risk_factors": list(m.risk_factors), "note": m.note}
            for m in child.household.all()
        ]
        if stored != [
            {
                "relationship": m["relationship"],
                "risk_factors": list(m.get("risk_factors", [])),
                "note": m.get("note", ""),
            }
            for m in household
        ]:
            changed.append("household")
            _save_household(child, household)
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=Purpose.COORDINATION,
            obj=notification,
            detail={"changed": changed, "revision": revision + 1},
        )
    notification.refresh_from_db()


def _value(notification: Notification, name: str) -> Any:
    if name == "notifying_organisation":
        return notification.notifying_organisation_id
    return getattr(notification, name)


def _value_of(value: Any) -> Any:
    return getattr(value, "pk", value)


def child_identity_set(
    *, notification: Notification, personal_code: str, name: str, revision: int | None, acting_user: Any
) -> None:
    """Change the confidential part, if nobody saved it since `revision` was read (0: nobody ever had; else
    EditConflict with the part as it is now). Both empty removes the code and the name; the emptied part
    keeps its revision, so that a page opened before the removal cannot silently write over a later entry."""
    values = _identity_values({"personal_code": personal_code, "name": name})
    with transaction.atomic():
        identity, _created = ChildIdentity.objects.get_or_create(child=notification.child)
        new_revision = advance_revision(ChildIdentity, pk=identity.pk, revision=revision, **values)
        record(
            actor=acting_user,
            action=Action.UPDATE,
            purpose=Purpose.COORDINATION,
            obj=notification,
            detail={"part": "confidential", "revision": new_revision},
        )


def screening_decide(
    *, notification: Notification, answers: dict[str, str], decision: str, reasons: str, acting_user: Any
) -> ScreeningDecision:
    """Record the screening decision. A review decision opens a review; `no_review` closes the notification."""
    from reviews.services import review_open, review_type_for_decision

    content = notification.method_version.data
    checklist = content.codes("screening_checklist")
    errors: dict[str, list[str]] = {}
    if set(answers) != set(checklist) or any(
        value not in ScreeningDecision.Answer.values for value in answers.values()
    ):
        errors["answers"] = [_("Answer every question of the checklist: yes, no or unknown.")]
    if decision not in content.codes("screening_decisions"):
        errors["decision"] = [_("%(value)s is not in the method's list.") % {"value": decision}]
    if not reasons.strip():
        errors["reasons"] = [_("Give the reasons for the decision.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.status != Notification.Status.OPEN or ScreeningDecision.objects.filter(notification=locked).exists():
            raise ScreeningRefused
        screening = ScreeningDecision.objects.create(
            notification=locked,
            answers={code: answers[code] for code in checklist},
            decision=decision,
            reasons=reasons.strip(),
            decided_by=acting_user,
            decided_at=timezone.now(),
        )
        review_type = review_type_for_decision(content, decision)
        locked.status = Notification.Status.SCREENED if review_type else Notification.Status.CLOSED
        locked.revision += 1
        locked.save(update_fields=["status", "revision", "updated_at"])
        record(
            actor=acting_user,
            action=Action.CREATE,
            purpose=Purpose.COORDINATION,
            obj=screening,
            detail={"notification": locked.pk, "decision": decision},
        )
        if review_type:
            review_open(screening=screening, review_type=review_type, acting_user=acting_user)
    notification.refresh_from_db()
    return screening
