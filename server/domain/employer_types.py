"""Employer types (the campaign counts 民营企业 and 中小微企业 apart): names for search."""

from __future__ import annotations

from typing import Final

# Zh and en names; clients carry their own copies in the i18n catalogues
# (structure.type.*). Searching "民营" finds private enterprises and their jobs.
EMPLOYER_TYPE_NAMES: Final[dict[str, tuple[str, str]]] = {
    "private": ("民营企业", "Private enterprise"),
    "sme": ("中小企业", "Small or medium enterprise"),
    "micro": ("小微企业", "Micro or small enterprise"),
    "state": ("国有企业", "State-owned enterprise"),
    "other": ("其他", "Other"),
}
