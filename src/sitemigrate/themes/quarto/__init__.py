"""Quarto website target."""
