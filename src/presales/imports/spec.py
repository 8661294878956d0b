"""What each kind of CRM file may hold, how its columns are recognised and how a cell becomes a
value (no database here).

A column is matched to a field by its header: the field's label in Chinese or English, its
name, or a header common in CRM exports (客户名称 / Account Name, 负责人 / Owner...), compared
without case, spaces or punctuation. Choice cells (industry, stage...) are read the same way: the
code, the label in either language, a common CRM wording (Closed Won / 赢单), or what the user
chose for that value on the mapping page (remembered per source).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales.customers.choices import CompanySize, ContactRole, CustomerStatus, Industry, Region
from presales.opportunities.choices import ProcurementMethod, Source, Stage

from .choices import ImportKind

TEXT, CHOICE, USER, TEAM, DECIMAL, DATE, BOOL, REF = (
    "text",
    "choice",
    "user",
    "team",
    "decimal",
    "date",
    "bool",
    "ref",
)


class CellError(ValueError):
    """A cell that cannot be read; the message is translated."""


@dataclass(frozen=True)
class Field:
    name: str
    label: object  # lazy translated
    type: str = TEXT
    required: bool = False  # needed to create a record (an update takes what the row has)
    synonyms: tuple[str, ...] = ()
    choices: type[models.TextChoices] | None = None
    # Common CRM wordings of choice values: {normalised wording: our code}.
    extra_values: dict[str, str] = field(default_factory=dict)
    max_length: int | None = None
    help: object = ""


def normalise(text) -> str:
    """Header or value as compared: NFKC (full-width → half-width), lower case, without spaces,
    underscores, hyphens, dots, slashes, colons, asterisks and brackets."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return re.sub(r"[\s_\-.:/*()\[\]【】<>]+", "", text)


# --- the fields of each kind ------------------------------------------------------------------

EXTERNAL_ID_HELP = gettext_lazy(
    "The record's id in the CRM: the same id updates the same record on every import."
)
OWNER_HELP = gettext_lazy(
    "A login or an e-mail address of a colleague (or a name mapped on the mapping page)."
)

STAGE_WORDINGS = {
    # Salesforce's default sales process and common Chinese CRM stage names.
    "prospecting": Stage.LEAD,
    "初步接洽": Stage.LEAD,
    "线索": Stage.LEAD,
    "初步沟通": Stage.LEAD,
    "验证客户": Stage.LEAD,
    "qualification": Stage.DISCOVERY,
    "needsanalysis": Stage.DISCOVERY,
    "需求确认": Stage.DISCOVERY,
    "需求分析": Stage.DISCOVERY,
    "需求调研": Stage.DISCOVERY,
    "valueproposition": Stage.SOLUTION,
    "iddecisionmakers": Stage.SOLUTION,
    "perceptionanalysis": Stage.SOLUTION,
    "方案报价": Stage.SOLUTION,
    "方案制定": Stage.SOLUTION,
    "方案阶段": Stage.SOLUTION,
    "proposalpricequote": Stage.SOLUTION,
    "演示": Stage.DEMO_POC,
    "poc": Stage.DEMO_POC,
    "测试验证": Stage.DEMO_POC,
    "招投标": Stage.BID,
    "投标": Stage.BID,
    "tender": Stage.BID,
    "negotiationreview": Stage.NEGOTIATION,
    "谈判审核": Stage.NEGOTIATION,
    "商务谈判": Stage.NEGOTIATION,
    "合同谈判": Stage.NEGOTIATION,
    "closedwon": Stage.WON,
    "赢单": Stage.WON,
    "成交": Stage.WON,
    "已成交": Stage.WON,
    "签约": Stage.WON,
    "closedlost": Stage.LOST,
    "输单": Stage.LOST,
    "丢单": Stage.LOST,
    "失败": Stage.LOST,
    "无效": Stage.ABANDONED,
    "放弃": Stage.ABANDONED,
    "closedabandoned": Stage.ABANDONED,
    "取消": Stage.ABANDONED,
}
SOURCE_WORDINGS = {
    "web": Source.INQUIRY,
    "网站": Source.INQUIRY,
    "客户来电": Source.INQUIRY,
    "inboundcall": Source.INQUIRY,
    "partnerreferral": Source.PARTNER,
    "渠道": Source.PARTNER,
    "合作伙伴": Source.PARTNER,
    "tradeshow": Source.EVENT,
    "展会": Source.EVENT,
    "seminar": Source.EVENT,
    "市场活动": Source.EVENT,
    "employeereferral": Source.NETWORK,
    "转介绍": Source.NETWORK,
    "老客户介绍": Source.NETWORK,
}
STATUS_WORDINGS = {
    "潜在客户": CustomerStatus.PROSPECT,
    "意向客户": CustomerStatus.PROSPECT,
    "成交客户": CustomerStatus.ACTIVE,
    "活跃": CustomerStatus.ACTIVE,
    "customer": CustomerStatus.ACTIVE,
    "沉睡客户": CustomerStatus.DORMANT,
    "休眠": CustomerStatus.DORMANT,
    "inactive": CustomerStatus.DORMANT,
}
REGION_WORDINGS = {
    "华北区": Region.NORTH,
    "华东区": Region.EAST,
    "华南区": Region.SOUTH,
    "华中区": Region.CENTRAL,
    "西南区": Region.SOUTHWEST,
    "西北区": Region.NORTHWEST,
    "东北区": Region.NORTHEAST,
    "华北": Region.NORTH,
    "华东": Region.EAST,
    "华南": Region.SOUTH,
    "华中": Region.CENTRAL,
    "西南": Region.SOUTHWEST,
    "西北": Region.NORTHWEST,
    "东北": Region.NORTHEAST,
    "海外": Region.OVERSEAS,
}
INDUSTRY_WORDINGS = {
    "电力": Industry.POWER, "电网": Industry.POWER, "能源": Industry.POWER, "公用事业": Industry.POWER,
    "utilities": Industry.POWER, "energy": Industry.POWER, "新能源": Industry.ENERGY_STORAGE,
    "储能系统": Industry.ENERGY_STORAGE, "机器人": Industry.ROBOTICS, "自动化": Industry.ROBOTICS,
    "智能制造": Industry.MANUFACTURING, "工业": Industry.MANUFACTURING, "材料": Industry.NEW_MATERIALS,
    "低空": Industry.LOW_ALTITUDE, "无人机": Industry.LOW_ALTITUDE, "evtol": Industry.LOW_ALTITUDE,
    "汽车制造": Industry.AUTOMOTIVE, "新能源汽车": Industry.AUTOMOTIVE, "银行": Industry.FINANCE,
    "保险": Industry.FINANCE, "证券": Industry.FINANCE, "banking": Industry.FINANCE, "insurance": Industry.FINANCE,
    "financialservices": Industry.FINANCE, "政府": Industry.GOVERNMENT, "政务": Industry.GOVERNMENT,
    "事业单位": Industry.GOVERNMENT, "publicsector": Industry.GOVERNMENT, "医疗": Industry.HEALTHCARE,
    "医院": Industry.HEALTHCARE, "高校": Industry.EDUCATION, "学校": Industry.EDUCATION, "电信": Industry.TELECOM,
    "运营商": Industry.TELECOM, "交通": Industry.TRANSPORT, "物流": Industry.TRANSPORT,
    "transportation": Industry.TRANSPORT, "电商": Industry.RETAIL, "technology": Industry.INTERNET,
    "软件": Industry.INTERNET, "it": Industry.INTERNET,
}
PROCUREMENT_WORDINGS = {
    "单一来源": ProcurementMethod.SINGLE_SOURCE, "竞谈": ProcurementMethod.COMPETITIVE_NEGOTIATION,
    "招标": ProcurementMethod.PUBLIC_TENDER, "邀标": ProcurementMethod.INVITED_TENDER,
    "直采": ProcurementMethod.DIRECT, "未知": ProcurementMethod.UNKNOWN,
}
ROLE_WORDINGS = {
    "决策人": ContactRole.DECISION_MAKER,
    "决策者": ContactRole.DECISION_MAKER,
    "技术": ContactRole.TECHNICAL,
    "使用者": ContactRole.END_USER,
    "用户": ContactRole.END_USER,
    "采购": ContactRole.PROCUREMENT,
}

CUSTOMER_FIELDS = (
    Field(
        "external_id",
        gettext_lazy("Customer ID (CRM)"),
        required=True,
        max_length=128,
        help=EXTERNAL_ID_HELP,
        synonyms=("客户id", "客户编号", "客户编码", "accountid", "account id", "crm id", "id", "编号"),
    ),
    Field(
        "name",
        gettext_lazy("Customer name"),
        required=True,
        max_length=200,
        synonyms=(
            "客户名称",
            "客户",
            "公司名称",
            "企业名称",
            "accountname",
            "account",
            "customer",
            "company",
        ),
    ),
    Field(
        "short_name", gettext_lazy("Short name"), max_length=64, synonyms=("简称", "客户简称", "shortname")
    ),
    Field(
        "industry",
        gettext_lazy("Industry"),
        CHOICE,
        required=True,
        choices=Industry,
        extra_values=INDUSTRY_WORDINGS,
        synonyms=("行业", "所属行业", "industry"),
    ),
    Field(
        "region",
        gettext_lazy("Region"),
        CHOICE,
        required=True,
        choices=Region,
        extra_values=REGION_WORDINGS,
        synonyms=("区域", "地区", "大区", "region", "territory"),
    ),
    Field(
        "size",
        gettext_lazy("Size"),
        CHOICE,
        choices=CompanySize,
        synonyms=("规模", "人员规模", "企业规模", "employees"),
    ),
    Field(
        "status",
        gettext_lazy("Status"),
        CHOICE,
        choices=CustomerStatus,
        extra_values=STATUS_WORDINGS,
        synonyms=("状态", "客户状态", "客户类型", "type", "accounttype"),
    ),
    Field("website", gettext_lazy("Website"), max_length=200, synonyms=("网址", "网站", "官网", "website")),
    Field(
        "address",
        gettext_lazy("Address"),
        max_length=255,
        synonyms=("地址", "详细地址", "公司地址", "billingaddress", "address"),
    ),
    Field("profile", gettext_lazy("Profile"), synonyms=("简介", "描述", "客户描述", "备注", "description")),
    Field(
        "sales_owner",
        gettext_lazy("Sales owner"),
        USER,
        required=True,
        help=OWNER_HELP,
        synonyms=("负责人", "客户负责人", "销售负责人", "销售", "accountowner", "owner", "salesowner"),
    ),
    Field(
        "presales_owner",
        gettext_lazy("Presales owner"),
        USER,
        required=True,
        help=OWNER_HELP,
        synonyms=("售前负责人", "售前", "售前接口人", "presalesowner", "presales"),
    ),
    Field("team", gettext_lazy("Presales team"), TEAM, synonyms=("售前团队", "团队", "所属团队", "team")),
    Field("confidential", gettext_lazy("Confidential"), BOOL, synonyms=("保密", "是否保密", "confidential")),
)

CONTACT_FIELDS = (
    Field(
        "external_id",
        gettext_lazy("Contact ID (CRM)"),
        required=True,
        max_length=128,
        help=EXTERNAL_ID_HELP,
        synonyms=("联系人id", "联系人编号", "contactid", "id", "编号"),
    ),
    Field(
        "customer_ref",
        gettext_lazy("Customer ID (CRM)"),
        REF,
        help=gettext_lazy("The customer's id in the same CRM (imported before); or give the customer name."),
        synonyms=("客户id", "客户编号", "客户编码", "accountid"),
    ),
    Field(
        "customer_name",
        gettext_lazy("Customer name"),
        REF,
        synonyms=("客户名称", "客户", "公司名称", "accountname", "account", "company"),
    ),
    Field(
        "name",
        gettext_lazy("Contact name"),
        required=True,
        max_length=64,
        synonyms=("姓名", "联系人", "联系人姓名", "fullname", "contactname", "name"),
    ),
    Field(
        "role",
        gettext_lazy("Role in the decision"),
        CHOICE,
        choices=ContactRole,
        extra_values=ROLE_WORDINGS,
        synonyms=("角色", "决策角色", "联系人角色", "role"),
    ),
    Field("title", gettext_lazy("Job title"), max_length=64, synonyms=("职务", "职位", "title")),
    Field("department", gettext_lazy("Department"), max_length=64, synonyms=("部门", "department")),
    Field(
        "phone",
        gettext_lazy("Phone"),
        max_length=32,
        synonyms=("电话", "手机", "手机号", "联系电话", "mobile", "phone"),
    ),
    Field(
        "email",
        gettext_lazy("E-mail"),
        max_length=254,
        synonyms=("邮箱", "电子邮件", "电子邮箱", "email", "e-mail"),
    ),
    Field("wechat", gettext_lazy("WeChat"), max_length=64, synonyms=("微信", "微信号", "wechat")),
    Field("notes", gettext_lazy("Notes"), synonyms=("备注", "说明", "description", "notes")),
)

OPPORTUNITY_FIELDS = (
    Field(
        "external_id",
        gettext_lazy("Opportunity ID (CRM)"),
        required=True,
        max_length=128,
        help=EXTERNAL_ID_HELP,
        synonyms=("商机id", "商机编号", "商机编码", "机会id", "opportunityid", "dealid", "id", "编号"),
    ),
    Field(
        "name",
        gettext_lazy("Opportunity name"),
        required=True,
        max_length=200,
        synonyms=("商机名称", "商机", "项目名称", "机会名称", "opportunityname", "opportunity", "dealname"),
    ),
    Field(
        "customer_ref",
        gettext_lazy("Customer ID (CRM)"),
        REF,
        help=gettext_lazy("The customer's id in the same CRM (imported before); or give the customer name."),
        synonyms=("客户id", "客户编号", "客户编码", "accountid"),
    ),
    Field(
        "customer_name",
        gettext_lazy("Customer name"),
        REF,
        synonyms=("客户名称", "客户", "公司名称", "accountname", "account", "company"),
    ),
    Field(
        "stage",
        gettext_lazy("Stage"),
        CHOICE,
        choices=Stage,
        extra_values=STAGE_WORDINGS,
        synonyms=("阶段", "销售阶段", "商机阶段", "stage", "salesstage"),
    ),
    Field(
        "estimated_amount",
        gettext_lazy("Amount (CNY)"),
        DECIMAL,
        synonyms=("金额", "预计金额", "商机金额", "预计成交金额", "amount"),
    ),
    Field("budget", gettext_lazy("Customer budget (CNY)"), DECIMAL, synonyms=("预算", "客户预算", "budget")),
    Field(
        "expected_close_on",
        gettext_lazy("Expected close date"),
        DATE,
        synonyms=(
            "预计成交日期",
            "预计签约日期",
            "结单日期",
            "预计结单日期",
            "closedate",
            "expectedclosedate",
        ),
    ),
    Field(
        "sales_owner",
        gettext_lazy("Sales owner"),
        USER,
        help=OWNER_HELP,
        synonyms=("负责人", "销售负责人", "销售", "商机负责人", "opportunityowner", "owner", "salesowner"),
    ),
    Field(
        "presales_lead",
        gettext_lazy("Presales lead"),
        USER,
        help=OWNER_HELP,
        synonyms=("售前负责人", "售前", "presaleslead", "presales"),
    ),
    Field(
        "source",
        gettext_lazy("Source"),
        CHOICE,
        choices=Source,
        extra_values=SOURCE_WORDINGS,
        synonyms=("来源", "商机来源", "线索来源", "leadsource", "source"),
    ),
    Field(
        "industry",
        gettext_lazy("Industry"),
        CHOICE,
        choices=Industry,
        extra_values=INDUSTRY_WORDINGS,
        synonyms=("行业", "所属行业", "industry"),
    ),
    Field(
        "procurement_method",
        gettext_lazy("Procurement method"),
        CHOICE,
        choices=ProcurementMethod,
        extra_values=PROCUREMENT_WORDINGS,
        synonyms=("采购方式", "procurementmethod"),
    ),
    Field(
        "competitors", gettext_lazy("Competitors"), synonyms=("竞争对手", "竞品", "competitors", "competitor")
    ),
    Field(
        "description",
        gettext_lazy("Description"),
        synonyms=("描述", "商机描述", "需求描述", "备注", "description"),
    ),
    Field("confidential", gettext_lazy("Confidential"), BOOL, synonyms=("保密", "是否保密", "confidential")),
)

FIELDS: dict[str, tuple[Field, ...]] = {
    ImportKind.CUSTOMERS: CUSTOMER_FIELDS,
    ImportKind.CONTACTS: CONTACT_FIELDS,
    ImportKind.OPPORTUNITIES: OPPORTUNITY_FIELDS,
}


def fields_of(kind: str) -> dict[str, Field]:
    return {f.name: f for f in FIELDS[kind]}


def _labels(text) -> set[str]:
    """The label in every language of the project."""
    found = set()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            found.add(normalise(str(text)))
    return found


def header_candidates(f: Field) -> set[str]:
    return {normalise(f.name), *_labels(f.label), *(normalise(s) for s in f.synonyms)}


def auto_columns(kind: str, headers: list[str], remembered: dict[str, str] | None = None) -> dict[str, str]:
    """{header: field} for the file's headers: the mapping remembered for this source first, then
    the first header that matches each field (a field is mapped once; an unrecognised header is
    left out)."""
    fields = fields_of(kind)
    result: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        name = (remembered or {}).get(header)
        if name in fields and name not in taken:
            result[header] = name
            taken.add(name)
    for f in FIELDS[kind]:
        if f.name in taken:
            continue
        candidates = header_candidates(f)
        for header in headers:
            if header not in result and normalise(header) in candidates:
                result[header] = f.name
                taken.add(f.name)
                break
    return result


# --- reading cells ----------------------------------------------------------------------------


def is_blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def text_of(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)  # an id read from a spreadsheet as 1001.0
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    return unicodedata.normalize("NFC", str(cell)).strip()


def choice_lookup(f: Field) -> dict[str, str]:
    """{normalised wording: code} for a choice field: codes, labels in both languages, CRM wordings."""
    table: dict[str, str] = {}
    for code, label in f.choices.choices:
        table[normalise(code)] = code
        for text in _labels(label):
            table.setdefault(text, code)
    for wording, code in f.extra_values.items():
        table.setdefault(normalise(wording), code)
    return table


SIZE_BUCKETS = (
    (100, CompanySize.SMALL),
    (500, CompanySize.MEDIUM),
    (2000, CompanySize.LARGE),
    (10_000, CompanySize.XLARGE),
)


def size_of_headcount(raw: str) -> str | None:
    """A head count (as Salesforce's "Employees" holds it) → our size band."""
    text = raw.replace(",", "").replace("人", "").strip()
    if not text.isdigit():
        return None
    count = int(text)
    return next((code for limit, code in SIZE_BUCKETS if count < limit), CompanySize.HUGE)


def parse_choice(
    f: Field, cell, mapped: dict[str, str] | None = None, table: dict[str, str] | None = None
) -> str:
    raw = text_of(cell)
    if f.choices is CompanySize and size_of_headcount(raw):
        return size_of_headcount(raw)
    if mapped and raw in mapped and mapped[raw] in f.choices.values:
        return mapped[raw]
    code = (table if table is not None else choice_lookup(f)).get(normalise(raw))
    if code is None:
        raise CellError(
            _("“%(value)s” is not a known %(field)s: map it on the mapping page, or use one of: %(choices)s.")
            % {"value": raw, "field": f.label, "choices": "、".join(str(label) for label in f.choices.labels)}
        )
    return code


TRUE_WORDS = {"1", "y", "yes", "true", "是", "√", "✓", "保密", "x"}
FALSE_WORDS = {"0", "n", "no", "false", "否", "不保密", "-"}


def parse_bool(cell) -> bool:
    if isinstance(cell, bool):
        return cell
    raw = normalise(text_of(cell))
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise CellError(_("“%(value)s” is neither yes nor no (是/否).") % {"value": text_of(cell)})


def parse_decimal(cell) -> Decimal:
    """A number: 1234.5, "1,234.50", "¥1,234", "12.5万" (万 = 10,000); never a bool."""
    if isinstance(cell, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": cell})
    if isinstance(cell, (int, Decimal)):
        value = Decimal(cell)
    elif isinstance(cell, float):
        value = Decimal(repr(cell))
    else:
        raw = unicodedata.normalize("NFKC", str(cell)).strip()
        text = re.sub(r"[,\s¥$元]|rmb|cny", "", raw, flags=re.IGNORECASE)
        factor = Decimal(1)
        if text.endswith("万"):
            factor, text = Decimal(10_000), text[:-1]
        elif text.endswith("亿"):
            factor, text = Decimal(100_000_000), text[:-1]
        try:
            value = Decimal(text) * factor
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a number.") % {"value": raw}) from None
    if not value.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": cell})
    if abs(value) >= Decimal(10) ** 12:
        raise CellError(_("“%(value)s” is too large an amount.") % {"value": cell})
    return value.quantize(Decimal("0.01"))


DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d", "%m/%d/%Y", "%d.%m.%Y")


def parse_date(cell) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    raw = unicodedata.normalize("NFKC", text_of(cell))
    text = raw.split(" ")[0].split("T")[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(_("“%(value)s” is not a date (write it as 2026-06-30).") % {"value": raw})


def parse_text(f: Field, cell) -> str:
    value = text_of(cell)
    if f.max_length and len(value) > f.max_length:
        raise CellError(
            _("At most %(max)s characters (this one has %(count)s).")
            % {"max": f.max_length, "count": len(value)}
        )
    return value
