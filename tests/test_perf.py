"""The fast paths added for speed agree with the slow ones they replace."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import corpus_sites, requires_corpus, sample_sources
from hypothesis import given, settings
from hypothesis import strategies as st

from sitemigrate.cli import cli
from sitemigrate.cli.export import json_chunks
from sitemigrate.diagnostics import Diagnostics
from sitemigrate.parsing import bibtex
from sitemigrate.parsing.bibtex import (
    bibtex_key,
    entry_as_parsed,
    entry_type_of,
    format_entry,
    parse_bibtex,
    publication_fields,
)
from sitemigrate.parsing.front_matter import render_front_matter, split_front_matter
from sitemigrate.parsing.yamldump import dump_yaml
from sitemigrate.parsing.yamlio import YamlError, load_yaml
from sitemigrate.pipeline import read_site
from sitemigrate.transforms import latex

_MATHISH = st.lists(
    st.sampled_from(list("aBc \\{}\"'`^~=.uvij$&%#_-\n") + [
        "\\i", "{\\\"u}", "$x$", "\\alpha", "$g_{ij}$", "\\$", "\\\\", "$$", "$a&b$",
        "$50%$", "\\emph{", "\\mathrm", "\\frac", "\\v", "\\sqrt", "\\,", "$\\frac{a}{b}$",
        "\\textbackslash{}", "\\textbraceleft{}", "\\textbraceright{}", "\\textasciitilde{}",
        "{}", "-{}-", "\n\n", "\\\"\\i", "\\c{c}"]),
    max_size=30).map("".join)


@settings(max_examples=800)
@given(_MATHISH)
def test_fast_path_with_math_and_escapes_agrees_with_pylatexenc(text: str) -> None:
    fast = latex._decode_fast(text)
    if fast is not None:
        slow = latex._decode_with_pylatexenc(text)
        assert latex._tidy(fast, True) == latex._tidy(slow, True)
        assert latex._tidy(fast, False) == latex._tidy(slow, False)


def test_what_unicode_to_latex_writes_takes_the_fast_path() -> None:
    text = 'Schr{\\"o}dinger, na{\\"\\i}ve, a--b, 50% & $x$ ~'
    written = latex.unicode_to_latex(text)
    assert latex._decode_fast(written) is not None
    assert latex.latex_to_unicode(written) == text


def test_math_spans_take_the_fast_path() -> None:
    text = (r"The Schr{\"o}dinger picture, na{\"\i}ve, where $\alpha \ll 1$ and $g_{ij}$ is "
            r"weak; order $O(n \log n)$ \& more")
    assert latex._decode_fast(text) is not None
    assert latex.latex_to_unicode(text) == latex._tidy(latex._decode_with_pylatexenc(text), True)
    assert latex.latex_to_unicode(text) == (
        r"The Schrödinger picture, naïve, where $\alpha \ll 1$ and $g_{ij}$ is weak; "
        r"order $O(n \log n)$ & more")


@pytest.mark.parametrize("text", [
    "- " * 300 + "v\n",
    "a: " + "[" * 300 + "]" * 300 + "\n",
    "".join("  " * i + f"k{i}:\n" for i in range(300)) + "  " * 300 + "v\n",
    "? " * 300 + "k\n",
])
def test_deep_yaml_without_aliases_is_still_refused(text: str) -> None:
    assert "*" not in text
    with pytest.raises(YamlError) as err:
        load_yaml(text)
    assert err.value.code in ("SM505", "SM101")


def test_large_yaml_without_aliases_loads() -> None:
    text = "[" + "1, " * 201_000 + "2]"
    assert len(load_yaml(text).data) == 201_001  # more nodes than MAX_EXPANDED_NODES


_FRONT_MATTER = {
    "title": "Über: a 'quoted' title", "authors": ["Ann Lee", "Bo Chen"], "year": 2021,
    "abstract": "One line.\nTwo lines.\n", "links": [{"pdf": "files/a.pdf", "tags": ["x", "y"]}],
    "empty": [], "date": "2021-01-02", "flag": "yes", "none": None, "trailing": "x \ny",
}


def test_dump_yaml_loads_back_and_rewrites_identically() -> None:
    text = dump_yaml(_FRONT_MATTER)
    assert load_yaml(text).data == _FRONT_MATTER
    assert dump_yaml(load_yaml(text).data) == text
    assert "abstract: |\n  One line.\n  Two lines.\n" in text


_SAMPLES = sorted(p for p in (Path(__file__).resolve().parents[1] / "samples").iterdir()
                  if p.is_dir())


@pytest.mark.parametrize("sample", _SAMPLES[:3], ids=lambda p: p.name)
def test_streamed_export_is_the_indented_dump_of_to_dict(sample: Path) -> None:
    model = read_site(sample)
    expected = json.dumps(model.to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert "".join(json_chunks(model)) == expected
    assert json.loads("".join(json_chunks(model, compact=True))) == json.loads(expected)


def test_streamed_export_matches_json_on_odd_values() -> None:
    """The one-pass encoder gives json's text for what extra may hold: floats (NaN and
    infinities too), tuples, non-string keys, empty containers, escapes."""
    model = read_site(_SAMPLES[0])
    model.publications[0].extra.update({
        "nan": float("nan"), "inf": float("-inf"), "f": 0.1, "big": 10**30, "t": (1, "x"),
        3: "int key", "nested": {"e": [], "d": {}, "s": "a\"b\n\u2028é"}, "b": [True, None]})
    expected = json.dumps(model.to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert "".join(json_chunks(model)) == expected


@pytest.mark.parametrize("odd", [
    {3: "an int key alone"}, {"s": "a lone surrogate \udc80"}, {"l": [[1e16, 1e-05]]},
    {"deep": {"x": [{"y": float("inf")}]}}, {"n": 2**70}, {"flag": True, "none": None}],
    ids=["int-key", "surrogate", "exponents", "deep-inf", "big-int", "plain"])
def test_each_odd_value_alone_is_written_as_json_writes_it(odd: dict[object, object]) -> None:
    """One odd value per record, so each of the fast encoder's refusals is met alone."""
    model = read_site(_SAMPLES[0])
    model.publications[-1].extra.update(odd)
    expected = json.dumps(model.to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert "".join(json_chunks(model)) == expected


def test_export_command_writes_the_same_json(tmp_path: Path) -> None:
    sample = _SAMPLES[0]
    out = tmp_path / "model.json"
    result = CliRunner().invoke(cli, ["export", str(sample), "-o", str(out)])
    assert result.exit_code == 0, result.output
    expected = json.dumps(read_site(sample).to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert out.read_text(encoding="utf-8") == expected
    result = CliRunner().invoke(cli, ["export", str(sample), "--compact"])
    assert json.loads(result.output) == json.loads(expected)


def test_themes_and_help_import_no_reader_or_heavy_library() -> None:
    code = ("import sys; from click.testing import CliRunner; from sitemigrate.cli import cli; "
            "r = CliRunner(); assert r.invoke(cli, ['themes']).exit_code == 0; "
            "assert r.invoke(cli, ['--help']).exit_code == 0; "
            "heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('liquid', 'nameparser', 'bibtexparser', 'pylatexenc', 'ruamel', 'lxml') "
            "or m.startswith('sitemigrate.themes.')]; "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_dump_yaml_matches_the_plain_libyaml_dumper() -> None:
    import yaml

    from sitemigrate.parsing import yamldump

    class Reference(yaml.CSafeDumper):  # type: ignore[misc]
        pass

    Reference.add_representer(str, yamldump._str_representer)
    expected = yaml.dump(_FRONT_MATTER, Dumper=Reference, sort_keys=False, allow_unicode=True,
                         width=4096, default_flow_style=False)
    assert dump_yaml(_FRONT_MATTER) == expected


@pytest.mark.parametrize("meta", [
    {"abstract": "Ends with a blank line.\n\n", "year": 2019},
    {"title": "T", "extra": {"abstract": "Kept blank line.\n\n"}},
])
def test_blank_line_at_the_end_of_a_value_keeps_the_front_matter_closed(meta: dict) -> None:
    text = render_front_matter(meta, "Body.")
    assert "\n...\n" not in text
    fm = split_front_matter(text)
    assert fm.meta == meta and fm.body.strip() == "Body."
    assert load_yaml(dump_yaml(meta)).data == meta


def test_yaml_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    from sitemigrate.parsing.yamlio import collector_paused

    assert gc.isenabled()
    load_yaml("a: [1, 2]\n")
    dump_yaml({"a": [1, 2]})
    with pytest.raises(YamlError):
        load_yaml("a: [\n")
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


# ------------------------------------------------- al-folio writer: entries without parsing

_BIB_VALUE = st.lists(st.sampled_from(list("ab Z@{}\"',=#%\\\r\n\t-$é") + ["\\{", "\\}"]),
                      max_size=30).map("".join)


def _as_parsed_agrees(entry_type: str, key: str, fields: dict[str, str]) -> bool:
    """``entry_as_parsed`` is either ``None`` or exactly what parsing the text gives."""
    built = entry_as_parsed(entry_type, key, fields)
    if built is None:
        return True
    (parsed,) = parse_bibtex(format_entry(entry_type, key, fields), "x.bib", Diagnostics())
    return (built.key, built.entry_type, built.fields) == (
        parsed.key, parsed.entry_type, parsed.fields)


@settings(max_examples=400)
@given(st.sampled_from(["article", "Misc", "inproceedings"]),
       st.from_regex(r"[A-Za-z][A-Za-z0-9:_.+-]{0,12}", fullmatch=True),
       st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), _BIB_VALUE,
                       max_size=6))
def test_entry_as_parsed_is_what_the_parser_reads(entry_type: str, key: str,
                                                  fields: dict[str, str]) -> None:
    assert _as_parsed_agrees(entry_type, key, fields)


def test_entry_as_parsed_refuses_what_could_read_back_otherwise() -> None:
    assert entry_as_parsed("misc", "k", {"title": "a } b {"}) is None
    assert entry_as_parsed("misc", "k", {"title": "a\r\nb"}) is None
    assert entry_as_parsed("misc", "k", {"title": "ends in \\"}) is None
    assert entry_as_parsed("misc", "k", {"title": "{Über} $x_{1}$"}) is not None


@pytest.mark.parametrize("sample", sample_sources(), ids=lambda p: p.name)
def test_every_written_entry_reads_back_as_built(sample: Path) -> None:
    """Over every sample (and the corpus below): the al-folio writer's shortcut is exact."""
    for pub in read_site(sample).publications:
        entry_type = entry_type_of(pub)
        assert _as_parsed_agrees(entry_type, bibtex_key(pub.id),
                                 publication_fields(pub, entry_type)), pub.id


@requires_corpus
def test_every_corpus_entry_reads_back_as_built() -> None:
    checked = 0
    for site in corpus_sites():
        for pub in read_site(site).publications:
            entry_type = entry_type_of(pub)
            assert _as_parsed_agrees(entry_type, bibtex_key(pub.id),
                                     publication_fields(pub, entry_type)), (site, pub.id)
            checked += 1
    # 1,941 since markdown_generator/ inputs are not read (Baschdl's 75 came from one)
    assert checked > 1900


def _balances_by_characters(value: str, skip_escaped: bool) -> bool:
    """The character-by-character definition that ``_balances`` computes faster."""
    depth, escaped = 0, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\" and skip_escaped:
            escaped = True
        elif char in "{}":
            depth += 1 if char == "{" else -1
            if depth < 0:
                return False
    return depth == 0


@settings(max_examples=500)
@given(st.text(st.sampled_from("{}\\\na "), max_size=40), st.booleans())
def test_brace_balance_matches_its_definition(value: str, skip_escaped: bool) -> None:
    assert bibtex._balances(value, skip_escaped=skip_escaped) == \
        _balances_by_characters(value, skip_escaped)


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(list("aAnNdD \t\r\n~xé,.") + ["and", " and ", "AND"]),
                max_size=30).map("".join))
def test_name_splitting_matches_the_library(value: str) -> None:
    from bibtexparser.middlewares.names import split_multiple_persons_names

    assert list(bibtex._split_names(value)) == split_multiple_persons_names(value)
