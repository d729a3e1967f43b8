"""Invariants of the tables: units tile each document; every offset slices its text."""

import pytest

from analysis.reading.spans import Unit, uncovered

REGIONS = ["yancheng", "tibet", "qinghai", "shaoxing", "wuhu"]


def test_task_counts_per_region(t):
    tasks = t["units"][t["units"].kind == "task"].groupby("region").size().to_dict()
    assert tasks == {"yancheng": 103, "tibet": 31, "qinghai": 24, "shaoxing": 103, "wuhu": 18}


@pytest.mark.parametrize("region", REGIONS)
def test_units_tile_the_document(t, raw_text, region):
    units = t["units"][t["units"].region == region]
    spans = [Unit(r.unit_id, r.kind, "", "", r.char_start, r.char_end) for r in units.itertuples()]
    assert uncovered(raw_text[region], spans) == []
    ordered = units.sort_values("char_start")
    assert (ordered.char_start.iloc[1:].values >= ordered.char_end.iloc[:-1].values).all(), "units overlap"


@pytest.mark.parametrize("table,column", [("units", "text"), ("task_agencies", "raw"), ("targets", "span"),
                                          ("deadlines", "raw"), ("repairs", "raw")])
def test_every_offset_slices_its_text(t, raw_text, table, column):
    df = t[table]
    assert len(df) > 0
    for r in df.itertuples():
        assert raw_text[r.region][r.char_start:r.char_end] == getattr(r, column)


def test_every_task_has_an_agency(t):
    tasks = set(t["units"][t["units"].kind == "task"].unit_id)
    assert tasks - set(t["task_agencies"].unit_id) == set()


def test_target_and_deadline_units_exist(t):
    units = set(t["units"].unit_id)
    assert set(t["targets"].unit_id) <= units and set(t["deadlines"].unit_id) <= units


def test_codes_come_from_the_taxonomy(t):
    levels = {"national", "provincial", "prefecture", "county", "all_levels", "unspecified"}
    assert set(t["task_agencies"].level) <= levels
    assert set(t["task_agencies"].role) <= {"lead", "support", "joint"}
    assert set(t["targets"].comparator) <= {"eq", "ge", "le", "approx", "range", "increase_by"}
