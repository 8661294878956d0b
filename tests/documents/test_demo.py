"""The demo documents: every status, access level and file kind, through the real services."""

import random

import pytest

from presales.accounts.choices import RoleCode
from presales.accounts.models import User
from presales.demo.util import APP_LABELS, explicit_timestamps
from presales.documents import demo
from presales.documents.choices import AccessLevel, DocumentStatus
from presales.documents.models import AccessRequest, Document, DocumentEvent, FileBlob
from presales.opportunities.models import Opportunity
from tests.factories import make_user
from tests.factories.opportunities import OpportunityFactory

pytestmark = pytest.mark.django_db


def test_build_makes_documents_in_every_status(cast, head, customer):
    from datetime import timedelta

    from django.utils import timezone

    make_user(RoleCode.PRESALES_ENGINEER, team=cast.team_a, username="newcomer")  # asks for access
    stages = ["lead", "discovery", "solution", "demo_poc", "bid", "negotiation", "won", "lost"]
    for i in range(24):
        opportunity = OpportunityFactory(
            customer=customer, presales_lead=cast.engineer_a, stage=stages[i % len(stages)]
        )
        opportunity.members.set([cast.engineer_a2])
    Opportunity.objects.filter(stage="lost").update(closed_at=timezone.now() - timedelta(days=90))
    # as inside the demo command, even if it switches this app's automatic timestamps off too
    with explicit_timestamps((*APP_LABELS, "documents")):
        counts = demo.build(random.Random(7), list(Opportunity.objects.all()), list(User.objects.all()))
    statuses = set(Document.objects.values_list("status", flat=True))
    assert statuses == set(DocumentStatus.values), statuses
    assert counts["documents"] == Document.objects.count() > 24
    assert set(Document.objects.values_list("access_level", flat=True)) == set(AccessLevel.values)
    assert {b.file_type for b in FileBlob.objects.all()} >= {"pdf", "docx"}
    assert DocumentEvent.objects.filter(action="returned").exists()
    assert DocumentEvent.objects.filter(final_mode="meeting").exists()
    assert DocumentEvent.objects.filter(final_mode="leader").exists()
    assert AccessRequest.objects.exists()
    assert Document.objects.filter(created_at__isnull=True).count() == 0
