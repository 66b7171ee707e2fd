"""Use cases of the inventory: summary, device list and search, one device, its changes.

Each function takes the application object and plain arguments and returns
plain results; the CLI and the TUI only parse input and render output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sobriety.domain.inventory.actions import ACTIONS, PLANS
from sobriety.domain.inventory.queries import DeviceFilter, DeviceQuery, DeviceRow
from sobriety.domain.vocab import EventKind
from sobriety.i18n import clauses
from sobriety.storage.devices import ConflictError, InventoryCounts, NotFoundError

if TYPE_CHECKING:
    from sqlmodel import Session

    from sobriety.app.context import Sobriety
    from sobriety.storage.device_pages import DeviceDetail, SiteChoice
    from sobriety.storage.models import Device
    from sobriety.storage.search_index import DeviceSearchIndex

__all__ = [
    "ACTIONS",
    "ConflictError",
    "DeviceDetail",
    "DeviceFilter",
    "DeviceQuery",
    "DeviceRow",
    "InventoryCounts",
    "NotFoundError",
    "SiteChoice",
]


def __getattr__(name: str) -> Any:
    """The device-list types, imported when first asked for (``summary`` needs none)."""
    if name in ("DeviceDetail", "SiteChoice"):
        from sobriety.storage import device_pages

        return getattr(device_pages, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Columns that change on every write and say nothing to the user.
_BOOKKEEPING = frozenset({"version", "updated_at"})


def summary(app: Sobriety) -> InventoryCounts:
    """Devices by category and status, sites and agents."""
    from sobriety.storage.devices import inventory_counts

    return inventory_counts(app.engine)


def search_index(app: Sobriety) -> DeviceSearchIndex:
    """An in-memory free-text index of the devices (built on demand, kept fresh)."""
    from sobriety.storage.search_index import DeviceSearchIndex

    return DeviceSearchIndex(app.engine)


def page(
    app: Sobriety,
    query: DeviceQuery,
    *,
    offset: int = 0,
    limit: int = 100,
    after: DeviceRow | None = None,
    total: int | None = None,
    search: DeviceSearchIndex | None = None,
) -> list[DeviceRow]:
    """One page of the device list under ``query`` (keyset after ``after`` when known)."""
    from sobriety.storage.device_pages import fetch_page

    return fetch_page(
        app.engine, query, offset=offset, limit=limit, after=after, total=total, search=search
    )


def count(
    app: Sobriety, flt: DeviceFilter | None = None, *, search: DeviceSearchIndex | None = None
) -> int:
    """How many devices match ``flt`` (every device when None)."""
    from sobriety.storage.device_pages import count_devices

    return count_devices(app.engine, flt, search=search)


def sites(app: Sobriety) -> list[SiteChoice]:
    """Every site, by code, for filters and the move action."""
    from sobriety.storage.device_pages import site_choices

    return site_choices(app.engine)


def detail(app: Sobriety, asset_tag: str) -> DeviceDetail:
    """A device with its site, history and erasure records (NotFoundError if absent)."""
    from sobriety.storage.device_pages import device_detail

    return device_detail(app.engine, asset_tag)


def changed_since(app: Sobriety, asset_tag: str, base: dict[str, Any]) -> dict[str, Any]:
    """``{field: (value read, value now)}`` for the fields someone else changed since ``base``."""
    try:
        now = detail(app, asset_tag).values
    except NotFoundError:
        return {}
    return {
        k: (base.get(k), v) for k, v in now.items() if k not in _BOOKKEEPING and base.get(k) != v
    }


def apply_action(
    app: Sobriety,
    *,
    action: str,
    asset_tag: str,
    expected_version: int,
    values: dict[str, Any],
    session: Session | None = None,
) -> Device:
    """Run one action by name with the values of its form; returns the device after it.

    ``"edit"`` applies ``values`` as field changes (history kind "updated").
    The write checks ``expected_version`` (optimistic locking): a device changed
    meanwhile raises :class:`ConflictError` and nothing is written. It runs in
    ``session`` when given, else in a transaction of its own.
    """
    from sobriety.storage.devices import update_device

    if action == "edit":
        changes, kind, details = values, EventKind.UPDATED, None
    elif action in PLANS:
        changes, kind, details = PLANS[action](values)
    else:
        raise ValueError(f"unknown device action {action!r}; expected edit or one of {ACTIONS}")

    def write(s: Session) -> Device:
        return update_device(
            session=s,
            asset_tag=asset_tag,
            expected_version=expected_version,
            changes=changes,
            actor=app.actor,
            event_kind=kind,
            event_details=details,
            at=app.now(),
        )

    return app.in_transaction(session, write)


# ------------------------------------------------------------------ outcomes of a write
@dataclass(frozen=True)
class Saved:
    asset_tag: str
    version: int


@dataclass(frozen=True)
class Conflicted:
    """Someone else changed the device since it was read: nothing was written."""

    asset_tag: str
    expected: int
    current: int | None
    #: ``{field: (value read, value now)}``
    changed: dict[str, Any]
    #: The history entries made since the version read (who changed what, and when).
    events: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Refused:
    """The write was refused (a rule, a constraint, the database): nothing was written."""

    asset_tag: str
    reason: str
    problems: tuple[str, ...] = ()


Outcome = Saved | Conflicted | Refused


def save(
    app: Sobriety,
    *,
    action: str,
    base: dict[str, Any],
    values: dict[str, Any],
    apply: Callable[[Session], Device] | None = None,
) -> Outcome:
    """Run ``action`` on the device read as ``base`` (or ``apply(session)``, e.g. a reuse
    decision) in one transaction; every failure comes back as an outcome, never raised."""
    from sqlalchemy.exc import IntegrityError, SQLAlchemyError

    from sobriety.domain.reuse.lots import ReuseError
    from sobriety.storage import db, history

    asset_tag = base["asset_tag"]

    def write() -> int:
        with history.recording_from(app.source), db.session_scope(app.engine) as session:
            if apply is not None:
                device = apply(session)
            else:
                device = apply_action(
                    app,
                    action=action,
                    asset_tag=asset_tag,
                    expected_version=base["version"],
                    values=values,
                    session=session,
                )
            return device.version

    try:
        version = app.retrying(write)  # a deadlock broken by the database: run again
    except ConflictError as exc:
        return Conflicted(
            asset_tag,
            exc.expected,
            exc.current,
            changed_since(app, asset_tag, base),
            tuple(exc.events),
        )
    except IntegrityError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        return Refused(asset_tag, reason)
    except ReuseError as exc:  # every reason, not just the first line
        return Refused(asset_tag, clauses(str(exc).splitlines()), tuple(exc.problems))
    except (SQLAlchemyError, NotFoundError, ValueError, OSError) as exc:
        unwritable = app.write_error(exc)  # read-only, full disk: said plainly
        return Refused(asset_tag, str(unwritable or exc).splitlines()[0])
    return Saved(values.get("asset_tag", asset_tag), version)


def field_order() -> dict[str, int]:
    """Each stored device field's position (the order a person reads them in)."""
    from sobriety.storage.models import Device

    return {name: i for i, name in enumerate(Device.__table__.columns.keys())}


