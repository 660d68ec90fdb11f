"""Sites registered by operators and the tower company, and whether each is open to all.

A new base-station or tower site is registered by its operator with ``site_id``, a point, and
``open_to_all`` (共享: the site takes every operator's equipment). The assessment counts the
share of new sites open to all operators per organisation, category and month
(:mod:`baseline.workspace.kpi`), so a file that does not say it for every site is refused: an
unknown answer is never counted as "not open".
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from baseline.errors import BaselineError
from baseline.io.formats import read_layer
from baseline.workspace.access import Act, acting
from baseline.workspace.actor import Actor
from baseline.workspace.schema import projects, sites

__all__ = ["OPEN_WORDS", "add_sites", "read_sites"]

OPEN_WORDS = {
    True: ("true", "yes", "y", "1", "是", "共享", "open"),
    False: ("false", "no", "n", "0", "否", "独享", "closed"),
}
"""The words ``open_to_all`` may hold (any case), in both languages."""


def _open_value(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = "" if pd.isna(value) else str(value).strip().lower()
    for answer, words in OPEN_WORDS.items():
        if text in words:
            return answer
    return None


def _refuse(name: str, problem: str, zh: str) -> BaselineError:
    return BaselineError(f"{name}: {problem}", zh=f"{name}：{zh}")


def _checked(layer: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """The layer with its columns checked and ``open_to_all`` as booleans."""
    for column in ("site_id", "open_to_all"):
        if column not in layer:
            fix = "add it (true/false, 是/否) for every site"
            raise _refuse(
                name,
                f"no column {column!r}; {fix}",
                f"没有 {column!r} 列；请为每个站址填写（true/false，是/否）",
            )
    if not (layer.geometry.geom_type == "Point").all():
        raise _refuse(
            name,
            "sites must be points; give each site's location as a point",
            "站址须为点；请以点给出每个站址的位置",
        )
    ids = layer["site_id"].astype(str).str.strip()
    if (ids == "").any() or layer["site_id"].isna().any() or ids.duplicated().any():
        raise _refuse(
            name,
            "every site needs its own site_id; fill the empty or repeated ones",
            "每个站址都需要唯一的 site_id；请填写空缺或重复的编号",
        )
    answers = layer["open_to_all"].map(_open_value)
    unknown = ids[answers.isna()].tolist()
    if unknown:
        shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        problem = f"open_to_all is empty or not a yes/no for site(s) {shown}"
        raise _refuse(
            name,
            f"{problem}; say true or false (是/否) for each",
            f"站址 {shown} 的 open_to_all 为空或不是是/否；请为每个站址填写 true 或 false（是/否）",
        )
    return layer.assign(site_id=ids, open_to_all=answers.astype(bool))


def read_sites(path: str | Path) -> gpd.GeoDataFrame:
    """Read a sites file (any format the readers take) into WGS84, its columns checked."""
    return _checked(read_layer(path), Path(path).name)


def _text(value: Any) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()


def _project_pk(con: Connection, project_id: Any) -> int | None:
    if project_id is None or pd.isna(project_id) or str(project_id).strip() == "":
        return None
    pk = con.execute(
        sa.select(projects.c.id).where(projects.c.project_id == str(project_id).strip())
    ).scalar()
    if pk is None:
        msg = f"site names project {project_id!r}, which is not in the workspace; check the id"
        zh = f"站址所属的项目 {project_id!r} 不在工作区中；请核对编号"
        raise BaselineError(msg, zh=zh)
    return int(pk)


def _save(act: Act, row: Any) -> bool:
    """Insert or change one site of the actor's organisation; True when it was new."""
    con = act.con
    found = con.execute(sa.select(sites).where(sites.c.site_id == row.site_id)).first()
    values = {
        "kind": _text(getattr(row, "kind", None)),  # a site without a kind: "", never "nan"
        "open_to_all": bool(row.open_to_all),
        "project_pk": _project_pk(con, getattr(row, "project_id", None)),
        "lon": float(row.geometry.x),
        "lat": float(row.geometry.y),
    }
    if found is None:
        con.execute(
            sites.insert().values(
                site_id=row.site_id,
                org_id=act.actor.org_id,
                user_id=act.actor.user_id,
                created_at=datetime.now(UTC),
                **values,
            )
        )
        return True
    act.need_party({int(found.org_id)})
    con.execute(
        sites.update().where(sites.c.id == found.id).values(version=found.version + 1, **values)
    )
    return False


def add_sites(
    engine: Engine, actor: Actor, layer: str | Path | gpd.GeoDataFrame
) -> tuple[int, int]:
    """Register or change the actor's organisation's sites, all in one transaction.

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The workspace database.
    actor : Actor
        An operator (operators and the tower company register sites).
    layer : path or GeoDataFrame
        Points with ``site_id`` and ``open_to_all``, optionally ``kind`` and ``project_id``
        (a workspace project the site serves).

    Returns
    -------
    (int, int)
        Sites added and sites changed.

    Raises
    ------
    Forbidden
        A role that may not register sites, or a site of another organisation (audited;
        nothing saved).
    BaselineError
        A file without the columns, a site without a yes/no, an unknown project.
    """
    frame = layer if isinstance(layer, gpd.GeoDataFrame) else read_sites(layer)
    if isinstance(layer, gpd.GeoDataFrame):
        frame = _checked(layer.to_crs(4326), "sites")
    with acting(engine, actor, "register_site", "site") as act:
        new = sum(_save(act, row) for row in frame.itertuples(index=False))
        act.detail = f"{new} site(s) added, {len(frame) - new} changed"
        return new, len(frame) - new
