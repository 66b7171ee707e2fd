"""Benchmark: the carbon engine and ``sobriety estimate`` against floors measured in the same run.

1. **Computation** on N devices in memory (a deterministic synthetic fleet:
   every category, dates 2012-2025, a third retired, second-hand and leased
   acquisitions, measured powers, per-model factors, sites in two grid zones):
   the engine (:func:`carbon.resolve` + :func:`carbon.year_share`, amortised
   reporting year, 4 phases x 3 bounds) against

   - a **plain numpy** expression of the same formula (same inputs, written
     straight with ``np.where``/``np.interp``; results checked equal): target
     within 5x;
   - a **per-device pint loop** of the same formula (quantities prepared per
     category once, per device only arithmetic and conversions), timed on a
     sample and extrapolated to N (said so in the output; results checked
     equal on the sample): target at least 1,000x slower than the engine.

2. **End to end** on a SQLite database of N devices (the demo fleet, with the
   Boavizta dataset imported so that per-model factors are joined):
   ``sobriety estimate --year 2024`` in a subprocess (process start, reading,
   computing, printing) against reading the columns it needs with raw
   ``sqlite3`` (``fetchall``): target within 3x.

The end-to-end runs use a fresh factor cache folder: the first run (printed
apart) parses the factor files and writes the cache, the timed runs read it, as
a user's commands after the first do.

Usage: ``python bench/bench_carbon.py [--devices 1000000] [--db PATH] [--sample 2000]
[--skip-computation] [--skip-e2e]``.
The database is created (demo fleet + dataset) when PATH does not exist yet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from sobriety.domain.carbon import engine as carbon
from sobriety.domain.carbon.factors import DAYS_PER_YEAR, FactorSet, load_factor_set
from sobriety.settings import packaged_factors_dir

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2025, 6, 30)
YEAR = 2024
EFD = ROOT.parent / "shared" / "data" / "boavizta-efd" / "boavizta-data-us.csv"


def synthetic_fleet(fs: FactorSet, n: int, seed: int = 7) -> carbon.CarbonFleet:
    rng = np.random.default_rng(seed)
    n_sites = 100
    sites = carbon.SiteTable(
        codes=[f"S{i}" for i in range(n_sites)],
        names=[f"Site {i}" for i in range(n_sites)],
        kinds=["college"] * n_sites,
        countries=["FR"] * (n_sites - 1) + ["DE"],
        agents=np.full(n_sites, 50.0),
    )
    m = 500
    models = carbon.ModelFactorTable(
        keys=[f"m{i}" for i in range(m)],
        labels=[f"Model {i}" for i in range(m)],
        origins=["efd"] * m,
        sources=["synthetic"] * m,
        qualities=["manufacturer"] * m,
        manufacturing=np.where(rng.random(m) < 0.9, rng.uniform(40, 400, m), np.nan),
        distribution=np.where(rng.random(m) < 0.6, rng.uniform(1, 20, m), np.nan),
        end_of_life=np.where(rng.random(m) < 0.5, rng.uniform(0.1, 5, m), np.nan),
        yearly_energy=np.where(rng.random(m) < 0.7, rng.uniform(5, 80, m), np.nan),
        lifespan_years=np.full(m, np.nan),
        weight_kg=rng.uniform(0.2, 6, m),
        uncertainty=np.where(rng.random(m) < 0.8, rng.uniform(0.1, 0.4, m), np.nan),
    )
    acquired = rng.uniform(carbon.year_start(2012), carbon.year_start(2025), n)
    acquired[rng.random(n) < 0.01] = np.nan
    retired = np.where(rng.random(n) < 0.33, acquired + rng.uniform(200, 3500, n), np.nan)
    status = np.where(np.isnan(retired), carbon.STATUSES.index("in_service"), 5)
    return carbon.CarbonFleet(
        category=rng.integers(0, len(fs.category_order), n),
        acquired=acquired,
        retired=retired,
        acquisition_type=rng.choice(4, n, p=[0.9, 0.05, 0.02, 0.03]),
        status=status,
        site=rng.integers(-1, n_sites, n),
        measured_power_w=np.where(rng.random(n) < 0.05, rng.uniform(5, 120, n), np.nan),
        weight_kg=np.full(n, np.nan),
        purchase_price_eur=np.full(n, np.nan),
        model=np.where(rng.random(n) < 0.6, rng.integers(0, m, n), -1),
        sites=sites,
        model_factors=models,
    )


def engine_year(fs: FactorSet, fleet: carbon.CarbonFleet) -> np.ndarray:
    terms = carbon.resolve(fleet, fs, as_of=AS_OF)
    return carbon.year_share(terms, fs, YEAR, "amortised")


def _cum_at(t, knots, cum, rate):
    """Cumulative intensity at t: interpolated on the knots, the last year extended linearly."""
    return np.interp(t, knots, cum) + np.where(t > knots[-1], (t - knots[-1]) * rate[-1], 0.0)


def numpy_floor(fs: FactorSet, f: carbon.CarbonFleet) -> np.ndarray:
    """The same formula as one plain numpy expression per quantity."""
    cat = carbon.category_arrays(fs)
    table = carbon.grid_table(fs)
    mf = f.model_factors
    c, has_m = f.category, f.model >= 0
    mi = np.where(has_m, f.model, 0)
    unc = np.where(has_m, mf.uncertainty[mi], np.nan)
    second = (f.acquisition_type == 1) | (f.acquisition_type == 2)

    def factor(defaults, model_values):
        mv = np.where(has_m, model_values[mi], np.nan)
        d = defaults[:, c]
        rl = np.where(d[0] > 0, d[1] / np.where(d[0] > 0, d[0], 1), 1)
        rh = np.where(d[0] > 0, d[2] / np.where(d[0] > 0, d[0], 1), 1)
        lo = np.where(np.isnan(unc), mv * rl, mv * (1 - np.minimum(unc, 1)))
        hi = np.where(np.isnan(unc), mv * rh, mv * (1 + unc))
        return np.where(np.isnan(mv), d, np.stack([mv, lo, hi]))

    manuf = factor(cat.manufacturing, mf.manufacturing)
    manuf = np.where(second, manuf * cat.refurbished[:, c], manuf)
    dist = factor(cat.distribution, mf.distribution)
    eol = factor(cat.end_of_life, mf.end_of_life)
    energy = factor(cat.energy, mf.yearly_energy)
    energy = np.where(
        np.isnan(f.measured_power_w), energy, f.measured_power_w * cat.hours[:, c] / 1000
    )
    life = cat.lifespan_days[c]
    now = carbon.date_to_days(AS_OF)
    start = np.where(np.isnan(f.acquired), now - life / 2, f.acquired)
    known = ~np.isnan(f.retired)
    end = np.where(known, np.maximum(np.where(known, f.retired, 0), start), np.inf)
    amort = np.maximum(life, 1.0)  # fixed at entry; a retirement writes off the rest
    ys, ye = carbon.year_start(YEAR), carbon.year_start(YEAR + 1)
    upper = np.where(end < ye, start + amort, np.minimum(start + amort, ye))
    share = np.where(end < ys, 0.0, np.clip(upper - np.maximum(start, ys), 0, None)) / amort
    us = np.maximum(start, ys)
    ue = np.maximum(np.minimum(end, ye), us)
    zone_of_site = np.array(
        [table.zones.index(fs.grid.zone_for(x)) for x in f.sites.countries] + [0]
    )
    zone = zone_of_site[np.where(f.site >= 0, f.site, len(f.sites))]
    k = len(table.knots)
    use = np.zeros((3, len(c)))
    for z in range(len(table.zones)):
        sel = zone == z
        for b in range(3):
            knots_cum = table.cumulative[b, z * k : (z + 1) * k]
            rate = table.rate[b, z * k : (z + 1) * k]
            integral = _cum_at(ue[sel], table.knots, knots_cum, rate) - _cum_at(
                us[sel], table.knots, knots_cum, rate
            )
            use[b, sel] = energy[b, sel] * integral / DAYS_PER_YEAR
    return np.stack([manuf * share, dist * share, use, eol * share])


def pint_loop(fs: FactorSet, f: carbon.CarbonFleet, sample: np.ndarray) -> np.ndarray:
    """The same formula, device by device, with pint quantities."""
    from sobriety.units import Q_, registry

    ureg = registry()
    day = ureg.day
    bounds = carbon.BOUNDS
    cats = {
        i: {
            "manuf": [Q_(cf.manufacturing.bound(b), "kgCO2e") for b in bounds],
            "dist": [Q_(cf.distribution.bound(b), "kgCO2e") for b in bounds],
            "eol": [Q_(cf.end_of_life.bound(b), "kgCO2e") for b in bounds],
            "energy": [Q_(cf.energy_kwh(b), "kWh/year") for b in bounds],
            "hours": [Q_(cf.hours.bound(b), "hour/year") for b in bounds],
            "life": Q_(cf.lifespan.value, "year"),
            "refurb": [Q_(fs.refurbished_share(cf.category).bound(b), "") for b in bounds],
        }
        for i, cf in enumerate(fs.categories.values())
    }
    zones = {
        code: [Q_(z.for_year(YEAR)[0].bound(b), "kgCO2e/kWh") for b in bounds]
        for code, z in fs.grid.zones.items()
    }
    mf = f.model_factors
    now = AS_OF
    ys, ye = dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1)
    out = np.zeros((4, 3, len(sample)))
    for j, i in enumerate(sample):
        cq = cats[int(f.category[i])]
        life = cq["life"].to("day")
        now_days = (now - dt.date(1970, 1, 1)).days * day
        start = now_days - life / 2 if np.isnan(f.acquired[i]) else float(f.acquired[i]) * day
        retired = not np.isnan(f.retired[i])
        end = max(f.retired[i] * day, start) if retired else None
        amort = life  # fixed at entry; a retirement writes off the rest in its year
        y0 = (ys - dt.date(1970, 1, 1)).days * day
        y1 = (ye - dt.date(1970, 1, 1)).days * day
        upper = start + amort if end is not None and end < y1 else min(start + amort, y1)
        overlap = 0 * day if end is not None and end < y0 else upper - max(start, y0)
        share = (max(overlap, 0 * day) / amort).to("")
        used_end = y1 if end is None else max(min(end, y1), max(start, y0))
        used = max(used_end - max(start, y0), 0 * day)
        site = int(f.site[i])
        zone = fs.grid.zone_for(f.sites.countries[site] if site >= 0 else None)
        m = int(f.model[i])
        for b in range(3):
            manuf, dist, eol = cq["manuf"][b], cq["dist"][b], cq["eol"][b]
            energy = cq["energy"][b]
            if m >= 0:
                u = mf.uncertainty[m]
                manuf = _model_q(mf.manufacturing[m], cq["manuf"], "kgCO2e", b, u)
                dist = _model_q(mf.distribution[m], cq["dist"], "kgCO2e", b, u)
                eol = _model_q(mf.end_of_life[m], cq["eol"], "kgCO2e", b, u)
                energy = _model_q(mf.yearly_energy[m], cq["energy"], "kWh/year", b, u)
            if f.acquisition_type[i] in (1, 2):
                manuf = manuf * cq["refurb"][b]
            if not np.isnan(f.measured_power_w[i]):
                energy = (Q_(f.measured_power_w[i], "W") * cq["hours"][b]).to("kWh/year")
            out[0, b, j] = (manuf * share).to("kgCO2e").magnitude
            out[1, b, j] = (dist * share).to("kgCO2e").magnitude
            out[2, b, j] = (energy * zones[zone][b] * used).to("kgCO2e").magnitude
            out[3, b, j] = (eol * share).to("kgCO2e").magnitude
    return out


def _model_q(value: float, defaults: list, unit: str, b: int, u: float):
    """A per-model value for bound ``b`` (the category's spread when it has no uncertainty)."""
    from sobriety.units import Q_

    if np.isnan(value):
        return defaults[b]
    if np.isnan(u):
        ratio = (defaults[b] / defaults[0]).to("") if defaults[0].magnitude > 0 else 1
        return Q_(value, unit) * ratio
    return Q_(value * (1, 1 - min(u, 1), 1 + u)[b], unit)


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def computation(fs: FactorSet, n: int, sample_size: int) -> None:
    fleet = synthetic_fleet(fs, n)
    engine_year(fs, fleet)  # warm caches (category arrays, grid table)
    t_engine, got = best_of(lambda: engine_year(fs, fleet), 3)
    t_floor, want = best_of(lambda: numpy_floor(fs, fleet), 3)
    assert np.allclose(got, want, rtol=1e-9, atol=1e-9), "engine and numpy floor disagree"
    sample = np.random.default_rng(1).choice(n, size=min(sample_size, n), replace=False)
    t_pint, pint_out = best_of(lambda: pint_loop(fs, fleet, sample), 1)
    assert np.allclose(pint_out, got[:, :, sample], rtol=1e-6, atol=1e-9), "pint loop disagrees"
    per_device = t_pint / len(sample)
    t_pint_all = per_device * n
    print(f"Computation, {n:,} devices (amortised year {YEAR}, 4 phases x 3 bounds):")
    print(f"  engine (resolve + year_share):      {t_engine:8.3f} s")
    print(f"  plain numpy floor, same formula:    {t_floor:8.3f} s   (results equal)")
    print(f"  ratio engine / numpy floor:         {t_engine / t_floor:8.2f} x   (target <= 5)")
    print(
        f"  pint loop: {per_device * 1e6:,.0f} us/device on a sample of {len(sample):,}"
        f" (results equal), extrapolated to {n:,}: {t_pint_all:,.0f} s"
    )
    print(
        f"  ratio pint loop / engine:           {t_pint_all / t_engine:8,.0f} x   (target >= 1,000)"
    )


def ensure_db(path: Path, n: int) -> None:
    if path.exists():
        return
    from sobriety.domain.carbon.model_match import aggregate_efd
    from sobriety.io.efd import read_efd
    from sobriety.storage import db, model_factors
    from sobriety.storage import demo as demo_writer

    print(f"Creating {path} with the demo fleet ({n:,} devices) and the Boavizta dataset...")
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine)
    demo_writer.seed_demo(engine, devices=n, seed=1, as_of=AS_OF)
    model_factors.replace_efd_factors(engine, aggregate_efd(read_efd(EFD).rows))
    engine.dispose()


