"""Works saved into the workspace are matched against the register at once, as the batch does."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from baseline.cobuild import find_opportunities
from baseline.errors import Conflict, CRSError, Forbidden
from baseline.workspace.audit import trail
from baseline.workspace.schema import opportunities, works
from baseline.workspace.works import add_works, workspace_crs
from tests.works_helpers import actor, frame, trench


def _opps(engine) -> pd.DataFrame:
    with engine.connect() as con:
        rows = con.execute(sa.select(opportunities).order_by(opportunities.c.id)).all()
    return pd.DataFrame([r._asdict() for r in rows])


def test_two_trenches_on_one_street_make_the_batch_opportunity(store, std):
    a = trench("T-A", 0.0, "2027-03-01", "2027-05-31")
    b = trench("T-B", 5.0, "2027-04-01", "2027-06-30", utility="power")
    telecom = actor(store, "ann", "Pudong Telecom")
    power = actor(store, "bob", "Pudong Power")
    first = add_works(store, telecom, frame(a), std=std)
    assert first.saved == ("T-A",) and first.created == 0
    second = add_works(store, power, frame(b), std=std)
    assert second.created == 1
    opp = _opps(store).iloc[0]
    batch = find_opportunities(
        frame({**a, "owner": "Pudong Telecom"}, {**b, "owner": "Pudong Power"}), std
    ).recs.iloc[0]
    assert (opp["kind"], opp["state"]) == ("shared_trench", "identified")
    assert opp["kind"] == batch["kind"]
    assert opp["shared_m"] == pytest.approx(batch["shared_length_m"]) == pytest.approx(300.0)
    assert opp["saving_cny"] == pytest.approx(batch["saving_cny"]) == 300 * 1200
    assert opp["distance_m"] == pytest.approx(batch["distance_m"])
    assert str(opp["window_start"]) == "2027-04-01" and str(opp["window_end"]) == "2027-05-31"
    assert opp["work_a"] < opp["work_b"]
    assert workspace_crs(store).to_epsg() == 32651


def test_an_edit_that_no_longer_matches_expires_the_pair_and_a_return_revives_it(store, std):
    telecom = actor(store, "ann", "Pudong Telecom")
    power = actor(store, "bob", "Pudong Power")
    add_works(store, telecom, frame(trench("T-A", 0.0, "2027-03-01", "2027-05-31")), std=std)
    add_works(store, power, frame(trench("T-B", 5.0, "2027-04-01", "2027-06-30")), std=std)
    moved = {**trench("T-B", 5.0, "2027-09-01", "2027-10-31"), "version": 1}
    result = add_works(store, power, frame(moved), std=std)
    assert (result.created, result.updated, result.expired) == (0, 0, 1)
    assert _opps(store)["state"].tolist() == ["expired"]
    back = {**trench("T-B", 5.0, "2027-04-01", "2027-06-30"), "version": 2}
    result = add_works(store, power, frame(back), std=std)
    assert (result.created, result.updated, result.expired) == (0, 1, 0)
    assert _opps(store)["state"].tolist() == ["identified"]


def test_an_unchanged_work_is_left_alone_and_a_stale_version_is_a_conflict(store, std):
    telecom = actor(store, "ann", "Pudong Telecom")
    a = trench("T-A", 0.0, "2027-03-01", "2027-05-31")
    add_works(store, telecom, frame(a), std=std)
    again = add_works(store, telecom, frame(a), std=std)
    assert again.saved == () and again.unchanged == ("T-A",)
    longer = trench("T-A", 0.0, "2027-03-01", "2027-07-31")
    with pytest.raises(Conflict, match=r"T-A.*version 1.*no version"):
        add_works(store, telecom, frame(longer), std=std)
    add_works(store, telecom, frame({**longer, "version": 1}), std=std)
    with pytest.raises(Conflict, match="version 2 but the save gives version 1"):
        add_works(store, telecom, frame({**a, "version": 1}), std=std)
    with store.connect() as con:
        row = con.execute(sa.select(works.c.version, works.c.end_date)).one()
    assert (row.version, str(row.end_date)) == (2, "2027-07-31")


def test_another_organisations_work_and_a_planner_are_refused_and_audited(store, std):
    telecom = actor(store, "ann", "Pudong Telecom")
    power = actor(store, "bob", "Pudong Power")
    planner = actor(store, "pat", "Planning Bureau", kind="bureau", role="planner")
    a = trench("T-A", 0.0, "2027-03-01", "2027-05-31")
    add_works(store, telecom, frame(a), std=std)
    with pytest.raises(Forbidden, match="T-A belongs to another organisation"):
        add_works(store, power, frame({**a, "version": 1, "utility": "power"}), std=std)
    with pytest.raises(Forbidden, match="role planner may not register works"):
        add_works(store, planner, frame(trench("P-1", 0.0, "2027-03-01", "2027-05-31")), std=std)
    refused = trail(store, outcome="refused")
    assert refused["user_name"].tolist() == ["bob", "pat"]
    with store.connect() as con:
        assert con.execute(sa.select(works.c.utility)).scalars().all() == ["telecom"]


@pytest.mark.parametrize("wide_first", [True, False])
def test_a_wide_works_zone_is_found_by_the_index_in_either_order(store, std, wide_first):
    """A 60 m wide zone reaches a trench 75 m away (75 - 30 - 1 = 44 m <= 50 m): beyond the
    catalogue's widest zone, so the index must grow its search by the widest saved width."""
    wide = {**trench("W-1", 0.0, "2027-03-01", "2027-05-31", utility="road"), "width_m": 60.0}
    narrow = trench("T-1", 75.0, "2027-03-01", "2027-05-31")
    batch = find_opportunities(frame(wide, narrow), std).recs
    assert batch["members"].tolist() == ["T-1;W-1"]
    owner = actor(store, "ann", "Pudong Roads")
    for row in (wide, narrow) if wide_first else (narrow, wide):
        add_works(store, owner, frame(row), std=std)
    opp = _opps(store)
    assert opp["kind"].tolist() == batch["kind"].tolist()
    assert opp["distance_m"].tolist() == pytest.approx(batch["distance_m"].tolist())


