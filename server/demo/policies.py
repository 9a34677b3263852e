"""The demo fair's policy catalogue: national policies and those of several provinces,
惠企 and 惠民, each with the notice's six fields filled in.

The national entries cite real 2020 documents; the provincial ones are examples built
on them — their amounts, agencies and time limits are illustrative, and their titles
say so （示例）. Each province also keeps one draft, so the editors' view has something
to publish.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID

from server.domain.policies import FIELD_NAMES, PolicyKind
from server.domain.regions import region_by_code
from server.ids import uuid7
from server.store import search as search_store
from server.store.db import Connection

REGIONS: Final = ("110000", "310000", "330000", "420000", "440000", "510000")


@dataclass(frozen=True, slots=True)
class Template:
    kind: PolicyKind
    title: str
    target_scope: str
    subsidy_standard: str
    procedure: str
    agency: str
    time_limit: str
    legal_basis: str


# {where}: the province's name; {agency}: its human resources and social security body.
TEMPLATES: Final = (
    Template(
        PolicyKind.EMPLOYER,
        "失业保险稳岗返还",
        "依法参加失业保险并足额缴费12个月以上，上年度未裁员或裁员率不高于{where}城镇调查失业率"
        "控制目标的企业；30人（含）以下的中小微企业，裁员率不高于企业职工总数20%。",
        "中小微企业按上年度实际缴纳失业保险费的100%返还，大型企业按50%返还。",
        "企业登录{where}人力资源和社会保障网上办事大厅“稳岗返还”模块申报，或由经办机构按大数据"
        "比对结果主动告知；经审核公示5个工作日无异议后拨付至企业对公账户。",
        "企业参保地社会保险经办机构（{agency}）",
        "自受理之日起15个工作日内审核完毕，公示结束后10个工作日内拨付。",
        "《人力资源社会保障部 财政部 国家发展改革委 工业和信息化部关于失业保险支持企业稳定"
        "就业岗位的通知》（人社部发〔2019〕23号）；《国务院办公厅关于应对新冠肺炎疫情影响强化"
        "稳就业举措的实施意见》（国办发〔2020〕6号）。",
    ),
    Template(
        PolicyKind.EMPLOYER,
        "阶段性减免企业社会保险费",
        "在{where}参加企业职工基本养老保险、失业保险、工伤保险的各类企业及以单位方式参保的"
        "个体工商户。",
        "2020年2月至6月免征中小微企业三项社会保险单位缴费部分；大型企业2月至4月减半征收。",
        "无需申请，由税务部门和社会保险经办机构直接按企业划型结果减免；企业可在电子税务局"
        "查询减免明细。",
        "{where}税务局、{agency}",
        "按月自动享受，无需等待审批。",
        "《人力资源社会保障部 财政部 税务总局关于阶段性减免企业社会保险费的通知》"
        "（人社部发〔2020〕11号）。",
    ),
    Template(
        PolicyKind.EMPLOYER,
        "一次性吸纳就业补贴",
        "招用毕业年度或离校2年内未就业高校毕业生、登记失业半年以上人员，签订1年以上劳动合同"
        "并按规定缴纳社会保险费的中小微企业。",
        "按每招用1人1000元的标准给予一次性补贴（示例标准，以当地文件为准）。",
        "企业在招用人员缴纳社会保险满3个月后，向经办机构提交申请表、劳动合同和银行账户信息；"
        "经办机构核验社保缴费记录后公示、拨付。",
        "企业所在地公共就业服务机构（{agency}）",
        "自受理之日起20个工作日内办结。",
        "《国务院办公厅关于应对新冠肺炎疫情影响强化稳就业举措的实施意见》（国办发〔2020〕6号）。",
    ),
    Template(
        PolicyKind.EMPLOYER,
        "以工代训补贴",
        "受疫情影响生产经营出现暂时困难、坚持不裁员或少裁员的中小微企业，以及吸纳就业困难"
        "人员、零就业家庭成员就业并开展以工代训的各类企业。",
        "按以工代训人数每人每月500元给予职业培训补贴，补贴期限最长6个月。",
        "企业按月汇总以工代训人员名单，经{where}就业培训信息系统提交；经办机构比对参保与在岗"
        "信息后拨付。",
        "{agency}职业能力建设处及各区县就业培训中心",
        "每季度集中审核拨付一次。",
        "《人力资源社会保障部 财政部关于实施企业稳岗扩岗专项支持计划的通知》"
        "（人社部发〔2020〕30号）。",
    ),
    Template(
        PolicyKind.PEOPLE,
        "创业担保贷款及贴息",
        "在{where}创业的城镇登记失业人员、就业困难人员、返乡创业农民工、高校毕业生、"
        "建档立卡贫困人口等重点群体，以及当年新招用符合条件人员达到一定比例的小微企业。",
        "个人最高可申请20万元、小微企业最高300万元的创业担保贷款；贷款利率在LPR基础上加点"
        "部分由财政贴息，疫情期间可申请展期1年。",
        "向创业所在地创业担保贷款经办机构提交身份证明、营业执照和创业计划书；担保机构"
        "审核、银行审贷后签订合同并放款。",
        "{agency}创业担保贷款经办窗口、各合作银行网点",
        "材料齐全的，自受理之日起10个工作日内完成担保审核。",
        "《财政部 人力资源社会保障部 中国人民银行关于进一步加大创业担保贷款贴息力度全力支持"
        "重点群体创业就业的通知》（财金〔2020〕21号）。",
    ),
    Template(
        PolicyKind.PEOPLE,
        "职业技能培训补贴",
        "在{where}参加职业技能培训并取得职业资格证书、职业技能等级证书或专项能力证书的城乡"
        "劳动者，重点面向农民工、登记失业人员、贫困劳动力和高校毕业生。",
        "按培训合格人数给予每人800元至3000元培训补贴，贫困劳动力培训期间另给予每人每天"
        "50元生活费补贴。",
        "劳动者在定点培训机构报名并完成培训、取得证书后，由本人或培训机构提交补贴申请；"
        "线上培训可通过职业技能提升平台申领。",
        "{agency}及各级公共就业服务机构",
        "自受理之日起30个工作日内拨付。",
        "《国务院办公厅关于印发职业技能提升行动方案（2019—2021年）的通知》（国办发〔2019〕24号）。",
    ),
    Template(
        PolicyKind.PEOPLE,
        "就业见习补贴",
        "离校2年内未就业高校毕业生和16至24岁失业青年，在{where}认定的就业见习基地参加见习。",
        "见习期间由见习单位按当地最低工资标准的60%以上发放基本生活补助；对见习期满留用率达到"
        "50%的见习单位，见习补贴标准提高10%。",
        "见习单位与见习人员签订见习协议并报备；见习结束后，见习单位持见习协议、生活补助发放"
        "记录申领补贴。",
        "见习基地所在地公共就业服务机构（{agency}）",
        "自受理之日起20个工作日内办结。",
        "《国务院办公厅关于应对新冠肺炎疫情影响强化稳就业举措的实施意见》（国办发〔2020〕6号）。",
    ),
    Template(
        PolicyKind.PEOPLE,
        "一次性求职创业补贴",
        "毕业年度内有就业创业意愿并积极求职创业的低保家庭、贫困残疾人家庭、建档立卡贫困家庭、"
        "特困人员中的高校毕业生，以及残疾和获得国家助学贷款的高校毕业生。",
        "每人一次性发放1500元求职创业补贴（示例标准，以当地文件为准）。",
        "学生本人通过所在高校就业信息网提交申请，高校初审公示后报人力资源社会保障部门复核，"
        "补贴直接发放至本人社会保障卡。",
        "毕业生所在高校就业指导中心、{agency}",
        "每年集中受理，复核后15个工作日内发放。",
        "《关于做好2020年全国普通高校毕业生就业创业工作的通知》（教学〔2019〕11号）；"
        "《国务院办公厅关于应对新冠肺炎疫情影响强化稳就业举措的实施意见》"
        "（国办发〔2020〕6号）。",
    ),
)
DRAFT_TITLE: Final = "返乡入乡创业补贴（征求意见稿）"


def _fill(template: Template, region: str | None) -> dict[str, str | None]:
    if region is None:
        where, agency = "各地", "各地人力资源和社会保障部门"
    else:
        name = region_by_code(region).zh
        where, agency = name, f"{name}人力资源和社会保障厅（局）"
    fields = {
        name: getattr(template, name).format(where=where, agency=agency) for name in FIELD_NAMES
    }
    title = (
        template.title
        if region is None
        else f"{region_by_code(region).short_zh}{template.title}（示例）"
    )
    return {"region_code": region, "kind": template.kind.value, "title": title, **fields}


def plan() -> list[tuple[dict[str, str | None], bool]]:
    """(policy fields, published) for the national list and each demo province."""
    policies: list[tuple[dict[str, str | None], bool]] = []
    for region in (None, *REGIONS):
        policies += [(_fill(template, region), True) for template in TEMPLATES]
        if region is not None:
            draft = _fill(TEMPLATES[3], region)
            draft["title"] = f"{region_by_code(region).short_zh}{DRAFT_TITLE}（示例）"
            draft["kind"] = PolicyKind.PEOPLE.value
            policies.append((draft, False))
    return policies


@dataclass(frozen=True, slots=True)
class PoliciesSummary:
    published: int
    drafts: int


async def load_policies(conn: Connection, *, fair_id: UUID, now: datetime) -> PoliciesSummary:
    organiser = await conn.fetchval(
        "SELECT account_id FROM grants WHERE role = 'organiser' AND scope_id = $1 LIMIT 1",
        fair_id,
    )
    columns = ("region_code", "kind", "title", *FIELD_NAMES)
    records = []
    planned = plan()
    for fields, published in planned:
        records.append(
            (
                uuid7(),
                fair_id,
                *(fields[name] for name in columns),
                "published" if published else "draft",
                now if published else None,
                organiser if published else None,
                organiser,
                now,
                search_store.policy_document(fields),
            )
        )
    await conn.executemany(
        f"""INSERT INTO policies (id, fair_id, {", ".join(columns)}, status, published_at,
                                  published_by, created_by, created_at, updated_by, updated_at,
                                  search)
            VALUES ($1, $2, {", ".join(f"${n}" for n in range(3, 3 + len(columns)))},
                    ${3 + len(columns)}, ${4 + len(columns)}, ${5 + len(columns)},
                    ${6 + len(columns)}, ${7 + len(columns)}, ${6 + len(columns)},
                    ${7 + len(columns)}, ${8 + len(columns)}::text::tsvector)""",
        records,
    )
    public = sum(1 for _, p in planned if p)
    return PoliciesSummary(published=public, drafts=len(planned) - public)
