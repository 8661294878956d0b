from django import template

register = template.Library()


@register.inclusion_tag("documents/partials/artefact_links.html")
def artefact_links(source, user):
    """The registered documents generated from `source` that `user` may read: number, title,
    status and current version, each linking to the document's page."""
    from presales.documents.artefacts import artefact_documents

    return {"documents": list(artefact_documents(source, user)) if source is not None else []}
