"""Synthetic but realistic academicpages and al-folio sites for the benchmark.

Everything is fictional and derived from a seeded ``random.Random``: the same arguments give
byte-identical files, with no network.  The shapes follow docs/themes.md sections 2 and 3
(academicpages ``_publications/*.md`` front matter; al-folio ``_bibliography/papers.bib`` with
``@string`` macros, LaTeX accents, math and the theme's custom fields).

    python bench/generate.py OUT [--sizes 100,1000,10000] [--batch 1000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

#: Bumped whenever the generated files change, so cached bench data is regenerated.
GENERATOR_VERSION = "3"
DEFAULT_SEED = 7
KINDS = ("academicpages", "al-folio")

# (plain text, BibTeX spelling) -- the BibTeX side exercises the LaTeX decoding path.
_LAST_NAMES = [
    ("Müller", r"M{\"u}ller"), ("Łukasik", r"{\L}ukasik"), ("Gómez", r"G{\'o}mez"),
    ("Novák", r"Nov{\'a}k"), ("Ødegård", r"{\O}deg{\aa}rd"), ("Çelik", r"{\c{C}}elik"),
    ("Šimić", r"{\v{S}}imi{\'c}"), ("Brontë", r"Bront{\"e}"), ("Nguyen", "Nguyen"),
    ("Okafor", "Okafor"), ("Lindqvist", "Lindqvist"), ("Tanaka", "Tanaka"),
    ("Abernathy", "Abernathy"), ("Ferreira", "Ferreira"), ("Kowalczyk", "Kowalczyk"),
    ("Haddad", "Haddad"), ("Van der Berg", "{Van der Berg}"), ("de la Cruz", "de la Cruz"),
    ("Petrov", "Petrov"), ("Rahman", "Rahman"), ("Sørensen", r"S{\o}rensen"),
    ("Zhang", "Zhang"), ("Ivanova", "Ivanova"), ("Mbeki", "Mbeki"), ("Quist", "Quist"),
    ("Dubois", "Dubois"), ("Yilmaz", "Yilmaz"), ("Oyelaran", "Oyelaran"),
]
_FIRST_NAMES = [
    ("José", r"Jos{\'e}"), ("Zoë", r"Zo{\"e}"), ("Ana", "Ana"), ("Björn", r"Bj{\"o}rn"),
    ("Chidi", "Chidi"), ("Mei", "Mei"), ("Tomás", r"Tom{\'a}s"), ("Ingrid", "Ingrid"),
    ("Ravi", "Ravi"), ("Léa", r"L{\'e}a"), ("Kwame", "Kwame"), ("Olga", "Olga"),
    ("Hiro", "Hiro"), ("Fatima", "Fatima"), ("Jean-Luc", "Jean-Luc"), ("Priya", "Priya"),
    ("Mateo", "Mateo"), ("Aoife", "Aoife"), ("Yusuf", "Yusuf"), ("Elin", "Elin"),
]
_TITLE_WORDS = " ".join((
    "adaptive sparse spectral robust neural stochastic quantum coherent latent causal "
    "distributed scalable variational bayesian nonlinear optical thermal microfluidic "
    "graph kernel manifold dissipative soliton frequency comb transformer diffusion "
    "estimation inference control learning dynamics imaging sensing retrieval synthesis "
    "models networks fields waves operators measurements flows lattices",
)).split()
_TITLE_FORMS = [
    "{A} {B} for {C} {D}",
    "On the {B} of {C} {D}",
    "{A} {B}: a {C} approach to {D}",
    "Towards {A} {D} with {B} {C}",
    "{A} and {B} {D} in {C} regimes",
    r"{A} {D} at $\alpha$-{B} scales",
]
_JOURNALS = [
    ("Physical Review Letters", "PRL"), ("Nature Photonics", "Nat. Photon."),
    ("Journal of Machine Learning Research", "JMLR"), ("Optica", "Optica"),
    ("IEEE Transactions on Signal Processing", "IEEE TSP"), ("Annalen der Physik", "AdP"),
]
_CONFERENCES = [
    ("Proceedings of the Conference on Learning Theory", "COLT"),
    ("International Conference on Machine Learning", "ICML"),
    ("Conference on Lasers and Electro-Optics", "CLEO"),
    ("Symposium on Principles of Distributed Computing", "PODC"),
]
_SCHOOLS = ["University of Nordhavn", "Instituto T{\\'e}cnico de Valverde"]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# Abstract sentences with HTML entities (academicpages bodies) and LaTeX (both).
_SENTENCES = [
    r"We study the regime where $\alpha \ll 1$ and the coupling $g_{ij}$ is weak.",
    "Our results hold for both the &ldquo;dense&rdquo; and the sparse case &amp; generalise.",
    r"The Schr{\"o}dinger picture gives a closed form for the na{\"\i}ve estimator.",
    "Experiments on 12&nbsp;datasets show a 3&times; speed-up over the baseline.",
    r"A simple bound of order $O(n \log n)$ follows from Jensen's inequality.",
    "We release code and data so that every figure can be reproduced.",
    "The method is <em>model-agnostic</em> and needs no tuning of &lambda;.",
    r"Surprisingly, the fa{\c{c}}ade of stability breaks near $T_c$.",
]
_LATEX_ACCENT = re.compile(r"\{?\\([\"'`^~vc])\{?\\?([A-Za-z])\}?\}?")
_NON_DECOMPOSING = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L"})
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
            "v": "\u030c", "c": "\u0327"}


@dataclass(slots=True)
class Person:
    first: str
    last: str
    first_tex: str
    last_tex: str

    @property
    def display(self) -> str:
        return f"{self.first[0]}. {self.last}"

    @property
    def bib(self) -> str:
        return f"{self.last_tex}, {self.first_tex}"


@dataclass(slots=True)
class Paper:
    key: str
    kind: str  # article | inproceedings | phdthesis | misc
    title_tex: str
    authors: list[Person]
    year: int
    month: int
    day: int
    venue: str
    abbr: str
    abstract_tex: str
    doi: str
    selected: bool


def _plain(text: str) -> str:
    """LaTeX accents to Unicode, braces dropped: what a reader should produce from BibTeX."""
    def accent(match: re.Match[str]) -> str:
        letter = "i" if match.group(2) == "i" else match.group(2)
        return unicodedata.normalize("NFC", letter + _ACCENTS[match.group(1)])

    return _LATEX_ACCENT.sub(accent, text).replace("{", "").replace("}", "")


def _ascii_letters(text: str) -> str:
    """``Sørensen`` -> ``sorensen``: BibTeX keys are ASCII."""
    folded = unicodedata.normalize("NFKD", text.translate(_NON_DECOMPOSING))
    return re.sub(r"[^a-z]", "", folded.lower())


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", _plain(text)).strip("-")[:60]


def _person(rng: random.Random) -> Person:
    first, first_tex = rng.choice(_FIRST_NAMES)
    last, last_tex = rng.choice(_LAST_NAMES)
    return Person(first, last, first_tex, last_tex)


def _author_count(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.05:
        return rng.randint(30, 80)  # consortium papers: long author lists
    if roll < 0.25:
        return rng.randint(8, 20)
    return rng.randint(1, 7)


def _papers(rng: random.Random, n: int, owner: Person) -> list[Paper]:
    papers: list[Paper] = []
    used: set[str] = set()
    for i in range(n):
        w = rng.sample(_TITLE_WORDS, 4)
        title = rng.choice(_TITLE_FORMS).format(A=w[0].capitalize(), B=w[1], C=w[2], D=w[3])
        if i % 11 == 0:
            title += r" in the Schr{\"o}dinger picture"  # an accent inside a title
        authors = [_person(rng) for _ in range(_author_count(rng))]
        authors.insert(rng.randrange(len(authors) + 1), owner)
        kind = rng.choices(["article", "inproceedings", "phdthesis", "misc"], [6, 5, 1, 2])[0]
        if kind == "article":
            venue, abbr = rng.choice(_JOURNALS)
        elif kind == "inproceedings":
            venue, abbr = rng.choice(_CONFERENCES)
        elif kind == "phdthesis":
            venue, abbr = rng.choice(_SCHOOLS), "PhD"
        else:
            venue, abbr = "arXiv preprint", "arXiv"
        year = rng.randint(1995, 2025)
        key = f"{_ascii_letters(authors[0].last)}{year}{w[3]}"
        while key in used:
            key += "x"
        used.add(key)
        # One sentence of its own per paper: real abstracts never repeat, so caches keyed on
        # whole values must not look better at small sizes than at large ones.
        own = (f"We evaluate {w[1]} {w[3]} on {rng.randint(2, 999)} instances of the "
               f"{w[2].capitalize()}-{i} benchmark.")
        abstract = " ".join([*rng.sample(_SENTENCES, rng.randint(1, 4)), own])
        papers.append(Paper(key, kind, title, authors, year, rng.randint(1, 12),
                            rng.randint(1, 28), venue, abbr, abstract,
                            f"10.{rng.randint(1000, 9999)}/{key}", rng.random() < 0.1))
    return papers


def _themes(kind: str, n: int, seed: int) -> list[tuple[str, str, list[int]]]:
    """(title, summary, indices of its papers) for a research page: one theme per 500 papers
    (at least 3), every paper in one theme and one in ten in a second, so that theme <->
    publication ties grow with the site.  A generator of its own: the papers stay the same."""
    rng = random.Random(f"themes-{kind}-{n}-{seed}")
    count = max(3, n // 500)
    themes = []
    for i in range(count):
        w = rng.sample(_TITLE_WORDS, 2)
        themes.append((f"{w[0].capitalize()} {w[1]} {i + 1}", rng.choice(_SENTENCES), []))
    for index in range(n):
        first = rng.randrange(count)
        themes[first][2].append(index)
        if rng.random() < 0.1:
            themes[(first + 1 + rng.randrange(count - 1)) % count][2].append(index)
    return themes


def _quote(value: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


# ---------------------------------------------------------------- academicpages


def _ap_config(owner: Person) -> str:
    name = f"{owner.first} {owner.last}"
    return f"""# Synthetic academicpages site for the sitemigrate benchmark
