"""Previewing drafts as a learner: who may, and the session flag that says they are.

The admin's "Preview as a learner" sets the flag and opens the lesson on the site; while it
is set, the learner pages show drafts too, with a banner (learning/templatetags/preview.py),
and are never served from or stored in the anonymous page cache. The flag counts only for
staff who may change lessons, so a session that outlives its permission previews nothing.
"""

SESSION_KEY = "preview-drafts"
PERMISSION = "courses.change_lesson"


def may_preview(user) -> bool:
    return bool(user.is_active and user.is_staff and user.has_perm(PERMISSION))


def start_preview(session) -> None:
    session[SESSION_KEY] = True


def stop_preview(session) -> None:
    session.pop(SESSION_KEY, None)


def is_previewing(session, user) -> bool:
    """Drafts are visible to this visitor. The session is read first: a learner's request
    never loads the user for this."""
    return bool(session.get(SESSION_KEY)) and may_preview(user)
