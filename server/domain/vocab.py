"""Vocabularies that jobs and candidates share: the education ladder and key groups.

Clients map these values to text (the API never localises). Jobs (server/domain/jobs.py)
and candidate profiles both use them, so they live here once. A job may also ask for
``any`` education; a person always has a level, so :data:`EDUCATION` leaves it out.
"""

from __future__ import annotations

from typing import Final, Literal

# The Chinese education ladder, lowest first (初中, 高中, 中专/职高, 大专, 本科, 硕士, 博士).
Education = Literal[
    "junior_middle",
    "senior_high",
    "secondary_vocational",
    "associate",
    "bachelor",
    "master",
    "doctorate",
]
EDUCATION: Final[tuple[str, ...]] = (
    "junior_middle",
    "senior_high",
    "secondary_vocational",
    "associate",
    "bachelor",
    "master",
    "doctorate",
)

# The notice's key groups (重点群体): 2020 graduates, poverty-registered workers (建档立卡
# 贫困劳动力), the registered unemployed, laid-off or furloughed workers, and others.
# Declaring one is sensitive personal information under PIPL: separate consent.
KeyGroup = Literal[
    "graduate_2020", "poverty_registered", "registered_unemployed", "laid_off", "other"
]
KEY_GROUPS: Final[tuple[str, ...]] = (
    "graduate_2020",
    "poverty_registered",
    "registered_unemployed",
    "laid_off",
    "other",
)
