from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Dimension(models.TextChoices):
    RESULTS = "results", _("Results")  # 业绩结果: conversion, win rate, response time
    PROCESS = "process", _("Process quality")  # 过程质量: solution completeness, satisfaction, reviews
    GROWTH = "growth", _("Learning and growth")  # 学习成长: training, knowledge sharing, mentoring
    COLLABORATION = "collaboration", _("Collaboration")  # 团队协作: cross-department work, sales enablement
    KEY = "key", _("Key indicators")  # 关键指标 (presales manager form, 80 %)
    WORK = "work", _("Work performance")  # 工作表现 (presales manager form, 20 %)


class DataSource(models.TextChoices):
    COMPUTED = "computed", _("Computed by the system")  # from a metric of presales.metrics
    MANUAL = "manual", _("Entered by hand")  # a rater enters the value
    SURVEY = "survey", _("Survey")  # customer survey or 360° feedback


class RuleType(models.TextChoices):
    BANDS = "bands", _("Bands")  # value ranges → fixed points
    LINEAR = "linear", _("Linear between two values")  # 0 points at one value, full at another
    DEDUCTION = "deduction", _("Deduction per occurrence")  # full marks minus N per occurrence, floored
    BONUS = "bonus", _("Bonus per occurrence")  # N per occurrence, capped
    PASS_LINE = "pass_line", _("Pass line")  # full marks at or above the pass line, else fail points
    ACHIEVEMENT = "achievement", _("Achievement against a target")  # value / target × full marks, capped
    MANUAL = "manual", _("Manual rating")  # the rater gives the points directly


class IndicatorStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("kpi status", "Active")  # may be put into schemes
    RETIRED = "retired", _("Retired")  # kept for history; no longer put into new schemes


class EvaluationSource(models.TextChoices):
    SELF = "self", _("Self-assessment")  # 自我评估
    SUPERVISOR = "supervisor", _("Supervisor")  # 上级评价
    CUSTOMER = "customer", _("Customer")  # 客户评价
    PEER = "peer", _("Peers (360°)")  # 360度反馈
    SYSTEM = "system", _("System data")  # computed metric


class ReviewDecision(models.TextChoices):
    KEEP = "keep", _("Keep")  # 保留: the indicator still works
    REPLACE = "replace", _("Replace")  # 替换: a better indicator takes its place (the old one retires)
    RETIRE = "retire", _("Retire")  # 淘汰: dropped without a successor


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being built; items and weights may change freely
    ACTIVE = "active", pgettext_lazy("kpi status", "Active")  # weights sum to 100 %; may be used by appraisal cycles
    RETIRED = "retired", _("Retired")  # no longer offered for new cycles
