"""The demo fair's jobs: dozens per province, every category, posted by that province's
demo employers.

Each province gets :data:`PER_CATEGORY` jobs of every category from the catalogue below
(titles, a monthly salary band or 面议, the education asked for, the key groups it suits,
whether it is an urgent-shortage trade). Salaries follow a rough regional wage level so
Shanghai pays more than Gansu. A job goes to the province's employer whose industry
fits the category best, else to its private employer (every firm needs an accountant).
Jobs are inserted with their search documents; the demo employers are indexed too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from uuid import UUID

from server.domain.jobs import Category, Education, KeyGroup
from server.domain.regions import region_by_code
from server.ids import uuid7
from server.store import search as search_store
from server.store.db import Connection

PER_CATEGORY: Final = 2

# Wage level against the national middle (1.0), by province (GB/T 2260 first two digits).
WAGE_LEVEL: Final[dict[str, float]] = {
    "11": 1.45, "31": 1.45, "44": 1.25, "33": 1.25, "32": 1.2, "12": 1.15, "35": 1.1,
    "37": 1.0, "42": 1.0, "50": 1.0, "51": 0.95, "43": 0.95, "34": 0.95, "61": 0.9,
    "36": 0.9, "41": 0.9, "13": 0.9, "21": 0.9, "14": 0.85, "45": 0.85, "53": 0.85,
    "52": 0.85, "22": 0.85, "23": 0.85, "15": 0.9, "46": 0.95, "54": 0.95, "62": 0.8,
    "63": 0.85, "64": 0.85, "65": 0.9, "66": 0.9,
}  # fmt: skip

G, P, U, L, S = (
    KeyGroup.GRADUATES,
    KeyGroup.POVERTY_STRICKEN,
    KeyGroup.UNEMPLOYED,
    KeyGroup.LAID_OFF,
    KeyGroup.STRUGGLING_ENTERPRISE_STAFF,
)
E = Education


@dataclass(frozen=True, slots=True)
class Vacancy:
    title: str
    salary: tuple[int, int] | None  # national-middle CNY per month; None: 面议
    education: Education
    groups: tuple[KeyGroup, ...]
    duty: str
    urgent: bool = False
    openings: int = 2


CATALOGUE: Final[dict[Category, tuple[Vacancy, ...]]] = {
    Category.TECHNOLOGY: (
        Vacancy(
            "Java开发工程师",
            (9000, 15000),
            E.BACHELOR,
            (G,),
            "参与后端服务设计与开发，熟悉Spring与MySQL",
        ),
        Vacancy(
            "软件测试工程师", (7000, 11000), E.ASSOCIATE, (G,), "编写测试用例，执行功能与接口测试"
        ),
        Vacancy(
            "运维工程师", (8000, 13000), E.ASSOCIATE, (G, L), "负责服务器与网络的日常运维和监控"
        ),
    ),
    Category.ENGINEERING: (
        Vacancy("机电工程师", (8000, 12000), E.BACHELOR, (G,), "负责自动化产线的设备调试与改造"),
        Vacancy("电气工程师", (8000, 13000), E.BACHELOR, (G,), "负责供配电系统设计与运行维护"),
        Vacancy(
            "质量工程师", (7000, 10000), E.ASSOCIATE, (G, L), "建立并维护质量管理体系，处理客户投诉"
        ),
    ),
    Category.MANUFACTURING: (
        Vacancy(
            "焊工",
            (6000, 9000),
            E.ANY,
            (P, U, L),
            "持证上岗，从事钢结构焊接",
            urgent=True,
            openings=10,
        ),
        Vacancy(
            "数控车工",
            (6000, 9500),
            E.SECONDARY_VOCATIONAL,
            (U, L),
            "操作数控车床加工零件，会看图纸",
            urgent=True,
            openings=8,
        ),
        Vacancy("普工", (4500, 6500), E.ANY, (P, U, S), "流水线装配，包吃住，长白班", openings=30),
    ),
    Category.SALES: (
        Vacancy(
            "销售代表",
            (5000, 12000),
            E.ASSOCIATE,
            (G, U),
            "开拓区域客户，完成销售目标，底薪加提成",
            openings=5,
        ),
        Vacancy("大客户经理", None, E.BACHELOR, (), "维护重点客户关系，负责项目商务谈判"),
        Vacancy("市场专员", (5500, 8000), E.BACHELOR, (G,), "策划线上线下推广活动"),
    ),
    Category.FINANCE: (
        Vacancy("会计", (5500, 8500), E.ASSOCIATE, (G, L), "负责日常会计核算、纳税申报和报表编制"),
        Vacancy("出纳", (4500, 6500), E.ASSOCIATE, (G, U), "负责现金与银行收付、票据管理"),
        Vacancy("财务主管", None, E.BACHELOR, (), "主持财务部工作，具备中级会计职称"),
    ),
    Category.ADMINISTRATION: (
        Vacancy(
            "行政文员", (4000, 6000), E.ASSOCIATE, (G, U, L), "负责文件收发、会议安排与办公用品管理"
        ),
        Vacancy("人事专员", (5000, 7500), E.BACHELOR, (G,), "负责招聘、入离职手续和社保办理"),
        Vacancy("前台接待", (3800, 5000), E.SENIOR_HIGH, (U, S), "来访接待、电话转接，形象端庄"),
    ),
    Category.CUSTOMER_SERVICE: (
        Vacancy(
            "客服专员",
            (4200, 6000),
            E.SENIOR_HIGH,
            (G, P, U),
            "通过电话与在线渠道解答客户咨询",
            openings=10,
        ),
        Vacancy(
            "售后服务工程师",
            (5500, 8000),
            E.SECONDARY_VOCATIONAL,
            (L,),
            "上门安装调试设备，处理售后问题",
        ),
        Vacancy("客服主管", (6500, 9000), E.ASSOCIATE, (), "带领客服团队，提升满意度"),
    ),
    Category.LOGISTICS: (
        Vacancy(
            "配送员",
            (5500, 9000),
            E.ANY,
            (P, U, L),
            "同城快件配送，多劳多得",
            urgent=True,
            openings=20,
        ),
        Vacancy(
            "仓库管理员", (4500, 6500), E.SENIOR_HIGH, (U, S), "负责出入库登记、盘点与库位管理"
        ),
        Vacancy(
            "货车司机",
            (7000, 11000),
            E.ANY,
            (U, L),
            "持A2或B2驾照，负责干线运输",
            urgent=True,
            openings=6,
        ),
    ),
    Category.HOSPITALITY: (
        Vacancy(
            "厨师", (5000, 8000), E.ANY, (P, U), "负责热菜烹饪，有中式烹调师证优先", openings=4
        ),
        Vacancy(
            "餐厅服务员", (3800, 5000), E.ANY, (P, U, S), "点餐传菜、餐区清洁，提供食宿", openings=8
        ),
        Vacancy("酒店前台", (4000, 5500), E.SENIOR_HIGH, (G, U), "办理入住退房，处理宾客需求"),
    ),
    Category.RETAIL_SERVICE: (
        Vacancy("门店店长", (6000, 9000), E.ASSOCIATE, (L,), "负责门店经营、排班与库存"),
        Vacancy(
            "家政服务员",
            (4500, 7000),
            E.ANY,
            (P, U, L),
            "提供家庭保洁与照料服务，岗前免费培训",
            urgent=True,
            openings=10,
        ),
        Vacancy(
            "收银员", (3500, 4800), E.SENIOR_HIGH, (P, U, S), "负责收银结算、商品整理", openings=6
        ),
    ),
    Category.CONSTRUCTION: (
        Vacancy("土木工程师", (7500, 11000), E.BACHELOR, (G,), "负责施工现场技术管理与质量控制"),
        Vacancy("安全员", (5500, 8000), E.ASSOCIATE, (L,), "施工现场安全检查，持安全员C证"),
        Vacancy(
            "电工",
            (6000, 9000),
            E.SECONDARY_VOCATIONAL,
            (U, L),
            "持低压电工证，负责施工用电",
            urgent=True,
            openings=6,
        ),
    ),
    Category.HEALTHCARE: (
        Vacancy(
            "护士",
            (5500, 8500),
            E.ASSOCIATE,
            (G,),
            "持护士执业证书，负责病区护理",
            urgent=True,
            openings=6,
        ),
        Vacancy(
            "养老护理员",
            (4500, 6500),
            E.SECONDARY_VOCATIONAL,
            (P, U, L),
            "照护失能老人日常起居",
            urgent=True,
            openings=10,
        ),
        Vacancy("康复治疗师", (6000, 9000), E.BACHELOR, (G,), "开展运动与作业治疗，持康复治疗士证"),
    ),
    Category.EDUCATION: (
        Vacancy("培训讲师", (6000, 10000), E.BACHELOR, (G,), "讲授职业技能课程，编写教案"),
        Vacancy("教务专员", (4500, 6500), E.ASSOCIATE, (G, U), "排课、学籍管理与学员服务"),
        Vacancy(
            "育婴员",
            (5000, 8000),
            E.SENIOR_HIGH,
            (P, U, L),
            "照护0到3岁婴幼儿，持育婴员证",
            urgent=True,
        ),
    ),
    Category.DESIGN_MEDIA: (
        Vacancy("平面设计师", (6000, 9000), E.ASSOCIATE, (G,), "完成宣传物料与电商页面设计"),
        Vacancy("新媒体运营", (5500, 8500), E.BACHELOR, (G,), "运营公众号与短视频账号，撰写文案"),
        Vacancy("视频剪辑师", (6000, 9000), E.ASSOCIATE, (G,), "拍摄与剪辑产品宣传视频"),
    ),
    Category.LEGAL_CONSULTING: (
        Vacancy(
            "法务专员", (6500, 10000), E.BACHELOR, (G,), "审核合同，处理劳动争议与知识产权事务"
        ),
        Vacancy("管理咨询顾问", None, E.MASTER, (), "为企业提供组织与流程改进方案"),
        Vacancy("劳动关系协调员", (5500, 8000), E.BACHELOR, (G, L), "协调劳动关系，受理员工诉求"),
    ),
    Category.AGRICULTURE: (
        Vacancy("农技员", (5000, 7500), E.ASSOCIATE, (G, P), "指导种植户科学施肥与病虫害防治"),
        Vacancy(
            "养殖技术员", (5000, 8000), E.SECONDARY_VOCATIONAL, (P, U), "负责畜禽饲养管理与防疫"
        ),
        Vacancy("农机操作手", (5500, 8500), E.ANY, (P, U), "驾驶维护收割机、播种机", urgent=True),
    ),
    Category.MANAGEMENT: (
        Vacancy("生产经理", None, E.BACHELOR, (), "统筹生产计划、成本与安全，五年以上经验"),
        Vacancy("项目经理", (12000, 20000), E.BACHELOR, (), "负责项目进度、质量与预算"),
        Vacancy(
            "储备干部",
            (5500, 8000),
            E.BACHELOR,
            (G,),
            "2020届毕业生轮岗培养，定向晋升门店或车间管理",
        ),
    ),
}

# Industries (GB/T 4754 sections) that post each category most naturally.
FITS: Final[dict[Category, tuple[str, ...]]] = {
    Category.TECHNOLOGY: ("I",),
    Category.ENGINEERING: ("C", "D"),
    Category.MANUFACTURING: ("C",),
    Category.SALES: ("F", "I"),
    Category.FINANCE: (),
    Category.ADMINISTRATION: (),
    Category.CUSTOMER_SERVICE: ("D", "F", "G"),
    Category.LOGISTICS: ("G", "F"),
    Category.HOSPITALITY: ("H",),
    Category.RETAIL_SERVICE: ("F", "O"),
    Category.CONSTRUCTION: ("E",),
    Category.HEALTHCARE: ("Q", "O"),
    Category.EDUCATION: ("P", "O"),
    Category.DESIGN_MEDIA: ("I", "F"),
    Category.LEGAL_CONSULTING: ("P",),
    Category.AGRICULTURE: ("O", "F"),
    Category.MANAGEMENT: ("C", "E"),
}


def _round(amount: float) -> int:
    return round(amount / 100.0) * 100


def _description(vacancy: Vacancy, employer_name: str, city: str) -> str:
    return (
        f"{employer_name}招聘{vacancy.title}。岗位职责：{vacancy.duty}。"
        f"工作地点：{city}。缴纳五险一金，法定节假日休息。本岗位为演示数据（示例）。"
    )


def plan(employers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The jobs of the demo employers (pure: rows to insert, deterministic)."""
    by_region: dict[str, list[dict[str, Any]]] = {}
    for employer in sorted(employers, key=lambda e: (e["region_code"], e["name"])):
        by_region.setdefault(employer["region_code"], []).append(employer)
    jobs: list[dict[str, Any]] = []
    for r, (region, local) in enumerate(sorted(by_region.items())):
        level = WAGE_LEVEL.get(region[:2], 1.0)
        city = region_by_code(region).short_zh
        private = next((e for e in local if e["type"] == "private"), local[0])
        for c, (category, vacancies) in enumerate(CATALOGUE.items()):
            fitting = [e for e in local if e["industry"] in FITS[category]] or [private]
            for k in range(PER_CATEGORY):
                vacancy = vacancies[(r + c + k) % len(vacancies)]
                employer = fitting[(r + k) % len(fitting)]
                salary = vacancy.salary
                jobs.append(
                    {
                        "employer_id": employer["id"],
                        "title": vacancy.title,
                        "openings": vacancy.openings + (r + k) % 3,
                        "salary_negotiable": salary is None,
                        "salary_min": None if salary is None else _round(salary[0] * level),
                        "salary_max": None if salary is None else _round(salary[1] * level),
                        "education": vacancy.education.value,
                        "region_code": region,
                        "category": category.value,
                        "urgent_shortage": vacancy.urgent,
                        "industry": employer["industry"],
                        "key_groups": [g.value for g in vacancy.groups],
                        "description": _description(vacancy, employer["name"], city),
                    }
                )
    return jobs


