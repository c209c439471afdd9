"""folium's string templates are compiled once, and render as before."""

from __future__ import annotations

import folium
import jinja2
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


def test_a_second_map_compiles_nothing_new():
    templates.remember_compiled()

    def build() -> str:
        fmap = folium.Map(location=(51.62, -3.94), zoom_start=13, tiles=None)
        folium.GeoJson(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"tip": "Sketty"},
                        "geometry": {"type": "Point", "coordinates": [-3.98, 51.61]},
                    }
                ],
            },
            tooltip=folium.GeoJsonTooltip(fields=["tip"]),
        ).add_to(fmap)
        folium.LayerControl().add_to(fmap)
        return fmap.get_root().render()

    html = build()
    before = jinja2.Environment.compile.cache_info()
    again = build()
    after = jinja2.Environment.compile.cache_info()
    assert after.misses == before.misses
    assert after.hits > before.hits
    assert "Sketty" in again
    assert len(again) == len(html)
