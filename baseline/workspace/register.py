"""The works register's spatial side: its index, and the works near a work, in the database.

SQLite keeps the bounding box of every work (in the workspace's metric CRS) in the R*Tree
``works_rtree``; PostGIS keeps ``works.geom`` (the same geometry, with the workspace's SRID) under
the GiST index ``works_geom_gist``. Both are written here whenever a work is inserted or
changed, and :func:`near` asks the index for the works that may match a work:

- SQLite: the works whose boxes meet the work's box grown by ``margin`` metres;
- PostGIS: ``ST_DWithin(geom, work, margin)``, answered on the GiST index.

Both also keep only the works whose dates come within ``pad_days`` of the work's. The
candidates are a superset of the matches; the co-build pair logic then decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import pyproj
import shapely
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from baseline.workspace.schema import meta, works

__all__ = [
    "DEFAULT_METRIC_CRS",
    "MAX_WIDTH_KEY",
    "METRIC_CRS_KEY",
    "near",
    "note_width",
    "read_crs",
    "sync",
    "widest",
    "write_crs",
]

METRIC_CRS_KEY = "metric_crs"
"""The ``workspace_meta`` key holding the workspace's metric CRS (``EPSG:NNNN``)."""
MAX_WIDTH_KEY = "max_width_m"
"""The ``workspace_meta`` key holding the widest ``width_m`` a work was saved with (metres)."""
DEFAULT_METRIC_CRS = "EPSG:32651"
"""UTM 51N, Pudong's metric CRS: the workspace's CRS while no works file has set one."""

rtree = sa.Table(
    "works_rtree",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("minx", sa.Float),
    sa.Column("maxx", sa.Float),
    sa.Column("miny", sa.Float),
    sa.Column("maxy", sa.Float),
)
"""SQLite's R*Tree of works boxes (created by the migrations; described here to query it)."""


def read_crs(con: Connection) -> pyproj.CRS | None:
    """The workspace's metric CRS as stored in ``workspace_meta``, or None when not yet set."""
    value = con.execute(sa.select(meta.c.value).where(meta.c.key == METRIC_CRS_KEY)).scalar()
    return None if value is None else pyproj.CRS.from_user_input(value)


def write_crs(con: Connection, crs: pyproj.CRS) -> str:
    """Store ``crs`` as the workspace's metric CRS; return its ``EPSG:NNNN`` text."""
    code = crs.to_epsg()
    text = f"EPSG:{code}" if code else crs.to_wkt()
    con.execute(meta.insert().values(key=METRIC_CRS_KEY, value=text))
    return text


def srid_of(crs: pyproj.CRS) -> int:
    """The SRID PostGIS stores with the workspace's geometries (0 when the CRS has no code)."""
    return int(crs.to_epsg() or 0)


def sync(con: Connection, work_pk: int, geom: shapely.Geometry, srid: int) -> None:
    """Write a work's geometry into the store's spatial index (insert or replace).

    Parameters
    ----------
    con : sqlalchemy.engine.Connection
        In the transaction that saves the work.
    work_pk : int
        ``works.id``.
    geom : shapely.Geometry
        The work in the workspace's metric CRS (as ``works.geom_wkb``).
    srid : int
        The workspace CRS's EPSG code (PostGIS only).
    """
    if con.dialect.name == "sqlite":
        minx, miny, maxx, maxy = shapely.bounds(geom).tolist()
        con.execute(rtree.delete().where(rtree.c.id == work_pk))
        con.execute(rtree.insert().values(id=work_pk, minx=minx, maxx=maxx, miny=miny, maxy=maxy))
        return
    con.execute(
        sa.text(
            "UPDATE works SET geom = ST_SetSRID(ST_GeomFromWKB(geom_wkb), :srid) WHERE id = :id"
        ),
        {"srid": srid, "id": work_pk},
    )


def _in_time(start: date, end: date, pad_days: int) -> list[sa.ColumnElement[bool]]:
    pad = timedelta(days=pad_days)
    return [works.c.start_date <= end + pad, works.c.end_date >= start - pad]


def near(
    con: Connection,
    geom: shapely.Geometry,
    period: tuple[date, date],
    margin: float,
    pad_days: int,
    srid: int,
) -> list[int]:
    """``works.id`` of the registered works within ``margin`` metres and ``pad_days`` of a work.

    Parameters
    ----------
    con : sqlalchemy.engine.Connection
    geom : shapely.Geometry
        The work, in the workspace's metric CRS.
    period : (date, date)
        Its start and end dates.
    margin : float
        Metres: the largest buffer plus the widest zones (see :mod:`baseline.workspace.works`).
    pad_days : int
        Days: the time tolerance plus the largest owners' time buffers.
    srid : int
        The workspace CRS's EPSG code (PostGIS only).

    Returns
    -------
    list of int
        Candidates, the work itself included when it is registered.
    """
    when = _in_time(*period, pad_days)
    if con.dialect.name == "sqlite":
        minx, miny, maxx, maxy = shapely.bounds(geom).tolist()
        query = (
            sa.select(rtree.c.id)
            .join(works, works.c.id == rtree.c.id)
            .where(
                rtree.c.minx <= maxx + margin,
                rtree.c.maxx >= minx - margin,
                rtree.c.miny <= maxy + margin,
                rtree.c.maxy >= miny - margin,
                *when,
            )
        )
    else:
        wkb = sa.bindparam("wkb", shapely.to_wkb(geom), type_=sa.LargeBinary)
        other = sa.func.ST_SetSRID(sa.func.ST_GeomFromWKB(wkb), srid)
        query = sa.select(works.c.id).where(
            sa.func.ST_DWithin(sa.literal_column("works.geom"), other, margin), *when
        )
    return [int(i) for i in con.execute(query).scalars()]


def widest(con: Connection, widths: Iterable[float]) -> float:
    """The widest works zone in the register (``workspace_meta.max_width_m``) or the catalogue."""
    stored = con.execute(sa.select(meta.c.value).where(meta.c.key == MAX_WIDTH_KEY)).scalar()
    return max([float(stored or 0.0), *widths, 0.0])


def note_width(con: Connection, width_m: float | None) -> None:
    """Keep ``workspace_meta.max_width_m`` at least ``width_m`` (a work's own zone width)."""
    if width_m is None or width_m <= widest(con, ()):
        return
    con.execute(meta.delete().where(meta.c.key == MAX_WIDTH_KEY))
    con.execute(meta.insert().values(key=MAX_WIDTH_KEY, value=repr(float(width_m))))
