"""Open sessions: when both chief representatives agree, the table of a case (never a caucus)
is open to the members of the covered union, who watch it read-only.

- Each chief consents (``session_consent``); the second consent opens the session. Either
  chief closes it at once (``session_close``): every watcher is disconnected, in every
  process (bargaining.events.watch_state_changed).
- Members see the public face of each table event: the side that acted, not the negotiator,
  unless the case shows names (``Case.watch_shows_names``). They are counted, not listed.
- Who may watch: an active member of the case's union (the union that bargains for them)
  who has no other role in the case. Decided on connect with one cache read
  (``watch_access``); the decision is cached per user and case for ``DECISION_SECONDS``, the
  session's open/closed state until it changes.
"""

from __future__ import annotations

import asyncio
import time
import weakref

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from bargaining import events
from bargaining.minutes import event_summary, side_label
from bargaining.models import Audience, Case, CaseStatus, Event, Side
from bargaining.selectors import case_viewer
from bargaining.services import CommandResult, _require_chief, _require_status, _run, event_append
from unionhome.core import batching, roles
from unionhome.core.cache import shared_cache
from unionhome.core.errors import Conflict
from unionhome.membership.models import Membership, UnionStaff

DECISION_SECONDS = 300
STATE_SECONDS = 60  # a state read from the database; one stored on change is kept
CONSENT_FIELD = {Side.UNION: "watch_union_consent_at", Side.EMPLOYER: "watch_employer_consent_at"}
WATCH_STATUSES = (CaseStatus.ACTIVE, CaseStatus.SUSPENDED)


def watch_state(case: Case) -> dict:
    return {"open": case.watch_opened_at is not None}


def decision_key(case_id: int, user_id: int) -> str:
    return f"bargaining:watcher:{case_id}:{user_id}"


# --- writes ---------------------------------------------------------------------------------


def session_consent(*, case: Case, by, client_id: str = "") -> CommandResult:
    """A chief agrees to open the table to the union's members; the second chief opens it."""

    def body(case: Case, viewer) -> Event:
        side = _require_chief(viewer)
        _require_status(case, *WATCH_STATUSES)
        if case.watch_opened_at is not None:
            raise Conflict("session_open", _("The session is already open to members."))
        field = CONSENT_FIELD[side]
        if getattr(case, field) is not None:
            raise Conflict("already_consented", _("Your side has already agreed."))
        now = timezone.now()
        setattr(case, field, now)
        other = CONSENT_FIELD[Side.EMPLOYER if side == Side.UNION else Side.UNION]
        if getattr(case, other) is None:
            case.save(update_fields=[field])
            return event_append(
                case=case, kind="session.consented", actor=by, payload={"side": side}
            )
        case.watch_opened_at = now
        case.save(update_fields=[field, "watch_opened_at"])
        events.watch_state_changed(case.pk, watch_state(case))
        return event_append(case=case, kind="session.opened", actor=by, payload={"side": side})

    return _run(case=case, user=by, client_id=client_id, body=body)


def session_close(*, case: Case, by, client_id: str = "") -> CommandResult:
    """Either chief closes the session (or withdraws a consent) at once."""

    def body(case: Case, viewer) -> Event:
        side = _require_chief(viewer)
        was_open = case.watch_opened_at is not None
        if not was_open and not (case.watch_union_consent_at or case.watch_employer_consent_at):
            raise Conflict("session_closed", _("The session is not open to members."))
        case.watch_union_consent_at = case.watch_employer_consent_at = None
        case.watch_opened_at = None
        case.save(
            update_fields=["watch_union_consent_at", "watch_employer_consent_at", "watch_opened_at"]
        )
        if was_open:
            events.watch_state_changed(case.pk, watch_state(case))
        kind = "session.closed" if was_open else "session.consent_withdrawn"
        return event_append(case=case, kind=kind, actor=by, payload={"side": side})

    return _run(case=case, user=by, client_id=client_id, body=body)


# --- reads ----------------------------------------------------------------------------------


def may_watch(*, user, case: Case) -> bool:
    """An active member of the case's union with no other role in the case (participants
    use the room), while the session is open."""
    if case.watch_opened_at is None or not getattr(user, "is_authenticated", False):
        return False
    return _member_decision(user, case)


def _member_decision(user, case: Case) -> bool:
    """The part of ``may_watch`` that does not depend on the session being open (cached)."""
    if not getattr(user, "is_authenticated", False) or roles.mfa_missing(user):
        return False
    if case_viewer(user=user, case=case).can_see:
        return False
    membership = roles.active_membership(user)
    return membership is not None and membership.union_id == case.union_id


