"""Parsers shared by every reader: text decoding, YAML, front matter, BibTeX, Liquid."""
