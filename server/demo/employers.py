"""The demo fair's structure: employers, booths, guidance desks, and an account per role.

Every province's sub-venue gets one employer of each type (private, SME, micro,
state-owned, other), verified by that venue's admin, each with a booth at its own
sub-venue staffed by its two recruiters; a few also exhibit at the main venue, and
three eastern provinces' firms recruit at Hubei's sub-venue (the notice's 就业援鄂).
Every venue has the four guidance desks, staffed by its two counsellors.

Names are fictitious and marked （示例）; credit codes are computed, with valid check
characters, and belong to no one. All demo accounts share :data:`DEMO_PASSWORD` and an
e-mail address at :data:`DEMO_DOMAIN`; loading the demo again replaces them, and the
demo employers, wholesale. The password is hashed once per process (argon2 is slow on
purpose) and the hash is shared by every demo account. Rows go in with COPY.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Any, Final
from uuid import UUID

import argon2

from server.domain.booths import GUIDANCE_KINDS
from server.domain.credit_code import make_credit_code, organisation_check
from server.domain.regions import XPCC_CODE, region_by_code
from server.domain.slots import SlotSettings
from server.ids import uuid7
from server.store.db import Connection
from server.store.reservations import SETTINGS_COLUMNS, settings_values

log = logging.getLogger(__name__)

DEMO_DOMAIN: Final = "demo.livefair.example"
DEMO_PASSWORD: Final = "Livefair-demo-2020"
TYPES: Final = ("private", "sme", "micro", "state", "other")
RECRUITERS_PER_EMPLOYER: Final = 2
# Eastern provinces whose private firm also recruits at Hubei's sub-venue (就业援鄂).
FOR_HUBEI: Final = ("310000", "320000", "330000")
HUBEI: Final = "420000"

EMPLOYER_HOURS: Final = [
    {"weekday": day, "start": start, "end": end}
    for day in range(1, 6)
    for start, end in (("09:00", "12:00"), ("14:00", "17:00"))
]
MAIN_VENUE_HOURS: Final = [*EMPLOYER_HOURS, {"weekday": 6, "start": "09:00", "end": "12:00"}]
DESK_HOURS: Final = [{"weekday": day, "start": "09:00", "end": "17:00"} for day in range(1, 6)]


@dataclass(frozen=True, slots=True)
class DemoAccount:
    role: str
    email: str
    what: str


def _address(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


# The accounts printed on start-up: one per role.
SHOWN: Final = (
    DemoAccount("organiser", _address("organiser"), "organises the demo fair"),
    DemoAccount("venue admin", _address("beijing.admin"), "Beijing sub-venue (verifies 110000)"),
    DemoAccount("venue admin", _address("hubei.admin"), "Hubei sub-venue (verifies 420000)"),
    DemoAccount("employer admin", _address("e001.admin"), "a Beijing employer; invites, staffs"),
    DemoAccount("recruiter", _address("e001.recruiter1"), "staffs that employer's booths"),
    DemoAccount("counsellor", _address("beijing.counsellor1"), "Beijing's guidance desks"),
    DemoAccount("candidate", _address("candidate"), "a job seeker"),
)


def demo_accounts_text() -> str:
    width = max(len(account.email) for account in SHOWN)
    lines = [f"Demo accounts (password {DEMO_PASSWORD}):"]
    lines += [f"  {account.role:<15} {account.email:<{width}}  {account.what}" for account in SHOWN]
    return "\n".join(lines)


_password_hashes: dict[str, str] = {}


async def demo_password_hash() -> str:
    """argon2id of :data:`DEMO_PASSWORD` (OWASP parameters), computed once per process."""
    if DEMO_PASSWORD not in _password_hashes:
        hasher = argon2.PasswordHasher(
            time_cost=3, memory_cost=65536, parallelism=4, type=argon2.Type.ID
        )
        _password_hashes[DEMO_PASSWORD] = await asyncio.to_thread(hasher.hash, DEMO_PASSWORD)
    return _password_hashes[DEMO_PASSWORD]


def structure() -> dict[str, Any]:
    text = (resources.files("server.demo") / "structure.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def slug(region_code: str | None) -> str:
    if region_code is None:
        return "main"
    if region_code == XPCC_CODE:
        return "xpcc"
    return re.sub(r"[^a-z]", "", region_by_code(region_code).en.lower())


def demo_credit_code(region_code: str, type_: str, number: int) -> str:
    """A valid code: market regulation (91) or a private non-enterprise unit (52), the
    province's capital-city division (the Corps registers in Xinjiang: 659001), and an
    "MA" organisation code with its GB 11714 check."""
    authority = "52" if type_ == "other" else "91"
    division = "659001" if region_code == XPCC_CODE else region_code[:2] + "0100"
    body = f"MA{number:06d}"
    return make_credit_code(authority[0], authority[1], division, body + organisation_check(body))


def demo_credit_codes(region_codes: list[str]) -> list[str]:
    return [
        demo_credit_code(region, type_, index * len(TYPES) + t + 1)
        for index, region in enumerate(region_codes)
        for t, type_ in enumerate(TYPES)
    ]


@dataclass(frozen=True, slots=True)
class StructureSummary:
    employers: int
    booths: int
    desks: int
    accounts: int

    def describe(self) -> str:
        return (
            f"{self.employers} employers, {self.booths} booths, {self.desks} guidance desks,"
            f" {self.accounts} demo accounts"
        )


class _Rows:
    """Collects rows for COPY."""

    def __init__(self, now: datetime, password_hash: str, names: tuple[list[str], list[str]]):
        self.now = now
        self.password_hash = password_hash
        self.surnames, self.given_names = names
        self.accounts: list[tuple[Any, ...]] = []
        self.grants: list[tuple[Any, ...]] = []
        self.employers: list[tuple[Any, ...]] = []
        self.booths: list[tuple[Any, ...]] = []
        self.staff: list[tuple[Any, ...]] = []
        self.hours: dict[str, list[UUID]] = {}
        self.slot_settings: list[tuple[Any, ...]] = []

    def account(self, local: str, name: str | None = None) -> UUID:
        account_id = uuid7()
        n = len(self.accounts)
        display = name or (
            self.surnames[n % len(self.surnames)]
            + self.given_names[(n * 7) % len(self.given_names)]
        )
        self.accounts.append((account_id, _address(local), self.password_hash, display, self.now))
        return account_id

    def grant(self, account_id: UUID, role: str, scope_type: str, scope_id: UUID | None) -> None:
        self.grants.append((uuid7(), account_id, role, scope_type, scope_id, self.now))

    def booth(
        self,
        *,
        fair_id: UUID,
        venue_id: UUID,
        kind: str,
        employer_id: UUID | None,
        title: str,
        intro: str,
        capacity: int,
        slot_minutes: int,
        hours: list[dict[str, Any]],
        approved_by: UUID,
        staff: list[UUID],
        reservations: bool = False,
    ) -> None:
        booth_id = uuid7()
        if reservations:  # the defaults a booth gets when it turns reservations on
            values = settings_values(SlotSettings(enabled=True))
            self.slot_settings.append((booth_id, *values, approved_by, self.now))
        self.booths.append(
            (
                booth_id,
                fair_id,
                venue_id,
                kind,
                employer_id,
                title,
                intro,
                capacity,
                slot_minutes,
                "approved",
                approved_by,
                self.now,
                self.now,
                self.now,
            )
        )
        self.staff += [(booth_id, account, approved_by, self.now) for account in staff]
        # COPY's binary format has no jsonb encoder: hours are set per distinct value.
        self.hours.setdefault(json.dumps(hours), []).append(booth_id)


async def load_structure(conn: Connection, *, fair_id: UUID, now: datetime) -> StructureSummary:
    """Add the demo structure to the fair just loaded (call inside its transaction)."""
    data = structure()
    venues = [
        dict(row)
        for row in await conn.fetch(
            "SELECT id, region_code, name_zh FROM venues WHERE fair_id = $1 ORDER BY position",
            fair_id,
        )
    ]
    regions = [v["region_code"] for v in venues if v["region_code"] is not None]
    codes = demo_credit_codes(regions)
    await _remove_previous(conn, codes)

    rows = _Rows(now, await demo_password_hash(), (data["surnames"], data["given_names"]))
    organiser = rows.account("organiser")
    rows.grant(organiser, "organiser", "fair", fair_id)
    candidate = rows.account("candidate")
    rows.grant(candidate, "candidate", "platform", None)

    admin_of: dict[str | None, UUID] = {}
    venue_of: dict[str | None, UUID] = {}
    desks = 0
    for venue in venues:
        region = venue["region_code"]
        place = slug(region)
        admin = rows.account(f"{place}.admin")
        rows.grant(admin, "venue_admin", "venue", venue["id"])
        counsellors = [rows.account(f"{place}.counsellor{n}") for n in (1, 2)]
        for counsellor in counsellors:
            rows.grant(counsellor, "counsellor", "venue", venue["id"])
        admin_of[region] = admin
        venue_of[region] = venue["id"]
        for k, kind in enumerate(GUIDANCE_KINDS):
            desk = data["desks"][kind.value]
            rows.booth(
                fair_id=fair_id,
                venue_id=venue["id"],
                kind=kind.value,
                employer_id=None,
                title=desk["title"],
                intro=desk["intro"],
                capacity=30,
                slot_minutes=15,
                hours=DESK_HOURS,
                approved_by=admin,
                staff=[counsellors[k // 2]],
            )
            desks += 1

    brands: list[str] = data["brands"]
    number = 0
    for r, region in enumerate(regions):
        short = region_by_code(region).short_zh
        for t, type_ in enumerate(TYPES):
            template = data["templates"][type_][r % len(data["templates"][type_])]
            employer_id = uuid7()
            tag = f"e{number + 1:03d}"
            admin = rows.account(f"{tag}.admin")
            recruiters = [
                rows.account(f"{tag}.recruiter{n}") for n in range(1, RECRUITERS_PER_EMPLOYER + 1)
            ]
            rows.grant(admin, "employer_admin", "employer", employer_id)
            for recruiter in recruiters:
                rows.grant(recruiter, "recruiter", "employer", employer_id)
            brand = brands[(r * len(TYPES) + t) % len(brands)]
            name = f"{short}{brand}{template['suffix']}（示例）"
            rows.employers.append(
                (
                    employer_id,
                    name,
                    codes[number],
                    type_,
                    template["industry"],
                    region,
                    template["size"],
                    template["description"],
                    "",
                    admin,
                    now,
                    now,
                    now,
                    admin_of[region],
                )
            )
            number += 1
            venues_here: list[tuple[str | None, list[dict[str, Any]]]] = [(region, EMPLOYER_HOURS)]
            if type_ == "private" and r % 4 == 0:
                venues_here.append((None, MAIN_VENUE_HOURS))
            if type_ == "private" and region in FOR_HUBEI:
                venues_here.append((HUBEI, EMPLOYER_HOURS))
            for where, hours in venues_here:
                rows.booth(
                    fair_id=fair_id,
                    venue_id=venue_of[where],
                    kind="employer",
                    employer_id=employer_id,
                    title="",
                    intro=template["intro"],
                    capacity=template["capacity"],
                    slot_minutes=template["slot_minutes"],
                    hours=hours,
                    approved_by=admin_of[where],
                    staff=recruiters,
                    # Every third employer's booth in its own province takes reservations,
                    # so the demo shows booking a slot (docs/reservations.md).
                    reservations=where == region and number % 3 == 0,
                )

    await _copy(conn, rows)
    summary = StructureSummary(
        employers=len(rows.employers),
        booths=len(rows.booths) - desks,
        desks=desks,
        accounts=len(rows.accounts),
    )
    log.info("demo structure: %s", summary.describe())
    return summary


async def _remove_previous(conn: Connection, codes: list[str]) -> None:
    """Forget an earlier load's employers (and grants on them) and demo accounts."""
    await conn.execute(
        """
        DELETE FROM grants
         WHERE scope_type = 'employer'
           AND scope_id IN (SELECT id FROM employers WHERE credit_code = ANY($1::text[]))
        """,
        codes,
    )
    await conn.execute("DELETE FROM employers WHERE credit_code = ANY($1::text[])", codes)
    await conn.execute("DELETE FROM accounts WHERE email LIKE $1", f"%@{DEMO_DOMAIN}")


