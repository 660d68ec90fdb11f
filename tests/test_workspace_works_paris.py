"""End to end on the real Paris street works: saving them into a register, owner by owner in
files of at most 150 works in start-date order (each file matched against the register built so
far), gives exactly the pairs the batch co-build gives on the same works, with the same kinds,
shared lengths and savings."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from baseline.cobuild import find_opportunities
from baseline.workspace.opportunities import opportunities_table
from baseline.workspace.works import PAIR_KINDS, add_works, workspace_crs
from tests.conftest import shared
from tests.works_helpers import actor

CHUNK = 150
FEW = 10  # owners with fewer works are one organisation here (the source spells 157 ways)


@pytest.fixture(scope="module")
def paris():
    from baseline.io.formats import read_layer

    path = shared("paris_chantiers_perturbants", "paris_chantiers_perturbants_train80.geojson")
    gdf = read_layer(path)
    gdf["project_id"] = gdf["identifiant"].astype(str)
    owner = gdf["maitre_ouvrage"].fillna("(unknown)").astype(str)
    counts = owner.value_counts()
    gdf["owner"] = owner.where(owner.map(counts) >= FEW, "other owners")
    return gdf[["project_id", "start_date", "end_date", "owner", "geometry"]]


@pytest.fixture(scope="module")
def batch(paris, std) -> pd.DataFrame:
    """The batch co-build's pairs on all the works at once."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        recs = find_opportunities(paris, std).recs
    recs = recs[recs["kind"].isin(PAIR_KINDS)]
    return recs.set_index("members")[["kind", "shared_length_m", "saving_cny"]].sort_index()


def _saved(paris, store, std) -> pd.DataFrame:
    order = paris.sort_values(["start_date", "project_id"])  # as the works were registered
    for owner, works in order.groupby("owner", sort=False):
        who = actor(store, f"user of {owner}", owner)
        for k in range(0, len(works), CHUNK):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # 2 works without usable dates are skipped
                add_works(store, who, works.iloc[k : k + CHUNK], std=std)
    table = opportunities_table(store, std=std)
    table["members"] = [
        ";".join(sorted(p)) for p in zip(table["work_a"], table["work_b"], strict=True)
    ]
    table = table.rename(columns={"shared_m": "shared_length_m"})
    return table.set_index("members")[["kind", "shared_length_m", "saving_cny"]].sort_index()


def test_paris_saved_owner_by_owner_gives_the_batch_pairs(paris, batch, store, std):
    saved = _saved(paris, store, std)
    assert workspace_crs(store).to_epsg() == 32631  # UTM 31N, as the batch chooses for Paris
    assert len(batch) > 300
    assert set(saved.index) == set(batch.index)
    assert saved["kind"].equals(batch["kind"])
    pd.testing.assert_series_equal(saved["shared_length_m"], batch["shared_length_m"])
    pd.testing.assert_series_equal(saved["saving_cny"], batch["saving_cny"])