def test_works_without_a_crs_are_refused_with_the_fix(store, std):
    owner = actor(store, "ann", "Pudong Telecom")
    bare = frame(trench("T-A", 0.0, "2027-03-01", "2027-05-31")).set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match=r"no CRS.*set_crs"):
        add_works(store, owner, bare, std=std)
    with store.connect() as con:
        assert con.execute(sa.select(sa.func.count()).select_from(works)).scalar() == 0


def test_moving_a_work_moves_it_in_the_spatial_index(store, std):
    telecom = actor(store, "ann", "Pudong Telecom")
    power = actor(store, "bob", "Pudong Power")
    add_works(store, telecom, frame(trench("T-A", 0.0, "2027-03-01", "2027-05-31")), std=std)
    add_works(store, power, frame(trench("T-B", 5.0, "2027-04-01", "2027-06-30")), std=std)
    away = {**trench("T-B", 5.0, "2027-04-01", "2027-06-30", x_shift=2_000), "version": 1}
    assert add_works(store, power, frame(away), std=std).expired == 1
    there = trench("T-C", 0.0, "2027-04-01", "2027-06-30", x_shift=2_000)
    assert add_works(store, telecom, frame(there), std=std).created == 1
    table = _opps(store)
    assert table["state"].tolist() == ["expired", "identified"]
    with store.connect() as con:
        ids = dict(con.execute(sa.select(works.c.work_id, works.c.id)).all())
        if store.dialect.name == "sqlite":
            boxes = con.exec_driver_sql("SELECT id, minx FROM works_rtree ORDER BY id").all()
            assert [(i, round(x)) for i, x in boxes] == [
                (ids["T-A"], 360_000),
                (ids["T-B"], 362_000),
                (ids["T-C"], 362_000),
            ]
        else:
            srids = con.exec_driver_sql("SELECT DISTINCT ST_SRID(geom) FROM works").scalars()
            assert srids.all() == [32651]
    assert (table["work_a"].iloc[1], table["work_b"].iloc[1]) == (ids["T-B"], ids["T-C"])
