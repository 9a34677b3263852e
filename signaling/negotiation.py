"""Interview rooms, sans I/O: who is in a room, who is polite, what a frame may carry,
and which deliveries a frame or a bus message turns into.

One :class:`Switchboard` per server node holds the rooms that have members connected to
*this* node (``local``) and what it has heard of members on other nodes (``remote``).
Everything between members goes through the bus as an :class:`Envelope` — also between
two members on the same node — so one path serves one node and many, and messages from
one member keep their order. The I/O layer (the gateway wiring) checks membership
against the database before :meth:`Switchboard.join`, publishes the envelopes this
returns, feeds received envelopes to :meth:`Switchboard.receive`, and writes the
``Deliver`` frames to sockets.

Signaling is ephemeral: nothing here is stored or replayed. A lost message is recovered
by perfect negotiation in the browsers (roles assigned here, per pair, from the members'
roles so that a reload never flips them) or by an ICE restart.

Frames are W3C-shaped (``{type: "offer"|"answer", sdp}``, ``RTCIceCandidateInit``) and
validated enough to refuse what a browser would choke on, with a reason, before anyone
receives it. See docs/interviews.md.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MAX_SDP_BYTES = 60 * 1024
MAX_CANDIDATE_CHARS = 1024
MAX_MEMBERS = 3
FRAMES_PER_SECOND = 100

Conn = Hashable
"""A local connection, as the I/O layer identifies it (the gateway's client object)."""


class MemberRole(StrEnum):
    RECRUITER = "recruiter"
    CO_INTERVIEWER = "co_interviewer"
    CANDIDATE = "candidate"


# Lower rank is impolite towards higher rank: the recruiter never rolls back, the
# candidate always does; the co-interviewer sits between them.
_RANK = {MemberRole.RECRUITER: 0, MemberRole.CO_INTERVIEWER: 1, MemberRole.CANDIDATE: 2}


def polite(me: MemberRole, peer: MemberRole) -> bool:
    """Whether ``me`` is the polite side of the pair (``me``, ``peer``)."""
    if me == peer:
        raise ValueError("two members of one room never share a role")
    return _RANK[me] > _RANK[peer]


class SignalError(Exception):
    """A frame refused; ``code`` is the stable error code the client sees."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# -- validation ---------------------------------------------------------------------------

_ICE_CHARS = re.compile(r"^[A-Za-z0-9+/]+$")
_M_LINE = re.compile(r"^m=([a-z]+) (\d+)(?:/\d+)? ([A-Za-z0-9/_.-]+)( \S+)+$")
_FINGERPRINT = re.compile(r"^[A-Za-z0-9-]+ [0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2})+$")
# The attributes the relay checks (a tuple: str.startswith takes it in one C call).
_WANTED = ("a=mid:", "a=ice-ufrag:", "a=ice-pwd:", "a=fingerprint:", "a=setup:", "a=bundle-only")


_CANDIDATE = re.compile(
    r"^(?:a=)?candidate:(?P<foundation>[A-Za-z0-9+/]{1,32}) (?P<component>\d{1,3}) "
    r"(?P<transport>udp|tcp|UDP|TCP) (?P<priority>\d{1,10}) (?P<address>[A-Za-z0-9.:_-]{1,255}) "
    r"(?P<port>\d{1,5}) typ (?P<type>host|srflx|prflx|relay)(?P<rest>(?: \S+ \S+)*)$"
)
_SETUP_OFFER = ("actpass", "active", "passive")
_SETUP_ANSWER = ("active", "passive")


@dataclass(frozen=True, slots=True)
class Description:
    """What the server learned from an offer or an answer while validating it."""

    type: str
    sdp: str
    ice_ufrags: frozenset[str]
    mids: tuple[str, ...]


def parse_description(kind: str, sdp: Any) -> Description:
    """Validate an SDP offer or answer as a browser would need it; :class:`SignalError`.

    One pass over the lines (an offer has ≈ 100; the relay sees hundreds a second, so
    only the few attributes checked are split): the grammar of every line, then per
    media section its m= line, mid, ICE credentials, DTLS fingerprint and setup role,
    falling back to session-level values.
    """

    def bad(reason: str) -> SignalError:
        return SignalError("signal.bad_sdp", f"{kind}: {reason}")

    if not isinstance(sdp, str) or not sdp:
        raise bad("sdp must be a non-empty string")
    if len(sdp) > MAX_SDP_BYTES or (
        len(sdp) * 4 > MAX_SDP_BYTES and len(sdp.encode("utf-8", "replace")) > MAX_SDP_BYTES
    ):
        raise bad(f"larger than {MAX_SDP_BYTES} bytes")
    lines = sdp.splitlines()
    if not lines or lines[0] != "v=0":
        raise bad("the first line must be v=0")
    session: dict[str, str] = {}
    sections: list[tuple[str, dict[str, str]]] = []
    current = session
    has_origin = False
    for number, line in enumerate(lines, 1):
        if not line:
            continue
        if line[1:2] != "=" or not "a" <= line[0] <= "z":
            raise bad(f"line {number} is not an SDP line (x=value): {line[:40]!r}")
        head = line[0]
        if head == "m":
            current = {}
            sections.append((line, current))
        elif head == "a" and line.startswith(_WANTED):
            name, _, value = line[2:].partition(":")
            current.setdefault(name, value.strip())
        elif head == "o":
            has_origin = True
    if not has_origin:
        raise bad("no o= line")
    if not sections:
        raise bad("no media section (m=)")
    ufrags: set[str] = set()
    mids: list[str] = []
    allowed = _SETUP_OFFER if kind == "offer" else _SETUP_ANSWER
    for index, (m_line, attrs) in enumerate(sections):
        match = _M_LINE.match(m_line)
        if match is None:
            raise bad(f"media section {index} has a malformed m= line: {m_line[:60]!r}")
        media, port = match[1], int(match[2])
        mid = attrs.get("mid")
        if not mid:
            raise bad(f"media section {index} ({media}) has no a=mid")
        if mid in mids:
            raise bad(f"a=mid:{mid} appears twice")
        mids.append(mid)
        if port == 0 and "bundle-only" not in attrs:
            continue  # rejected or stopped section: no transport needed
        ufrag = attrs.get("ice-ufrag", session.get("ice-ufrag"))
        pwd = attrs.get("ice-pwd", session.get("ice-pwd"))
        fingerprint = attrs.get("fingerprint", session.get("fingerprint"))
        setup = attrs.get("setup", session.get("setup"))
        if ufrag is None or not 4 <= len(ufrag) <= 256 or not _ICE_CHARS.match(ufrag):
            raise bad(f"media section {index} ({media}) has no valid a=ice-ufrag")
        if pwd is None or not 22 <= len(pwd) <= 256 or not _ICE_CHARS.match(pwd):
            raise bad(f"media section {index} ({media}) has no valid a=ice-pwd")
        if fingerprint is None or not _FINGERPRINT.match(fingerprint):
            raise bad(f"media section {index} ({media}) has no valid a=fingerprint")
        if setup not in allowed:
            raise bad(f"media section {index} ({media}) needs a=setup:{'|'.join(allowed)}")
        ufrags.add(ufrag)
    if not ufrags:
        raise bad("every media section is rejected (port 0)")
    return Description(kind, sdp, frozenset(ufrags), tuple(mids))


def parse_candidate(value: Any) -> dict[str, Any]:
    """Validate an ``RTCIceCandidateInit``; return it with exactly the W3C fields."""

    def bad(reason: str) -> SignalError:
        return SignalError("signal.bad_candidate", reason)

    if not isinstance(value, dict):
        raise bad("candidate must be an RTCIceCandidateInit object")
    text = value.get("candidate")
    mid = value.get("sdpMid")
    index = value.get("sdpMLineIndex")
    ufrag = value.get("usernameFragment")
    if not isinstance(text, str) or len(text) > MAX_CANDIDATE_CHARS:
        raise bad('candidate.candidate must be a string ("" for end-of-candidates)')
    if mid is not None and (not isinstance(mid, str) or not 1 <= len(mid) <= 32):
        raise bad("sdpMid must be a short string or null")
    if index is not None and (isinstance(index, bool) or not isinstance(index, int)):
        raise bad("sdpMLineIndex must be an integer or null")
    if isinstance(index, int) and not 0 <= index <= 64:
        raise bad("sdpMLineIndex is out of range")
    if ufrag is not None and (
        not isinstance(ufrag, str) or not 4 <= len(ufrag) <= 256 or not _ICE_CHARS.match(ufrag)
    ):
        raise bad("usernameFragment must be an ICE ufrag or null")
    if text:
        match = _CANDIDATE.match(text)
        if match is None:
            raise bad(f"not an ICE candidate line: {text[:80]!r}")
        if not 1 <= int(match["component"]) <= 256 or int(match["port"]) > 65535:
            raise bad("candidate component or port out of range")
        if mid is None and index is None:
            raise bad("a candidate needs sdpMid or sdpMLineIndex")
    return {"candidate": text, "sdpMid": mid, "sdpMLineIndex": index, "usernameFragment": ufrag}


# -- messages -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Join:
    pass


@dataclass(frozen=True, slots=True)
class Bye:
    pass


@dataclass(frozen=True, slots=True)
class Offer:
    to: str
    description: Description


@dataclass(frozen=True, slots=True)
class Answer:
    to: str
    description: Description


@dataclass(frozen=True, slots=True)
class Candidate:
    to: str
    candidate: dict[str, Any]


Message = Join | Bye | Offer | Answer | Candidate


def parse_message(data: dict[str, Any]) -> Message:
    """The ``data`` of a client's ``signal`` frame as a typed message, or :class:`SignalError`."""
    kind = data.get("type")
    if kind == "join":
        return Join()
    if kind == "bye":
        return Bye()
    if kind not in ("offer", "answer", "candidate"):
        raise SignalError(
            "signal.bad_type", "data.type must be join, offer, answer, candidate or bye"
        )
    to = data.get("to")
    if not isinstance(to, str) or not 1 <= len(to) <= 64:
        raise SignalError("signal.bad_peer", f"{kind} needs 'to': the peer's account id")
    if kind == "candidate":
        return Candidate(to, parse_candidate(data.get("candidate")))
    description = parse_description(kind, data.get("sdp"))
    return Offer(to, description) if kind == "offer" else Answer(to, description)


# -- effects ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Deliver:
    """Write ``{"op": "signal", "room", "from": sender, "data"}`` to a local connection."""

    conn: Conn
    room: str
    sender: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Publish:
    """Publish ``envelope`` on the room's bus channel (every node with members hears it)."""

    room: str
    envelope: dict[str, Any]


Effect = Deliver | Publish
SERVER = "server"


# -- rooms --------------------------------------------------------------------------------


@dataclass(slots=True)
class LocalMember:
    id: str
    role: MemberRole
    session: str
    conn: Conn


@dataclass(slots=True)
class Room:
    id: str
    roster: dict[str, MemberRole] = field(default_factory=dict)
    local: dict[str, LocalMember] = field(default_factory=dict)
    # Members on any node (this one included) as last announced: id -> (role, session).
    present: dict[str, tuple[MemberRole, str]] = field(default_factory=dict)
    # Per ordered pair (from, to): the ICE ufrags of the last description sent.
    ufrags: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    restarts: int = 0


@dataclass(slots=True)
class _Window:
    start: float = 0.0
    count: int = 0


class Switchboard:
    """This node's interview rooms. Pure: methods take values and return effects."""

    def __init__(self, frames_per_second: int = FRAMES_PER_SECOND) -> None:
        self.rooms: dict[str, Room] = {}
        self._joined: dict[Conn, set[str]] = {}
        self._windows: dict[Conn, _Window] = {}
        self._frames_per_second = frames_per_second

    # -- queries ------------------------------------------------------------------------

    def member_of(self, conn: Conn, room: str) -> LocalMember | None:
        state = self.rooms.get(room)
        if state is None:
            return None
        for member in state.local.values():
            if member.conn == conn:
                return member
        return None

    def allow(self, conn: Conn, now: float) -> bool:
        """Count one frame from ``conn`` at monotonic time ``now``; False over the limit."""
        window = self._windows.setdefault(conn, _Window())
        if now - window.start >= 1.0:
            window.start, window.count = now, 0
        window.count += 1
        return window.count <= self._frames_per_second

    # -- from local connections ---------------------------------------------------------

    def join(
        self,
        conn: Conn,
        room_id: str,
        account: str,
        session: str,
        roster: dict[str, MemberRole],
    ) -> list[Effect]:
        """``account`` (checked against the database by the caller) enters ``room_id``.

        ``roster`` is every member the room may have, as the database says now.
        """
        role = roster.get(account)
        if role is None:
            raise SignalError("auth.forbidden", "you are not a member of this interview")
        if len(roster) > MAX_MEMBERS:
            raise ValueError(f"a room has at most {MAX_MEMBERS} members")
        room = self.rooms.setdefault(room_id, Room(room_id))
        room.roster = dict(roster)
        effects: list[Effect] = []
        old = room.local.get(account)
        if old is not None and old.conn != conn:
            effects.append(
                Deliver(old.conn, room_id, SERVER, {"type": "bye", "reason": "replaced"})
            )
            self._forget_conn_room(old.conn, room_id)
        room.local[account] = LocalMember(account, role, session, conn)
        room.present[account] = (role, session)
        self._joined.setdefault(conn, set()).add(room_id)
        you = {"id": account, "role": role.value, "session": session}
        effects.append(Deliver(conn, room_id, SERVER, {"type": "joined", "you": you}))
        effects.append(Publish(room_id, {"k": "join", "peer": you}))
        return effects

    def send(self, conn: Conn, room_id: str, message: Message) -> list[Effect]:
        """A frame from a joined local connection; :class:`SignalError` if refused."""
        member = self.member_of(conn, room_id)
        if member is None:
            raise SignalError("signal.not_joined", "join the room first")
        room = self.rooms[room_id]
        if isinstance(message, Join):
            raise AssertionError("joins go through Switchboard.join")
        if isinstance(message, Bye):
            return self._leave(room, member, "left")
        to = message.to
        if to == member.id or to not in room.roster:
            raise SignalError("signal.bad_peer", "'to' is not another member of this room")
        if to not in room.present:
            raise SignalError("signal.peer_absent", "that member is not connected now")
        sender = {"id": member.id, "session": member.session}
        if isinstance(message, Candidate):
            data: dict[str, Any] = {"type": "candidate", "candidate": message.candidate}
        else:
            description = message.description
            pair = (member.id, to)
            previous = room.ufrags.get(pair)
            if previous is not None and previous.isdisjoint(description.ice_ufrags):
                room.restarts += 1  # new ufrag/pwd: an ICE restart
            room.ufrags[pair] = description.ice_ufrags
            data = {"type": description.type, "sdp": description.sdp}
        target = room.local.get(to)
        if target is not None:
            # Same node: straight to the socket, no bus round trip. Messages from one
            # member to another keep their order either way (one path per pair).
            return [Deliver(target.conn, room_id, member.id, {**data, "session": member.session})]
        return [Publish(room_id, {"k": "msg", "from": sender, "to": to, "data": data})]

    def leave_all(self, conn: Conn) -> list[Effect]:
        """The connection closed: it leaves every room it had joined."""
        effects: list[Effect] = []
        for room_id in list(self._joined.get(conn, ())):
            member = self.member_of(conn, room_id)
            if member is not None:
                effects.extend(self._leave(self.rooms[room_id], member, "gone"))
        self._joined.pop(conn, None)
        self._windows.pop(conn, None)
        return effects

    def _leave(self, room: Room, member: LocalMember, reason: str) -> list[Effect]:
        del room.local[member.id]
        if room.present.get(member.id, (None, None))[1] == member.session:
            del room.present[member.id]
        self._forget_conn_room(member.conn, room.id)
        peer = {"id": member.id, "session": member.session}
        effects: list[Effect] = [Publish(room.id, {"k": "bye", "peer": peer, "reason": reason})]
        self._drop_if_empty(room)
        return effects

    def _forget_conn_room(self, conn: Conn, room_id: str) -> None:
        rooms = self._joined.get(conn)
        if rooms is not None:
            rooms.discard(room_id)
            if not rooms:
                del self._joined[conn]

    def _drop_if_empty(self, room: Room) -> None:
        if not room.local:
            self.rooms.pop(room.id, None)

    def has_local(self, room_id: str) -> bool:
        """Whether this node still needs the room's bus channel."""
        return room_id in self.rooms

    # -- from the bus -------------------------------------------------------------------

    def receive(self, room_id: str, envelope: dict[str, Any]) -> list[Effect]:
        """An envelope published by any node (this one too) for ``room_id``."""
        room = self.rooms.get(room_id)
        if room is None:
            return []
        kind = envelope.get("k")
        if kind == "join":
            return self._on_join(room, envelope["peer"])
        if kind == "here":
            return self._on_here(room, envelope["to"], envelope["peer"])
        if kind == "msg":
            target = room.local.get(envelope["to"])
            if target is None:
                return []
            sender = envelope["from"]
            data = {**envelope["data"], "session": sender["session"]}
            return [Deliver(target.conn, room_id, sender["id"], data)]
        if kind == "bye":
            return self._on_bye(room, envelope["peer"], envelope["reason"])
        if kind == "end":
            return self._on_end(room)
        return []

    def _on_join(self, room: Room, peer: dict[str, Any]) -> list[Effect]:
        role = MemberRole(peer["role"])
        peer_id, session = peer["id"], peer["session"]
        room.roster.setdefault(peer_id, role)
        room.present[peer_id] = (role, session)
        effects: list[Effect] = []
        stale = room.local.get(peer_id)
        if stale is not None and stale.session != session:
            # The same account joined again through another node: this connection is out.
            effects.append(
                Deliver(stale.conn, room.id, SERVER, {"type": "bye", "reason": "replaced"})
            )
            del room.local[peer_id]
            self._forget_conn_room(stale.conn, room.id)
            room.present[peer_id] = (role, session)
        for member in list(room.local.values()):
            if member.id == peer_id:
                continue
            effects.append(
                Deliver(member.conn, room.id, SERVER, _peer_data(member, peer_id, role, session))
            )
            here = {"id": member.id, "role": member.role.value, "session": member.session}
            effects.append(Publish(room.id, {"k": "here", "to": session, "peer": here}))
        self._drop_if_empty(room)
        return effects

    def _on_here(self, room: Room, to_session: str, peer: dict[str, Any]) -> list[Effect]:
        role = MemberRole(peer["role"])
        room.roster.setdefault(peer["id"], role)
        room.present[peer["id"]] = (role, peer["session"])
        for member in room.local.values():
            if member.session == to_session:
                data = _peer_data(member, peer["id"], role, peer["session"])
                return [Deliver(member.conn, room.id, SERVER, data)]
        return []

    def _on_bye(self, room: Room, peer: dict[str, Any], reason: str) -> list[Effect]:
        known = room.present.get(peer["id"])
        if known is not None and known[1] == peer["session"]:
            del room.present[peer["id"]]
        elif known is not None:
            return []  # a bye from a connection the member has already replaced
        data = {"type": "bye", "peer": peer, "reason": reason}
        return [
            Deliver(m.conn, room.id, SERVER, data)
            for m in room.local.values()
            if m.id != peer["id"]
        ]

    def _on_end(self, room: Room) -> list[Effect]:
        effects: list[Effect] = [
            Deliver(m.conn, room.id, SERVER, {"type": "bye", "reason": "ended"})
            for m in room.local.values()
        ]
        for member in list(room.local.values()):
            self._forget_conn_room(member.conn, room.id)
        self.rooms.pop(room.id, None)
        return effects


def _peer_data(member: LocalMember, peer_id: str, role: MemberRole, session: str) -> dict[str, Any]:
    return {
        "type": "peer",
        "peer": {
            "id": peer_id,
            "role": role.value,
            "session": session,
            "polite": polite(member.role, role),
        },
    }


def end_envelope() -> dict[str, Any]:
    """What the I/O layer publishes when an interview ends (every member gets ``bye``)."""
    return {"k": "end"}