locale: "en-US"
title: {_quote(name)}
name: &name {_quote(name)}
description: "Fictional researcher in computational optics"
url: https://example.org
baseurl: ""
author:
  avatar: "profile.png"
  name: {_quote(name)}
  bio: "Researcher in nonlinear optics (fictional)"
  location: "Nordhavn"
  employer: "University of Nordhavn"
  email: "researcher@example.org"
  googlescholar: "https://scholar.google.com/citations?user=FICTION000AA"
  orcid: "https://orcid.org/0000-0000-0000-0000"
  github: "fictional-researcher"
publication_category:
  books:
    title: 'Books'
  manuscripts:
    title: 'Journal Articles'
  conferences:
    title: 'Conference Papers'
collections:
  teaching:
    output: true
    permalink: /:collection/:path/
  publications:
    output: true
    permalink: /:collection/:path/
  portfolio:
    output: true
    permalink: /:collection/:path/
  talks:
    output: true
    permalink: /:collection/:path/
defaults:
  - scope:
      path: ""
      type: publications
    values:
      layout: single
      author_profile: true
"""


_AP_CATEGORY = {"article": "manuscripts", "inproceedings": "conferences", "phdthesis": "books",
                "misc": "manuscripts"}


def _ap_publication(paper: Paper) -> tuple[str, str]:
    date = f"{paper.year:04d}-{paper.month:02d}-{paper.day:02d}"
    title = _plain(paper.title_tex)
    stem = f"{date}-{_slug(title)}"
    names = ", ".join(p.display for p in paper.authors)
    citation = f"{names}, <strong>{title}.</strong> <i>{_plain(paper.venue)}</i>, {paper.year}."
    lines = [
        "---",
        f"title: {_quote(title)}",
        "collection: publications",
        f"category: {_AP_CATEGORY[paper.kind]}",
        f"permalink: /publication/{stem}",
        f"excerpt: {_quote(_plain(paper.abstract_tex.split('.')[0]) + '.')}",
        f"date: {date}",
        f"venue: '<i>{_plain(paper.venue)}</i>'",
        f"paperurl: 'https://doi.org/{paper.doi}'",
        f"citation: {_quote(citation)}",
        "---",
        "",
        # The body is the abstract; keep the LaTeX (MathJax renders it) and the entities.
        paper.abstract_tex,
        "",
    ]
    return stem, "\n".join(lines)


def generate_academicpages(root: Path, n: int, seed: int = DEFAULT_SEED) -> Path:
    """An academicpages site with ``n`` publications (plus a few projects and talks)."""
    rng = random.Random(f"academicpages-{n}-{seed}")
    owner = _person(rng)
    _write(root / "_config.yml", _ap_config(owner))
    _write(root / "_data" / "navigation.yml",
           "main:\n  - title: \"Publications\"\n    url: /publications/\n"
           "  - title: \"Talks\"\n    url: /talks/\n"
           "  - title: \"Portfolio\"\n    url: /portfolio/\n")
    _write(root / "_pages" / "about.md",
           "---\npermalink: /\ntitle: \"About\"\nauthor_profile: true\n---\n\n"
           "I am a fictional researcher working on frequency combs.\n")
    _write(root / "_pages" / "publications.html",
           "---\nlayout: archive\ntitle: \"Publications\"\npermalink: /publications/\n"
           "author_profile: true\n---\n")
    stems: list[str] = []
    stems_seen: set[str] = set()
    papers = _papers(rng, n, owner)
    for paper in papers:
        stem, text = _ap_publication(paper)
        while stem in stems_seen:
            stem += "-b"
        stems_seen.add(stem)
        stems.append(stem)
        _write(root / "_publications" / f"{stem}.md", text)
    sections = [f"### {title}\n\n{summary}\n\n" + "\n".join(
        f"- [{_plain(papers[i].title_tex)}](/publication/{stems[i]})" for i in indices)
        for title, summary, indices in _themes("academicpages", n, seed)]
    _write(root / "_pages" / "research.md",
           "---\ntitle: \"Research\"\npermalink: /research/\nauthor_profile: true\n---\n\n"
           "## Research areas\n\n" + "\n\n".join(sections) + "\n")
    for i in range(max(3, n // 50)):
        w = rng.sample(_TITLE_WORDS, 3)
        _write(root / "_portfolio" / f"project-{i + 1}.md",
               f"---\ntitle: \"{w[0].capitalize()} {w[1]} {w[2]}\"\n"
               f"excerpt: \"A project about {w[1]} {w[2]}<br/><img src='/images/500x300.png'>\"\n"
               f"collection: portfolio\n---\n\n{rng.choice(_SENTENCES)}\n")
    for i in range(max(2, n // 100)):
        year = rng.randint(2010, 2025)
        _write(root / "_talks" / f"{year}-03-01-talk-{i + 1}.md",
               f"---\ntitle: \"Talk {i + 1} on {rng.choice(_TITLE_WORDS)} methods\"\n"
               f"collection: talks\ntype: \"Talk\"\npermalink: /talks/{year}-03-01-talk-{i + 1}\n"
               f"venue: \"University of Nordhavn\"\ndate: {year}-03-01\n"
               "location: \"Nordhavn\"\n---\n\nA talk.\n")
    return root


# ---------------------------------------------------------------- al-folio

_STRINGS = {"aps": "American Physical Society", "ieee": "IEEE",
            "pmlr": "Proceedings of Machine Learning Research"}


def _alf_config(owner: Person) -> str:
    return f"""# Synthetic al-folio site for the sitemigrate benchmark
