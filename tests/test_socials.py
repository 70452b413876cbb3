"""Profile fields and social links reach each target under the key and in the form its
templates read (converters/<theme>.yml ``socials:``), issue 15."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sitemigrate.model import Model, Page, Site, Source
from sitemigrate.pipeline import plan_migration, read_site
from sitemigrate.themes.academicpages.config_writer import short_bio
from sitemigrate.transforms.socials import normalize_social

SCHOLAR = "https://scholar.google.com/citations?user=AbCdEfGhIjK&hl=en"


@pytest.mark.parametrize("key,value,service,user", [
    ("googlescholar", SCHOLAR, "google_scholar", "AbCdEfGhIjK"),
    ("scholar_userid", "AbCdEfGhIjK", "google_scholar", "AbCdEfGhIjK"),
    ("orcid", "https://orcid.org/0000-0002-1825-0097", "orcid", "0000-0002-1825-0097"),
    ("orcid_id", "0000-0002-1825-0097", "orcid", "0000-0002-1825-0097"),
    ("linkedin", "https://www.linkedin.com/in/ann-lee-42/", "linkedin", "ann-lee-42"),
    ("research_gate_profile", "https://www.researchgate.net/profile/Ann-Lee", "researchgate",
     "Ann-Lee"),
    ("twitter", "@annlee", "twitter", "annlee"),
    ("x_username", "https://x.com/annlee", "twitter", "annlee"),
    ("github", "https://github.com/annlee", "github", "annlee"),
    ("semantic", "https://www.semanticscholar.org/author/Ann-Lee/12345", "semantic_scholar",
     "12345"),
    ("uri", "https://lab.example.org", "work", None),
    ("weibo", "2035075984", "weibo", "2035075984"),
])
def test_normalize_social(key: str, value: str, service: str, user: str | None) -> None:
    social = normalize_social(key, value)
    assert (social.service, social.user) == (service, user)
    assert social.url and social.url.startswith("https://")


def _model(**socials: str) -> Model:
    site = Site(title="Ann Lee", name="Ann Lee", role="PhD student", affiliation="Widget U",
                location="Room 1, Widget Hall", email="ann@example.org",
                description="I study widgets.", socials=dict(socials))
    about = Page(id="about", title="about", permalink="/", role="about", body="I study widgets.")
    return Model(source=Source("test", "."), site=site, pages=[about])


@pytest.mark.parametrize("target", ["al-folio", "al-folio@0.x"])
def test_al_folio_gets_ids_under_its_keys(tmp_path: Path, target: str) -> None:
    model = _model(googlescholar=SCHOLAR, orcid="https://orcid.org/0000-0002-1825-0097",
                   linkedin="https://www.linkedin.com/in/ann-lee-42/",
                   researchgate="https://www.researchgate.net/profile/Ann-Lee",
                   flickr="https://www.flickr.com/photos/annlee")
    plan = plan_migration(model, target, tmp_path)
    socials = yaml.safe_load(plan.files.get("_data/socials.yml"))
    assert socials["scholar_userid"] == "AbCdEfGhIjK"
    assert socials["orcid_id"] == "0000-0002-1825-0097"
    assert socials["linkedin_username"] == "ann-lee-42"
    assert socials["research_gate_profile"] == "Ann-Lee"
    # a service with no key here: {url, title}, which 0.x's social.liquid renders in its else
    # branch; v1's jekyll-socials needs an icon for such an entry
    icon = {"logo": "fa-solid fa-link"} if target == "al-folio" else {}
    assert socials["flickr"] == {"url": "https://www.flickr.com/photos/annlee",
                                 "title": "Flickr", **icon}
    assert not any(k.endswith("_url") and "scholar" in k for k in socials)
    about = plan.files.get("_pages/about.md").decode()
    assert "subtitle: PhD student · Widget U" in about
    assert "more_info: <p>Room 1, Widget Hall</p>" in about


def test_academicpages_gets_urls_where_it_links_them(tmp_path: Path) -> None:
    model = _model(scholar_userid="AbCdEfGhIjK", orcid_id="0000-0002-1825-0097",
                   github_username="annlee", linkedin_username="ann-lee-42",
                   lattes_id="123456")
    plan = plan_migration(model, "academicpages", tmp_path)
    author = yaml.safe_load(plan.files.get("_config.yml"))["author"]
    assert author["googlescholar"] == "https://scholar.google.com/citations?user=AbCdEfGhIjK"
    assert author["orcid"] == "https://orcid.org/0000-0002-1825-0097"
    assert (author["github"], author["linkedin"]) == ("annlee", "ann-lee-42")
    assert (author["employer"], author["location"]) == ("Widget U", "Room 1, Widget Hall")
    lost = [d.message for d in plan.diagnostics if d.code == "SM301"]
    assert any("lattes_id" in m for m in lost), lost


def test_profile_round_trip_through_al_folio(tmp_path: Path) -> None:
    plan = plan_migration(_model(), "al-folio", tmp_path / "a")
    for rel in plan.files:
        path = tmp_path / "a" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(plan.files.get(rel))
    site = read_site(tmp_path / "a", "al-folio").site
    assert (site.role, site.affiliation, site.location) == ("PhD student", "Widget U",
                                                            "Room 1, Widget Hall")


def test_al_folio_custom_social_is_not_a_python_repr(tmp_path: Path) -> None:
    (tmp_path / "_data").mkdir()
    (tmp_path / "_config.yml").write_text("title: x\nfirst_name: Ann\nlast_name: Lee\n"
                                          "scholar:\n  bibliography: papers.bib\n",
                                          encoding="utf-8")
    (tmp_path / "_data" / "socials.yml").write_text(
        "custom_social:\n  logo: https://x.org/l.png\n  title: Lab\n  url: https://x.org\n",
        encoding="utf-8")
    model = read_site(tmp_path, "al-folio")
    assert "custom_social" not in model.site.socials
    assert model.site.extra["socials_custom"]["custom_social"]["url"] == "https://x.org"
    again = yaml.safe_load(plan_migration(model, "al-folio", tmp_path / "o").files.get(
        "_data/socials.yml"))
    assert again["custom_social"]["url"] == "https://x.org"


def test_bio_is_short() -> None:
    page = ("<meta name='google' content='x'>\n\nI am a **researcher** in "
            "[widgets](https://x.org). " + "I build things. " * 40 + "\n\nMore text.")
    bio = short_bio(page)
    assert bio and bio.startswith("I am a researcher in widgets.") and len(bio) <= 280
    assert "<meta" not in bio and "**" not in bio
    assert short_bio("PhD student.") == "PhD student."


def test_email_under_socials_is_the_email() -> None:
    social = normalize_social("email", "mailto:ann@example.org")
    assert (social.service, social.user, social.url) == ("email", "ann@example.org",
                                                         "mailto:ann@example.org")
