from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ImportKind(models.TextChoices):
    """What one file holds: a CRM exports accounts, contacts and opportunities separately."""

    CUSTOMERS = "customers", _("Customers")
    CONTACTS = "contacts", _("Contacts")
    OPPORTUNITIES = "opportunities", _("Opportunities")


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all", _("All or nothing: one bad row and nothing is imported")
    SKIP_INVALID = "skip", _("Skip the bad rows and import the others")


class JobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Columns to map")  # the file is read, its columns await a mapping
    PREVIEWING = "previewing", _("Checking")  # the dry run is working through the rows
    PREVIEWED = "previewed", _("Ready to import")  # the dry run's results are shown, nothing written
    IMPORTING = "importing", _("Importing")  # the import is working through the rows
    IMPORTED = "imported", _("Imported")  # committed
    REFUSED = "refused", _("Refused")  # all-or-nothing import with bad rows: nothing written
    FAILED = "failed", pgettext_lazy("import status", "Failed")  # an unexpected error: nothing written
    CANCELLED = "cancelled", _("Cancelled")  # the user stopped before importing: nothing written


RUNNING_STATUSES = (JobStatus.PREVIEWING, JobStatus.IMPORTING)
FINISHED_STATUSES = (JobStatus.IMPORTED, JobStatus.REFUSED, JobStatus.FAILED, JobStatus.CANCELLED)


class RowOutcome(models.TextChoices):
    CREATE = "create", pgettext_lazy("import outcome", "Created")  # a new record (in a dry run: would be created)
    UPDATE = "update", pgettext_lazy("import outcome", "Updated")  # an existing record changed (dry run: would change)
    UNCHANGED = "unchanged", _("Unchanged")  # the record already holds these values
    ERROR = "error", pgettext_lazy("import outcome", "Error")  # refused with the reasons per column; nothing written for the row
