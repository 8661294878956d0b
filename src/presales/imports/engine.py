"""Running an import job: every row through the presales services, in one transaction.

Each row is read cell by cell (spec), matched to an existing record by its external id (the
ExternalKey of this source) or, the first time, by its natural key (a customer's name; a contact's
or an opportunity's name within its customer), and then created or updated by the services that
the pages and the API use — so the presales rules hold for imported data exactly as for typed data
(one presales owner and one sales owner per customer, roles of owners, unique customer names,
stage rules). A row runs in a savepoint: a row the services refuse leaves nothing behind and is
reported with its errors per file column.

The whole run is one transaction. A dry run (the preview) always rolls it back; an import commits
it — unless it runs all-or-nothing and some row was refused, then nothing is written. Rows are
read in chunks whose look-ups (external ids, records, customers by name) are one query each, and
people and teams are read once per run, so the number of queries per row does not grow with the
file or with the data already there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import translation
from django.utils.translation import gettext as _

from presales.accounts.choices import RoleCode
from presales.core.errors import DomainError
from presales.core.permissions import is_manager
from presales.opportunities import progress as opportunity_progress

from . import audit
from .choices import ImportKind, ImportMode, RowOutcome
from .models import ExternalKey, ImportJob
from .reading import Table, read_table
from .spec import (
    BOOL,
    CHOICE,
    DATE,
    DECIMAL,
    REF,
    TEAM,
    USER,
    CellError,
    choice_lookup,
    fields_of,
    is_blank,
    normalise,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_text,
    text_of,
)

logger = logging.getLogger("presales.imports")

CHUNK = 500
PROGRESS_EVERY = 1.0  # seconds between two progress reports within a chunk (and one per chunk)
ROW = ""  # the key of a row's errors that concern no single column


@dataclass
class RowResult:
    row: int
    outcome: str
    external_id: str = ""
    object_id: int | None = None
    label: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    values: dict[str, object] = field(default_factory=dict)
    name: str = ""  # the record's name alone (a rolled-back run's new opportunity has no number)


@dataclass
class RunResult:
    rows: list[RowResult]
    committed: bool

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)


class RowRefused(Exception):
    """A row that cannot be imported: errors keyed by our field names."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("row refused")
        self.errors = errors


class _Rollback(Exception):
    pass


def _refuse(field_name: str, message: str):
    raise RowRefused({field_name: [str(message)]})


# --- look-ups done once per run or once per chunk -----------------------------------------------