async def _copy(conn: Connection, rows: _Rows) -> None:
    await conn.copy_records_to_table(
        "accounts",
        records=rows.accounts,
        columns=["id", "email", "password_hash", "display_name", "created_at"],
    )
    await conn.copy_records_to_table(
        "grants",
        records=rows.grants,
        columns=["id", "account_id", "role", "scope_type", "scope_id", "created_at"],
    )
    await conn.copy_records_to_table(
        "employers",
        records=rows.employers,
        columns=[
            "id",
            "name",
            "credit_code",
            "type",
            "industry",
            "region_code",
            "size",
            "description",
            "website",
            "created_by",
            "created_at",
            "updated_at",
            "verified_at",
            "verified_by",
        ],
    )
    await conn.copy_records_to_table(
        "booths",
        records=rows.booths,
        columns=[
            "id",
            "fair_id",
            "venue_id",
            "kind",
            "employer_id",
            "title",
            "intro",
            "capacity",
            "slot_minutes",
            "status",
            "approved_by",
            "approved_at",
            "created_at",
            "updated_at",
        ],
    )
    for hours, booth_ids in rows.hours.items():
        await conn.execute(
            "UPDATE booths SET hours = $1 WHERE id = ANY($2::uuid[])", json.loads(hours), booth_ids
        )
    await conn.copy_records_to_table(
        "booth_slot_settings",
        records=rows.slot_settings,
        columns=[
            "booth_id",
            *(c.strip() for c in SETTINGS_COLUMNS.split(",")),
            "updated_by",
            "updated_at",
        ],
    )
    await conn.copy_records_to_table(
        "booth_staff",
        records=rows.staff,
        columns=["booth_id", "account_id", "assigned_by", "assigned_at"],
    )
