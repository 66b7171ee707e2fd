"""A cache of the parsed, validated factor set, so that a process does not parse it again.

Reading the factor files (TOML, every quantity parsed and checked by pint, the
pint registry built for it) takes most of a second; the result is a tree of
plain frozen dataclasses. :func:`load_cached` keeps that tree in one file per
factor folder under a cache folder (the user's cache directory, see
:func:`sobriety.paths.cache_dir`), and uses it only when:

- its key matches: a hash of the factor files' bytes, the names of the files in
  the folder (a source may point to one), the folder's path, the package
  version, the Python version and the code that reads the files. A changed
  factor file is therefore picked up by the next process, at once;
- it is the user's own file, not writable by others (it is written with
  owner-only permissions, atomically: a temporary file renamed over it);
- it unpickles into factor-set types only (a restricted unpickler: any other
  class, or any error, and the file is ignored).

Anything else (unreadable, corrupt, stale, foreign) is ignored: the files are
read and validated again and the cache is written anew. A cache folder that
cannot be written only costs the speed-up.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from sobriety.domain import texts
from sobriety.domain.carbon import factor_files, factor_types
from sobriety.domain.carbon.factor_types import FILES, FactorSet, FactorSetError

#: Bumped when the file's layout changes.
FORMAT = b"sobriety-factor-cache-1"

_TYPES = frozenset(
    {
        "FactorSet",
        "FileMeta",
        "Source",
        "Factor",
        "Reference",
        "CategoryFactors",
        "GridZone",
        "Grid",
        "ChannelFactor",
    }
)
_PATHS = frozenset({"Path", "PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath"})


class _FactorUnpickler(pickle.Unpickler):
    """Unpickles the factor-set dataclasses and paths, nothing else."""

    def find_class(self, module: str, name: str) -> type:
        if module == factor_types.__name__ and name in _TYPES:
            return getattr(factor_types, name)
        if module == texts.__name__ and name == "Text":
            return texts.Text
        if module == "pathlib" and name in _PATHS:
            import pathlib

            return getattr(pathlib, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a factor-set type")


def cache_key(directory: Path) -> bytes:
    """What the cached factor set depends on (see the module)."""
    from sobriety import __version__

    digest = hashlib.sha256(FORMAT)
    for part in (str(directory.resolve()), __version__, sys.version):
        digest.update(part.encode() + b"\0")
    for module in (factor_types, factor_files):
        st = os.stat(module.__file__ or "")
        digest.update(f"{module.__name__}:{st.st_mtime_ns}:{st.st_size}\0".encode())
    names = sorted(p.name for p in directory.iterdir())
    digest.update("\0".join(names).encode() + b"\0\0")
    for name in FILES:
        try:
            digest.update(name.encode() + b"\0" + (directory / name).read_bytes() + b"\0")
        except OSError:
            digest.update(name.encode() + b"\0-\0")
    return digest.digest()


def cache_file(directory: Path, cache_dir: Path) -> Path:
    """The cache file of the factor folder ``directory``."""
    name = hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:24]
    return cache_dir / f"factors-{name}.pickle"


def _read(path: Path, key: bytes, directory: Path) -> FactorSet | None:
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
                return None  # not the user's own file, or writable by others
            data = fh.read()
    except OSError:
        return None
    if not data.startswith(key):
        return None
    try:
        value = _FactorUnpickler(io.BytesIO(data[len(key) :])).load()
    except Exception:
        return None
    if not isinstance(value, FactorSet) or Path(value.directory) != directory:
        return None
    return value


def _write(path: Path, key: bytes, factor_set: FactorSet) -> None:
    """Write the cache atomically, owner-only; give up quietly when it cannot be written."""
    try:
        body = pickle.dumps(replace(factor_set, _cache={}), protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".factors-", suffix=".tmp")
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return
    try:
        with os.fdopen(fd, "wb") as fh:  # mkstemp: mode 0600
            fh.write(key + body)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def load_cached(directory: Path | str, cache_dir: Path | None) -> FactorSet:
    """The validated factor set of ``directory``, from the cache when it is current.

    Raises :class:`FactorSetError` as :func:`.factors.load_factor_set` does; an
    invalid set is never cached. ``cache_dir`` None: no cache.
    """
    directory = Path(directory)
    key: bytes | None = None
    path: Path | None = None
    if cache_dir is not None and directory.is_dir():
        try:
            key = cache_key(directory)
        except OSError:
            key = None
        if key is not None:
            path = cache_file(directory, cache_dir)
            cached = _read(path, key, directory)
            if cached is not None:
                return cached
    factor_set, problems = factor_files.read_factor_set(directory)
    if problems or factor_set is None:
        raise FactorSetError(directory, problems)
    if key is not None and path is not None:
        _write(path, key, factor_set)
    return factor_set