class Context:
    """What a run looks up in bulk: people and teams once, external ids and records per chunk."""

    def __init__(self, job: ImportJob, table: Table):
        from presales.accounts.models import Team

        self.job = job
        self.actor = job.created_by
        self.kind = job.kind
        self.fields = fields_of(job.kind)
        self.columns = {h: f for h, f in (job.columns or {}).items() if f in self.fields}
        self.header_of = {f: h for h, f in self.columns.items()}
        self.values = job.values or {}
        self.lookups = {f.name: choice_lookup(f) for f in self.fields.values() if f.type == CHOICE}
        self.allowed_team_ids = None if is_manager(self.actor) else set(self.actor.led_team_ids)
        self.teams = {normalise(t.name): t for t in Team.objects.all()}
        self.reason = _("CRM import #%(job)s from %(source)s (%(file)s)") % {
            "job": job.pk,
            "source": job.source.name,
            "file": job.file_name,
        }
        self._load_people(table)
        # external ids: {(kind, external id): object id}; records: {model label: {pk: obj}}
        self.keys: dict[tuple[str, str], int] = {}
        self.records: dict[str, dict[int, object]] = {"customer": {}, "contact": {}, "opportunity": {}}
        self.customer_by_name: dict[str, int] = {}
        self.child_by_name: dict[tuple[int, str], int] = {}

    # people ---------------------------------------------------------------------------------
    def _load_people(self, table: Table) -> None:
        from presales.accounts.models import User

        user_headers = [h for h, f in self.columns.items() if self.fields[f].type == USER]
        raw = {
            text_of(cells[h]) for _, cells in table.rows for h in user_headers if not is_blank(cells.get(h))
        }
        mapped_ids = {int(v) for v in (self.job.owners or {}).values() if str(v).isdigit()}
        lowered = {r.lower() for r in raw}
        found = (
            User.objects.annotate(l_user=Lower("username"), l_mail=Lower("email"))
            .filter(Q(l_user__in=lowered) | Q(l_mail__in=lowered) | Q(pk__in=mapped_ids))
            .prefetch_related("roles")
            if (lowered or mapped_ids)
            else []
        )
        self.users_by_pk = {}
        self.users_by_login: dict[str, object] = {}
        self.users_by_mail: dict[str, list] = {}
        for user in found:
            codes = frozenset(r.code for r in user.roles.all())
            user.__dict__["role_codes"] = codes | {RoleCode.ADMIN} if user.is_superuser else codes
            self.users_by_pk[user.pk] = user
            self.users_by_login[user.username.lower()] = user
            if user.email:
                self.users_by_mail.setdefault(user.email.lower(), []).append(user)
        if self.job.default_presales_owner_id:
            self.default_presales_owner = self.users_by_pk.get(self.job.default_presales_owner_id) or (
                User.objects.get(pk=self.job.default_presales_owner_id)
            )
        else:
            self.default_presales_owner = None

    def user_for(self, f, cell):
        raw = text_of(cell)
        mapped = (self.job.owners or {}).get(raw)
        user = self.users_by_pk.get(int(mapped)) if mapped and str(mapped).isdigit() else None
        if user is None:
            user = self.users_by_login.get(raw.lower())
        if user is None:
            by_mail = self.users_by_mail.get(raw.lower(), [])
            if len(by_mail) > 1:
                raise CellError(
                    _("Several colleagues have the e-mail “%(value)s”: give the login instead.")
                    % {"value": raw}
                )
            user = by_mail[0] if by_mail else None
        if user is None:
            raise CellError(
                _(
                    "No colleague has the login or e-mail “%(value)s”: add the person first, or map the "
                    "value to a colleague on the mapping page."
                )
                % {"value": raw}
            )
        if not user.is_active:
            raise CellError(_("%(name)s has left: the account is inactive.") % {"name": user})
        return user

    def team_for(self, cell):
        raw = text_of(cell)
        team = self.teams.get(normalise(raw))
        if team is None:
            raise CellError(_("No team is named “%(value)s”.") % {"value": raw})
        return team

    def check_team(self, team_id, field_name: str, *, existing: bool) -> None:
        if self.allowed_team_ids is None or team_id in self.allowed_team_ids:
            return
        if existing:
            _refuse(
                field_name,
                _(
                    "This record belongs to a team you do not lead: a team lead imports only into their own teams."
                ),
            )
        _refuse(field_name, _("A team lead imports only into the teams they lead."))

    # per chunk ------------------------------------------------------------------------------
    def prefetch(self, rows: list[tuple[int, dict]]) -> None:
        from presales.customers.models import Contact, Customer
        from presales.opportunities.models import Opportunity

        def cells(field_name):
            header = self.header_of.get(field_name)
            if header is None:
                return set()
            return {text_of(c[header]) for _, c in rows if not is_blank(c.get(header))}

        wanted = {self.kind: cells("external_id")}
        if self.kind != ImportKind.CUSTOMERS:
            wanted.setdefault(ImportKind.CUSTOMERS, set()).update(cells("customer_ref"))
        for kind, ids in wanted.items():
            ids = {i for i in ids if (kind, i) not in self.keys}
            if ids:
                for ext, pk in ExternalKey.objects.filter(
                    source_id=self.job.source_id, kind=kind, external_id__in=ids
                ).values_list("external_id", "object_id"):
                    self.keys[(kind, ext)] = pk
        by_kind = {
            ImportKind.CUSTOMERS: ("customer", Customer),
            ImportKind.CONTACTS: ("contact", Contact),
            ImportKind.OPPORTUNITIES: ("opportunity", Opportunity),
        }
        for kind, (label, model) in by_kind.items():
            pks = {pk for (k, _), pk in self.keys.items() if k == kind} - set(self.records[label])
            if pks:
                self.records[label].update(model.objects.in_bulk(pks))
        # natural keys
        names = cells("name") if self.kind == ImportKind.CUSTOMERS else cells("customer_name")
        names = {n.lower() for n in names} - set(self.customer_by_name)
        if names:
            for customer in Customer.objects.annotate(l_name=Lower("name")).filter(l_name__in=names):
                self.customer_by_name[customer.name.lower()] = customer.pk
                self.records["customer"].setdefault(customer.pk, customer)
        if self.kind in (ImportKind.CONTACTS, ImportKind.OPPORTUNITIES):
            customer_ids = set()
            for ref in cells("customer_ref"):
                pk = self.keys.get((ImportKind.CUSTOMERS, ref))
                if pk:
                    customer_ids.add(pk)
            for name in cells("customer_name"):
                pk = self.customer_by_name.get(name.lower())
                if pk:
                    customer_ids.add(pk)
            child_names = {n.lower() for n in cells("name")}
            if customer_ids and child_names:
                label, model = by_kind[self.kind]
                for obj in model.objects.annotate(l_name=Lower("name")).filter(
                    customer_id__in=customer_ids, l_name__in=child_names
                ):
                    self.child_by_name.setdefault((obj.customer_id, obj.name.lower()), obj.pk)
                    self.records[label].setdefault(obj.pk, obj)

    def record(self, label: str, pk: int):
        from presales.customers.models import Contact, Customer
        from presales.opportunities.models import Opportunity

        obj = self.records[label].get(pk)
        if obj is None:
            model = {"customer": Customer, "contact": Contact, "opportunity": Opportunity}[label]
            obj = model.objects.filter(pk=pk).first()
            if obj is not None:
                self.records[label][pk] = obj
        return obj

    def forget(self, label: str, pk: int | None) -> None:
        """A row that was rolled back to its savepoint may have changed a cached record."""
        if pk is not None:
            self.records[label].pop(pk, None)

    def link(self, kind: str, external_id: str, pk: int) -> None:
        known = self.keys.get((kind, external_id))
        if known == pk:
            return
        if known is None:
            ExternalKey.objects.create(
                source_id=self.job.source_id, kind=kind, external_id=external_id, object_id=pk
            )
        else:  # the id's record was deleted here, and the row made a new one
            ExternalKey.objects.filter(
                source_id=self.job.source_id, kind=kind, external_id=external_id
            ).update(object_id=pk)
        self.keys[(kind, external_id)] = pk

    def find_customer(self, *, ref: str | None, name: str | None):
        pk = self.keys.get((ImportKind.CUSTOMERS, ref)) if ref else None
        if pk is None and name:
            pk = self.customer_by_name.get(name.lower())
        return self.record("customer", pk) if pk else None


