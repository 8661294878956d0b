"""Demo test data, made through the services: a planned demo, one prepared (every checklist item
done the way a user would), delivered, summarised."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from presales.customers.models import Contact
from presales.demos import services
from presales.demos.models import Demo
from presales.documents.samples import minimal_pdf

from .poc import make_opportunity  # noqa: F401  (re-exported for the demo tests)

SUMMARY = {
    "customer_reaction": "客户认可告警闭环",
    "strengths": "贴合业务流程",
    "issues": "本地化部署细节不足",
    "follow_up_actions": "一周内提交部署说明",
    "next_steps": "准备投标",
}


def deck_file(text: str = "deck") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "演示文稿.pdf", minimal_pdf(["Demo deck", text]), content_type="application/pdf"
    )


def make_demo(cast, *, opportunity=None, actor=None, planned_at=None, presenters=None, **fields) -> Demo:
    opportunity = opportunity or make_opportunity(cast)
    actor = actor or cast.engineer_a
    data = {
        "title": "储能监控平台演示",
        "scenario": "告警闭环",
        "goals": "确认覆盖痛点",
        "planned_at": planned_at or timezone.now() + timedelta(days=3),
        "presenters": presenters if presenters is not None else [actor],
    }
    data.update(fields)
    return services.demo_create(actor=actor, opportunity=opportunity, **data)


def complete_checklist(demo, actor, *, skip=()) -> Demo:
    """Do every preparation item but those named in `skip` (deck, materials, environment,
    check, rehearsal)."""
    if "deck" not in skip:
        services.deck_upload(actor=actor, demo=demo, file=deck_file(f"demo {demo.pk}"))
    if "materials" not in skip:
        for material in demo.materials.exclude(kind="deck"):
            if material.required:
                services.material_update(actor=actor, material=material, expected_version=None, ready=True)
    changes = {}
    if "environment" not in skip:
        changes.update(environment_url="https://demo.example.com", environment_notes="演示账号 demo/demo")
    if "rehearsal" not in skip:
        changes.update(
            rehearsal_on=timezone.localdate(), rehearsal_participants="张工、赵工", rehearsal_done=True
        )
    if changes:
        services.preparation_update(actor=actor, demo=demo, expected_version=None, **changes)
    if "check" not in skip and "environment" not in skip:
        services.environment_check(actor=actor, demo=demo, checked=True)
    return Demo.objects.get(pk=demo.pk)


def prepared_demo(cast, *, actor=None, **fields) -> Demo:
    actor = actor or cast.engineer_a
    demo = complete_checklist(make_demo(cast, actor=actor, **fields), actor)
    return services.demo_move(actor=actor, demo=demo, to_status="prepared")


def contact(customer, name="陈总", role="decision_maker") -> Contact:
    return Contact.objects.create(customer=customer, name=name, role=role, phone="13900000000")


def attendees(cast, demo, *, contacts=()):
    people = [{"side": "ours", "user": cast.engineer_a}]
    people += [{"side": "customer", "contact": c} for c in contacts] or [
        {"side": "customer", "name": "吴工", "role": "技术对接人"}
    ]
    return people


def delivered_demo(cast, *, actor=None, **fields) -> Demo:
    actor = actor or cast.engineer_a
    demo = prepared_demo(cast, actor=actor, **fields)
    return services.delivery_record(
        actor=actor,
        demo=demo,
        delivered_at=timezone.now() - timedelta(hours=1),
        duration_minutes=60,
        attendees=attendees(cast, demo),
    )


def summarised_demo(cast, *, actor=None, **fields) -> Demo:
    actor = actor or cast.engineer_a
    demo = delivered_demo(cast, actor=actor, **fields)
    return services.summary_record(actor=actor, demo=demo, **SUMMARY)
