"""Demo documents: `build(rng, opportunities, users)` adds documents to the demo company's projects
in every status (draft, each review step, returned, published, archived), at every access level,
with small generated files (PDF, Word, PNG), several versions, returns, final reviews by a leader
and by meetings, access requests (pending, granted, refused) and confidential downloads. Everything
goes through the services, so numbers, versions, events and notifications are the real ones.

Call it inside the demo command's transaction, after the opportunities exist. The document app's
own timestamps stay automatic even inside `explicit_timestamps()` (see `_automatic_timestamps`).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from presales.accounts.choices import RoleCode

from . import services
from .choices import AccessLevel, CategoryKind, DocumentStatus
from .models import AccessRequest, Document, DocumentCategory
from .samples import minimal_docx, minimal_pdf, tiny_png

# Which kinds of document a project has, by the stage it reached.
STAGE_KINDS = {
    "lead": [CategoryKind.PROJECT_INFO],
    "discovery": [CategoryKind.PROJECT_INFO, CategoryKind.RESEARCH],
    "solution": [CategoryKind.RESEARCH, CategoryKind.SOLUTION],
    "demo_poc": [CategoryKind.SOLUTION, CategoryKind.DEMO],
    "bid": [CategoryKind.SOLUTION, CategoryKind.BID],
    "negotiation": [CategoryKind.BID, CategoryKind.OTHER],
    "won": [CategoryKind.SOLUTION, CategoryKind.BID, CategoryKind.OTHER],
    "lost": [CategoryKind.SOLUTION, CategoryKind.BID, CategoryKind.OTHER],
    "abandoned": [CategoryKind.RESEARCH, CategoryKind.OTHER],
}
TITLES = {
    CategoryKind.PROJECT_INFO: ["项目机会登记表", "需求调研申请表", "项目背景与干系人分析"],
    CategoryKind.RESEARCH: ["需求调研报告", "调研问卷汇总", "现场访谈记录", "业务流程现状分析"],
    CategoryKind.SOLUTION: ["解决方案框架", "详细设计说明书", "技术白皮书", "系统集成方案"],
    CategoryKind.DEMO: ["演示文稿", "演示系统操作手册", "POC演示脚本"],
    CategoryKind.BID: ["投标文件（技术部分）", "投标报价清单", "商务条款应答", "技术规格偏离表"],
    CategoryKind.OTHER: ["客户沟通纪要", "项目总结报告", "市场情报报告"],
}
RETURN_COMMENTS = [
    "请补充与现有系统的接口说明。",
    "报价依据不清楚，请补充测算过程。",
    "架构图与文字描述不一致，请统一。",
    "缺少实施计划和里程碑。",
    "请按公司模板调整格式并补充目录。",
]
CHANGE_SUMMARIES = [
    "按评审意见补充接口说明",
    "更新报价与实施计划",
    "调整架构图，统一术语",
    "补充案例与资质证明",
]
# The statuses a document is walked to, with their weights (every one appears: see `build`).
TARGETS = {
    DocumentStatus.DRAFT: 3,
    DocumentStatus.DEPARTMENT_REVIEW: 2,
    DocumentStatus.MANAGER_REVIEW: 2,
    DocumentStatus.FINAL_REVIEW: 1,
    DocumentStatus.RETURNED: 2,
    DocumentStatus.PUBLISHED: 5,
}


@contextmanager
def _automatic_timestamps():
    """The demo command may switch auto_now off for the apps it bulk-writes; the services here
    rely on them, so they are on for this app's models during the build, and restored after."""
    from .models import DocumentVersion, DownloadLog, FileBlob

    declared = [  # (model, field, auto_now, auto_now_add) as the models declare them
        (Document, "created_at", False, True),
        (Document, "updated_at", True, False),
        (FileBlob, "created_at", False, True),
        (DocumentVersion, "created_at", False, True),
        (AccessRequest, "requested_at", False, True),
        (DownloadLog, "at", False, True),
    ]
    saved = []
    for model, name, auto_now, auto_now_add in declared:
        field = model._meta.get_field(name)
        saved.append((field, field.auto_now, field.auto_now_add))
        field.auto_now, field.auto_now_add = auto_now, auto_now_add
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class _People:
    def __init__(self, users: Iterable):
        self.users = [u for u in users if u.is_active]
        self.heads = [u for u in self.users if u.has_role(RoleCode.DEPARTMENT_HEAD)]
        self.managers = [u for u in self.users if u.has_role(RoleCode.PRESALES_MANAGER)]

    def other(self, pool, *, not_=None):
        choices = [u for u in pool if u.pk != getattr(not_, "pk", None)]
        return choices[0] if choices else None


