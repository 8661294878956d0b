"""The document's lifecycle as a state machine (built on core.workflow; the step logic is in
approval.py).

    draft ─submit─▶ department_review ─approve─▶ manager_review ─approve─▶ final_review ─approve─▶ published
      ▲               │ return                     │ return                   │ return           │
      │               ▼                            ▼                          ▼                  │ new version
    returned ◀────────┴────────────────────────────┴──────────────────────────┘                  ▼
      └─submit (resubmit) ─▶ first step                                                        draft

A category may skip steps: submit and approve then jump to the next configured step (or straight to
published). archive: any status except archived (by the responsible person or the periodic job).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales.core.workflow import Transition, Workflow

from . import permissions
from .choices import EDITABLE_STATUSES, REVIEW_STATUSES, DocumentStatus

SUBMIT = "submit"
APPROVE = "approve"
RETURN = "return"
ARCHIVE = "archive"
REVISE = "revise"
EDIT = "edit"
ACCESS = "access"

ACTION_LABELS = {
    SUBMIT: gettext_lazy("Submit for approval"),
    APPROVE: gettext_lazy("Approve"),
    RETURN: gettext_lazy("Return to the author"),
    ARCHIVE: gettext_lazy("Archive"),
    REVISE: gettext_lazy("New version"),
    EDIT: gettext_lazy("Edit"),
    ACCESS: gettext_lazy("Change access"),
}


def has_a_version(document) -> str | None:
    if document.current_version_id is None:
        return _("The document has no file yet.")
    return None


def _always(user, document) -> bool:  # the job archives without a user; services check people
    return True


def _transitions() -> list[Transition]:
    s = DocumentStatus
    table = []
    targets_after_submit = (*REVIEW_STATUSES, s.PUBLISHED)
    for source in EDITABLE_STATUSES:
        for target in targets_after_submit:
            table.append(
                Transition(
                    source, target, action=SUBMIT, allowed=permissions.can_submit, guards=[has_a_version]
                )
            )
    for i, source in enumerate(REVIEW_STATUSES):
        for target in (*REVIEW_STATUSES[i + 1 :], s.PUBLISHED):
            table.append(Transition(source, target, action=APPROVE, allowed=permissions.can_review))
        table.append(
            Transition(source, s.RETURNED, action=RETURN, allowed=permissions.can_review, gated=False)
        )
    table.append(
        Transition(s.PUBLISHED, s.DRAFT, action=REVISE, allowed=permissions.can_add_version, gated=False)
    )
    for source in s.values:
        if source != s.ARCHIVED:
            table.append(Transition(source, s.ARCHIVED, action=ARCHIVE, allowed=_always, gated=False))
    return table


document_flow = Workflow(name="document", transitions=_transitions())
