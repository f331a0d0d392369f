"""The publication workflow: draft -> in review -> published -> withdrawn.

Every change of a record's publication status goes through these functions, from the admin
and from the shell alike. Each checks who may do it, refuses with messages that say what is
missing, and records the change (with its author) in the record's history.

Only a reviewer (the `cases.publish_<model>` permission) publishes or withdraws, and never a
version whose last content change was their own: four eyes. A published record does not
change: to correct it, a reviewer withdraws it with a public reason, staff correct it, and
another reviewer publishes the correction. So nothing reaches the public unreviewed.
"""

from collections.abc import Callable, Iterable
from itertools import pairwise

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import (
    AccountabilityAction,
    ActionEvent,
    ActionLifecycle,
    ActionSubject,
    Actor,
    ActorIdentifier,
    ActorName,
    Charge,
    Citation,
    Incident,
    Instrument,
    Involvement,
    LegalQualification,
    Membership,
    Provision,
    PublicationStatus,
    SecurityCouncilReferral,
    Source,
    SourceCapture,
    TreatyEvent,
    VictimCount,
)
from cases.models.actions import lifecycle_problems
from cases.models.base import Publishable
from cases.models.law import written_date
from cases.search_names import incidents_naming, search_names

Status = PublicationStatus

# A status change is not an edit of the content: four eyes look past these fields.
WORKFLOW_FIELDS = ("publication_status", "withdrawal_reason", "updated_at", "updated_by")

SUBMITTABLE_FROM = (Status.DRAFT, Status.WITHDRAWN)
PUBLISHABLE_FROM = (Status.DRAFT, Status.IN_REVIEW)


# The rows that are part of a record's content, each with the path from the row to the record.
# They are locked while the record is published, and an edit of one counts as an edit of the
# record in the four-eyes check.
PARTS: dict[type[models.Model], tuple[tuple[type[models.Model], str], ...]] = {
    Incident: (
        (VictimCount, "incident"),
        (Involvement, "incident"),
        (LegalQualification, "incident"),
        (Citation, "incident"),
        (Citation, "involvement__incident"),
        (Citation, "legal_qualification__incident"),
    ),
    AccountabilityAction: (
        (ActionSubject, "action"),
        (Charge, "action"),
        (ActionEvent, "action"),
        (Citation, "action"),
        (Citation, "charge__action"),
        (Citation, "action_event__action"),
    ),
    Actor: ((ActorName, "actor"), (ActorIdentifier, "actor"), (Membership, "member")),
    Instrument: ((Provision, "instrument"),),
    Source: ((SourceCapture, "source"),),
    # Facts without a status of their own: the public sees them (and their citations) as
    # soon as they exist, so they are always live; edits wait in a change set.
    TreatyEvent: ((Citation, "treaty_event"),),
    SecurityCouncilReferral: ((Citation, "referral"),),
}


def is_live(record) -> bool:
    """Whether the public sees the record as it is now: a published record, or a fact."""
    return getattr(record, "publication_status", Status.PUBLISHED) == Status.PUBLISHED


def records_of(model: type[models.Model], value_of: Callable[[str], object]) -> list[Publishable]:
    """The records whose content a row of `model` is part of.

    `value_of(field)` gives the row's value of a field: its attribute, or a form's cleaned
    value before anything is saved.
    """
    records = []
    for parts in PARTS.values():
        for part_model, path in parts:
            if part_model is not model:
                continue
            first, *rest = path.split("__")
            record = value_of(first)
            for name in rest:
                record = getattr(record, name) if record is not None else None
            if record is not None:
                records.append(record)
    return records


def refuse_changes_to_published(records: list[Publishable]) -> None:
    for record in records:
        if is_live(record):
            raise ValidationError(
                gettext(
                    "“%(record)s” is live: change this on its own page, where the edit waits "
                    "in your change set until another reviewer approves it."
                )
                % {"record": record}
            )


def publish_permission(model: type[Publishable]) -> str:
    return f"cases.publish_{model._meta.model_name}"


def can_publish(user: AbstractBaseUser, model: type[Publishable]) -> bool:
    return user.has_perm(publish_permission(model))


def last_editor(record: Publishable) -> AbstractBaseUser | None:
    """Who made the last change to the record's content (not to its status), its parts included.

    Read from the history, newest first: the record's versions that changed more than the
    status, and every created, changed or deleted part (a citation, a qualification, ...).
    A record without history (bulk-loaded) falls back to updated_by.
    """
    changes = [_last_own_change(record)]
    for model, path in PARTS.get(type(record), ()):
        changes.append(
            model.history.filter(**{f"{path}_id": record.pk})
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
            .first()
        )
    changes = [version for version in changes if version is not None]
    if not changes:
        return record.updated_by
    return max(changes, key=lambda version: version.history_date).history_user