# --- reading a row --------------------------------------------------------------------------------


def parse_row(ctx: Context, cells: dict) -> dict:
    """{field: value} for the row's non-empty mapped cells; RowRefused with every unreadable cell."""
    values: dict[str, object] = {}
    errors: dict[str, list[str]] = {}
    for header, name in ctx.columns.items():
        cell = cells.get(header)
        if is_blank(cell):
            continue
        f = ctx.fields[name]
        try:
            if f.type == CHOICE:
                value = parse_choice(f, cell, ctx.values.get(name), ctx.lookups[name])
            elif f.type == USER:
                value = ctx.user_for(f, cell)
            elif f.type == TEAM:
                value = ctx.team_for(cell)
            elif f.type == DECIMAL:
                value = parse_decimal(cell)
            elif f.type == DATE:
                value = parse_date(cell)
            elif f.type == BOOL:
                value = parse_bool(cell)
            elif f.type == REF:
                value = text_of(cell)
            else:
                value = parse_text(f, cell)
                if name == "website" and value and "://" not in value:
                    value = f"https://{value}"
        except CellError as exc:
            errors.setdefault(name, []).append(str(exc))
            continue
        values[name] = value
    if not values.get("external_id") and "external_id" not in errors:
        errors["external_id"] = [_("The CRM id is required: it is how a re-import finds the record again.")]
    if errors:
        raise RowRefused(errors)
    return values


