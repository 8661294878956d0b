"""A small company for the generated API tests (schemathesis, the permission matrix): the kit's
cast plus one record of each main kind in team A, built through the factories (services), so that
operations with an `{id}` hit real rows. Team B's engineer is the out-of-scope user."""

from __future__ import annotations

from django.urls import Resolver404, resolve

from tests.kit import Cast


def seed(cast: Cast) -> dict[str, object]:
    """Create the records; returns them by name (for readable assertions)."""
    from tests.factories import appraisal as appraisal_f
    from tests.factories import bids as bids_f
    from tests.factories import customers as customers_f
    from tests.factories import demos as demos_f
    from tests.factories import discovery as discovery_f
    from tests.factories import documents as documents_f
    from tests.factories import kpi as kpi_f
    from tests.factories import poc as poc_f
    from tests.factories import solutions as solutions_f
    from tests.factories import support as support_f
    from tests.factories import talent as talent_f

    made: dict[str, object] = {}
    customer = customers_f.CustomerFactory(presales_owner=cast.engineer_a, sales_owner=cast.sales_a, team=cast.team_a)
    made["customer"] = customer
    made["contact"] = discovery_f.make_contact(customer)
    made["communication"] = customers_f.CommunicationFactory(customer=customer, created_by=cast.engineer_a)
    made["technical_issue"] = customers_f.TechnicalIssueFactory(customer=customer, owner=cast.engineer_a,
                                                                created_by=cast.engineer_a)
    made["complaint"] = customers_f.ComplaintFactory(customer=customer, created_by=cast.engineer_a)
    made["survey"] = customers_f.SurveyFactory(customer=customer, engineer=cast.engineer_a,
                                               created_by=cast.engineer_a)
    made["feedback"] = customers_f.FeedbackItemFactory(customer=customer, owner=cast.engineer_a,
                                                       created_by=cast.engineer_a)
    opportunity = discovery_f.make_opportunity(cast, customer=customer, members=[cast.engineer_a2])
    made["opportunity"] = opportunity
    made["plan"] = discovery_f.make_plan(cast, opportunity)
    made["research_item"] = discovery_f.add_item(cast, opportunity)
    made["activity"] = discovery_f.add_activity(cast, opportunity)
    made["support_request"] = support_f.submit(actor=cast.sales_a, customer=customer)
    poc = poc_f.make_poc(cast, opportunity=opportunity)
    made["poc"] = poc
    made["criterion"] = poc_f.add_criterion(poc, cast.engineer_a)
    made["document"] = documents_f.make_document(author=cast.engineer_a, opportunity=opportunity)
    made["demo"] = demos_f.make_demo(cast, opportunity=opportunity)
    made["solution"] = solutions_f.make_solution(cast, opportunity=opportunity, fill=False)
    made["bid"] = bids_f.make_bid(cast, opportunity=opportunity)
    made["report"] = talent_f.make_report(cast.engineer_a)
    made["certification"] = talent_f.make_certification(cast.manager, cast.engineer_a)
    made["training"] = talent_f.make_training(cast.manager, attendees=[cast.engineer_a])
    made["pair"] = talent_f.make_pair(cast.manager, cast.lead_a, cast.engineer_a2)
    made["programme"] = talent_f.make_programme(cast.manager, cast.engineer_a2)
    made["award_round"] = talent_f.make_round(cast.manager, nominations=[(cast.lead_a, cast.engineer_a)])
    made["indicator"] = kpi_f.make_indicator(cast.manager)
    committee = appraisal_f.make_committee(team=cast.team_a)
    made["cycle"] = appraisal_f.running_cycle(cast, committee=committee)
    return made


def detail_id(path: str, user) -> int | None:
    """The id of a row the user may see, for an operation path with `{id}` (by resolving the path
    to its viewset and taking the first row of its queryset's model visible to the user)."""
    try:
        match = resolve(path.replace("{id}", "1"))
    except Resolver404:
        return None
    model = getattr(getattr(match.func, "cls", None), "model", None)
    if model is None:
        return None
    manager = model._default_manager
    queryset = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
    return queryset.order_by("pk").values_list("pk", flat=True).first()

