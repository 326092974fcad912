"""Runs the permission matrix: the roles, the routes found in the URL configuration and the API
schema, the path parameters filled from union A's demo objects, and one request per route and
role. The expected outcomes are data, in ``permission_matrix.py``.

Record what the product does today (to review before writing it down as expected): run the
matrix test with ``MATRIX_RECORD=<file>``.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import re
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

ROLES = (
    "anon",
    "member_a",
    "member_b",
    "staff_a",
    "staff_b",
    "federation",
    "union_neg",
    "employer_neg",
    "observer",
    "volunteer",
)

# Routes the matrix does not request, each with the reason.
NOT_REQUESTED = {
    "api-v1:api-root": "the API's index (a redirect to the docs)",
    "wagtailadmin_error_test": "Wagtail's deliberate 500 page for staff",
    # Wagtail answers 500 for a revision that does not exist; the demo has no page revision
    # to revert to.
    "wagtailadmin_pages:revisions_revert": "needs a page revision",
}


@dataclass
class Route:
    key: str  # "<url name>" for pages, "<METHOD> <api path>" for the API
    path: str  # the concrete path requested
    method: str = "GET"
    body: dict | None = None


def build_roles(ctx: dict) -> dict:
    """The ten roles: the demo's people plus a union B with a member and a staff member."""
    from unionhome.core import roles
    from unionhome.core.demo import ensure_user
    from unionhome.membership.models import Membership, Union, UnionStaff

    groups = ctx["groups"]
    union_b, _ = Union.objects.get_or_create(
        name="矩阵测试乙工会",
        defaults={"kind": "industry", "parent": ctx["federation"], "name_en": "Union B"},
    )
    member_b = ensure_user("matrix_member_b", name="乙会员", phone="13811110001")
    Membership.objects.get_or_create(
        user=member_b,
        union=union_b,
        status="active",
        defaults={"member_no": "B000001", "full_name": "乙会员", "phone": "+8613811110001"},
    )
    staff_b = ensure_user(
        "matrix_staff_b",
        name="乙干事",
        phone="13811110002",
        is_staff=True,
        groups=[groups[roles.UNION_STAFF]],
    )
    UnionStaff.objects.get_or_create(union=union_b, user=staff_b, defaults={"title": "干事"})
    # An observer: staff of the district above union A, in no team of the case; sees A's
    # case read-only (bargaining.selectors.case_viewer).
    observer = ensure_user(
        "matrix_observer",
        name="区总观察员",
        phone="13811110003",
        is_staff=True,
        groups=[groups[roles.UNION_STAFF]],
    )
    UnionStaff.objects.get_or_create(union=ctx["district"], user=observer, defaults={"title": "x"})
    ctx["union_b"] = union_b
    return {
        "anon": None,
        "member_a": ctx["riders"][0],
        "member_b": member_b,
        "staff_a": ctx["union_admin"],
        "staff_b": staff_b,
        "federation": ctx["admin"],
        "union_neg": ctx["union_side"][0],
        "employer_neg": ctx["platform_side"][0],
        "observer": observer,
        "volunteer": ctx["volunteers"][0],
    }


# --- path parameters ---------------------------------------------------------------------

PARAM_MODELS = {
    "union_id": "unionhome.Union",
    "membership_id": "unionhome.Membership",
    "transfer_id": "unionhome.Transfer",
    "ballot_id": "ballots.Ballot",
    "case_id": "bargaining.Case",
    "item_id": "bargaining.AgendaItem",
    "booking_id": "legalaid.Booking",
    "attachment_id": "legalaid.Attachment",
    "file_id": "care.HardshipFile",
    "document_id": "care.HardshipDocument",
    "campaign_id": "care.WarmthCampaign",
    "activity_id": "care.Activity",
    "registration_id": "care.Registration",
    "complaint_id": "complaints.Complaint",
    "evidence_id": "complaints.Evidence",
    "consultation_id": "consultations.Consultation",
    "station_id": "care.CampaignStation",
    "code_id": "unionhome.JoinCode",
    "page_id": "wagtailcore.Page",
}