def _require(ctx: Context, values: dict, names: tuple[str, ...]) -> None:
    missing = {n: [_("Required to create the record.")] for n in names if n not in values}
    if missing:
        raise RowRefused(missing)


def _changes(obj, values: dict, editable: tuple[str, ...]) -> dict:
    return {n: values[n] for n in editable if n in values and getattr(obj, n) != values[n]}


# --- customers ---------------------------------------------------------------------------------------


def _customer_row(ctx: Context, v: dict) -> tuple[str, object, list[str]]:
    from presales.customers import services as customers
    from presales.customers.choices import OwnerKind

    ext = v["external_id"]
    customer = ctx.find_customer(ref=ext, name=v.get("name"))
    if customer is None:
        presales_owner = v.get("presales_owner") or ctx.default_presales_owner
        if presales_owner is not None:
            v["presales_owner"] = presales_owner
        _require(ctx, v, ("name", "industry", "region", "sales_owner", "presales_owner"))
        team = v.get("team") or presales_owner.team
        ctx.check_team(team.pk if team else None, "team" if "team" in v else "presales_owner", existing=False)
        customer = customers.customer_create(
            actor=ctx.actor,
            name=v["name"],
            industry=v["industry"],
            region=v["region"],
            presales_owner=presales_owner,
            sales_owner=v["sales_owner"],
            team=v.get("team"),
            **{
                n: v[n]
                for n in ("short_name", "size", "status", "profile", "website", "address", "confidential")
                if n in v
            },
        )
        ctx.records["customer"][customer.pk] = customer
        ctx.customer_by_name[customer.name.lower()] = customer.pk
        ctx.link(ImportKind.CUSTOMERS, ext, customer.pk)
        return RowOutcome.CREATE, customer, []
    ctx.check_team(customer.team_id, "external_id", existing=True)
    notes = []
    if (ImportKind.CUSTOMERS, ext) not in ctx.keys:
        notes.append(_("Linked to the existing customer of the same name."))
    if "team" in v and v["team"].pk != customer.team_id:
        notes.append(_("The presales team of an existing customer is not changed by an import."))
    changed = False
    changes = _changes(customer, v, customers.CUSTOMER_EDITABLE_FIELDS)
    if changes:
        customer = customers.customer_update(
            actor=ctx.actor, customer=customer, expected_version=None, **changes
        )
        changed = True
    for kind, name in ((OwnerKind.PRESALES, "presales_owner"), (OwnerKind.SALES, "sales_owner")):
        if name in v and v[name].pk != getattr(customer, f"{name}_id"):
            customers.customer_reassign(
                actor=ctx.actor, customer=customer, kind=kind, to_user=v[name], reason=ctx.reason
            )
            customer = type(customer).objects.get(pk=customer.pk)
            changed = True
    ctx.records["customer"][customer.pk] = customer
    ctx.link(ImportKind.CUSTOMERS, ext, customer.pk)
    return (RowOutcome.UPDATE if changed else RowOutcome.UNCHANGED), customer, notes


# --- contacts ----------------------------------------------------------------------------------------

