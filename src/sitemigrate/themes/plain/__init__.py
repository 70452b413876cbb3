"""The plain theme: its reader, writer and checks."""
