from django import template

register = template.Library()


@register.filter
def percent(value, digits=0):
    """0.4237 -> "42%" (— when empty)."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.inclusion_tag("forecast/partials/opportunity_probability.html", takes_context=True)
def opportunity_probability(context, opportunity):
    """The win-probability panel of an opportunity's page: the newest model's estimate and the
    factors that moved it most; or why there is none. The opportunity is already in the viewer's
    scope (the page fetched it through visible_to). Two queries."""
    from presales.forecast import permissions, selectors
    from presales.forecast.services import training_status

    if opportunity.is_closed:
        return {"closed": True, "opportunity": opportunity}
    model = selectors.current_model_heading()
    prediction = selectors.prediction_for(opportunity=opportunity, model=model)
    return {
        "opportunity": opportunity,
        "model": model,
        "prediction": prediction,
        "factors": selectors.explained(prediction.factors) if prediction else [],
        "status": training_status() if model is None else None,
        "can_view_model": permissions.can_view_model(context["request"].user),
    }
