"""Identifiers from links and fields, on URLs and values copied from the corpus and seeds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, SEEDS, requires_seeds

from sitemigrate.diagnostics import Diagnostics
from sitemigrate.model import Model, Publication, Source
from sitemigrate.pipeline import plan_migration, read_site
from sitemigrate.transforms.identifiers import (
    extract_identifiers,
    find_identifiers,
    normalize_arxiv,
    normalize_doi,
    normalize_github,
    normalize_openreview,
    normalize_pmid,
)

RECORDS = FIXTURES / "records"
REPO = "CMoucer/Geometry_Dependent_Matching_Pursuit"


@pytest.mark.parametrize("value,doi", [
    ("10.18653/v1/2021.findings-acl.371", "10.18653/v1/2021.findings-acl.371"),
    ("http://dx.doi.org/10.1109/tsp.2025.3540655", "10.1109/tsp.2025.3540655"),
    ("https://doi.org/10.1109/TKDE.2021.3081624", "10.1109/tkde.2021.3081624"),
    ("doi:10.1145/3360902.", "10.1145/3360902"),
    ("https://dl.acm.org/doi/10.1145/3097983.3098072", "10.1145/3097983.3098072"),
    ("https://dl.acm.org/doi/abs/10.1145/3097983.3098072", "10.1145/3097983.3098072"),
    ("https://link.springer.com/article/10.1007/s13239-017-0308-z",
     "10.1007/s13239-017-0308-z"),
    ("https://onlinelibrary.wiley.com/doi/full/10.1002/adma.202000001", "10.1002/adma.202000001"),
    # AdamFrostLab: a bioRxiv URL with a version and a suffix
    ("https://www.biorxiv.org/content/10.1101/2021.08.24.457428v2", "10.1101/2021.08.24.457428"),
    ("https://www.biorxiv.org/content/10.1101/2021.08.24.457428v2.full.pdf",
     "10.1101/2021.08.24.457428"),
    ("https://www.nature.com/articles/s41586-020-2649-2", "10.1038/s41586-020-2649-2"),
    ("https://ieeexplore.ieee.org/document/8792163", None),
    ("NaN", None),
])
def test_doi(value: str, doi: str | None) -> None:
    assert normalize_doi(value) == doi


@pytest.mark.parametrize("value,arxiv", [
    ("https://arxiv.org/abs/2208.06677", "2208.06677"),
    ("https://arxiv.org/pdf/2009.09835.pdf", "2009.09835"),
    ("https://arxiv.org/abs/2301.01530v3", "2301.01530"),
    # the seed's MetaFormer link carries a text fragment
    ("https://arxiv.org/abs/2111.11418#:~:text=Based%20on%20the", "2111.11418"),
    ("arXiv:2301.01530", "2301.01530"),
    ("2408.16480", "2408.16480"),
    ("hep-th/9901001", "hep-th/9901001"),
    ("arXiv:hep-th/9901001v2", "hep-th/9901001"),
    ("https://arxiv.org/abs/math.GT/0309136", "math.GT/0309136"),
    ("1234", None),
])
def test_arxiv(value: str, arxiv: str | None) -> None:
    assert normalize_arxiv(value) == arxiv


def test_openreview_github_pmid() -> None:
    assert normalize_openreview("https://openreview.net/forum?id=o54x4zOWuy") == "o54x4zOWuy"
    assert normalize_openreview("https://openreview.net/pdf?id=KmykpuSrjcq") == "KmykpuSrjcq"
    badge = "https://img.shields.io/github/stars/sail-sg/Adan?style=social"
    assert normalize_github(badge) == "sail-sg/Adan"
    assert normalize_github("https://github.com/NVIDIA/NeMo/blob/main/x.py") == "NVIDIA/NeMo"
    assert normalize_github("https://github.com/sail-sg") is None
    assert normalize_github("https://github.com/x/y.git") == "x/y"
    assert normalize_pmid("NaN") is None
    assert normalize_pmid(float("nan")) is None
    assert normalize_pmid("https://pubmed.ncbi.nlm.nih.gov/34567890/") == "34567890"
    assert normalize_pmid(31234567) == "31234567"


def test_fields_and_links_of_one_record() -> None:
    pub = Publication(id="p", title="t", venue="arXiv:2301.01530",
                      links={"pdf": "files/2011-prole-mcerlang.pdf",  # dcastrop: not a repo
                             "code": f"https://github.com/{REPO}"},
                      extra={"eprint": "2301.01530v2", "archiveprefix": "arXiv", "pmid": "NaN"})
    assert find_identifiers(pub) == {"arxiv": "2301.01530", "github": REPO}


def test_eprint_of_another_archive_is_not_arxiv() -> None:
    pub = Publication(id="p", title="t", extra={"eprint": "1234.5678", "archivePrefix": "HAL"})
    assert "arxiv" not in find_identifiers(pub)


def test_real_bib_records_get_their_identifiers() -> None:
    model = read_site(RECORDS / "algruc_papers.bib", "bibtex", dedupe=False)
    by_id = {p.id: p for p in model.publications}
    # wang2019efficient: doi={10.1145/3360902}, arxiv link, code on GitHub
    assert by_id["wang2019efficient"].identifiers["doi"] == "10.1145/3360902"
    assert by_id["wang2019efficient"].identifiers["arxiv"] == "1908.10583"
    assert by_id["liu2022building"].identifiers["github"] == "pkumod/TemporalPreferentialAttachment"


@requires_seeds
def test_seed_star_badges_name_code_repositories() -> None:
    """Every shields.io star badge of the al-folio seed is an owner/repo the rules read."""
    text = (SEEDS / "al-folio-research.md").read_text(encoding="utf-8")
    badges = re.findall(r"https://img\.shields\.io/github/stars/[^\"?]+", text)
    # 33 iframes = 31 star badges + 2 paperswithcode badges; one more star URL is in a comment
    assert len(badges) == 32
    repos = {normalize_github(b) for b in badges}
    assert None not in repos
    assert {"sail-sg/Adan", "salesforce/PCL", "DongSky/few-shot-vit"} <= repos


@pytest.mark.parametrize("link,canonical,doi", [
    ("doi.org/10.1038/Nphys3893", "https://doi.org/10.1038/Nphys3893", "10.1038/nphys3893"),
    ("https://doi.org/doi.org/10.1038/nphys3893", "https://doi.org/10.1038/nphys3893",
     "10.1038/nphys3893"),
    ("http://dx.doi.org/10.1038/nphys3893", "https://doi.org/10.1038/nphys3893",
     "10.1038/nphys3893"),
    ("dx.doi.org/10.1038/nphys3893", "https://doi.org/10.1038/nphys3893", "10.1038/nphys3893"),
    ("doi:10.1038/nphys3893", "https://doi.org/10.1038/nphys3893", "10.1038/nphys3893"),
    ("DOI: 10.1038/nphys3893", "https://doi.org/10.1038/nphys3893", "10.1038/nphys3893"),
    ("10.1038/nphys3893", "https://doi.org/10.1038/nphys3893", "10.1038/nphys3893"),
    # a BibTeX escape kept in the DOI
    ("https://doi.org/10.1364/cleo\\_si.2019.sth1h.3", "https://doi.org/10.1364/cleo_si.2019.sth1h.3",
     "10.1364/cleo_si.2019.sth1h.3"),
    # a publisher page under the doi label is a link of its own: kept as written
    ("https://www.nature.com/articles/s41593-019-0559-0",
     "https://www.nature.com/articles/s41593-019-0559-0", "10.1038/s41593-019-0559-0"),
])
def test_every_doi_spelling_gives_one_doi_and_one_link(link: str, canonical: str, doi: str) -> None:
    model = Model(source=Source("test", "."), publications=[
        Publication(id="a", title="T", links={"doi": link}),
        Publication(id="b", title="U", identifiers={"doi": link})])
    extract_identifiers(model, Diagnostics())
    first, second = model.publications
    assert first.links == {"doi": canonical}
    assert first.identifiers == second.identifiers == {"doi": doi}
    extract_identifiers(model, Diagnostics())  # idempotent
    assert first.links == {"doi": canonical}


@pytest.mark.parametrize("link,canonical", [
    ("arXiv:2301.01530", "https://arxiv.org/abs/2301.01530"),
    ("https://arxiv.org/abs/arXiv:2301.01530", "https://arxiv.org/abs/2301.01530"),
    ("2301.01530", "https://arxiv.org/abs/2301.01530"),
    ("https://arxiv.org/pdf/2301.01530v2.pdf", "https://arxiv.org/pdf/2301.01530v2.pdf"),
])
def test_arxiv_spellings_give_one_link(link: str, canonical: str) -> None:
    model = Model(source=Source("test", "."), publications=[
        Publication(id="a", title="T", links={"arxiv": link})])
    extract_identifiers(model, Diagnostics())
    assert model.publications[0].links == {"arxiv": canonical}
    assert model.publications[0].identifiers == {"arxiv": "2301.01530"}


def test_arxiv_doi_and_pubmed_spellings() -> None:
    assert normalize_arxiv("https://doi.org/10.48550/arXiv.2301.01530") == "2301.01530"
    assert normalize_pmid("PMID: 31234567") == normalize_pmid(
        "https://pubmed.ncbi.nlm.nih.gov/31234567/") == "31234567"
    model = Model(source=Source("test", "."), publications=[
        Publication(id="a", title="T", links={"pmid": "PMID: 31234567"})])
    extract_identifiers(model, Diagnostics())
    assert model.publications[0].links == {"pmid": "https://pubmed.ncbi.nlm.nih.gov/31234567/"}


def test_a_preprint_server_url_under_arxiv_is_a_link_not_an_arxiv_id() -> None:
    """A custom data file puts PsyArXiv and bioRxiv URLs under ``arxiv:``."""
    model = Model(source=Source("test", "."), publications=[
        Publication(id="a", title="T", identifiers={"arxiv": "https://psyarxiv.com/abcde/"}),
        Publication(id="b", title="U", identifiers={"arxiv": "see the preprint"},
                    links={"arxiv": "https://x.org/1"})])
    extract_identifiers(model, Diagnostics())
    first, second = model.publications
    assert (first.identifiers, first.links) == ({}, {"arxiv": "https://psyarxiv.com/abcde/"})
    assert second.identifiers == {} and second.extra == {"arxiv_value": "see the preprint"}


def test_custom_data_doi_without_scheme_reaches_al_folio_as_one_doi(tmp_path: Path) -> None:
    """``doi: doi.org/10.…`` in a custom data file once became ``https://doi.org/doi.org/…``."""
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / "publications.yml").write_text(
        "- title: Widgets at Scale\n  authors: Ann Lee\n  year: 2021\n"
        "  doi: doi.org/10.1038/s41586-021-00001-x\n", encoding="utf-8")
    (tmp_path / "_config.yml").write_text("title: Lab\n", encoding="utf-8")
    (tmp_path / "publications.md").write_text(
        "---\nlayout: default\n---\n{% for p in site.data.publications %}{{ p.title }}"
        "{% endfor %}\n", encoding="utf-8")
    model = read_site(tmp_path, "custom")
    (pub,) = model.publications
    assert pub.links["doi"] == "https://doi.org/10.1038/s41586-021-00001-x"
    assert pub.identifiers["doi"] == "10.1038/s41586-021-00001-x"
    plan = plan_migration(model, "al-folio", tmp_path / "out")
    text = plan.files.get("_bibliography/papers.bib").decode()
    assert re.search(r"doi += {10.1038/s41586-021-00001-x}", text)
    assert "doi.org/doi.org" not in text