# ``pk`` of a page, by the namespace or name prefix of its URL name.
PK_MODELS = {
    "unionhome:transfer_cancel": "unionhome.Transfer",
    "unionhome:union": "unionhome.Union",
    "ballots:": "ballots.Ballot",
    "bargaining:": "bargaining.Case",
    "legalaid:attachment": "legalaid.Attachment",
    "legalaid:": "legalaid.Booking",
    "care:document": "care.HardshipDocument",
    "care:staff_file": "care.HardshipFile",
    "care:activity_register": "care.Activity",
    "care:staff_activity": "care.Activity",
    "care:registration_cancel": "care.Registration",
    "complaints:": "complaints.Complaint",
    "consultations:": "consultations.Consultation",
}


def _model(label: str):
    app_label, name = label.split(".")
    return apps.get_model(app_label, name)


def pick(model, ctx) -> int | None:
    """A demo object of union A: the first member's own if the model has a member or user,
    else one of union A (or one linked to its case), else the first."""
    qs = model._default_manager.order_by("pk")
    names = {f.name for f in model._meta.get_fields()}
    rider = ctx["riders"][0]
    for owner in ("member", "user"):
        if owner in names and qs.filter(**{owner: rider}).exists():
            return qs.filter(**{owner: rider}).values_list("pk", flat=True).first()
    if model._meta.label == "unionhome.Union":
        return ctx["union"].pk
    if "union" in names and qs.filter(union=ctx["union"]).exists():
        return qs.filter(union=ctx["union"]).values_list("pk", flat=True).first()
    if "case" in names and qs.filter(case=ctx["case"]).exists():
        return qs.filter(case=ctx["case"]).values_list("pk", flat=True).first()
    return qs.values_list("pk", flat=True).first()


def token_for(name: str, ctx) -> str:
    from unionhome.membership import tokens
    from unionhome.membership.models import JoinCode, Membership

    if name.startswith("unionhome:join"):
        code = JoinCode.objects.filter(union=ctx["union"]).first()
        return tokens.make_join_token(code.pk, code.version) if code else "no-such-token"
    if name == "unionhome:verify_card":
        card = Membership.objects.filter(user=ctx["riders"][0], status="active").first()
        return tokens.make_card_token(card.pk, card.member_no)
    return "no-such-token"


ACTIONS = {
    "bargaining:command": "round_close",
    "bargaining:item_command": "accept",
    "contracts:action": "sign",
    "complaints:action": "assign",
    "consultations:action": "opinion",
}


# --- routes ------------------------------------------------------------------------------


def walk(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace + (pattern.namespace + ":" if pattern.namespace else "")
            yield from walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = namespace + pattern.name if pattern.name else None
            yield prefix + str(pattern.pattern), name, pattern


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)|\([^)]*\)|\^|\$")


def _fill(route: str, name: str, pattern, ctx) -> str:
    """The concrete path; a parameter with no demo object to point at is 0 (no such object)."""

    def value(match):
        if match.group(0) in ("^", "$"):
            return ""
        param = match.group(2) or match.group(3)
        if param is None:
            return "0"  # an unnamed regular-expression group
        if param in PARAM_MODELS:
            found = pick(_model(PARAM_MODELS[param]), ctx)
        elif param == "pk":
            found = _pk_for(name, pattern, ctx)
        elif param in ("token", "key", "uidb36"):
            found = token_for(name, ctx)
        elif param == "action":
            found = ACTIONS.get(name, "x")
        else:
            found = None
        return "0" if found is None else str(found)

    return "/" + PARAM.sub(value, route)


def _pk_for(name: str, pattern, ctx):
    for prefix, label in PK_MODELS.items():
        if name.startswith(prefix):
            return pick(_model(label), ctx)
    model = (getattr(pattern.callback, "view_initkwargs", None) or {}).get("model")
    if model is None:
        model = getattr(getattr(pattern.callback, "view_class", None), "model", None)
    if isinstance(model, type) and hasattr(model, "_meta"):
        return pick(model, ctx)
    return None


def page_routes(ctx) -> list[Route]:
    """Every named URL outside the API (pages, admin, allauth), with its path filled."""
    routes = []
    for route, name, pattern in walk():
        if not name or name.startswith("api-v1:") or name in NOT_REQUESTED:
            continue
        routes.append(Route(key=name, path=_fill(route, name, pattern, ctx)))
    return routes


