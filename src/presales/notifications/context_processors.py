def unread_count(request):
    """The badge: unread notifications that wait for the user to do something (news does not count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .selectors import unread_actionable_count

    return {"unread_notifications": unread_actionable_count(user)}
