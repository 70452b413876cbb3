"""Synthetic LaTeX-heavy bibliographies in the styles of Zotero, DBLP and Google Scholar exports.

Fictional and deterministic (a seeded ``random.Random``: the same arguments give byte-identical
files, no network).  What real exports carry and the benchmark's site generator does not:

- Zotero (40 %): ``Last, First`` names with accents (``{\\"u}``, ``{\\v{S}}``), 20 % of entries
  with 8-80 authors, ~1 kB abstracts with ``\\emph``/``\\textit``/``\\textbf`` (half of them),
  ``\\url``, ``\\cite``, ``$math$``, ``\\&``, ``\\%``, ``--``, ``~``, ``{\\textquoteright}``,
  ``{GPU}`` braces for case, ``doi``/``url``/``keywords``/``file``/``urldate`` fields;
- DBLP (40 %): ``First Last`` names, ``@string`` journal macros, ``@inproceedings`` with
  ``crossref`` to an ``@proceedings`` entry, ``timestamp``/``biburl``/``bibsource``, no abstract;
- Scholar (20 %): terse entries, corporate (``{The ATLAS Collaboration}``) and single-name
  authors, no abstract.

    python bench/bibgen.py OUT.bib --size 10000 [--seed 11]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

BIB_GENERATOR_VERSION = "1"
DEFAULT_SEED = 11

_LAST = [r"M{\"u}ller", r"{\L}ukasik", r"G{\'o}mez", r"Nov{\'a}k", r"{\O}deg{\aa}rd",
         r"{\c{C}}elik", r"{\v{S}}imi{\'c}", r"Bront{\"e}", "Nguyen", "Okafor", "Lindqvist",
         "Tanaka", "Abernathy", "Ferreira", "Kowalczyk", "Haddad", "{Van der Berg}",
         "de la Cruz", "Petrov", "Rahman", r"S{\o}rensen", "Zhang", "Ivanova", "Mbeki",
         r"Erd{\H{o}}s", r"Fran{\c{c}}ois", "Yilmaz", "Oyelaran", r"D{\'\i}az", "Kim"]
_FIRST = [r"Jos{\'e}", r"Zo{\"e}", "Ana", r"Bj{\"o}rn", "Chidi", "Mei", r"Tom{\'a}s", "Ingrid",
          "Ravi", r"L{\'e}a", "Kwame", "Olga", "Hiro", "Fatima", "Jean-Luc", "Priya", "M.",
          "A. B.", "Yusuf", "Elin"]
_CORPORATE = ["{The ATLAS Collaboration}", "{CMS Collaboration}",
              "{World Health Organization}", "{Open Source Geospatial Foundation}"]
_SINGLE = ["Plato", "Aristotle", "Suharto", "Aaliyah"]
_WORDS = " ".join((
    "adaptive sparse spectral robust neural stochastic quantum coherent latent causal "
          "distributed scalable variational bayesian nonlinear optical thermal microfluidic "
          "graph kernel manifold dissipative soliton transformer diffusion estimation "
          "inference control learning dynamics imaging sensing retrieval synthesis models "
          "networks fields waves operators measurements flows lattices",)).split()
_CASE = ["{GPU}", "{BERT}", "{M}arkov", "{B}ayesian", "{DNA}", "{L}yapunov", "{COVID}-19",
         "{Schr{\\\"o}dinger}"]
_TITLE_FORMS = [
    "{A} {B} for {C} {D}",
    "On the {B} of {C} {D} with {K}",
    "{K}: a {C} approach to {A} {D}",
    "Towards {A} {D} with {B} {C} \\& {K}",
    "{A} and {B} {D} in \\emph{{in vivo}} {C} regimes",
    "{A} {D} at $\\alpha$-{B} scales",
    "{K}-based {D} {{\\textendash}} {A} {C}",
    "Na{{\\\"\\i}}ve {D} for {K} {C}",
]
# Abstract sentences: what Zotero exports hold (its escapes included).
_PLAIN = [
    "We study the regime where $\\alpha \\ll 1$ and the coupling $g_{{ij}}$ is weak.",
    "The Schr{{\\\"o}}dinger picture gives a closed form for the na{{\\\"\\i}}ve estimator.",
    "Experiments on 12~datasets show a 3$\\times$ speed-up over the baseline ({K} vs.~{K}).",
    "A simple bound of order $O(n \\log n)$ follows from Jensen{{\\textquoteright}}s inequality.",
    "We improve accuracy by 12.5\\% on average, at 40--60\\% of the cost.",
    "Code and data are available at \\url{{https://example.org/{S}/code_{N}}}.",
    "Our method extends the analysis of \\cite{{{C}}} to the {A} {D} setting.",
    "Results for P\\&L portfolios are compared with {K} {{\\textendash}} see Section~3.",
    "Unlike prior work \\cite{{{C},{C}}}, we make no assumption on the {A} {D}.",
    "The {A} {D} of {K} models is characterised in closed form.",
    "We release a benchmark of 10{{,}}000 {A} {D} with {B} labels.",
    "Fluctuations scale as $\\sigma^2 \\propto T$ for $T > T_c$.",
]
_EMPHASIS = [
    "We call this the \\emph{{{A} {D}}} regime.",
    "Crucially, the estimator is \\textit{{unbiased}} for every {B} {C}.",
    "\\textbf{{Main result:}} the {A} {D} converges at rate $1/\\sqrt{{n}}$.",
    "This \\emph{{{A}}} effect has not been reported \\emph{{in situ}}.",
]
_JOURNALS = [("jmlr", "Journal of Machine Learning Research"), ("prl", "Physical Review Letters"),
             ("tsp", "{IEEE} Transactions on Signal Processing"),
             ("adp", "Annalen der Physik"), ("natphot", "Nature Photonics")]
_CONFERENCES = [("icml", "International Conference on Machine Learning", "ICML"),
                ("colt", "Conference on Learning Theory", "COLT"),
                ("cleo", "Conference on Lasers and Electro-Optics", "CLEO"),
                ("podc", "Symposium on Principles of Distributed Computing", "PODC")]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _title(rng: random.Random) -> str:
    return _sentence(rng, _TITLE_FORMS, [])


def _sentence(rng: random.Random, pool: list[str], keys: list[str]) -> str:
    form = rng.choice(pool)
    if "\\cite" in form:
        form = form.replace("{C}", rng.choice(keys or ["smith2020"]))
    return form.format(A=rng.choice(_WORDS), B=rng.choice(_WORDS), C=rng.choice(_WORDS),
                       D=rng.choice(_WORDS), K=rng.choice(_CASE), S=rng.choice(_WORDS),
                       N=rng.randrange(100))


def _abstract(rng: random.Random, keys: list[str]) -> str:
    emphasis = rng.random() < 0.5
    sentences: list[str] = []
    while sum(len(s) + 1 for s in sentences) < 950:
        pool = _EMPHASIS if emphasis and rng.random() < 0.25 else _PLAIN
        sentences.append(_sentence(rng, pool, keys))
    if emphasis and not any("\\emph" in s or "\\text" in s for s in sentences):
        sentences[0] = _sentence(rng, _EMPHASIS, keys)
    text = " ".join(sentences)
    if rng.random() < 0.2:  # a wrapped value with a paragraph break, as Zotero writes notes
        half = len(sentences) // 2
        text = " ".join(sentences[:half]) + "\n\n" + " ".join(sentences[half:])
    return text


def _author_count(rng: random.Random) -> int:
    return rng.randint(8, 80) if rng.random() < 0.2 else rng.randint(1, 6)


def _authors(rng: random.Random, style: str) -> str:
    roll = rng.random()
    if style == "scholar" and roll < 0.1:
        return rng.choice(_CORPORATE)
    if style == "scholar" and roll < 0.15:
        return rng.choice(_SINGLE) + " and " + f"{rng.choice(_LAST)}, {rng.choice(_FIRST)}"
    people = []
    for _ in range(_author_count(rng)):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        people.append(f"{first} {last}" if style == "dblp" and not last.startswith("{")
                      and " " not in last else f"{last}, {first}")
    if style == "zotero" and len(people) > 30 and rng.random() < 0.3:
        people[-1] = "others"
    return " and ".join(people)


def _field(name: str, value: str, quoted: bool = False) -> str:
    return f"  {name} = \"{value}\"" if quoted else f"  {name} = {{{value}}}"


def _entry(rng: random.Random, index: int, keys: list[str], proceedings: list[str]) -> str:
    style = rng.choices(("zotero", "dblp", "scholar"), (4, 4, 2))[0]
    year = rng.randint(1995, 2025)
    key = f"{rng.choice(_WORDS)}{year}{_WORDS[index % len(_WORDS)]}{index}"
    kind = rng.choices(("article", "inproceedings", "misc", "phdthesis", "techreport",
                        "incollection", "book"), (40, 35, 10, 4, 4, 4, 3))[0]
    fields = [_field("title", _title(rng)), _field("author", _authors(rng, style))]
    raw_macro = None
    if kind == "article":
        macro, _name = rng.choice(_JOURNALS)
        if style == "dblp":
            raw_macro = f"  journal = {macro}"
        else:
            fields.append(_field("journal", _name))
        fields += [_field("volume", str(rng.randint(1, 80))), _field("pages",
                   f"{rng.randint(1, 900)}--{rng.randint(901, 2000)}")]
    elif kind == "inproceedings":
        if style == "dblp" and proceedings:
            fields.append(_field("crossref", rng.choice(proceedings)))
        else:
            _macro, name, abbr = rng.choice(_CONFERENCES)
            fields.append(_field("booktitle", f"Proceedings of the {name} ({{{abbr}}})"))
    elif kind == "misc":
        fields += [_field("howpublished", "arXiv preprint"),
                   _field("eprint", f"{year % 100:02d}{rng.randint(1, 12):02d}."
                          f"{rng.randint(10000, 99999)}"), _field("archiveprefix", "arXiv")]
    elif kind == "phdthesis":
        fields.append(_field("school", r"Instituto T{\'e}cnico de Valverde"))
    elif kind == "techreport":
        fields += [_field("institution", "University of Nordhavn"), _field("number",
                   f"TR-{rng.randint(1, 999)}")]
    elif kind == "incollection":
        fields += [_field("booktitle", f"Handbook of {rng.choice(_WORDS).title()} Methods"),
                   _field("editor", _authors(rng, "zotero")), _field("publisher", "Springer")]
    else:
        fields.append(_field("publisher", r"Wiley \& Sons"))
    fields.append(f"  year = {year}" if style == "dblp" else _field("year", str(year)))
    if style != "scholar" and rng.random() < 0.7:
        fields.append(f"  month = {rng.choice(_MONTHS)}")
    if style == "zotero":
        fields.append(_field("doi", f"10.{rng.randint(1000, 9999)}/{key.lower()}"))
        fields.append(_field("url", f"https://doi.org/10.{rng.randint(1000, 9999)}/{key}"))
        fields.append(_field("urldate", f"{year + 1}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"))
        fields.append(_field("keywords", ", ".join(rng.sample(_WORDS, 3))))
        fields.append(_field("file", f"Full Text PDF:/home/user/Zotero/storage/{key}.pdf"
                             ":application/pdf"))
        fields.append(_field("abstract", _abstract(rng, keys)))
    elif style == "dblp":
        fields.append(_field("timestamp", "Tue, 01 Jan 2024 00:00:00 +0100"))
        fields.append(_field("biburl", f"https://dblp.org/rec/journals/x/{key}.bib"))
        fields.append(_field("bibsource", "dblp computer science bibliography, https://dblp.org"))
    if raw_macro:
        fields.insert(2, raw_macro)
    keys.append(key)
    return f"@{kind}{{{key},\n" + ",\n".join(fields) + "\n}\n"


def generate_bib(n: int, seed: int = DEFAULT_SEED) -> str:
    """A .bib of ``n`` entries (plus a few ``@proceedings`` crossref targets), deterministic."""
    rng = random.Random(f"{seed}-{n}")
    head = ["% Exported by a fictional reference manager\n"]
    head += [f"@string{{{macro} = \"{name}\"}}\n" for macro, name in _JOURNALS]
    proceedings = []
    for macro, name, abbr in _CONFERENCES:
        for year in (2019, 2021, 2023):
            key = f"DBLP:conf/{macro}/{year}"
            proceedings.append(key)
            head.append(f"@proceedings{{{key},\n  title = {{Proceedings of the {name} "
                        f"({{{abbr}}} {year})}},\n  booktitle = {{{name} ({{{abbr}}})}},\n"
                        f"  publisher = {{{{PMLR}}}},\n  year = {{{year}}}\n}}\n")
    keys: list[str] = []
    entries = [_entry(rng, index, keys, proceedings) for index in range(n)]
    return "\n".join(head + entries)


def ensure_bib(folder: Path, n: int, seed: int = DEFAULT_SEED) -> Path:
    """``folder/refs-N.bib``, regenerated only when the generator version or seed changed."""
    path = folder / f"refs-{n}-v{BIB_GENERATOR_VERSION}-s{seed}.bib"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(generate_bib(n, seed), encoding="utf-8")
        tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    args.out.write_text(generate_bib(args.size, args.seed), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
