"""Geometry of risk sources: every refusal with its code and field, normalisation, conversion and measures."""

import json
import math

import pytest

from ansheng.core.errors import ValidationFailed
from ansheng.domain.coords import gcj02_to_wgs84, wgs84_to_gcj02
from ansheng.maps import geometry as geo


def refused(value, **kwargs):
    with pytest.raises(ValidationFailed) as caught:
        geo.validate(value, **kwargs)
    return caught.value


def test_a_line_with_one_point_is_refused():
    error = refused({"type": "LineString", "coordinates": [[103.76, 29.55]]})
    assert error.code == "line_too_few_points" and error.field == "geometry"
    assert "两个不同的点" in str(error.message)
    # the same point twice is still one point
    assert refused({"type": "LineString", "coordinates": [[103.76, 29.55], [103.76, 29.55]]}).code == (
        "line_too_few_points"
    )
    assert refused(
        {"type": "MultiLineString", "coordinates": [[[103.7, 29.5], [103.8, 29.6]], [[103.7, 29.5]]]}
    ).code == ("line_too_few_points")


@pytest.mark.parametrize(
    ("coordinates", "hint"),
    [
        ([2.35, 48.85], False),  # Paris
        ([-74.0, 40.7], False),  # New York
        ([29.55, 103.76], True),  # Leshan with longitude and latitude swapped: latitude 103.76 is impossible
        ([150.0, 29.5], False),
    ],
)
def test_coordinates_outside_china_are_refused_and_a_swap_is_suspected(coordinates, hint):
    error = refused({"type": "Point", "coordinates": coordinates})
    assert error.field == "geometry"
    assert error.code in {"outside_china", "coordinates_invalid"}
    assert ("填反" in str(error.message)) is hint
    if not hint:
        assert error.code == "outside_china"
        assert "不在中国境内" in str(error.message)


def test_the_point_that_is_outside_is_named():
    error = refused({"type": "LineString", "coordinates": [[103.7, 29.5], [103.8, 29.6], [160.0, 29.6]]})
    assert error.code == "outside_china"
    assert "第 3 个点" in str(error.message)


def test_a_self_intersecting_area_is_refused_with_where():
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[103.7, 29.5], [103.8, 29.6], [103.8, 29.5], [103.7, 29.6], [103.7, 29.5]]],
    }
    error = refused(bow_tie)
    assert error.code == "self_intersecting" and error.field == "geometry"
    assert "自相交" in str(error.message) and "103.750000" in str(error.message)
    multi = {"type": "MultiPolygon", "coordinates": [bow_tie["coordinates"]]}
    assert refused(multi).code == "self_intersecting"


def test_other_invalid_areas_are_refused_with_the_reason():
    shell = [[103.7, 29.5], [103.8, 29.5], [103.8, 29.6], [103.7, 29.6], [103.7, 29.5]]
    hole_outside = [[104.0, 30.0], [104.1, 30.0], [104.1, 30.1], [104.0, 30.0]]
    error = refused({"type": "Polygon", "coordinates": [shell, hole_outside]})
    assert error.code == "polygon_invalid"


def test_an_area_needs_three_distinct_corners():
    assert refused({"type": "Polygon", "coordinates": [[[103.7, 29.5], [103.8, 29.5], [103.7, 29.5]]]}).code == (
        "polygon_too_few_points"
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "geometry_required"),
        ("", "geometry_required"),
        ({}, "geometry_required"),
        ("{not json", "geometry_malformed"),
        ([1, 2], "geometry_malformed"),
        ({"coordinates": [1, 2]}, "geometry_malformed"),
        ({"type": "GeometryCollection", "geometries": []}, "geometry_type_unsupported"),
        ({"type": "Point"}, "geometry_malformed"),
        ({"type": "Point", "coordinates": [103.7]}, "coordinates_invalid"),
        ({"type": "Point", "coordinates": ["103.7", 29.5]}, "coordinates_invalid"),
        ({"type": "Point", "coordinates": [float("nan"), 29.5]}, "coordinates_invalid"),
        ({"type": "Point", "coordinates": [True, 29.5]}, "coordinates_invalid"),
        ({"type": "Point", "coordinates": [200, 29.5]}, "coordinates_invalid"),
        ({"type": "LineString", "coordinates": "103,29"}, "geometry_malformed"),
        ({"type": "Polygon", "coordinates": []}, "geometry_malformed"),
        ({"type": "MultiLineString", "coordinates": []}, "geometry_malformed"),
        ({"type": "FeatureCollection", "features": []}, "geometry_malformed"),
        ({"type": "Feature", "properties": {}}, "geometry_required"),
    ],
)
def test_malformed_input_is_refused_with_a_code(value, code):
    assert refused(value).code == code


def test_too_many_points_are_refused(monkeypatch):
    monkeypatch.setattr(geo, "MAX_POSITIONS", 3)
    line = {"type": "LineString", "coordinates": [[103.7 + i / 100, 29.5] for i in range(4)]}
    assert refused(line).code == "too_many_points"


