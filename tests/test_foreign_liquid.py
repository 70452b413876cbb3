"""No Liquid of the source theme reaches a target: translated, or cut and kept, and reported.

Unit cases for ``common.foreign_liquid``, then the whole corpus migrated to every target and
checked by ``verify``'s static Liquid check (SM606: Jekyll would abort the build)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import corpus_sites, requires_corpus, site_id

from sitemigrate.common.foreign_liquid import LIQUID_KEY, LiquidTarget, make_safe, translate
from sitemigrate.common.liquid_guard import Target
from sitemigrate.pipeline import migrate
from sitemigrate.registry import target_themes
from sitemigrate.verify import verify_site


def _target(includes: frozenset[str] | set[str] = frozenset(),
            tags: frozenset[str] | set[str] = frozenset(),
            data: frozenset[str] | set[str] = frozenset()) -> LiquidTarget:
    target = Target(data=lambda n: n in data, site=lambda n: False,
                    include=lambda n: n in includes, post=lambda n: False,
                    file=lambda p: False)
    return LiquidTarget("thetheme", frozenset(tags), target,
                        lambda keys: "; ".join(f"[{k}](/publications/)" for k in keys))


def test_base_path_becomes_the_assignment_it_makes() -> None:
    out = translate("{% include base_path %}\n<a href=\"{{ base_path }}/cv\">CV</a>", _target())
    assert out.text.startswith("{% assign base_path = site.url | append: site.baseurl %}")
    assert [c.translated for c in out.cuts] == [True]


def test_figure_include_becomes_an_image() -> None:
    out = translate('{% include figure.liquid path="assets/img/a.png" class="x" %}', _target())
    assert out.text == '<img src="{{ site.baseurl }}/assets/img/a.png">'


def test_cite_becomes_links_where_the_target_has_no_cite_tag() -> None:
    out = translate("See {% cite smith2020 doe21 %}.", _target())
    assert out.text == "See [smith2020](/publications/); [doe21](/publications/)."
    kept = translate("See {% cite smith2020 %}.", _target(tags={"cite"}))
    assert kept.text == "See {% cite smith2020 %}." and not kept.cuts


def test_unknown_tags_and_includes_are_removed_with_their_line() -> None:
    text = "a\n{% include paper_list.html %}\nb\n{% twitter x %}\n{% include footer.html %}"
    out = translate(text, _target(includes={"footer.html"}))
    assert out.text == "a\n\nb\n\n{% include footer.html %}"
    assert [(c.line, c.translated) for c in out.cuts] == [(2, False), (4, False)]


def test_block_tags_known_to_the_target_keep_their_end_tag() -> None:
    text = "{% details Why %}because{% enddetails %}"
    assert translate(text, _target(tags={"details"})).text == text
    assert translate(text, _target()).text == "because"  # unknown: both ends go, text stays


def test_raw_and_comment_regions_are_left_alone() -> None:
    text = "{% raw %}{% include x.html %}{% endraw %}{% comment %}{% foo %}{% endcomment %}"
    assert translate(text, _target()).text == text


def test_old_al_folio_html_includes_become_their_liquid_names() -> None:
    out = translate("{% include projects.html %}", _target(includes={"projects.liquid"}))
    assert out.text == "{% include projects.liquid %}"


def test_loops_over_missing_data_are_cut_with_the_guard() -> None:
    text = "{% for p in site.data.people %}{{ p.name }}{% endfor %}\nafter"
    assert translate(text, _target()).text == "\nafter"
    assert translate(text, _target(data={"people"})).text == text


def test_posts_by_category_need_posts() -> None:
    text = '{% assign news = site.categories.news | sort: "date" %}'
    assert translate(text, _target()).text == ""


def test_make_safe_keeps_what_it_removed_and_reports_each_change() -> None:
    meta: dict[str, object] = {}
    messages: list[str] = []
    body = make_safe("\n{% include card.html %}\ntext\n", _target(), meta, messages.append)
    assert body == "\n\ntext\n"  # the line stays, empty
    assert meta[LIQUID_KEY] == ["{% include card.html %}"]
    assert messages == ["body line 2: {% include card.html %} does not exist in thetheme; "
                        "removed"]


@requires_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("site", corpus_sites(), ids=site_id)
def test_no_corpus_migration_carries_liquid_the_target_lacks(site: Path,
                                                             tmp_path: Path) -> None:
    for target in target_themes():
        out = tmp_path / target
        migrate(site, target, out)
        found = [d for d in verify_site(out, target).diagnostics if d.code == "SM606"]
        assert not found, [f"{d.file}:{d.line} {d.message}" for d in found[:5]]
