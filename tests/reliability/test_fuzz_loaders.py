"""Fuzzing the loaders of the factor, policy, synonym and objectives files and the Boavizta
EFD reader (hypothesis).

Each starts from the real file and breaks it: truncated anywhere, a slice replaced by
hostile text, a value replaced by a random TOML value, re-encoded (UTF-16, cp1252), or
replaced by random bytes. Each load must end in the loader's own error (which names the
file and what is wrong) or in a value: never another exception. Through the CLI, the
same files give one clear message and exit code 1, and the database is left unchanged.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sobriety.domain.carbon.factors import FactorSetError, load_factor_set
from sobriety.domain.report.kpis import (
    PurchaseTargetsError,
    default_purchase_targets_path,
    load_purchase_targets,
)
from sobriety.domain.reuse.policy import PolicyError, default_policy_path, load_policy
from sobriety.io.efd import EfdFormatError, read_efd
from sobriety.io.synonyms import SHIPPED, SynonymFileError, read_table
from sobriety.paths import packaged_data_file, packaged_factors_dir

from .fuzz import FUZZ, HOSTILE_TEXT, assert_clean_end, cli
from .helpers import sqlite_digest

#: Examples per target (recorded in the closing note of issue 11).
EXAMPLES = {
    "factors": 150,
    "policy": 200,
    "synonyms": 200,
    "objectives": 150,
    "efd": 150,
    "cli": 25,
}

TOML_VALUES = st.one_of(
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda f: {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(str(f), repr(f))
    ),
    HOSTILE_TEXT.map(lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.sampled_from(
        [
            "true",
            "false",
            "[]",
            "{}",
            '["a", 1]',
            "1979-05-27",
            "-1",
            "1e400",
            "99999999999999999999",
            '""',
            "[[1], {a = 1}]",
        ]
    ),
)
_VALUE = re.compile(r"^(\s*[\w.\"-]+\s*=\s*)(.+)$", re.M)


@st.composite
def broken(draw, original: str) -> bytes:
    """``original`` broken in one of the ways a file gets broken."""
    how = draw(st.sampled_from(["truncate", "splice", "value", "values", "encode", "bytes"]))
    if how == "bytes":
        return draw(st.binary(max_size=2000))
    text = original
    if how == "truncate":
        text = text[: draw(st.integers(min_value=0, max_value=len(text)))]
    elif how == "splice":
        start = draw(st.integers(min_value=0, max_value=len(text)))
        end = draw(st.integers(min_value=start, max_value=min(len(text), start + 200)))
        text = text[:start] + draw(HOSTILE_TEXT) + text[end:]
    elif how in ("value", "values"):
        matches = list(_VALUE.finditer(text))
        count = 1 if how == "value" else draw(st.integers(min_value=1, max_value=8))
        for _ in range(min(count, len(matches))):
            m = draw(st.sampled_from(matches))
            text = text[: m.start(2)] + draw(TOML_VALUES) + text[m.end(2) :]
            matches = list(_VALUE.finditer(text))
    encoding = (
        draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "cp1252"]))
        if how == "encode"
        else "utf-8"
    )
    data = text.encode(encoding, errors="replace")
    if how == "encode" and draw(st.booleans()):
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    return data


def _loads_or_says_why(load, path: Path, errors: tuple[type[Exception], ...]) -> None:
    try:
        load(path)
    except errors as exc:
        assert str(exc).strip(), "an error without a message"
        assert str(path.name) in str(exc) or str(path) in str(exc), str(exc)


# ------------------------------------------------------------------ factors
FACTOR_FILES = sorted(p.name for p in packaged_factors_dir().glob("*.toml"))


@pytest.fixture(scope="module")
def factor_texts() -> dict[str, str]:
    return {n: (packaged_factors_dir() / n).read_text(encoding="utf-8") for n in FACTOR_FILES}


@settings(FUZZ, max_examples=EXAMPLES["factors"])
@given(data=st.data())
def test_factor_files_broken_in_any_way(tmp_path_factory, factor_texts, data) -> None:
    folder = tmp_path_factory.mktemp("factors") / "set"
    shutil.copytree(packaged_factors_dir(), folder)
    name = data.draw(st.sampled_from(FACTOR_FILES))
    (folder / name).write_bytes(data.draw(broken(factor_texts[name])))
    try:
        load_factor_set(folder)
    except FactorSetError as exc:
        assert name in str(exc), str(exc)
    shutil.rmtree(folder.parent)


# ------------------------------------------------------------------ policy
@settings(FUZZ, max_examples=EXAMPLES["policy"])
@given(data=st.data())
@example(data=None)
def test_policy_file_broken_in_any_way(tmp_path: Path, data) -> None:
    original = default_policy_path().read_text(encoding="utf-8")
    content = b"\xff\xfe=" if data is None else data.draw(broken(original))
    path = tmp_path / "policy.toml"
    path.write_bytes(content)
    _loads_or_says_why(load_policy, path, (PolicyError,))


# ------------------------------------------------------------------ synonyms
@settings(FUZZ, max_examples=EXAMPLES["synonyms"])
@given(data=st.data())
@example(data=None)
def test_synonym_file_broken_in_any_way(tmp_path: Path, data) -> None:
    original = packaged_data_file(SHIPPED).read_text(encoding="utf-8")
    content = b"\xff\xfe=" if data is None else data.draw(broken(original))
    path = tmp_path / "synonyms.toml"
    path.write_bytes(content)
    _loads_or_says_why(read_table, path, (SynonymFileError,))


# ------------------------------------------------------------------ objectives
@settings(FUZZ, max_examples=EXAMPLES["objectives"])
@given(data=st.data())
@example(data=None)
def test_objectives_file_broken_in_any_way(tmp_path: Path, data) -> None:
    original = default_purchase_targets_path().read_text(encoding="utf-8")
    content = b"\xff\xfe=" if data is None else data.draw(broken(original))
    path = tmp_path / "objectives.toml"
    path.write_bytes(content)
    _loads_or_says_why(load_purchase_targets, path, (PurchaseTargetsError,))


# ------------------------------------------------------------------ EFD
EFD_HEADER = (
    "manufacturer,name,category,subcategory,gwp_total,gwp_use_ratio,yearly_tec,lifetime,"
    "use_location,report_date,sources,gwp_error_ratio,gwp_manufacturing_ratio,weight,"
    "assembly_location,screen_size,server_type,hard_drive,memory,number_cpu,height,"
    "added_date,add_method,gwp_transport_ratio,gwp_eol_ratio,gwp_electronics_ratio,"
    "gwp_battery_ratio,gwp_hdd_ratio,gwp_ssd_ratio,gwp_othercomponents_ratio,comment\n"
)


@st.composite
def efd_files(draw, snapshot: str) -> bytes:
    if draw(st.booleans()):
        return draw(broken(snapshot))
    rows = draw(
        st.lists(
            st.lists(
                st.one_of(HOSTILE_TEXT, st.floats().map(str), st.sampled_from(["", "1,5", "-3"])),
                min_size=0,
                max_size=32,
            ),
            max_size=10,
        )
    )
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, delimiter=draw(st.sampled_from([",", ";"]))).writerows(rows)
    return (EFD_HEADER + out.getvalue()).encode(
        draw(st.sampled_from(["utf-8", "cp1252"])), errors="replace"
    )


@pytest.fixture(scope="module")
def efd_snapshot(boavizta_efd_dir) -> str:
    lines = (boavizta_efd_dir / "boavizta-data-us.csv").read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[:40]) + "\n"


@pytest.fixture(scope="module")
def boavizta_efd_dir() -> Path:
    """The Boavizta snapshot shipped with the tests (``tests/data/boavizta-efd``, ODbL)."""
    return Path(__file__).resolve().parents[1] / "data" / "boavizta-efd"


@settings(FUZZ, max_examples=EXAMPLES["efd"])
@given(data=st.data())
def test_efd_files_broken_in_any_way(tmp_path: Path, efd_snapshot: str, data) -> None:
    path = tmp_path / "boavizta-data-us.csv"
    path.write_bytes(data.draw(efd_files(efd_snapshot)))
    try:
        efd = read_efd(path)
    except EfdFormatError as exc:
        assert str(path) in str(exc)
        assert re.search(r"line \d+, column ", str(exc)), str(exc)
    else:
        assert all(row.manufacturer and row.name for row in efd.rows)


# ------------------------------------------------------------------ through the CLI
@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "parc.db"
    result = cli("--db", f"sqlite:///{path}", "demo", "--devices", "40")
    assert result.exit_code == 0, result.output
    return path


@settings(FUZZ, max_examples=EXAMPLES["cli"])
@given(data=st.data())
def test_broken_files_through_the_cli_are_one_clear_message(
    small_db: Path, tmp_path: Path, factor_texts, efd_snapshot, data
) -> None:
    url = f"sqlite:///{small_db}"
    before = sqlite_digest(small_db)
    what = data.draw(st.sampled_from(["policy", "factors", "synonyms", "efd"]))
    if what == "policy":
        path = tmp_path / "policy.toml"
        path.write_bytes(data.draw(broken(default_policy_path().read_text(encoding="utf-8"))))
        result = cli("--db", url, "flag", env={"SOBRIETY_POLICY": str(path)})
    elif what == "factors":
        folder = tmp_path / "factors"
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(packaged_factors_dir(), folder)
        name = data.draw(st.sampled_from(FACTOR_FILES))
        (folder / name).write_bytes(data.draw(broken(factor_texts[name])))
        result = cli("--db", url, "--factors", str(folder), "estimate", "--year", "2025")
    elif what == "synonyms":
        path = tmp_path / "syn.toml"
        path.write_bytes(data.draw(broken(packaged_data_file(SHIPPED).read_text("utf-8"))))
        csv_file = tmp_path / "in.csv"
        csv_file.write_text("asset_tag,category\nSYN-1,laptop\n", encoding="utf-8")
        result = cli("--db", url, "import", str(csv_file), "--synonyms", str(path))
        if result.exit_code == 0:
            before = sqlite_digest(small_db)  # a valid table: the import was done
    else:
        path = tmp_path / "boavizta-data-us.csv"
        path.write_bytes(data.draw(efd_files(efd_snapshot)))
        result = cli("--db", url, "factors", "import-efd", str(path), "--dry-run")
    assert_clean_end(result, what)
    assert sqlite_digest(small_db) == before
