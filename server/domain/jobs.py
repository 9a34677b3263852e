"""Jobs: the vocabulary a vacancy is described in, and its salary rule (pure).

Every enum value here is what the API sends and stores; clients map it to text (the
Chinese and English names below are the reference for the catalogues and docs/jobs.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from server.domain.industries import INDUSTRIES

SALARY_CEILING: Final = 1_000_000  # CNY per month; anything above is a typo


class Education(StrEnum):
    """The Chinese education ladder, lowest first; a job states the minimum it asks for."""

    ANY = "any"  # 不限
    JUNIOR_MIDDLE = "junior_middle"  # 初中
    SENIOR_HIGH = "senior_high"  # 高中
    SECONDARY_VOCATIONAL = "secondary_vocational"  # 中专/中技
    ASSOCIATE = "associate"  # 大专
    BACHELOR = "bachelor"  # 本科
    MASTER = "master"  # 硕士
    DOCTORATE = "doctorate"  # 博士


EDUCATION_LADDER: Final[tuple[Education, ...]] = tuple(Education)

EDUCATION_NAMES: Final[dict[Education, tuple[str, str]]] = {
    Education.ANY: ("不限", "Any"),
    Education.JUNIOR_MIDDLE: ("初中", "Junior middle school"),
    Education.SENIOR_HIGH: ("高中", "Senior high school"),
    Education.SECONDARY_VOCATIONAL: ("中专/中技", "Secondary vocational school"),
    Education.ASSOCIATE: ("大专", "Associate degree"),
    Education.BACHELOR: ("本科", "Bachelor's degree"),
    Education.MASTER: ("硕士", "Master's degree"),
    Education.DOCTORATE: ("博士", "Doctorate"),
}


def open_to(holder: Education) -> tuple[Education, ...]:
    """The requirements a holder of ``holder`` meets: every rung up to theirs.

    ``secondary_vocational`` and ``senior_high`` are parallel tracks in practice; the
    ladder treats vocational as the higher rung, which is how job sites filter too.
    """
    return EDUCATION_LADDER[: EDUCATION_LADDER.index(holder) + 1]


class Category(StrEnum):
    """Job function. 急需紧缺 (urgent shortage) is a flag beside it, not a category: an
    urgently needed welder is still in manufacturing."""

    TECHNOLOGY = "technology"
    ENGINEERING = "engineering"
    MANUFACTURING = "manufacturing"
    SALES = "sales"
    FINANCE = "finance"
    ADMINISTRATION = "administration"
    CUSTOMER_SERVICE = "customer_service"
    LOGISTICS = "logistics"
    HOSPITALITY = "hospitality"
    RETAIL_SERVICE = "retail_service"
    CONSTRUCTION = "construction"
    HEALTHCARE = "healthcare"
    EDUCATION = "education"
    DESIGN_MEDIA = "design_media"
    LEGAL_CONSULTING = "legal_consulting"
    AGRICULTURE = "agriculture"
    MANAGEMENT = "management"


CATEGORY_NAMES: Final[dict[Category, tuple[str, str]]] = {
    Category.TECHNOLOGY: ("技术研发/IT", "Technology and IT"),
    Category.ENGINEERING: ("工程技术", "Engineering"),
    Category.MANUFACTURING: ("生产制造/技工", "Manufacturing and skilled trades"),
    Category.SALES: ("销售/市场", "Sales and marketing"),
    Category.FINANCE: ("财务/会计/金融", "Finance and accounting"),
    Category.ADMINISTRATION: ("行政/人事/文职", "Administration and HR"),
    Category.CUSTOMER_SERVICE: ("客服", "Customer service"),
    Category.LOGISTICS: ("物流/运输/仓储", "Logistics and transport"),
    Category.HOSPITALITY: ("餐饮/酒店/旅游", "Catering, hotels and tourism"),
    Category.RETAIL_SERVICE: ("零售/生活服务", "Retail and personal services"),
    Category.CONSTRUCTION: ("建筑/房地产", "Construction and real estate"),
    Category.HEALTHCARE: ("医疗/护理", "Healthcare and nursing"),
    Category.EDUCATION: ("教育/培训", "Education and training"),
    Category.DESIGN_MEDIA: ("设计/文化传媒", "Design and media"),
    Category.LEGAL_CONSULTING: ("法律/咨询", "Legal and consulting"),
    Category.AGRICULTURE: ("农林牧渔", "Agriculture"),
    Category.MANAGEMENT: ("经营管理", "Management"),
}

URGENT_SHORTAGE_NAME: Final = ("急需紧缺", "Urgent shortage")


class KeyGroup(StrEnum):
    """The notice's key groups (重点群体: 服务对象 and 暖心送岗): whom a job or a featured
    session (``target_groups``, scheduler/sessions.py) is aimed at."""

    GRADUATES = "graduates"  # 2020届高校毕业生
    POVERTY_STRICKEN = "poverty_stricken"  # 贫困劳动力
    UNEMPLOYED = "unemployed"  # 登记失业人员
    LAID_OFF = "laid_off"  # 下岗（待岗）职工
    STRUGGLING_ENTERPRISE_STAFF = "struggling_enterprise_staff"  # 困难企业职工


class JobStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


INDUSTRY_SECTIONS: Final = tuple(INDUSTRIES)  # GB/T 4754-2017, as employers use


class SalaryError(ValueError):
    """An impossible salary; ``code`` is the stable error code."""

    code = "job.salary_range"


@dataclass(frozen=True, slots=True)
class Salary:
    """CNY per month: a range, or negotiable (面议) with no amounts."""

    negotiable: bool
    min: int | None
    max: int | None

    @classmethod
    def of(cls, negotiable: bool, low: int | None, high: int | None) -> Salary:
        if negotiable:
            if low is not None or high is not None:
                raise SalaryError("a negotiable (面议) salary has no amounts")
            return cls(True, None, None)
        if low is None or high is None:
            raise SalaryError("give both the lowest and the highest monthly salary, or 面议")
        if not (1 <= low <= SALARY_CEILING and 1 <= high <= SALARY_CEILING):
            raise SalaryError(f"monthly amounts run from 1 to {SALARY_CEILING} CNY")
        if low > high:
            raise SalaryError("the lowest salary is above the highest")
        return cls(False, low, high)

    def label_zh(self) -> str:
        """``6000-9000元/月``, or ``面议`` — for search documents and exports."""
        if self.negotiable:
            return "面议"
        return f"{self.min}-{self.max}元/月"