_DOCX: dict[str, bytes] = {}


def _file(rng: random.Random, document_kind: str, title: str, label: str) -> tuple[str, bytes]:
    roll = rng.random()
    if document_kind in (CategoryKind.SOLUTION, CategoryKind.DEMO) and roll < 0.25:
        return f"{title}-架构图.png", tiny_png(seed=rng.randrange(10_000))
    if roll < 0.55:
        # One Word file per kind of document (building one takes a while): the same template for
        # every project, as a team's documents often are.
        template = next((t for t in TITLES.get(document_kind, []) if title.endswith(t)), document_kind)
        if template not in _DOCX:
            paragraphs = [template, "一、背景与目标", "二、现状与痛点", "三、方案要点", "四、实施计划与风险"]
            _DOCX[template] = minimal_docx(template, paragraphs)
        return f"{title}.docx", _DOCX[template]
    return f"{title}.pdf", minimal_pdf(
        [f"Presales document {label}", f"Revision {rng.randint(1, 9)}", f"Generated {rng.randrange(10**8)}"]
    )


def _decider(people: _People, document: Document, status: str):
    author = document.author
    if status == DocumentStatus.DEPARTMENT_REVIEW:
        lead = document.team.lead
        if lead is not None and lead.pk != author.pk and lead.is_active:
            return lead, {}
        head = people.other(people.heads, not_=author)
        return head, {}
    if status == DocumentStatus.MANAGER_REVIEW:
        return people.other(people.managers, not_=author), {}
    if status == DocumentStatus.FINAL_REVIEW:
        head = people.other(people.heads, not_=author)
        manager = people.other(people.managers, not_=author)
        if head is not None and (manager is None or document.pk % 3):
            return head, {"final_mode": "leader"}
        if manager is not None:
            participants = _meeting(people, manager)
            if participants:
                return manager, {"final_mode": "meeting", "participants": participants}
        return None, {}
    return None, {}


def _meeting(people: _People, chair) -> list:
    """The chair and colleagues from at least two teams."""
    chosen, teams = [chair], {chair.team_id}
    for user in people.users:
        if user.pk != chair.pk and user.team_id and user.team_id not in teams:
            chosen.append(user)
            teams.add(user.team_id)
        if len(chosen) >= 3:
            break
    return chosen if len(teams - {None}) >= 2 else []


def _advance(people: _People, document: Document) -> bool:
    """Approve the document at its current step; False if nobody can decide it."""
    decider, extra = _decider(people, document, document.status)
    if decider is None:
        return False
    services.document_approve(actor=decider, document=document, comment="", **extra)
    document.refresh_from_db()
    return True


def _walk(rng: random.Random, people: _People, document: Document, target: str, counts: Counter) -> None:
    """Take the draft through the flow until it reaches `target` (as far as the people allow)."""
    if target == DocumentStatus.DRAFT:
        return
    returned_once = target == DocumentStatus.RETURNED or rng.random() < 0.25
    services.document_submit(actor=document.author, document=document)
    document.refresh_from_db()
    if returned_once:
        # some reviewer along the way sends it back
        for _ in range(rng.randint(0, 1)):
            if document.status == DocumentStatus.PUBLISHED or not _advance(people, document):
                break
        if document.status != DocumentStatus.PUBLISHED:
            decider, extra = _decider(people, document, document.status)
            if decider is not None:
                services.document_return(
                    actor=decider, document=document, comment=rng.choice(RETURN_COMMENTS), **extra
                )
                document.refresh_from_db()
                counts["returns"] += 1
        if target == DocumentStatus.RETURNED or document.status != DocumentStatus.RETURNED:
            return
        # the revised file (a PDF of this document's revision: never identical to the version before)
        name = f"{document.title}（修订）.pdf"
        content = minimal_pdf(
            [f"Presales document {document.number}", "Revision 2", f"{rng.randrange(10**8)}"]
        )
        services.document_add_version(
            actor=document.author,
            document=document,
            file=ContentFile(content, name=name),
            change_summary=rng.choice(CHANGE_SUMMARIES),
        )
        services.document_submit(actor=document.author, document=document, comment="已按意见修改")
        document.refresh_from_db()
    while document.status != target and document.status != DocumentStatus.PUBLISHED:
        if not _advance(people, document):
            break