def _last_own_change(record: Publishable):
    versions = list(record.history.select_related("history_user").order_by("-history_id")[:100])
    for newer, older in pairwise(versions):
        if newer.diff_against(older, excluded_fields=WORKFLOW_FIELDS).changes:
            return newer
    return versions[-1] if versions else None


def quality_problems(record: Publishable) -> list[str]:
    """What a record lacks before the public may see it; empty when it is ready."""
    problems = []
    if isinstance(record, Incident):
        citations = record.citations.all()
        if not citations.exists():
            problems.append(gettext("Cite at least one source for the incident."))
        elif not citations.filter(source__in=Source.objects.public()).exists():
            problems.append(
                gettext("None of the incident's cited sources is published: publish one.")
            )
        if not (record.legal_qualifications.exists() or record.categories.exists()):
            problems.append(
                gettext("Give a legal qualification (a provision) or a violation category.")
            )
    elif isinstance(record, AccountabilityAction):
        if not record.issuing_body.is_public:
            problems.append(
                gettext("Publish the issuing body (%(body)s) first.")
                % {"body": record.issuing_body}
            )
        if not (record.issued_on or record.announced_on or record.applied_on):
            problems.append(gettext("Give a date: when it was issued, announced or applied for."))
        if not record.subject_links.exists():
            problems.append(gettext("Name at least one subject (who the action is directed at)."))
        if not record.citations.exists():
            problems.append(gettext("Cite at least one source for the action."))
    return problems


def save_status(record: Publishable, user: AbstractBaseUser, status: str, reason: str) -> None:
    record.publication_status = status
    record.withdrawal_reason = reason
    record.updated_by = user
    record._history_user = user  # the history names the person, not the request
    record.save(
        update_fields=["publication_status", "withdrawal_reason", "updated_by", "updated_at"]
    )
    # The public search document of incidents holds the names of public actors, public
    # instruments' provisions and public actions: it follows their status.
    if isinstance(record, Actor):
        refresh_search_names(actors=[record.pk])
    elif isinstance(record, Instrument):
        refresh_search_names(instruments=[record.pk])
    elif isinstance(record, AccountabilityAction):
        refresh_search_names(actions=[record.pk])


def _refuse_unless(record: Publishable, allowed: tuple[str, ...], refusal: str) -> None:
    """refusal: a whole sentence with the placeholders %(record)s and %(status)s."""
    if record.publication_status not in allowed:
        raise ValidationError(
            refusal % {"record": record, "status": record.get_publication_status_display().lower()}
        )


@transaction.atomic
def submit_for_review(*, record: Publishable, user: AbstractBaseUser) -> Publishable:
    """A researcher hands a draft (or a withdrawn record, corrected) to the reviewers."""
    if not user.has_perm(f"cases.change_{record._meta.model_name}"):
        raise PermissionDenied(
            gettext("You may not change %(records)s.")
            % {"records": record._meta.verbose_name_plural}
        )
    _refuse_unless(
        record,
        SUBMITTABLE_FROM,
        gettext("“%(record)s” is %(status)s: it cannot be submitted for review."),
    )
    save_status(record, user, Status.IN_REVIEW, "")
    return record


@transaction.atomic
def return_to_draft(*, record: Publishable, reviewer: AbstractBaseUser) -> Publishable:
    """A reviewer sends a record in review back for more work."""
    if not can_publish(reviewer, type(record)):
        raise PermissionDenied(_("Only a reviewer can send a record back to draft."))
    _refuse_unless(
        record,
        (Status.IN_REVIEW,),
        gettext("“%(record)s” is %(status)s: it cannot be sent back to draft."),
    )
    save_status(record, reviewer, Status.DRAFT, "")
    return record


@transaction.atomic
def publish(*, record: Publishable, reviewer: AbstractBaseUser) -> Publishable:
    """Make a record public, after a second person's review and the data-quality checks."""
    if not can_publish(reviewer, type(record)):
        raise PermissionDenied(_("Only a reviewer can publish."))
    _refuse_unless(
        record, PUBLISHABLE_FROM, gettext("“%(record)s” is %(status)s: it cannot be published.")
    )
    editor = last_editor(record)
    if editor is not None and editor.pk == reviewer.pk:
        raise PermissionDenied(
            gettext("You made the last change to “%(record)s”: another reviewer must publish it.")
            % {"record": record}
        )
    problems = quality_problems(record)
    if problems:
        first = gettext("“%(record)s” cannot be published yet: %(problem)s") % {
            "record": record,
            "problem": problems[0],
        }
        raise ValidationError([first, *problems[1:]])
    save_status(record, reviewer, Status.PUBLISHED, "")
    return record


@transaction.atomic
def withdraw(*, record: Publishable, reviewer: AbstractBaseUser, reason: str) -> Publishable:
    """Take a published record off every public surface; its page then shows the reason."""
    if not can_publish(reviewer, type(record)):
        raise PermissionDenied(_("Only a reviewer can withdraw."))
    _refuse_unless(
        record, (Status.PUBLISHED,), gettext("“%(record)s” is %(status)s: it cannot be withdrawn.")
    )
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"withdrawal_reason": _("Say why the record is withdrawn: the public sees it.")}
        )
    save_status(record, reviewer, Status.WITHDRAWN, reason)
    return record


