"""Venue keys group spellings of one venue; kinds are inferred only when missing."""

from __future__ import annotations

import pytest

from sitemigrate.model import Publication
from sitemigrate.transforms.venues import infer_kind, kind_from_venue, venue_key


@pytest.mark.parametrize("venue,key", [
    ("NeurIPS 2023", "neurips"),
    ("Advances in Neural Information Processing Systems", "neurips"),
    ("Proc. NeurIPS", "neurips"),
    ("Proceedings of the 43rd International Conference on Machine Learning", "icml"),
    ("International Conference on Learning Representations (ICLR) (Oral)", "iclr"),
    ("Findings of the Association for Computational Linguistics: ACL-IJCNLP 2021",
     "findings-acl"),
    ("IEEE Transactions on Knowledge and Data Engineering", "tkde"),
    ("Nature", "nature"),
    ("Nature Communications", "nature communications"),
    ("<i>Applied Physics Letters</i>", "applied physics letters"),
    ("Proceedings of the 2014 Open Networking Summit (ONS)", "open networking summit ons"),
    ("2025 IEEE International Conference on Digital Health (ICDH)",
     "ieee international conference on digital health icdh"),
    (None, ""),
])
def test_venue_key(venue: str | None, key: str) -> None:
    assert venue_key(venue) == key


@pytest.mark.parametrize("venue,kind", [
    ("arXiv:2301.01530", "preprint"),          # AdrienTaylor papers.bib journal field
    ("__BioRxiv__ 2021 Dec <br>", "preprint"),  # AdamFrostLab journal field
    ("Workshop on Foundation Models at ICML", "workshop"),
    ("IEEE Transactions on Signal Processing", "journal"),
    ("Phys. Rev. Lett. 123, 2019", "journal"),
    ("Proceedings of the ACM Internet Measurement Conference", "conference"),
    ("NeurIPS", "conference"),
    ("PhD Thesis, University of Southern California", "thesis"),
    ("AI4Space", None),
])
def test_kind_from_venue(venue: str, kind: str | None) -> None:
    assert kind_from_venue(venue) == kind


def test_infer_kind_sources_in_order() -> None:
    assert infer_kind(Publication(id="a", title="t", extra={"category": "manuscripts"})) == \
        "journal"
    assert infer_kind(Publication(id="a", title="t", extra={"bibtex_type": "phdthesis"})) == \
        "thesis"
    # @article with journal={arXiv:…}: the venue says preprint
    assert infer_kind(Publication(id="a", title="t", venue="arXiv:2408.16480",
                                  extra={"bibtex_type": "article"})) == "preprint"
    assert infer_kind(Publication(id="a", title="t", venue="Workshop on X",
                                  extra={"bibtex_type": "article"})) == "workshop"
    assert infer_kind(Publication(id="a", title="t")) is None
