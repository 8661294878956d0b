def can_manage_robots(user) -> bool:
    """Team group robots are configured by managers (and administrators)."""
    return bool(user and user.is_authenticated and user.is_manager)
