"""Every notification kind the server sends has words in the web client, in both languages.

The kinds are read from the sources: each call of ``notify(tx, account, kind, data,
now)`` or ``notify_each(tx, kind, notices, now)`` in ``server`` and ``scheduler``, and
each call of a helper that passes one of
its own parameters on to ``notify()`` as the kind (``_tell``, ``_notify_followers`` …),
to any depth. A new kind without a sentence in ``client_web/i18n/notifications.*.json``
and a link in ``client_web/components/notification-text.js`` fails here, not on a
person's screen (where it would show the generic sentence).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("server", "scheduler")
CATALOGUES = ROOT / "client_web" / "i18n"
TEXT = ROOT / "client_web" / "components" / "notification-text.js"
LANGUAGES = ("zh-CN", "en")
# Where the inbox's functions take the kind: notify(tx, account_id, kind, data, now),
# notify_each(tx, kind, notices, now).
INBOX = {"notify": (2, "kind"), "notify_each": (1, "kind")}


def modules() -> Iterator[tuple[Path, ast.Module]]:
    """The modules that import the inbox's notify() or notify_each() (other notify()s,
    presence's, differ)."""
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            if any(
                isinstance(node, ast.ImportFrom)
                and node.module == "server.services.notifications"
                and any(alias.name in INBOX for alias in node.names)
                for node in ast.walk(tree)
            ):
                yield path, tree


def called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def argument(call: ast.Call, index: int, name: str) -> ast.expr | None:
    """The call's argument for a parameter at ``index`` (positional) or by ``name``."""
    if index < len(call.args):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == name), None)


def notifiers(trees: list[ast.Module]) -> dict[str, tuple[int, str]]:
    """notify() and every function that passes one of its parameters on as the kind:
    name → (the kind's position as called, the parameter's name)."""
    found = dict(INBOX)
    changed = True
    while changed:
        changed = False
        for tree in trees:
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if function.name in found:
                    continue
                params = [a.arg for a in function.args.posonlyargs + function.args.args]
                offset = 1 if params[:1] in (["self"], ["cls"]) else 0
                for call in ast.walk(function):
                    if not isinstance(call, ast.Call) or called_name(call) not in found:
                        continue
                    index, name = found[str(called_name(call))]
                    passed = argument(call, index, name)
                    if isinstance(passed, ast.Name) and passed.id in params:
                        found[function.name] = (params.index(passed.id) - offset, passed.id)
                        changed = True
                        break
    return found


def sent_kinds() -> dict[str, str]:
    """kind → where it is sent (path:line)."""
    parsed = list(modules())
    helpers = notifiers([tree for _, tree in parsed])
    kinds: dict[str, str] = {}
    for path, tree in parsed:
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or called_name(call) not in helpers:
                continue
            index, name = helpers[str(called_name(call))]
            passed = argument(call, index, name)
            where = f"{path.relative_to(ROOT)}:{call.lineno}"
            if isinstance(passed, ast.Constant) and isinstance(passed.value, str):
                kinds.setdefault(passed.value, where)
            else:
                # Only a helper's own parameter may be passed on; anything else (a kind
                # built at run time) cannot be checked here and is refused.
                assert isinstance(passed, ast.Name), f"{where}: the kind must be a literal"
    return kinds


def test_the_scan_finds_the_kinds_of_every_sender() -> None:
    kinds = sent_kinds()
    assert len({path for path, _ in modules()}) >= 4, "the scan found too few senders"
    for expected in (
        "queue.room",  # QueueService._room_freed → notify()
        "application.status",  # the API handler → notify()
        "reservation.waitlisted",  # ReservationService._tell → notify()
        "programme.reminder",  # ProgrammeService._notify_followers → notify()
        "programme.session_returned",  # ProgrammeService._notify_admins → notify()
        "programme.submission_due",  # a timer handler → notify()
        "ticket.removed",  # QueueService.remove → notify()
        "ticket.expired",  # on_ring_timeout → notify(), on_day_close → notify_each()
        "interview.outcome_corrected",  # InterviewService.correct_outcome → notify()
    ):
        assert expected in kinds, f"the scan missed {expected}: {sorted(kinds)}"


def test_every_kind_sent_has_a_sentence_in_both_languages() -> None:
    for lang in LANGUAGES:
        catalogue = json.loads(
            (CATALOGUES / f"notifications.{lang}.json").read_text(encoding="utf-8")
        )
        missing = {
            kind: where
            for kind, where in sent_kinds().items()
            if f"notifications.kind.{kind}" not in catalogue
        }
        assert missing == {}, f"notification kinds without a sentence in {lang}"


def test_every_kind_sent_has_a_link_to_where_one_acts() -> None:
    source = TEXT.read_text(encoding="utf-8")
    missing = {kind: where for kind, where in sent_kinds().items() if f"'{kind}':" not in source}
    assert missing == {}, f"notification kinds without a link in {TEXT.relative_to(ROOT)}"
