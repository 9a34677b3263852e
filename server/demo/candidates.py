"""The demo fair's candidates: two job seekers per province with filled-in profiles.

They are demo accounts like the others (``candidate.<region>.<n>@`` :data:`DEMO_DOMAIN`,
password :data:`DEMO_PASSWORD`), removed and re-created with them. Some declare a key
group — with the separate consent recorded, and not shared with recruiters, as a real
candidate would start. The shown ``candidate@`` account gets a profile too. Names are
drawn from the structure's fictitious name lists; phone numbers are left empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID

from server.demo.employers import DEMO_DOMAIN, demo_password_hash, structure
from server.domain.profiles import EDUCATION, KEY_GROUPS
from server.domain.regions import REGIONS
from server.ids import uuid7
from server.store.db import Connection

PER_REGION: Final = 2
DESIRED: Final = (
    ("会计", "出纳"),
    ("软件测试", "Java 开发"),
    ("数控车工", "焊工"),
    ("销售代表", "客户经理"),
    ("护士",),
    ("物流专员", "仓库管理员"),
    ("行政文员", "人事专员"),
    ("小学教师", "培训讲师"),
    ("平面设计",),
    ("厨师", "酒店前台"),
)


@dataclass(frozen=True, slots=True)
class CandidateSummary:
    candidates: int
    with_key_groups: int


async def load_candidates(conn: Connection, *, now: datetime) -> CandidateSummary:
    """Create the demo candidates (the structure's demo accounts must be loaded first)."""
    names = structure()
    surnames: list[str] = names["surnames"]
    given: list[str] = names["given_names"]
    password_hash = await demo_password_hash()
    accounts: list[tuple[object, ...]] = []
    grants: list[tuple[object, ...]] = []
    profiles: list[tuple[object, ...]] = []
    with_groups = 0
    n = 0
    for region in REGIONS:
        for index in range(1, PER_REGION + 1):
            account_id = uuid7()
            name = surnames[(n * 3) % len(surnames)] + given[(n * 11 + 5) % len(given)]
            local = f"candidate.{region.code}.{index}"
            accounts.append((account_id, f"{local}@{DEMO_DOMAIN}", password_hash, name, now))
            grants.append((uuid7(), account_id, "candidate", "platform", None, now))
            groups = [KEY_GROUPS[n % len(KEY_GROUPS)]] if n % 3 == 0 else []
            with_groups += bool(groups)
            profiles.append(profile_row(account_id, name, region.code, n, groups, now))
            n += 1
    await conn.copy_records_to_table(
        "accounts",
        records=accounts,
        columns=["id", "email", "password_hash", "display_name", "created_at"],
    )
    await conn.copy_records_to_table(
        "grants",
        records=grants,
        columns=["id", "account_id", "role", "scope_type", "scope_id", "created_at"],
    )
    shown = await conn.fetchrow(
        "SELECT id, display_name FROM accounts WHERE email = $1", f"candidate@{DEMO_DOMAIN}"
    )
    if shown is not None:
        profiles.append(
            profile_row(shown["id"], shown["display_name"] or "示例求职者", "110000", 0, [], now)
        )
    await conn.copy_records_to_table(
        "candidate_profiles",
        records=profiles,
        columns=[
            "account_id",
            "name",
            "email",
            "region_code",
            "education",
            "graduation_year",
            "desired_jobs",
            "key_groups",
            "key_groups_consent_at",
            "updated_at",
        ],
    )
    return CandidateSummary(candidates=len(profiles), with_key_groups=with_groups)


def profile_row(
    account_id: UUID, name: str, region_code: str, n: int, groups: list[str], now: datetime
) -> tuple[object, ...]:
    education = EDUCATION[2 + n % (len(EDUCATION) - 2)]  # senior high and up
    graduated = 2020 if "graduates" in groups or n % 4 == 1 else 2012 + n % 8
    return (
        account_id,
        name,
        "",
        region_code,
        education,
        graduated,
        list(DESIRED[n % len(DESIRED)]),
        groups,
        now if groups else None,
        now,
    )
