"""The bridge to presales.metrics: whether a computed metric exists. The metrics app may not
provide its registry yet (it is built in parallel), so the import is guarded: without it every
computed indicator is treated as entered by hand — never a made-up value."""

from __future__ import annotations

# The metric codes the seeds' computed indicators use (implemented by presales.metrics).
METRIC_CODES = (
    "conversion_rate",
    "bid_win_rate",
    "project_success_rate",
    "support_response_hours",
    "solution_completeness",
    "review_first_pass_rate",
    "customer_satisfaction",
    "follow_up_completion",
    "complaints",
    "unresolved_issue_customers",
    "knowledge_shares",
    "sales_trainings",
    "mentoring",
    "poc_success_rate",
    "daily_report_quality",
)


def _registry():
    try:
        from presales.metrics import registry
    except ImportError:
        return None
    return registry


def metric_available(code: str) -> bool:
    """True when presales.metrics.registry knows the metric and says it is available."""
    if not code:
        return False
    registry = _registry()
    if registry is None:
        return False
    try:
        is_available = getattr(registry, "is_available", None)
        if is_available is not None:
            return bool(is_available(code))
        get_metric = getattr(registry, "get_metric", None)  # fallback: the Metric object's own check
        return bool(get_metric is not None and get_metric(code).is_available())
    except Exception:  # noqa: BLE001 - unknown code, or a half-built registry: not available
        return False