COLUMNS = (
    "category, acquisition_date, retirement_date, acquisition_type, status, site_id, "
    "measured_power_w, weight_kg, purchase_price_eur, manufacturer, model"
)


def raw_read(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        rows = con.execute(f"SELECT {COLUMNS} FROM device ORDER BY id").fetchall()
        return len(rows)
    finally:
        con.close()


def end_to_end(path: Path, n: int) -> None:
    ensure_db(path, n)
    cmd = [sys.executable, "-m", "sobriety", "--db", f"sqlite:///{path}", "--lang", "en",
           "estimate", "--year", str(YEAR), "--as-of", AS_OF.isoformat()]  # fmt: skip
    raw_read(path)  # warm the page cache for both
    t_floor, rows = best_of(lambda: raw_read(path), 3)

    with tempfile.TemporaryDirectory() as cache:
        # A first command with an empty cache folder parses the factor files and writes it.
        env = {**os.environ, "XDG_CACHE_HOME": cache}
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
        t_cold = time.perf_counter() - start

        def run() -> str:
            done = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
            return done.stdout

        t_cli, out = best_of(run, 3)
    total_line = next(line for line in out.splitlines() if line.startswith("Total"))
    print(f"End to end, SQLite database of {rows:,} devices ({path}):")
    print(f"  raw sqlite3 read of the needed columns: {t_floor:8.3f} s")
    print(f"  sobriety estimate --year {YEAR} (subprocess):  {t_cli:8.3f} s   (factor cache warm)")
    print(f"  ratio estimate / raw read:              {t_cli / t_floor:8.2f} x   (target <= 3)")
    print(f"  first run, empty factor cache:          {t_cold:8.3f} s   "
          f"ratio {t_cold / t_floor:.2f} x")  # fmt: skip
    print(f"  load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"  {total_line.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/sobriety-bench-carbon.db"))
    parser.add_argument("--skip-e2e", action="store_true")
    parser.add_argument("--skip-computation", action="store_true")
    args = parser.parse_args()
    fs = load_factor_set(packaged_factors_dir())
    if not args.skip_computation:
        computation(fs, args.devices, args.sample)
    if not args.skip_e2e:
        end_to_end(args.db, args.devices)


if __name__ == "__main__":
    main()
