"""Solution-outline drafting: from the confirmed requirement items, the section catalogue, the
matching templates and the similar cases, an ordinary draft solution — every required section
present, each with the items it answers and the passages it reuses, every passage citing its
source (and a citation recorded) — deterministic, permission-filtered, refused with a clear field
error when there is nothing confirmed, and reviewed like any other solution."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.urls import reverse

from presales.core.errors import DomainError, PermissionDenied
from presales.knowledge import llm, outline, segment, services
from presales.knowledge.choices import AccessLevel, ArticleKind
from presales.knowledge.models import Citation
from presales.solutions.models import SectionTemplate, Solution, SolutionSection, SolutionVersion
from tests.factories.discovery import add_item, confirm, make_opportunity, make_plan
from tests.kit import assert_refused, check_access

from .conftest import make_article

pytestmark = pytest.mark.django_db

TEMPLATE_BODY = """## 技术架构设计

采用云边协同架构：边缘网关就近采集BMS与PCS数据，平台侧完成告警分析与高温误报抑制，支持本地部署。

## 系统集成方案

通过OPC UA与Modbus接口对接客户现有SCADA系统，告警数据双向同步，接口责任双方书面划分。

## 实施计划

分三期实施：第一期上线告警分级推送，第二期完成SCADA对接，第三期完成运维培训与验收。

## 项目预算

硬件网关按站点计价，软件按并网容量计价，实施服务按人天计价，首年运维包含在报价内。
"""

CASE_BODY = """## 背景

某储能电站夏季高温时BMS误报警频繁，值班人员疲于处理，客户希望把误报率降到1%以下。

## 做法

标定温度传感器，优化告警回差与分级推送规则，误报率由5%降到0.6%。

## 经验教训

