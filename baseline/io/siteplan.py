"""Site plans: projects (boundaries, centrelines) and their planned fittings.

A site plan may arrive as a single layer with a ``kind`` column, a GeoPackage with one layer
per kind, or a DXF whose CAD layers map to kinds through the catalogue's ``dxf_layers``.
Chinese column names and category labels are mapped through the catalogue's aliases.
:func:`read_siteplan` returns a :class:`SitePlan` whose ``projects`` and ``fittings`` follow
``shared/reference/site-plan-format.md``; fittings without a ``project_id`` are tied to the
project whose boundary holds them, or to the nearest centreline within 50 m.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from baseline.errors import DataWarning, Note, ReadError, SchemaError, Text, data_notes
from baseline.io.buildings import assign_buildings, read_buildings
from baseline.io.crs import metric_crs
from baseline.io.formats import read_layers
from baseline.io.planning import NUMERIC_ATTRIBUTES, with_numbers
from baseline.io.validate import (
    alias_collisions,
    date_problems,
    id_problems,
    number_problems,
    raise_all,
    rows_text,
)
from baseline.io.values import read_ids, read_numbers
from baseline.standard.catalogue import FEATURE_KINDS, Standard

PROJECT_KINDS = ("boundary", "centreline")
FITTING_NUMBERS = (
    "area_m2",
    "width_m",
    "clear_height_m",
    "floor_load_kn_m2",
    "feeder_hole_m2",
    "door_width_m",
    "holes",
    "spare_holes",
    "operators",
    "fibres",
    "fibre_pairs",
    "height_m",
    "slots",
    "underground_floors",
)
DATE_ATTRIBUTES = ("start_date", "end_date")
CENTRELINE_SNAP_M = 50.0
POLYGONS = ("Polygon", "MultiPolygon")
LINES = ("LineString", "MultiLineString")
POINTS = ("Point", "MultiPoint")
GEOMETRY_TYPES = {
    "boundary": POLYGONS,
    "centreline": LINES,
    "duct": LINES,
    "building": POLYGONS,
    "telecom_room": POLYGONS + POINTS,
    "fibre_cabinet": POINTS + POLYGONS,
    "base_station_site": POINTS,
    "indoor_coverage": POLYGONS + POINTS,
    "smart_pole": POINTS,
    "sensor": POINTS,
}


def _geometry_problems(feats: gpd.GeoDataFrame, label: str) -> list[Text]:
    """One line per kind whose features have a geometry type the format does not allow."""
    problems = []
    types = feats.geometry.geom_type
    for kind, allowed in GEOMETRY_TYPES.items():
        bad = (feats["kind"] == kind) & ~types.isin(allowed)
        if bad.any():
            found = ", ".join(sorted(types[bad].dropna().unique()))
            problems.append(
                Text(
                    f"{label}: {int(bad.sum())} '{kind}' feature(s) are {found}; "
                    f"a {kind} must be {' or '.join(allowed)}",
                    f"{label}：{int(bad.sum())} 个“{kind}”要素的几何类型为 {found}；"
                    f"{kind} 须为 {' 或 '.join(allowed)}",
                )
            )
    return problems


@dataclass
class SitePlan:
    """Projects and fittings read from one file, in WGS84.

    Attributes
    ----------
    projects : geopandas.GeoDataFrame
        One row per project with the project attributes; ``kind`` is boundary or centreline.
    fittings : geopandas.GeoDataFrame
        One row per fitting with ``kind`` and ``project_id`` (NA when none could be found).
    source : str
        The file name.
    sha256 : str
        Hash of the file's bytes, for the audit trail.
    notes : list of Note
        What the reader assumed or skipped: English strings, each with its Chinese
        (``note.message("zh")``).
    buildings : geopandas.GeoDataFrame
        One row per building (kind ``building``) with ``project_id``, ``building_id``,
        ``use`` and the building attributes; empty when the plan gives none.
    """

    projects: gpd.GeoDataFrame
    fittings: gpd.GeoDataFrame
    source: str = ""
    sha256: str = ""
    notes: list[Note] = field(default_factory=list)
    buildings: gpd.GeoDataFrame = field(
        default_factory=lambda: gpd.GeoDataFrame(
            {"project_id": [], "building_id": [], "use": []}, geometry=[], crs="EPSG:4326"
        )
    )


def file_sha256(path: str | Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _rename(
    gdf: gpd.GeoDataFrame, aliases: Mapping[str, str], label: str, problems: list[Text]
) -> gpd.GeoDataFrame:
    """Rename columns to the interchange names; two columns for one field are a problem."""
    mapping = {c: aliases[c] for c in gdf.columns if c in aliases and aliases[c] != c}
    clashes = alias_collisions(list(gdf.columns), mapping, where=label)
    problems.extend(clashes)
    if clashes:
        return gdf
    return gdf.rename(columns=mapping)


def _kinds_from_cad(
    gdf: gpd.GeoDataFrame, std: Standard, label: str, notes: list[Text]
) -> gpd.GeoDataFrame:
    table = {k.casefold(): v for k, v in std.dxf_layers.items()}
    kinds = gdf["Layer"].astype(str).str.strip().str.casefold().map(table)
    if kinds.isna().all():
        found = ", ".join(sorted(gdf["Layer"].astype(str).unique())[:20])
        msg = (
            f"{label}: none of the CAD layers ({found}) is recognised; name them as in the "
            "catalogue's dxf_layers (e.g. 用地红线, 通信管道, 通信机房) or add your names there"
        )
        zh = (
            f"{label}：CAD 图层（{found}）都无法识别；请按标准目录 dxf_layers 中的名称命名"
            "（如 用地红线、通信管道、通信机房），或把你的图层名加入其中"
        )
        raise ReadError(msg, zh=zh)
    skipped = sorted(gdf.loc[kinds.isna(), "Layer"].astype(str).unique())
    if skipped:
        listed = ", ".join(skipped)
        en = f"{label}: CAD layers not mapped to a kind and ignored: {listed}"
        notes.append(Text(en, f"{label}：以下 CAD 图层未对应任何类型，已忽略：{listed}"))
    out = gdf[kinds.notna()].copy()
    out["kind"] = kinds[kinds.notna()]
    return out.drop(columns=["Layer"])


def _with_kind(
    name: str, gdf: gpd.GeoDataFrame, std: Standard, label: str, notes: list[Text]
) -> gpd.GeoDataFrame:
    if "kind" in gdf.columns:
        return gdf
    if name in FEATURE_KINDS:
        return gdf.assign(kind=name)
    if "Layer" in gdf.columns:
        return _kinds_from_cad(gdf, std, label, notes)
    if "category" in gdf.columns:
        is_line = gdf.geometry.geom_type.isin(["LineString", "MultiLineString"])
        return gdf.assign(kind=np.where(is_line, "centreline", "boundary"))
    msg = (
        f"{label} (layer '{name}'): cannot tell what the features are; add a column 'kind' "
        f"({', '.join(FEATURE_KINDS)}), name GeoPackage layers after the kinds, or give "
        "projects a 'category' column"
    )
    zh = (
        f"{label}（图层“{name}”）：无法判断要素是什么；请添加“kind”列"
        f"（{', '.join(FEATURE_KINDS)}），或按 kind 命名 GeoPackage 图层，或为项目提供“category”列"
    )
    raise SchemaError(msg, zh=zh)


def _project_problems(
    projects: pd.DataFrame, label: str, date_format: str | None, std: Standard
) -> tuple[list[Text], pd.DataFrame]:
    """Every problem of the project rows, and the rows with their dates read."""
    problems: list[Text] = []
    if "project_id" not in projects:
        problems.append(_no_column(label, "project_id"))
    else:
        problems += id_problems(projects["project_id"], where=label, column="project_id")
    if "category" not in projects:
        problems.append(_no_column(label, "category"))
    for col in NUMERIC_ATTRIBUTES:
        if col in projects:
            problems += number_problems(
                projects[col], std.plausible_values, where=label, column=col
            )
    dates, read = date_problems(projects, *DATE_ATTRIBUTES, where=label, date_format=date_format)
    return problems + dates, read


def _no_column(label: str, column: str) -> Text:
    return Text(
        f"{label}: no '{column}' column on the boundary/centreline features",
        f"{label}：用地红线/道路中心线要素上没有“{column}”列",
    )


def _fitting_problems(fittings: pd.DataFrame, label: str, std: Standard) -> list[Text]:
    problems: list[Text] = []
    where = f"{label} (fittings)"
    for col in FITTING_NUMBERS:
        if col in fittings:
            problems += number_problems(
                fittings[col], std.plausible_values, where=where, column=col
            )
    return problems


def _clean_projects(projects: gpd.GeoDataFrame, std: Standard) -> gpd.GeoDataFrame:
    out = projects.copy()
    out["project_id"] = read_ids(out["project_id"]).astype(object)
    cat = out["category"].astype("string").str.strip()
    out["category"] = cat.map(lambda c: std.category_aliases.get(c, c) if c is not pd.NA else c)
    out = with_numbers(out)
    for col in ("name", "owner", "road_class", *DATE_ATTRIBUTES):
        if col not in out:
            out[col] = pd.NA
    return out.reset_index(drop=True)


def _shared(label: str, kind: str, position: int, ids: list[str]) -> Text:
    rows = rows_text([position])
    return Text(
        f"{label}: the {kind} on {rows.en} of the fittings lies in the boundaries of "
        f"{' and '.join(map(str, ids))}; give it a project_id",
        f"{label}：配套设施{rows.zh}的 {kind} 位于 {'、'.join(map(str, ids))} "
        "多个项目的用地红线内；请为其填写 project_id",
    )


def _refuse_shared(hits: pd.DataFrame, fittings: pd.DataFrame, label: str) -> None:
    """Refuse fittings without a project_id that lie in two or more boundaries."""
    claims = hits.groupby(level=0)["project_id"].agg(lambda ids: sorted(set(ids)))
    shared = claims[claims.map(len) > 1]
    if shared.empty:
        return
    positions = {label_: k for k, label_ in enumerate(fittings.index)}
    problems = [_shared(label, str(fittings.at[i, "kind"]), positions[i], ids)
                for i, ids in shared.items()][:10]  # fmt: skip
    raise_all(problems, "site plan")


def _assign_fittings(
    fittings: gpd.GeoDataFrame, projects: gpd.GeoDataFrame, notes: list[Text], label: str
) -> gpd.GeoDataFrame:
    """Tie fittings without a project_id to a project: inside a boundary, else near a line."""
    out = fittings.copy()
    if "project_id" not in out:
        out["project_id"] = pd.NA
    out["project_id"] = read_ids(out["project_id"])
    for col in FITTING_NUMBERS:
        if col in out:
            out[col] = read_numbers(out[col]).values
    todo = out["project_id"].isna()
    if todo.any() and len(projects):
        crs = metric_crs(projects)
        proj_m = projects[["project_id", "kind", "geometry"]].to_crs(crs)
        fit_m = out.loc[todo, ["geometry"]].to_crs(crs)
        polys = proj_m[proj_m["kind"] == "boundary"]
        hits = gpd.sjoin(fit_m, polys, predicate="intersects", how="inner")
        _refuse_shared(hits, out, label)
        hits = hits.sort_values("project_id").groupby(level=0)["project_id"].first()
        out.loc[hits.index, "project_id"] = hits
        rest = out["project_id"].isna() & todo
        lines = proj_m[proj_m["kind"] == "centreline"]
        if rest.any() and len(lines):
            near = gpd.sjoin_nearest(
                fit_m.loc[rest[rest].index], lines, max_distance=CENTRELINE_SNAP_M, how="inner"
            )
            near = near.sort_values("project_id").groupby(level=0)["project_id"].first()
            out.loc[near.index, "project_id"] = near
        n_spatial = int(todo.sum() - out["project_id"].isna().sum())
        en = f"{label}: {n_spatial} fitting(s) tied to a project by location"
        notes.append(Text(en, f"{label}：{n_spatial} 个配套设施按位置归入项目"))
    left = int(out["project_id"].isna().sum())
    if left:
        en = f"{label}: {left} fitting(s) lie in no project and belong to none"
        notes.append(Text(en, f"{label}：{left} 个配套设施不在任何项目内，不属于任何项目"))
    unknown = ~out["project_id"].isna() & ~out["project_id"].isin(projects["project_id"])
    if unknown.any():
        ids = ", ".join(sorted(out.loc[unknown, "project_id"].astype(str).unique())[:10])
        en = f"{label}: fittings name unknown project_id(s): {ids}"
        notes.append(Text(en, f"{label}：配套设施所填 project_id 不存在：{ids}"))
    return out


def siteplan_from_frames(
    layers: Mapping[str, gpd.GeoDataFrame],
    std: Standard,
    *,
    label: str = "site plan",
    columns: Mapping[str, str] | None = None,
    date_format: str | None = None,
) -> SitePlan:
    """Build a :class:`SitePlan` from already-read WGS84 layers.

    Parameters
    ----------
    layers : mapping of str to geopandas.GeoDataFrame
        Layer name to layer (a single-layer file gives one entry).
    std : Standard
        Supplies CAD layer names, column aliases and category aliases.
    label : str
        The file name, for messages.
    columns : mapping, optional
        User column mapping, e.g. ``{"objectid": "project_id"}``.
    date_format : str, optional
        ``dmy``, ``mdy`` or a strftime pattern for dates such as ``01/03/2027``.

    Raises
    ------
    SchemaError
        Listing every problem: two columns for one field, ids missing or repeated, numbers
        unreadable or implausible, dates unreadable or reversed, a fitting in two projects.
    """
    notes: list[Text] = []
    problems: list[Text] = []
    frames = []
    for name, gdf in layers.items():
        where = label if len(layers) == 1 else f"{label}:{name}"
        g = _rename(gdf, {**std.column_aliases, **(columns or {})}, where, problems)
        frames.append(_with_kind(name, g, std, where, notes))
    raise_all(problems, "site plan")
    feats = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")
    unknown = sorted(set(feats["kind"].dropna().astype(str)) - set(FEATURE_KINDS))
    if unknown or feats["kind"].isna().any():
        msg = (
            f"{label}: unknown kind value(s) {', '.join(unknown) or '(empty)'}; "
            f"kind must be one of {', '.join(FEATURE_KINDS)}"
        )
        zh = (
            f"{label}：kind 值 {', '.join(unknown) or '（空）'} 未知；"
            f"kind 须为以下之一：{', '.join(FEATURE_KINDS)}"
        )
        raise SchemaError(msg, zh=zh)
    raise_all(_geometry_problems(feats, label), "site plan")
    projects = feats[feats["kind"].isin(PROJECT_KINDS)]
    if projects.empty:
        msg = (
            f"{label}: no project found; a site plan needs a site boundary (用地红线) or road "
            "centreline feature carrying project_id and category"
        )
        zh = (
            f"{label}：没有找到项目；方案文件需要带 project_id 和 category 的用地红线"
            "或道路中心线要素"
        )
        raise SchemaError(msg, zh=zh)
    problems, projects = _project_problems(projects, label, date_format, std)
    problems += _fitting_problems(feats[~feats["kind"].isin(PROJECT_KINDS)], label, std)
    raise_all(problems, "site plan")
    projects = _clean_projects(projects, std)
    buildings, problems = read_buildings(feats[feats["kind"] == "building"], projects, std)
    rest = feats[~feats["kind"].isin((*PROJECT_KINDS, "building"))]
    fittings = _assign_fittings(rest, projects, notes, label)
    fittings, unknown = assign_buildings(fittings, buildings)
    problems += unknown
    if problems:
        msg = f"{label}: the buildings have problems:\n  - " + "\n  - ".join(p.en for p in problems)
        zh = f"{label}：建筑有以下问题：\n  - " + "\n  - ".join(p.zh for p in problems)
        raise SchemaError(msg, zh=zh)
    for note in notes:
        warnings.warn(DataWarning.of(note), stacklevel=2)
    plan = SitePlan(projects, fittings.reset_index(drop=True), label, "", list(map(Note.of, notes)))
    plan.buildings = buildings
    return plan


def read_siteplan(
    path: str | Path,
    std: Standard,
    *,
    crs: str | None = None,
    columns: Mapping[str, str] | None = None,
    on_invalid: str | None = None,
    encoding: str | None = None,
    date_format: str | None = None,
) -> SitePlan:
    """Read a site plan file (any supported format) into projects and fittings.

    Parameters
    ----------
    path : str or pathlib.Path
        GeoPackage (a layer per kind, or one layer with ``kind``), GeoJSON, Shapefile (zip),
        DXF, KML, GeoParquet, CSV/XLSX.
    std : Standard
        The loaded catalogue.
    crs : str, optional
        Declared CRS (``wgs84``, ``gcj02``, ``bd09``, ``EPSG:NNNN``).
    columns : mapping, optional
        Extra column renames, e.g. ``{"objectid": "project_id"}``.
    on_invalid : {"raise", "warn", "fix"}, optional
        Invalid-geometry policy.
    encoding : str, optional
        Text encoding (detected when omitted).
    date_format : str, optional
        ``dmy``, ``mdy`` or a strftime pattern for dates such as ``01/03/2027``.

    Returns
    -------
    SitePlan

    Raises
    ------
    ReadError, CRSError, SchemaError, GeometryError
        With a message naming the file, every problem and the fix.
    """
    path = Path(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        layers = read_layers(path, crs=crs, on_invalid=on_invalid, encoding=encoding)
        plan = siteplan_from_frames(
            layers, std, label=path.name, columns=columns, date_format=date_format
        )
    plan.notes = data_notes(caught)
    plan.source = path.name
    plan.sha256 = file_sha256(path)
    return plan