@transaction.atomic
def update_action_lifecycles(
    *,
    actions: Iterable[AccountabilityAction] | models.QuerySet,
    user: AbstractBaseUser | None = None,
) -> dict[AccountabilityAction, dict[str, tuple[object, object]]]:
    """Write on each action the status, seal status and dates its events give
    (ActionLifecycle.derive); an action without events keeps them as entered.

    Every write path calls it once an action's events and subjects are saved: the admin,
    the importer, the demo loader. Three queries read the actions, their events and their
    subjects, whatever their number; only an action whose values change is saved, with a
    version in its history by `user`. Refuses, naming the action and the event, events out
    of order (nothing before the application, nothing before the issue that presupposes
    it): their dates would break the action's own order of dates.

    Returns each action it changed with the changes: {field: (before, after)}.
    """
    if isinstance(actions, models.QuerySet):
        chosen = AccountabilityAction.objects.filter(pk__in=actions.values("pk"))
    else:
        chosen = AccountabilityAction.objects.filter(pk__in=[action.pk for action in actions])
    chosen = chosen.filter(models.Exists(ActionEvent.objects.filter(action=models.OuterRef("pk"))))
    rows = list(chosen.order_by("pk"))
    if not rows:
        return {}
    events: dict[int, list[ActionEvent]] = {action.pk: [] for action in rows}
    for event in ActionEvent.objects.filter(action__in=chosen).order_by("pk"):
        events[event.action_id].append(event)
    subjects: dict[int, set[int]] = {action.pk: set() for action in rows}
    for action_id, actor_id in ActionSubject.objects.filter(action__in=chosen).values_list(
        "action_id", "actor_id"
    ):
        subjects[action_id].add(actor_id)

    refusals = []
    for action in rows:
        own = events[action.pk]
        for index, _event, message in lifecycle_problems(own, None):
            event = own[index]
            refusals.append(
                gettext("“%(action)s”: the event “%(event)s” of %(date)s (id %(id)s): %(problem)s")
                % {
                    "action": action,
                    "event": event.get_kind_display(),
                    "date": written_date(event.occurred_on),
                    "id": event.external_id or event.pk,
                    "problem": message,
                }
            )
    if refusals:
        raise ValidationError(refusals)

    changed = {}
    for action in rows:
        lifecycle = ActionLifecycle.derive(
            events=events[action.pk], subject_ids=subjects[action.pk]
        )
        changes = {
            name: (getattr(action, name), value)
            for name, value in lifecycle.values().items()
            if getattr(action, name) != value
        }
        if not changes:
            continue
        for name, (_before, value) in changes.items():
            setattr(action, name, value)
        fields = [*changes, "updated_at"]
        if user is not None:
            action.updated_by = user
            action._history_user = user
            fields.append("updated_by")
        action.save(update_fields=fields)
        changed[action] = changes
    return changed


SEARCH_NAMES_CHUNK = 2000


@transaction.atomic
def refresh_search_names(
    *,
    incidents: Iterable[int] | models.QuerySet = (),
    states: Iterable[str] = (),
    actors: Iterable[int] = (),
    instruments: Iterable[int] = (),
    provisions: Iterable[int] = (),
    categories: Iterable[int] = (),
    actions: Iterable[int] = (),
) -> int:
    """Bring Incident.search_names up to date for the given incidents and every incident
    naming one of the given rows (by id; a state by code), after they were written,
    renamed, published, hidden or deleted.

    The one service that keeps the search document current: the admin, the workflow, the
    importer, the demo loader and the generator call it (or, for incidents they are
    writing, the same cases.search_names.Names). The text is computed by
    cases.search_names.search_names(), 2,000 incidents at a time in a fixed number of
    queries; only incidents whose text changes are written (no history version, no new
    updated_at: it is derived). Returns how many were written.
    """
    if isinstance(incidents, models.QuerySet):
        incidents = incidents.values("pk")
    condition = incidents_naming(
        incidents=incidents,
        states=states,
        actors=actors,
        instruments=instruments,
        provisions=provisions,
        categories=categories,
        actions=actions,
    )
    ids = list(Incident.objects.filter(condition).order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(ids), SEARCH_NAMES_CHUNK):
        chunk = ids[start : start + SEARCH_NAMES_CHUNK]
        texts = search_names(chunk)
        current = Incident.objects.filter(pk__in=chunk).values_list("pk", "search_names")
        stale = [
            Incident(pk=pk, search_names=texts[pk]) for pk, text in current if text != texts[pk]
        ]
        if stale:
            Incident.objects.bulk_update(stale, ["search_names"], batch_size=500)
            written += len(stale)
    return written