高温工况的误报治理要先做现场数据采集，再调整告警阈值，避免一刀切。
"""


@pytest.fixture
def confirmed(cast):
    """A team-A opportunity (lead engineer_a, member engineer_a2) with five requirement items, one
    deferred, confirmed by the customer."""
    opportunity = make_opportunity(cast, name="某储能电站BMS监控平台")
    opportunity.description = "客户储能电站夏季高温时BMS误报警太多，希望建设统一监控平台。"
    opportunity.save()
    make_plan(cast, opportunity)
    add_item(cast, opportunity, title="高温工况下BMS误报率低于1%", description="电池管理系统告警准确，高温误报少",
             priority="must", category="performance")
    add_item(cast, opportunity, title="告警分级推送到值班手机", description="按严重程度分级推送", priority="must",
             category="functional")
    add_item(cast, opportunity, title="与现有SCADA系统对接", description="告警数据同步到SCADA", priority="should",
             category="integration")
    add_item(cast, opportunity, title="运维人员培训", description="值班人员操作培训", priority="could",
             category="operations")
    add_item(cast, opportunity, title="移动端大屏展示", priority="could", category="functional", status="deferred")
    confirm(cast, opportunity)
    return opportunity


@pytest.fixture
def knowledge(cast):
    """Published, readable sources; and sources that must never be reused."""
    from presales.accounts.models import User

    cast.team_b.lead = cast.engineer_b
    cast.team_b.save()
    lead_b = User.objects.get(pk=cast.engineer_b.pk)

    def of_team_b(**kw):
        return services.article_publish(actor=lead_b, article=make_article(cast, actor=lead_b, publish=False, **kw))

    return {
        "template": make_article(cast, kind=ArticleKind.TEMPLATE, title="储能电站BMS监控解决方案模板",
                                 body=TEMPLATE_BODY, industry="energy_storage", tags=["BMS"]),
        "case": make_article(cast, title="储能电站BMS高温误报治理案例", body=CASE_BODY, industry="energy_storage"),
        "other": make_article(cast, title="汽车零部件视觉检测案例", body="产线视觉检测漏检率高，采用深度学习缺陷检测。",
                              industry="automotive"),
        # Confidential, of team B: nobody in team A reads it.
        "secret_b": of_team_b(kind=ArticleKind.TEMPLATE, title="储能BMS高温误报机密模板",
                                 body="## 技术架构设计\n\n机密：竞品高温误报架构缺陷与我方BMS监控报价底线，储能电站告警。",
                                 industry="energy_storage", access_level=AccessLevel.CONFIDENTIAL),
        # Confidential, of team A: its team lead reads it, but its text must not be copied elsewhere.
        "secret_a": make_article(cast, actor=cast.engineer_a2, kind=ArticleKind.SUCCESS_CASE,
                                 title="储能BMS高温误报内部复盘（机密）",
                                 body="## 背景\n\n机密：某储能电站BMS高温误报，客户内部预算与决策人信息。",
                                 industry="energy_storage", access_level=AccessLevel.CONFIDENTIAL),
        # Project-team level, of team B: not readable by team A's engineers.
        "team_b": of_team_b(kind=ArticleKind.TEMPLATE, title="华南储能BMS方案模板",
                               body="## 系统集成方案\n\n华南团队内部：储能BMS告警与SCADA对接做法。",
                               industry="energy_storage", access_level=AccessLevel.TEAM),
        "draft": make_article(cast, publish=False, kind=ArticleKind.TEMPLATE, title="储能BMS模板草稿",
                              body="## 技术架构设计\n\n草稿：储能BMS告警架构，尚未发布。"),
    }


def draft(cast, opportunity, actor=None, **kw):
    return services.outline_draft(actor=actor or cast.engineer_a, opportunity=opportunity, **kw)


def sections_of(solution):
    return {s.template.code: s for s in SolutionSection.objects.filter(solution=solution).select_related("template")}


# --- the draft ---------------------------------------------------------------------------------------


def test_every_required_section_is_present_and_answers_its_items(cast, confirmed, knowledge):
    result = draft(cast, confirmed)
    solution = result.solution
    assert solution.status == "draft" and solution.is_current and solution.author == cast.engineer_a
    assert solution.title == "某储能电站BMS监控平台解决方案（初稿）"
    stored = sections_of(solution)
    catalogue = list(SectionTemplate.objects.filter(active=True))
    assert set(stored) == {t.code for t in catalogue}
    for template in catalogue:
        if template.required:
            assert stored[template.code].content.strip(), template.code
    items = {r.code: r for r in outline.confirmed_requirements(confirmed)[1]}
    answered = {code for code, r in items.items() if r.status != "deferred"}
    mentioned = {code for code in items for s in stored.values() if f"- {code}【" in s.content}
    assert mentioned == answered  # every answered item somewhere, the deferred one never as answered
    assert "REQ-001【" in stored["architecture"].content  # performance → architecture
    assert "REQ-003【" in stored["integration"].content  # integration → integration
    assert "REQ-004【" in stored["implementation"].content  # operations → implementation
    assert "REQ-002【" in stored["modules"].content  # functional → modules
    for must in ("REQ-001", "REQ-002"):  # the key items are answered by the overview too
        assert f"- {must}【" in stored["overview"].content
    overview = stored["overview"].content
    assert "需求确认书" in overview and "不在本期范围" in overview and "REQ-005 移动端大屏展示（后续阶段）" in overview
    # the structured result says the same as the text
    for section in result.draft.sections:
        for r in section.requirements:
            assert f"- {r.code}【" in stored[section.spec.code].content


def test_every_reused_passage_cites_its_source(client, cast, confirmed, knowledge):
    result = draft(cast, confirmed)
    stored = sections_of(result.solution)
    passages = [(s.spec.code, p) for s in result.draft.sections for p in s.reused]
    assert passages, "the template and the case have passages to reuse"
    markers = sum(s.content.count("〔来源：知识库 KB-") for s in stored.values())
    assert markers == len(passages)  # no passage without its source line, no source line without a passage
    for code, p in passages:
        content = stored[code].content
        assert outline.quote(p) in content
        assert f"KB-{p.source.article_id}《{p.source.title}》" in outline.source_line(p)
        assert p.text.splitlines()[0] in content
    cited = set(Citation.objects.filter(solution=result.solution).values_list("article_id", flat=True))
    assert cited == {s.article_id for s in result.draft.sources} == {p.source.article_id for _c, p in passages}
    assert {knowledge["template"].pk, knowledge["case"].pk} <= cited
    # The template's sections land in the sections of the same title, the case in the cases section.
    architecture = next(s for s in result.draft.sections if s.spec.code == "architecture")
    assert any(p.source.article_id == knowledge["template"].pk and p.heading == "技术架构设计"
               for p in architecture.passages)
    cases = next(s for s in result.draft.sections if s.spec.code == "cases")
    assert [p.source.article_id for p in cases.cases][0] == knowledge["case"].pk
    # The article shows where it was used; the solution shows what it reused.
    client.force_login(cast.engineer_a)
    assert result.solution.title in client.get(knowledge["template"].get_absolute_url()).content.decode()
    page = client.get(result.solution.get_absolute_url()).content.decode()
    assert 'data-testid="solution-sources"' in page and knowledge["template"].title in page


def test_the_output_is_deterministic(cast, confirmed, knowledge):
    first = draft(cast, confirmed)
    second = draft(cast, confirmed, title="第二稿")
    assert first.solution.pk != second.solution.pk and not second.solution.is_current
    a = {c: s.content for c, s in sections_of(first.solution).items()}
    b = {c: s.content for c, s in sections_of(second.solution).items()}
    assert a == b
    inputs = outline.gather(user=cast.engineer_a, opportunity=confirmed)
    assert outline.draft_from(inputs).contents() == outline.draft_from(inputs).contents() == a


@pytest.mark.parametrize("drafter", ["engineer_a", "lead_a", "manager"])
def test_confidential_and_unreadable_articles_are_never_reused(cast, confirmed, knowledge, drafter):
    result = draft(cast, confirmed, actor=getattr(cast, drafter))
    used = {s.article_id for s in result.draft.sources}
    for key in ("secret_b", "secret_a", "team_b", "draft", "other"):
        assert knowledge[key].pk not in used, key
    text = "".join(s.content for s in sections_of(result.solution).values())
    assert "机密" not in text and "华南团队内部" not in text and "草稿：" not in text
    assert not Citation.objects.filter(article__in=[knowledge["secret_a"], knowledge["secret_b"]]).exists()


def test_without_sources_the_sections_still_answer_the_items(cast, confirmed):
    result = draft(cast, confirmed)
    assert result.draft.sources == [] and not Citation.objects.exists()
    stored = sections_of(result.solution)
    assert stored["budget"].content == "待补充"  # nothing to prefill: not counted as written
    assert "- REQ-001【" in stored["architecture"].content
    result.solution.refresh_from_db()
    assert result.solution.completeness < 100


# --- refusals ----------------------------------------------------------------------------------------


def test_an_opportunity_without_confirmed_requirements_is_refused(cast, knowledge):
    opportunity = make_opportunity(cast, name="未确认需求的商机")
    make_plan(cast, opportunity)
    add_item(cast, opportunity)
    counts = (Solution.objects.count(), Citation.objects.count())
    with pytest.raises(DomainError) as refused:
        draft(cast, opportunity)
    assert refused.value.code == "no_confirmed_requirements" and "opportunity" in refused.value.errors
    assert "需求确认书" in str(refused.value.message)
    bare = make_opportunity(cast, name="没有调研的商机")
    with pytest.raises(DomainError):
        draft(cast, bare)
    assert (Solution.objects.count(), Citation.objects.count()) == counts


def test_only_deferred_items_is_refused(cast):
    opportunity = make_opportunity(cast)
    make_plan(cast, opportunity)
    add_item(cast, opportunity, status="deferred")
    confirm(cast, opportunity)
    with pytest.raises(DomainError) as refused:
        draft(cast, opportunity)
    assert refused.value.code == "no_confirmed_requirements"
    assert not Solution.objects.exists()


def test_an_outdated_confirmation_is_followed_with_a_warning(cast, confirmed):
    add_item(cast, confirmed, title="新增：短信通知", category="functional")
    result = draft(cast, confirmed)
    assert result.warnings and "确认" in result.warnings[0]
    assert "新增：短信通知" not in "".join(s.content for s in sections_of(result.solution).values())


def test_who_may_draft(cast, confirmed, knowledge):
    for name in ("sales_a", "engineer_b", "nobody"):
        with pytest.raises((PermissionDenied, DomainError)):
            draft(cast, confirmed, actor=getattr(cast, name))
    confirmed.stage = "won"
    confirmed.save()
    with pytest.raises(DomainError) as refused:
        draft(cast, confirmed, actor=cast.manager)
    assert "opportunity" in refused.value.errors
    assert not Solution.objects.exists() and not Citation.objects.exists()


# --- pages -------------------------------------------------------------------------------------------


def test_page_access_and_drafting_from_the_opportunity_page(client, cast, confirmed, knowledge):
    url = reverse("knowledge:draft_outline")
    check_access(client, cast, url, permitted=["manager", "lead_a", "engineer_a", "engineer_a2", "engineer_b"],
                 forbidden=["sales_a", "nobody"])
    client.force_login(cast.engineer_a)
    page = client.get(confirmed.get_absolute_url()).content.decode()
    assert 'data-testid="draft-outline"' in page and url in page
    assert 'data-testid="draft-outline-link"' in client.get(reverse("solutions:list")).content.decode()
    response = client.post(url, {"opportunity": confirmed.pk})
    solution = Solution.objects.get()
    assert response.status_code == 302 and response["Location"] == solution.get_absolute_url()
    detail = client.get(solution.get_absolute_url()).content.decode()
    assert "〔来源：知识库 KB-" in detail and "起草" in detail
    client.force_login(cast.sales_a)
    assert 'data-testid="draft-outline"' not in client.get(confirmed.get_absolute_url()).content.decode()


def test_page_refuses_bad_input_by_field(client, cast, confirmed):
    url = reverse("knowledge:draft_outline")
    unconfirmed = make_opportunity(cast, name="未确认需求的商机")
    models = [Solution, SolutionSection, Citation]
    client.force_login(cast.engineer_a)
    response = assert_refused(client, url, {"opportunity": unconfirmed.pk}, fields=["opportunity"], models=models)
    assert "需求确认书" in response.content.decode()
    assert_refused(client, url, {}, fields=["opportunity"], models=models)
    assert_refused(client, url, {"opportunity": "abc"}, fields=["opportunity"], models=models)
    assert_refused(client, url, {"opportunity": confirmed.pk, "title": "长" * 201}, fields=["title"], models=models)
    client.force_login(cast.engineer_b)  # out of scope: not among the choices
    assert_refused(client, url, {"opportunity": confirmed.pk}, fields=["opportunity"], models=models)


# --- API ---------------------------------------------------------------------------------------------


def test_api_drafts_and_answers_the_structure(client, cast, confirmed, knowledge):
    url = reverse("solution-outline-list")
    client.force_login(cast.engineer_a)
    response = client.post(url, {"opportunity": confirmed.pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    solution = Solution.objects.get(pk=data["solution"]["id"])
    assert data["solution"]["status"] == "draft" and solution.opportunity == confirmed
    codes = {s["code"] for s in data["sections"]}
    assert {t.code for t in SectionTemplate.objects.filter(required=True)} <= codes
    architecture = next(s for s in data["sections"] if s["code"] == "architecture")
    assert "REQ-001" in architecture["requirements"]
    assert any(p["article"] == knowledge["template"].pk for p in architecture["passages"])
    assert {s["id"] for s in data["sources"]} == set(
        Citation.objects.filter(solution=solution).values_list("article_id", flat=True))
    for section in data["sections"]:
        for p in section["passages"]:
            assert f"KB-{p['article']}《{p['article_title']}》" in section["content"]


def test_api_access_and_bad_input(client, cast, confirmed):
    url = reverse("solution-outline-list")
    models = [Solution, SolutionSection, Citation]
    check_access(client, cast, url, method="post", data={"opportunity": confirmed.pk}, api=True,
                 permitted=[], forbidden=["sales_a", "nobody"], ok=(201,))
    client.force_login(cast.engineer_b)  # cannot see the opportunity: same as one that does not exist
    assert_refused(client, url, {"opportunity": confirmed.pk}, fields=["opportunity"], models=models, api=True)
    client.force_login(cast.engineer_a)
    unconfirmed = make_opportunity(cast, name="未确认需求的商机")
    response = assert_refused(client, url, {"opportunity": unconfirmed.pk}, fields=["opportunity"], models=models,
                              api=True)
    assert response.json()["code"] == "no_confirmed_requirements"
    assert_refused(client, url, {}, fields=["opportunity"], models=models, api=True)
    assert_refused(client, url, {"opportunity": "x"}, fields=["opportunity"], models=models, api=True)
    assert_refused(client, url, {"opportunity": confirmed.pk, "colour": "red"}, fields=["colour"], models=models,
                   api=True)
    assert_refused(client, url, {"opportunity": confirmed.pk, "title": "长" * 201}, fields=["title"], models=models,
                   api=True)
    response = client.post(url, [1, 2], content_type="application/json")
    assert response.status_code == 400 and not Solution.objects.exists()


# --- the review applies unchanged --------------------------------------------------------------------


def test_the_draft_is_an_ordinary_solution_reviewed_in_three_levels(cast, confirmed, knowledge):
    from presales.solutions import services as solution_services
    from tests.factories.solutions import decide, reviewers, submit

    solution = draft(cast, confirmed).solution
    for section in solution.sections.select_related("template"):
        if section.content == "待补充":
            solution_services.section_save(
                actor=cast.engineer_a, section=section, expected_version=section.version,
                content="按站点规模分三档报价，硬件、软件、实施与首年运维分别列示，付款分签约、上线、验收三个节点。")
    solution.refresh_from_db()
    solution = solution_services.solution_update(actor=cast.engineer_a, solution=solution,
                                                 expected_version=solution.version, **reviewers(cast))
    submitted = submit(solution)
    assert submitted.status == "in_review" and submitted.current_level == 1
    version = SolutionVersion.objects.get(solution=solution)
    frozen = {s["code"]: s["content"] for s in version.sections}
    assert frozen == {c: s.content for c, s in sections_of(solution).items()}
    assert decide(submitted, cast.engineer_a2).current_level == 2


# --- the language model (off by default; a receiver of our own when on) -----------------------------


def test_the_language_model_is_off_by_default(settings):
    assert settings.PRESALES_OUTLINE_LLM_URL == ""
    assert llm.writer() is None


class _Receiver(BaseHTTPRequestHandler):
    answers: list = []
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        status, payload = type(self).answers.pop(0)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.answers, _Receiver.received = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.PRESALES_OUTLINE_LLM_URL = f"http://127.0.0.1:{server.server_port}/v1"
    settings.PRESALES_OUTLINE_LLM_MODEL = "local-model"
    settings.PRESALES_OUTLINE_LLM_API_KEY = "k-test"
    settings.PRESALES_OUTLINE_LLM_TIMEOUT = 5
    yield _Receiver
    server.shutdown()
    server.server_close()


def test_a_configured_model_writes_introductions_and_the_passages_stay_cited(cast, confirmed, knowledge, receiver):
    intro = "本章节说明平台如何通过云边协同架构把高温误报率降到1%以下。"
    receiver.answers.append((200, {"choices": [{"message": {"content": json.dumps(
        {"architecture": intro, "unknown": "丢弃"}, ensure_ascii=False)}}]}))
    result = draft(cast, confirmed)
    request = receiver.received[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer k-test"
    assert request["body"]["model"] == "local-model" and request["body"]["temperature"] == 0
    asked = json.loads(request["body"]["messages"][1]["content"])
    assert {s["code"] for s in asked["sections"]} == {s.spec.code for s in result.draft.sections}
    stored = sections_of(result.solution)
    assert stored["architecture"].content.startswith(intro) and "语言模型" in stored["architecture"].content
    assert "丢弃" not in "".join(s.content for s in stored.values())
    for section in result.draft.sections:
        for p in section.reused:
            assert outline.quote(p) in stored[section.spec.code].content
    assert not result.warnings


def test_a_failing_model_leaves_the_offline_draft(cast, confirmed, knowledge, receiver):
    offline = outline.draft_from(outline.gather(user=cast.engineer_a, opportunity=confirmed)).contents()
    receiver.answers.append((500, {"error": "overloaded"}))
    result = draft(cast, confirmed)
    assert result.warnings and "语言模型" in result.warnings[0]
    assert {c: s.content for c, s in sections_of(result.solution).items()} == offline
    receiver.answers.append((200, {"choices": [{"message": {"content": "不是JSON"}}]}))
    assert draft(cast, confirmed).warnings


# --- the assembly, without a database ----------------------------------------------------------------


def test_passages_are_cut_at_headings_or_paragraphs():
    source = outline.Source(article_id=1, title="t", kind="template")
    parts = outline.split_passages(source, "## 甲\n\n第一段内容足够长，超过十二个字。\n\n## 乙\n\n短\n\n## 丙\n\n" + "很长的句子。" * 200)
    assert [p.heading for p in parts] == ["甲", "丙"]
    assert len(parts[1].text) <= outline.MAX_PASSAGE_CHARS + 1 and parts[1].text.endswith("。…")
    plain = outline.split_passages(source, "第一段：储能BMS的告警规则说明。\n\n第二段：运维与培训的安排说明。")
    assert [p.heading for p in plain] == ["", ""] and len(plain) == 2


def test_a_catalogue_section_added_by_managers_gets_the_items_sharing_its_words(db):
    specs = [outline.SectionSpec("overview", "方案概述"), outline.SectionSpec("safety", "安全生产与消防方案",
                                                                        guidance="消防联动、安全生产")]
    items = [outline.Requirement(1, "消防联动告警", category="other", priority="should"),
             outline.Requirement(2, "报表导出", category="functional", priority="could")]
    assigned = outline.assign_requirements(specs, items, segment.tokenize)
    assert [r.number for r in assigned["safety"]] == [1]
    assert [r.number for r in assigned["overview"]] == [1, 2]  # "other" → overview; unplaced → a section
