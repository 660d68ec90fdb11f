"""Works in the workspace: registered by their owners, matched against the register on save.

Who registers
    The roles of :data:`baseline.workspace.access.PERMISSIONS` (``register_work``,
    ``edit_work``) register their own organisation's works; a work belongs to the saving user's
    organisation (a file's ``owner`` column is not trusted for that) and only that organisation
    changes it. A refusal is audited and changes nothing.

The format
    The co-build works format (``project_id, start_date, end_date``, optional ``utility``,
    ``width_m``, ``name``, ``road_name``), read and prepared by the co-build's own reader
    (:func:`baseline.io.validate.validate_works`, :func:`baseline.cobuild.prepare_works`), so
    columns, dates, CRS handling and errors are those of ``baseline cobuild``.

Saving
    A file (or frame) is saved in one transaction: a new ``project_id`` is inserted, a known one
    of the same organisation is updated when it changed (its ``version`` must be the one the
    caller read: a ``version`` column or the ``versions`` argument, else :class:`Conflict`), an
    unchanged one is left as it is. The geometry is stored in the workspace's metric CRS
    (``workspace_meta.metric_crs``: set from the first works file saved, by
    :func:`baseline.io.crs.metric_crs`, which gives UTM 51N for Pudong; EPSG:32651 until then)
    and in WGS84, and written to the store's spatial index.

Matching on save (GIPOD recalculates on every edit)
    The works saved are matched at once against the works the index finds near them (within the
    largest buffer plus the widest zones, and the time tolerance plus the largest time
    buffers), by :func:`baseline.cobuild.find_opportunities` itself on those works only, so an
    opportunity found on save is what the batch co-build finds for that pair: same kind,
    distance, shared length and (illustrative) saving. Each pair is stored once, ``work_a <
    work_b`` by ``works.id``:

    - a new pair is ``identified``;
    - a pair still matching keeps its state and gets the new facts (window, length, saving)
      while ``identified``, ``proposed`` or ``accepted``; an ``expired`` pair matching again is
      ``identified`` anew and its earlier answers are cleared;
    - a pair that no longer matches after an edit is ``expired`` (SmarterWX archives an
      opportunity with no overlap any more) from ``identified``, ``proposed`` or ``accepted``;
    - ``declined`` and ``built`` pairs are history and are never changed by a save.

Every save, refusal and opportunity change is in the audit trail.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from baseline.cobuild import REC_KINDS, CobuildOptions, WorksColumns, find_pairs, prepare_works
from baseline.cobuild.core import finalise, trench_recs
from baseline.errors import Conflict, CRSError, SchemaError, Text
from baseline.io.crs import metric_crs
from baseline.io.formats import read_layer
from baseline.io.validate import validate_works
from baseline.io.values import read_ids
from baseline.standard.catalogue import Standard, load_standard
from baseline.standard.params import CobuildParams
from baseline.workspace import register
from baseline.workspace.access import deny, require
from baseline.workspace.actor import Actor
from baseline.workspace.audit import record
from baseline.workspace.schema import answers, opportunities, organisations, works

COLUMNS = WorksColumns()
"""The works format's id, date and owner columns (those of ``baseline cobuild``)."""
PAIR_KINDS = REC_KINDS[:4]
"""The co-build's pair kinds: shared trench, align dates, shared traffic management, align
reinstatement (the kinds of recommendation made of two works)."""
LIVE_STATES = ("identified", "proposed", "accepted")
"""States a save may update or expire."""


@dataclass(frozen=True)
class SaveResult:
    """What one save did.

    Attributes
    ----------
    saved : tuple of str
        Works inserted or changed (their ``project_id``).
    unchanged : tuple of str
        Works given again as they are stored (nothing written).
    created, updated, expired : int
        Opportunities identified, updated (new facts or identified anew), expired.
    """

    saved: tuple[str, ...]
    unchanged: tuple[str, ...]
    created: int
    updated: int
    expired: int