title: blank
first_name: {owner.first}
middle_name:
last_name: {owner.last}
description: Fictional researcher in computational optics.
url: https://example.org
baseurl:
collections:
  news:
    defaults:
      layout: post
    output: true
  projects:
    output: true
scholar:
  last_name: [{owner.last}]
  first_name: [{owner.first}, {owner.first[0]}.]
  style: apa
  locale: en
  source: /_bibliography/
  bibliography: papers.bib
  bibliography_template: bib
  replace_strings: true
  join_strings: true
  query: "@*"
  group_by: year
  group_order: descending
filtered_bibtex_keywords:
  [abbr, abstract, arxiv, bibtex_show, code, html, pdf, preview, selected, supp, video]
"""


def _bib_entry(paper: Paper, rng: random.Random) -> str:
    fields: list[tuple[str, str]] = [("abbr", paper.abbr)]
    if rng.random() < 0.7:
        fields.append(("bibtex_show", "true"))
    fields += [("title", paper.title_tex),
               ("author", " and ".join(p.bib for p in paper.authors))]
    venue_field = {"article": "journal", "inproceedings": "booktitle", "phdthesis": "school"}
    if paper.kind in venue_field:
        fields.append((venue_field[paper.kind], paper.venue))
    fields += [("year", str(paper.year)), ("abstract", paper.abstract_tex)]
    if paper.kind == "misc":
        arxiv_id = f"{paper.year % 100:02d}{paper.month:02d}.{rng.randint(0, 99999):05d}"
        fields.append(("arxiv", arxiv_id))
    else:
        fields.append(("doi", paper.doi))
    fields.append(("html", f"https://example.org/papers/{paper.key}"))
    fields.append(("pdf", f"{paper.key}.pdf"))
    if rng.random() < 0.5:
        fields.append(("code", f"https://github.com/fictional-lab/{paper.key}"))
    if paper.selected:
        fields.append(("selected", "true"))
    lines = [f"@{paper.kind}{{{paper.key},"]
    for name, value in fields:
        lines.append(f"  {name}={{{value}}},")
    if paper.kind in ("article", "inproceedings") and rng.random() < 0.3:
        lines.append(f"  publisher={rng.choice(sorted(_STRINGS))},")  # an @string macro
    lines.append(f"  month={_MONTHS[paper.month - 1]}")
    lines.append("}")
    return "\n".join(lines)


def _bibliography(papers: list[Paper], rng: random.Random) -> str:
    # al-folio's papers.bib opens with an empty front-matter pair (7/8 corpus sites).
    parts = ["---", "---", ""]
    parts += [f"@string{{{k} = {{{v}}}}}" for k, v in _STRINGS.items()]
    parts.append("")
    for paper in papers:
        parts.append(_bib_entry(paper, rng))
        parts.append("")
    return "\n".join(parts)


def _alf_project(rng: random.Random, index: int, keys: list[str]) -> str:
    w = rng.sample(_TITLE_WORDS, 3)
    cites = " ".join(f"{{% cite {k} %}}" for k in rng.sample(keys, min(2, len(keys))))
    return (f"---\nlayout: page\ntitle: {w[0].capitalize()} {w[1]} {w[2]}\n"
            f"description: Studying {w[1]} {w[2]} at scale\nimg: assets/img/{index % 12 + 1}.jpg\n"
            f"importance: {index}\ncategory: {rng.choice(['work', 'fun'])}\n"
            f"github: https://github.com/fictional-lab/{w[0]}-{index}\n"
            f"related_publications: true\n---\n\n{rng.choice(_SENTENCES)}\n\n"
            f"Related work: {cites}\n")


def generate_alfolio(root: Path, n: int, seed: int = DEFAULT_SEED) -> Path:
    """An al-folio site whose ``papers.bib`` holds ``n`` entries (plus projects and pages)."""
    rng = random.Random(f"al-folio-{n}-{seed}")
    owner = _person(rng)
    papers = _papers(rng, n, owner)
    _write(root / "_config.yml", _alf_config(owner))
    _write(root / "_bibliography" / "papers.bib", _bibliography(papers, rng))
    _write(root / "_pages" / "about.md",
           "---\nlayout: about\ntitle: about\npermalink: /\nsubtitle: Fictional lab\n"
           "profile:\n  align: right\n  image: prof_pic.jpg\nselected_papers: true\n---\n\n"
           "I work on fictional frequency combs.\n")
    _write(root / "_pages" / "publications.md",
           "---\nlayout: page\npermalink: /publications/\ntitle: publications\nnav: true\n"
           "nav_order: 2\n---\n\n<div class=\"publications\">\n{% bibliography %}\n</div>\n")
    _write(root / "_pages" / "projects.md",
           "---\nlayout: page\ntitle: projects\npermalink: /projects/\nnav: true\nnav_order: 3\n"
           "display_categories: [work, fun]\n---\n")
    keys = [p.key for p in papers]
    sections = [f"<h2>{title}</h2>\n<p class=\"description\">{summary}</p>\n<ul>\n" + "\n".join(
        f"<li><a href=\"/publications/#{keys[i]}\">{_plain(papers[i].title_tex)}</a></li>"
        for i in indices) + "\n</ul>"
        for title, summary, indices in _themes("al-folio", n, seed)]
    _write(root / "_pages" / "research.md",
           "---\nlayout: page\ntitle: research\npermalink: /research/\nnav: true\n"
           "nav_order: 1\n---\n\n" + "\n\n".join(sections) + "\n")
    for i in range(max(3, n // 50)):
        _write(root / "_projects" / f"{i + 1}_project.md", _alf_project(rng, i + 1, keys))
    _write(root / "_news" / "announcement_1.md",
           "---\nlayout: post\ndate: 2024-01-15 07:59:00-0400\ninline: true\n---\n\n"
           "A fictional announcement.\n")
    return root


GENERATORS = {"academicpages": generate_academicpages, "al-folio": generate_alfolio}


def generate_site(kind: str, root: Path, n: int, seed: int = DEFAULT_SEED) -> Path:
    return GENERATORS[kind](root, n, seed)


def generate_batch(root: Path, count: int = 1000, per_site: int = 5,
                   seed: int = DEFAULT_SEED) -> list[Path]:
    """``count`` small sites (alternating kinds) under ``root/site-NNNN``."""
    sites = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        sites.append(generate_site(kind, root / f"site-{i:04d}", per_site, seed + i))
    return sites


#: where the benchmarks keep what they generate, between runs (``--data``)
DEFAULT_DATA = Path(tempfile.gettempdir()) / "sitemigrate-bench"


def ensure(root: Path, sizes: list[int], batch: int, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Generate what is missing under ``root`` (reused while the version stamp matches)."""
    stamp = root / "VERSION"
    wanted = f"{GENERATOR_VERSION} seed={seed}"
    if stamp.exists() and stamp.read_text().strip() != wanted:
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    stamp.write_text(wanted + "\n")
    made: dict[str, Path] = {}
    for kind in KINDS:
        for n in sizes:
            site = root / f"{kind}-{n}"
            if not (site / ".complete").exists():
                shutil.rmtree(site, ignore_errors=True)
                generate_site(kind, site, n, seed)
                (site / ".complete").write_text("")
            made[f"{kind}-{n}"] = site
    if batch:
        folder = root / f"batch-{batch}"
        if not (folder / ".complete").exists():
            shutil.rmtree(folder, ignore_errors=True)
            generate_batch(folder, batch, seed=seed)
            (folder / ".complete").write_text("")
        made["batch"] = folder
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--batch", type=int, default=1000, help="small sites (0: none)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    for name, path in ensure(args.out, sizes, args.batch, args.seed).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