# ------------------------------------------------------------------ the history
@dataclass(frozen=True)
class History:
    """A device's audit trail, oldest first (read only: the tool never edits it)."""

    asset_tag: str
    events: list[dict[str, Any]]
    #: Site codes by id, to name the sites of a move.
    sites: dict[int, str]


def history(app: Sobriety, asset_tag: str) -> History:
    """The history of the device ``asset_tag`` (matched ignoring case; NotFoundError)."""
    found = detail(app, asset_tag)
    return History(found.values["asset_tag"], found.history, {s.id: s.code for s in sites(app)})


def site_by_code(app: Sobriety, code: str) -> SiteChoice:
    """The site of ``code`` (ignoring case and spaces); NotFoundError with the closest codes."""
    from sobriety.storage import db
    from sobriety.storage.device_pages import SiteChoice
    from sobriety.storage.devices import get_site

    with db.session_scope(app.engine) as session:
        site = get_site(session=session, code=code)
        assert site.id is not None
        return SiteChoice(site.id, site.code, site.name)


def parse_edits(
    app: Sobriety, base: dict[str, Any], typed: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The changes typed for the device read as ``base``, and the refused ones.

    ``typed`` maps field names to text, read by the rules of the edit form (and
    of the importer): labels and synonyms in either language, local numbers
    and dates, units. Returns ``(changes, {field: reason})``; fields typed with
    the value they already have are not changes.
    """
    from sobriety.domain.inventory.form import FieldError, check_device

    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, text in typed.items():
        if name == "site_id":
            values[name] = text
            continue
        try:
            values[name] = read_field(name, text)
        except FieldError as exc:
            errors[name] = exc.reason
    for name, reason in check_device({**base, **values}, today=app.today()).items():
        errors.setdefault(name, reason)
    changes = {k: v for k, v in values.items() if v != base.get(k)}
    return changes, errors


def read_field(name: str, text: Any) -> Any:
    """The value of device field ``name`` typed as ``text`` on a command line: the edit
    form's rules, a choice also named by its label in English or French ("PC portable");
    :class:`~sobriety.domain.inventory.form.FieldError` if refused."""
    from sobriety.domain.inventory.fields import FIELDS
    from sobriety.domain.inventory.form import parse_field
    from sobriety.domain.labels import value_of

    spec = FIELDS.get(name)
    if spec is not None and spec.vocabulary and isinstance(text, str) and text.strip():
        found = value_of(spec.vocabulary, text)
        if found is not None:
            return found
    return parse_field(name, text)
