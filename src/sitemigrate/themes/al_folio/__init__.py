"""The al_folio theme: its reader, writer and checks."""
