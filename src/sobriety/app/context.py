"""The application object: what every use case needs, built once from :class:`Settings`.

:class:`Sobriety` carries the database engine, the factor set, the reuse
policy, the purchase targets, the actor and the clock. Each is built when a
use case first asks for it (a ``--help`` or ``--version`` builds nothing):

- the engine is *opened*, never created nor migrated implicitly: a read on a
  missing SQLite file or an outdated schema raises :class:`DatabaseError` with
  what to run. Only the commands that create a database (``db upgrade``,
  ``demo``, ``import``) call :meth:`Sobriety.create_database`;
- the factor set and the policy are loaded once and reloaded when one of
  their files changes (modification time and size);
- ``today`` is injectable, so that tests and reproducible runs freeze it.

The CLI, the TUI and the reports build one and hand it to the use-case
functions of :mod:`sobriety.app`; nothing is found through globals.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sobriety.i18n import _
from sobriety.paths import default_database_url

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

    from sobriety.domain.carbon.factors import FactorSet
    from sobriety.domain.report.kpis import PurchaseTargets
    from sobriety.domain.reuse.policy import Policy
    from sobriety.settings import Settings


T = TypeVar("T")


class DatabaseError(RuntimeError):
    """The configured database cannot be used as it is (missing, outdated, unreachable)."""


class SettingError(ValueError):
    """A setting (grid zone, factor folder, policy file) is not usable."""


@dataclass(frozen=True)
class _Stamp:
    """What a cached file set looked like when it was loaded."""

    files: tuple[tuple[str, int, int], ...]

    @classmethod
    def of(cls, paths: list[Path]) -> _Stamp:
        out = []
        for p in sorted(paths):
            try:
                st = p.stat()
                out.append((str(p), st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((str(p), -1, -1))
        return cls(tuple(out))


class _Reloading:
    """A value loaded from files and loaded again when they change (thread-safe: the
    TUI's workers ask for it at the same time)."""

    def __init__(self, files: Callable[[], list[Path]], load: Callable[[], Any]) -> None:
        self._files = files
        self._load = load
        self._stamp: _Stamp | None = None
        self._value: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        with self._lock:
            stamp = _Stamp.of(self._files())
            if self._stamp != stamp:
                self._value = self._load()
                self._stamp = stamp
            return self._value


def load_settings(**overrides: object) -> Settings:
    """The settings (``overrides`` from the CLI options win), or a one-line SettingError
    naming the file or variable and the key at fault, never its value (it may be a password).
    """
    import tomllib

    from pydantic import ValidationError

    from sobriety import settings as settings_mod
    from sobriety.paths import config_path

    try:
        return settings_mod.load_settings(**overrides)
    except tomllib.TOMLDecodeError as exc:
        raise SettingError(
            _("the configuration file {path} is not valid TOML: {error}").format(
                path=config_path(), error=exc
            )
        ) from None
    except ValidationError as exc:
        problems = "; ".join(
            "{key}: {msg}".format(key=".".join(map(str, e["loc"])), msg=e["msg"])
            for e in exc.errors(include_url=False, include_input=False)
        )
        raise SettingError(
            _("invalid setting (SOBRIETY_* variables or {path}): {problems}").format(
                path=config_path(), problems=problems
            )
        ) from None


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for another back-end or an in-memory database)."""
    from sobriety.storage import db

    return db.sqlite_file(url)


def _checked_url(url: str) -> None:
    """DatabaseError for a malformed URL or an unsupported database (before any connection)."""
    from sobriety.storage import db

    try:
        db.check_url(url)
    except db.UrlError as exc:
        raise DatabaseError(str(exc)) from None


class Sobriety:
    """One application: settings, database, factors, policy, actor and clock."""

    def __init__(
        self,
        settings: Settings,
        *,
        engine: Engine | None = None,
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        self.settings = settings
        #: Where this application's changes come from when no screen or command says
        #: (the CLI sets the command, e.g. ``sobriety device edit``; the TUI ``tui``).
        self.origin = "sobriety"
        self._engine = engine
        self._owns_engine = engine is None
        self._today = today
        self._factors = _Reloading(self._factor_files, self._load_factors)
        self._policy = _Reloading(self._policy_files, self._load_policy)
        self._targets = _Reloading(self._target_files, self._load_targets)

    # ------------------------------------------------------------ the clock
    def today(self) -> dt.date:
        """The date taken for today: the injected clock, ``SOBRIETY_TODAY``, or the system's."""
        if self._today is not None:
            return self._today()
        if self.settings.today is not None:
            return self.settings.today
        return dt.date.today()

    def now(self, on: dt.date | None = None) -> dt.datetime:
        """The time recorded for a change dated ``on`` (default: today), in UTC.

        The real time when that day is the real today; else noon UTC of that day
        (a frozen day, or an action dated another day: the day survives any time zone).
        """
        now = dt.datetime.now(dt.UTC)
        day = on or self.today()
        if day == now.date():
            return now
        return dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC)

    def in_transaction(self, session: Session | None, work: Callable[[Session], T]) -> T:
        """``work(session)`` in ``session`` when given, else in a transaction of its own
        (committed on success, rolled back on any error; run again if the database
        aborted it to break a deadlock, see :meth:`retrying`). The history events it
        records name :attr:`source`."""
        from sobriety.storage import db, history

        if session is not None:
            with history.recording_from(self.source):
                return work(session)

        def once() -> T:
            with history.recording_from(self.source), db.session_scope(self.engine) as own:
                return work(own)

        return self.retrying(once)

    def retrying(
        self,
        run: Callable[[], T],
        attempts: int = 5,
        also: Callable[[BaseException], bool] | None = None,
    ) -> T:
        """``run()``, run again (after a short random pause) when the database aborted its
        transaction to break a deadlock or a serialization conflict (or ``also(error)``
        says so): that transaction wrote nothing, and the user should not see a race
        they could not avoid."""
        import random
        import time

        from sobriety.storage import db

        for attempt in range(1, attempts + 1):
            try:
                return run()
            except Exception as exc:
                again = db.is_transient(exc) or (also is not None and also(exc))
                if attempt == attempts or not again:
                    raise
                time.sleep(0.02 * attempt * (1 + random.random()))
        raise AssertionError("unreachable")

    @property
    def actor(self) -> str:
        """Who is recorded in the history: the configured actor, else the OS user."""
        return self.settings.actor_name

    @property
    def source(self) -> str:
        """The command or screen the changes made now (in this thread) come from."""
        from sobriety.storage import history

        return history.current_source() or self.origin

    @contextlib.contextmanager
    def acting_from(self, source: str) -> Iterator[None]:
        """Record the changes made in the block (in this thread) as coming from ``source``
        (a screen of the TUI: ``tui/device``)."""
        from sobriety.storage import history

        with history.recording_from(source):
            yield

    # ------------------------------------------------------------ database
    @property
    def database_url(self) -> str:
        return self.settings.database_url

    def _check_reachable(self) -> None:
        _checked_url(self.database_url)
        path = _sqlite_path(self.database_url)
        if path is not None and not path.is_file():
            raise DatabaseError(
                _("no database at {path}; run `sobriety db upgrade` or `sobriety demo`").format(
                    path=path
                )
            )

    @property
    def engine(self) -> Engine:
        """The configured database, opened as it is; its schema must be current."""
        if self._engine is None:
            from sobriety.storage import db

            self._check_reachable()
            engine = db.make_engine(self.database_url, create_folder=False)
            try:
                current = db.current_revision(engine)
            except Exception as exc:
                engine.dispose()
                raise DatabaseError(db.describe_error(self.database_url, exc)) from exc
            head = db.head_revision()
            if current != head:
                engine.dispose()
                if current is None:
                    message = _(
                        "the database {url} has no sobriety schema; run `sobriety db upgrade`"
                    )
                else:
                    message = _(
                        "the database {url} is at schema revision {current}, this version needs "
                        "{head}; run `sobriety db upgrade` (back it up first)"
                    )
                raise DatabaseError(
                    message.format(url=db.safe_url(self.database_url), current=current, head=head)
                )
            self._engine = engine
        return self._engine

    def raw_engine(self) -> Engine:
        """The configured database as it is, schema unchecked (``db current``, ``db downgrade``).

        A missing SQLite file is an error, not created.
        """
        from sobriety.storage import db

        if self._engine is not None:
            return self._engine
        self._check_reachable()
        self._engine = db.make_engine(self.database_url, create_folder=False)
        return self._engine

    def create_database(self, revision: str = "head") -> Engine:
        """Open the database, creating it (and its schema) when missing; migrate it to head.

        For the commands that create a database: ``db upgrade``, ``demo`` and
        ``import``. A SQLite file is created only in an existing folder, except
        the default location (the user data folder), which is made.
        """
        from sobriety.storage import db

        if revision == "head" and self._engine is not None and db.is_up_to_date(self._engine):
            return self._engine
        _checked_url(self.database_url)
        path = _sqlite_path(self.database_url)
        created = False
        if path is not None:
            if not path.parent.is_dir():
                if self.database_url != default_database_url():
                    raise DatabaseError(
                        _("no folder {folder} for the database {path}").format(
                            folder=path.parent, path=path
                        )
                    )
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            try:
                created = db.create_private_file(path)
            except OSError as exc:
                raise DatabaseError(
                    _("cannot create the database {path}: {cause}").format(
                        path=path, cause=exc.strerror or exc
                    )
                ) from exc
        engine = self._engine or db.make_engine(self.database_url, create_folder=False)
        try:
            if revision != "head" or not db.is_up_to_date(engine):
                db.upgrade(engine, revision)
        except Exception as exc:
            if engine is not self._engine:
                engine.dispose()
            if created and path is not None:  # no half-made database left behind
                for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    leftover.unlink(missing_ok=True)
            message = db.write_failure(self.database_url, exc)
            raise DatabaseError(message or db.describe_error(self.database_url, exc)) from exc
        self._engine = engine
        return engine

    def write_error(self, exc: BaseException) -> DatabaseError | None:
        """A clear DatabaseError when ``exc`` says the database cannot be written (read-only,
        disk full, busy, connection lost); None for any other error."""
        from sobriety.storage import db

        message = db.write_failure(self.database_url, exc)
        return DatabaseError(message) if message else None

    def close(self) -> None:
        """Release the database connections this object opened."""
        if self._engine is not None and self._owns_engine:
            self._engine.dispose()
            self._engine = None

    # ------------------------------------------------------------ factors
    @property
    def factors_dir(self) -> Path:
        return self.settings.factors_dir

    def _factor_files(self) -> list[Path]:
        folder = self.factors_dir
        return list(folder.glob("*.toml")) if folder.is_dir() else [folder]

    def _load_factors(self) -> FactorSet:
        from sobriety.domain.carbon.factor_cache import load_cached
        from sobriety.domain.carbon.factors import FactorSetError
        from sobriety.paths import cache_dir

        try:
            return load_cached(self.factors_dir, cache_dir())
        except FactorSetError as exc:
            raise SettingError(str(exc)) from exc

    @property
    def factors(self) -> FactorSet:
        """The factor set (reloaded when one of its files changed); SettingError if invalid."""
        return self._factors.get()

    @property
    def grid(self) -> str | None:
        """The one grid zone set for every site (``SOBRIETY_GRID``), or None: each site's."""
        return self.grid_zone(None)

    def grid_zone(self, wanted: str | None) -> str | None:
        """``wanted`` (e.g. a ``--grid`` option), else the setting; checked against the factors."""
        zone = wanted or self.settings.grid
        if zone is None:
            return None
        fs = self.factors
        zones = list(dict.fromkeys(z for g in fs.grids.values() for z in g.zones))
        if zone.upper() not in zones:
            raise SettingError(
                _("grid zone {value!r} is not one of {choices}").format(
                    value=zone, choices=", ".join(zones)
                )
            )
        return zone.upper()

    # ------------------------------------------------------------ policy
    def _policy_files(self) -> list[Path]:
        from sobriety.domain.reuse.policy import default_policy_path

        return [self.settings.policy or default_policy_path()]

    def _load_policy(self) -> Policy:
        from sobriety.domain.reuse.policy import PolicyError, resolve_policy

        try:
            return resolve_policy(self.settings.policy)
        except PolicyError as exc:
            raise SettingError(_("Invalid reuse policy: {error}").format(error=exc)) from exc

    @property
    def policy(self) -> Policy:
        """The user's policy (``SOBRIETY_POLICY``) or the shipped one, reloaded on change;
        SettingError (every problem named) if invalid."""
        return self._policy.get()

    @property
    def policy_path(self) -> Path:
        return self._policy_files()[0]

    # ------------------------------------------------------------ objectives
    def _target_files(self) -> list[Path]:
        from sobriety.domain.report.kpis import default_purchase_targets_path

        return [default_purchase_targets_path()]

    def _load_targets(self) -> PurchaseTargets:
        from sobriety.domain.report.kpis import load_purchase_targets

        return load_purchase_targets()

    @property
    def purchase_targets(self) -> PurchaseTargets:
        """The AGEC art. 58 refurbished-purchase targets (sourced data file)."""
        return self._targets.get()
