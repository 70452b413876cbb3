"""The Hugo Blox theme (Hugo Academic / Wowchemy): its reader, writer and checks."""