def member_decisions(*, case: Case, users: list) -> dict[int, bool]:
    """``_member_decision`` for many users of one case (a connect storm's cold decisions).

    A plain member (in no group, with no union staff link, neither staff nor superuser) is
    decided from three reads for the lot: for them MFA is never required and no union is
    staffed, so the rule comes down to "not seated in the case, not its recorder, an active
    member of its union" (one active membership per person: a database constraint). Anyone
    else goes through the one-user rule."""
    by_pk = {user.pk: user for user in users}
    ids = list(by_pk)
    User = get_user_model()
    special = set(User.groups.through.objects.filter(user_id__in=ids).values_list("user_id"))
    special |= set(UnionStaff.objects.filter(user_id__in=ids).values_list("user_id"))
    special = {row[0] for row in special}
    plain = [
        pk
        for pk, user in by_pk.items()
        if pk not in special
        and not getattr(user, "is_staff", False)
        and not getattr(user, "is_superuser", False)
        and getattr(user, "is_authenticated", False)
    ]
    decisions = {pk: _member_decision(user, case) for pk, user in by_pk.items() if pk not in plain}
    if plain:
        seated = set(
            case.representatives.filter(user_id__in=plain, active=True).values_list(
                "user_id", flat=True
            )
        )
        unions = dict(
            Membership.objects.filter(user_id__in=plain, status="active").values_list(
                "user_id", "union_id"
            )
        )
        for pk in plain:
            decisions[pk] = (
                pk not in seated and pk != case.recorder_id and unions.get(pk) == case.union_id
            )
    return decisions


def watch_access_many_from_db(wanted: dict[tuple[int, int], object]) -> dict[tuple, tuple]:
    """(member decision, session state) per (case id, user id) → user, from the database,
    stored for the next connect. A case that does not exist is (False, None)."""
    cases = Case.objects.in_bulk({case_id for case_id, _ in wanted})
    found: dict[tuple, tuple] = {}
    decided: dict[str, bool] = {}
    # The process-wide cache object: this runs for each storm (see shared_cache).
    shared = shared_cache()
    for case_id, case in cases.items():
        users = [user for (c, _), user in wanted.items() if c == case_id]
        state = watch_state(case)
        for user_id, decision in member_decisions(case=case, users=users).items():
            found[(case_id, user_id)] = (decision, state)
            decided[decision_key(case_id, user_id)] = decision
        # ``add``, not ``set``: a state read here just before a session closed must not
        # overwrite the closed state watch_state_changed stored after the commit.
        shared.add(events.watch_state_key(case_id), state, STATE_SECONDS)
    if decided:
        shared.set_many(decided, DECISION_SECONDS)
    return {key: found.get(key, (False, None)) for key in wanted}


def watch_access_from_db(case_id: int, user) -> tuple[bool, dict | None]:
    """(member decision, session state) from the database, stored for the next connect."""
    return watch_access_many_from_db({(case_id, user.pk): user})[(case_id, user.pk)]


# Decisions per cache read / database trip, and how long a storm's first socket waits for
# the others (see unionhome.core.batching).
ACCESS_BATCH = 500
ACCESS_GATHER_SECONDS = 0.002


async def _access_many(batch: dict[tuple[int, int], object]) -> dict[tuple, tuple]:
    """One cache round trip for all the sockets asking together; one database trip for the
    decisions (or states) it missed."""
    case_ids = {case_id for case_id, _ in batch}
    keys = [decision_key(c, u) for c, u in batch] + [events.watch_state_key(c) for c in case_ids]
    try:
        # Not ``aget_many``: that queues behind the database work of every other socket in
        # the one thread Django's sync code shares; a cache read needs no such order.
        # Not ``cache`` either: that is one client (and Redis connection) per socket task.
        found = await sync_to_async(shared_cache().get_many, thread_sensitive=False)(keys)
    except Exception:
        found = {}
    results, misses = {}, {}
    for (case_id, user_id), user in batch.items():
        decision = found.get(decision_key(case_id, user_id))
        state = found.get(events.watch_state_key(case_id))
        if decision is None or state is None:
            misses[(case_id, user_id)] = user
        else:
            results[(case_id, user_id)] = (decision, state)
    if misses:
        results.update(await database_sync_to_async(watch_access_many_from_db)(misses))
    return results