def read_works(path: str | Path, *, date_format: str | None = None) -> gpd.GeoDataFrame:
    """Read a works file as ``baseline cobuild`` reads it (ids and dates checked).

    Raises
    ------
    BaselineError
        Naming the file, the rows and the fix (unreadable file, duplicate ids, bad dates).
    """
    path = Path(path)
    layer = read_layer(path)
    checked = validate_works(
        layer, (COLUMNS.id, COLUMNS.start, COLUMNS.end), where=path.name, date_format=date_format
    )
    checked.attrs["source"] = str(path)
    return checked


def workspace_crs(engine: Engine) -> pyproj.CRS:
    """The workspace's metric CRS (EPSG:32651 while no works file has set it)."""
    with engine.connect() as con:
        crs = register.read_crs(con)
    return crs or pyproj.CRS.from_user_input(register.DEFAULT_METRIC_CRS)


def _prepared(frame: gpd.GeoDataFrame, std: Standard) -> gpd.GeoDataFrame:
    """The works prepared by the co-build's reader, with their name, road and version read."""
    prepared = prepare_works(frame, COLUMNS, std.cobuild.utilities)
    ids = read_ids(frame[COLUMNS.id]).fillna("").to_numpy(dtype=object)
    for column in ("name", "road_name", "version"):
        values = frame[column].to_numpy(dtype=object) if column in frame else np.full(len(ids), "")
        prepared[column] = prepared["work_id"].map(dict(zip(ids, values, strict=True)))
    if prepared.crs is None:
        label = str(frame.attrs.get("source", "works layer"))
        msg = (
            f"{label}: the works have no CRS; save a file that declares its CRS, or set it "
            "(gdf.set_crs('EPSG:4326') for longitude/latitude)"
        )
        zh = (
            f"{label}：施工数据没有坐标参考系；请保存为声明了坐标参考系的文件，或为其设置"
            "（经纬度用 gdf.set_crs('EPSG:4326')）"
        )
        raise CRSError(msg, zh=zh)
    return prepared


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _width(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _row_of(work: Any, metric: shapely.Geometry, wgs: shapely.Geometry) -> dict[str, Any]:
    """The ``works`` columns of one prepared work (its geometry in both CRS)."""
    minx, miny, maxx, maxy = shapely.bounds(metric).tolist()
    return {
        "name": _text(work.name),
        "utility": _text(work.utility),
        "road_name": _text(work.road_name),
        "start_date": pd.Timestamp(work.start).date(),
        "end_date": pd.Timestamp(work.end).date(),
        "width_m": _width(work.width_m),
        "geom_wkb": shapely.to_wkb(metric),
        "geom_wgs84_wkb": shapely.to_wkb(wgs),
        "minx": minx,
        "miny": miny,
        "maxx": maxx,
        "maxy": maxy,
    }


_COMPARED = ("name", "utility", "road_name", "start_date", "end_date", "width_m", "geom_wkb")


def _changed(stored: Any, row: Mapping[str, Any]) -> bool:
    return any(getattr(stored, k) != row[k] for k in _COMPARED)


def _expected_version(work: Any, versions: Mapping[str, int]) -> int | None:
    if work.work_id in versions:
        return int(versions[work.work_id])
    given = work.version
    return None if given is None or given == "" or pd.isna(given) else int(given)


@dataclass
class _Save:
    """One save in progress: its connection, who acts, the CRS and what was done."""

    engine: Engine
    con: Connection
    actor: Actor
    srid: int
    now: datetime
    saved: list[int]
    saved_ids: list[str]
    unchanged: list[str]


class _RefusedError(Exception):
    """A save refused for a work of another organisation (audited after the rollback)."""

    def __init__(self, work_id: str, why: Text) -> None:
        super().__init__(why.en)
        self.work_id = work_id
        self.why = why


def _refuse_other_org(s: _Save, work_id: str, owner: int) -> None:
    if owner != s.actor.org_id:
        why = Text(
            f"work {work_id} belongs to another organisation; only its own organisation "
            "changes it: give your work another project_id",
            f"施工 {work_id} 属于其他单位，只有其所属单位可以修改：请为你的施工另设 project_id",
        )
        raise _RefusedError(work_id, why)


def _check_version(s: _Save, work: Any, stored: Any, versions: Mapping[str, int]) -> None:
    expected = _expected_version(work, versions)
    if expected != stored.version:
        seen = "no version" if expected is None else f"version {expected}"
        msg = (
            f"work {work.work_id}: it is at version {stored.version} but the save gives {seen}; "
            "someone changed it since you read it (or no version was given): read it again "
            "and give its current version in a version column"
        )
        seen_zh = "未给出版本" if expected is None else f"给出的是版本 {expected}"
        zh = (
            f"施工 {work.work_id}：当前为版本 {stored.version}，但本次保存{seen_zh}；在你读取之后"
            "已有人修改（或未给出版本）：请重新读取，并在 version 列中给出其当前版本"
        )
        raise Conflict(msg, zh=zh)


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None  # an INSERT with an autoincrement key always has it
    return int(key[0])


def _save_one(
    s: _Save, work: Any, row: dict[str, Any], geom: shapely.Geometry, versions: Mapping[str, int]
) -> None:
    stored = s.con.execute(sa.select(works).where(works.c.work_id == work.work_id)).first()
    if stored is None:
        values = {**row, "work_id": work.work_id, "org_id": s.actor.org_id}
        values |= {"user_id": s.actor.user_id, "created_at": s.now, "updated_at": s.now}
        pk = _new_id(s.con.execute(works.insert().values(**values)))
        detail = "registered"
    else:
        _refuse_other_org(s, work.work_id, int(stored.org_id))
        if not _changed(stored, row):
            s.unchanged.append(work.work_id)
            return
        _check_version(s, work, stored, versions)
        pk = int(stored.id)
        s.con.execute(
            works.update()
            .where(works.c.id == pk)
            .values(**row, user_id=s.actor.user_id, version=stored.version + 1, updated_at=s.now)
        )
        detail = f"changed to version {stored.version + 1}"
    register.sync(s.con, pk, geom, s.srid)
    register.note_width(s.con, row["width_m"])
    record(s.con, s.actor, "save_work", "work", work.work_id, "ok", detail)
    s.saved.append(pk)
    s.saved_ids.append(work.work_id)


def _margins(con: Connection, cob: CobuildParams) -> tuple[float, int]:
    """(metres, days) a candidate may lie from a saved work and still match it.

    Metres: the largest buffer plus the widest zone (half of it on each side); days: the time
    tolerance plus the largest days before and after of any owner.
    """
    reach = max([float(cob.buffer_m), *cob.owner_buffers_m.values()])
    widest = register.widest(con, cob.work_width_m.values())
    days = list(cob.owner_time_buffers_days.values())
    pad = int(cob.gap_days) + max([d[0] for d in days], default=0)
    return reach + widest, pad + max([d[1] for d in days], default=0)


def _candidates(con: Connection, pks: list[int], cob: CobuildParams, srid: int) -> list[int]:
    """The saved works and the registered works the index finds within reach of them."""
    if not pks:
        return []
    rows = con.execute(
        sa.select(works.c.id, works.c.geom_wkb, works.c.start_date, works.c.end_date).where(
            works.c.id.in_(pks)
        )
    ).all()
    margin, pad = _margins(con, cob)
    found = set(pks)
    for r in rows:
        geom = shapely.from_wkb(r.geom_wkb)
        found.update(register.near(con, geom, (r.start_date, r.end_date), margin, pad, srid))
    return sorted(found)


def _register_frame(con: Connection, pks: list[int], crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Registered works in the co-build works format (owner = organisation name), metric CRS."""
    query = (
        sa.select(
            works.c.id,
            works.c.work_id,
            works.c.start_date,
            works.c.end_date,
            organisations.c.name.label("owner"),
            works.c.utility,
            works.c.width_m,
            works.c.geom_wkb,
        )
        .join(organisations, organisations.c.id == works.c.org_id)
        .where(works.c.id.in_(pks))
    )
    rows = con.execute(query).all()
    return gpd.GeoDataFrame(
        {
            "pk": [r.id for r in rows],
            COLUMNS.id: [r.work_id for r in rows],
            COLUMNS.start: pd.to_datetime([r.start_date for r in rows]),
            COLUMNS.end: pd.to_datetime([r.end_date for r in rows]),
            COLUMNS.owner: [r.owner for r in rows],
            "utility": [r.utility for r in rows],
            "width_m": [np.nan if r.width_m is None else r.width_m for r in rows],
        },
        geometry=shapely.from_wkb([r.geom_wkb for r in rows]),
        crs=crs,
    )


def match_pairs(
    con: Connection, pks: list[int], std: Standard, crs: pyproj.CRS
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The co-build's pair recommendations of the works ``pks`` with the register near them.

    The steps of :func:`baseline.cobuild.find_opportunities` on a works layer: pairs by
    :func:`baseline.cobuild.find_pairs`, judged and costed by ``trench_recs`` and
    ``finalise``, the pairs among candidates alone left out before they are judged.

    Returns
    -------
    (pandas.DataFrame, dict)
        Recommendations (pair kinds) that involve a work of ``pks``, and ``works.id`` by
        ``project_id`` of the works matched.
    """
    frame = _register_frame(con, _candidates(con, pks, std.cobuild, register.srid_of(crs)), crs)
    pk_of = dict(zip(frame[COLUMNS.id], frame["pk"], strict=True))
    if len(frame) < 2:
        return pd.DataFrame(columns=["kind", "members"]), pk_of
    params = CobuildOptions().match_params(std.cobuild)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # stored works were checked when they were saved
        pairs, _ = find_pairs(
            frame.drop(columns="pk"), params, crs=crs, utilities=std.cobuild.utilities
        )
    if pairs.empty:
        return pd.DataFrame(columns=["kind", "members"]), pk_of
    mine = set(frame.loc[frame["pk"].isin(pks), COLUMNS.id])
    pairs = pairs[(pairs["a"].isin(mine) | pairs["b"].isin(mine)).to_numpy()]
    recs = finalise(trench_recs(pairs.reset_index(drop=True), std.cobuild), std.cobuild)
    return pd.DataFrame(recs.drop(columns="geometry")), pk_of


def _day(text: Any) -> date | None:
    return None if not text else date.fromisoformat(str(text))


def _facts(r: Any) -> dict[str, Any]:
    """The ``opportunities`` columns a recommendation sets."""
    return {
        "kind": r.kind,
        "window_start": _day(r.overlap_start),
        "window_end": _day(r.overlap_end),
        "distance_m": float(r.distance_m),
        "shared_m": None if pd.isna(r.shared_length_m) else float(r.shared_length_m),
        "saving_cny": None if pd.isna(r.saving_cny) else float(r.saving_cny),
        "explanation": str(r.explanation),
    }


def _found(recs: pd.DataFrame, pk_of: Mapping[str, int]) -> dict[tuple[int, int], dict]:
    out = {}
    for r in recs.itertuples():
        a, b = (pk_of[m] for m in str(r.members).split(";"))
        out[(min(a, b), max(a, b))] = _facts(r)
    return out


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    expired: int = 0


def _update_existing(s: _Save, row: Any, facts: dict | None, counts: _Counts) -> None:
    """Update, revive or expire one stored opportunity of a saved work."""
    if row.state not in (*LIVE_STATES, "expired") or (facts is None and row.state == "expired"):
        return
    if facts is None:
        values: dict[str, Any] = {"state": "expired"}
        counts.expired += 1
        action, detail = "expire_opportunity", "the works no longer match"
    else:
        values = dict(facts)
        if row.state == "expired":
            values["state"] = "identified"
            s.con.execute(answers.delete().where(answers.c.opportunity_id == row.id))
        counts.updated += 1
        action, detail = "update_opportunity", f"{row.state} -> {values.get('state', row.state)}"
    s.con.execute(
        opportunities.update()
        .where(opportunities.c.id == row.id)
        .values(**values, version=row.version + 1, updated_at=s.now)
    )
    record(s.con, s.actor, action, "opportunity", row.id, "ok", detail)


def _store_pairs(s: _Save, found: dict[tuple[int, int], dict]) -> _Counts:
    counts = _Counts()
    mine = opportunities.c.work_a.in_(s.saved) | opportunities.c.work_b.in_(s.saved)
    stored = s.con.execute(sa.select(opportunities).where(mine)).all() if s.saved else []
    known = set()
    for row in stored:
        key = (int(row.work_a), int(row.work_b))
        known.add(key)
        _update_existing(s, row, found.get(key), counts)
    for (a, b), facts in sorted(found.items()):
        if (a, b) in known:
            continue
        pk = _new_id(
            s.con.execute(
                opportunities.insert().values(
                    work_a=a,
                    work_b=b,
                    state="identified",
                    created_at=s.now,
                    updated_at=s.now,
                    **facts,
                )
            )
        )
        record(s.con, s.actor, "identify_opportunity", "opportunity", pk, "ok", facts["kind"])
        counts.created += 1
    return counts


def refused_audit(engine: Engine, actor: Actor, action: str, kind: str, why: str) -> None:
    """Audit a refused save in its own transaction (the save's own was rolled back)."""
    with engine.begin() as con:
        record(con, actor, action, kind, "", "refused", why[:2000])


def _ensure_crs(con: Connection, prepared: gpd.GeoDataFrame) -> pyproj.CRS:
    crs = register.read_crs(con)
    if crs is None:
        crs = metric_crs(prepared)
        register.write_crs(con, crs)
    return crs


def _frame_of(works_in: gpd.GeoDataFrame | str | Path, date_format: str | None) -> gpd.GeoDataFrame:
    if isinstance(works_in, str | Path):
        return read_works(works_in, date_format=date_format)
    if COLUMNS.id not in works_in:
        msg = f"works layer lacks column {COLUMNS.id}; name each work's id project_id"
        zh = f"施工图层缺少 {COLUMNS.id} 列；请将每项施工的编号列命名为 project_id"
        raise SchemaError(msg, zh=zh)
    label = str(works_in.attrs.get("source", "works layer"))
    return validate_works(works_in, (COLUMNS.id, COLUMNS.start, COLUMNS.end), where=label)


def _save_all(s: _Save, prepared: gpd.GeoDataFrame, crs: pyproj.CRS, versions: Mapping) -> None:
    metric = prepared.to_crs(crs).geometry.to_numpy()
    wgs = prepared.to_crs("EPSG:4326").geometry.to_numpy()
    for k, work in enumerate(prepared.itertuples()):
        _save_one(s, work, _row_of(work, metric[k], wgs[k]), metric[k], versions)


def add_works(
    engine: Engine,
    actor: Actor,
    works_in: gpd.GeoDataFrame | str | Path,
    *,
    std: Standard | None = None,
    versions: Mapping[str, int] | None = None,
    date_format: str | None = None,
) -> SaveResult:
    """Register or change works of the actor's organisation and match them at once.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The workspace (migrated: :func:`baseline.workspace.migrations.open_workspace`).
    actor : Actor
        Who saves: role ``owner`` or ``operator``; the works become their organisation's.
    works_in : geopandas.GeoDataFrame or path
        Works in the co-build works format; a ``version`` column (or ``versions``) gives the
        version read of each work changed.
    std : Standard, optional
        The catalogue whose ``cobuild`` section matches and costs (default the bundled one).
    versions : mapping of str to int, optional
        Version read per ``project_id`` (overrides a ``version`` column).
    date_format : str, optional
        ``dmy``, ``mdy`` or a pattern, for a file's ambiguous dates.

    Returns
    -------
    SaveResult

    Raises
    ------
    Forbidden
        A role that may not register works, or a work of another organisation (audited).
    Conflict
        A changed work whose version moved since it was read (nothing saved).
    BaselineError
        The co-build reader's errors, naming the file, the rows and the fix.
    """
    require(engine, actor, "register_work", "work")
    std = std or load_standard()
    prepared = _prepared(_frame_of(works_in, date_format), std)
    try:
        with engine.begin() as con:
            crs = _ensure_crs(con, prepared)
            s = _Save(engine, con, actor, register.srid_of(crs), datetime.now(UTC), [], [], [])
            _save_all(s, prepared, crs, versions or {})
            recs, pk_of = match_pairs(con, s.saved, std, crs)
            counts = _store_pairs(s, _found(recs, pk_of))
    except _RefusedError as refused:
        deny(engine, actor, "edit_work", "work", refused.work_id, refused.why)
    except Conflict as conflict:
        refused_audit(engine, actor, "edit_work", "work", str(conflict))
        raise
    return SaveResult(
        tuple(s.saved_ids), tuple(s.unchanged), counts.created, counts.updated, counts.expired
    )
