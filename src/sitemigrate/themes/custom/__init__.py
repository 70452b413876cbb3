"""The custom theme: its reader, writer and checks."""
