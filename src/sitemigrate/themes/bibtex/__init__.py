"""The bibtex theme: its reader, writer and checks."""
