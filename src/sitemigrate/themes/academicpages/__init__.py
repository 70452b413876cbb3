"""The academicpages theme: its reader, writer and checks."""