def build(rng: random.Random, opportunities, users, *, limit: int = 26) -> dict[str, int]:
    """Documents for up to `limit` of the given opportunities (those with a presales lead), plus a
    few customer-only documents, access requests and confidential downloads; then the archiving
    job runs (documents of projects closed long enough). Returns counts for the command's report."""
    people = _People(users)
    counts: Counter = Counter()
    categories = {c.kind: c for c in DocumentCategory.objects.all()}
    with _automatic_timestamps():
        candidates = [o for o in opportunities if o.presales_lead_id is not None]
        rng.shuffle(candidates)
        targets = list(TARGETS)
        made: list[Document] = []
        for opportunity in candidates[:limit]:
            kinds = STAGE_KINDS.get(opportunity.stage, [CategoryKind.OTHER])
            for kind in rng.sample(kinds, k=rng.randint(1, len(kinds))):
                customer_name = opportunity.customer.short_name or opportunity.customer.name
                title = f"{customer_name}{rng.choice(TITLES[kind])}"
                name, content = _file(rng, kind, title, opportunity.number)
                level = rng.choices(
                    [AccessLevel.TEAM, AccessLevel.PUBLIC, AccessLevel.CONFIDENTIAL], weights=[75, 15, 10]
                )[0]
                members = list(opportunity.members.all())
                document = services.document_create(
                    actor=opportunity.presales_lead,
                    title=title[:200],
                    category=categories[kind],
                    file=ContentFile(content, name=name),
                    opportunity=opportunity,
                    access_level=level,
                    named_readers=members[:2] if level == AccessLevel.CONFIDENTIAL else (),
                    description=f"{opportunity.name}：{TITLES[kind][0]}。",
                    valid_until=timezone.localdate() + timedelta(days=rng.randint(60, 720))
                    if rng.random() < 0.3
                    else None,
                )
                counts["documents"] += 1
                # the first documents cycle through every status, the rest are drawn by weight
                target = (
                    targets[len(made)]
                    if len(made) < len(targets)
                    else rng.choices(targets, weights=list(TARGETS.values()))[0]
                )
                _walk(rng, people, document, target, counts)
                made.append(document)
        _extras(rng, people, made, counts)
        counts["archived"] = services.archive_due_documents()
        if made and not Document.objects.filter(status=DocumentStatus.ARCHIVED).exists():
            first = Document.objects.get(pk=made[0].pk)
            services.document_archive(actor=first.author, document=first, comment="方案已被新版本取代")
            counts["archived"] += 1
    counts["versions"] = sum(d.versions.count() for d in Document.objects.filter(pk__in=[m.pk for m in made]))
    return dict(counts)


def _extras(rng: random.Random, people: _People, made: list[Document], counts: Counter) -> None:
    """Access requests by colleagues of the same team, decided or not, and confidential downloads."""
    for document in rng.sample(made, k=min(len(made), 14)):
        document.refresh_from_db()
        if document.access_level == AccessLevel.TEAM and not document.is_archived:
            # a colleague of the team who finds the document but may not open it (asked in a
            # random order, the first who qualifies asks)
            team = [u for u in people.users if u.team_id == document.team_id and u.pk != document.author_id]
            rng.shuffle(team)
            asker = next(
                (
                    u
                    for u in team
                    if u.role_codes
                    and Document.objects.findable_to(u).filter(pk=document.pk).exists()
                    and not Document.objects.visible_to(u).filter(pk=document.pk).exists()
                ),
                None,
            )
            if asker is not None and not AccessRequest.objects.filter(document=document).exists():
                request = services.access_request_create(
                    actor=asker, document=document, reason="参考同类项目的方案结构和报价思路。"
                )
                counts["access requests"] += 1
                roll = rng.random()
                if roll < 0.4:
                    services.access_request_decide(
                        actor=document.author,
                        access_request=request,
                        grant=True,
                        until=timezone.localdate() + timedelta(days=rng.randint(7, 60)),
                    )
                elif roll < 0.6:
                    services.access_request_decide(
                        actor=document.author,
                        access_request=request,
                        grant=False,
                        note="含客户报价信息，暂不开放。",
                    )
        if document.access_level == AccessLevel.CONFIDENTIAL and document.current_version_id:
            for reader in [document.author, *document.named_readers.all()][:2]:
                services.document_download_record(
                    user=reader,
                    document=document,
                    version=document.current_version,
                    inline=rng.random() < 0.5,
                )
                counts["confidential downloads"] += 1