def api_routes(client: Client, ctx) -> list[Route]:
    """Every path and method of the API's OpenAPI schema; bodies made from the schema."""
    schema = client.get("/api/v1/openapi.json").json()
    routes = []
    for api_path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method.upper() not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                continue
            path = re.sub(
                r"\{(\w+)\}",
                lambda m: str(pick(_model(PARAM_MODELS[m.group(1)]), ctx) or 0),
                api_path,
            )
            routes.append(
                Route(
                    key=f"{method.upper()} {api_path}",
                    path=path,
                    method=method.upper(),
                    body=_body(operation, schema, ctx),
                )
            )
    return routes


def _resolve(ref_or_schema, schema):
    while "$ref" in ref_or_schema:
        ref_or_schema = schema["components"]["schemas"][ref_or_schema["$ref"].split("/")[-1]]
    return ref_or_schema


def _example(prop: dict, name: str, schema, ctx):
    prop = _resolve(prop, schema)
    if "anyOf" in prop:
        prop = _resolve(prop["anyOf"][0], schema)
    if "enum" in prop:
        return prop["enum"][0]
    kind = prop.get("type")
    if kind == "integer":
        model = PARAM_MODELS.get(name) or PARAM_MODELS.get(f"{name}_id")
        return (pick(_model(model), ctx) if model else None) or 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "object":
        return {}
    fmt = prop.get("format")
    # Relative to the clock, never a fixed day that expires: dates are today (rules want dates
    # of things done, such as visits, not in the future), times a day ahead (rules want
    # meetings and deadlines in the future).
    if fmt == "date":
        return timezone.localdate().isoformat()
    if fmt == "date-time":
        return (timezone.localtime() + dt.timedelta(days=1)).replace(microsecond=0).isoformat()
    return "x"


def _body(operation, schema, ctx) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {})
    media = content.get("application/json")
    if not media:
        return None
    body_schema = _resolve(media["schema"], schema)
    props = body_schema.get("properties", {})
    return {
        name: _example(prop, name, schema, ctx)
        for name, prop in props.items()
        if name in body_schema.get("required", [])
    }


# --- requests ----------------------------------------------------------------------------


def outcome(response) -> str:
    """One word per response: the status code; ``login`` for a redirect to a login page."""
    code = response.status_code
    if code in (301, 302, 303):
        return "login" if "login" in response.get("Location", "") else str(code)
    return str(code)


def request(client: Client, route: Route) -> str:
    # Every request runs in a transaction that is rolled back: a write of one role does not
    # change what the next role finds. The cookies are put back too (Wagtail's admin logout
    # deletes the session cookie even when it refuses a GET).
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    with transaction.atomic():
        if route.method == "GET":
            response = client.get(route.path)
        else:
            response = client.generic(
                route.method,
                route.path,
                data=json.dumps(route.body or {}),
                content_type="application/json",
            )
        transaction.set_rollback(True)
    client.cookies = cookies
    return outcome(response)


def clients(users: dict) -> dict[str, Client]:
    result = {}
    for role, user in users.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        result[role] = client
    return result


def lookup(table: dict, key: str):
    """The entry for a key: exact, else the longest matching glob."""
    if key in table:
        return table[key]
    matches = [pattern for pattern in table if fnmatch.fnmatchcase(key, pattern)]
    if not matches:
        return None
    return table[max(matches, key=len)]


# --- WebSocket ---------------------------------------------------------------------------
# The bargaining socket (bargaining/routing.py), driven in process against the real ASGI
# application. One socket per role and scenario; each command starts from the demo's state
# (its writes are rolled back before the next one). Keys of the WS table:
#   "connect"          the browser's way in: the session cookie, the page's own Origin
#   "auth token"       the app's way in: no Origin, no cookie, an ``auth`` frame with a token
#   "resume", "<command> [<room>]"   frames on the cookie socket
#   "watch ..."        the same with the table open to members (a watched session)
# One word per role: ``ready:<union|employer|observer|watcher>``, ``open`` (accepted, waiting
# for ``auth``), ``close:<code>``, ``resumed``, ``ack``, ``error:<code>``, or ``-`` for a frame
# that could not be sent because the socket was already closed.

# The route and the function that probes it; a new WebSocket route fails the test by name.
SOCKET_PROBES = {"ws/bargaining/<int:case_id>/": "bargaining"}


def socket_routes() -> list[str]:
    from bargaining.routing import websocket_urlpatterns

    return [str(pattern.pattern) for pattern in websocket_urlpatterns]