CONTACT_FIELDS = ("name", "role", "title", "department", "phone", "email", "wechat", "notes")


def _parent_customer(ctx: Context, v: dict, *, required: bool):
    ref, name = v.get("customer_ref"), v.get("customer_name")
    if not ref and not name:
        if required:
            _refuse("customer_ref", _("Give the customer's CRM id or name."))
        return None
    customer = ctx.find_customer(ref=ref, name=name)
    if customer is None:
        if ref:
            _refuse(
                "customer_ref",
                _("No customer has the CRM id “%(value)s”: import the customers file first.")
                % {"value": ref},
            )
        _refuse("customer_name", _("No customer is named “%(value)s”.") % {"value": name})
    return customer


def _child(ctx: Context, label: str, kind: str, ext: str, customer, name: str | None):
    pk = ctx.keys.get((kind, ext))
    if pk is None and customer is not None and name:
        pk = ctx.child_by_name.get((customer.pk, name.lower()))
    return ctx.record(label, pk) if pk else None


def _contact_row(ctx: Context, v: dict) -> tuple[str, object, list[str]]:
    from presales.customers import services as customers
    from presales.customers.choices import ContactRole

    ext = v["external_id"]
    customer = _parent_customer(ctx, v, required=False)
    contact = _child(ctx, "contact", ImportKind.CONTACTS, ext, customer, v.get("name"))
    if contact is None:
        customer = customer or _parent_customer(ctx, v, required=True)
        _require(ctx, v, ("name",))
        ctx.check_team(
            customer.team_id, "customer_ref" if "customer_ref" in v else "customer_name", existing=False
        )
        contact = customers.contact_create(
            actor=ctx.actor,
            customer=customer,
            name=v["name"],
            role=v.get("role", ContactRole.OTHER),
            **{n: v[n] for n in CONTACT_FIELDS if n in v and n not in ("name", "role")},
        )
        ctx.records["contact"][contact.pk] = contact
        ctx.child_by_name[(customer.pk, contact.name.lower())] = contact.pk
        ctx.link(ImportKind.CONTACTS, ext, contact.pk)
        return RowOutcome.CREATE, contact, []
    owner = ctx.record("customer", contact.customer_id)
    ctx.check_team(owner.team_id, "external_id", existing=True)
    if customer is not None and customer.pk != contact.customer_id:
        _refuse(
            "customer_ref" if "customer_ref" in v else "customer_name",
            _("This contact belongs to another customer; an import does not move a contact."),
        )
    notes = (
        []
        if (ImportKind.CONTACTS, ext) in ctx.keys
        else [_("Linked to the existing contact of the same name.")]
    )
    changes = _changes(contact, v, CONTACT_FIELDS)
    if changes:
        contact = customers.contact_update(actor=ctx.actor, contact=contact, expected_version=None, **changes)
        ctx.records["contact"][contact.pk] = contact
    ctx.link(ImportKind.CONTACTS, ext, contact.pk)
    return (RowOutcome.UPDATE if changes else RowOutcome.UNCHANGED), contact, notes


# --- opportunities -----------------------------------------------------------------------------------


