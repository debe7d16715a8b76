"""The shipped classroom samples: present, unchanged, loadable, equal to a fresh build."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from crmlearn import CRMDataError
from crmlearn.datasets import CLASSROOM, SCENARIOS, data_dictionary, data_dir, generate, load
from crmlearn.datasets._shipped import verify_manifest, write_world
from crmlearn.schema import TABLES, TRUTH_TABLES


def test_manifest_matches_every_shipped_file():
    assert verify_manifest() == []


def test_manifest_detects_a_changed_file(tmp_path):
    import shutil

    copy = tmp_path / "datasets"
    shutil.copytree(data_dir(), copy)
    target = copy / "retail" / "transactions.csv"
    target.write_bytes(target.read_bytes().replace(b"purchase", b"Purchase", 1))
    (copy / "retail" / "extra.csv").write_text("x\n")
    assert verify_manifest(copy) == ["changed: retail/transactions.csv", "not in manifest: retail/extra.csv"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_load_equals_generate_with_the_recorded_seed(scenario):
    world = load(scenario)
    fresh = generate(scenario, **CLASSROOM[scenario], progress=False)
    for name in TABLES:
        pd.testing.assert_frame_equal(world.tables[name], fresh.tables[name], check_dtype=True, obj=name)
    pd.testing.assert_frame_equal(world.truth.customers, fresh.truth.customers)
    pd.testing.assert_frame_equal(world.truth.record_links, fresh.truth.record_links)
    assert world.truth.params == json.loads(json.dumps(fresh.truth.params))
    assert world.firm == fresh.firm


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_same_seed_same_bytes(scenario, tmp_path):
    kwargs = dict(n_customers=200, seed=5, progress=False)
    a = write_world(generate(scenario, **kwargs), tmp_path / "a")
    b = write_world(generate(scenario, **kwargs), tmp_path / "b")
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    c = write_world(generate(scenario, n_customers=200, seed=6, progress=False), tmp_path / "c")
    assert any(pa.read_bytes() != pc.read_bytes() for pa, pc in zip(a, c, strict=True))


def test_loaded_tables_follow_the_schema():
    world = load("retail")
    for name, spec in TABLES.items():
        assert list(world.tables[name].columns) == spec.names
    assert list(world.truth.customers.columns) == TRUTH_TABLES["truth_customers"].names


def test_data_dictionary_covers_every_column_and_is_shipped():
    dd = data_dictionary()
    for spec in list(TABLES.values()) + list(TRUTH_TABLES.values()):
        assert set(dd.loc[dd.table == spec.name, "column"]) == set(spec.names)
    assert (dd["meaning"].str.len() > 10).all()
    shipped = pd.read_csv(data_dir() / "data_dictionary.csv")
    pd.testing.assert_frame_equal(shipped, dd)


def test_shipped_size_is_classroom_sized():
    total = sum(p.stat().st_size for p in data_dir().rglob("*") if p.is_file())
    assert total < 15e6


def test_load_unknown_scenario():
    with pytest.raises(CRMDataError, match="scenario must be one of 'retail', 'subscription', 'b2b', got 'bank'"):
        load("bank")
