"""The fleet as the reuse rules read it: aligned numpy arrays, one row per device, codes
for the categorical columns (:class:`ReuseFleet`); evaluated by
:mod:`sobriety.domain.reuse.rules`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sobriety.domain.reuse.policy import CATEGORY_INDEX
from sobriety.domain.vocab import Category, Condition, Status, StorageType

STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
CONDITIONS: tuple[str, ...] = tuple(c.value for c in Condition)
#: Code of each status in :attr:`ReuseFleet.status` (what a database read encodes to).
STATUS_CODE: Mapping[str, int] = {s: i for i, s in enumerate(STATUSES)}
#: Code of each condition in :attr:`ReuseFleet.condition`.
CONDITION_CODE: Mapping[str, int] = {c: i for i, c in enumerate(CONDITIONS)}
STORAGE_TYPES: tuple[str, ...] = tuple(t.value for t in StorageType)
#: Code of each storage type in :attr:`ReuseFleet.storage_type` (-1: not recorded).
STORAGE_CODE: Mapping[str, int] = {t: i for i, t in enumerate(STORAGE_TYPES)}
NO_STORAGE = STORAGE_CODE[StorageType.NONE]
#: Statuses of a device still in use (leaving for an outside channel retires it first).
ACTIVE_STATUSES: tuple[Status, ...] = (Status.IN_SERVICE, Status.IN_STOCK, Status.IN_REPAIR)
_ST = STATUS_CODE
_CO = CONDITION_CODE


def _codes(values: np.ndarray, index: Mapping[str, int], missing: int) -> np.ndarray:
    """Map an object array of strings onto integer codes (``missing`` when unknown)."""
    get = index.get
    return np.fromiter((get(v, missing) for v in values), dtype=np.int16, count=len(values))


def _tpm(values: np.ndarray) -> np.ndarray:
    cache: dict[Any, float] = {}
    for v in set(values.tolist()):
        try:
            cache[v] = float(str(v).strip().split()[0]) if v not in (None, "") else np.nan
        except ValueError:
            cache[v] = np.nan
    return np.fromiter((cache[v] for v in values), dtype=np.float64, count=len(values))


@dataclass
class ReuseFleet:
    """Device columns as aligned arrays (one row per device), in known units.

    Codes: ``category`` indexes :data:`~sobriety.domain.reuse.policy.CATEGORIES`,
    ``status`` :data:`STATUSES`, ``condition`` :data:`CONDITIONS`;
    ``erasure_rank`` is the best recorded erasure level (0 none, 1 clear,
    2 purge, 3 destroy), ``erasure_verified`` whether that record was verified.
    """

    category: np.ndarray
    status: np.ndarray
    condition: np.ndarray
    acquisition_date: np.ndarray
    purchase_price_eur: np.ndarray
    declared_value_eur: np.ndarray
    battery_health_pct: np.ndarray
    ram_gb: np.ndarray
    storage_gb: np.ndarray
    cpu_generation: np.ndarray
    tpm: np.ndarray
    sensitive: np.ndarray
    repair_estimate_eur: np.ndarray
    erasure_rank: np.ndarray
    erasure_verified: np.ndarray
    retirement_date: np.ndarray = field(default_factory=lambda: np.array([], "datetime64[D]"))
    #: Storage type codes (index in :data:`STORAGE_TYPES`, -1 not recorded).
    storage_type: np.ndarray = field(default_factory=lambda: np.array([], np.int16))
    #: Largest outer dimension in cm (nan: not recorded).
    max_dimension_cm: np.ndarray = field(default_factory=lambda: np.array([], np.float64))

    #: Columns of the device table a fleet is built from.
    COLUMNS = (
        "category",
        "status",
        "condition",
        "acquisition_date",
        "retirement_date",
        "purchase_price_eur",
        "declared_value_eur",
        "battery_health_pct",
        "ram_gb",
        "storage_gb",
        "cpu_generation",
        "tpm_version",
        "sensitive_data",
        "repair_estimate_eur",
        "storage_type",
        "max_dimension_cm",
    )

    def __len__(self) -> int:
        return len(self.category)

    @classmethod
    def from_columns(
        cls,
        cols: Mapping[str, np.ndarray],
        erasure_rank: np.ndarray | None = None,
        erasure_verified: np.ndarray | None = None,
    ) -> ReuseFleet:
        """Build from device columns as read by ``storage.arrays.read_columns``."""
        n = len(cols["category"])
        other = CATEGORY_INDEX[Category.OTHER]

        def floats(name: str) -> np.ndarray:
            arr = cols.get(name)
            return np.full(n, np.nan) if arr is None else np.asarray(arr, dtype=np.float64)

        def dates(name: str) -> np.ndarray:
            arr = cols.get(name)
            if arr is None:
                return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
            return np.asarray(arr, dtype="datetime64[D]")

        return cls(
            category=_codes(cols["category"], CATEGORY_INDEX, other),
            status=_codes(cols["status"], _ST, _ST[Status.IN_SERVICE]),
            condition=_codes(cols["condition"], _CO, _CO[Condition.WORKING]),
            acquisition_date=dates("acquisition_date"),
            retirement_date=dates("retirement_date"),
            purchase_price_eur=floats("purchase_price_eur"),
            declared_value_eur=floats("declared_value_eur"),
            battery_health_pct=floats("battery_health_pct"),
            ram_gb=floats("ram_gb"),
            storage_gb=floats("storage_gb"),
            cpu_generation=floats("cpu_generation"),
            tpm=_tpm(cols["tpm_version"]) if "tpm_version" in cols else np.full(n, np.nan),
            sensitive=np.asarray(cols.get("sensitive_data", np.zeros(n, bool)), dtype=bool),
            repair_estimate_eur=floats("repair_estimate_eur"),
            storage_type=(
                _codes(cols["storage_type"], STORAGE_CODE, -1)
                if "storage_type" in cols
                else np.full(n, -1, dtype=np.int16)
            ),
            max_dimension_cm=floats("max_dimension_cm"),
            erasure_rank=(
                np.zeros(n, np.int8) if erasure_rank is None else erasure_rank.astype(np.int8)
            ),
            erasure_verified=(
                np.zeros(n, bool) if erasure_verified is None else erasure_verified.astype(bool)
            ),
        )

    def take(self, index: np.ndarray | list[int]) -> ReuseFleet:
        """The sub-fleet of the rows in ``index``."""
        idx = np.asarray(index)
        n = len(self)
        return ReuseFleet(
            **{
                name: (arr[idx] if len(arr) == n else arr)
                for name in self.__dataclass_fields__
                if (arr := getattr(self, name)) is not None
            }
        )
