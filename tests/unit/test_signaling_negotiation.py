"""The interview room core: literal Chromium SDPs and candidates, roles per pair, glare,
ICE restarts, reloads, and malformed input refused with a reason while the room goes on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from signaling.negotiation import (
    SERVER,
    Answer,
    Bye,
    Candidate,
    Deliver,
    Effect,
    MemberRole,
    Offer,
    Publish,
    SignalError,
    Switchboard,
    end_envelope,
    parse_candidate,
    parse_description,
    parse_message,
    polite,
)

CAPTURED = json.loads((Path(__file__).parent / "chromium_call_sdp.json").read_text("utf-8"))
OFFER: str = CAPTURED["offer"]
ANSWER: str = CAPTURED["answer"]
RESTART: str = CAPTURED["restart_offer"]
CANDIDATES: list[dict[str, Any]] = CAPTURED["candidates"]

ROOM = "0190d7a4-0000-7000-8000-000000000001"
REC, CAND, CO = "rec", "cand", "co"
ROSTER = {REC: MemberRole.RECRUITER, CAND: MemberRole.CANDIDATE}


class Net:
    """Several switchboards joined by an in-order bus, as nodes are by Redis."""

    def __init__(self, nodes: int = 1) -> None:
        self.nodes = [Switchboard() for _ in range(nodes)]
        self.inbox: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def run(self, effects: list[Effect]) -> None:
        queue = list(effects)
        while queue:
            effect = queue.pop(0)
            if isinstance(effect, Deliver):
                self.inbox.setdefault(str(effect.conn), []).append((effect.sender, effect.data))
            else:
                assert isinstance(effect, Publish)
                for node in self.nodes:
                    queue.extend(node.receive(effect.room, effect.envelope))

    def join(self, node: int, conn: str, account: str, roster: dict[str, MemberRole]) -> None:
        self.run(self.nodes[node].join(conn, ROOM, account, conn + "-s", roster))

    def send(self, node: int, conn: str, data: dict[str, Any]) -> None:
        self.run(self.nodes[node].send(conn, ROOM, parse_message(data)))

    def take(self, conn: str) -> list[tuple[str, dict[str, Any]]]:
        return self.inbox.pop(conn, [])


def types(frames: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return [data["type"] for _, data in frames]


# -- validation of literal browser input --------------------------------------------------


def test_chromium_offer_answer_and_restart_are_accepted() -> None:
    offer = parse_description("offer", OFFER)
    answer = parse_description("answer", ANSWER)
    restart = parse_description("offer", RESTART)
    assert offer.mids == ("0", "1")
    assert answer.mids == ("0", "1")
    assert offer.ice_ufrags.isdisjoint(answer.ice_ufrags)
    assert offer.ice_ufrags.isdisjoint(restart.ice_ufrags)  # a restart has new ufrag/pwd


@pytest.mark.parametrize("candidate", CANDIDATES, ids=lambda c: c["candidate"][:30])
def test_chromium_candidates_are_accepted_unchanged(candidate: dict[str, Any]) -> None:
    assert parse_candidate(candidate) == candidate


def test_end_of_candidates_and_mdns_and_relay_candidates() -> None:
    assert parse_candidate({"candidate": "", "sdpMid": "0"})["candidate"] == ""
    mdns = (
        "candidate:2050255889 1 udp 2113937151 96597463-80f0-412e-bb35-dd1d85f30855.local "
        "47805 typ host generation 0 network-cost 999"
    )
    assert parse_candidate({"candidate": mdns, "sdpMLineIndex": 0})["sdpMid"] is None
    relay = (
        "candidate:3564153328 1 udp 41885439 192.0.2.2 62000 typ relay raddr 192.0.2.2 "
        "rport 40000 generation 0 ufrag nvIP network-cost 999"
    )
    assert parse_candidate({"candidate": relay, "sdpMid": "1"})["candidate"] == relay


@pytest.mark.parametrize(
    ("sdp", "reason"),
    [
        ("", "non-empty"),
        ("hello", "first line must be v=0"),
        ("v=0\r\nnot sdp\r\n", "line 2 is not an SDP line"),
        ("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n", "no media section"),
        (OFFER.replace("a=ice-ufrag:", "a=ice-ufragx:"), "no valid a=ice-ufrag"),
        (OFFER.replace("a=fingerprint:", "a=fingerprunt:"), "no valid a=fingerprint"),
        (OFFER.replace("m=audio 9 UDP/TLS/RTP/SAVPF", "m=audio nine UDP/TLS/RTP/SAVPF"), "m= line"),
        (OFFER.replace("a=mid:1", "a=mid:0"), "a=mid:0 appears twice"),
        ("x" * 70_000, "larger than"),
    ],
)
def test_malformed_sdp_is_refused_with_a_reason(sdp: str, reason: str) -> None:
    with pytest.raises(SignalError) as caught:
        parse_description("offer", sdp)
    assert caught.value.code == "signal.bad_sdp"
    assert reason in caught.value.message


def test_an_answer_must_choose_its_dtls_role() -> None:
    with pytest.raises(SignalError, match=r"a=setup:active\|passive"):
        parse_description("answer", OFFER)  # actpass is an offer's


@pytest.mark.parametrize(
    "candidate",
    [
        "not a candidate",
        {"candidate": "candidate:1 1 udp 1 192.0.2.2 99999 typ host", "sdpMid": "0"},
        {"candidate": "candidate:1 1 sctp 1 192.0.2.2 5000 typ host", "sdpMid": "0"},
        {"candidate": "candidate:1 1 udp 1 192.0.2.2 5000 typ bogus", "sdpMid": "0"},
        {"candidate": CANDIDATES[0]["candidate"]},  # neither sdpMid nor sdpMLineIndex
        {"candidate": CANDIDATES[0]["candidate"], "sdpMid": "0", "sdpMLineIndex": "0"},
        {"candidate": 7, "sdpMid": "0"},
    ],
)
def test_malformed_candidates_are_refused(candidate: Any) -> None:
    with pytest.raises(SignalError) as caught:
        parse_candidate(candidate)
    assert caught.value.code == "signal.bad_candidate"


def test_message_types_and_peer_are_checked() -> None:
    with pytest.raises(SignalError, match=r"data\.type") as caught:
        parse_message({"type": "pranswer", "sdp": ANSWER, "to": REC})
    assert caught.value.code == "signal.bad_type"
    with pytest.raises(SignalError) as caught:
        parse_message({"type": "offer", "sdp": OFFER})
    assert caught.value.code == "signal.bad_peer"
    assert isinstance(parse_message({"type": "offer", "sdp": OFFER, "to": REC}), Offer)
    assert isinstance(parse_message({"type": "answer", "sdp": ANSWER, "to": REC}), Answer)
    assert isinstance(
        parse_message({"type": "candidate", "candidate": CANDIDATES[0], "to": REC}), Candidate
    )
    assert isinstance(parse_message({"type": "bye"}), Bye)


# -- roles --------------------------------------------------------------------------------


def test_exactly_one_side_of_every_pair_is_polite() -> None:
    roles = list(MemberRole)
    for me in roles:
        for peer in roles:
            if me != peer:
                assert polite(me, peer) != polite(peer, me)
    assert not polite(MemberRole.RECRUITER, MemberRole.CANDIDATE)
    assert polite(MemberRole.CO_INTERVIEWER, MemberRole.RECRUITER)
    assert not polite(MemberRole.CO_INTERVIEWER, MemberRole.CANDIDATE)


# -- rooms --------------------------------------------------------------------------------


@pytest.mark.parametrize("nodes", [1, 2])
def test_two_members_meet_and_exchange_an_offer_answer_and_candidates(nodes: int) -> None:
    net = Net(nodes)
    net.join(0, "r1", REC, ROSTER)
    assert net.take("r1") == [
        (SERVER, {"type": "joined", "you": {"id": REC, "role": "recruiter", "session": "r1-s"}})
    ]
    net.join(nodes - 1, "c1", CAND, ROSTER)
    peer_for_rec = net.take("r1")
    assert peer_for_rec == [
        (
            SERVER,
            {
                "type": "peer",
                "peer": {"id": CAND, "role": "candidate", "session": "c1-s", "polite": False},
            },
        )
    ]
    frames = net.take("c1")
    assert types(frames) == ["joined", "peer"]
    assert frames[1][1]["peer"] == {
        "id": REC,
        "role": "recruiter",
        "session": "r1-s",
        "polite": True,
    }

    net.send(0, "r1", {"type": "offer", "sdp": OFFER, "to": CAND})
    net.send(nodes - 1, "c1", {"type": "answer", "sdp": ANSWER, "to": REC})
    for candidate in CANDIDATES:
        net.send(0, "r1", {"type": "candidate", "candidate": candidate, "to": CAND})
    to_candidate = net.take("c1")
    assert to_candidate[0] == (REC, {"type": "offer", "sdp": OFFER, "session": "r1-s"})
    assert [data["candidate"] for _, data in to_candidate[1:]] == CANDIDATES
    assert net.take("r1") == [(CAND, {"type": "answer", "sdp": ANSWER, "session": "c1-s"})]


def test_glare_both_offers_are_relayed_and_roles_settle_it() -> None:
    net = Net(2)
    net.join(0, "r1", REC, ROSTER)
    net.join(1, "c1", CAND, ROSTER)
    rec_view, cand_view = net.take("r1")[-1][1], net.take("c1")[-1][1]
    # Both offer at once; the server relays both, each side knows from its flag whether
    # it rolls back (polite) or ignores the colliding offer (impolite).
    net.send(0, "r1", {"type": "offer", "sdp": OFFER, "to": CAND})
    net.send(1, "c1", {"type": "offer", "sdp": RESTART, "to": REC})
    assert types(net.take("c1")) == ["offer"]
    assert types(net.take("r1")) == ["offer"]
    assert rec_view["peer"]["polite"] is False
    assert cand_view["peer"]["polite"] is True
    # The polite candidate rolled back and answers the recruiter's offer.
    net.send(1, "c1", {"type": "answer", "sdp": ANSWER, "to": REC})
    assert net.take("r1") == [(CAND, {"type": "answer", "sdp": ANSWER, "session": "c1-s"})]


def test_an_ice_restart_is_relayed_and_counted() -> None:
    net = Net()
    net.join(0, "r1", REC, ROSTER)
    net.join(0, "c1", CAND, ROSTER)
    net.send(0, "r1", {"type": "offer", "sdp": OFFER, "to": CAND})
    net.send(0, "c1", {"type": "answer", "sdp": ANSWER, "to": REC})
    net.send(0, "r1", {"type": "offer", "sdp": OFFER, "to": CAND})  # renegotiation
    assert net.nodes[0].rooms[ROOM].restarts == 0
    net.send(0, "r1", {"type": "offer", "sdp": RESTART, "to": CAND})  # new ufrag/pwd
    assert net.nodes[0].rooms[ROOM].restarts == 1
    assert [d["sdp"] for _, d in net.take("c1") if d["type"] == "offer"][-1] == RESTART


def test_a_malformed_frame_is_refused_and_the_room_goes_on() -> None:
    net = Net()
    net.join(0, "r1", REC, ROSTER)
    net.join(0, "c1", CAND, ROSTER)
    net.take("r1"), net.take("c1")
    with pytest.raises(SignalError):
        net.send(0, "r1", {"type": "offer", "sdp": "v=0\r\nbroken", "to": CAND})
    assert net.take("c1") == []
    net.send(0, "r1", {"type": "offer", "sdp": OFFER, "to": CAND})
    assert types(net.take("c1")) == ["offer"]


def test_strangers_and_absent_peers() -> None:
    board = Switchboard()
    with pytest.raises(SignalError) as caught:
        board.join("x", ROOM, "stranger", "x-s", ROSTER)
    assert caught.value.code == "auth.forbidden"
    assert board.rooms == {}
    with pytest.raises(SignalError) as caught:
        board.send("x", ROOM, parse_message({"type": "offer", "sdp": OFFER, "to": REC}))
    assert caught.value.code == "signal.not_joined"
    net = Net()
    net.join(0, "r1", REC, ROSTER)
    with pytest.raises(SignalError) as caught:
        net.send(0, "r1", {"type": "offer", "sdp": OFFER, "to": CAND})
    assert caught.value.code == "signal.peer_absent"
    for to in ("stranger", REC):
        with pytest.raises(SignalError) as caught:
            net.send(0, "r1", {"type": "offer", "sdp": OFFER, "to": to})
        assert caught.value.code == "signal.bad_peer"


@pytest.mark.parametrize("same_node", [True, False])
def test_a_reload_rejoins_and_peers_start_over(same_node: bool) -> None:
    net = Net(2)
    net.join(0, "r1", REC, ROSTER)
    net.join(1, "c1", CAND, ROSTER)
    net.take("r1"), net.take("c1")
    # The candidate reloads: the new page joins before the old socket is noticed closed.
    net.join(1 if same_node else 0, "c2", CAND, ROSTER)
    assert net.take("c1") == [(SERVER, {"type": "bye", "reason": "replaced"})]
    assert types(net.take("c2")) == ["joined", "peer"]
    frames = net.take("r1")
    assert frames[-1][1]["peer"]["session"] == "c2-s"
    # The old socket closing now must not make the recruiter hang up on the new page.
    net.run(net.nodes[1].leave_all("c1"))
    assert net.take("r1") == []
    net.send(0, "r1", {"type": "offer", "sdp": OFFER, "to": CAND})
    assert types(net.take("c2")) == ["offer"]


def test_a_co_interviewer_makes_a_mesh_of_three() -> None:
    roster = {**ROSTER, CO: MemberRole.CO_INTERVIEWER}
    net = Net(2)
    net.join(0, "r1", REC, roster)
    net.join(1, "c1", CAND, roster)
    net.join(1, "o1", CO, roster)
    peers = {d["peer"]["id"]: d["peer"]["polite"] for _, d in net.take("o1") if d["type"] == "peer"}
    assert peers == {REC: True, CAND: False}
    net.take("r1"), net.take("c1")
    net.send(1, "o1", {"type": "offer", "sdp": OFFER, "to": CAND})
    assert types(net.take("c1")) == ["offer"]
    assert net.take("r1") == []
    with pytest.raises(ValueError, match="at most 3 members"):
        Switchboard().join("z", ROOM, REC, "z-s", {**roster, "fourth": MemberRole.CANDIDATE})


def test_bye_and_end() -> None:
    net = Net(2)
    net.join(0, "r1", REC, ROSTER)
    net.join(1, "c1", CAND, ROSTER)
    net.take("r1"), net.take("c1")
    net.send(1, "c1", {"type": "bye"})
    assert net.take("r1") == [
        (SERVER, {"type": "bye", "peer": {"id": CAND, "session": "c1-s"}, "reason": "left"})
    ]
    assert not net.nodes[1].has_local(ROOM)
    net.join(1, "c2", CAND, ROSTER)
    net.take("r1"), net.take("c2")
    net.run([Publish(ROOM, end_envelope())])
    assert net.take("r1") == [(SERVER, {"type": "bye", "reason": "ended"})]
    assert net.take("c2") == [(SERVER, {"type": "bye", "reason": "ended"})]
    assert not net.nodes[0].has_local(ROOM)
    assert not net.nodes[1].has_local(ROOM)


def test_rate_limit_per_connection() -> None:
    board = Switchboard(frames_per_second=3)
    assert [board.allow("c", 10.0) for _ in range(4)] == [True, True, True, False]
    assert board.allow("c", 11.5)