@dataclass(frozen=True, slots=True)
class JobsSummary:
    jobs: int
    regions: int


async def load_jobs(conn: Connection, *, fair_id: UUID, now: datetime) -> JobsSummary:
    """Post the demo jobs for the fair's demo employers (those with a booth in it)."""
    employers = [
        dict(row)
        for row in await conn.fetch(
            """SELECT DISTINCT e.id, e.name, e.type, e.industry, e.region_code
                 FROM employers e JOIN booths b ON b.employer_id = e.id
                WHERE b.fair_id = $1""",
            fair_id,
        )
    ]
    await search_store.index_unindexed_employers(conn)
    names = {e["id"]: (e["name"], e["type"]) for e in employers}
    jobs = plan(employers)
    records = []
    for job in jobs:
        job_id = uuid7()
        document = search_store.job_document(job, *names[job["employer_id"]])
        records.append((job_id, fair_id, now, *(job[name] for name in _COLUMNS), document))
    await conn.executemany(
        f"""INSERT INTO jobs (id, fair_id, created_at, updated_at, {", ".join(_COLUMNS)}, search)
            VALUES ($1, $2, $3, $3, {", ".join(f"${n}" for n in range(4, 4 + len(_COLUMNS)))},
                    ${4 + len(_COLUMNS)}::text::tsvector)""",
        records,
    )
    return JobsSummary(jobs=len(jobs), regions=len({j["region_code"] for j in jobs}))


_COLUMNS: Final = ("employer_id", "title", "openings", "salary_negotiable", "salary_min",
                   "salary_max", "education", "region_code", "category", "urgent_shortage",
                   "industry", "key_groups", "description")  # fmt: skip