def _opportunity_row(ctx: Context, v: dict) -> tuple[str, object, list[str]]:
    from presales.opportunities import services as opportunities
    from presales.opportunities.choices import CLOSED_STAGES, Stage
    from presales.opportunities.choices import Source as OpportunitySource
    from presales.opportunities.workflow import STAGE_ORDER

    ext = v["external_id"]
    customer = _parent_customer(ctx, v, required=False)
    opportunity = _child(ctx, "opportunity", ImportKind.OPPORTUNITIES, ext, customer, v.get("name"))
    stage = v.get("stage")
    if opportunity is None:
        customer = customer or _parent_customer(ctx, v, required=True)
        _require(ctx, v, ("name",))
        lead = v.get("presales_lead")
        team_id = lead.team_id if lead is not None and lead.team_id else customer.team_id
        ctx.check_team(
            team_id, "presales_lead" if lead is not None and lead.team_id else "customer_ref", existing=False
        )
        opportunity = opportunities.opportunity_create(
            actor=ctx.actor,
            customer=customer,
            name=v["name"],
            source=v.get("source", OpportunitySource.OTHER),
            sales_owner=v.get("sales_owner"),
            presales_lead=lead,
            **{
                n: v[n]
                for n in (
                    "industry",
                    "description",
                    "estimated_amount",
                    "budget",
                    "procurement_method",
                    "competitors",
                    "expected_close_on",
                    "confidential",
                )
                if n in v
            },
        )
        if stage and stage != opportunity.stage:
            opportunities.opportunity_place(
                actor=ctx.actor, opportunity=opportunity, to_stage=stage, reason=ctx.reason
            )
            opportunity = type(opportunity).objects.get(pk=opportunity.pk)
        ctx.records["opportunity"][opportunity.pk] = opportunity
        ctx.child_by_name[(customer.pk, opportunity.name.lower())] = opportunity.pk
        ctx.link(ImportKind.OPPORTUNITIES, ext, opportunity.pk)
        return RowOutcome.CREATE, opportunity, []
    ctx.check_team(opportunity.team_id, "external_id", existing=True)
    if customer is not None and customer.pk != opportunity.customer_id:
        _refuse(
            "customer_ref" if "customer_ref" in v else "customer_name",
            _("This opportunity belongs to another customer; an import does not move an opportunity."),
        )
    notes = (
        []
        if (ImportKind.OPPORTUNITIES, ext) in ctx.keys
        else [_("Linked to the existing opportunity of the same name.")]
    )
    changed = False
    changes = _changes(opportunity, v, opportunities.OPPORTUNITY_EDITABLE_FIELDS)
    if changes:
        opportunity = opportunities.opportunity_update(
            actor=ctx.actor, opportunity=opportunity, expected_version=None, **changes
        )
        changed = True
    lead = v.get("presales_lead")
    if lead is not None and lead.pk != opportunity.presales_lead_id:
        if opportunity.is_closed:
            notes.append(_("The presales lead of a closed opportunity is kept."))
        else:
            opportunity = opportunities.opportunity_assign_lead(
                actor=ctx.actor, opportunity=opportunity, presales_lead=lead, reason=ctx.reason
            )
            changed = True
    if stage and stage != opportunity.stage:
        current = opportunity.stage
        if current in CLOSED_STAGES or (
            stage not in CLOSED_STAGES and STAGE_ORDER[stage] < STAGE_ORDER[current]
        ):
            notes.append(
                _(
                    "The stage stays “%(current)s”: the CRM says “%(crm)s”, and an import moves an opportunity only forward."
                )
                % {"current": Stage(current).label, "crm": Stage(stage).label}
            )
        else:
            opportunities.opportunity_place(
                actor=ctx.actor, opportunity=opportunity, to_stage=stage, reason=ctx.reason
            )
            opportunity = type(opportunity).objects.get(pk=opportunity.pk)
            changed = True
    ctx.records["opportunity"][opportunity.pk] = opportunity
    ctx.link(ImportKind.OPPORTUNITIES, ext, opportunity.pk)
    return (RowOutcome.UPDATE if changed else RowOutcome.UNCHANGED), opportunity, notes


HANDLERS = {
    ImportKind.CUSTOMERS: ("customer", _customer_row),
    ImportKind.CONTACTS: ("contact", _contact_row),
    ImportKind.OPPORTUNITIES: ("opportunity", _opportunity_row),
}


def _label(ctx: Context, obj) -> str:
    from presales.customers.models import Contact

    if isinstance(obj, Contact):
        customer = ctx.record("customer", obj.customer_id)
        return f"{obj.name} · {customer.name}"[:255] if customer is not None else obj.name
    return str(obj)[:255]


