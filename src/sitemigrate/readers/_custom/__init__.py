"""Helpers of the custom-layout reader: ``_data`` loading, loop selection, record mapping."""