def _tentative_item(case):
    from bargaining.models import ItemStatus

    return case.items.filter(status=ItemStatus.TENTATIVE).order_by("pk").first()


def _pay_item(case):
    return case.items.get(topic="pay")


def _close_round(case) -> None:
    """Before ``round.open``: no round open (the demo keeps round 2 open)."""
    from django.utils import timezone

    from bargaining.models import RoundStatus

    case.rounds.filter(status=RoundStatus.OPEN).update(
        status=RoundStatus.CLOSED, closed_at=timezone.now()
    )


# Every frame of each command: (key, frame fields, setup run in the command's transaction).
# Frames are ones a representative of either side could send successfully, so what differs
# by role is the permission, not the input.
def command_frames(case) -> dict[str, list[tuple[str, dict, object]]]:
    pay = _pay_item(case)
    tentative = _tentative_item(case)
    return {
        "offer.submit": [("offer.submit", {"item": pay.pk, "value": "8.20"}, None)],
        "item.accept": [("item.accept", {"item": pay.pk}, None)],
        "item.reopen": [("item.reopen", {"item": tentative.pk if tentative else 0}, None)],
        "chat.send": [
            ("chat.send table", {"room": "table", "text": "x"}, None),
            ("chat.send caucus", {"room": "caucus", "text": "x"}, None),
        ],
        "round.close": [("round.close", {}, None)],
        "round.open": [("round.open", {}, _close_round)],
    }


def socket_frames(case) -> list[tuple[str, dict, object]]:
    """(key, frame, setup) for every command of bargaining.consumers.COMMANDS. A command
    without frames here is still sent (as a bare frame), so its key shows up unexpected."""
    from bargaining.consumers import COMMANDS

    known = command_frames(case)
    frames = []
    for command in sorted(COMMANDS):
        for key, fields, setup in known.get(command, [(command, {}, None)]):
            frames.append((key, {"type": command, **fields}, setup))
    return frames


class _Rollback:
    """A transaction opened and rolled back from async code, in the thread that owns the
    database connection (sync_to_async, thread-sensitive)."""

    def __init__(self, setup=None, *args):
        self.block = transaction.atomic()
        self.setup, self.args = setup, args

    def enter(self) -> None:
        self.block.__enter__()
        if self.setup is not None:
            self.setup(*self.args)

    def leave(self) -> None:
        transaction.set_rollback(True)
        self.block.__exit__(None, None, None)


async def _next(communicator, client_id=None, wait=3.0):
    """The next frame that answers (skipping presence and events): a dict, or a close code."""
    while True:
        # receive_nothing, not a receive_output timeout: that would cancel the consumer.
        if await communicator.receive_nothing(timeout=wait):
            return None
        message = await communicator.receive_output()
        if message["type"] == "websocket.close":
            return message.get("code", 1000)
        if message["type"] != "websocket.send":
            continue
        frame = json.loads(message["text"])
        if frame.get("type") in ("presence", "event", "pong"):
            continue
        answers = frame.get("type") in ("ack", "error")
        if client_id is not None and answers and frame.get("client_id") not in (None, client_id):
            continue
        return frame


async def _entry_outcome(communicator) -> tuple[str, bool]:
    """(outcome word, socket still open) after connecting or authenticating."""
    answer = await _next(communicator, wait=1.0)
    if answer is None:
        return "open", True
    if isinstance(answer, int):
        return f"close:{answer}", False
    if answer.get("type") == "ready":
        if answer.get("watcher"):
            return "ready:watcher", True
        return f"ready:{answer.get('side') or 'observer'}", True
    if answer.get("type") == "error":
        closed = await _next(communicator, wait=3.0)
        if isinstance(closed, int):
            return f"close:{closed}", False
        return f"error:{answer.get('code')}", True
    return str(answer.get("type")), True


async def _frame_outcome(communicator, frame: dict, setup, case) -> str:
    from asgiref.sync import sync_to_async

    client_id = frame.get("client_id")
    rollback = _Rollback(setup, case) if setup is not None else _Rollback()
    await sync_to_async(rollback.enter)()
    try:
        await communicator.send_json_to(frame)
        answer = await _next(communicator, client_id)
    finally:
        await sync_to_async(rollback.leave)()
    if answer is None:
        return "none"
    if isinstance(answer, int):
        return f"close:{answer}"
    if answer.get("type") == "error":
        return f"error:{answer.get('code')}"
    return str(answer.get("type"))


