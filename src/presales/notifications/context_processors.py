from django.utils.functional import SimpleLazyObject


def unread_count(request):
    """The badge: unread notifications that wait for the user to do something (news does not count).
    Counted when a template prints it (the page's top bar), not for the htmx fragments that never
    do: every template rendered with the request runs this processor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .selectors import unread_actionable_count

    return {"unread_notifications": SimpleLazyObject(lambda: unread_actionable_count(user))}
