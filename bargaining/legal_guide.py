"""The legal guide page every warning, refusal and deadline of bargaining links to
(``legal_sources.guide_url``): one section per rule, in the order of SOURCES. The demo seeds it
as a cms LegalGuidePage (slug ``legal_sources.GUIDE_SLUG``); staff may edit it afterwards."""

from __future__ import annotations

from bargaining.legal_sources import GUIDE_SLUG

# key: (Chinese heading, Chinese text, English heading, English text)
SECTIONS = [
    (
        "集体合同规定第十九条至第二十四条：协商代表",
        "双方协商代表人数对等，每方至少3名，各确定1名首席代表。工会一方首席代表由工会主席担任，"
        "工会主席可以书面委托其他协商代表代理；用人单位一方首席代表由其法定代表人担任或者书面"
        "委托。双方可以书面委托本单位以外的专业人员作为协商代表，但不得超过本方代表的三分之一，"
        "首席代表不得由非本单位人员代理。任何人不得同时代表双方。",
        "Collective Contract Provisions arts. 19-24: representatives",
        "Both sides have the same number of representatives, at least three, each with one "
        "chief. The union's chief is its chair, or someone the chair delegates in writing; the "
        "employer's chief is its legal representative or someone delegated in writing. Outside "
        "experts may be at most one third of a side and never its chief. Nobody represents both "
        "sides.",
    ),
    (
        "集体合同规定第三十二条：二十日内书面回应",
        "一方书面提出集体协商要求的，另一方应当自收到要求之日起20日内书面回应。期限从对方"
        "实际收到之日起算（默认为发出之日，工作人员可注明理由后更正）；期限最后一日是法定休假日"
        "的，顺延至其后第一个工作日（民法典第二百零三条）。逾期回应会被标注。",
        "Collective Contract Provisions art. 32: an answer within 20 days",
        "A written request for bargaining must be answered in writing within 20 days of the day "
        "it was received (by default the day it was sent; staff may correct it with a reason). "
        "A last day that falls on a day of rest moves to the next working day (Civil Code "
        "art. 203). A late answer is flagged.",
    ),
    (
        "集体合同规定第三十六条：职工代表大会或者全体职工讨论通过",
        "集体合同草案提交职工代表大会或者全体职工讨论，不是只由工会会员表决。应有三分之二以上"
        "职工代表或者职工出席，且须经全体职工代表半数以上或者全体职工半数以上同意方获通过。"
        "“以上”包括本数（民法典第一千二百五十九条）：恰好三分之二出席、恰好半数同意即可通过。"
        "没有账号的职工凭短信验证码投票。",
        "Collective Contract Provisions art. 36: adopted by the congress or all workers",
        "A draft goes to the workers' congress or to all the workers it covers, never to the "
        "union's members alone. It passes when at least two thirds of them attend and at least "
        'half of ALL of them approve. "At least" includes the number itself (Civil Code '
        "art. 1259): exactly two thirds attending and exactly half approving suffice. Workers "
        "without an account vote with a code sent by SMS.",
    ),
    (
        "集体合同规定第三十八条：合同期限与续订",
        "集体合同期限一般为1至3年；协商一致的期限条款与合同期限必须一致，超出1至3年的期限须由"
        "首席代表或工作人员注明理由确认，不会被自动改写。期满前3个月内任何一方均可要求续订；"
        "更早提出的，依第三十二条可以随时要求协商，系统注明后受理。",
        "Collective Contract Provisions art. 38: term and renewal",
        "A contract generally runs one to three years. The agreed term item and the contract's "
        "term must be the same; a term outside one to three years needs a confirmation with a "
        "reason and is never silently changed. Either side may ask for renewal in the last "
        "three months; an earlier request is accepted with a note (art. 32).",
    ),
    (
        "集体合同规定第四十二条、第四十六条、第四十七条：报送审查",
        "双方首席代表签字之日起10日内，由用人单位一方将文本一式三份报送劳动保障行政部门审查。"
        "劳动保障行政部门自收到文本之日起15日内未提出异议的，集体合同即行生效；提出异议的，"
        "双方只就异议事项重新协商。",
        "Collective Contract Provisions arts. 42, 46, 47: filing and review",
        "Within 10 days of the chiefs' signatures the employer side submits the text in three "
        "copies to the labour administration. If it raises no objection within 15 days of "
        "receiving the text, the contract takes effect; after an objection only the items "
        "objected to are bargained again.",
    ),
    (
        "劳动合同法第五十五条：不得低于最低标准",
        "集体合同中劳动报酬和劳动条件等标准不得低于当地人民政府规定的最低标准。约定事项突破"
        "强制性底线（最低工资、劳动关系劳动者的加班工资、20分钟休息）的，不能生成合同草案。",
        "Labour Contract Law art. 55: never below the legal minimum",
        "Collective standards of pay and working conditions may not be below the local legal "
        "minimum. A contract whose agreed items break a mandatory floor (minimum wage, overtime "
        "premiums for workers with a labour relationship, the 20-minute break) cannot be "
        "drafted.",
    ),
    (
        "最低工资规定第十二条：计件单价",
        "计件单价乘以每小时单量不得低于小时最低工资；有上传的劳动者效率样本时，按最慢的十分之一"
        "劳动者的速度计算，并在提示中注明所用速度。",
        "Minimum Wage Provisions art. 12: piece rates",
        "A piece rate times the pieces per hour may not be below the hourly minimum wage; with "
        "an uploaded throughput sample, the pace of the slowest tenth of the workers is used, "
        "and the warning says which pace.",
    ),
    (
        "劳动法第四十四条：加班、休息日和法定节假日工资",
        "对建立劳动关系的劳动者：延长工作时间不低于150%；休息日工作又不能安排补休的不低于"
        "200%；法定休假日不低于300%。对其他劳动者，实施方案要求节假日报酬高于正常报酬。"
        "每个条款写明适用的劳动者类型。",
        "Labour Law art. 44: overtime, rest days and holidays",
        "For workers with a labour relationship: extended hours at least 150 %, rest-day work "
        "without compensatory rest at least 200 %, statutory holidays at least 300 %. For other "
        "workers the plan asks holiday pay above normal pay. Each clause says which workers it "
        "covers.",
    ),
    (
        "实施方案第二部分：休息、劳动定额与在线时长",
        "连续在线工作超过4小时的，应有不少于20分钟的休息（两个数字都检查）；劳动定额应使同岗位"
        "90%以上劳动者在法定工作时间内能够完成；平台应当合理管控在线工作时长。",
        "City implementation plan §2: breaks, quotas and online time",
        "More than 4 continuous hours online needs a break of at least 20 minutes (both numbers "
        "are checked); a quota must be one that 90 % of workers finish within legal hours; "
        "platforms reasonably control online working time.",
    ),
    (
        "实施方案第三部分：意外伤害保险补贴",
        "人力资源社会保障部门对灵活就业人员的意外伤害保险给予每人每年最高100元的补贴。这是公共"
        "补贴的上限，不限制平台支付的金额。",
        "City implementation plan §3: accident-insurance subsidy",
        "The human-resources bureau subsidises flexible workers' accident insurance with up to "
        "100 yuan per person per year. That caps the public subsidy, not what a platform pays.",
    ),
    (
        "全国年节及纪念日放假办法：节假日与调休",
        "节假日和调休工作日按国务院办公厅每年公布的安排（chinese-calendar 数据），尚未收录的"
        "年份由工作人员在后台录入。",
        "Regulations on National Annual Holidays: holidays and adjusted working days",
        "Holidays and adjusted working days follow the State Council's yearly arrangement (the "
        "chinese-calendar data); staff enter a year it does not cover yet in the admin.",
    ),
]


def _body(language: str) -> list[dict]:
    blocks = []
    for zh_heading, zh_text, en_heading, en_text in SECTIONS:
        heading, text = (zh_heading, zh_text) if language == "zh" else (en_heading, en_text)
        blocks.append({"type": "heading", "value": {"text": heading[:120], "level": "h2"}})
        blocks.append({"type": "paragraph", "value": f"<p>{text}</p>"})
    return blocks


GUIDE = {
    "slug": GUIDE_SLUG,
    "topic": "platform_rules",
    "bargaining_topic": "",
    "zh": {
        "title": "集体协商与集体合同的法律依据",
        "intro": "协商室、合同页面上的每条提示、拒绝和期限，都在这里说明依据。",
        "body": _body("zh"),
    },
    "en": {
        "title": "The law behind collective bargaining and contracts",
        "intro": "Every warning, refusal and deadline in the bargaining room and on the contract "
        "page is explained here, with its source.",
        "body": _body("en"),
    },
}
