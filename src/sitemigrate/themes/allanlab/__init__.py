"""The allanlab theme: its reader, writer and checks."""
