"""``sobriety doctor``: check the configuration, the database, the data files and the file
permissions, and say what to fix.

Each check gives a :class:`Check`: what was looked at, what was found and, when
something is wrong, the fix. A check never raises; a broken configuration is a
finding like any other (the database is then checked with the defaults).
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sobriety.i18n import _, count_of

if TYPE_CHECKING:
    from sobriety.app.context import Sobriety
    from sobriety.settings import Settings


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Check:
    """One finding: ``topic`` (configuration, database...), what was found, and the fix."""

    topic: str
    status: Status
    message: str
    fix: str | None = None


@dataclass(frozen=True)
class Diagnosis:
    checks: tuple[Check, ...]

    @property
    def errors(self) -> int:
        return sum(c.status is Status.ERROR for c in self.checks)

    @property
    def warnings(self) -> int:
        return sum(c.status is Status.WARNING for c in self.checks)


def _private(path: Path) -> bool:
    """True when no one but the owner may read or write ``path``."""
    return not (path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def _chmod_fix(path: Path) -> str:
    return _("run: chmod 600 {path}").format(path=path)


# ------------------------------------------------------------------ the checks
def _configuration(overrides: dict[str, Any]) -> tuple[list[Check], Settings | None]:
    from sobriety.app.context import SettingError, load_settings
    from sobriety.paths import config_path
    from sobriety.settings import Settings

    topic = _("configuration")
    path = config_path()
    checks: list[Check] = []
    raw: dict[str, Any] = {}
    if not path.is_file():
        checks.append(
            Check(
                topic,
                Status.OK,
                _("no file at {path}: defaults and SOBRIETY_* used").format(path=path),
            )
        )
    else:
        try:
            with path.open("rb") as fh:
                raw = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            checks.append(
                Check(
                    topic,
                    Status.ERROR,
                    _("{path} cannot be read: {error}").format(path=path, error=exc),
                    _('correct the file (TOML: key = "value" lines)'),
                )
            )
        unknown = sorted(set(raw) - set(Settings.model_fields))
        if unknown:
            checks.append(
                Check(
                    topic,
                    Status.WARNING,
                    _("{path}: unknown keys ignored: {keys}").format(
                        path=path, keys=", ".join(unknown)
                    ),
                    _("remove or correct them; known keys: {keys}").format(
                        keys=", ".join(sorted(Settings.model_fields))
                    ),
                )
            )
        url = raw.get("database_url")
        if isinstance(url, str) and _has_password(url) and not _private(path):
            checks.append(
                Check(
                    topic,
                    Status.ERROR,
                    _("{path} holds a database password and other users can read it").format(
                        path=path
                    ),
                    _chmod_fix(path),
                )
            )
    try:
        settings = load_settings(**overrides)
    except SettingError as exc:
        checks.append(Check(topic, Status.ERROR, str(exc), _("correct the setting named")))
        return checks, None
    if not any(c.status is not Status.OK for c in checks) and path.is_file():
        checks.append(Check(topic, Status.OK, _("{path} is valid").format(path=path)))
    return checks, settings


def _has_password(url: str) -> bool:
    from sobriety.storage import db

    try:
        return bool(db.check_url(url).password)
    except db.UrlError:
        return "@" in url


def _database(app: Sobriety) -> Iterator[Check]:
    from sobriety.app.context import DatabaseError
    from sobriety.storage import db

    topic = _("database")
    url = db.safe_url(app.database_url)
    try:
        app.engine  # noqa: B018 - opens it: URL, file, server, schema revision
    except DatabaseError as exc:
        message = str(exc)
        if "sobriety db upgrade" in message or "sobriety demo" in message:
            fix = _("run: sobriety db upgrade (or sobriety restore FILE from a backup)")
        else:
            fix = _("correct --db, SOBRIETY_DATABASE_URL or database_url in the configuration")
        yield Check(topic, Status.ERROR, message, fix)
        return
    yield Check(
        topic,
        Status.OK,
        _("{url} opens, schema at the latest revision {rev}").format(
            url=url, rev=db.head_revision()
        ),
    )
    path = db.sqlite_file(app.database_url)
    if path is not None and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        yield Check(
            topic,
            Status.WARNING,
            _("{path} or its folder is read-only: every change will be refused").format(path=path),
            _("make the file and its folder writable by the user running sobriety"),
        )


def _permissions(app: Sobriety) -> Iterator[Check]:
    from sobriety.storage import db

    topic = _("permissions")
    try:
        path = db.sqlite_file(app.database_url)
    except Exception:
        return
    if path is None or not path.is_file():
        return
    files = [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.is_file()]
    loose = [p for p in files if not _private(p)]
    for p in loose:
        yield Check(
            topic,
            Status.WARNING,
            _("{path} can be read by other users (mode {mode:o}): it holds the inventory").format(
                path=p, mode=stat.S_IMODE(p.stat().st_mode)
            ),
            _chmod_fix(p),
        )
    if not loose:
        yield Check(topic, Status.OK, _("the database files are readable by their owner only"))


def _loaded(topic: str, load: Callable[[], str], fix: str) -> Check:
    try:
        return Check(topic, Status.OK, load())
    except Exception as exc:
        return Check(topic, Status.ERROR, " ".join(str(exc).split("\n")), fix)


def _factors(app: Sobriety) -> Check:
    def load() -> str:
        factors = app.factors
        categories = count_of("{n} category", "{n} categories", len(factors.categories))
        zones = count_of("{n} grid zone", "{n} grid zones", len(factors.grid.zones))
        return _("{dir}: {categories}, {zones}").format(
            dir=app.factors_dir, categories=categories, zones=zones
        )

    return _loaded(
        _("emission factors"),
        load,
        _("correct the factor files (sobriety factors check) or unset SOBRIETY_FACTORS"),
    )


def _policy(app: Sobriety) -> Check:
    def load() -> str:
        policy = app.policy
        return _("{path}: {n} channels").format(path=app.policy_path, n=len(policy.channels))

    return _loaded(_("reuse policy"), load, _("correct the policy file or unset SOBRIETY_POLICY"))


def _synonyms(app: Sobriety) -> Check | None:
    from sobriety.io.synonyms import load_synonyms, user_synonyms_path

    path = user_synonyms_path(app.settings.synonyms)
    if path is None:
        return None

    def load() -> str:
        load_synonyms(path)
        return _("{path} is valid").format(path=path)

    return _loaded(
        _("import synonyms"), load, _("correct the synonym file or unset SOBRIETY_SYNONYMS")
    )


def _grid(app: Sobriety) -> Check | None:
    if app.settings.grid is None:
        return None
    return _loaded(
        _("grid zone"),
        lambda: _("{zone} is a zone of the factor set").format(zone=app.grid),
        _("set SOBRIETY_GRID to one of the factor set's zones, or unset it"),
    )


def diagnose(overrides: dict[str, Any]) -> Diagnosis:
    """Every check, on the settings built from ``overrides`` (the root CLI options)."""
    from sobriety.app.context import Sobriety
    from sobriety.settings import Settings

    checks, settings = _configuration(overrides)
    if settings is None:  # a broken configuration: the rest is checked with the defaults
        settings = Settings.model_construct(**{k: v for k, v in overrides.items() if v is not None})
    app = Sobriety(settings)
    try:
        checks += [*_database(app), *_permissions(app), _factors(app), _policy(app)]
        checks += [c for c in (_synonyms(app), _grid(app)) if c is not None]
    finally:
        app.close()
    return Diagnosis(tuple(checks))
