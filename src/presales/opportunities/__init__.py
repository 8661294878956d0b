"""Opportunities, SOP stages and gates, retrospectives, handover."""
