"""Provincial-level regions: the sub-venues of a national recruitment campaign.

The 2020 notice (人社部函〔2020〕53号) is addressed to the 31 mainland provinces,
autonomous regions and municipalities *and* the Xinjiang Production and
Construction Corps (新疆生产建设兵团); each of the 32 runs a sub-venue (分会场).
``REGIONS`` lists them with their GB/T 2260 administrative-division codes in the
standard's own order (which is ascending code order), followed by the Corps.

GB/T 2260 assigns no code to the Corps, which is not an administrative division.
Several national information systems (for example statistics and social-insurance
systems) give it the provincial prefix 66; livefair follows that convention and
uses ``XPCC_CODE = "660000"`` as its documented project code. It is not a
GB/T 2260 code and must not be exchanged with systems that expect one.

Hong Kong, Macau and Taiwan (GB/T 2260 codes 810000, 820000 and 710000) are not
sub-venues of the campaign and are deliberately absent.

``REGION_ORDER`` maps each code to its position so callers can sort by the
official order without relying on database collation.

This module is pure: standard library only, no I/O and no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "REGIONS",
    "REGION_ORDER",
    "XPCC_CODE",
    "Region",
    "is_region_code",
    "region_by_code",
]

XPCC_CODE: Final = "660000"
"""livefair's project code for the Xinjiang Production and Construction Corps (not GB/T 2260)."""


@dataclass(frozen=True, slots=True)
class Region:
    """One provincial-level sub-venue region."""

    code: str
    """Six-digit code: GB/T 2260 for provinces, ``XPCC_CODE`` for the Corps."""
    zh: str
    """Official name, e.g. ``北京市``, ``内蒙古自治区``."""
    en: str
    """English name, e.g. ``Beijing``, ``Inner Mongolia``."""
    short_zh: str
    """Short Chinese name, e.g. ``北京``, ``内蒙古``, ``新疆兵团``."""


REGIONS: Final[tuple[Region, ...]] = (
    Region("110000", "北京市", "Beijing", "北京"),
    Region("120000", "天津市", "Tianjin", "天津"),
    Region("130000", "河北省", "Hebei", "河北"),
    Region("140000", "山西省", "Shanxi", "山西"),
    Region("150000", "内蒙古自治区", "Inner Mongolia", "内蒙古"),
    Region("210000", "辽宁省", "Liaoning", "辽宁"),
    Region("220000", "吉林省", "Jilin", "吉林"),
    Region("230000", "黑龙江省", "Heilongjiang", "黑龙江"),
    Region("310000", "上海市", "Shanghai", "上海"),
    Region("320000", "江苏省", "Jiangsu", "江苏"),
    Region("330000", "浙江省", "Zhejiang", "浙江"),
    Region("340000", "安徽省", "Anhui", "安徽"),
    Region("350000", "福建省", "Fujian", "福建"),
    Region("360000", "江西省", "Jiangxi", "江西"),
    Region("370000", "山东省", "Shandong", "山东"),
    Region("410000", "河南省", "Henan", "河南"),
    Region("420000", "湖北省", "Hubei", "湖北"),
    Region("430000", "湖南省", "Hunan", "湖南"),
    Region("440000", "广东省", "Guangdong", "广东"),
    Region("450000", "广西壮族自治区", "Guangxi", "广西"),
    Region("460000", "海南省", "Hainan", "海南"),
    Region("500000", "重庆市", "Chongqing", "重庆"),
    Region("510000", "四川省", "Sichuan", "四川"),
    Region("520000", "贵州省", "Guizhou", "贵州"),
    Region("530000", "云南省", "Yunnan", "云南"),
    Region("540000", "西藏自治区", "Tibet", "西藏"),
    Region("610000", "陕西省", "Shaanxi", "陕西"),
    Region("620000", "甘肃省", "Gansu", "甘肃"),
    Region("630000", "青海省", "Qinghai", "青海"),
    Region("640000", "宁夏回族自治区", "Ningxia", "宁夏"),
    Region("650000", "新疆维吾尔自治区", "Xinjiang", "新疆"),
    Region(XPCC_CODE, "新疆生产建设兵团", "Xinjiang Production and Construction Corps", "新疆兵团"),
)

REGION_ORDER: Final[dict[str, int]] = {region.code: index for index, region in enumerate(REGIONS)}

_BY_CODE: Final[dict[str, Region]] = {region.code: region for region in REGIONS}


def is_region_code(code: str) -> bool:
    """Return whether ``code`` names one of the 32 sub-venue regions."""
    return code in _BY_CODE


def region_by_code(code: str) -> Region:
    """Return the region for ``code``; raise ``KeyError`` if it is not one of ``REGIONS``."""
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(
            f"unknown region code {code!r}: expected a GB/T 2260 province code "
            f"(e.g. '110000') or the Corps project code {XPCC_CODE!r}"
        ) from None
