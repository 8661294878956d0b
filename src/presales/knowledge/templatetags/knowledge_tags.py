from django import template

register = template.Library()


@register.inclusion_tag("knowledge/partials/solution_sources.html")
def solution_sources(solution, user):
    """The knowledge articles a solution reuses ("sources"), those the reader may read, with the
    sections that quote them. One query."""
    from presales.knowledge.models import Citation

    citations = list(
        Citation.objects.visible_to(user).filter(solution=solution).select_related("article")
        .only("id", "note", "article__id", "article__title", "article__kind").order_by("article_id")
    )
    return {"citations": citations}