def _by_header(ctx: Context, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Our field names → the file's column headers; a field the file has no column for (the team
    derived from an owner, a rule about the whole row) is named in the message instead."""
    result: dict[str, list[str]] = {}
    for name, messages in errors.items():
        header = ctx.header_of.get(name)
        if header is None and name in ctx.fields:
            messages = [f"{ctx.fields[name].label}：{m}" for m in messages]
        result.setdefault(header or ROW, []).extend(str(m) for m in messages)
    return result


def process_row(ctx: Context, number: int, cells: dict) -> RowResult:
    label, handler = HANDLERS[ctx.kind]
    external_id = text_of(cells.get(ctx.header_of.get("external_id", ""), "") or "")
    touched = None
    try:
        values = parse_row(ctx, cells)
        touched = ctx.keys.get((ctx.kind, values["external_id"]))
        with transaction.atomic():
            outcome, obj, notes = handler(ctx, values)
    except RowRefused as refused:
        errors = refused.errors
    except DomainError as refused:
        errors = refused.errors or {ROW: [refused.message]}
    except IntegrityError as exc:  # a constraint the services could not check ahead (a race)
        logger.warning("import %s row %s: %s", ctx.job.pk, number, exc)
        errors = {ROW: [_("The database refused this row; check for duplicates and try again.")]}
    else:
        return RowResult(
            number,
            outcome,
            external_id,
            obj.pk,
            _label(ctx, obj),
            {},
            [str(n) for n in notes],
            name=str(getattr(obj, "name", ""))[:255],
        )
    ctx.forget(label, touched)
    if ctx.kind != ImportKind.CUSTOMERS:
        ref_pk = ctx.keys.get(
            (ImportKind.CUSTOMERS, text_of(cells.get(ctx.header_of.get("customer_ref", ""), "") or ""))
        )
        ctx.forget("customer", ref_pk)
    return RowResult(
        number,
        RowOutcome.ERROR,
        external_id,
        None,
        "",
        _by_header(ctx, errors),
        [],
        {h: _jsonable(cells.get(h)) for h in cells},
    )


def _jsonable(cell):
    if cell is None or isinstance(cell, (str, int, float, bool)):
        return cell
    return text_of(cell)


def run(job: ImportJob, *, dry_run: bool, progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Run every row of the job's file; commit unless `dry_run` (or all-or-nothing with errors)."""
    content = job.file.open("rb").read()
    job.file.close()
    table = read_table(content, job.file_name)
    total = len(table.rows)
    results: list[RowResult] = []
    committed = False
    with translation.override(job.language):
        ctx = Context(job, table)
        with audit.recording(actor=job.created_by, reason=ctx.reason):
            try:
                with transaction.atomic():
                    reported, last_done = time.monotonic(), -1
                    for start in range(0, total, CHUNK):
                        chunk = table.rows[start : start + CHUNK]
                        ctx.prefetch(chunk)
                        # The opportunities' progress status is derived once per chunk for every
                        # opportunity the chunk touched, not after each saved row (the signals
                        # note them; `deferred` refreshes them together, in this transaction).
                        with opportunity_progress.deferred():
                            for number, cells in chunk:
                                results.append(process_row(ctx, number, cells))
                                if progress is not None and time.monotonic() - reported >= PROGRESS_EVERY:
                                    progress(len(results), total)
                                    reported, last_done = time.monotonic(), len(results)
                        # the chunk's end, unless the last row's timed report just said it
                        if progress is not None and len(results) != last_done:
                            progress(len(results), total)
                            reported, last_done = time.monotonic(), len(results)
                    failed = any(r.outcome == RowOutcome.ERROR for r in results)
                    if dry_run or (failed and job.mode == ImportMode.ALL_OR_NOTHING):
                        raise _Rollback
                    committed = True
            except _Rollback:
                committed = False
    return RunResult(rows=results, committed=committed)
