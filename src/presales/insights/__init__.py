"""Dashboards, the engineer's "my work" page, metrics."""
