from django import template

register = template.Library()


@register.inclusion_tag("talent/partials/opportunity_talent.html")
def opportunity_talent(opportunity, user):
    """The talent panel of an opportunity's page: the daily reports (visible to the user) that
    mention it, and its gold presales award nominations. Three queries, whatever the data."""
    from presales.talent import permissions
    from presales.talent.models import AwardNomination, DailyReport

    reports = DailyReport.objects.visible_to(user).filter(opportunities=opportunity)
    return {
        "opportunity": opportunity,
        "report_count": reports.count(),
        "reports": list(reports.select_related("author").order_by("-report_date", "-pk")[:3]),
        "nominations": list(
            AwardNomination.objects.visible_to(user)
            .filter(opportunity=opportunity)
            .select_related("round", "nominee")
        ),
        "can_write": permissions.can_write_reports(user),
    }