async def watch_access(case_id: int, user) -> bool:
    """May this user watch the case now? Asked together with the sockets connecting in the
    same moment: one cache round trip for them all on the common path."""
    gather = batching.on_loop(
        "watch_access",
        lambda: batching.Gather(
            _access_many, size=ACCESS_BATCH, wait=ACCESS_GATHER_SECONDS, default=(False, None)
        ),
    )
    decision, state = await gather.get((case_id, user.pk), user)
    return bool(decision and state and state.get("open"))


def public_events(*, case: Case, after: int = 0, limit: int | None = None) -> list[dict]:
    """The table events after ``after`` as watchers see them (public face)."""
    qs = (
        Event.objects.filter(case=case, seq__gt=after, audience=Audience.TABLE)
        .select_related("actor", "round")
        .order_by("seq")
    )
    if not case.watch_shows_names:
        qs = qs.exclude(kind__in=events.NAMING_KINDS)
    if limit:
        qs = qs[:limit]
    sides = dict(case.representatives.order_by("active", "id").values_list("user_id", "side"))
    frames = []
    for event in qs:
        frame = events.event_frame(event)
        if not case.watch_shows_names:
            side = event.payload.get("side") or sides.get(event.actor_id)
            frame = events.public_frame(frame, side)
        frames.append(frame)
    return frames


# How many (case, after) reads a process keeps for watchers resuming together.
SHARED_READS = 64


@database_sync_to_async
def _public_page(case_id: int, after: int, limit: int) -> list[tuple[int, str]] | None:
    """(seq, encoded public frame) of the table events after ``after``; None: no such case."""
    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return None
    return [
        (f["seq"], events.encode(f)) for f in public_events(case=case, after=after, limit=limit)
    ]


class SharedReplay:
    """Watchers reconnecting together (a network blip drops them all) ask for the same public
    events from the same point: one database read serves them all.

    A read may serve a socket only if it started after the socket joined the hub: events
    committed before the read are in it, and later ones reach the socket live (it was
    already in the hub), so nothing falls between the two."""

    def __init__(self) -> None:
        self.reads: dict[tuple[int, int, int], tuple[float, asyncio.Future]] = {}

    async def public_page(self, case_id: int, after: int, limit: int, joined_at: float):
        key = (case_id, after, limit)
        found = self.reads.get(key)
        if found is None or found[0] < joined_at:
            if len(self.reads) >= SHARED_READS:
                self.reads.pop(next(iter(self.reads)))
            task = asyncio.get_running_loop().create_task(_public_page(case_id, after, limit))
            found = self.reads[key] = (time.monotonic(), task)
            task.add_done_callback(lambda t, key=key, found=found: self._failed(key, found, t))
        # Shielded: one socket leaving must not cancel the read the others wait for.
        return await asyncio.shield(found[1])

    def _failed(self, key, entry, task: asyncio.Future) -> None:
        """A failed read (the database away) is not shared with later sockets."""
        if (task.cancelled() or task.exception() is not None) and self.reads.get(key) is entry:
            del self.reads[key]


_replays: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def shared_replay() -> SharedReplay:
    """The shared reads of the running event loop (tests run one loop per test)."""
    loop = asyncio.get_running_loop()
    found = _replays.get(loop)
    if found is None:
        found = _replays[loop] = SharedReplay()
    return found


def cases_open_to(*, user) -> list[Case]:
    """The open sessions this member may watch (for the case list)."""
    membership = roles.active_membership(user)
    if membership is None:
        return []
    cases = Case.objects.filter(union_id=membership.union_id, watch_opened_at__isnull=False)
    return [case for case in cases.select_related("union") if may_watch(user=user, case=case)]


def public_lines(*, case: Case, limit: int = 100) -> list[dict]:
    """The last table events as lines of the watch page (oldest first)."""
    frames = public_events(case=case)
    frames = frames[-limit:] if limit else frames
    titles = dict(case.items.values_list("id", "title"))
    seqs = [f["seq"] for f in frames]
    by_seq = {e.seq: e for e in Event.objects.filter(case=case, seq__in=seqs)}
    lines = []
    for frame in frames:
        event = by_seq[frame["seq"]]
        actor = frame.get("actor") or {}
        who = actor.get("name") or side_label(actor.get("side") or frame.get("side"))
        lines.append(
            {
                "seq": frame["seq"],
                "at": event.created_at,
                "who": who,
                "text": event_summary(event, titles),
            }
        )
    return lines
