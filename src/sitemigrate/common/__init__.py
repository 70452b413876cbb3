"""Helpers every theme shares: the reader and writer bases, links, the Liquid guard."""
