"""folium's string templates are compiled once, and render as before."""

from __future__ import annotations

import re

import folium
import jinja2
import pytest
from folium.template import Template as FoliumTemplate

from ui import templates


def test_a_template_made_again_is_not_compiled_again_and_renders_the_same():
    templates.remember_compiled()
    templates.remember_compiled()  # idempotent: one layer of remembering
    source = "<b>{{ who }} {{ n * 2 }}</b> {{ this | tojavascript }}"
    before = jinja2.Environment.compile.cache_info()
    first = FoliumTemplate(source)
    second = FoliumTemplate(source)
    after = jinja2.Environment.compile.cache_info()
    assert after.misses - before.misses == 1
    assert after.hits - before.hits == 1
    assert first.render(who="Wind Street", n=4, this=[1]) == second.render(
        who="Wind Street", n=4, this=[1]
    )
    assert "Wind Street 8" in second.render(who="Wind Street", n=4, this=[1])
    # Text already rendered (a fresh id each time) is not kept.
    kept = jinja2.Environment.compile.cache_info().currsize
    assert FoliumTemplate("var geo_json_1a2b = L.geoJson(null);").render() == (
        "var geo_json_1a2b = L.geoJson(null);"
    )
    assert jinja2.Environment.compile.cache_info().currsize == kept
    # A plain jinja environment keeps its own filters: no folium filter leaks in.
    plain = jinja2.Environment()
    assert plain.from_string("{{ 3 + 4 }}").render() == "7"


def _panel_map_html() -> str:
    """A small map with a layer, tooltip, control and legend, ids made neutral."""
    fmap = folium.Map(location=(51.62, -3.94), zoom_start=13, tiles=None)
    folium.GeoJson(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"tip": "Sgwâr y Castell\nCastle Square"},
                    "geometry": {"type": "Point", "coordinates": [-3.94, 51.62]},
                }
            ],
        },
        name="Hotspots",
        tooltip=folium.GeoJsonTooltip(fields=["tip"]),
    ).add_to(fmap)
    folium.LayerControl().add_to(fmap)
    fmap.get_root().html.add_child(folium.Element("<div>Legend\r\n</div>\n"))
    return re.sub(r"_[0-9a-f]{32}", "_ID", fmap.get_root().render())


def test_a_second_map_compiles_nothing_new():
    templates.remember_compiled()
    html = _panel_map_html()
    before = jinja2.Environment.compile.cache_info()
    again = _panel_map_html()
    after = jinja2.Environment.compile.cache_info()
    assert after.misses == before.misses
    assert after.hits > before.hits
    assert "Castle Square" in again
    assert again == html


@pytest.mark.parametrize(
    "settings",
    [{}, {"keep_trailing_newline": True}, {"newline_sequence": "\r\n"}],
)
def test_text_without_syntax_gets_the_tree_jinjas_parser_makes(settings):
    env = jinja2.Environment(**settings)
    for text in (
        "",
        "\n",
        "var geo_json_1a2b = L.geoJson(null);",
        "line one\r\nline two\rthree\n",
        'Ysgol Gyfun Gŵyr {"a": [1, 2]} } %} #}\n\n',
    ):
        assert templates._plain(env, text) == env.parse(text), repr(text)


def test_a_map_renders_the_same_as_with_jinjas_own_compiling(monkeypatch):
    templates.remember_compiled()
    ours = _panel_map_html()
    monkeypatch.setattr(
        jinja2.Environment, "compile", jinja2.Environment.compile.__wrapped__
    )
    assert _panel_map_html() == ours
    assert "Castle Square" in ours
