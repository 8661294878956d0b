"""Who may import from a CRM. Managers (administrator, department head, presales manager) import
into every team; a team lead imports into the teams they lead (rows of other teams are refused
row by row, see engine.Context.check_team). Nobody else sees the import pages. An import job is
visible to managers and to the person who uploaded it (ImportJob.objects.visible_to)."""

from presales.core.permissions import is_manager


def can_import(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return is_manager(user) or bool(user.led_team_ids)


def can_act_on_job(user, job) -> bool:
    """Map, confirm, cancel: the person who uploaded it, or a manager."""
    return can_import(user) and (job.created_by_id == user.pk or is_manager(user))