def test_an_unknown_crs_is_refused():
    error = refused({"type": "Point", "coordinates": [103.7, 29.5]}, crs="bd09")
    assert error.code == "invalid_crs" and error.field == "crs"


def test_features_and_text_are_unwrapped_and_coordinates_normalised():
    feature = {
        "type": "Feature",
        "properties": {"x": 1},
        "geometry": {"type": "Point", "coordinates": [103.123456789, 29.5, 350]},
    }
    assert geo.validate(feature) == {"type": "Point", "coordinates": [103.1234568, 29.5]}
    collection = {"type": "FeatureCollection", "features": [feature]}
    assert geo.validate(json.dumps(collection))["type"] == "Point"


def test_an_open_ring_is_closed():
    ring = [[103.7, 29.5], [103.8, 29.5], [103.8, 29.6]]
    assert geo.validate({"type": "Polygon", "coordinates": [ring]})["coordinates"][0][-1] == [103.7, 29.5]


def test_gcj02_input_is_stored_as_wgs84():
    gcj = wgs84_to_gcj02(103.7613, 29.5554)
    stored = geo.validate({"type": "Point", "coordinates": list(gcj)}, crs="gcj02")
    assert stored["coordinates"] == pytest.approx([103.7613, 29.5554], abs=1e-6)
    # and back for a GCJ-02 base map
    assert geo.to_crs(stored, "gcj02")["coordinates"] == pytest.approx(list(gcj), abs=1e-6)
    assert geo.to_crs(stored, "wgs84") is stored


def test_pasted_coordinates_become_a_point_a_line_or_an_area():
    assert geo.from_text("103.76,29.55", "point") == {"type": "Point", "coordinates": [103.76, 29.55]}
    line = geo.from_text("103.76,29.55\n103.77 29.56；103.78，29.57", "line")
    assert line == {"type": "LineString", "coordinates": [[103.76, 29.55], [103.77, 29.56], [103.78, 29.57]]}
    area = geo.validate(geo.from_text("103.7,29.5\n103.8,29.5\n103.8,29.6", "area"))
    assert area["type"] == "Polygon" and len(area["coordinates"][0]) == 4
    assert geo.from_text('{"type": "Point", "coordinates": [103.7, 29.5]}', "line")["type"] == "Point"
    assert geo.from_text("[[103.7, 29.5], [103.8, 29.6]]", "line")["type"] == "LineString"


@pytest.mark.parametrize(
    ("text", "shape", "code"),
    [
        ("", "point", "geometry_required"),
        ("103.7;29.5", "point", "coordinates_invalid"),
        ("东经103度", "line", "coordinates_invalid"),
        ("103.7,29.5\n103.8,29.6", "point", "geometry_malformed"),
        ("103.7,29.5", "circle", "invalid_choice"),
        ("[[103.7, 29.5", "line", "geometry_malformed"),
    ],
)
def test_pasted_text_that_is_not_coordinates_is_refused(text, shape, code):
    with pytest.raises(ValidationFailed) as caught:
        geo.from_text(text, shape)
    assert caught.value.code == code


def test_derived_measures():
    # one hundredth of a degree of latitude is about 1.11 km
    line = geo.validate({"type": "LineString", "coordinates": [[103.7, 29.5], [103.7, 29.51]]})
    derived = geo.derive(line)
    assert derived.shape == "line" and derived.length_m == pytest.approx(1111.95, rel=1e-3)
    assert derived.area_m2 is None
    assert (derived.longitude, derived.latitude) == pytest.approx((103.7, 29.505))
    # a 0.01° square at 29.5° is 1.112 km × 0.968 km
    area = geo.validate(
        {"type": "Polygon", "coordinates": [[[103.7, 29.5], [103.71, 29.5], [103.71, 29.51], [103.7, 29.51]]]}
    )
    expected = 1111.95 * 1111.95 * math.cos(math.radians(29.505))
    assert geo.derive(area).area_m2 == pytest.approx(expected, rel=0.005)
    assert geo.derive(area).shape == "area" and geo.derive(area).length_m is None
    multi = geo.validate(
        {"type": "MultiLineString", "coordinates": [[[103.7, 29.5], [103.7, 29.51]], [[103.8, 29.5], [103.8, 29.51]]]}
    )
    assert geo.derive(multi).length_m == pytest.approx(2 * 1111.95, rel=1e-3)
    point = geo.derive(geo.validate({"type": "Point", "coordinates": [103.7, 29.5]}))
    assert (point.shape, point.min_lon, point.max_lat) == ("point", 103.7, 29.5)


def test_round_trip_through_gcj02_is_within_a_centimetre():
    lon, lat = gcj02_to_wgs84(*wgs84_to_gcj02(103.7613, 29.5554))
    assert abs(lon - 103.7613) < 1e-7 and abs(lat - 29.5554) < 1e-7