async def _socket(case_id: int, *, cookie: str | None):
    from channels.testing import WebsocketCommunicator

    from unionhome.config.asgi import application

    headers = [(b"host", b"testserver")]
    if cookie is not None:
        headers += [(b"origin", b"http://testserver"), (b"cookie", f"sessionid={cookie}".encode())]
    communicator = WebsocketCommunicator(application, f"/ws/bargaining/{case_id}/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def _session(case, cookie, frames, prefix) -> dict[str, str]:
    """One cookie socket: its entry, then ``resume`` and every command frame in turn."""
    from bargaining import command_budget

    command_budget._user_buckets.clear()  # one role's frames must not use up another test's budget
    observed = {}
    communicator, connected, code = await _socket(case.pk, cookie=cookie)
    if not connected:
        word, is_open = f"close:{code}", False
    else:
        word, is_open = await _entry_outcome(communicator)
    observed[prefix + "connect"] = word
    for key, frame, setup in [("resume", {"type": "resume", "after": 0}, None), *frames]:
        if not is_open:
            observed[prefix + key] = "-"
            continue
        frame = {**frame, "client_id": f"matrix-{key}"}
        observed[prefix + key] = await _frame_outcome(communicator, frame, setup, case)
    if connected:
        await communicator.disconnect()
    return observed


async def _token_entry(case, token: str) -> str:
    communicator, connected, code = await _socket(case.pk, cookie=None)
    if not connected:
        return f"close:{code}"
    await communicator.send_json_to({"type": "auth", "session_token": token})
    word, _ = await _entry_outcome(communicator)
    await communicator.disconnect()
    return word


def _open_session(case) -> None:
    """The table open to union A's members (both chiefs agreed), for the watch rows."""
    from django.utils import timezone

    type(case).objects.filter(pk=case.pk).update(watch_opened_at=timezone.now())


async def _observe_sockets(case, sessions: dict, tokens: dict) -> dict[str, list[str]]:
    from asgiref.sync import sync_to_async
    from django.core.cache import cache

    frames = await sync_to_async(socket_frames)(case)
    by_role: dict[str, dict[str, str]] = {}
    for role in ROLES:
        # Watch decisions and the session's open state are cached per case: start afresh.
        await sync_to_async(cache.clear)()
        seen = await _session(case, sessions[role], frames, "")
        seen["auth token"] = await _token_entry(case, tokens[role])
        await sync_to_async(cache.clear)()
        watched = _Rollback(_open_session, case)
        await sync_to_async(watched.enter)()
        try:
            seen.update(await _session(case, sessions[role], frames, "watch "))
        finally:
            await sync_to_async(watched.leave)()
            await sync_to_async(cache.clear)()
        by_role[role] = seen
    keys = by_role[ROLES[0]].keys()
    return {key: [by_role[role][key] for role in ROLES] for key in keys}


def socket_observations(ctx: dict, users: dict) -> dict[str, list[str]]:
    """Every socket row for every role. Runs in a thread of its own (an event loop may already
    run in the test's thread) that borrows the test's database connection, as Django's live
    server thread does, so the sockets see the demo and every write is rolled back."""
    import threading
    from unittest import mock

    from asgiref.sync import async_to_sync
    from django.db import connections

    sessions, tokens = {}, {}
    for role, user in users.items():
        if user is None:
            # Anonymous: no cookie; the app's way in with a token that names no session.
            sessions[role], tokens[role] = None, "no-such-token"
            continue
        for store in (sessions, tokens):
            client = Client()
            client.force_login(user)
            store[role] = client.cookies["sessionid"].value
    connection = connections["default"]
    outcome: dict = {}

    def target():
        connections["default"] = connection
        try:
            outcome["value"] = async_to_sync(_observe_sockets)(ctx["case"], sessions, tokens)
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    connection.inc_thread_sharing()
    # channels closes "old" connections around each database call; here that would close the
    # test's own connection (Django's test client suspends the same signal handler).
    with mock.patch("channels.db.close_old_connections", lambda **kwargs: None):
        try:
            thread = threading.Thread(target=target)
            thread.start()
            thread.join()
        finally:
            connection.dec_thread_sharing()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
